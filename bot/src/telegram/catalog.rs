//! The catalog (the engine plus short button keys) is the conversation core's; re-exported here
//! because the officer chat and the broadcast name it from the Telegram side.

pub use crate::conversation::catalog::{Catalog, CatalogHandle};
