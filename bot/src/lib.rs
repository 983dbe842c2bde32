//! loket: the bot and gateway crate (CLI, Telegram, HTTP API, storage, workers).

pub mod cli;
