//! Officer buttons, notes and replies in officer chats.
//!
//! Only a user listed in `officer_user_ids` of the complaint's handler, pressing in one of that
//! handler's `officer_chat_ids`, may act (the user id is checked, not just the chat). Statuses
//! that need a note for the citizen (Tolak, Selesai, another agency's name) ask for it: the bot
//! posts a prompt that mentions the officer who pressed, with a selective ForceReply, so
//! Telegram opens the reply box for that officer only; their reply to that prompt applies the
//! change with the note. A note shorter than a sentence (fewer than 3 words) is refused with the
//! reason and the prompt stays open; a second answer to a prompt already answered is told so. A
//! message in an officer chat that looks meant for the bot (its author has an unanswered prompt
//! from the last hour, or it replies to one of the bot's other messages) gets a hint; other
//! talk among officers is left alone. Every post of the complaint is then edited to show the
//! new status and the buttons that still apply. "Balas warga" works the same way: the
//! officer's answer to its prompt is stored as the handler's reply ([`Store::add_reply`]) and
//! reaches the citizen through the notification outbox, so the officer never learns who (or
//! which chat) the citizen is. "Bukan wewenang" offers the other handlers (and "another
//! agency", named in a note): picking one re-routes the complaint there ([`officer::redirect`]).

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;
use teloxide::types::{ForceReply, ReplyParameters};

use super::{answer_callback, answer_outcome, callback_chat, log_internal};
use crate::domain::{Actor, ComplaintStatus, StatusNote, TicketNumber};
use crate::routing::{Handler, Routing};
use crate::storage::{Store, StoreError};
use crate::telegram::catalog::Catalog;
use crate::telegram::keyboards;
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

/// Words a note needs to tell the citizen something ("ok", "sudah beres" are not enough).
const NOTE_MIN_WORDS: usize = 3;

/// Why an officer's text cannot go to the citizen as a note or reply, if it cannot.
pub(crate) fn note_problem(text: Option<&str>) -> Option<&'static str> {
    let Some(text) = text else {
        return Some(text::OFFICER_NOTE_NOT_TEXT);
    };
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    (words < NOTE_MIN_WORDS).then_some(text::OFFICER_NOTE_TOO_SHORT)
}

/// The officer's name as an HTML mention (a `tg://user` link, which makes a selective
/// ForceReply open the reply box for them).
fn mention(user: &teloxide::types::User) -> String {
    format!(
        "<a href=\"tg://user?id={}\">{}</a>",
        user.id.0,
        crate::telegram::render::plain(&user.full_name()).concat()
    )
}

/// Posts a prompt addressed to `officer` (mention + selective ForceReply) and records it.
async fn ask(
    bot: &Replier,
    store: &Store,
    chat: ChatId,
    officer: &teloxide::types::User,
    raw: &str,
    pending: NotePrompt,
) -> Result<(), StoreError> {
    let html = format!("{}, {}", mention(officer), render_plain(raw));
    let prompt = bot
        .send(
            Some(chat),
            bot.inner()
                .send_message(chat, html)
                .parse_mode(teloxide::types::ParseMode::Html)
                .reply_markup(ForceReply::new().selective()),
        )
        .await
        .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot ask the officer: {e}")))?;
    TelegramStore(store)
        .save_prompt(chat.0, i64::from(prompt.id.0), &pending)
        .await
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
            let chats = &handler.officer_chat_ids;
            officer::refresh_posts(bot.inner(), store, catalog, &complaint, &footer, chats, true).await?;
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
            let pending = NotePrompt {
                ticket: ticket.clone(),
                action: PromptAction::Status(to),
                user_id: user_id(&q.from),
            };
            let raw = text::officer_ask_note(ticket.as_str(), to);
            ask(&bot, &store, chat, &q.from, &raw, pending).await?;
            return Ok(String::new());
        }
        change(&bot, &store, &catalog, handler, &ticket, to, &q.from, None).await
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome.map(Some)).await
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
        let pending = NotePrompt {
            ticket: ticket.clone(),
            action: PromptAction::Reply,
            user_id: user_id(&q.from),
        };
        ask(
            &bot,
            &store,
            chat,
            &q.from,
            &text::officer_ask_reply(ticket.as_str()),
            pending,
        )
        .await?;
        Ok(None)
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome).await
}

fn render_plain(raw: &str) -> String {
    crate::telegram::render::plain(raw).concat()
}

/// A message in reply to one of our note prompts, with the prompt it answers.
#[derive(Debug, Clone)]
pub(crate) struct PendingNote {
    prompt: NotePrompt,
    prompt_message: i64,
    /// The prompt was answered before.
    used: bool,
}

