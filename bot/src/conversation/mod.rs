//! The conversation core: everything a citizen can do, on any channel.
//!
//! A channel adapter (Telegram, WhatsApp, web chat, `loket chat`) turns its platform's update
//! into an [`Event`] for one [`Citizen`], loads the citizen's persisted [`State`], and calls
//! [`Conversation::handle`]; it gets back an [`Outcome`]: the replies (lines with a simple,
//! channel-neutral style, up to a few rows of [`Button`]s, what input is expected next) and the
//! new state to persist. The adapter renders the replies within its platform's limits and sends
//! them through its own rate-limited sender. Nothing here knows teloxide or HTTP.
//!
//! One flow per file: [`question`] (answers with the Q&A context, choices, browsing),
//! [`complaint`] (the /lapor dialogue and submitting), [`account`] (start, help, /status,
//! subscriptions, /wilayah, /dataku, cancel), [`resolution`] (after `selesai`: reopen or rate,
//! with a comment). Every word a citizen reads is in [`text`]; the
//! buttons and the short ids they carry are in [`choice`].

mod account;
pub mod catalog;
pub mod choice;
mod complaint;
mod long_answer;
mod question;
pub mod resolution;
pub mod state;
pub mod text;

#[cfg(test)]
pub(crate) mod tests;

use std::sync::Arc;

pub use catalog::{Catalog, CatalogHandle};
pub use choice::{Choice, ComplaintChoice};
pub(crate) use long_answer::{answer_lines, parts as answer_parts};
pub use state::{Context, Detour, Draft, State};

use crate::intake::IntakeSettings;
use crate::routing::Routing;
use crate::storage::{Store, StoreError};

/// The platform a citizen writes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Telegram,
    WhatsApp,
    Web,
    /// `loket chat` on a terminal.
    Console,
}

/// One citizen on one channel, as an inbound event names them. `chat_id` is their address in
/// the store (complaints, dialogue state, subscriptions): the Telegram chat id, or the id the
/// store gave a WhatsApp contact. `name` is their display name on the channel as the event
/// carried it (Telegram first and last name, WhatsApp profile name), which a complaint they file
/// shows to its handler unless they choose to stay anonymous; `None` where the channel has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    pub channel: Channel,
    pub chat_id: i64,
    pub name: Option<String>,
}

impl Citizen {
    /// A citizen without a display name.
    pub fn new(channel: Channel, chat_id: i64) -> Self {
        Self {
            channel,
            chat_id,
            name: None,
        }
    }

    /// With the display name the channel gave (blank is none).
    pub fn named(mut self, name: Option<&str>) -> Self {
        self.name = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        self
    }
}

/// A command, however the channel spells it (`/lapor` on Telegram and WhatsApp).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    Services,
    /// `/tanya QUESTION`: a question, also in the middle of a dialogue; empty asks for one.
    Ask(String),
    Report,
    /// `/status NUMBER`; empty when the number is missing.
    Status(String),
    MyComplaints,
    /// `/langganan NAMA`; empty shows the list.
    Subscribe(String),
    Unsubscribe,
    MyData,
    /// `/wilayah PLACE`; empty shows the current region.
    Region(String),
    Cancel,
}

