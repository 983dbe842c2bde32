//! Handlers: the named async endpoints the schema wires up. `citizen.rs` is the adapter to the
//! conversation core (every citizen update becomes an event, every reply HTML and an inline
//! keyboard); `officer.rs` is the officer chat, Telegram's own.
//!
//! This file holds what both share: sending escaped HTML (split to fit) through the
//! [`Replier`] (retries within Telegram's limits, `reply.rs`), the guard that turns an internal
//! failure into a logged error plus the fixed apology, and the answer to buttons whose data no
//! longer means anything.

pub(crate) mod citizen;
pub(crate) mod officer;
pub(crate) mod resolution;

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

/// Answers a button press with the outcome of the work it started: its notice, if any, on
/// success; an internal failure is logged and answered with the fixed apology.
pub(crate) async fn answer_outcome<N: AsRef<str>>(
    bot: &Replier,
    q: &CallbackQuery,
    chat: ChatId,
    outcome: Result<Option<N>, crate::storage::StoreError>,
) -> HandlerResult {
    match outcome {
        Ok(notice) => {
            let notice = notice.as_ref().map(AsRef::as_ref).filter(|n| !n.is_empty());
            answer_callback(bot, q, notice).await?;
        }
        Err(error) => {
            log_internal(chat, &error.into());
            answer_callback(bot, q, Some(text::APOLOGY)).await?;
        }
    }
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
