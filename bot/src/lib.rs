//! loket: the bot and gateway crate (CLI, Telegram, HTTP API, storage, workers).

pub mod calendar;
pub mod cli;
pub mod configuration;
pub mod console;
pub mod conversation;
pub mod delivery;
pub mod domain;
pub mod http;
pub mod intake;
pub mod learning;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod reindex;
pub mod routing;
pub mod startup;
pub mod storage;
pub mod telegram;
pub mod telemetry;
pub mod webchat;
pub mod whatsapp;
