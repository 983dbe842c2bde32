//! loket-knowledge: everything loket knows about public services, with no I/O beyond
//! reading decree files and no dependency on Telegram or a database.
//!
//! - [`parse`] turns decree files (messy text conversions of *Standar Pelayanan* decrees)
//!   into [`document::Document`]s with line ranges for citations;
//! - [`values`] normalises durations and fees;
//! - the answer engine (search index, Indonesian analysis, answers) builds on these.
#![warn(missing_docs)]

pub mod document;
pub mod parse;
pub mod values;
