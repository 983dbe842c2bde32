//! `/batal`: leaves whatever dialogue is running, in any state, keeping the question context.

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{guarded, send_text};
use crate::telegram::state::State;
use crate::telegram::{BotDialogue, HandlerResult, text};

pub(crate) async fn cancel(bot: Replier, dialogue: BotDialogue, msg: Message, state: State) -> HandlerResult {
    let chat = msg.chat.id;
    guarded(
        &bot,
        chat,
        async {
            if state.in_dialogue() {
                dialogue
                    .update(State::Idle {
                        context: state.context(),
                    })
                    .await?;
                send_text(&bot, chat, text::CANCELLED, None).await?;
            } else {
                send_text(&bot, chat, text::NOTHING_TO_CANCEL, None).await?;
            }
            Ok(())
        }
        .await,
    )
    .await
}
