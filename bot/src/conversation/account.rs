//! The citizen's own business outside questions and /lapor: the welcome and help, `/status`
//! (also a ticket written in any message) and `/laporanku`, announcement subscriptions (to every
//! agency, to one regency or city as the decrees name it, or to one agency; chosen from a list or
//! typed), `/wilayah`, `/dataku` and `/batal`.
//!
//! A ticket is only shown to the chat that filed it: anyone else gets the same "not found" as for
//! a number that does not exist, so tickets cannot be probed. `/dataku` reads everything loket
//! holds about the chat in one place ([`Store::citizen_data`](crate::storage::Store::citizen_data))
//! so nothing is left out by accident (UU 27/2022 right of access).

use super::state::State;
use super::{Citizen, Conversation, Outcome, Reply, choice, text};
use crate::domain::TicketNumber;
use crate::storage::{TOPIC_ALL, agency_topic, regency_topic};

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
    // A resolved complaint may be confirmed or reopened from here too (a WhatsApp citizen who
    // got the notice as a template, a web citizen who came back later).
    if let Some((question, buttons)) = super::resolution::under_status(conversation, &complaint) {
        return Ok(Outcome::reply(
            Reply::text(&format!("{reply}\n\n{question}")).with_buttons(buttons),
        ));
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

/// `/langganan`: the list to choose from; `/langganan NAMA`: the regency, city or agency it
/// names (subscribed at once when only one fits), or the matches to choose from.
pub(crate) async fn choose_subscription(
    conversation: &Conversation,
    citizen: &Citizen,
    place: &str,
) -> anyhow::Result<Outcome> {
    let catalog = &conversation.catalog;
    let wanted = topic_words(place);
    if wanted.is_empty() {
        return Ok(subscriptions_page(conversation, 0, text::CHOOSE_SUBSCRIPTION, false));
    }
    if wanted.iter().all(|w| EVERYTHING.contains(&w.as_str())) {
        return subscribe(conversation, citizen, None).await;
    }
    let topics = choice::topics(catalog);
    let named: Vec<choice::Topic<'_>> = match topics.iter().find(|t| topic_words(t.name()) == wanted) {
        Some(exact) => vec![*exact],
        None => topics
            .iter()
            .filter(|t| {
                let words = topic_words(t.name());
                wanted.iter().all(|w| words.contains(w))
            })
            .copied()
            .collect(),
    };
    match named.as_slice() {
        [] => Ok(subscriptions_page(
            conversation,
            0,
            &text::subscription_unknown(place.trim()),
            false,
        )),
        [choice::Topic::Regency(regency)] => subscribe_regency(conversation, citizen, &regency.key).await,
        [choice::Topic::Agency(agency)] => subscribe(conversation, citizen, Some(&agency.key)).await,
        several => Ok(Outcome::reply(
            Reply::text(text::CHOOSE_SUBSCRIPTION_MATCH)
                .with_buttons(choice::subscription_matches(
                    &several[..several.len().min(MATCHES_SHOWN)],
                ))
                .expecting(super::Input::Buttons),
        )),
    }
}

/// Words of `/langganan` that mean every agency.
const EVERYTHING: &[&str] = &["semua", "seluruh", "instansi"];
/// Matches offered as buttons for a typed name (one WhatsApp list).
const MATCHES_SHOWN: usize = 10;

