//! [`Choice`]: what a citizen's button means, and the button rows of each step.
//!
//! A choice travels as a short `action:argument` id (Telegram `callback_data`, at most 64 bytes;
//! a WhatsApp reply or list-row id; a web button's value): services and agencies are named by
//! their catalog keys. [`Choice::encode`] and [`Choice::parse`] are the one place that spells
//! them; the flows match on the parsed value, never on raw strings. The ids are the ones the
//! Telegram bot always used, so buttons under old messages keep working.

use loket_knowledge::aspect::Aspect;

use super::catalog::{Agency, Catalog, Regency};
use super::{Button, text};
use crate::domain::TicketNumber;

/// Buttons per page of a browsing list.
pub(crate) const PAGE_SIZE: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Answer a service for an aspect: `svc:<key>:<aspect>`.
    Service { key: String, aspect: Aspect },
    /// [Selengkapnya]: part `part` (from 1) of a long answer: `mr:<key>:<aspect>:<part>`.
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
    /// [Dukung laporan ini]: support an open complaint about the same problem instead of
    /// filing it again: `dk:<ticket>` (the id the Telegram button always had).
    Support { ticket: TicketNumber },
    /// Subscribe to every agency of one regency or city: `subw:<key>` (*wilayah*).
    SubscribeRegency { key: String },
    /// A page of the subscription list: `subp:<page>`.
    Subscriptions { page: usize },
    /// The citizen's answer under a resolution notice: [Sudah beres] (`rs:1:<ticket>`) or
    /// [Belum, buka lagi] (`rs:0:<ticket>`), the ids the Telegram buttons always had.
    Resolution { ticket: TicketNumber, fixed: bool },
    /// The citizen's satisfaction with a resolved complaint, 1-5: `rt:<score>:<ticket>`.
    Rate { ticket: TicketNumber, score: u8 },
    /// [Lewati] under the rating's thanks: no comment (`rt:skip`).
    NoComment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintChoice {
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
    /// [Jawab pertanyaan]: answer the question-like message written at the description step.
    AnswerQuestion,
    /// [Ini isi laporan saya]: that message is the description after all.
    IsDescription,
    /// [Tetap kirim laporan baru]: go on with one's own complaint past the similar one shown.
    FileAnyway,
    /// [Lanjutkan laporan]: back to the complaint after a command asked to leave it.
    Resume,
    /// [Tinggalkan]: leave the complaint draft for what the command asked.
    Leave,
}

