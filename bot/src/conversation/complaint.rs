//! `/lapor`: the complaint dialogue, one step per [`State`] variant, each validating with the
//! domain types.
//!
//! topic (a category button, a typed category, or the service of the last question) ->
//! description -> place (typed or a shared location) -> date (or skip) -> photos/documents
//! (until done) -> anonymous? -> publish? (confidential unless the citizen agrees; LAPOR!
//! "rahasia") -> summary -> submit. Every step returns the draft in the new state, which the
//! adapter persists, so a restart in the middle loses nothing; a wrong input gets the domain's
//! Indonesian error, or what the step needs when it was not text at all, and the step is asked
//! again. Submitting files through the one complaint intake ([`crate::intake`]: parse -> route
//! -> submit, with the citizen's display name unless anonymous).
//!
//! Three pauses keep the citizen from filing by accident and from losing a draft:
//! - at the description, a short interrogative message the answer engine answers confidently
//!   ("syarat sktm apa ya") is offered an answer first ([`State::ComplaintQuestion`]);
//! - once the description is written and the handler is known, an open complaint of that handler
//!   about the same problem ([`crate::storage::Store::similar_open`]) is shown without anyone's
//!   identity, to support instead of filing again ([`State::ComplaintDuplicate`]);
//! - a command that would start something else (`/layanan`, `/tanya`, `/lapor`...) asks whether
//!   to leave the draft ([`State::ComplaintLeave`]); nothing is dropped until the citizen says so.

use loket_knowledge::answer::{Answer, AnswerStatus};

use super::state::{Context, Detour, Draft, State};
use super::{Button, Citizen, Command, ComplaintChoice, Conversation, Event, Input, Outcome, Reply, choice, text};
use crate::domain::{
    Attachment, Attachments, Category, ComplaintDescription, GeoPoint, IncidentDate, Place, RawComplaint, TicketNumber,
};
use crate::intake::{Filing, IntakeError};
use crate::storage::SupportOutcome;

/// Whether the chat may file another complaint now (`[limits] complaints_per_chat_per_hour`);
/// if not, the reply saying when it can.
async fn intake_refusal(conversation: &Conversation, citizen: &Citizen) -> anyhow::Result<Option<Outcome>> {
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

/// `/lapor` outside a complaint, or "Laporkan masalah layanan ini" under a service card:
/// starts the dialogue, offering `service` (the last question's) as the subject.
pub(crate) async fn start(
    conversation: &Conversation,
    citizen: &Citizen,
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

// ---- Leaving a draft -----------------------------------------------------------------------

/// Whether `command` in `state` must first ask to leave the complaint draft: it would start
/// something else. Lookups (`/status`, `/laporanku`, `/dataku`, `/bantuan`) answer in place, and
/// `/batal` is the citizen saying so.
pub(crate) fn detours(state: &State, command: &Command) -> bool {
    state.in_dialogue()
        && matches!(
            command,
            Command::Start
                | Command::Services
                | Command::Ask(_)
                | Command::Report
                | Command::Subscribe(_)
                | Command::Region(_)
        )
}

/// Whether a "report a problem with this service" button must first ask to leave the draft.
pub(crate) fn detours_to_report(state: &State) -> bool {
    state.in_dialogue()
}

/// Asks whether to leave the draft for `detour`, keeping the step to come back to.
pub(crate) fn ask_to_leave(state: &State, detour: Detour) -> Outcome {
    let resume = match state {
        State::ComplaintLeave { resume, .. } => resume.clone(),
        step => Box::new(step.clone()),
    };
    Outcome::reply(
        Reply::text(text::ASK_LEAVE_DRAFT)
            .with_buttons(choice::leave())
            .expecting(Input::Buttons),
    )
    .to(State::ComplaintLeave { resume, detour })
}

// ---- Steps ---------------------------------------------------------------------------------

/// The buttons a step shows under its question (none for typed steps).
fn step_buttons(conversation: &Conversation, state: &State) -> Vec<Vec<Button>> {
    match state {
        State::ComplaintTopic { draft } => choice::complaint_topics(offered_title(conversation, draft)),
        State::ComplaintDate { .. } => choice::date(),
        State::ComplaintAttachments { draft } if draft.attachments.is_empty() => choice::skip_or_done(),
        State::ComplaintAttachments { .. } => choice::attachments_done(),
        State::ComplaintAnonymous { .. } => choice::anonymous(),
        State::ComplaintPublic { .. } => choice::publish(),
        State::ComplaintConfirm { .. } => choice::confirm(),
        State::ComplaintQuestion { .. } => choice::question_or_description(),
        State::ComplaintDuplicate { ticket, .. } => TicketNumber::parse(ticket)
            .map(|t| choice::duplicate(&t))
            .unwrap_or_default(),
        State::ComplaintLeave { .. } => choice::leave(),
        State::Idle { .. }
        | State::RatingComment { .. }
        | State::ComplaintDescription { .. }
        | State::ComplaintPlace { .. } => Vec::new(),
    }
}

/// What input a step expects.
fn input_of(state: &State) -> Input {
    match state {
        State::ComplaintTopic { .. } | State::ComplaintDescription { .. } | State::ComplaintDate { .. } => Input::Text,
        State::ComplaintPlace { .. } => Input::Place,
        State::ComplaintAttachments { .. } => Input::Attachments,
        State::Idle { .. } => Input::Free,
        _ => Input::Buttons,
    }
}

/// The title of the service the draft offers as its subject.
fn offered_title<'c>(conversation: &'c Conversation, draft: &Draft) -> Option<&'c str> {
    draft
        .offered_service
        .as_deref()
        .and_then(|id| conversation.catalog.service(id))
        .map(|s| s.title.as_str())
}

