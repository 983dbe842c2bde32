//! Officer buttons, notes and replies in officer chats.
//!
//! Only a user listed in `officer_user_ids` of the complaint's handler, pressing in one of that
//! handler's `officer_chat_ids`, may act (the user id is checked, not just the chat). Statuses
//! that need a note for the citizen (Tolak, Selesai) ask for it: the bot posts a prompt, and the
//! officer's reply to that prompt applies the change with the note. Every post of the complaint
//! is then edited to show the new status and the buttons that still apply. "Balas warga" works
//! the same way: the officer's answer to its prompt is stored as the handler's reply
//! ([`Store::add_reply`]) and reaches the citizen through the notification outbox, so the
//! officer never learns who (or which chat) the citizen is.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;
use teloxide::types::{ForceReply, ReplyParameters};

use super::{answer_callback, callback_chat, log_internal};
use crate::domain::{Actor, ComplaintStatus, StatusNote, TicketNumber};
use crate::routing::{Handler, Routing};
use crate::storage::{Store, StoreError};
use crate::telegram::catalog::Catalog;
use crate::telegram::officer;
use crate::telegram::store::{NotePrompt, PromptAction, TelegramStore};
use crate::telegram::{HandlerResult, text};

/// The handler whose officers may act on `ticket` from `chat`, if `user` is one of them.
async fn authorised<'r>(
    store: &Store,
    routing: &'r Routing,
    ticket: &TicketNumber,
    chat: ChatId,
    user: i64,
) -> Result<Option<&'r Handler>, StoreError> {
    let Some(complaint) = store.get_by_ticket(ticket).await? else {
        return Ok(None);
    };
    Ok(complaint
        .handler_id
        .as_deref()
        .and_then(|id| routing.get(id))
        .filter(|h| h.officer_chat_ids.contains(&chat.0) && h.officer_user_ids.contains(&user)))
}

fn user_id(user: &teloxide::types::User) -> i64 {
    i64::try_from(user.id.0).unwrap_or_default()
}

/// Applies the change and updates the posts; the Indonesian outcome for the officer.
#[allow(clippy::too_many_arguments)]
async fn change(
    bot: &Replier,
    store: &Store,
    catalog: &Catalog,
    handler: &Handler,
    ticket: &TicketNumber,
    to: ComplaintStatus,
    officer: &teloxide::types::User,
    note: Option<StatusNote>,
) -> Result<String, StoreError> {
    match officer::apply(store, ticket, &handler.id, to, user_id(officer), note).await {
        Ok(complaint) => {
            let footer = text::officer_status_line(complaint.status, &officer.full_name());
            officer::refresh_posts(bot.inner(), store, catalog, &complaint, &footer).await?;
            Ok(text::OFFICER_DONE.to_owned())
        }
        Err(StoreError::Transition(e)) => Ok(e.to_string()),
        Err(e) => Err(e),
    }
}

