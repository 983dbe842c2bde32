//! Normalised values read from component text: durations and fees, plus the Indonesian
//! number reading they share. Pure functions with table-driven tests.

mod duration;
mod fee;
mod numbers;

pub use duration::{describe_duration, parse_duration};
pub use fee::{describe_fee, parse_fee};
