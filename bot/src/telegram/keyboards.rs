//! Inline keyboards and the `callback_data` they carry.
//!
//! [`Callback`] is the one place where button data is encoded and parsed, as short
//! `action:argument` strings that always fit Telegram's 64-byte limit (services and agencies are
//! named by their catalog keys, complaints by ticket number). Keyboards are built from it, and
//! handlers match on the parsed value, never on raw strings.

use loket_knowledge::aspect::Aspect;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::catalog::Catalog;
use super::text;
use crate::domain::{ComplaintStatus, TicketNumber};

/// Buttons per page of a browsing list.
pub(crate) const PAGE_SIZE: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Callback {
    /// Answer a service for an aspect: `svc:<key>:<aspect>`.
    Service { key: String, aspect: Aspect },
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
    /// An officer's status button: `of:<status>:<ticket>`.
    Officer { to: ComplaintStatus, ticket: TicketNumber },
    /// An officer's "Balas warga" button: `ofm:<ticket>`.
    OfficerReply { ticket: TicketNumber },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ComplaintChoice {
    Category(usize),
    RelatedService,
    Skip,
    Done,
    Anonymous(bool),
    /// Publish the complaint (without identity) or keep it confidential.
    Public(bool),
    /// The incident happened this many days ago ([Hari ini] 0, [Kemarin] 1).
    DaysAgo(u8),
    Submit,
    Cancel,
}

impl Callback {
    pub(crate) fn encode(&self) -> String {
        match self {
            Self::Service { key, aspect } => format!("svc:{key}:{}", aspect.as_str()),
            Self::Agencies { page } => format!("agp:{page}"),
            Self::Agency { key, page } => format!("ag:{key}:{page}"),
            Self::Complaint(choice) => match choice {
                ComplaintChoice::Category(i) => format!("lp:cat:{i}"),
                ComplaintChoice::RelatedService => "lp:svc".into(),
                ComplaintChoice::Skip => "lp:skip".into(),
                ComplaintChoice::Done => "lp:done".into(),
                ComplaintChoice::Anonymous(yes) => format!("lp:anon:{}", u8::from(*yes)),
                ComplaintChoice::Public(yes) => format!("lp:pub:{}", u8::from(*yes)),
                ComplaintChoice::DaysAgo(days) => format!("lp:date:{days}"),
                ComplaintChoice::Submit => "lp:ok".into(),
                ComplaintChoice::Cancel => "lp:no".into(),
            },
            Self::ReportAbout { key } => format!("lp:about:{key}"),
            Self::Subscribe { agency: None } => "sub:all".into(),
            Self::Subscribe { agency: Some(key) } => format!("sub:{key}"),
            Self::Officer { to, ticket } => format!("of:{}:{ticket}", officer_code(*to)),
            Self::OfficerReply { ticket } => format!("ofm:{ticket}"),
        }
    }

    /// Parses button data; `None` for anything this version never produced.
    pub(crate) fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        let choice = |c| Some(Self::Complaint(c));
        match parts.as_slice() {
            ["svc", key, aspect] => Some(Self::Service {
                key: (*key).to_owned(),
                aspect: Aspect::parse(aspect)?,
            }),
            ["agp", page] => Some(Self::Agencies {
                page: page.parse().ok()?,
            }),
            ["ag", key, page] => Some(Self::Agency {
                key: (*key).to_owned(),
                page: page.parse().ok()?,
            }),
            ["lp", "cat", i] => choice(ComplaintChoice::Category(i.parse().ok()?)),
            ["lp", "svc"] => choice(ComplaintChoice::RelatedService),
            ["lp", "skip"] => choice(ComplaintChoice::Skip),
            ["lp", "done"] => choice(ComplaintChoice::Done),
            ["lp", "anon", "1"] => choice(ComplaintChoice::Anonymous(true)),
            ["lp", "anon", "0"] => choice(ComplaintChoice::Anonymous(false)),
            ["lp", "pub", "1"] => choice(ComplaintChoice::Public(true)),
            ["lp", "pub", "0"] => choice(ComplaintChoice::Public(false)),
            ["lp", "date", days] => choice(ComplaintChoice::DaysAgo(days.parse().ok().filter(|d| *d <= 1)?)),
            ["lp", "ok"] => choice(ComplaintChoice::Submit),
            ["lp", "no"] => choice(ComplaintChoice::Cancel),
            ["lp", "about", key] => Some(Self::ReportAbout { key: (*key).to_owned() }),
            ["sub", "all"] => Some(Self::Subscribe { agency: None }),
            ["sub", key] => Some(Self::Subscribe {
                agency: Some((*key).to_owned()),
            }),
            ["of", code, ticket] => Some(Self::Officer {
                to: officer_status(code)?,
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            ["ofm", ticket] => Some(Self::OfficerReply {
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            _ => None,
        }
    }

    fn button(&self, label: impl Into<String>) -> InlineKeyboardButton {
        InlineKeyboardButton::callback(label, self.encode())
    }
}

fn officer_code(status: ComplaintStatus) -> &'static str {
    match status {
        ComplaintStatus::Diverifikasi => "v",
        ComplaintStatus::Ditolak => "r",
        ComplaintStatus::Ditindaklanjuti => "f",
        ComplaintStatus::Selesai => "s",
        _ => "x",
    }
}

fn officer_status(code: &str) -> Option<ComplaintStatus> {
    Some(match code {
        "v" => ComplaintStatus::Diverifikasi,
        "r" => ComplaintStatus::Ditolak,
        "f" => ComplaintStatus::Ditindaklanjuti,
        "s" => ComplaintStatus::Selesai,
        _ => return None,
    })
}

fn one_per_row(buttons: Vec<InlineKeyboardButton>) -> Vec<Vec<InlineKeyboardButton>> {
    buttons.into_iter().map(|b| vec![b]).collect()
}

/// Previous/next buttons for page `page` of `total` items, built by `to`.
fn pager(page: usize, total: usize, to: impl Fn(usize) -> Callback) -> Vec<InlineKeyboardButton> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(to(page - 1).button(text::BUTTON_PREVIOUS));
    }
    if (page + 1) * PAGE_SIZE < total {
        row.push(to(page + 1).button(text::BUTTON_NEXT));
    }
    row
}

/// Candidates of an ambiguous answer, one button each, answering the asked aspect.
pub(crate) fn candidates(catalog: &Catalog, ids: &[String], aspect: Aspect) -> InlineKeyboardMarkup {
    // Services of the same name at several agencies are told apart by their unit ("Konsultasi —
    // Kecamatan Beji Kabupaten Pasuruan"), never two buttons reading alike.
    let titles: Vec<&str> = ids
        .iter()
        .filter_map(|id| catalog.service(id).map(|s| s.title.as_str()))
        .collect();
    let buttons = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let key = catalog.service_key(id)?.to_owned();
            let service = catalog.service(id)?;
            let label = if titles.iter().filter(|t| **t == service.title).count() > 1 {
                format!("{}. {} — {}", i + 1, service.title, service.unit)
            } else {
                format!("{}. {}", i + 1, service.title)
            };
            Some(Callback::Service { key, aspect }.button(label))
        })
        .collect();
    InlineKeyboardMarkup::new(one_per_row(buttons))
}

