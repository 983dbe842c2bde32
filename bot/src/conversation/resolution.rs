//! The citizen's side of a complaint's end, on every channel: the answer to a resolution
//! (`selesai`), the satisfaction rating and its optional comment.
//!
//! A resolution notice carries [Sudah beres] [Belum, buka lagi] ([`notification_reply`]; also
//! under `/status` of one's own resolved complaint while it may be reopened). "Belum beres"
//! reopens the same ticket (`selesai -> ditindaklanjuti` by the citizen) through the store, which
//! validates the transition and the reopen window (the `selesai` stage's deadline, 10 working
//! days); the handler then gets the complaint again and the citizen the reopen notice, both
//! through the outbox. "Sudah beres" asks for a rating, 1-5 (SP4N-LAPOR! practice); the thanks
//! invite a comment: the next typed message within [`COMMENT_WINDOW_SECS`] (state
//! [`State::RatingComment`]), or [Lewati]. Only the citizen who filed may answer; anyone else,
//! and anyone after the window, is told why in a notice (a Telegram toast, a message elsewhere).
//!
//! Channels only render: the ids (`rs:`, `rt:`) are the ones Telegram's buttons always had, so
//! buttons under notices sent before the core took this over keep working.

use super::state::State;
use super::{Citizen, Conversation, Input, Outcome, Reply, choice, text};
use crate::delivery::notice::Notification;
use crate::domain::{Actor, ComplaintStatus, Satisfaction, TicketNumber, TransitionError};
use crate::storage::{RatingRefusal, StatusChange, StoreError};

/// How long after a rating the next typed message is taken as its comment. Short, so that a
/// question asked later is answered, not filed as a comment.
pub(crate) const COMMENT_WINDOW_SECS: i64 = 3600;

fn notice(words: &str) -> Outcome {
    Outcome {
        notice: Some(words.to_owned()),
        ..Outcome::default()
    }
}

/// A notification as a reply: its text, with [Sudah beres] [Belum, buka lagi] under a
/// resolution for the citizen who filed (a supporter's copy has none: only the filer may
/// reopen or rate).
pub fn notification_reply(n: &Notification) -> Reply {
    let resolution = match n {
        Notification::Status { notice, to } if *to == ComplaintStatus::Selesai && !notice.supporter => {
            TicketNumber::parse(&notice.ticket).ok()
        }
        _ => None,
    };
    match resolution {
        Some(ticket) => Reply::text(&n.text(true))
            .with_buttons(choice::resolution(&ticket))
            .expecting(Input::Buttons),
        None => Reply::text(&n.text(false)),
    }
}

/// [Sudah beres] (`fixed`) or [Belum, buka lagi].
pub(crate) async fn answer(
    conversation: &Conversation,
    citizen: &Citizen,
    ticket: &TicketNumber,
    fixed: bool,
) -> anyhow::Result<Outcome> {
    let store = &conversation.store;
    let own = store
        .get_by_ticket(ticket)
        .await?
        .filter(|c| c.citizen.telegram_chat() == Some(citizen.chat_id));
    let Some(complaint) = own else {
        return Ok(notice(text::NOT_YOUR_COMPLAINT));
    };
    if fixed {
        if !matches!(complaint.status, ComplaintStatus::Selesai | ComplaintStatus::Ditutup) {
            return Ok(notice(text::NOT_RESOLVED_ANY_MORE));
        }
        return Ok(Outcome::reply(
            Reply::text(&text::ask_rating(ticket.as_str()))
                .with_buttons(choice::rating(ticket))
                .expecting(Input::Buttons),
        ));
    }
    let change = StatusChange::new(
        ticket.clone(),
        ComplaintStatus::Ditindaklanjuti,
        Actor::Citizen(citizen.chat_id),
    );
    match store.change_status(&change).await {
        Ok(_) => Ok(notice(text::REOPENED)),
        Err(StoreError::Transition(TransitionError::ReopenWindowClosed)) => {
            Ok(notice(&TransitionError::ReopenWindowClosed.to_string()))
        }
        Err(StoreError::Transition(_)) => Ok(notice(text::NOT_RESOLVED_ANY_MORE)),
        Err(e) => Err(e.into()),
    }
}

/// A rating button: stores the score and invites a comment (unless a complaint is being filed:
/// then the draft's step stays as it was and the thanks ask nothing).
pub(crate) async fn rate(
    conversation: &Conversation,
    citizen: &Citizen,
    state: &State,
    ticket: &TicketNumber,
    score: u8,
) -> anyhow::Result<Outcome> {
    let Ok(score) = Satisfaction::parse(i64::from(score)) else {
        return Ok(Outcome::stale());
    };
    match conversation.store.rate(ticket, citizen.chat_id, score).await? {
        Err(RatingRefusal::NotYours) => return Ok(notice(text::NOT_YOUR_COMPLAINT)),
        Err(RatingRefusal::NotResolved) => return Ok(notice(text::NOT_RESOLVED_YET)),
        Ok(_) => {}
    }
    if state.in_dialogue() {
        return Ok(Outcome::say(&text::rating_saved(score.get())));
    }
    let until = conversation.store.now() + COMMENT_WINDOW_SECS;
    Ok(Outcome::reply(
        Reply::text(&text::rating_thanks(score.get()))
            .with_buttons(choice::no_comment())
            .expecting(Input::Text),
    )
    .to(State::RatingComment {
        ticket: ticket.to_string(),
        context: state.context(),
        until,
    }))
}

/// The typed message after a rating: its comment. `idle` is the state to go back to.
pub(crate) async fn comment(
    conversation: &Conversation,
    citizen: &Citizen,
    ticket: &TicketNumber,
    idle: State,
    words: &str,
) -> anyhow::Result<Outcome> {
    let saved = conversation
        .store
        .comment_rating(ticket, citizen.chat_id, words)
        .await?;
    let reply = if saved {
        text::RATING_COMMENT_SAVED
    } else {
        text::NOT_YOUR_COMPLAINT
    };
    Ok(Outcome::say(reply).to(idle))
}

/// The resolution question and buttons under `/status` of one's own complaint, while it is
/// resolved and may still be reopened (`None` otherwise).
pub(crate) fn under_status(
    conversation: &Conversation,
    complaint: &crate::storage::Complaint,
) -> Option<(String, Vec<Vec<super::Button>>)> {
    let open = complaint.due_at.is_none_or(|due| conversation.store.now() <= due);
    (complaint.status == ComplaintStatus::Selesai && open).then(|| {
        let until = complaint.due_at.map(crate::delivery::notice::due_date);
        (
            text::resolution_question(until.as_deref()),
            choice::resolution(&complaint.ticket),
        )
    })
}
