//! Questions and browsing: free text outside a dialogue is answered by the engine with the
//! citizen's Q&A context, exactly as `loket chat` answers it; a message naming a ticket gets its
//! status; `/layanan` browses agencies -> services -> a service card.
//!
//! The context (last service, offered candidates, region) lives in `State::Idle`, so "kalau
//! biayanya?" after a question about a service answers that service's fee, also after a restart.
//! An ambiguous answer offers its candidates as buttons; an answered one gets the service-card
//! buttons (requirements, procedure, duration, fee, report a problem). A long answer is sent in
//! parts of about 1,500 characters with [Selengkapnya] ([`long_answer`]).

use loket_knowledge::answer::{Answer, AnswerStatus};
use loket_knowledge::aspect::Aspect;

use super::state::{Context, State};
use super::{Button, Citizen, Conversation, Event, Outcome, Reply, account, choice, long_answer, text};

/// The buttons that go under an answer.
fn buttons(conversation: &Conversation, answer: &Answer) -> Vec<Vec<Button>> {
    let catalog = &conversation.catalog;
    match answer.status {
        AnswerStatus::Ambiguous => {
            let ids: Vec<String> = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
            choice::candidates(catalog, &ids, answer.aspect.unwrap_or(Aspect::Overview))
        }
        // A refusal naming a service (a detail its standard does not state) keeps the
        // service's card: the citizen may ask what the standard does state.
        AnswerStatus::Answered | AnswerStatus::NotFound => answer
            .service
            .as_ref()
            .and_then(|service| catalog.service_key(service.id.as_str()))
            .map(choice::service_card)
            .unwrap_or_default(),
        AnswerStatus::Smalltalk | AnswerStatus::Region => Vec::new(),
    }
}

/// An answer as replies: the first part of a long one (with [Selengkapnya] for the next) or the
/// whole, with its buttons.
pub(crate) fn answer_reply(conversation: &Conversation, answer: &Answer) -> Reply {
    part_reply(conversation, answer, 0).unwrap_or_default()
}

/// The key of the service an answer answered (for its buttons and the next parts).
fn answered_key(conversation: &Conversation, answer: &Answer) -> Option<String> {
    answer
        .service
        .as_ref()
        .filter(|_| matches!(answer.status, AnswerStatus::Answered | AnswerStatus::NotFound))
        .and_then(|service| conversation.catalog.service_key(service.id.as_str()))
        .map(str::to_owned)
}

/// Part `part` (from 0) of an answer, with [Selengkapnya] above the answer's buttons while
/// parts remain; `None` past the last part.
fn part_reply(conversation: &Conversation, answer: &Answer, part: usize) -> Option<Reply> {
    let lines = long_answer::answer_lines(conversation.catalog.engine(), answer);
    let mut parts = long_answer::parts(&lines);
    let count = parts.len();
    if part >= count {
        return None;
    }
    let mut rows = buttons(conversation, answer);
    if let (Some(key), Some(aspect)) = (answered_key(conversation, answer), answer.aspect)
        && part + 1 < count
    {
        rows.insert(0, choice::more(&key, aspect, part + 1));
    }
    Some(Reply {
        lines: parts.swap_remove(part),
        buttons: rows,
        ..Reply::default()
    })
}

/// [Selengkapnya]: the next part of a service's answer for an aspect, made again from the
/// catalog (nothing is kept per citizen); the state stays.
pub(crate) fn more(conversation: &Conversation, key: &str, aspect: Aspect, part: usize) -> Outcome {
    let catalog = &conversation.catalog;
    let Some(answer) = catalog
        .service_by_key(key)
        .and_then(|service| catalog.engine().answer_for(&service.id, aspect))
    else {
        return Outcome::stale();
    };
    match part_reply(conversation, &answer, part) {
        Some(reply) => Outcome::reply(reply),
        None => Outcome::stale(),
    }
}

/// A message while no dialogue runs. A refusal or a choice list is counted in the unanswered
/// log (normalised, without the chat; see `learning`), in the background.
pub(crate) async fn message(
    conversation: &Conversation,
    citizen: &Citizen,
    context: &Context,
    event: Event,
) -> anyhow::Result<Outcome> {
    let Event::Text(question) = event else {
        return Ok(Outcome::say(text::ONLY_TEXT));
    };
    // "cek laporan LKT-ABCD-EFGH": a ticket anywhere in a message asks for its status.
    if let Some(outcome) = account::status_in_text(conversation, citizen, &question).await? {
        return Ok(outcome);
    }
    // A very long message costs the engine what a question does (see `crate::limits`).
    let question = crate::limits::question_text(&question, conversation.config.limits.max_question_chars);
    let mut context = context.clone();
    let answer = crate::metrics::timed_answer(|| context.reply(conversation.catalog.engine(), question));
    crate::learning::record_unanswered(&conversation.store, question, &answer);
    Ok(Outcome::reply(answer_reply(conversation, &answer)).to(State::Idle { context }))
}

/// A candidate or service-card button: answers that service for that aspect. Outside a
/// dialogue it becomes the context; inside one (a complaint) the dialogue is left alone.
pub(crate) fn service(conversation: &Conversation, state: &State, key: &str, aspect: Aspect) -> Outcome {
    let catalog = &conversation.catalog;
    let Some(answer) = catalog
        .service_by_key(key)
        .and_then(|service| catalog.engine().answer_for(&service.id, aspect))
    else {
        return Outcome::stale();
    };
    let outcome = Outcome::reply(answer_reply(conversation, &answer));
    match state {
        State::Idle { context } => {
            let mut context = context.clone();
            context.remember(&answer);
            outcome.to(State::Idle { context })
        }
        _ => outcome,
    }
}

/// `/tanya QUESTION`: the question answered as if typed (outside a complaint: a complaint asks
/// to be left first, see `complaint::detours`); without a question, how to ask one.
pub(crate) async fn ask(
    conversation: &Conversation,
    citizen: &Citizen,
    state: &State,
    question: &str,
) -> anyhow::Result<Outcome> {
    if question.trim().is_empty() {
        return Ok(Outcome::say(text::ASK_QUESTION));
    }
    let outcome = message(
        conversation,
        citizen,
        &state.context(),
        Event::Text(question.to_owned()),
    )
    .await?;
    // Inside a dialogue its state is left alone.
    Ok(if state.in_dialogue() {
        Outcome { state: None, ..outcome }
    } else {
        outcome
    })
}

/// `/layanan`: the first page of agencies.
pub(crate) fn services(conversation: &Conversation) -> Outcome {
    Outcome::reply(
        Reply::text(text::CHOOSE_AGENCY)
            .with_buttons(choice::agencies(&conversation.catalog, 0))
            .expecting(super::Input::Buttons),
    )
}

fn page(raw: &str, buttons: Vec<Vec<Button>>) -> Outcome {
    Outcome::reply(Reply {
        replaces: true,
        ..Reply::text(raw).with_buttons(buttons).expecting(super::Input::Buttons)
    })
}

pub(crate) fn agencies_page(conversation: &Conversation, number: usize) -> Outcome {
    page(text::CHOOSE_AGENCY, choice::agencies(&conversation.catalog, number))
}

pub(crate) fn agency_page(conversation: &Conversation, key: &str, number: usize) -> Outcome {
    let catalog = &conversation.catalog;
    let Some(agency) = catalog.agency_by_key(key) else {
        return Outcome::stale();
    };
    page(
        &text::choose_service(&agency.name),
        choice::agency_services(catalog, agency, number),
    )
}
