//! `/start` and `/bantuan`: the welcome (what loket does, the privacy note) and the help text.
//!
//! `/start` also marks the chat active, so a citizen who had blocked the bot and comes back
//! receives notifications again.

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{guarded, send_text};
use crate::storage::Store;
use crate::telegram::store::TelegramStore;
use crate::telegram::{HandlerResult, text};

pub(crate) async fn start(bot: Replier, msg: Message, store: Store) -> HandlerResult {
    let chat = msg.chat.id;
    guarded(
        &bot,
        chat,
        async {
            TelegramStore(&store).activate_chat(chat.0).await?;
            send_text(&bot, chat, text::WELCOME, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}

pub(crate) async fn help(bot: Replier, msg: Message) -> HandlerResult {
    send_text(&bot, msg.chat.id, text::HELP, None).await?;
    Ok(())
}