/// A status button under a complaint post.
pub(crate) async fn button(
    bot: Replier,
    q: CallbackQuery,
    (to, ticket): (ComplaintStatus, TicketNumber),
    store: Store,
    routing: Arc<Routing>,
    catalog: Arc<Catalog>,
) -> HandlerResult {
    let Some(chat) = callback_chat(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let outcome: Result<String, StoreError> = async {
        let Some(handler) = authorised(&store, &routing, &ticket, chat, user_id(&q.from)).await? else {
            return Ok(text::OFFICER_NOT_ALLOWED.to_owned());
        };
        if to.requires_note() {
            let prompt = bot
                .send(
                    Some(chat),
                    bot.inner()
                        .send_message(chat, render_plain(&text::officer_ask_note(ticket.as_str(), to)))
                        .parse_mode(teloxide::types::ParseMode::Html)
                        .reply_markup(ForceReply::new().selective()),
                )
                .await
                .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot ask for a note: {e}")))?;
            let pending = NotePrompt {
                ticket: ticket.clone(),
                action: PromptAction::Status(to),
                user_id: user_id(&q.from),
            };
            TelegramStore(&store)
                .save_prompt(chat.0, i64::from(prompt.id.0), &pending)
                .await?;
            return Ok(String::new());
        }
        change(&bot, &store, &catalog, handler, &ticket, to, &q.from, None).await
    }
    .await;
    match outcome {
        Ok(notice) if notice.is_empty() => answer_callback(&bot, &q, None).await?,
        Ok(notice) => answer_callback(&bot, &q, Some(&notice)).await?,
        Err(error) => {
            log_internal(chat, &error.into());
            answer_callback(&bot, &q, Some(text::APOLOGY)).await?;
        }
    }
    Ok(())
}

/// "Balas warga" under a complaint post: asks the officer for the reply (ForceReply prompt).
pub(crate) async fn reply_button(
    bot: Replier,
    q: CallbackQuery,
    ticket: TicketNumber,
    store: Store,
    routing: Arc<Routing>,
) -> HandlerResult {
    let Some(chat) = callback_chat(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let outcome: Result<Option<&str>, StoreError> = async {
        if authorised(&store, &routing, &ticket, chat, user_id(&q.from))
            .await?
            .is_none()
        {
            return Ok(Some(text::OFFICER_NOT_ALLOWED));
        }
        let prompt = bot
            .send(
                Some(chat),
                bot.inner()
                    .send_message(chat, render_plain(&text::officer_ask_reply(ticket.as_str())))
                    .parse_mode(teloxide::types::ParseMode::Html)
                    .reply_markup(ForceReply::new().selective()),
            )
            .await
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot ask for a reply: {e}")))?;
        let pending = NotePrompt {
            ticket: ticket.clone(),
            action: PromptAction::Reply,
            user_id: user_id(&q.from),
        };
        TelegramStore(&store)
            .save_prompt(chat.0, i64::from(prompt.id.0), &pending)
            .await?;
        Ok(None)
    }
    .await;
    match outcome {
        Ok(notice) => answer_callback(&bot, &q, notice).await?,
        Err(error) => {
            log_internal(chat, &error.into());
            answer_callback(&bot, &q, Some(text::APOLOGY)).await?;
        }
    }
    Ok(())
}

fn render_plain(raw: &str) -> String {
    crate::telegram::render::plain(raw).concat()
}

/// A message in reply to one of our note prompts, with the prompt it answers.
#[derive(Debug, Clone)]
pub(crate) struct PendingNote {
    prompt: NotePrompt,
    prompt_message: i64,
}

/// Filter: is this message an answer to a pending note prompt?
pub(crate) async fn pending_note(msg: Message, store: Store) -> Option<PendingNote> {
    let replied = msg.reply_to_message()?;
    let prompt_message = i64::from(replied.id.0);
    match TelegramStore(&store).prompt(msg.chat.id.0, prompt_message).await {
        Ok(prompt) => prompt.map(|prompt| PendingNote { prompt, prompt_message }),
        Err(error) => {
            log_internal(msg.chat.id, &error.into());
            None
        }
    }
}

/// The officer's answer to a prompt: applies the pending change with it as the note, or sends it
/// to the citizen as the handler's reply.
pub(crate) async fn note(
    bot: Replier,
    msg: Message,
    pending: PendingNote,
    store: Store,
    routing: Arc<Routing>,
    catalog: Arc<Catalog>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(from) = msg.from.as_ref() else { return Ok(()) };
    let prompt = &pending.prompt;
    let outcome: Result<String, StoreError> = async {
        if user_id(from) != prompt.user_id {
            return Ok(text::OFFICER_NOT_ALLOWED.to_owned());
        }
        let Some(handler) = authorised(&store, &routing, &prompt.ticket, chat, user_id(from)).await? else {
            return Ok(text::OFFICER_NOT_ALLOWED.to_owned());
        };
        let note = match StatusNote::parse(msg.text().unwrap_or_default()) {
            Ok(note) => note,
            Err(e) => return Ok(e.to_string()),
        };
        let reply = match prompt.action {
            PromptAction::Status(to) => {
                let reply = change(&bot, &store, &catalog, handler, &prompt.ticket, to, from, Some(note)).await?;
                if reply == text::OFFICER_DONE {
                    text::OFFICER_NOTE_RECEIVED.to_owned()
                } else {
                    reply
                }
            }
            PromptAction::Reply => {
                let officer = Actor::Officer(user_id(from));
                store
                    .add_reply(&prompt.ticket, &officer, &note, Some(&handler.id))
                    .await?;
                text::OFFICER_REPLY_SENT.to_owned()
            }
        };
        TelegramStore(&store)
            .remove_prompt(chat.0, pending.prompt_message)
            .await?;
        Ok(reply)
    }
    .await;
    let reply = outcome.unwrap_or_else(|error| {
        log_internal(chat, &error.into());
        text::APOLOGY.to_owned()
    });
    let reply_to = ReplyParameters::new(msg.id);
    let request = bot
        .inner()
        .send_message(chat, render_plain(&reply))
        .parse_mode(teloxide::types::ParseMode::Html)
        .reply_parameters(reply_to);
    bot.send(Some(chat), request).await?;
    Ok(())
}
