//! The dialogue state is the conversation core's ([`crate::conversation::State`]); the Telegram
//! side persists it per chat through `store.rs`.

#[cfg(test)]
pub(crate) use crate::conversation::state::Draft;
pub use crate::conversation::state::State;
