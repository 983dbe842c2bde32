//! `/lapor`: the complaint dialogue, one endpoint per step, each validating with the domain types.
//!
//! topic (a category button, a typed category, or the service of the last question) ->
//! description -> place -> date (or skip) -> photos/documents (until done) -> anonymous? ->
//! publish? (confidential unless the citizen agrees; LAPOR! "rahasia") -> summary -> submit. Every step stores the draft in the persisted [`State`], so a restart in
//! the middle loses nothing; a wrong input gets the domain's Indonesian error and the step is
//! asked again. Submitting validates the whole complaint once more (`NewComplaint::parse`),
//! routes it, and stores it with its forwarding task in one transaction (`Store::submit_complaint`).

use std::sync::Arc;

use teloxide::prelude::*;

use crate::telegram::reply::Replier;

use super::{answer_callback, callback_chat, guarded, local_date, send_text};
use crate::domain::{
    Attachment, Attachments, Category, ComplaintDescription, IncidentDate, NewComplaint, Place, RawComplaint,
};
use crate::routing::{RouteQuery, Routing};
use crate::storage::{Store, SubmitOptions};
use crate::telegram::catalog::Catalog;
use crate::telegram::conversation::Context;
use crate::telegram::keyboards::{self, ComplaintChoice};
use crate::telegram::run::BotConfig;
use crate::telegram::state::{Draft, State};
use crate::telegram::{BotDialogue, BotError, HandlerResult, text};

/// Asks for the topic, offering `service` (the last question's) when there is one.
async fn ask_topic(
    bot: &Replier,
    dialogue: &BotDialogue,
    chat: ChatId,
    catalog: &Catalog,
    service: Option<String>,
) -> HandlerResult {
    let title = service
        .as_deref()
        .and_then(|id| catalog.service(id))
        .map(|s| s.title.clone());
    let draft = Draft {
        offered_service: service.filter(|_| title.is_some()),
        ..Draft::default()
    };
    dialogue.update(State::ComplaintTopic { draft }).await?;
    let prompt = match &title {
        Some(title) => text::ask_topic_with_service(title),
        None => text::ASK_TOPIC.to_owned(),
    };
    send_text(bot, chat, &prompt, Some(keyboards::complaint_topics(title.as_deref()))).await?;
    Ok(())
}

/// Whether the chat may file another complaint now (`[limits] complaints_per_chat_per_hour`);
/// if not, tells the citizen when they can.
async fn intake_allowed(bot: &Replier, chat: ChatId, store: &Store, config: &BotConfig) -> Result<bool, BotError> {
    match crate::limits::chat_intake(store, &config.limits, chat.0).await? {
        Ok(()) => Ok(true),
        Err(refusal) => {
            tracing::info!(
                chat_id = chat.0,
                "complaint refused: the chat's hourly allowance is used up"
            );
            send_text(
                bot,
                chat,
                &text::complaint_limit(refusal.per_hour, refusal.wait_minutes),
                None,
            )
            .await?;
            Ok(false)
        }
    }
}

/// `/lapor`, in any state: starts (or restarts) the dialogue.
pub(crate) async fn start(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    state: State,
    catalog: Arc<Catalog>,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let started = async {
        if intake_allowed(&bot, chat, &store, &config).await? {
            ask_topic(&bot, &dialogue, chat, &catalog, state.context().last_service).await?;
        }
        Ok(())
    };
    guarded(&bot, chat, started.await).await
}

/// "Laporkan masalah layanan ini" under a service card.
pub(crate) async fn start_about(
    bot: Replier,
    dialogue: BotDialogue,
    q: CallbackQuery,
    key: String,
    catalog: Arc<Catalog>,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let (Some(chat), Some(service)) = (callback_chat(&q), catalog.service_by_key(&key)) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    answer_callback(&bot, &q, None).await?;
    let id = service.id.0.clone();
    let started = async {
        if intake_allowed(&bot, chat, &store, &config).await? {
            ask_topic(&bot, &dialogue, chat, &catalog, Some(id)).await?;
        }
        Ok(())
    };
    guarded(&bot, chat, started.await).await
}

