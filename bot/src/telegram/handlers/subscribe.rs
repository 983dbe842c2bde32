//! `/langganan` and `/berhenti`: announcements of changed service standards, for every agency
//! or one. Subscriptions are rows in `subscriptions` (topic `all` or `agency:<name>`), read by
//! the broadcast side.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{answer_callback, callback_chat, guarded, send_text};
use crate::storage::Store;
use crate::telegram::catalog::Catalog;
use crate::telegram::store::{TOPIC_ALL, TelegramStore, agency_topic};
use crate::telegram::{HandlerResult, keyboards, text};

pub(crate) async fn choose(bot: Replier, msg: Message, catalog: Arc<Catalog>) -> HandlerResult {
    send_text(
        &bot,
        msg.chat.id,
        text::CHOOSE_SUBSCRIPTION,
        Some(keyboards::subscriptions(&catalog)),
    )
    .await?;
    Ok(())
}

pub(crate) async fn subscribe(
    bot: Replier,
    q: CallbackQuery,
    agency: Option<String>,
    catalog: Arc<Catalog>,
    store: Store,
) -> HandlerResult {
    let agency = match agency {
        None => None,
        Some(key) => match catalog.agency_by_key(&key) {
            Some(agency) => Some(agency.name.clone()),
            None => {
                answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
                return Ok(());
            }
        },
    };
    let Some(chat) = callback_chat(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    answer_callback(&bot, &q, None).await?;
    guarded(
        &bot,
        chat,
        async {
            let (topic, reply) = match &agency {
                None => (TOPIC_ALL.to_owned(), text::SUBSCRIBED_ALL.to_owned()),
                Some(name) => (agency_topic(name), text::subscribed_agency(name)),
            };
            TelegramStore(&store).subscribe(chat.0, &topic).await?;
            send_text(&bot, chat, &reply, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}

pub(crate) async fn unsubscribe(bot: Replier, msg: Message, store: Store) -> HandlerResult {
    let chat = msg.chat.id;
    guarded(
        &bot,
        chat,
        async {
            let removed = TelegramStore(&store).unsubscribe_all(chat.0).await?;
            let reply = if removed > 0 {
                text::UNSUBSCRIBED
            } else {
                text::NOT_SUBSCRIBED
            };
            send_text(&bot, chat, reply, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}
