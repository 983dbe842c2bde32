//! `/dataku`: what loket holds about this chat (UU 27/2022 gives citizens the right of access):
//! the chat record, the stored dialogue state, subscriptions and every complaint with its privacy
//! choices. Read from the database in one place ([`Store::citizen_data`]) so nothing is left out
//! by accident; the words come from `text.rs`.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{guarded, local_date, send_text};
use crate::storage::Store;
use crate::telegram::reply::Replier;
use crate::telegram::run::BotConfig;
use crate::telegram::state::State;
use crate::telegram::store::TOPIC_ALL;
use crate::telegram::{HandlerResult, text};

pub(crate) async fn my_data(
    bot: Replier,
    msg: Message,
    state: State,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let chat = msg.chat.id;
    guarded(
        &bot,
        chat,
        async {
            let data = store.citizen_data(chat.0).await?;
            let day = |at: i64| local_date(at, config.utc_offset_hours).format("%d-%m-%Y").to_string();
            let since = data.chat.as_ref().map(|c| day(c.created_at));
            let saved = data.dialogue_updated_at.map(day);
            let what = if state.in_dialogue() {
                text::DIALOGUE_IN_COMPLAINT
            } else {
                text::DIALOGUE_IDLE
            };
            let dates: Vec<String> = data.complaints.iter().map(|c| day(c.created_at)).collect();
            let complaints = data
                .complaints
                .iter()
                .zip(&dates)
                .map(|(c, date)| text::MyComplaint {
                    ticket: c.ticket.as_str(),
                    date,
                    status: c.status,
                    title: &c.title,
                    place: c.place.as_deref(),
                    attachments: c.attachments.len(),
                    anonymous: c.anonymous,
                    confidential: c.confidential,
                })
                .collect();
            let subscriptions = data
                .subscriptions
                .iter()
                .map(|topic| match topic.strip_prefix("agency:") {
                    _ if topic == TOPIC_ALL => text::TOPIC_ALL_AGENCIES.to_owned(),
                    Some(agency) => agency.to_owned(),
                    None => topic.clone(),
                })
                .collect();
            let reply = text::my_data(&text::MyData {
                chat_id: chat.0,
                chat: data
                    .chat
                    .as_ref()
                    .zip(since.as_deref())
                    .map(|(c, since)| (since, c.status == "blocked")),
                subscriptions,
                dialogue: saved.as_deref().map(|date| (date, what)),
                complaints,
            });
            send_text(&bot, chat, &reply, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}
