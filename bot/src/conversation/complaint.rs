//! `/lapor`: the complaint dialogue, one step per [`State`] variant, each validating with the
//! domain types.
//!
//! topic (a category button, a typed category, or the service of the last question) ->
//! description -> place (typed or a shared location) -> date (or skip) -> photos/documents
//! (until done) -> anonymous? -> publish? (confidential unless the citizen agrees; LAPOR!
//! "rahasia") -> summary -> submit. Every step returns the draft in the new state, which the
//! adapter persists, so a restart in the middle loses nothing; a wrong input gets the domain's
//! Indonesian error and the step is asked again. Submitting validates the whole complaint once
//! more (`NewComplaint::parse`), routes it, and stores it with its forwarding task in one
//! transaction (`Store::submit_complaint`).

use super::state::{Context, Draft, State};
use super::{Citizen, ComplaintChoice, Conversation, Event, Input, Outcome, Reply, choice, text};
use crate::domain::{
    Attachment, Attachments, Category, ComplaintDescription, GeoPoint, IncidentDate, NewComplaint, Place, RawComplaint,
};
use crate::routing::RouteQuery;
use crate::storage::SubmitOptions;

/// Whether the chat may file another complaint now (`[limits] complaints_per_chat_per_hour`);
/// if not, the reply saying when it can.
async fn intake_refusal(conversation: &Conversation, citizen: Citizen) -> anyhow::Result<Option<Outcome>> {
    let store = &conversation.store;
    match crate::limits::chat_intake(store, &conversation.config.limits, citizen.chat_id).await? {
        Ok(()) => Ok(None),
        Err(refusal) => {
            tracing::info!(
                chat_id = citizen.chat_id,
                "complaint refused: the chat's hourly allowance is used up"
            );
            Ok(Some(Outcome::say(&text::complaint_limit(
                refusal.per_hour,
                refusal.wait_minutes,
            ))))
        }
    }
}

/// `/lapor` in any state, or "Laporkan masalah layanan ini" under a service card: starts (or
/// restarts) the dialogue, offering `service` (the last question's) as the subject.
pub(crate) async fn start(
    conversation: &Conversation,
    citizen: Citizen,
    service: Option<String>,
) -> anyhow::Result<Outcome> {
    if let Some(refusal) = intake_refusal(conversation, citizen).await? {
        return Ok(refusal);
    }
    let title = service
        .as_deref()
        .and_then(|id| conversation.catalog.service(id))
        .map(|s| s.title.clone());
    let draft = Draft {
        offered_service: service.filter(|_| title.is_some()),
        ..Draft::default()
    };
    let prompt = match &title {
        Some(title) => text::ask_topic_with_service(title),
        None => text::ASK_TOPIC.to_owned(),
    };
    Ok(Outcome::reply(
        Reply::text(&prompt)
            .with_buttons(choice::complaint_topics(title.as_deref()))
            .expecting(Input::Text),
    )
    .to(State::ComplaintTopic { draft }))
}