/// Moves to `next` and asks its question.
async fn advance(bot: &Replier, dialogue: &BotDialogue, chat: ChatId, next: State) -> HandlerResult {
    let (prompt, keyboard) = match &next {
        State::ComplaintDescription { .. } => (text::ASK_DESCRIPTION.to_owned(), None),
        State::ComplaintPlace { .. } => (text::ASK_PLACE.to_owned(), None),
        State::ComplaintDate { .. } => (text::ASK_DATE.to_owned(), Some(keyboards::date())),
        State::ComplaintAttachments { .. } => (text::ASK_ATTACHMENTS.to_owned(), Some(keyboards::skip_or_done())),
        State::ComplaintAnonymous { .. } => (text::ASK_ANONYMOUS.to_owned(), Some(keyboards::anonymous())),
        State::ComplaintPublic { .. } => (text::ASK_PUBLIC.to_owned(), Some(keyboards::publish())),
        State::ComplaintConfirm { draft } => (summary(draft, None), Some(keyboards::confirm())),
        State::Idle { .. } | State::ComplaintTopic { .. } => return Ok(()),
    };
    dialogue.update(next).await?;
    send_text(bot, chat, &prompt, keyboard).await?;
    Ok(())
}

fn summary(draft: &Draft, service_title: Option<&str>) -> String {
    // The draft keeps the date as ISO; citizens read it day first, as they write it.
    let date = draft.incident_date.as_deref().map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_or_else(|_| d.to_owned(), |d| d.format("%d-%m-%Y").to_string())
    });
    text::summary(&text::Summary {
        category: draft.category.as_deref().unwrap_or("-"),
        service: service_title,
        description: draft.description.as_deref().unwrap_or("-"),
        place: draft.place.as_deref().unwrap_or("-"),
        date: date.as_deref(),
        attachments: draft.attachments.len(),
        anonymous: draft.anonymous,
        public: draft.public,
    })
}

/// Text of the message, or the "text only" reply.
async fn text_of<'m>(bot: &Replier, msg: &'m Message) -> Result<Option<&'m str>, teloxide::RequestError> {
    match msg.text() {
        Some(t) => Ok(Some(t)),
        None => {
            send_text(bot, msg.chat.id, text::ONLY_TEXT, None).await?;
            Ok(None)
        }
    }
}

/// A typed category.
pub(crate) async fn topic(bot: Replier, dialogue: BotDialogue, msg: Message, draft: Draft) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(raw) = text_of(&bot, &msg).await? else {
        return Ok(());
    };
    if let Err(e) = Category::parse(raw) {
        send_text(&bot, chat, &e.to_string(), None).await?;
        return Ok(());
    }
    let draft = Draft {
        category: Some(raw.trim().to_owned()),
        ..draft
    };
    guarded(
        &bot,
        chat,
        advance(&bot, &dialogue, chat, State::ComplaintDescription { draft }).await,
    )
    .await
}

pub(crate) async fn description(bot: Replier, dialogue: BotDialogue, msg: Message, draft: Draft) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(raw) = text_of(&bot, &msg).await? else {
        return Ok(());
    };
    match ComplaintDescription::parse(raw) {
        Err(e) => send_text(&bot, chat, &e.to_string(), None).await?,
        Ok(description) => {
            let draft = Draft {
                description: Some(description.as_str().to_owned()),
                ..draft
            };
            return guarded(
                &bot,
                chat,
                advance(&bot, &dialogue, chat, State::ComplaintPlace { draft }).await,
            )
            .await;
        }
    }
    Ok(())
}

pub(crate) async fn place(bot: Replier, dialogue: BotDialogue, msg: Message, draft: Draft) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(raw) = text_of(&bot, &msg).await? else {
        return Ok(());
    };
    match Place::parse(raw) {
        Err(e) => send_text(&bot, chat, &e.to_string(), None).await?,
        Ok(place) => {
            let draft = Draft {
                place: Some(place.as_str().to_owned()),
                ..draft
            };
            return guarded(
                &bot,
                chat,
                advance(&bot, &dialogue, chat, State::ComplaintDate { draft }).await,
            )
            .await;
        }
    }
    Ok(())
}

pub(crate) async fn date(
    bot: Replier,
    dialogue: BotDialogue,
    msg: Message,
    draft: Draft,
    store: Store,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let chat = msg.chat.id;
    let Some(raw) = text_of(&bot, &msg).await? else {
        return Ok(());
    };
    let today = local_date(store.clock().now(), config.utc_offset_hours);
    match IncidentDate::parse(raw, today) {
        // The buttons stay under the reason, so a tap still answers the step.
        Err(e) => send_text(&bot, chat, &e.to_string(), Some(keyboards::date())).await?,
        Ok(date) => {
            // Stored as the date itself: "kemarin" must not move if the dialogue crosses midnight.
            let draft = Draft {
                incident_date: Some(date.to_string()),
                ..draft
            };
            return guarded(
                &bot,
                chat,
                advance(&bot, &dialogue, chat, State::ComplaintAttachments { draft }).await,
            )
            .await;
        }
    }
    Ok(())
}