impl Choice {
    pub fn encode(&self) -> String {
        match self {
            Self::Service { key, aspect } => format!("svc:{key}:{}", aspect.as_str()),
            Self::More { key, aspect, part } => format!("mr:{key}:{}:{part}", aspect.as_str()),
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
                ComplaintChoice::AnswerQuestion => "lp:ask".into(),
                ComplaintChoice::IsDescription => "lp:desc".into(),
                ComplaintChoice::FileAnyway => "lp:new".into(),
                ComplaintChoice::Resume => "lp:resume".into(),
                ComplaintChoice::Leave => "lp:leave".into(),
            },
            Self::ReportAbout { key } => format!("lp:about:{key}"),
            Self::Subscribe { agency: None } => "sub:all".into(),
            Self::Subscribe { agency: Some(key) } => format!("sub:{key}"),
            Self::Support { ticket } => format!("dk:{ticket}"),
            Self::SubscribeRegency { key } => format!("subw:{key}"),
            Self::Subscriptions { page } => format!("subp:{page}"),
            Self::Resolution { ticket, fixed } => format!("rs:{}:{ticket}", u8::from(*fixed)),
            Self::Rate { ticket, score } => format!("rt:{score}:{ticket}"),
            Self::NoComment => "rt:skip".into(),
        }
    }

    /// Parses a choice id; `None` for anything this version never produced.
    pub fn parse(data: &str) -> Option<Self> {
        let parts: Vec<&str> = data.split(':').collect();
        let choice = |c| Some(Self::Complaint(c));
        match parts.as_slice() {
            ["svc", key, aspect] => Some(Self::Service {
                key: (*key).to_owned(),
                aspect: Aspect::parse(aspect)?,
            }),
            ["mr", key, aspect, part] => Some(Self::More {
                key: (*key).to_owned(),
                aspect: Aspect::parse(aspect)?,
                part: part.parse().ok()?,
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
            ["lp", "ask"] => choice(ComplaintChoice::AnswerQuestion),
            ["lp", "desc"] => choice(ComplaintChoice::IsDescription),
            ["lp", "new"] => choice(ComplaintChoice::FileAnyway),
            ["lp", "resume"] => choice(ComplaintChoice::Resume),
            ["lp", "leave"] => choice(ComplaintChoice::Leave),
            ["lp", "about", key] => Some(Self::ReportAbout { key: (*key).to_owned() }),
            ["dk", ticket] => Some(Self::Support {
                ticket: TicketNumber::parse(ticket).ok()?,
            }),
            ["sub", "all"] => Some(Self::Subscribe { agency: None }),
            ["sub", key] => Some(Self::Subscribe {
                agency: Some((*key).to_owned()),
            }),
            ["subw", key] => Some(Self::SubscribeRegency { key: (*key).to_owned() }),
            ["subp", page] => Some(Self::Subscriptions {
                page: page.parse().ok()?,
            }),
            ["rs", fixed @ ("0" | "1"), ticket] => Some(Self::Resolution {
                ticket: TicketNumber::parse(ticket).ok()?,
                fixed: *fixed == "1",
            }),
            ["rt", "skip"] => Some(Self::NoComment),
            ["rt", score, ticket] => Some(Self::Rate {
                ticket: TicketNumber::parse(ticket).ok()?,
                score: score.parse().ok().filter(|s| (1..=5).contains(s))?,
            }),
            _ => None,
        }
    }

    pub(crate) fn button(self, label: impl Into<String>) -> Button {
        Button {
            label: label.into(),
            choice: self,
        }
    }
}

fn complaint(choice: ComplaintChoice) -> Choice {
    Choice::Complaint(choice)
}

fn one_per_row(buttons: Vec<Button>) -> Vec<Vec<Button>> {
    buttons.into_iter().map(|b| vec![b]).collect()
}

/// Previous/next buttons for page `page` of `total` items, built by `to`.
fn pager(page: usize, total: usize, to: impl Fn(usize) -> Choice) -> Vec<Button> {
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
pub(crate) fn candidates(catalog: &Catalog, ids: &[String], aspect: Aspect) -> Vec<Vec<Button>> {
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
            Some(Choice::Service { key, aspect }.button(label))
        })
        .collect();
    one_per_row(buttons)
}

/// The aspect buttons under an answered service (the "service card").
pub(crate) fn service_card(key: &str) -> Vec<Vec<Button>> {
    let button = |aspect, label| {
        Choice::Service {
            key: key.to_owned(),
            aspect,
        }
        .button(label)
    };
    vec![
        vec![
            button(Aspect::Requirements, text::BUTTON_REQUIREMENTS),
            button(Aspect::Procedure, text::BUTTON_PROCEDURE),
        ],
        vec![
            button(Aspect::Duration, text::BUTTON_DURATION),
            button(Aspect::Fee, text::BUTTON_FEE),
        ],
        vec![Choice::ReportAbout { key: key.to_owned() }.button(text::BUTTON_REPORT_ABOUT)],
    ]
}

pub(crate) fn agencies(catalog: &Catalog, page: usize) -> Vec<Vec<Button>> {
    let all = catalog.agencies();
    let mut rows = one_per_row(
        all.iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|a| {
                Choice::Agency {
                    key: a.key.clone(),
                    page: 0,
                }
                .button(a.name.clone())
            })
            .collect(),
    );
    let nav = pager(page, all.len(), |page| Choice::Agencies { page });
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows
}

