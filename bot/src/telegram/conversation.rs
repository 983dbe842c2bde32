//! `Context`: the question context a Telegram chat keeps between messages.
//!
//! It is the answer engine's own [`Dialogue`] (last service, last choices, region), so the bot,
//! `loket chat` and `loket ask --conversation` follow up in exactly the same way. Kept in the
//! persisted [`State`]; every field is defaulted, so states stored before a field existed load.
//!
//! [`State`]: super::State

pub use loket_knowledge::dialogue::Dialogue as Context;