/// The words of a place name as a citizen or a decree writes it, lower case, with the usual short
/// forms written out ("kab." is "kabupaten") and the filler of a request dropped.
fn topic_words(raw: &str) -> Vec<String> {
    const SHORT: &[(&str, &str)] = &[
        ("kab", "kabupaten"),
        ("kec", "kecamatan"),
        ("kel", "kelurahan"),
        ("prov", "provinsi"),
    ];
    const FILLER: &[&str] = &["di", "dari", "yang", "yg", "wilayah", "daerah", "saya", "mau", "ingin"];
    let mut words: Vec<String> = raw
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .map(|w| {
            SHORT
                .iter()
                .find(|(short, _)| *short == w)
                .map_or_else(|| w.to_owned(), |(_, long)| (*long).to_owned())
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Page `page` of everything one can subscribe to, under `heading`; `replaces` when paging.
pub(crate) fn subscriptions_page(conversation: &Conversation, page: usize, heading: &str, replaces: bool) -> Outcome {
    let mut reply = Reply::text(heading)
        .with_buttons(choice::subscriptions(&conversation.catalog, page))
        .expecting(super::Input::Buttons);
    reply.replaces = replaces;
    Outcome::reply(reply)
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

/// Subscribes to every agency of one regency or city (topic `regency:<name>`): the
/// announcements of its agencies' decrees reach the citizen.
pub(crate) async fn subscribe_regency(
    conversation: &Conversation,
    citizen: &Citizen,
    key: &str,
) -> anyhow::Result<Outcome> {
    let Some(regency) = conversation.catalog.regency_by_key(key) else {
        return Ok(Outcome::stale());
    };
    conversation
        .store
        .subscribe(citizen.chat_id, &regency_topic(&regency.name))
        .await?;
    Ok(Outcome::say(&text::subscribed_regency(&regency.name)))
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
        .map(
            |topic| match topic.strip_prefix("agency:").or_else(|| topic.strip_prefix("regency:")) {
                _ if topic == TOPIC_ALL => text::TOPIC_ALL_AGENCIES.to_owned(),
                Some(name) => name.to_owned(),
                None => topic.clone(),
            },
        )
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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use loket_knowledge::document::ComponentKind;

    use super::*;
    use crate::conversation::{Button, Channel, Choice, Command, Config, Event};
    use crate::routing::Routing;
    use crate::storage::testing::{TestDb, both_backends};

    const CITIZEN: Citizen = Citizen {
        channel: Channel::WhatsApp,
        chat_id: 4_321,
        name: None,
    };

    fn core(db: &TestDb) -> Conversation {
        Conversation {
            store: db.store.clone(),
            catalog: crate::telegram::tests::catalog(),
            routing: Arc::new(Routing::from_toml(super::super::tests::HANDLERS, Path::new("handlers.toml")).unwrap()),
            config: Arc::new(Config::default()),
        }
    }

    async fn say(core: &Conversation, event: Event) -> (String, Vec<Button>) {
        let outcome = core.handle(CITIZEN.clone(), &State::default(), event).await.unwrap();
        let text = outcome.replies.iter().map(Reply::plain).collect::<Vec<_>>().join("\n");
        let buttons = outcome
            .replies
            .iter()
            .flat_map(|r| r.buttons.iter().flatten().cloned())
            .collect();
        (text, buttons)
    }

    async fn typed(core: &Conversation, line: &str) -> (String, Vec<Button>) {
        say(core, Event::Command(Command::parse(line).unwrap())).await
    }

    async fn topics_of(db: &TestDb) -> Vec<String> {
        db.store.citizen_data(CITIZEN.chat_id).await.unwrap().subscriptions
    }

    /// The regency the shipped decrees name, and one of its agencies.
    fn pasuruan(core: &Conversation) -> (String, String) {
        let regency = core.catalog.regencies()[0].clone();
        let agency = &core.catalog.agencies()[regency.agencies[0]];
        (regency.name, agency.name.clone())
    }

    async fn the_list_offers_everything_regencies_and_agencies(db: TestDb) {
        let core = core(&db);
        let (text, buttons) = typed(&core, "/langganan").await;
        assert_eq!(text, text::CHOOSE_SUBSCRIPTION);
        let (regency, _) = pasuruan(&core);
        assert_eq!(buttons[0].choice, Choice::Subscribe { agency: None });
        assert_eq!(
            buttons[1].label,
            text::button_regency(&regency),
            "regencies before agencies"
        );
        let topics = choice::topics(&core.catalog);
        let shown = buttons
            .iter()
            .filter(|b| !matches!(b.choice, Choice::Subscriptions { .. }))
            .count();
        assert_eq!(shown, 1 + topics.len().min(choice::PAGE_SIZE));
        // Every topic is reachable by paging.
        let mut seen = shown - 1;
        let mut page = 0;
        while let Some(next) = buttons_of_page(&core, page).await.iter().find_map(|b| match b.choice {
            Choice::Subscriptions { page: p } if p > page => Some(p),
            _ => None,
        }) {
            page = next;
            seen += buttons_of_page(&core, page)
                .await
                .iter()
                .filter(|b| !matches!(b.choice, Choice::Subscriptions { .. }))
                .count();
        }
        assert_eq!(seen, topics.len());
    }

    async fn buttons_of_page(core: &Conversation, page: usize) -> Vec<Button> {
        say(core, Event::Choice(Choice::Subscriptions { page })).await.1
    }

    async fn a_regency_is_subscribed_by_button_or_by_name(db: TestDb) {
        let core = core(&db);
        let (regency, agency) = pasuruan(&core);
        // By its button.
        let (_, buttons) = typed(&core, "/langganan").await;
        let button = buttons
            .iter()
            .find(|b| b.label == text::button_regency(&regency))
            .unwrap();
        let (text, _) = say(&core, Event::Choice(button.choice.clone())).await;
        assert_eq!(text, text::subscribed_regency(&regency));
        assert_eq!(topics_of(&db).await, vec![regency_topic(&regency)]);
        db.store.unsubscribe_all(CITIZEN.chat_id).await.unwrap();

        // By its name as citizens write it: "kab." is "kabupaten".
        let short = regency.to_lowercase().replace("kabupaten", "kab.");
        let (text, _) = typed(&core, &format!("/langganan {short}")).await;
        assert_eq!(text, text::subscribed_regency(&regency));
        // One agency by its full name.
        let (text, _) = typed(&core, &format!("/langganan {agency}")).await;
        assert_eq!(text, text::subscribed_agency(&agency));
        let mut expected = vec![agency_topic(&agency), regency_topic(&regency)];
        expected.sort();
        let mut got = topics_of(&db).await;
        got.sort();
        assert_eq!(got, expected);

        // A word shared by the regency and its agencies: choose among them.
        let place = regency.split_whitespace().last().unwrap().to_lowercase();
        let (text, buttons) = typed(&core, &format!("/langganan {place}")).await;
        assert_eq!(text, text::CHOOSE_SUBSCRIPTION_MATCH);
        assert_eq!(buttons[0].label, text::button_regency(&regency));
        assert!(buttons.len() > 1, "{buttons:?}");
        assert!(
            buttons.iter().all(|b| b.label.to_lowercase().contains(&place)),
            "{buttons:?}"
        );

        // Nothing by that name: the list.
        let (text, buttons) = typed(&core, "/langganan atlantis").await;
        assert_eq!(text, text::subscription_unknown("atlantis"));
        assert_eq!(buttons[0].choice, Choice::Subscribe { agency: None });
        // Everything.
        let (text, _) = typed(&core, "/langganan semua").await;
        assert_eq!(text, text::SUBSCRIBED_ALL);
        // A button of a regency that no longer exists.
        let stale = core
            .handle(
                CITIZEN,
                &State::default(),
                Event::Choice(Choice::SubscribeRegency { key: "0000".into() }),
            )
            .await
            .unwrap();
        assert_eq!(stale.notice.as_deref(), Some(text::STALE_BUTTON));
    }

    /// The announcement of an ingest that changed one agency's decree reaches the subscribers of
    /// its regency (the names the core subscribes to are the ones the ingest addresses).
    async fn an_agency_announcement_reaches_its_regency_subscribers(db: TestDb) {
        let core = core(&db);
        let (regency, agency) = pasuruan(&core);
        let documents = loket_knowledge::parse::parse_dir(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../knowledge/standards"
        )))
        .unwrap()
        .documents;
        db.store.record_ingest(&documents).await.unwrap();
        typed(&core, &format!("/langganan {}", regency.to_lowercase())).await;
        let elsewhere = Citizen {
            chat_id: 9_876,
            ..CITIZEN
        };
        db.store
            .subscribe(elsewhere.chat_id, &regency_topic("Kota Malang"))
            .await
            .unwrap();

        // The agency's decree changes: one service's fee.
        let mut changed = documents.clone();
        let service = changed
            .iter_mut()
            .flat_map(|d| d.services.iter_mut())
            .find(|s| s.agency == agency && s.component(ComponentKind::Fee).is_some())
            .unwrap();
        let fee = service
            .components
            .iter_mut()
            .find(|c| c.kind == ComponentKind::Fee)
            .unwrap();
        fee.text = "Rp 5.000 per berkas".into();
        fee.items.clear();
        service.fee = Some(loket_knowledge::document::Fee {
            raw: "Rp 5.000 per berkas".into(),
            rupiah: Some(5_000),
        });
        let outcome = db.store.record_ingest(&changed).await.unwrap();
        let announcement = db.store.announcement(outcome.announcements[0]).await.unwrap().unwrap();
        assert_eq!(announcement.agency.as_deref(), Some(agency.as_str()));
        assert_eq!(announcement.regency.as_deref(), Some(regency.as_str()));
        let fan = db.store.approve_and_fan_out(announcement.id).await.unwrap();
        assert_eq!(fan.tasks, 1, "the regency's subscriber only");
    }

    both_backends!(
        the_list_offers_everything_regencies_and_agencies,
        a_regency_is_subscribed_by_button_or_by_name,
        an_agency_announcement_reaches_its_regency_subscribers,
    );
}