/// Moves to `next` and asks its question.
fn advance(next: State) -> Outcome {
    let reply = match &next {
        State::ComplaintDescription { .. } => Reply::text(text::ASK_DESCRIPTION).expecting(Input::Text),
        State::ComplaintPlace { .. } => Reply::text(text::ASK_PLACE).expecting(Input::Place),
        State::ComplaintDate { .. } => Reply::text(text::ASK_DATE)
            .with_buttons(choice::date())
            .expecting(Input::Text),
        State::ComplaintAttachments { .. } => Reply::text(text::ASK_ATTACHMENTS)
            .with_buttons(choice::skip_or_done())
            .expecting(Input::Attachments),
        State::ComplaintAnonymous { .. } => Reply::text(text::ASK_ANONYMOUS)
            .with_buttons(choice::anonymous())
            .expecting(Input::Buttons),
        State::ComplaintPublic { .. } => Reply::text(text::ASK_PUBLIC)
            .with_buttons(choice::publish())
            .expecting(Input::Buttons),
        State::ComplaintConfirm { draft } => Reply::text(&summary(draft, None))
            .with_buttons(choice::confirm())
            .expecting(Input::Buttons),
        State::Idle { .. } | State::ComplaintTopic { .. } => return Outcome::default(),
    };
    Outcome::reply(reply).to(next)
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

/// A message (not a button) during the dialogue, judged against the current step.
pub(crate) async fn message(
    conversation: &Conversation,
    _citizen: Citizen,
    state: &State,
    event: Event,
) -> anyhow::Result<Outcome> {
    let draft = match state {
        State::Idle { .. } => return Ok(Outcome::default()),
        State::ComplaintAttachments { draft } => return Ok(attachment(draft, event)),
        // Text where only a button fits (anonymous?, publish?, confirm).
        State::ComplaintAnonymous { .. } | State::ComplaintPublic { .. } | State::ComplaintConfirm { .. } => {
            return Ok(Outcome::say(text::CHOOSE_WITH_BUTTONS));
        }
        State::ComplaintTopic { draft }
        | State::ComplaintDescription { draft }
        | State::ComplaintPlace { draft }
        | State::ComplaintDate { draft } => draft.clone(),
    };
    let mut shared_at = None;
    let raw = match (state, event) {
        (_, Event::Text(raw)) => raw,
        (State::ComplaintPlace { .. }, Event::Location { latitude, longitude }) => {
            shared_at = Some((latitude.to_string(), longitude.to_string()));
            text::place_from_location(latitude, longitude)
        }
        _ => return Ok(Outcome::say(text::ONLY_TEXT)),
    };
    Ok(match state {
        State::ComplaintTopic { .. } => match Category::parse(&raw) {
            Err(e) => Outcome::say(&e.to_string()),
            Ok(_) => advance(State::ComplaintDescription {
                draft: Draft {
                    category: Some(raw.trim().to_owned()),
                    ..draft
                },
            }),
        },
        State::ComplaintDescription { .. } => match ComplaintDescription::parse(&raw) {
            Err(e) => Outcome::say(&e.to_string()),
            Ok(description) => advance(State::ComplaintPlace {
                draft: Draft {
                    description: Some(description.as_str().to_owned()),
                    ..draft
                },
            }),
        },
        State::ComplaintPlace { .. } => match Place::parse(&raw) {
            Err(e) => Outcome::say(&e.to_string()),
            Ok(place) => advance(State::ComplaintDate {
                draft: Draft {
                    place: Some(place.as_str().to_owned()),
                    // A shared location is kept as coordinates too (map link, Open311 lat/long);
                    // a typed place clears an earlier one.
                    coordinates: shared_at,
                    ..draft
                },
            }),
        },
        _ => match IncidentDate::parse(&raw, conversation.today()) {
            // The buttons stay under the reason, so a tap still answers the step.
            Err(e) => Outcome::reply(Reply::text(&e.to_string()).with_buttons(choice::date())),
            // Stored as the date itself: "kemarin" must not move if the dialogue crosses midnight.
            Ok(date) => advance(State::ComplaintAttachments {
                draft: Draft {
                    incident_date: Some(date.to_string()),
                    ..draft
                },
            }),
        },
    })
}

/// A photo or document while collecting attachments.
fn attachment(draft: &Draft, event: Event) -> Outcome {
    let Event::Attachment { id } = event else {
        return Outcome::reply(Reply::text(text::ATTACHMENT_EXPECTED).with_buttons(choice::skip_or_done()));
    };
    if draft.attachments.len() >= Attachments::MAX {
        return Outcome::reply(Reply::text(text::ATTACHMENT_LIMIT).with_buttons(choice::attachments_done()));
    }
    let attachment = match Attachment::parse(&id) {
        Ok(a) => a,
        Err(e) => return Outcome::say(&e.to_string()),
    };
    let mut draft = draft.clone();
    if !draft.attachments.iter().any(|a| a == attachment.as_str()) {
        draft.attachments.push(attachment.as_str().to_owned());
    }
    let count = draft.attachments.len();
    Outcome::reply(
        Reply::text(&text::attachment_received(count))
            .with_buttons(choice::attachments_done())
            .expecting(Input::Attachments),
    )
    .to(State::ComplaintAttachments { draft })
}

/// A button of the complaint dialogue, judged against the current step.
pub(crate) async fn choice(
    conversation: &Conversation,
    citizen: Citizen,
    state: &State,
    choice: ComplaintChoice,
) -> anyhow::Result<Outcome> {
    let next = match (state.clone(), choice) {
        (state, ComplaintChoice::Cancel) if state.in_dialogue() => {
            return Ok(Outcome::say(text::CANCELLED).to(State::Idle {
                context: state.context(),
            }));
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
            let date = conversation.today() - chrono::Duration::days(i64::from(days));
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
            let title = draft
                .service_id
                .as_deref()
                .and_then(|id| conversation.catalog.service(id))
                .map(|s| s.title.clone());
            let prompt = summary(&draft, title.as_deref());
            return Ok(Outcome::reply(
                Reply::text(&prompt)
                    .with_buttons(choice::confirm())
                    .expecting(Input::Buttons),
            )
            .to(State::ComplaintConfirm { draft }));
        }
        (State::ComplaintConfirm { draft }, ComplaintChoice::Submit) => {
            return submit(conversation, citizen, draft).await;
        }
        _ => return Ok(Outcome::stale()),
    };
    Ok(advance(next))
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

async fn submit(conversation: &Conversation, citizen: Citizen, draft: Draft) -> anyhow::Result<Outcome> {
    let store = &conversation.store;
    let description = draft.description.clone().unwrap_or_default();
    let raw = RawComplaint {
        chat_id: citizen.chat_id,
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
    let new = match NewComplaint::parse(&raw, conversation.today()) {
        Ok(mut new) => {
            if let Some((lat, long)) = &draft.coordinates {
                new.location = GeoPoint::parse(Some(lat), Some(long)).ok().flatten();
            }
            new
        }
        // Only reachable when a stored draft predates a stricter rule: say what is wrong.
        Err(e) => return Ok(Outcome::say(&e.to_string())),
    };
    let agency = new
        .service_id
        .as_ref()
        .and_then(|id| conversation.catalog.service(id.as_str()))
        .map(|s| s.agency.clone());
    let query = RouteQuery {
        service_id: new.service_id.as_ref().map(|s| s.as_str()),
        agency: agency.as_deref(),
        category: Some(new.category.as_str()),
    };
    let handler_id = conversation.routing.route(&query).map(|(handler, reason)| {
        tracing::info!(handler = %handler.id, ?reason, "complaint routed");
        handler.id.clone()
    });
    let options = SubmitOptions {
        handler_id,
        auto_verify: conversation.config.intake.auto_verifies(new.description.as_str()),
    };
    // Checked again at the end: the draft may have been started before the allowance ran out.
    if let Some(refusal) = intake_refusal(conversation, citizen).await? {
        return Ok(refusal);
    }
    let complaint = store.submit_complaint(&new, &options).await?;
    tracing::info!(ticket = %complaint.ticket, channel = ?citizen.channel, "complaint submitted");
    Ok(
        Outcome::say(&text::submitted(complaint.ticket.as_str())).to(State::Idle {
            context: Context::about(draft.offered_service),
        }),
    )
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