pub(crate) fn agency_services(catalog: &Catalog, agency: &Agency, page: usize) -> Vec<Vec<Button>> {
    let services = catalog.engine().services();
    let mut rows = one_per_row(
        agency
            .services
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|&p| {
                Choice::Service {
                    key: catalog.key_of_position(p).to_owned(),
                    aspect: Aspect::Overview,
                }
                .button(services[p].title.clone())
            })
            .collect(),
    );
    let key = agency.key.clone();
    let nav = pager(page, agency.services.len(), |page| Choice::Agency {
        key: key.clone(),
        page,
    });
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![Choice::Agencies { page: 0 }.button(text::BUTTON_BACK_TO_AGENCIES)]);
    rows
}

pub(crate) fn complaint_topics(related_service: Option<&str>) -> Vec<Vec<Button>> {
    let mut buttons = Vec::new();
    if let Some(title) = related_service {
        buttons.push(complaint(ComplaintChoice::RelatedService).button(text::button_related_service(title)));
    }
    for (i, category) in text::CATEGORIES.iter().enumerate() {
        buttons.push(complaint(ComplaintChoice::Category(i)).button(*category));
    }
    one_per_row(buttons)
}

/// The date step: [Hari ini] [Kemarin] [Lewati], shown again under a refused date.
pub(crate) fn date() -> Vec<Vec<Button>> {
    vec![
        vec![
            complaint(ComplaintChoice::DaysAgo(0)).button(text::BUTTON_TODAY),
            complaint(ComplaintChoice::DaysAgo(1)).button(text::BUTTON_YESTERDAY),
        ],
        vec![complaint(ComplaintChoice::Skip).button(text::BUTTON_SKIP)],
    ]
}

pub(crate) fn attachments_done() -> Vec<Vec<Button>> {
    vec![vec![complaint(ComplaintChoice::Done).button(text::BUTTON_DONE)]]
}

pub(crate) fn skip_or_done() -> Vec<Vec<Button>> {
    vec![vec![
        complaint(ComplaintChoice::Skip).button(text::BUTTON_SKIP),
        complaint(ComplaintChoice::Done).button(text::BUTTON_DONE),
    ]]
}

pub(crate) fn anonymous() -> Vec<Vec<Button>> {
    vec![vec![
        complaint(ComplaintChoice::Anonymous(true)).button(text::BUTTON_ANONYMOUS_YES),
        complaint(ComplaintChoice::Anonymous(false)).button(text::BUTTON_ANONYMOUS_NO),
    ]]
}

/// Keep confidential (first, the safe choice) or publish without identity.
pub(crate) fn publish() -> Vec<Vec<Button>> {
    vec![
        vec![complaint(ComplaintChoice::Public(false)).button(text::BUTTON_PUBLIC_NO)],
        vec![complaint(ComplaintChoice::Public(true)).button(text::BUTTON_PUBLIC_YES)],
    ]
}

pub(crate) fn confirm() -> Vec<Vec<Button>> {
    vec![vec![
        complaint(ComplaintChoice::Submit).button(text::BUTTON_SUBMIT),
        complaint(ComplaintChoice::Cancel).button(text::BUTTON_CANCEL),
    ]]
}

/// [Selengkapnya] under a part of a long answer: the next part.
pub(crate) fn more(key: &str, aspect: Aspect, next: usize) -> Vec<Button> {
    vec![
        Choice::More {
            key: key.to_owned(),
            aspect,
            part: next,
        }
        .button(text::BUTTON_MORE),
    ]
}

/// A message at the description step that reads like a question: answer it, or take it as
/// the description.
pub(crate) fn question_or_description() -> Vec<Vec<Button>> {
    one_per_row(vec![
        complaint(ComplaintChoice::AnswerQuestion).button(text::BUTTON_ANSWER_QUESTION),
        complaint(ComplaintChoice::IsDescription).button(text::BUTTON_IS_DESCRIPTION),
    ])
}

