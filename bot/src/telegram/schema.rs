//! `schema()`: the whole update tree, and nothing else (teloxide_tests drives it as is).

use std::sync::Arc;

use teloxide::dispatching::{DpHandlerDescription, UpdateFilterExt, UpdateHandler, dialogue};
use teloxide::dptree::{self, case};
use teloxide::prelude::*;

use super::catalog::CatalogHandle;
use super::commands::Command;
use super::handlers::send_text;
use super::handlers::{
    browse, cancel, complaint, my_data, officer, question, region, stale_button, start, status, subscribe,
};
use super::keyboards::Callback;
use super::reply::{Replier, ReplyGate};
use super::state::State;
use super::text;
use super::{BotError, DialogueStorage};
use crate::limits::ChatGate;

fn private(msg: Message) -> bool {
    msg.chat.is_private()
}

/// Lets a chat's message through within `[limits] messages_per_chat_per_minute`; beyond it the
/// message is dropped before any database work, with one notice a minute in private chats, so
/// a flood from one chat cannot fill its queue and hold up the dispatcher for everyone. Buttons
/// always pass (Telegram needs every callback answered).
async fn within_rate(update: Update, gate: Arc<ChatGate>, bot: Replier) -> bool {
    let teloxide::types::UpdateKind::Message(msg) = &update.kind else {
        return true;
    };
    let chat = msg.chat.id;
    if gate.check(&chat.0).is_ok() {
        return true;
    }
    if msg.chat.is_private() && gate.should_notice(&chat.0) {
        tracing::info!(chat_id = chat.0, "messages dropped: too many from one chat");
        let _ = send_text(&bot, chat, text::TOO_MANY_MESSAGES, None).await;
    }
    false
}

fn callback(q: CallbackQuery) -> Option<Callback> {
    q.data.as_deref().and_then(Callback::parse)
}

/// Commands, questions and dialogue steps in private chats; officers' note replies anywhere;
/// buttons by their parsed data; unreadable buttons answered as stale. Every update first takes
/// one snapshot of the catalog (`Arc<Catalog>` for the handlers), so a reindex swapping it
/// mid-update changes nothing for that update. Handlers get the bot as a [`Replier`], which
/// sends their replies within Telegram's limits (`reply.rs`).
pub fn schema() -> UpdateHandler<BotError> {
    let commands: teloxide::dispatching::UpdateHandler<BotError> = teloxide::filter_command::<Command, _>()
        .branch(case![Command::Start].endpoint(start::start))
        .branch(case![Command::Bantuan].endpoint(start::help))
        .branch(case![Command::Layanan].endpoint(browse::services))
        .branch(case![Command::Lapor].endpoint(complaint::start))
        .branch(case![Command::Status(ticket)].endpoint(status::status))
        .branch(case![Command::Laporanku].endpoint(status::my_complaints))
        .branch(case![Command::Langganan].endpoint(subscribe::choose))
        .branch(case![Command::Berhenti].endpoint(subscribe::unsubscribe))
        .branch(case![Command::Dataku].endpoint(my_data::my_data))
        .branch(case![Command::Wilayah(place)].endpoint(region::region))
        .branch(case![Command::Batal].endpoint(cancel::cancel));

    let steps = dptree::entry()
        .branch(case![State::Idle { context }].endpoint(question::ask))
        .branch(case![State::ComplaintTopic { draft }].endpoint(complaint::topic))
        .branch(case![State::ComplaintDescription { draft }].endpoint(complaint::description))
        .branch(case![State::ComplaintPlace { draft }].endpoint(complaint::place))
        .branch(case![State::ComplaintDate { draft }].endpoint(complaint::date))
        .branch(case![State::ComplaintAttachments { draft }].endpoint(complaint::attachment))
        .branch(case![State::ComplaintAnonymous { draft }].endpoint(complaint::use_buttons))
        .branch(case![State::ComplaintPublic { draft }].endpoint(complaint::use_buttons))
        .branch(case![State::ComplaintConfirm { draft }].endpoint(complaint::use_buttons));

    let messages = Update::filter_message()
        .branch(dptree::filter_map_async(officer::pending_note).endpoint(officer::note))
        .branch(dptree::filter(private).branch(commands).branch(steps));

    let buttons: Handler<'static, Result<(), BotError>, DpHandlerDescription> = dptree::filter_map(callback)
        .branch(case![Callback::Service { key, aspect }].endpoint(question::service_button))
        .branch(case![Callback::Agencies { page }].endpoint(browse::agencies_page))
        .branch(case![Callback::Agency { key, page }].endpoint(browse::agency_page))
        .branch(case![Callback::Complaint(choice)].endpoint(complaint::choice))
        .branch(case![Callback::ReportAbout { key }].endpoint(complaint::start_about))
        .branch(case![Callback::Subscribe { agency }].endpoint(subscribe::subscribe))
        .branch(case![Callback::Officer { to, ticket }].endpoint(officer::button))
        .branch(case![Callback::OfficerReply { ticket }].endpoint(officer::reply_button));
    let callbacks = Update::filter_callback_query()
        .branch(buttons)
        .branch(dptree::endpoint(stale_button));

    dptree::map(|catalog: CatalogHandle| catalog.load())
        .chain(dptree::map(|bot: Bot, gate: Arc<ReplyGate>| Replier::new(bot, gate)))
        .chain(dptree::filter_async(within_rate))
        .chain(
            dialogue::enter::<Update, DialogueStorage, State, _>()
                .branch(messages)
                .branch(callbacks),
        )
}
