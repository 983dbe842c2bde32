//! Inline keyboards and the `callback_data` they carry.
//!
//! [`Callback`] is the one place where Telegram button data is encoded and parsed, as short
//! `action:argument` strings that always fit Telegram's 64-byte limit. A citizen's buttons are
//! the conversation core's [`Choice`]s (encoded by the core, so every channel uses the same ids);
//! the officer buttons are Telegram's own. [`markup`] renders the core's button rows as an
//! inline keyboard.

use loket_knowledge::aspect::Aspect;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::text;
pub(crate) use crate::conversation::ComplaintChoice;
#[cfg(test)]
pub(crate) use crate::conversation::choice::PAGE_SIZE;
use crate::conversation::{Button, Choice};
use crate::domain::{ComplaintStatus, TicketNumber};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Callback {
    /// Answer a service for an aspect: `svc:<key>:<aspect>`.
    Service { key: String, aspect: Aspect },
    /// The next part of a long answer: `mr:<key>:<aspect>:<part>`.
    More { key: String, aspect: Aspect, part: usize },
    /// A page of the agency list: `agp:<page>`.
    Agencies { page: usize },
    /// A page of one agency's services: `ag:<key>:<page>`.
    Agency { key: String, page: usize },
    /// A step of the complaint dialogue.
    Complaint(ComplaintChoice),
    /// Start a complaint about a service: `lp:about:<key>`.
    ReportAbout { key: String },
    /// Subscribe to all agencies (`sub:all`) or one (`sub:<key>`).
    Subscribe { agency: Option<String> },
    /// Subscribe to one regency or city: `subw:<key>`.
    SubscribeRegency { key: String },
    /// A page of the subscription list: `subp:<page>`.
    Subscriptions { page: usize },
    /// An officer's status button: `of:<status>:<ticket>`.
    Officer { to: ComplaintStatus, ticket: TicketNumber },
    /// An officer's "Balas warga" button: `ofm:<ticket>`.
    OfficerReply { ticket: TicketNumber },
    /// An officer's "Bukan wewenang" button, which offers where to redirect: `ofw:<ticket>`.
    OfficerRedirect { ticket: TicketNumber },
    /// Redirect the complaint to another handler: `ofx:<ticket>:<handler id>`.
    OfficerRedirectTo { ticket: TicketNumber, handler: String },
    /// The citizen's answer to a resolution: fixed (`rs:1:<ticket>`) or reopen (`rs:0:<ticket>`)
    /// (a citizen's choice, answered by the conversation core).
    Resolution { ticket: TicketNumber, fixed: bool },
    /// The citizen's satisfaction with a resolved complaint: `rt:<1-5>:<ticket>` (the core's).
    Rate { ticket: TicketNumber, score: u8 },
    /// [Lewati] under the rating's thanks: `rt:skip` (the core's).
    NoComment,
    /// Support an open complaint about the same problem instead of filing again: `dk:<ticket>`
    /// (a citizen's choice, answered by the conversation core).
    Support { ticket: TicketNumber },
}

impl From<Choice> for Callback {
    fn from(choice: Choice) -> Self {
        match choice {
            Choice::Service { key, aspect } => Self::Service { key, aspect },
            Choice::More { key, aspect, part } => Self::More { key, aspect, part },
            Choice::Agencies { page } => Self::Agencies { page },
            Choice::Agency { key, page } => Self::Agency { key, page },
            Choice::Complaint(choice) => Self::Complaint(choice),
            Choice::ReportAbout { key } => Self::ReportAbout { key },
            Choice::Subscribe { agency } => Self::Subscribe { agency },
            Choice::Support { ticket } => Self::Support { ticket },
            Choice::SubscribeRegency { key } => Self::SubscribeRegency { key },
            Choice::Subscriptions { page } => Self::Subscriptions { page },
            Choice::Resolution { ticket, fixed } => Self::Resolution { ticket, fixed },
            Choice::Rate { ticket, score } => Self::Rate { ticket, score },
            Choice::NoComment => Self::NoComment,
        }
    }
}

