//! loket-knowledge: everything loket knows about public services, with no I/O beyond
//! reading decree files and no dependency on Telegram or a database.
//!
//! - [`parse`] turns decree files (messy text conversions of *Standar Pelayanan* decrees)
//!   into [`document::Document`]s with line ranges for citations;
//! - [`input`] reads PDF and Word decrees as the text lines [`parse`] takes;
//! - [`values`] normalises durations and fees;
//! - [`analysis`], [`spelling`] and [`vowelless`] read Indonesian as citizens write it;
//! - [`aliases`] derives the short names citizens give services (initials, syllable blends);
//! - [`index`], [`aspect`] and [`answer`] turn a question into a cited [`answer::Answer`];
//! - [`dialogue`] keeps one conversation's context (last service, last list, region);
//! - [`eval`] measures the engine on labelled question sets and conversations.
#![warn(missing_docs)]

pub mod aliases;
pub mod analysis;
pub mod answer;
pub mod aspect;
pub mod dialogue;
pub mod diff;
pub mod document;
pub mod eval;
pub mod index;
pub mod input;
mod parallel;
pub mod parse;
pub mod spelling;
pub mod values;
pub mod vowelless;
