//! Questions: free text in a private chat is answered by the engine, exactly as `loket chat`
//! answers it, with buttons instead of numbers; a message naming a ticket gets its status.
//!
//! The context (last service, offered candidates) lives in `State::Idle`, so "kalau biayanya?"
//! after a question about a service answers that service's fee, also after a restart. An
//! ambiguous answer offers its candidates as buttons (`svc:<key>:<aspect>`); an answered one gets
//! the service-card buttons (requirements, procedure, duration, fee, report a problem).

use std::sync::Arc;

use loket_knowledge::answer::{Answer, AnswerStatus};
use loket_knowledge::aspect::Aspect;
use teloxide::prelude::*;

use crate::telegram::reply::Replier;
use teloxide::types::InlineKeyboardMarkup;

use super::{answer_callback, callback_chat, guarded, send_html, send_text};
use crate::storage::Store;
use crate::telegram::catalog::Catalog;
use crate::telegram::conversation::Context;
use crate::telegram::run::BotConfig;
use crate::telegram::state::State;
use crate::telegram::{BotDialogue, HandlerResult, keyboards, render, text};

/// The buttons that go under an answer.
fn markup(catalog: &Catalog, answer: &Answer) -> Option<InlineKeyboardMarkup> {
    match answer.status {
        AnswerStatus::Ambiguous => {
            let ids: Vec<String> = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
            Some(keyboards::candidates(
                catalog,
                &ids,
                answer.aspect.unwrap_or(Aspect::Overview),
            ))
        }
        AnswerStatus::Answered => {
            let service = answer.service.as_ref()?;
            Some(keyboards::service_card(catalog.service_key(service.id.as_str())?))
        }
        AnswerStatus::NotFound | AnswerStatus::Smalltalk | AnswerStatus::Region => None,
    }
}

pub(crate) async fn send_answer(bot: &Replier, chat: ChatId, catalog: &Catalog, answer: &Answer) -> HandlerResult {
    send_html(bot, chat, render::answer(answer), markup(catalog, answer)).await?;
    Ok(())
}

/// Free text while no dialogue runs. A refusal or a choice list is counted in the unanswered
/// log (normalised, without the chat; see `learning`), in the background.
pub(crate) async fn ask(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    context: Context,
    catalog: Arc<Catalog>,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(question) = msg.text() else {
        send_text(&bot, chat, text::ONLY_TEXT, None).await?;
        return Ok(());
    };
    // "cek laporan LKT-ABCD-EFGH": a ticket anywhere in a message asks for its status.
    if super::status::status_in_text(&bot, chat, question, &store, &config).await? {
        return Ok(());
    }
    // A very long message costs the engine what a question does (see `crate::limits`).
    let question = crate::limits::question_text(question, config.limits.max_question_chars);
    guarded(
        &bot,
        chat,
        async {
            let mut context = context;
            let answer = crate::metrics::timed_answer(|| context.reply(catalog.engine(), question));
            crate::learning::record_unanswered(&store, question, &answer);
            dialogue.update(State::Idle { context }).await?;
            send_answer(&bot, chat, &catalog, &answer).await
        }
        .await,
    )
    .await
}

/// A candidate or service-card button: answers that service for that aspect. Outside a
/// dialogue it becomes the context; inside one (a complaint) the dialogue is left alone.
pub(crate) async fn service_button(
    bot: Replier,
    dialogue: BotDialogue,
    q: CallbackQuery,
    (key, aspect): (String, Aspect),
    state: State,
    catalog: Arc<Catalog>,
) -> HandlerResult {
    let answer = catalog
        .service_by_key(&key)
        .and_then(|service| catalog.engine().answer_for(&service.id, aspect));
    let (Some(chat), Some(answer)) = (callback_chat(&q), answer) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    answer_callback(&bot, &q, None).await?;
    guarded(
        &bot,
        chat,
        async {
            if let State::Idle { mut context } = state {
                context.remember(&answer);
                dialogue.update(State::Idle { context }).await?;
            }
            send_answer(&bot, chat, &catalog, &answer).await
        }
        .await,
    )
    .await
}
