//! `schema()`: the whole update tree, and nothing else (teloxide_tests drives it as is).

use std::sync::Arc;

use teloxide::dispatching::{DpHandlerDescription, UpdateFilterExt, UpdateHandler, dialogue};
use teloxide::dptree::{self, case};
use teloxide::prelude::*;

use super::catalog::{Catalog, CatalogHandle};
use super::commands::Command;
use super::handlers::send_text;
use super::handlers::{citizen, officer, resolution, stale_button};
use super::keyboards::Callback;
use super::reply::{Replier, ReplyGate};
use super::run::BotConfig;
use super::state::State;
use super::text;
use super::{BotError, DialogueStorage};
use crate::conversation::Conversation;
use crate::limits::ChatGate;
use crate::routing::Routing;
use crate::storage::Store;

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

/// Commands, questions, dialogue steps and the answers to a resolution (reopen, rating and its
/// comment) in private chats go to the conversation core; officers' note replies anywhere; a
/// reply to a rating's comment prompt sent before the core took ratings over, to its complaint; buttons by their parsed data (a citizen's to the core, an officer's to
/// the officer chat); unreadable buttons answered as stale. Every update first takes one
/// snapshot of the catalog (`Arc<Catalog>`, in the [`Conversation`] the citizen handlers get),
/// so a reindex swapping it mid-update changes nothing for that update. Handlers get the bot as
/// a [`Replier`], which sends their replies within Telegram's limits (`reply.rs`).
pub fn schema() -> UpdateHandler<BotError> {
    let commands: teloxide::dispatching::UpdateHandler<BotError> =
        teloxide::filter_command::<Command, _>().endpoint(citizen::command);

    let messages = Update::filter_message()
        .branch(dptree::filter_map_async(officer::pending_note).endpoint(officer::note))
        .branch(dptree::filter_map_async(officer::misplaced_note).endpoint(officer::hint))
        .branch(dptree::filter_map_async(resolution::rating_comment_of).endpoint(resolution::comment))
        .branch(
            dptree::filter(private)
                .branch(commands)
                .branch(dptree::endpoint(citizen::message)),
        );

    let buttons: Handler<'static, Result<(), BotError>, DpHandlerDescription> = dptree::filter_map(callback)
        .branch(dptree::filter_map(|callback: Callback| callback.choice()).endpoint(citizen::choice))
        .branch(case![Callback::Officer { to, ticket }].endpoint(officer::button))
        .branch(case![Callback::OfficerReply { ticket }].endpoint(officer::reply_button))
        .branch(case![Callback::OfficerRedirect { ticket }].endpoint(officer::redirect_button))
        .branch(case![Callback::OfficerRedirectTo { ticket, handler }].endpoint(officer::redirect_to));
    let callbacks = Update::filter_callback_query()
        .branch(buttons)
        .branch(dptree::endpoint(stale_button));

    dptree::map(|catalog: CatalogHandle| catalog.load())
        .chain(dptree::map(
            |catalog: Arc<Catalog>, store: Store, routing: Arc<Routing>, config: Arc<BotConfig>| Conversation {
                store,
                catalog,
                routing,
                config,
            },
        ))
        .chain(dptree::map(|bot: Bot, gate: Arc<ReplyGate>| Replier::new(bot, gate)))
        .chain(dptree::filter_async(within_rate))
        .chain(
            dialogue::enter::<Update, DialogueStorage, State, _>()
                .branch(messages)
                .branch(callbacks),
        )
}
