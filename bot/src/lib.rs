//! loket: the bot and gateway crate (CLI, Telegram, HTTP API, storage, workers).

pub mod calendar;
pub mod cli;
pub mod configuration;
pub mod domain;
pub mod routing;
pub mod storage;