impl Command {
    /// Parses a typed command (`/lapor`, `/status LKT-ABCD-EFGH`, `/batal@bot`), for channels
    /// without their own command parser. `None` for anything else, which is then a message.
    pub fn parse(message: &str) -> Option<Self> {
        let rest = message.trim().strip_prefix('/')?;
        let (head, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let name = head.split('@').next().unwrap_or_default().to_lowercase();
        let argument = argument.trim().to_owned();
        Some(match name.as_str() {
            "start" | "mulai" => Self::Start,
            "bantuan" | "help" => Self::Help,
            "layanan" => Self::Services,
            "tanya" => Self::Ask(argument),
            "lapor" => Self::Report,
            "status" => Self::Status(argument),
            "laporanku" => Self::MyComplaints,
            "langganan" => Self::Subscribe(argument),
            "berhenti" => Self::Unsubscribe,
            "dataku" => Self::MyData,
            "wilayah" => Self::Region(argument),
            "batal" => Self::Cancel,
            _ => return None,
        })
    }

    /// The command as a citizen types it (the inverse of [`Self::parse`]).
    pub fn typed(&self) -> String {
        let with = |name: &str, argument: &str| match argument {
            "" => format!("/{name}"),
            argument => format!("/{name} {argument}"),
        };
        match self {
            Self::Start => "/start".into(),
            Self::Help => "/bantuan".into(),
            Self::Services => "/layanan".into(),
            Self::Ask(question) => with("tanya", question),
            Self::Report => "/lapor".into(),
            Self::Status(ticket) => with("status", ticket),
            Self::MyComplaints => "/laporanku".into(),
            Self::Subscribe(place) => with("langganan", place),
            Self::Unsubscribe => "/berhenti".into(),
            Self::MyData => "/dataku".into(),
            Self::Region(place) => with("wilayah", place),
            Self::Cancel => "/batal".into(),
        }
    }
}

/// What a citizen did.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A typed message (not a command).
    Text(String),
    Command(Command),
    /// A button pressed (or a list row chosen, or a numbered choice typed on the console).
    Choice(Choice),
    /// A shared location (WhatsApp, Telegram).
    Location {
        latitude: f64,
        longitude: f64,
    },
    /// A photo or document, named by the channel's id for it.
    Attachment {
        id: String,
    },
    /// Anything else the platform delivers (a sticker, a voice note).
    Unsupported,
}

/// How a line is shown: each channel maps it to its markup (Telegram `<b>`/`<i>`, WhatsApp
/// `*`/`_`, web elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Bold,
    Italic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub style: Style,
    pub text: String,
}

/// A button: its Indonesian label and what pressing it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub choice: Choice,
}

/// What the citizen is asked for next, so a channel can offer the right input (a location
/// button, an attachment picker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    /// A question or anything typed.
    #[default]
    Free,
    /// A typed answer to a dialogue step.
    Text,
    /// A place: typed, or a shared location.
    Place,
    /// Photos or documents, or a button.
    Attachments,
    /// One of the buttons.
    Buttons,
}

/// One message to the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub lines: Vec<Line>,
    /// Rows of buttons under the message.
    pub buttons: Vec<Vec<Button>>,
    pub input: Input,
    /// Replaces the message whose button was pressed (paging through a list) where the
    /// channel can edit; others send it as a new message.
    pub replaces: bool,
}

impl Reply {
    /// A plain text, one line per `\n`.
    pub fn text(raw: &str) -> Self {
        Self {
            lines: raw
                .split('\n')
                .map(|line| Line {
                    style: Style::Plain,
                    text: line.to_owned(),
                })
                .collect(),
            ..Self::default()
        }
    }

    pub fn with_buttons(mut self, buttons: Vec<Vec<Button>>) -> Self {
        self.buttons = buttons;
        self
    }

    pub fn expecting(mut self, input: Input) -> Self {
        self.input = input;
        self
    }

    /// The text without styles, lines joined (tests, the console, plain channels).
    pub fn plain(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// What handling one event produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub replies: Vec<Reply>,
    /// The new state, when it changed (the adapter persists it before sending).
    pub state: Option<State>,
    /// A short notice for the button press itself (Telegram shows it as a toast; others send
    /// it as a message when there is no reply).
    pub notice: Option<String>,
}

impl Outcome {
    pub fn reply(reply: Reply) -> Self {
        Self {
            replies: vec![reply],
            ..Self::default()
        }
    }

    pub fn say(raw: &str) -> Self {
        Self::reply(Reply::text(raw))
    }

    /// A button that means nothing (any more) in the current state.
    pub fn stale() -> Self {
        Self {
            notice: Some(text::STALE_BUTTON.to_owned()),
            ..Self::default()
        }
    }

    pub fn to(mut self, state: State) -> Self {
        self.state = Some(state);
        self
    }
}

/// What the core needs to know about the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// When a complaint passes verification on submit.
    pub intake: IntakeSettings,
    /// Local time zone, hours east of UTC (7 = WIB), for dates citizens type and read.
    pub utc_offset_hours: i32,
    /// Complaints per chat, messages per chat, question length (`[limits]`).
    pub limits: crate::limits::LimitSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            intake: IntakeSettings::default(),
            utc_offset_hours: 7,
            limits: crate::limits::LimitSettings::default(),
        }
    }
}

