//! `/layanan`: browse agencies -> services -> a service card, in paginated inline keyboards.
//!
//! The lists edit the message in place as the citizen pages; choosing a service sends its
//! overview (the console's text) with the card buttons, through the same path as a candidate
//! button (`question::service_button`).

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{answer_callback, callback_chat, send_text};
use crate::telegram::catalog::Catalog;
use crate::telegram::{HandlerResult, keyboards, render, text};

pub(crate) async fn services(bot: Replier, msg: Message, catalog: Arc<Catalog>) -> HandlerResult {
    send_text(
        &bot,
        msg.chat.id,
        text::CHOOSE_AGENCY,
        Some(keyboards::agencies(&catalog, 0)),
    )
    .await?;
    Ok(())
}

/// Replaces the list message with `raw` and `keyboard`.
async fn show(
    bot: &Replier,
    q: &CallbackQuery,
    raw: &str,
    keyboard: teloxide::types::InlineKeyboardMarkup,
) -> HandlerResult {
    let Some(message) = q.message.as_ref() else {
        return Ok(());
    };
    let html = render::plain(raw).concat();
    let chat = message.chat().id;
    let request = bot
        .inner()
        .edit_message_text(chat, message.id(), html)
        .parse_mode(teloxide::types::ParseMode::Html)
        .reply_markup(keyboard);
    bot.send(Some(chat), request).await?;
    Ok(())
}

pub(crate) async fn agencies_page(bot: Replier, q: CallbackQuery, page: usize, catalog: Arc<Catalog>) -> HandlerResult {
    answer_callback(&bot, &q, None).await?;
    if callback_chat(&q).is_some() {
        show(&bot, &q, text::CHOOSE_AGENCY, keyboards::agencies(&catalog, page)).await?;
    }
    Ok(())
}

pub(crate) async fn agency_page(
    bot: Replier,
    q: CallbackQuery,
    (key, page): (String, usize),
    catalog: Arc<Catalog>,
) -> HandlerResult {
    let Some(agency) = catalog.agency_by_key(&key) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    answer_callback(&bot, &q, None).await?;
    show(
        &bot,
        &q,
        &text::choose_service(&agency.name),
        keyboards::agency_services(&catalog, agency, page),
    )
    .await
}