/// Filter: is this message an answer to one of our prompts (answered before or not)?
pub(crate) async fn pending_note(msg: Message, store: Store) -> Option<PendingNote> {
    let replied = msg.reply_to_message()?;
    let prompt_message = i64::from(replied.id.0);
    match TelegramStore(&store).prompt(msg.chat.id.0, prompt_message).await {
        Ok(prompt) => prompt.map(|(prompt, used)| PendingNote {
            prompt,
            prompt_message,
            used,
        }),
        Err(error) => {
            log_internal(msg.chat.id, &error.into());
            None
        }
    }
}

/// Filter: a message in an officer chat (not a command) that looks meant for the bot: its author
/// has an unanswered prompt there from the last hour (then: that prompt's ticket), or it replies
/// to one of the bot's other messages.
pub(crate) async fn misplaced_note(msg: Message, store: Store, routing: Arc<Routing>) -> Option<Option<TicketNumber>> {
    let chat = msg.chat.id.0;
    if msg.chat.is_private() || !routing.handlers().iter().any(|h| h.officer_chat_ids.contains(&chat)) {
        return None;
    }
    if msg.text().is_some_and(|t| t.starts_with('/')) {
        return None;
    }
    let from = msg.from.as_ref()?;
    match TelegramStore(&store).open_prompt_of(chat, user_id(from)).await {
        Ok(Some(ticket)) => return Some(Some(ticket)),
        Ok(None) => {}
        Err(error) => {
            log_internal(msg.chat.id, &error.into());
            return None;
        }
    }
    let to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.is_bot);
    to_bot.then_some(None)
}

/// The hint for a [`misplaced_note`].
pub(crate) async fn hint(bot: Replier, msg: Message, ticket: Option<TicketNumber>) -> HandlerResult {
    let raw = text::officer_hint(ticket.as_ref().map(TicketNumber::as_str));
    let request = bot
        .inner()
        .send_message(msg.chat.id, render_plain(&raw))
        .parse_mode(teloxide::types::ParseMode::Html)
        .reply_parameters(ReplyParameters::new(msg.id));
    bot.send(Some(msg.chat.id), request).await?;
    Ok(())
}

/// "Bukan wewenang" under a post: offers the other handlers to redirect to.
pub(crate) async fn redirect_button(
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
        let Some(handler) = authorised(&store, &routing, &ticket, chat, user_id(&q.from)).await? else {
            return Ok(Some(text::OFFICER_NOT_ALLOWED));
        };
        let others: Vec<(String, String)> = routing
            .handlers()
            .iter()
            .filter(|h| h.id != handler.id)
            .map(|h| (h.id.clone(), h.name.clone()))
            .collect();
        let request = bot
            .inner()
            .send_message(chat, render_plain(&text::officer_redirect_choice(ticket.as_str())))
            .parse_mode(teloxide::types::ParseMode::Html)
            .reply_markup(keyboards::officer_redirect(&ticket, &others));
        bot.send(Some(chat), request)
            .await
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot offer redirects: {e}")))?;
        Ok(None)
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome).await
}

/// A destination picked after "Bukan wewenang": re-routes the complaint there.
pub(crate) async fn redirect_to(
    bot: Replier,
    q: CallbackQuery,
    (ticket, target): (TicketNumber, String),
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
        let Some(to) = routing.get(&target).filter(|h| h.id != handler.id) else {
            return Ok(text::OFFICER_REDIRECT_UNKNOWN.to_owned());
        };
        match officer::redirect(&store, &ticket, &handler.id, to, user_id(&q.from)).await {
            Ok(complaint) => {
                let footer = text::officer_redirected_line(&to.name, &q.from.full_name());
                let chats = &handler.officer_chat_ids;
                officer::refresh_posts(bot.inner(), &store, &catalog, &complaint, &footer, chats, false).await?;
                Ok(text::OFFICER_REDIRECTED.to_owned())
            }
            Err(StoreError::Transition(e)) => Ok(e.to_string()),
            Err(e) => Err(e),
        }
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome.map(Some)).await
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
        if pending.used {
            return Ok(text::OFFICER_PROMPT_USED.to_owned());
        }
        let Some(handler) = authorised(&store, &routing, &prompt.ticket, chat, user_id(from)).await? else {
            return Ok(text::OFFICER_NOT_ALLOWED.to_owned());
        };
        if let Some(problem) = note_problem(msg.text()) {
            return Ok(problem.to_owned());
        }
        let note = match StatusNote::parse(msg.text().unwrap_or_default()) {
            Ok(note) => note,
            Err(e) => return Ok(e.to_string()),
        };
        // Claimed before acting, so two quick answers cannot both apply.
        if !TelegramStore(&store).use_prompt(chat.0, pending.prompt_message).await? {
            return Ok(text::OFFICER_PROMPT_USED.to_owned());
        }
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