/// The aspect buttons under an answered service (the "service card").
pub(crate) fn service_card(key: &str) -> InlineKeyboardMarkup {
    let button = |aspect, label| {
        Callback::Service {
            key: key.to_owned(),
            aspect,
        }
        .button(label)
    };
    InlineKeyboardMarkup::new(vec![
        vec![
            button(Aspect::Requirements, text::BUTTON_REQUIREMENTS),
            button(Aspect::Procedure, text::BUTTON_PROCEDURE),
        ],
        vec![
            button(Aspect::Duration, text::BUTTON_DURATION),
            button(Aspect::Fee, text::BUTTON_FEE),
        ],
        vec![Callback::ReportAbout { key: key.to_owned() }.button(text::BUTTON_REPORT_ABOUT)],
    ])
}

pub(crate) fn agencies(catalog: &Catalog, page: usize) -> InlineKeyboardMarkup {
    let all = catalog.agencies();
    let mut rows = one_per_row(
        all.iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|a| {
                Callback::Agency {
                    key: a.key.clone(),
                    page: 0,
                }
                .button(a.name.clone())
            })
            .collect(),
    );
    let nav = pager(page, all.len(), |page| Callback::Agencies { page });
    if !nav.is_empty() {
        rows.push(nav);
    }
    InlineKeyboardMarkup::new(rows)
}