/// The core with what it works on: the store, one snapshot of the catalog, the routing, the
/// configuration. Cheap to build per event.
#[derive(Clone)]
pub struct Conversation {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub routing: Arc<Routing>,
    pub config: Arc<Config>,
}

impl Conversation {
    /// Handles one event of one citizen in `state` (the citizen and the event are what the
    /// channel received). An `Err` is an internal failure: the adapter logs it and sends
    /// [`text::APOLOGY`], never the error.
    pub async fn handle(&self, citizen: Citizen, state: &State, event: Event) -> anyhow::Result<Outcome> {
        if let State::RatingComment { ticket, context, until } = state {
            return self.after_rating(citizen, ticket, context, *until, event).await;
        }
        match event {
            // In the middle of a complaint, a command that would start something else first
            // asks whether to leave the draft (nothing is lost until the citizen says so).
            Event::Command(command) if complaint::detours(state, &command) => {
                Ok(complaint::ask_to_leave(state, Detour::Command(command.typed())))
            }
            Event::Command(command) => self.command(&citizen, state, command).await,
            Event::Choice(choice @ Choice::ReportAbout { .. }) if complaint::detours_to_report(state) => {
                Ok(complaint::ask_to_leave(state, Detour::Choice(choice.encode())))
            }
            Event::Choice(Choice::Complaint(ComplaintChoice::Leave)) => match state {
                State::ComplaintLeave { resume, detour } => self.leave(&citizen, resume, detour).await,
                _ => Ok(Outcome::stale()),
            },
            Event::Choice(choice) => self.choice(&citizen, state, choice).await,
            event => match state {
                State::Idle { context } => question::message(self, &citizen, context, event).await,
                _ => complaint::message(self, &citizen, state, event).await,
            },
        }
    }

    /// Just after a rating: a typed message in time is its comment, [Lewati] declines, and
    /// anything else is handled as if idle (then the comment is no longer awaited).
    async fn after_rating(
        &self,
        citizen: Citizen,
        ticket: &str,
        context: &Context,
        until: i64,
        event: Event,
    ) -> anyhow::Result<Outcome> {
        let idle = State::Idle {
            context: context.clone(),
        };
        match (event, crate::domain::TicketNumber::parse(ticket)) {
            (Event::Text(words), Ok(ticket)) if self.store.now() <= until => {
                resolution::comment(self, &citizen, &ticket, idle, &words).await
            }
            (Event::Choice(Choice::NoComment), _) => Ok(Outcome::say(text::RATING_NO_COMMENT).to(idle)),
            (event, _) => {
                let mut outcome = Box::pin(self.handle(citizen, &idle, event)).await?;
                outcome.state.get_or_insert(idle);
                Ok(outcome)
            }
        }
    }

    async fn command(&self, citizen: &Citizen, state: &State, command: Command) -> anyhow::Result<Outcome> {
        match command {
            Command::Start => account::start(self, citizen).await,
            Command::Help => Ok(Outcome::say(text::HELP)),
            Command::Services => Ok(question::services(self)),
            Command::Ask(question) => question::ask(self, citizen, state, &question).await,
            Command::Report => complaint::start(self, citizen, state.context().last_service).await,
            Command::Status(raw) => account::status(self, citizen, &raw).await,
            Command::MyComplaints => account::my_complaints(self, citizen).await,
            Command::Subscribe(place) => account::choose_subscription(self, citizen, &place).await,
            Command::Unsubscribe => account::unsubscribe(self, citizen).await,
            Command::MyData => account::my_data(self, citizen, state).await,
            Command::Region(place) => account::region(self, state, &place),
            Command::Cancel => Ok(account::cancel(state)),
        }
    }