/// A photo (largest size) or a document while collecting attachments.
pub(crate) async fn attachment(bot: Replier, dialogue: BotDialogue, msg: Message, draft: Draft) -> HandlerResult {
    let chat = msg.chat.id;
    let file_id = match (msg.photo().and_then(|sizes| sizes.last()), msg.document()) {
        (Some(photo), _) => photo.file.id.to_string(),
        (None, Some(document)) => document.file.id.to_string(),
        (None, None) => {
            send_text(&bot, chat, text::ATTACHMENT_EXPECTED, Some(keyboards::skip_or_done())).await?;
            return Ok(());
        }
    };
    if draft.attachments.len() >= Attachments::MAX {
        send_text(&bot, chat, text::ATTACHMENT_LIMIT, Some(keyboards::attachments_done())).await?;
        return Ok(());
    }
    let attachment = match Attachment::parse(&file_id) {
        Ok(a) => a,
        Err(e) => {
            send_text(&bot, chat, &e.to_string(), None).await?;
            return Ok(());
        }
    };
    let mut draft = draft;
    if !draft.attachments.iter().any(|a| a == attachment.as_str()) {
        draft.attachments.push(attachment.as_str().to_owned());
    }
    let count = draft.attachments.len();
    guarded(
        &bot,
        chat,
        async {
            dialogue.update(State::ComplaintAttachments { draft }).await?;
            send_text(
                &bot,
                chat,
                &text::attachment_received(count),
                Some(keyboards::attachments_done()),
            )
            .await?;
            Ok(())
        }
        .await,
    )
    .await
}

/// Text where only a button fits (anonymous?, confirm).
pub(crate) async fn use_buttons(bot: Replier, msg: Message) -> HandlerResult {
    send_text(&bot, msg.chat.id, text::CHOOSE_WITH_BUTTONS, None).await?;
    Ok(())
}

/// A button of the complaint dialogue, judged against the current step.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn choice(
    bot: Replier,
    dialogue: BotDialogue,
    q: CallbackQuery,
    choice: ComplaintChoice,
    state: State,
    catalog: Arc<Catalog>,
    store: Store,
    routing: Arc<Routing>,
    config: Arc<BotConfig>,
) -> HandlerResult {
    let Some(chat) = callback_chat(&q) else {
        answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
        return Ok(());
    };
    let next = match (state, choice) {
        (state, ComplaintChoice::Cancel) if state.in_dialogue() => {
            answer_callback(&bot, &q, None).await?;
            return guarded(
                &bot,
                chat,
                async {
                    dialogue
                        .update(State::Idle {
                            context: state.context(),
                        })
                        .await?;
                    send_text(&bot, chat, text::CANCELLED, None).await?;
                    Ok(())
                }
                .await,
            )
            .await;
        }
        (State::ComplaintTopic { draft }, ComplaintChoice::Category(i)) if i < text::CATEGORIES.len() => {
            State::ComplaintDescription {
                draft: Draft {
                    category: Some(text::CATEGORIES[i].to_owned()),
                    ..draft
                },
            }
        }
        (State::ComplaintTopic { draft }, ComplaintChoice::RelatedService) if draft.offered_service.is_some() => {
            State::ComplaintDescription {
                draft: Draft {
                    service_id: draft.offered_service.clone(),
                    category: Some(text::CATEGORY_SERVICE.to_owned()),
                    ..draft
                },
            }
        }
        (State::ComplaintDate { draft }, ComplaintChoice::Skip) => State::ComplaintAttachments { draft },
        (State::ComplaintDate { draft }, ComplaintChoice::DaysAgo(days)) => {
            let today = local_date(store.clock().now(), config.utc_offset_hours);
            let date = today - chrono::Duration::days(i64::from(days));
            State::ComplaintAttachments {
                draft: Draft {
                    incident_date: Some(date.format("%Y-%m-%d").to_string()),
                    ..draft
                },
            }
        }
        (State::ComplaintAttachments { draft }, ComplaintChoice::Skip | ComplaintChoice::Done) => {
            State::ComplaintAnonymous { draft }
        }
        (State::ComplaintAnonymous { draft }, ComplaintChoice::Anonymous(anonymous)) => State::ComplaintPublic {
            draft: Draft { anonymous, ..draft },
        },
        (State::ComplaintPublic { draft }, ComplaintChoice::Public(public)) => {
            let draft = Draft { public, ..draft };
            answer_callback(&bot, &q, None).await?;
            let title = draft
                .service_id
                .as_deref()
                .and_then(|id| catalog.service(id))
                .map(|s| s.title.clone());
            let prompt = summary(&draft, title.as_deref());
            return guarded(
                &bot,
                chat,
                async {
                    dialogue.update(State::ComplaintConfirm { draft }).await?;
                    send_text(&bot, chat, &prompt, Some(keyboards::confirm())).await?;
                    Ok(())
                }
                .await,
            )
            .await;
        }
        (State::ComplaintConfirm { draft }, ComplaintChoice::Submit) => {
            answer_callback(&bot, &q, None).await?;
            return guarded(
                &bot,
                chat,
                submit(&bot, &dialogue, chat, draft, &catalog, &store, &routing, &config).await,
            )
            .await;
        }
        _ => {
            answer_callback(&bot, &q, Some(text::STALE_BUTTON)).await?;
            return Ok(());
        }
    };
    answer_callback(&bot, &q, None).await?;
    guarded(&bot, chat, advance(&bot, &dialogue, chat, next).await).await
}

