//! `/wilayah`: the citizen says which region or agency their questions are about, so a service
//! that several agencies offer ("Konsultasi") is answered for theirs instead of offered as a
//! list. The engine reads the place ([`Engine::set_region`]); the region lives in the
//! conversation context (`State::Idle`), like the one set by writing "saya di kecamatan X".
//!
//! [`Engine::set_region`]: loket_knowledge::answer::Engine::set_region

use std::sync::Arc;

use teloxide::prelude::*;

use super::{guarded, send_text};
use crate::telegram::catalog::Catalog;
use crate::telegram::reply::Replier;
use crate::telegram::state::State;
use crate::telegram::{BotDialogue, HandlerResult, text};

/// Words that clear the region.
const CLEAR: &[&str] = &["hapus", "reset", "kosongkan", "semua"];

pub(crate) async fn region(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    place: String,
    state: State,
    catalog: Arc<Catalog>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let State::Idle { mut context } = state else {
        send_text(&bot, chat, text::REGION_IN_DIALOGUE, None).await?;
        return Ok(());
    };
    let place = place.trim();
    let engine = catalog.engine();
    guarded(
        &bot,
        chat,
        async {
            let reply = if place.is_empty() {
                let current = (!context.region.is_empty())
                    .then(|| engine.region_name(&context.region))
                    .flatten();
                text::region_status(current.as_deref())
            } else if CLEAR.contains(&place.to_lowercase().as_str()) {
                context.region.clear();
                dialogue.update(State::Idle { context }).await?;
                text::REGION_CLEARED.to_owned()
            } else {
                match engine.set_region(place) {
                    Some(answer) => {
                        context.region = answer.region.clone();
                        dialogue.update(State::Idle { context }).await?;
                        answer.text
                    }
                    None => text::REGION_UNKNOWN.to_owned(),
                }
            };
            send_text(&bot, chat, &reply, None).await?;
            Ok(())
        }
        .await,
    )
    .await
}