    async fn choice(&self, citizen: &Citizen, state: &State, choice: Choice) -> anyhow::Result<Outcome> {
        match choice {
            Choice::Service { key, aspect } => Ok(question::service(self, state, &key, aspect)),
            Choice::More { key, aspect, part } => Ok(question::more(self, &key, aspect, part)),
            Choice::Agencies { page } => Ok(question::agencies_page(self, page)),
            Choice::Agency { key, page } => Ok(question::agency_page(self, &key, page)),
            Choice::Complaint(choice) => complaint::choice(self, citizen, state, choice).await,
            Choice::ReportAbout { key } => match self.catalog.service_by_key(&key) {
                Some(service) => complaint::start(self, citizen, Some(service.id.0.clone())).await,
                None => Ok(Outcome::stale()),
            },
            Choice::Support { ticket } => complaint::support(self, citizen, state, &ticket).await,
            Choice::Subscribe { agency } => account::subscribe(self, citizen, agency.as_deref()).await,
            Choice::SubscribeRegency { key } => account::subscribe_regency(self, citizen, &key).await,
            Choice::Subscriptions { page } => {
                Ok(account::subscriptions_page(self, page, text::CHOOSE_SUBSCRIPTION, true))
            }
            Choice::Resolution { ticket, fixed } => resolution::answer(self, citizen, &ticket, fixed).await,
            Choice::Rate { ticket, score } => resolution::rate(self, citizen, state, &ticket, score).await,
            // Only meaningful right after a rating (see `after_rating`).
            Choice::NoComment => Ok(Outcome::stale()),
        }
    }

    /// [Tinggalkan]: drops the complaint draft paused at `resume`, then does what the citizen
    /// asked for meanwhile (`detour`) as if no dialogue had been running.
    async fn leave(&self, citizen: &Citizen, resume: &State, detour: &Detour) -> anyhow::Result<Outcome> {
        let idle = State::Idle {
            context: resume.context(),
        };
        let then = match detour {
            Detour::Command(typed) => match Command::parse(typed) {
                Some(command) => self.command(citizen, &idle, command).await?,
                None => Outcome::default(),
            },
            Detour::Choice(id) => match Choice::parse(id) {
                Some(choice) => self.choice(citizen, &idle, choice).await?,
                None => Outcome::default(),
            },
        };
        let mut replies = vec![Reply::text(text::DRAFT_LEFT)];
        replies.extend(then.replies);
        Ok(Outcome {
            replies,
            state: Some(then.state.unwrap_or(idle)),
            notice: then.notice,
        })
    }

    /// The one complaint intake, over this core's store and routing.
    pub(crate) fn intake(&self) -> crate::intake::Intake {
        crate::intake::Intake::new(self.store.clone(), self.routing.clone(), self.config.intake.clone())
    }

    /// Today's date where the citizens live (for judging an incident date).
    pub(crate) fn today(&self) -> chrono::NaiveDate {
        local_date(self.store.clock().now(), self.config.utc_offset_hours)
    }

    /// A timestamp as the local day, day first (`17-08-2025`).
    pub(crate) fn local_day(&self, at: i64) -> String {
        local_date(at, self.config.utc_offset_hours)
            .format("%d-%m-%Y")
            .to_string()
    }
}

/// The local date at `now` (Unix seconds) in a zone `utc_offset_hours` east of UTC.
pub(crate) fn local_date(now: i64, utc_offset_hours: i32) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(now + i64::from(utc_offset_hours) * 3600, 0)
        .unwrap_or_default()
        .date_naive()
}

/// The state stored for a chat, or the default (also when an older version's state cannot be
/// read: start over rather than fail every message).
pub async fn load_state(store: &Store, chat_id: i64) -> Result<State, StoreError> {
    let json = store.dialogue_json(chat_id).await?;
    Ok(state_from_json(chat_id, json.as_deref()))
}

/// A chat's stored state (JSON, as `load_state` reads it) read back, or the default.
pub fn state_from_json(chat_id: i64, json: Option<&str>) -> State {
    json.and_then(|json| match serde_json::from_str(json) {
        Ok(state) => Some(state),
        Err(error) => {
            tracing::warn!(chat_id, %error, "unreadable dialogue state reset to the default");
            None
        }
    })
    .unwrap_or_default()
}

pub async fn save_state(store: &Store, chat_id: i64, state: &State) -> Result<(), StoreError> {
    let json = serde_json::to_string(state)
        .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("cannot serialise dialogue state: {e}")))?;
    store.save_dialogue_json(chat_id, &json).await
}
