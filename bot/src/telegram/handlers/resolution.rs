//! Replies to a rating's comment prompt sent before the conversation core took the end of the
//! complaint journey over (`conversation::resolution`, on every channel: the buttons, the
//! reopen, the rating, and the comment as the next message). Such a prompt's message id was
//! kept with the rating, so a citizen's reply to it still reaches that rating.

use teloxide::prelude::*;

use super::{log_internal, send_text};
use crate::domain::TicketNumber;
use crate::storage::Store;
use crate::telegram::reply::Replier;
use crate::telegram::{HandlerResult, text};

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