/// The question a step asks, with its buttons.
fn prompt(conversation: &Conversation, state: &State) -> Reply {
    let raw = match state {
        State::ComplaintTopic { draft } => match offered_title(conversation, draft) {
            Some(title) => text::ask_topic_with_service(title),
            None => text::ASK_TOPIC.to_owned(),
        },
        State::ComplaintDescription { .. } => text::ASK_DESCRIPTION.to_owned(),
        State::ComplaintPlace { .. } => text::ASK_PLACE.to_owned(),
        State::ComplaintDate { .. } => text::ASK_DATE.to_owned(),
        State::ComplaintAttachments { .. } => text::ASK_ATTACHMENTS.to_owned(),
        State::ComplaintAnonymous { .. } => text::ASK_ANONYMOUS.to_owned(),
        State::ComplaintPublic { .. } => text::ASK_PUBLIC.to_owned(),
        State::ComplaintConfirm { draft } => summary(conversation, draft),
        State::ComplaintQuestion { draft, message } => {
            let title = question_service(conversation, draft, message).unwrap_or_default();
            text::question_at_description(&title)
        }
        State::ComplaintDuplicate { .. } | State::ComplaintLeave { .. } => text::CHOOSE_WITH_BUTTONS.to_owned(),
        State::Idle { .. } | State::RatingComment { .. } => String::new(),
    };
    Reply::text(&raw)
        .with_buttons(step_buttons(conversation, state))
        .expecting(input_of(state))
}

/// Moves to `next` and asks its question.
fn advance(conversation: &Conversation, next: State) -> Outcome {
    Outcome::reply(prompt(conversation, &next)).to(next)
}

/// A short message about what the step needs, with the step's buttons again (the state stays).
fn needs(conversation: &Conversation, state: &State, raw: &str) -> Outcome {
    Outcome::reply(
        Reply::text(raw)
            .with_buttons(step_buttons(conversation, state))
            .expecting(input_of(state)),
    )
}