impl Callback {
    /// The citizen's choice this button means, for the conversation core; `None` for the
    /// officer buttons.
    pub(crate) fn choice(&self) -> Option<Choice> {
        Some(match self.clone() {
            Self::Service { key, aspect } => Choice::Service { key, aspect },
            Self::More { key, aspect, part } => Choice::More { key, aspect, part },
            Self::Agencies { page } => Choice::Agencies { page },
            Self::Agency { key, page } => Choice::Agency { key, page },
            Self::Complaint(choice) => Choice::Complaint(choice),
            Self::ReportAbout { key } => Choice::ReportAbout { key },
            Self::Subscribe { agency } => Choice::Subscribe { agency },
            Self::Support { ticket } => Choice::Support { ticket },
            Self::SubscribeRegency { key } => Choice::SubscribeRegency { key },
            Self::Subscriptions { page } => Choice::Subscriptions { page },
            Self::Resolution { ticket, fixed } => Choice::Resolution { ticket, fixed },
            Self::Rate { ticket, score } => Choice::Rate { ticket, score },
            Self::NoComment => Choice::NoComment,
            Self::Officer { .. }
            | Self::OfficerReply { .. }
            | Self::OfficerRedirect { .. }
            | Self::OfficerRedirectTo { .. } => return None,
        })
    }

    pub(crate) fn encode(&self) -> String {
        match self {
            Self::Officer { to, ticket } => format!("of:{}:{ticket}", officer_code(*to)),
            Self::OfficerReply { ticket } => format!("ofm:{ticket}"),
            Self::OfficerRedirect { ticket } => format!("ofw:{ticket}"),
            Self::OfficerRedirectTo { ticket, handler } => format!("ofx:{ticket}:{handler}"),
            citizen => citizen.choice().map(|c| c.encode()).unwrap_or_default(),
        }
    }

    /// Parses button data; `None` for anything this version never produced.
    pub(crate) fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        match parts.as_slice() {
            ["of", code, ticket] => Some(Self::Officer {
                to: officer_status(code)?,
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            ["ofm", ticket] => Some(Self::OfficerReply {
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            ["ofw", ticket] => Some(Self::OfficerRedirect {
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            ["ofx", ticket, handler] if !handler.is_empty() => Some(Self::OfficerRedirectTo {
                ticket: TicketNumber::parse(ticket).ok()?,
                handler: (*handler).to_owned(),
            }),
            _ => Choice::parse(data).map(Self::from),
        }
    }

    fn button(&self, label: impl Into<String>) -> InlineKeyboardButton {
        InlineKeyboardButton::callback(label, self.encode())
    }
}

/// The core's button rows as an inline keyboard (`None` without buttons).
pub(crate) fn markup(rows: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    if rows.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.choice.encode()))
            .collect::<Vec<_>>()
    })))
}

fn officer_code(status: ComplaintStatus) -> &'static str {
    match status {
        ComplaintStatus::Diverifikasi => "v",
        ComplaintStatus::Ditolak => "r",
        ComplaintStatus::Ditindaklanjuti => "f",
        ComplaintStatus::Selesai => "s",
        ComplaintStatus::BukanWewenang => "w",
        _ => "x",
    }
}

fn officer_status(code: &str) -> Option<ComplaintStatus> {
    Some(match code {
        "v" => ComplaintStatus::Diverifikasi,
        "r" => ComplaintStatus::Ditolak,
        "f" => ComplaintStatus::Ditindaklanjuti,
        "s" => ComplaintStatus::Selesai,
        "w" => ComplaintStatus::BukanWewenang,
        _ => return None,
    })
}