pub(crate) fn agency_services(catalog: &Catalog, agency: &super::catalog::Agency, page: usize) -> InlineKeyboardMarkup {
    let services = catalog.engine().services();
    let mut rows = one_per_row(
        agency
            .services
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|&p| {
                Callback::Service {
                    key: catalog.key_of_position(p).to_owned(),
                    aspect: Aspect::Overview,
                }
                .button(services[p].title.clone())
            })
            .collect(),
    );
    let key = agency.key.clone();
    let nav = pager(page, agency.services.len(), |page| Callback::Agency {
        key: key.clone(),
        page,
    });
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![
        Callback::Agencies { page: 0 }.button(text::BUTTON_BACK_TO_AGENCIES),
    ]);
    InlineKeyboardMarkup::new(rows)
}

pub(crate) fn complaint_topics(related_service: Option<&str>) -> InlineKeyboardMarkup {
    let mut buttons = Vec::new();
    if let Some(title) = related_service {
        buttons.push(Callback::Complaint(ComplaintChoice::RelatedService).button(text::button_related_service(title)));
    }
    for (i, category) in text::CATEGORIES.iter().enumerate() {
        buttons.push(Callback::Complaint(ComplaintChoice::Category(i)).button(*category));
    }
    InlineKeyboardMarkup::new(one_per_row(buttons))
}

/// The date step: [Hari ini] [Kemarin] [Lewati], shown again under a refused date.
pub(crate) fn date() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![
            Callback::Complaint(ComplaintChoice::DaysAgo(0)).button(text::BUTTON_TODAY),
            Callback::Complaint(ComplaintChoice::DaysAgo(1)).button(text::BUTTON_YESTERDAY),
        ],
        vec![Callback::Complaint(ComplaintChoice::Skip).button(text::BUTTON_SKIP)],
    ])
}

pub(crate) fn attachments_done() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        Callback::Complaint(ComplaintChoice::Done).button(text::BUTTON_DONE),
    ]])
}

pub(crate) fn skip_or_done() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        Callback::Complaint(ComplaintChoice::Skip).button(text::BUTTON_SKIP),
        Callback::Complaint(ComplaintChoice::Done).button(text::BUTTON_DONE),
    ]])
}

pub(crate) fn anonymous() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        Callback::Complaint(ComplaintChoice::Anonymous(true)).button(text::BUTTON_ANONYMOUS_YES),
        Callback::Complaint(ComplaintChoice::Anonymous(false)).button(text::BUTTON_ANONYMOUS_NO),
    ]])
}

/// Keep confidential (first, the safe choice) or publish without identity.
pub(crate) fn publish() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![Callback::Complaint(ComplaintChoice::Public(false)).button(text::BUTTON_PUBLIC_NO)],
        vec![Callback::Complaint(ComplaintChoice::Public(true)).button(text::BUTTON_PUBLIC_YES)],
    ])
}

pub(crate) fn confirm() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        Callback::Complaint(ComplaintChoice::Submit).button(text::BUTTON_SUBMIT),
        Callback::Complaint(ComplaintChoice::Cancel).button(text::BUTTON_CANCEL),
    ]])
}

pub(crate) fn subscriptions(catalog: &Catalog) -> InlineKeyboardMarkup {
    let mut buttons = vec![Callback::Subscribe { agency: None }.button(text::BUTTON_ALL_AGENCIES)];
    buttons.extend(catalog.agencies().iter().map(|a| {
        Callback::Subscribe {
            agency: Some(a.key.clone()),
        }
        .button(a.name.clone())
    }));
    InlineKeyboardMarkup::new(one_per_row(buttons))
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
    if status != ComplaintStatus::Ditutup {
        rows.push(vec![
            Callback::OfficerReply { ticket: ticket.clone() }.button(text::BUTTON_REPLY_CITIZEN),
        ]);
    }
    InlineKeyboardMarkup::new(rows)
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
            Callback::OfficerReply { ticket },
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
            "zzz:1",
        ] {
            assert_eq!(Callback::parse(data), None, "{data}");
        }
    }
}
