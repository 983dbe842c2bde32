//! The citizen's side of the complaint journey's end, as Telegram buttons (kept out of the
//! conversation core's dialogue so the core can take them over).
//!
//! A resolution notice (`selesai`) carries [Sudah beres] [Belum beres, buka lagi] while the
//! complaint is resolved and its reopen window (the `selesai` stage's deadline, 10 working days)
//! is open; the store enforces both. "Belum beres" reopens the same ticket (`selesai ->
//! ditindaklanjuti` by the citizen), keeping its history; the citizen then gets the reopen
//! notice and the handler a new post. "Sudah beres" asks for a satisfaction rating (1-5), and
//! the rating's thanks invites an optional comment as a reply to that message. Only the citizen
//! who filed may press these. (Supporting an open complaint about the same problem is the
//! conversation core's: the /lapor dialogue offers it, on every channel.)

use teloxide::prelude::*;

use super::{answer_callback, answer_outcome, callback_chat, log_internal, send_text};
use crate::domain::{Actor, ComplaintStatus, Satisfaction, TicketNumber, TransitionError};
use crate::storage::{RatingRefusal, StatusChange, Store, StoreError};
use crate::telegram::reply::Replier;
use crate::telegram::{HandlerResult, keyboards, text};

fn chat_of(q: &CallbackQuery) -> Option<ChatId> {
    callback_chat(q).filter(|c| c.is_user())
}

/// [Sudah beres] or [Belum beres, buka lagi] under a resolution notice.
pub(crate) async fn resolution(
    bot: Replier,
    q: CallbackQuery,
    (ticket, fixed): (TicketNumber, bool),
    store: Store,
) -> HandlerResult {
    let Some(chat) = chat_of(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let outcome: Result<Option<String>, StoreError> = async {
        let Some(complaint) = store.get_by_ticket(&ticket).await? else {
            return Ok(Some(text::NOT_YOUR_COMPLAINT.to_owned()));
        };
        if complaint.citizen.telegram_chat() != Some(chat.0) {
            return Ok(Some(text::NOT_YOUR_COMPLAINT.to_owned()));
        }
        if fixed {
            if !matches!(complaint.status, ComplaintStatus::Selesai | ComplaintStatus::Ditutup) {
                return Ok(Some(text::NOT_RESOLVED_ANY_MORE.to_owned()));
            }
            send_text(
                &bot,
                chat,
                &text::ask_rating(ticket.as_str()),
                Some(keyboards::rating(&ticket)),
            )
            .await
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot ask for a rating: {e}")))?;
            return Ok(None);
        }
        let change = StatusChange::new(ticket.clone(), ComplaintStatus::Ditindaklanjuti, Actor::Citizen(chat.0));
        match store.change_status(&change).await {
            Ok(_) => Ok(Some(text::REOPENED.to_owned())),
            Err(StoreError::Transition(TransitionError::ReopenWindowClosed)) => {
                Ok(Some(TransitionError::ReopenWindowClosed.to_string()))
            }
            Err(StoreError::Transition(_)) => Ok(Some(text::NOT_RESOLVED_ANY_MORE.to_owned())),
            Err(e) => Err(e),
        }
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome).await
}

/// A rating button (1-5): stores it and invites a comment as a reply to the thanks.
pub(crate) async fn rate(
    bot: Replier,
    q: CallbackQuery,
    (ticket, score): (TicketNumber, u8),
    store: Store,
) -> HandlerResult {
    let Some(chat) = chat_of(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let outcome: Result<Option<String>, StoreError> = async {
        let Ok(score) = Satisfaction::parse(i64::from(score)) else {
            return Ok(Some(text::STALE_BUTTON.to_owned()));
        };
        match store.rate(&ticket, chat.0, score).await? {
            Err(RatingRefusal::NotYours) => return Ok(Some(text::NOT_YOUR_COMPLAINT.to_owned())),
            Err(RatingRefusal::NotResolved) => return Ok(Some(text::NOT_RESOLVED_YET.to_owned())),
            Ok(_) => {}
        }
        let html = crate::telegram::render::plain(&text::rating_thanks(score.get())).concat();
        let request = bot
            .inner()
            .send_message(chat, html)
            .parse_mode(teloxide::types::ParseMode::Html)
            .reply_markup(teloxide::types::ForceReply::new());
        let thanks = bot
            .send(Some(chat), request)
            .await
            .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot thank for the rating: {e}")))?;
        store.set_rating_prompt(&ticket, chat.0, i64::from(thanks.id.0)).await?;
        Ok(None)
    }
    .await;
    answer_outcome(&bot, &q, chat, outcome).await
}

/// Filter: a private message replying to a rating's comment prompt (the complaint it is about).
pub(crate) async fn rating_comment_of(msg: Message, store: Store) -> Option<TicketNumber> {
    if !msg.chat.is_private() {
        return None;
    }
    let replied = msg.reply_to_message()?;
    match store.rating_for_prompt(msg.chat.id.0, i64::from(replied.id.0)).await {
        Ok(ticket) => ticket,
        Err(error) => {
            log_internal(msg.chat.id, &error.into());
            None
        }
    }
}

/// The citizen's comment on their rating.
pub(crate) async fn comment(bot: Replier, msg: Message, ticket: TicketNumber, store: Store) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(words) = msg.text().filter(|t| !t.trim().is_empty()) else {
        send_text(&bot, chat, text::ONLY_TEXT, None).await?;
        return Ok(());
    };
    let reply = match store.comment_rating(&ticket, chat.0, words).await {
        Ok(true) => text::RATING_COMMENT_SAVED,
        Ok(false) => text::NOT_YOUR_COMPLAINT,
        Err(error) => {
            log_internal(chat, &error.into());
            text::APOLOGY
        }
    };
    send_text(&bot, chat, reply, None).await?;
    Ok(())
}
