//! The citizen's own business outside questions and /lapor: the welcome and help, `/status`
//! (also a ticket written in any message) and `/laporanku`, announcement subscriptions,
//! `/wilayah`, `/dataku` and `/batal`.
//!
//! A ticket is only shown to the chat that filed it: anyone else gets the same "not found" as for
//! a number that does not exist, so tickets cannot be probed. `/dataku` reads everything loket
//! holds about the chat in one place ([`Store::citizen_data`](crate::storage::Store::citizen_data))
//! so nothing is left out by accident (UU 27/2022 right of access).

use super::state::State;
use super::{Citizen, Conversation, Outcome, Reply, choice, text};
use crate::domain::TicketNumber;
use crate::storage::{TOPIC_ALL, agency_topic};

/// Words that clear the region.
const CLEAR_REGION: &[&str] = &["hapus", "reset", "kosongkan", "semua"];

/// `/start`: the welcome; also marks the chat active, so a citizen who had blocked us and
/// comes back receives notifications again.
pub(crate) async fn start(conversation: &Conversation, citizen: &Citizen) -> anyhow::Result<Outcome> {
    conversation.store.activate_chat(citizen.chat_id).await?;
    Ok(Outcome::say(text::WELCOME))
}

pub(crate) async fn status(conversation: &Conversation, citizen: &Citizen, raw: &str) -> anyhow::Result<Outcome> {
    if raw.trim().is_empty() {
        return Ok(Outcome::say(text::STATUS_USAGE));
    }
    match TicketNumber::parse(raw) {
        Ok(ticket) => ticket_status(conversation, citizen, &ticket).await,
        Err(e) => Ok(Outcome::say(&e.to_string())),
    }
}

/// A ticket named in free text ("cek laporan LKT-ABCD-EFGH"): its status, or why the number is
/// wrong. `None` when the message names no ticket (it is a question).
pub(crate) async fn status_in_text(
    conversation: &Conversation,
    citizen: &Citizen,
    message: &str,
) -> anyhow::Result<Option<Outcome>> {
    Ok(match TicketNumber::find_in(message) {
        None => None,
        Some(Err(e)) => Some(Outcome::say(&e.to_string())),
        Some(Ok(ticket)) => Some(ticket_status(conversation, citizen, &ticket).await?),
    })
}

/// The status and history of a ticket this chat filed; anyone else's is "not found".
async fn ticket_status(
    conversation: &Conversation,
    citizen: &Citizen,
    ticket: &TicketNumber,
) -> anyhow::Result<Outcome> {
    let store = &conversation.store;
    let complaint = store
        .get_by_ticket(ticket)
        .await?
        .filter(|c| c.chat_id == citizen.chat_id);
    let Some(complaint) = complaint else {
        return Ok(Outcome::say(text::TICKET_NOT_FOUND));
    };
    let mut reply = text::status_header(complaint.ticket.as_str(), &complaint.title, complaint.status);
    for event in store.events(ticket).await? {
        reply.push('\n');
        let day = conversation.local_day(event.at);
        match (event.kind, event.note.as_deref()) {
            (crate::storage::EventKind::Reply, Some(message)) => reply.push_str(&text::status_reply(&day, message)),
            (_, note) => reply.push_str(&text::status_event(&day, event.to, note)),
        }
    }
    Ok(Outcome::say(&reply))
}

pub(crate) async fn my_complaints(conversation: &Conversation, citizen: &Citizen) -> anyhow::Result<Outcome> {
    let complaints = conversation.store.list_for_chat(citizen.chat_id).await?;
    if complaints.is_empty() {
        return Ok(Outcome::say(text::NO_COMPLAINTS));
    }
    let mut reply = String::from(text::MY_COMPLAINTS_HEADER);
    for c in &complaints {
        reply.push('\n');
        reply.push_str(&text::status_line(c.ticket.as_str(), c.status, &c.title));
    }
    reply.push_str("\n\n");
    reply.push_str(text::MY_COMPLAINTS_FOOTER);
    Ok(Outcome::say(&reply))
}

pub(crate) fn choose_subscription(conversation: &Conversation) -> Outcome {
    Outcome::reply(
        Reply::text(text::CHOOSE_SUBSCRIPTION)
            .with_buttons(choice::subscriptions(&conversation.catalog))
            .expecting(super::Input::Buttons),
    )
}

pub(crate) async fn subscribe(
    conversation: &Conversation,
    citizen: &Citizen,
    agency_key: Option<&str>,
) -> anyhow::Result<Outcome> {
    let (topic, reply) = match agency_key {
        None => (TOPIC_ALL.to_owned(), text::SUBSCRIBED_ALL.to_owned()),
        Some(key) => match conversation.catalog.agency_by_key(key) {
            Some(agency) => (agency_topic(&agency.name), text::subscribed_agency(&agency.name)),
            None => return Ok(Outcome::stale()),
        },
    };
    conversation.store.subscribe(citizen.chat_id, &topic).await?;
    Ok(Outcome::say(&reply))
}

pub(crate) async fn unsubscribe(conversation: &Conversation, citizen: &Citizen) -> anyhow::Result<Outcome> {
    let removed = conversation.store.unsubscribe_all(citizen.chat_id).await?;
    Ok(Outcome::say(if removed > 0 {
        text::UNSUBSCRIBED
    } else {
        text::NOT_SUBSCRIBED
    }))
}

/// `/wilayah`: the citizen says which region or agency their questions are about, so a service
/// several agencies offer ("Konsultasi") is answered for theirs instead of offered as a list.
pub(crate) fn region(conversation: &Conversation, state: &State, place: &str) -> anyhow::Result<Outcome> {
    let State::Idle { context } = state else {
        return Ok(Outcome::say(text::REGION_IN_DIALOGUE));
    };
    let mut context = context.clone();
    let place = place.trim();
    let engine = conversation.catalog.engine();
    Ok(if place.is_empty() {
        let current = (!context.region.is_empty())
            .then(|| engine.region_name(&context.region))
            .flatten();
        Outcome::say(&text::region_status(current.as_deref()))
    } else if CLEAR_REGION.contains(&place.to_lowercase().as_str()) {
        context.region.clear();
        Outcome::say(text::REGION_CLEARED).to(State::Idle { context })
    } else {
        match engine.set_region(place) {
            Some(answer) => {
                context.region = answer.region.clone();
                Outcome::say(&answer.text).to(State::Idle { context })
            }
            None => Outcome::say(text::REGION_UNKNOWN),
        }
    })
}

/// `/batal`: leaves whatever dialogue is running, keeping the question context.
pub(crate) fn cancel(state: &State) -> Outcome {
    if state.in_dialogue() {
        Outcome::say(text::CANCELLED).to(State::Idle {
            context: state.context(),
        })
    } else {
        Outcome::say(text::NOTHING_TO_CANCEL)
    }
}

/// `/dataku`: what loket holds about this chat: the chat record, the stored dialogue state,
/// subscriptions and every complaint with its privacy choices.
pub(crate) async fn my_data(conversation: &Conversation, citizen: &Citizen, state: &State) -> anyhow::Result<Outcome> {
    let data = conversation.store.citizen_data(citizen.chat_id).await?;
    let day = |at: i64| conversation.local_day(at);
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
        chat_id: citizen.chat_id,
        chat: data
            .chat
            .as_ref()
            .zip(since.as_deref())
            .map(|(c, since)| (since, c.status == "blocked")),
        subscriptions,
        dialogue: saved.as_deref().map(|date| (date, what)),
        complaints,
    });
    Ok(Outcome::say(&reply))
}
