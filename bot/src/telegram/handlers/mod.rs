//! Handlers: one file per flow, each a set of named async endpoints the schema wires up.
//!
//! This file holds what every flow shares: sending escaped HTML (split to fit) through the
//! [`Replier`] (retries within Telegram's limits, `reply.rs`), the guard that
//! turns an internal failure into a logged error plus the fixed apology, the local date, and the
//! answer to buttons whose data no longer means anything.

pub(crate) mod browse;
pub(crate) mod cancel;
pub(crate) mod complaint;
pub(crate) mod my_data;
pub(crate) mod officer;
pub(crate) mod question;
pub(crate) mod region;
pub(crate) mod start;
pub(crate) mod status;
pub(crate) mod subscribe;

use chrono::NaiveDate;
use teloxide::RequestError;
use teloxide::prelude::*;

use crate::telegram::reply::Replier;
use teloxide::types::{InlineKeyboardMarkup, ParseMode};

use super::render;
use super::text;
use super::{BotError, HandlerResult};

/// Sends HTML messages in order; the keyboard goes under the last one.
pub(crate) async fn send_html(
    bot: &Replier,
    chat: ChatId,
    messages: Vec<String>,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let last = messages.len().saturating_sub(1);
    let mut markup = markup;
    for (i, html) in messages.into_iter().enumerate() {
        let request = bot.inner().send_message(chat, html).parse_mode(ParseMode::Html);
        match markup.take().filter(|_| i == last) {
            Some(keyboard) => bot.send(Some(chat), request.reply_markup(keyboard)).await?,
            None => bot.send(Some(chat), request).await?,
        };
    }
    Ok(())
}

/// Sends a plain text (escaped, split if needed).
pub(crate) async fn send_text(
    bot: &Replier,
    chat: ChatId,
    raw: &str,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    send_html(bot, chat, render::plain(raw), markup).await
}

/// Turns an internal failure into a log line and the fixed apology; Telegram failures are
/// passed on to the dispatcher (sending an apology would fail the same way).
pub(crate) async fn guarded(bot: &Replier, chat: ChatId, result: HandlerResult) -> HandlerResult {
    let Err(error) = result else { return Ok(()) };
    if error.downcast_ref::<RequestError>().is_some() {
        return Err(error);
    }
    log_internal(chat, &error);
    send_text(bot, chat, text::APOLOGY, None).await?;
    Ok(())
}

pub(crate) fn log_internal(chat: ChatId, error: &BotError) {
    tracing::error!(chat_id = chat.0, error.message = %error, error.cause_chain = ?error, "telegram handler failed");
}

/// Today's date where the citizens live (for judging an incident date).
pub(crate) fn local_date(now: i64, utc_offset_hours: i32) -> NaiveDate {
    chrono::DateTime::from_timestamp(now + i64::from(utc_offset_hours) * 3600, 0)
        .unwrap_or_default()
        .date_naive()
}

/// Answers a callback query, optionally with a short notice.
pub(crate) async fn answer_callback(
    bot: &Replier,
    q: &CallbackQuery,
    notice: Option<&str>,
) -> Result<(), RequestError> {
    let request = bot.inner().answer_callback_query(q.id.clone());
    let chat = callback_chat(q);
    match notice {
        Some(notice) => bot.send(chat, request.text(notice)).await?,
        None => bot.send(chat, request).await?,
    };
    Ok(())
}

/// The chat a button was pressed in.
pub(crate) fn callback_chat(q: &CallbackQuery) -> Option<ChatId> {
    q.message.as_ref().map(|m| m.chat().id)
}

/// A button whose data this version cannot read (an old message, a changed corpus).
pub(crate) async fn stale_button(bot: Replier, q: CallbackQuery) -> HandlerResult {
    answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
    Ok(())
}