fn summary(conversation: &Conversation, draft: &Draft) -> String {
    let service = draft
        .service_id
        .as_deref()
        .and_then(|id| conversation.catalog.service(id))
        .map(|s| s.title.as_str());
    // The draft keeps the date as ISO; citizens read it day first, as they write it.
    let date = draft.incident_date.as_deref().map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_or_else(|_| d.to_owned(), |d| d.format("%d-%m-%Y").to_string())
    });
    text::summary(&text::Summary {
        category: draft.category.as_deref().unwrap_or("-"),
        service,
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
    citizen: &Citizen,
    state: &State,
    event: Event,
) -> anyhow::Result<Outcome> {
    // A new message instead of a button: it is the description step's message now.
    if let (State::ComplaintQuestion { draft, .. }, Event::Text(raw)) = (state, &event) {
        return description(conversation, citizen, draft.clone(), raw, true).await;
    }
    let draft = match state {
        State::Idle { .. } | State::RatingComment { .. } => return Ok(Outcome::default()),
        State::ComplaintAttachments { draft } => return Ok(attachment(conversation, draft, event)),
        // Where only a button fits (anonymous?, publish?, confirm, and the pauses).
        State::ComplaintAnonymous { .. }
        | State::ComplaintPublic { .. }
        | State::ComplaintConfirm { .. }
        | State::ComplaintQuestion { .. }
        | State::ComplaintDuplicate { .. }
        | State::ComplaintLeave { .. } => {
            return Ok(needs(conversation, state, text::CHOOSE_WITH_BUTTONS));
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
        (_, event) => return Ok(not_text(conversation, state, draft, event)),
    };
    Ok(match state {
        State::ComplaintTopic { .. } => match Category::parse(&raw) {
            Err(e) => Outcome::say(&e.to_string()),
            Ok(_) => advance(
                conversation,
                State::ComplaintDescription {
                    draft: Draft {
                        category: Some(raw.trim().to_owned()),
                        ..draft
                    },
                },
            ),
        },
        State::ComplaintDescription { .. } => return description(conversation, citizen, draft, &raw, true).await,
        State::ComplaintPlace { .. } => match Place::parse(&raw) {
            Err(e) => Outcome::say(&e.to_string()),
            Ok(place) => advance(
                conversation,
                State::ComplaintDate {
                    draft: Draft {
                        place: Some(place.as_str().to_owned()),
                        // A shared location is kept as coordinates too (map link, Open311
                        // lat/long); a typed place clears an earlier one.
                        coordinates: shared_at,
                        ..draft
                    },
                },
            ),
        },
        _ => match IncidentDate::parse(&raw, conversation.today()) {
            // The buttons stay under the reason, so a tap still answers the step.
            Err(e) => Outcome::reply(Reply::text(&e.to_string()).with_buttons(choice::date())),
            // Stored as the date itself: "kemarin" must not move if the dialogue crosses midnight.
            Ok(date) => advance(
                conversation,
                State::ComplaintAttachments {
                    draft: Draft {
                        incident_date: Some(date.to_string()),
                        ..draft
                    },
                },
            ),
        },
    })
}

/// Not text where a typed answer is expected (a photo, a sticker, a location elsewhere than the
/// place step): what the step needs. A photo or document is kept among the attachments, so
/// nothing the citizen sent is lost; the step stays.
fn not_text(conversation: &Conversation, state: &State, draft: Draft, event: Event) -> Outcome {
    let need = match state {
        State::ComplaintTopic { .. } => text::TOPIC_NEEDS_TEXT,
        State::ComplaintDescription { .. } => text::DESCRIPTION_NEEDS_TEXT,
        State::ComplaintPlace { .. } => text::PLACE_NEEDS_TEXT,
        _ => text::DATE_NEEDS_TEXT,
    };
    let Event::Attachment { id } = event else {
        return needs(conversation, state, need);
    };
    let Some(draft) = with_attachment(&draft, &id) else {
        return needs(conversation, state, need);
    };
    let kept = format!("{}\n\n{need}", text::attachment_kept(draft.attachments.len()));
    let next = match state {
        State::ComplaintTopic { .. } => State::ComplaintTopic { draft },
        State::ComplaintDescription { .. } => State::ComplaintDescription { draft },
        State::ComplaintPlace { .. } => State::ComplaintPlace { draft },
        _ => State::ComplaintDate { draft },
    };
    needs(conversation, &next, &kept).to(next)
}

/// The draft with one more attachment (a repeat is kept once); `None` when the id is not one
/// or the draft is full.
fn with_attachment(draft: &Draft, id: &str) -> Option<Draft> {
    let attachment = Attachment::parse(id).ok()?;
    let mut draft = draft.clone();
    if !draft.attachments.iter().any(|a| a == attachment.as_str()) {
        if draft.attachments.len() >= Attachments::MAX {
            return None;
        }
        draft.attachments.push(attachment.as_str().to_owned());
    }
    Some(draft)
}

/// A photo or document while collecting attachments.
fn attachment(conversation: &Conversation, draft: &Draft, event: Event) -> Outcome {
    let Event::Attachment { id } = event else {
        return Outcome::reply(Reply::text(text::ATTACHMENT_EXPECTED).with_buttons(step_buttons(
            conversation,
            &State::ComplaintAttachments { draft: draft.clone() },
        )));
    };
    if draft.attachments.len() >= Attachments::MAX {
        return Outcome::reply(Reply::text(text::ATTACHMENT_LIMIT).with_buttons(choice::attachments_done()));
    }
    if let Err(e) = Attachment::parse(&id) {
        return Outcome::say(&e.to_string());
    }
    let Some(draft) = with_attachment(draft, &id) else {
        return Outcome::reply(Reply::text(text::ATTACHMENT_LIMIT).with_buttons(choice::attachments_done()));
    };
    let count = draft.attachments.len();
    Outcome::reply(
        Reply::text(&text::attachment_received(count))
            .with_buttons(choice::attachments_done())
            .expecting(Input::Attachments),
    )
    .to(State::ComplaintAttachments { draft })
}

// ---- The description: a question first? the same problem already open? ----------------------

/// Most words a message may have to be taken for a question rather than a description.
const QUESTION_MAX_WORDS: usize = 12;

/// Words that make an Indonesian message a question (with their chat spellings); a word ending
/// in the question particle "-kah" (apakah, bisakah, berapakah) counts too.
const INTERROGATIVES: &[&str] = &[
    "apa",
    "apaan",
    "apakah",
    "gimana",
    "bagaimana",
    "gmn",
    "bgmn",
    "berapa",
    "brp",
    "kapan",
    "kpn",
    "mana",
    "dimana",
    "kemana",
    "siapa",
    "kenapa",
    "mengapa",
    "knp",
];

fn interrogative(message: &str) -> bool {
    message.trim_end().ends_with('?')
        || message
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .any(|w| INTERROGATIVES.contains(&w.as_str()) || (w.chars().count() > 5 && w.ends_with("kah")))
}

/// The engine's answer to `message` when it reads like a question about a service rather than a
/// complaint: short, interrogative, and answered confidently (one service, no choice list).
fn as_question(conversation: &Conversation, draft: &Draft, message: &str) -> Option<Answer> {
    let words = message.split_whitespace().count();
    if words == 0 || words > QUESTION_MAX_WORDS || !interrogative(message) {
        return None;
    }
    let answer = Context::about(draft.offered_service.clone()).reply(conversation.catalog.engine(), message);
    (answer.status == AnswerStatus::Answered && answer.service.is_some()).then_some(answer)
}

/// The title of the service a question-like message asks about.
fn question_service(conversation: &Conversation, draft: &Draft, message: &str) -> Option<String> {
    as_question(conversation, draft, message).and_then(|a| a.service.map(|s| s.title))
}

/// The description step's text: offered an answer first when it reads like a question
/// (`check_question`), else validated; then an open complaint about the same problem at the
/// handler it would go to is offered for support, else the place is asked.
async fn description(
    conversation: &Conversation,
    citizen: &Citizen,
    draft: Draft,
    raw: &str,
    check_question: bool,
) -> anyhow::Result<Outcome> {
    if check_question && let Some(answer) = as_question(conversation, &draft, raw) {
        let title = answer.service.map(|s| s.title).unwrap_or_default();
        return Ok(Outcome::reply(
            Reply::text(&text::question_at_description(&title))
                .with_buttons(choice::question_or_description())
                .expecting(Input::Buttons),
        )
        .to(State::ComplaintQuestion {
            draft,
            message: raw.to_owned(),
        }));
    }
    let description = match ComplaintDescription::parse(raw) {
        Ok(description) => description,
        Err(e) => return Ok(Outcome::say(&e.to_string()).to(State::ComplaintDescription { draft })),
    };
    let draft = Draft {
        description: Some(description.as_str().to_owned()),
        ..draft
    };
    if let Some(offer) = duplicate_offer(conversation, citizen, &draft).await? {
        return Ok(offer);
    }
    Ok(advance(conversation, State::ComplaintPlace { draft }))
}

/// The agency of the draft's service, for routing.
fn agency_of(conversation: &Conversation, draft: &Draft) -> Option<String> {
    draft
        .service_id
        .as_deref()
        .and_then(|id| conversation.catalog.service(id))
        .map(|s| s.agency.clone())
}

/// An open complaint about the same problem at the handler this draft would go to, shown with
/// [Dukung laporan ini] [Tetap kirim laporan baru]: its service (or category), status, age and
/// supporters; its short title only when its citizen agreed to publish it; never who filed it.
async fn duplicate_offer(
    conversation: &Conversation,
    citizen: &Citizen,
    draft: &Draft,
) -> anyhow::Result<Option<Outcome>> {
    let agency = agency_of(conversation, draft);
    let category = draft.category.as_deref().and_then(|c| Category::parse(c).ok());
    let Some(handler) = conversation.intake().route(
        draft.service_id.as_deref(),
        agency.as_deref(),
        category.as_ref().map(Category::as_str),
    ) else {
        return Ok(None);
    };
    let store = &conversation.store;
    let description = draft.description.as_deref().unwrap_or_default();
    let Some((existing, _)) = store
        .similar_open(
            description,
            draft.service_id.as_deref(),
            Some(citizen.chat_id),
            &handler,
        )
        .await?
    else {
        return Ok(None);
    };
    let supporters = store.supporter_count(existing.id).await?;
    let about = existing
        .service_id
        .as_deref()
        .and_then(|id| conversation.catalog.service(id))
        .map_or_else(|| existing.category.clone(), |s| s.title.clone());
    let title = (!existing.confidential).then(|| short(&existing.title, 60));
    let age_days = (conversation.today()
        - super::local_date(existing.created_at, conversation.config.utc_offset_hours))
    .num_days();
    let offer = text::duplicate_found(&text::Duplicate {
        ticket: existing.ticket.as_str(),
        about: &about,
        title: title.as_deref(),
        status: existing.status,
        age_days,
        supporters,
    });
    tracing::info!(ticket = %existing.ticket, chat_id = citizen.chat_id, "open complaint about the same problem offered");
    Ok(Some(
        Outcome::reply(
            Reply::text(&offer)
                .with_buttons(choice::duplicate(&existing.ticket))
                .expecting(Input::Buttons),
        )
        .to(State::ComplaintDuplicate {
            draft: draft.clone(),
            ticket: existing.ticket.to_string(),
        }),
    ))
}

/// [Dukung laporan ini]: the citizen supports an open complaint about the same problem and gets
/// its status notices. Pressed on the offer inside /lapor, the draft is not filed (or, when the
/// complaint closed meanwhile, the dialogue goes on); pressed anywhere else, the state stays.
pub(crate) async fn support(
    conversation: &Conversation,
    citizen: &Citizen,
    state: &State,
    ticket: &TicketNumber,
) -> anyhow::Result<Outcome> {
    let offered = match state {
        State::ComplaintDuplicate { draft, ticket: t } if t == ticket.as_str() => Some(draft),
        _ => None,
    };
    let outcome = conversation.store.support(ticket, citizen.chat_id).await?;
    tracing::info!(%ticket, chat_id = citizen.chat_id, ?outcome, "support");
    Ok(match (outcome, offered) {
        (SupportOutcome::Added(n) | SupportOutcome::Already(n), Some(draft)) => {
            let raw = format!("{}\n\n{}", text::supported(ticket.as_str(), n), text::DRAFT_NOT_FILED);
            Outcome::say(&raw).to(State::Idle {
                context: Context::about(draft.offered_service.clone()),
            })
        }
        (SupportOutcome::NotOpen | SupportOutcome::OwnComplaint, Some(draft)) => {
            let next = State::ComplaintPlace { draft: draft.clone() };
            let mut outcome = advance(conversation, next);
            outcome.replies.insert(0, Reply::text(text::SUPPORT_CLOSED_GO_ON));
            outcome
        }
        (SupportOutcome::Added(n), None) => Outcome::say(&text::supported(ticket.as_str(), n)),
        (SupportOutcome::Already(_), None) => Outcome::say(text::ALREADY_SUPPORTED),
        (SupportOutcome::OwnComplaint, None) => Outcome::say(text::SUPPORT_OWN),
        (SupportOutcome::NotOpen, None) => Outcome::say(text::SUPPORT_CLOSED),
    })
}

/// `text` cut to at most `max` characters at a word boundary, with "…".
pub(crate) fn short(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

// ---- Buttons -------------------------------------------------------------------------------

/// A button of the complaint dialogue, judged against the current step.
pub(crate) async fn choice(
    conversation: &Conversation,
    citizen: &Citizen,
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
        (State::ComplaintQuestion { draft, message }, ComplaintChoice::AnswerQuestion) => {
            return Ok(answer_question(conversation, draft, &message));
        }
        (State::ComplaintQuestion { draft, message }, ComplaintChoice::IsDescription) => {
            return description(conversation, citizen, draft, &message, false).await;
        }
        (State::ComplaintDuplicate { draft, .. }, ComplaintChoice::FileAnyway) => State::ComplaintPlace { draft },
        (State::ComplaintLeave { resume, .. }, ComplaintChoice::Resume) => {
            let mut outcome = advance(conversation, *resume);
            outcome.replies.insert(0, Reply::text(text::DRAFT_RESUMED));
            return Ok(outcome);
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
        (State::ComplaintPublic { draft }, ComplaintChoice::Public(public)) => State::ComplaintConfirm {
            draft: Draft { public, ..draft },
        },
        (State::ComplaintConfirm { draft }, ComplaintChoice::Submit) => {
            return submit(conversation, citizen, draft).await;
        }
        _ => return Ok(Outcome::stale()),
    };
    Ok(advance(conversation, next))
}

/// [Jawab pertanyaan]: the answer, then the reminder that the draft waits at its description.
fn answer_question(conversation: &Conversation, draft: Draft, message: &str) -> Outcome {
    let answer = Context::about(draft.offered_service.clone()).reply(conversation.catalog.engine(), message);
    Outcome {
        replies: vec![
            super::question::answer_reply(conversation, &answer),
            Reply::text(text::DRAFT_WAITS_FOR_DESCRIPTION).expecting(Input::Text),
        ],
        ..Outcome::default()
    }
    .to(State::ComplaintDescription { draft })
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

/// Files the confirmed draft through the complaint intake, with the citizen's display name
/// (which the handler sees unless the complaint is anonymous).
async fn submit(conversation: &Conversation, citizen: &Citizen, draft: Draft) -> anyhow::Result<Outcome> {
    // Checked again at the end: the draft may have been started before the allowance ran out.
    if let Some(refusal) = intake_refusal(conversation, citizen).await? {
        return Ok(refusal);
    }
    let description = draft.description.clone().unwrap_or_default();
    let raw = RawComplaint {
        chat_id: citizen.chat_id,
        service_id: draft.service_id.clone(),
        category: draft.category.clone().unwrap_or_default(),
        title: title_from(&description),
        description,
        place: draft.place.clone(),
        incident_date: draft.incident_date.clone(),
        attachments: draft.attachments.clone(),
        anonymous: draft.anonymous,
        confidential: !draft.public,
    };
    let filing = Filing {
        agency: agency_of(conversation, &draft),
        name: citizen.name.clone(),
        location: draft
            .coordinates
            .as_ref()
            .and_then(|(lat, long)| GeoPoint::parse(Some(lat), Some(long)).ok().flatten()),
        ..Filing::new(
            raw,
            crate::domain::Citizen::Telegram {
                chat_id: citizen.chat_id,
            },
        )
    };
    let complaint = match conversation.intake().file(&filing, conversation.today()).await {
        Ok(complaint) => complaint,
        // Only reachable when a stored draft predates a stricter rule: say what is wrong.
        Err(IntakeError::Invalid(e)) => return Ok(Outcome::say(&e.to_string())),
        Err(IntakeError::Store(e)) => return Err(e.into()),
    };
    tracing::info!(ticket = %complaint.ticket, channel = ?citizen.channel, "complaint submitted");
    Ok(
        Outcome::say(&text::submitted(complaint.ticket.as_str())).to(State::Idle {
            context: Context::about(draft.offered_service),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::{interrogative, short, title_from};

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
        assert_eq!(short("Jalan  berlubang di depan SDN 2 Beji", 20), "Jalan berlubang di…");
        assert_eq!(short("Lampu mati", 20), "Lampu mati");
    }

    #[test]
    fn questions_are_told_by_their_interrogative() {
        for question in [
            "syarat sktm apa ya",
            "biayanya berapa",
            "bisakah diurus online",
            "kapan kantor buka",
            "urus akta kelahiran di mana?",
        ] {
            assert!(interrogative(question), "{question}");
        }
        for statement in [
            "Petugas meminta uang tambahan untuk surat ahli waris",
            "jalan rusak di depan kantor kecamatan",
        ] {
            assert!(!interrogative(statement), "{statement}");
        }
    }
}