/// The status buttons an officer may press for a complaint in `status` (none when final), and
/// "Balas warga" until the complaint is closed.
pub(crate) fn officer_actions(ticket: &TicketNumber, status: ComplaintStatus) -> InlineKeyboardMarkup {
    let button = |to, label| {
        Callback::Officer {
            to,
            ticket: ticket.clone(),
        }
        .button(label)
    };
    let mut row = Vec::new();
    for (to, label) in [
        (ComplaintStatus::Diverifikasi, text::BUTTON_VERIFY),
        (ComplaintStatus::Ditolak, text::BUTTON_REJECT),
        (ComplaintStatus::Ditindaklanjuti, text::BUTTON_FOLLOW_UP),
        (ComplaintStatus::Selesai, text::BUTTON_RESOLVE),
    ] {
        if super::officer::path(status, to).is_some() {
            row.push(button(to, label));
        }
    }
    let mut rows = if row.is_empty() { vec![] } else { vec![row] };
    if super::officer::path(status, ComplaintStatus::BukanWewenang).is_some() {
        rows.push(vec![
            Callback::OfficerRedirect { ticket: ticket.clone() }.button(text::BUTTON_NOT_OUR_AUTHORITY),
        ]);
    }
    if status != ComplaintStatus::Ditutup {
        rows.push(vec![
            Callback::OfficerReply { ticket: ticket.clone() }.button(text::BUTTON_REPLY_CITIZEN),
        ]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// Where an officer may redirect a complaint that is not their authority: each other handler
/// whose id fits the button data, then "another agency" (named in a note to the citizen).
pub(crate) fn officer_redirect(ticket: &TicketNumber, handlers: &[(String, String)]) -> InlineKeyboardMarkup {
    let mut rows: Vec<Vec<InlineKeyboardButton>> = handlers
        .iter()
        .map(|(id, _)| Callback::OfficerRedirectTo {
            ticket: ticket.clone(),
            handler: id.clone(),
        })
        .zip(handlers.iter().map(|(_, name)| name))
        .filter(|(callback, _)| callback.encode().len() <= 64)
        .map(|(callback, name)| vec![callback.button(name.clone())])
        .collect();
    rows.push(vec![
        Callback::Officer {
            to: ComplaintStatus::BukanWewenang,
            ticket: ticket.clone(),
        }
        .button(text::BUTTON_OTHER_AGENCY),
    ]);
    InlineKeyboardMarkup::new(rows)
}

/// Under a resolution notice: the core's [Sudah beres] [Belum, buka lagi] (the notifier renders
/// the core's reply; tests compare with this).
#[cfg(test)]
pub(crate) fn resolution(ticket: &TicketNumber) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        markup(&crate::conversation::choice::resolution(ticket))
            .map(|m| m.inline_keyboard)
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_round_trip_within_64_bytes() {
        let ticket = TicketNumber::generate();
        let long_key = "f".repeat(16);
        let cases = [
            Callback::Service {
                key: long_key.clone(),
                aspect: Aspect::ComplaintChannel,
            },
            Callback::More {
                key: long_key.clone(),
                aspect: Aspect::Requirements,
                part: 3,
            },
            Callback::Agencies { page: 12 },
            Callback::Agency {
                key: long_key.clone(),
                page: 3,
            },
            Callback::Complaint(ComplaintChoice::Category(5)),
            Callback::Complaint(ComplaintChoice::RelatedService),
            Callback::Complaint(ComplaintChoice::Skip),
            Callback::Complaint(ComplaintChoice::Done),
            Callback::Complaint(ComplaintChoice::Anonymous(true)),
            Callback::Complaint(ComplaintChoice::Anonymous(false)),
            Callback::Complaint(ComplaintChoice::Public(true)),
            Callback::Complaint(ComplaintChoice::Public(false)),
            Callback::Complaint(ComplaintChoice::DaysAgo(0)),
            Callback::Complaint(ComplaintChoice::DaysAgo(1)),
            Callback::Complaint(ComplaintChoice::Submit),
            Callback::Complaint(ComplaintChoice::Cancel),
            Callback::ReportAbout { key: long_key.clone() },
            Callback::Subscribe { agency: None },
            Callback::Subscribe { agency: Some(long_key) },
            Callback::Officer {
                to: ComplaintStatus::Selesai,
                ticket: ticket.clone(),
            },
            Callback::OfficerReply { ticket: ticket.clone() },
            Callback::OfficerRedirect { ticket: ticket.clone() },
            Callback::OfficerRedirectTo {
                ticket: ticket.clone(),
                handler: "d".repeat(46),
            },
            Callback::Officer {
                to: ComplaintStatus::BukanWewenang,
                ticket: ticket.clone(),
            },
            Callback::Resolution {
                ticket: ticket.clone(),
                fixed: true,
            },
            Callback::Resolution {
                ticket: ticket.clone(),
                fixed: false,
            },
            Callback::Rate {
                ticket: ticket.clone(),
                score: 5,
            },
            Callback::Support { ticket },
        ];
        for callback in cases {
            let data = callback.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Callback::parse(&data), Some(callback), "{data}");
        }
    }

    #[test]
    fn unknown_data_is_refused() {
        for data in [
            "",
            "svc",
            "svc:k:nonsense",
            "agp:x",
            "of:v:LKT-0000-0000",
            "ofm:LKT-0000-0000",
            "lp:anon:2",
            "lp:pub:",
            "rt:6:LKT-ABCD-EFGH",
            "rt:0:LKT-ABCD-EFGH",
            "rs:2:LKT-ABCD-EFGH",
            "ofx:LKT-ABCD-EFGH:",
            "zzz:1",
        ] {
            assert_eq!(Callback::parse(data), None, "{data}");
        }
    }
}