/// Under an open complaint about the same problem: support it, or file one's own.
pub(crate) fn duplicate(ticket: &TicketNumber) -> Vec<Vec<Button>> {
    one_per_row(vec![
        Choice::Support { ticket: ticket.clone() }.button(text::BUTTON_SUPPORT),
        complaint(ComplaintChoice::FileAnyway).button(text::BUTTON_FILE_ANYWAY),
    ])
}

/// A command mid-complaint: back to the complaint (first, nothing lost), or leave the draft.
pub(crate) fn leave() -> Vec<Vec<Button>> {
    vec![vec![
        complaint(ComplaintChoice::Resume).button(text::BUTTON_RESUME),
        complaint(ComplaintChoice::Leave).button(text::BUTTON_LEAVE),
    ]]
}

/// Under a resolution notice (and `/status` of a resolved complaint): [Sudah beres]
/// [Belum, buka lagi], one row of two reply buttons on every channel.
pub(crate) fn resolution(ticket: &TicketNumber) -> Vec<Vec<Button>> {
    vec![vec![
        Choice::Resolution {
            ticket: ticket.clone(),
            fixed: true,
        }
        .button(text::BUTTON_FIXED),
        Choice::Resolution {
            ticket: ticket.clone(),
            fixed: false,
        }
        .button(text::BUTTON_REOPEN),
    ]]
}

/// Satisfaction 1-5, one row (a WhatsApp list: more than three choices).
pub(crate) fn rating(ticket: &TicketNumber) -> Vec<Vec<Button>> {
    vec![
        (1..=5u8)
            .map(|score| {
                Choice::Rate {
                    ticket: ticket.clone(),
                    score,
                }
                .button(text::rating_label(score))
            })
            .collect(),
    ]
}

/// [Lewati] under the rating's thanks.
pub(crate) fn no_comment() -> Vec<Vec<Button>> {
    vec![vec![Choice::NoComment.button(text::BUTTON_NO_COMMENT)]]
}

/// An announcement as subscribers read it on any channel: its text, and a [Lihat: layanan]
/// button for each new or changed service it names (at most 20; none without the catalog).
pub fn announcement(catalog: Option<&Catalog>, a: &crate::storage::Announcement) -> super::Reply {
    let rows = catalog
        .map(|catalog| {
            a.services
                .iter()
                .filter(|s| s.status != loket_knowledge::diff::ServiceStatus::Removed)
                .filter_map(|s| {
                    let key = catalog.service_key(s.id.as_str())?.to_owned();
                    Some(vec![
                        Choice::Service {
                            key,
                            aspect: Aspect::Overview,
                        }
                        .button(text::button_see_service(&s.title)),
                    ])
                })
                .take(20)
                .collect()
        })
        .unwrap_or_default();
    super::Reply::text(&a.text).with_buttons(rows)
}

/// A subscription target: a regency or city, or one agency.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Topic<'a> {
    Regency(&'a Regency),
    Agency(&'a Agency),
}

impl Topic<'_> {
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Regency(r) => &r.name,
            Self::Agency(a) => &a.name,
        }
    }

    fn button(&self) -> Button {
        match self {
            Self::Regency(r) => Choice::SubscribeRegency { key: r.key.clone() }.button(text::button_regency(&r.name)),
            Self::Agency(a) => Choice::Subscribe {
                agency: Some(a.key.clone()),
            }
            .button(a.name.clone()),
        }
    }
}

/// Everything one can subscribe to besides "all": the regencies and cities, then the agencies.
pub(crate) fn topics(catalog: &Catalog) -> Vec<Topic<'_>> {
    catalog
        .regencies()
        .iter()
        .map(Topic::Regency)
        .chain(catalog.agencies().iter().map(Topic::Agency))
        .collect()
}