/// A one-line title from the description: its first line, shortened at a word boundary.
pub(crate) fn title_from(description: &str) -> String {
    const MAX: usize = 80;
    let first = description.lines().next().unwrap_or_default();
    let source = if first.trim().chars().count() >= 5 {
        first
    } else {
        description
    };
    let words: Vec<&str> = source.split_whitespace().collect();
    let mut title = String::new();
    for word in words {
        let extra = usize::from(!title.is_empty()) + word.chars().count();
        if title.chars().count() + extra > MAX - 1 {
            if title.is_empty() {
                title = word.chars().take(MAX - 1).collect();
            }
            title.push('…');
            return title;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    title
}

#[allow(clippy::too_many_arguments)]
async fn submit(
    bot: &Replier,
    dialogue: &BotDialogue,
    chat: ChatId,
    draft: Draft,
    catalog: &Catalog,
    store: &Store,
    routing: &Routing,
    config: &BotConfig,
) -> HandlerResult {
    let description = draft.description.clone().unwrap_or_default();
    let raw = RawComplaint {
        chat_id: chat.0,
        service_id: draft.service_id.clone(),
        category: draft.category.clone().unwrap_or_default(),
        title: title_from(&description),
        description: description.clone(),
        place: draft.place.clone(),
        incident_date: draft.incident_date.clone(),
        attachments: draft.attachments.clone(),
        anonymous: draft.anonymous,
        confidential: !draft.public,
    };
    let today = local_date(store.clock().now(), config.utc_offset_hours);
    let new = match NewComplaint::parse(&raw, today) {
        Ok(new) => new,
        Err(e) => {
            // Only reachable when a stored draft predates a stricter rule: say what is wrong.
            send_text(bot, chat, &e.to_string(), None).await?;
            return Ok(());
        }
    };
    let agency = new
        .service_id
        .as_ref()
        .and_then(|id| catalog.service(id.as_str()))
        .map(|s| s.agency.clone());
    let query = RouteQuery {
        service_id: new.service_id.as_ref().map(|s| s.as_str()),
        agency: agency.as_deref(),
        category: Some(new.category.as_str()),
    };
    let handler_id = routing.route(&query).map(|(handler, reason)| {
        tracing::info!(handler = %handler.id, ?reason, "complaint routed");
        handler.id.clone()
    });
    let options = SubmitOptions {
        handler_id,
        auto_verify: config.intake.auto_verifies(new.description.as_str()),
    };
    // Checked again at the end: the draft may have been started before the allowance ran out.
    if !intake_allowed(bot, chat, store, config).await? {
        return Ok(());
    }
    let complaint = store.submit_complaint(&new, &options).await?;
    tracing::info!(ticket = %complaint.ticket, "complaint submitted from Telegram");
    dialogue
        .update(State::Idle {
            context: Context::about(draft.offered_service),
        })
        .await?;
    send_text(bot, chat, &text::submitted(complaint.ticket.as_str()), None).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::title_from;

    #[test]
    fn titles_come_from_the_first_line_and_stay_short() {
        assert_eq!(
            title_from("Jalan rusak di depan kantor\nsudah lama"),
            "Jalan rusak di depan kantor"
        );
        assert_eq!(
            title_from("Halo\nPetugas meminta uang tambahan"),
            "Halo Petugas meminta uang tambahan"
        );
        let long = "kata ".repeat(40);
        let title = title_from(&long);
        assert!(title.chars().count() <= 80 && title.ends_with('…'), "{title}");
        let one_word = "a".repeat(200);
        assert_eq!(title_from(&one_word).chars().count(), 80);
    }
}
