//! `/status TICKET`, a ticket written in any message ("cek laporan LKT-ABCD-EFGH") and
//! `/laporanku`: a citizen's complaints and where they stand.
//!
//! A ticket is only shown to the chat that filed it: anyone else gets the same "not found" as
//! for a number that does not exist, so tickets cannot be probed.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{guarded, local_date, send_text};
use crate::domain::TicketNumber;
use crate::storage::Store;
use crate::telegram::run::BotConfig;
use crate::telegram::{BotError, HandlerResult, text};

fn local_day(at: i64, config: &BotConfig) -> String {
    local_date(at, config.utc_offset_hours).format("%d-%m-%Y").to_string()
}

pub(crate) async fn status(
    bot: Replier,
    msg: Message,
    raw: String,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let chat = msg.chat.id;
    if raw.trim().is_empty() {
        send_text(&bot, chat, text::STATUS_USAGE, None).await?;
        return Ok(());
    }
    let ticket = match TicketNumber::parse(&raw) {
        Ok(ticket) => ticket,
        Err(e) => {
            send_text(&bot, chat, &e.to_string(), None).await?;
            return Ok(());
        }
    };
    guarded(&bot, chat, send_status(&bot, chat, &ticket, &store, &config).await).await
}

/// A ticket named in free text ("cek laporan LKT-ABCD-EFGH"): its status, or why the number
/// is wrong. `false` when the message names no ticket (it is a question).
pub(crate) async fn status_in_text(
    bot: &Replier,
    chat: ChatId,
    message: &str,
    store: &Store,
    config: &BotConfig,
) -> Result<bool, BotError> {
    match TicketNumber::find_in(message) {
        None => Ok(false),
        Some(Err(e)) => {
            send_text(bot, chat, &e.to_string(), None).await?;
            Ok(true)
        }
        Some(Ok(ticket)) => {
            guarded(bot, chat, send_status(bot, chat, &ticket, store, config).await).await?;
            Ok(true)
        }
    }
}

/// The status and history of a ticket this chat filed; anyone else's is "not found".
async fn send_status(
    bot: &Replier,
    chat: ChatId,
    ticket: &TicketNumber,
    store: &Store,
    config: &BotConfig,
) -> HandlerResult {
    let complaint = store.get_by_ticket(ticket).await?.filter(|c| c.chat_id == chat.0);
    let Some(complaint) = complaint else {
        send_text(bot, chat, text::TICKET_NOT_FOUND, None).await?;
        return Ok(());
    };
    let mut reply = text::status_header(complaint.ticket.as_str(), &complaint.title, complaint.status);
    for event in store.events(ticket).await? {
        reply.push('\n');
        reply.push_str(&text::status_event(
            &local_day(event.at, config),
            event.to,
            event.note.as_deref(),
        ));
    }
    send_text(bot, chat, &reply, None).await?;
    Ok(())
}

pub(crate) async fn my_complaints(bot: Replier, msg: Message, store: Store) -> HandlerResult {
    let chat = msg.chat.id;
    guarded(
        &bot,
        chat,
        async {
            let complaints = store.list_for_chat(chat.0).await?;
            if complaints.is_empty() {
                send_text(&bot, chat, text::NO_COMPLAINTS, None).await?;
                return Ok(());
            }
            let mut reply = String::from(text::MY_COMPLAINTS_HEADER);
            for c in &complaints {
                reply.push('\n');
                reply.push_str(&text::status_line(c.ticket.as_str(), c.status, &c.title));
            }
            reply.push_str("\n\n");
            reply.push_str(text::MY_COMPLAINTS_FOOTER);
            send_text(&bot, chat, &reply, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}
