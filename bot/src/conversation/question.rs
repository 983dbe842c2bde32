//! Questions and browsing: free text outside a dialogue is answered by the engine with the
//! citizen's Q&A context, exactly as `loket chat` answers it; a message naming a ticket gets its
//! status; `/layanan` browses agencies -> services -> a service card.
//!
//! The context (last service, offered candidates, region) lives in `State::Idle`, so "kalau
//! biayanya?" after a question about a service answers that service's fee, also after a restart.
//! An ambiguous answer offers its candidates as buttons; an answered one gets the service-card
//! buttons (requirements, procedure, duration, fee, report a problem).

use loket_knowledge::answer::{Answer, AnswerStatus};
use loket_knowledge::aspect::Aspect;

use super::state::{Context, State};
use super::{Button, Citizen, Conversation, Event, Line, Outcome, Reply, Style, account, choice, text};

/// The buttons that go under an answer.
fn buttons(conversation: &Conversation, answer: &Answer) -> Vec<Vec<Button>> {
    let catalog = &conversation.catalog;
    match answer.status {
        AnswerStatus::Ambiguous => {
            let ids: Vec<String> = answer.candidates.iter().map(|c| c.id.0.clone()).collect();
            choice::candidates(catalog, &ids, answer.aspect.unwrap_or(Aspect::Overview))
        }
        AnswerStatus::Answered => answer
            .service
            .as_ref()
            .and_then(|service| catalog.service_key(service.id.as_str()))
            .map(choice::service_card)
            .unwrap_or_default(),
        AnswerStatus::NotFound | AnswerStatus::Smalltalk | AnswerStatus::Region => Vec::new(),
    }
}

/// An answer as lines: the console's text, the heading of an answered question bold, the
/// citation italic at the end after a blank line.
pub(crate) fn answer_lines(answer: &Answer) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut body = answer.text.split('\n');
    if answer.status == AnswerStatus::Answered
        && let Some(heading) = body.next()
    {
        lines.push(Line {
            style: Style::Bold,
            text: heading.to_owned(),
        });
    }
    lines.extend(body.map(|l| Line {
        style: Style::Plain,
        text: l.to_owned(),
    }));
    if let Some(citation) = &answer.citation {
        lines.push(Line {
            style: Style::Plain,
            text: String::new(),
        });
        lines.push(Line {
            style: Style::Italic,
            text: citation.text.clone(),
        });
    }
    lines
}

/// An answer as one reply, with its buttons.
pub(crate) fn answer_reply(conversation: &Conversation, answer: &Answer) -> Reply {
    Reply {
        lines: answer_lines(answer),
        buttons: buttons(conversation, answer),
        ..Reply::default()
    }
}

/// A message while no dialogue runs. A refusal or a choice list is counted in the unanswered
/// log (normalised, without the chat; see `learning`), in the background.
pub(crate) async fn message(
    conversation: &Conversation,
    citizen: Citizen,
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