/// Page `page` of the subscription list: [Semua instansi] on the first, then the regencies and
/// agencies, [`PAGE_SIZE`] a page.
pub(crate) fn subscriptions(catalog: &Catalog, page: usize) -> Vec<Vec<Button>> {
    let all = topics(catalog);
    let mut buttons = Vec::new();
    if page == 0 {
        buttons.push(Choice::Subscribe { agency: None }.button(text::BUTTON_ALL_AGENCIES));
    }
    buttons.extend(all.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).map(Topic::button));
    let mut rows = one_per_row(buttons);
    let nav = pager(page, all.len(), |page| Choice::Subscriptions { page });
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows
}

/// One button per topic (the matches of a typed `/langganan` place).
pub(crate) fn subscription_matches(topics: &[Topic<'_>]) -> Vec<Vec<Button>> {
    one_per_row(topics.iter().map(Topic::button).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_within_64_bytes() {
        let long_key = "f".repeat(16);
        let mut cases = vec![
            Choice::Service {
                key: long_key.clone(),
                aspect: Aspect::ComplaintChannel,
            },
            Choice::Agencies { page: 12 },
            Choice::Agency {
                key: long_key.clone(),
                page: 3,
            },
            Choice::More {
                key: long_key.clone(),
                aspect: Aspect::ComplaintChannel,
                part: 12,
            },
            Choice::ReportAbout { key: long_key.clone() },
            Choice::Subscribe { agency: None },
            Choice::Subscribe {
                agency: Some(long_key.clone()),
            },
            Choice::SubscribeRegency { key: long_key },
            Choice::Subscriptions { page: 12 },
            Choice::Support {
                ticket: TicketNumber::generate(),
            },
            Choice::Resolution {
                ticket: TicketNumber::generate(),
                fixed: true,
            },
            Choice::Resolution {
                ticket: TicketNumber::generate(),
                fixed: false,
            },
            Choice::Rate {
                ticket: TicketNumber::generate(),
                score: 5,
            },
            Choice::NoComment,
        ];
        for c in [
            ComplaintChoice::Category(5),
            ComplaintChoice::RelatedService,
            ComplaintChoice::Skip,
            ComplaintChoice::Done,
            ComplaintChoice::Anonymous(true),
            ComplaintChoice::Anonymous(false),
            ComplaintChoice::Public(true),
            ComplaintChoice::Public(false),
            ComplaintChoice::DaysAgo(0),
            ComplaintChoice::DaysAgo(1),
            ComplaintChoice::Submit,
            ComplaintChoice::Cancel,
            ComplaintChoice::AnswerQuestion,
            ComplaintChoice::IsDescription,
            ComplaintChoice::FileAnyway,
            ComplaintChoice::Resume,
            ComplaintChoice::Leave,
        ] {
            cases.push(Choice::Complaint(c));
        }
        for choice in cases {
            let data = choice.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Choice::parse(&data), Some(choice), "{data}");
        }
    }

    #[test]
    fn resolution_buttons_fit_whatsapp_reply_buttons() {
        let rows = resolution(&TicketNumber::generate());
        assert_eq!(rows.len(), 1);
        assert!(rows[0].len() <= 3);
        for button in &rows[0] {
            assert!(button.label.chars().count() <= 20, "{}", button.label);
        }
        assert_eq!(rating(&TicketNumber::generate())[0].len(), 5);
    }

    #[test]
    fn unknown_ids_are_refused() {
        for data in [
            "",
            "svc",
            "svc:k:nonsense",
            "agp:x",
            "lp:anon:2",
            "lp:pub:",
            "lp:date:7",
            "mr:k:fee:x",
            "dk:LKT-0000-0000",
            "rs:2:LKT-0000-0000",
            "rt:6:LKT-0000-0000",
            "rt:0:LKT-0000-0000",
            "zzz:1",
        ] {
            assert_eq!(Choice::parse(data), None, "{data}");
        }
    }
}
