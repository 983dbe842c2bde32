//! The conversation core driven directly, on both backends: one scripted conversation
//! ([`script`]: questions, a follow-up, a choice, /lapor with a location and a photo, /status,
//! the handler resolving it and the status notice, [Sudah beres], the rating and its comment)
//! that every channel's tests replay through their own rendering and sending (Telegram against
//! the fake Bot API, WhatsApp through signed webhooks against the fake Graph API, the web chat
//! over its HTTP API), so transcripts differ only in how they are shown.

use std::path::Path;
use std::sync::Arc;

use loket_knowledge::aspect::Aspect;
use loket_knowledge::document::ComponentKind;

use super::*;
use crate::domain::ComplaintStatus;
use crate::routing::Routing;
use crate::storage::testing::{TestDb, both_backends};

pub(crate) const HANDLERS: &str = r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
default = true
agencies = ["Kecamatan Beji Kabupaten Pasuruan"]
webhook_url = "http://127.0.0.1:9/hook"
webhook_secret = "rahasia-webhook-yang-panjang"
"#;

/// What the citizen does in one turn of the script.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Say {
    Text(&'static str),
    /// Presses the button of the last reply whose label starts with this.
    Press(&'static str),
    Location(f64, f64),
    /// Sends a photo with this id.
    Photo(&'static str),
    /// `/status` of the ticket filed earlier in the script.
    StatusOfTicket,
    /// The handler takes the filed complaint to `selesai` ([`resolve_filed`]) and the channel
    /// delivers the status notices (the turn reads what arrived).
    Resolved,
}

/// One turn: what the citizen does and words the reply must contain.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Turn {
    pub(crate) say: Say,
    pub(crate) expect: &'static [&'static str],
}

/// The scripted conversation every channel replays.
pub(crate) fn script() -> Vec<Turn> {
    let turn = |say, expect| Turn { say, expect };
    vec![
        turn(Say::Text("syarat surat keterangan ahli waris"), &["Ahli Waris"]),
        turn(Say::Text("kalau biayanya?"), &["Ahli Waris"]),
        turn(Say::Press("Alur"), &["Ahli Waris"]),
        turn(Say::Text("/lapor"), &["pengaduan"]),
        turn(Say::Press("Layanan: "), &["Ceritakan masalahnya"]),
        turn(
            Say::Text("Petugas meminta biaya tambahan untuk surat ahli waris padahal gratis"),
            &["Di mana kejadiannya"],
        ),
        turn(Say::Location(-7.6, 112.7), &["Kapan kejadiannya"]),
        turn(Say::Press("Kemarin"), &["foto"]),
        turn(Say::Photo("AgACfoto1"), &["1"]),
        turn(Say::Press("Selesai"), &["identitas"]),
        turn(Say::Press("Tidak perlu"), &["umum"]),
        turn(Say::Press("Tidak, rahasiakan"), &["Titik lokasi"]),
        turn(Say::Press("Kirim"), &["LKT-"]),
        turn(Say::StatusOfTicket, &["LKT-", "Diterima"]),
        turn(Say::Resolved, &["Selesai", "Apakah sudah beres"]),
        turn(Say::Press("Sudah beres"), &["Seberapa puas"]),
        turn(Say::Press("4"), &["4/5", "komentar"]),
        turn(
            Say::Text("Cepat ditangani, terima kasih."),
            &["Komentar Anda tersimpan"],
        ),
    ]
}

/// The note the handler resolves the script's complaint with.
pub(crate) const RESOLUTION_NOTE: &str = "Petugas sudah ditegur dan biaya tambahan dikembalikan.";

/// [`Say::Resolved`]: the handler of `chat`'s newest complaint verifies, forwards, follows it up
/// and resolves it (each step queues the citizen's notice in the same transaction).
pub(crate) async fn resolve_filed(store: &crate::storage::Store, chat: i64) -> crate::domain::TicketNumber {
    use crate::domain::{Actor, StatusNote};
    use crate::storage::StatusChange;
    let filed = store.list_for_chat(chat).await.unwrap();
    let complaint = filed.first().expect("the script filed a complaint");
    let handler = complaint.handler_id.clone().expect("the complaint was routed");
    for to in [
        ComplaintStatus::Diverifikasi,
        ComplaintStatus::Diteruskan,
        ComplaintStatus::Ditindaklanjuti,
        ComplaintStatus::Selesai,
    ] {
        let mut change = StatusChange::new(complaint.ticket.clone(), to, Actor::Handler(handler.clone()));
        change.note = (to == ComplaintStatus::Selesai).then(|| StatusNote::parse(RESOLUTION_NOTE).unwrap());
        store.change_status(&change).await.unwrap();
    }
    complaint.ticket.clone()
}

/// What the script leaves behind on any channel: the complaint resolved, rated 4 with the
/// comment, for its handler.
pub(crate) async fn assert_script_outcome(store: &crate::storage::Store, chat: i64) {
    let filed = store.list_for_chat(chat).await.unwrap();
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].status, ComplaintStatus::Selesai);
    let rating = store.rating(&filed[0].ticket).await.unwrap().expect("rated");
    assert_eq!(rating.score, 4);
    assert_eq!(rating.comment.as_deref(), Some("Cepat ditangani, terima kasih."));
    assert_eq!(rating.handler_id, filed[0].handler_id);
}

/// The first ticket number in a text.
pub(crate) fn ticket_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| crate::domain::TicketNumber::parse(w).is_ok())
        .map(str::to_owned)
}

fn core(db: &TestDb) -> Conversation {
    Conversation {
        store: db.store.clone(),
        catalog: crate::telegram::tests::catalog(),
        routing: Arc::new(Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap()),
        config: Arc::new(Config::default()),
    }
}

const CHAT: i64 = 777;

/// The citizen of these tests, with the display name their channel gave.
fn citizen() -> Citizen {
    Citizen::new(Channel::Web, CHAT).named(Some("Siti Aminah"))
}

async fn the_script_runs_on_the_core(db: TestDb) {
    let core = core(&db);
    let mut state = load_state(&db.store, CHAT).await.unwrap();
    let mut last_buttons: Vec<Button> = Vec::new();
    let mut ticket = None;
    for (i, turn) in script().into_iter().enumerate() {
        let event = match turn.say {
            Say::Text(text) => match Command::parse(text) {
                Some(command) => Event::Command(command),
                None => Event::Text(text.to_owned()),
            },
            Say::Press(label) => {
                let button = last_buttons
                    .iter()
                    .find(|b| b.label.starts_with(label))
                    .unwrap_or_else(|| panic!("turn {i}: no button {label:?} in {last_buttons:?}"));
                Event::Choice(button.choice.clone())
            }
            Say::Location(latitude, longitude) => Event::Location { latitude, longitude },
            Say::Photo(id) => Event::Attachment { id: id.to_owned() },
            Say::StatusOfTicket => {
                let filed = db.store.list_for_chat(CHAT).await.unwrap();
                Event::Command(Command::Status(filed[0].ticket.to_string()))
            }
            Say::Resolved => {
                // The channel's notifier renders the newest notice: the resolution, with buttons.
                let ticket = resolve_filed(&db.store, CHAT).await;
                let c = db.store.get_by_ticket(&ticket).await.unwrap().unwrap();
                let payload = db
                    .store
                    .deliveries_for_complaint(c.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .rfind(|d| d.kind == crate::storage::DeliveryKind::Notify)
                    .unwrap()
                    .payload;
                let n = crate::delivery::notice::Notification::parse(&payload).unwrap();
                let notice = resolution::notification_reply(&n);
                for word in turn.expect {
                    assert!(
                        notice.plain().contains(word),
                        "turn {i}: {word:?} not in {}",
                        notice.plain()
                    );
                }
                last_buttons = notice.buttons.iter().flatten().cloned().collect();
                continue;
            }
        };
        let outcome = core.handle(citizen(), &state, event).await.unwrap();
        assert_eq!(outcome.notice, None, "turn {i}");
        if let Some(next) = outcome.state {
            save_state(&db.store, CHAT, &next).await.unwrap();
            // What the next turn sees is what was stored (a restart between turns loses nothing).
            state = load_state(&db.store, CHAT).await.unwrap();
            assert_eq!(state, next);
        }
        let text: Vec<String> = outcome.replies.iter().map(Reply::plain).collect();
        let text = text.join("\n");
        for word in turn.expect {
            assert!(text.contains(word), "turn {i} ({:?}): {word:?} not in {text}", turn.say);
        }
        if matches!(turn.say, Say::Press("Kirim")) {
            ticket = ticket_in(&text);
        }
        if !outcome.replies.is_empty() {
            last_buttons = outcome
                .replies
                .iter()
                .flat_map(|r| r.buttons.iter().flatten().cloned())
                .collect();
        }
    }
    let ticket = crate::domain::TicketNumber::parse(&ticket.unwrap()).unwrap();
    let complaint = db.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(complaint.chat_id, CHAT);
    assert_eq!(complaint.attachments.len(), 1);
    assert!(complaint.place.as_deref().unwrap().contains("-7.600000"));
    // The shared location is kept as coordinates: officers get a map link, Open311 lat/long.
    let at = complaint.location.expect("shared location stored as coordinates");
    assert!((at.lat + 7.6).abs() < 1e-9 && (at.long - 112.7).abs() < 1e-9, "{at:?}");
    assert!(complaint.confidential && !complaint.anonymous);
    // The display name the channel gave reaches the complaint (the handler sees it).
    assert_eq!(complaint.citizen_name.as_deref(), Some("Siti Aminah"));
    assert_eq!(
        state,
        State::Idle {
            context: state.context()
        }
    );
    assert_script_outcome(&db.store, CHAT).await;
}

async fn a_stale_choice_changes_nothing(db: TestDb) {
    let core = core(&db);
    let outcome = core
        .handle(
            citizen(),
            &State::default(),
            Event::Choice(Choice::Complaint(ComplaintChoice::Submit)),
        )
        .await
        .unwrap();
    assert_eq!(outcome.notice.as_deref(), Some(text::STALE_BUTTON));
    assert!(outcome.replies.is_empty() && outcome.state.is_none());
    assert!(db.store.list_for_chat(CHAT).await.unwrap().is_empty());
}

async fn another_citizens_ticket_is_not_found(db: TestDb) {
    let core = core(&db);
    let raw = crate::domain::RawComplaint {
        chat_id: CHAT,
        ..crate::domain::fixtures::raw()
    };
    let new = crate::domain::NewComplaint::parse(&raw, crate::domain::fixtures::today()).unwrap();
    let options = crate::storage::SubmitOptions::default();
    let complaint = db.store.submit_complaint(&new, &options).await.unwrap();
    let other = Citizen::new(Channel::WhatsApp, 778);
    let question = || Event::Text(format!("cek {}", complaint.ticket));
    let mine = core.handle(citizen(), &State::default(), question()).await.unwrap();
    assert!(mine.replies[0].plain().contains(complaint.ticket.as_str()));
    let theirs = core.handle(other, &State::default(), question()).await.unwrap();
    assert_eq!(theirs.replies[0].plain(), text::TICKET_NOT_FOUND);
}

// ---- Helpers for the journey tests below -----------------------------------------------------

/// Every reply's text, joined.
fn said(outcome: &Outcome) -> String {
    outcome.replies.iter().map(Reply::plain).collect::<Vec<_>>().join("\n")
}

/// The labels of every button under the replies.
fn labels(outcome: &Outcome) -> Vec<String> {
    outcome
        .replies
        .iter()
        .flat_map(|r| r.buttons.iter().flatten())
        .map(|b| b.label.clone())
        .collect()
}

/// Pressing the button labelled `label` (as the start of its label).
fn press(outcome: &Outcome, label: &str) -> Event {
    let button = outcome
        .replies
        .iter()
        .flat_map(|r| r.buttons.iter().flatten())
        .find(|b| b.label.starts_with(label))
        .unwrap_or_else(|| panic!("no button {label:?} in {:?}", labels(outcome)));
    Event::Choice(button.choice.clone())
}

/// Handles `event` in `state` and returns the outcome and the state after it.
async fn step(core: &Conversation, state: &State, event: Event) -> (Outcome, State) {
    let outcome = core.handle(citizen(), state, event).await.unwrap();
    let next = outcome.state.clone().unwrap_or_else(|| state.clone());
    (outcome, next)
}

fn draft(category: &str) -> Draft {
    Draft {
        category: Some(category.into()),
        ..Draft::default()
    }
}

const POTHOLE: &str = "Jalan berlubang besar di depan SDN 2 Beji, sudah sebulan tidak diperbaiki.";
const SAME_POTHOLE: &str = "Lubang besar di jalan depan SDN 2 Beji belum diperbaiki juga, bahaya untuk anak sekolah.";

/// Another citizen's open complaint about the pothole, filed through the intake (routed to the
/// default handler like the citizen's own will be), with their name.
async fn someone_elses_pothole(db: &TestDb, core: &Conversation) -> crate::storage::Complaint {
    let raw = crate::domain::RawComplaint {
        chat_id: 555,
        service_id: None,
        category: "Infrastruktur".into(),
        title: "Jalan berlubang besar di depan SDN 2 Beji".into(),
        description: POTHOLE.into(),
        place: Some("Jl. Raya Beji".into()),
        incident_date: None,
        attachments: Vec::new(),
        anonymous: false,
        confidential: true,
    };
    let filing = crate::intake::Filing {
        name: Some("Budi Santoso".into()),
        ..crate::intake::Filing::new(raw, crate::domain::Citizen::Telegram { chat_id: 555 })
    };
    let complaint = core.intake().file(&filing, core.today()).await.unwrap();
    assert_eq!(complaint.handler_id.as_deref(), Some("kecamatan-beji"));
    assert!(db.store.get_by_ticket(&complaint.ticket).await.unwrap().is_some());
    complaint
}

// ---- Duplicates inside /lapor ----------------------------------------------------------------

/// Issue 15: when the description is written and the handler known, an open complaint about
/// the same problem is shown (service or category, status, age, supporters; no identity, no
/// text of a confidential complaint) with [Dukung laporan ini] [Tetap kirim laporan baru].
/// Supporting files nothing and makes the citizen a supporter who gets its status notices.
async fn the_same_open_problem_is_offered_for_support_inside_lapor(db: TestDb) {
    let core = core(&db);
    let existing = someone_elses_pothole(&db, &core).await;
    let topic = State::ComplaintTopic {
        draft: Draft::default(),
    };
    let (_, state) = step(&core, &State::default(), Event::Command(Command::Report)).await;
    assert_eq!(state, topic);
    let infrastructure = text::CATEGORIES.iter().position(|c| *c == "Infrastruktur").unwrap();
    let (_, state) = step(
        &core,
        &state,
        Event::Choice(Choice::Complaint(ComplaintChoice::Category(infrastructure))),
    )
    .await;
    let (offer, at_offer) = step(&core, &state, Event::Text(SAME_POTHOLE.into())).await;
    let shown = said(&offer);
    assert!(shown.contains(existing.ticket.as_str()), "{shown}");
    assert!(
        shown.contains("Infrastruktur") || shown.contains("infrastruktur"),
        "{shown}"
    );
    assert!(shown.contains(ComplaintStatus::Diterima.label()), "{shown}");
    assert!(shown.contains("hari ini"), "{shown}");
    for private in ["Budi", "555", "sebulan", "Jalan berlubang"] {
        assert!(!shown.contains(private), "{private:?} shown: {shown}");
    }
    assert_eq!(labels(&offer), [text::BUTTON_SUPPORT, text::BUTTON_FILE_ANYWAY]);
    let State::ComplaintDuplicate { draft, ticket } = &at_offer else {
        panic!("not the duplicate offer: {at_offer:?}");
    };
    assert_eq!(ticket, existing.ticket.as_str());
    assert_eq!(draft.description.as_deref(), Some(SAME_POTHOLE));

    // [Tetap kirim laporan baru]: on to the place, the description kept.
    let (anyway, state) = step(&core, &at_offer, press(&offer, text::BUTTON_FILE_ANYWAY)).await;
    assert_eq!(said(&anyway), text::ASK_PLACE);
    assert!(matches!(&state, State::ComplaintPlace { draft } if draft.description.as_deref() == Some(SAME_POTHOLE)));

    // [Dukung laporan ini]: supported, nothing filed, back to questions.
    let (supported, state) = step(&core, &at_offer, press(&offer, text::BUTTON_SUPPORT)).await;
    assert!(said(&supported).contains(&text::supported(existing.ticket.as_str(), 1)));
    assert!(said(&supported).contains(text::DRAFT_NOT_FILED));
    assert!(!state.in_dialogue());
    assert_eq!(db.store.supporter_count(existing.id).await.unwrap(), 1);
    assert!(db.store.list_for_chat(CHAT).await.unwrap().is_empty());

    // The supporter is told of the complaint's next status.
    let change = crate::storage::StatusChange::new(
        existing.ticket.clone(),
        ComplaintStatus::Diverifikasi,
        crate::domain::Actor::Handler("kecamatan-beji".into()),
    );
    db.store.change_status(&change).await.unwrap();
    let notified: Vec<Option<i64>> = db
        .store
        .deliveries_for_complaint(existing.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == crate::storage::DeliveryKind::Notify)
        .map(|d| d.chat_id)
        .collect();
    assert!(notified.contains(&Some(CHAT)), "{notified:?}");

    // A different problem at the same handler is not offered.
    let (_, state) = step(
        &core,
        &topic,
        Event::Choice(Choice::Complaint(ComplaintChoice::Category(infrastructure))),
    )
    .await;
    let (other, _) = step(
        &core,
        &state,
        Event::Text("Lampu jalan di gang Melati mati sudah seminggu.".into()),
    )
    .await;
    assert_eq!(said(&other), text::ASK_PLACE);
}

// ---- Wrong input at a step -------------------------------------------------------------------

/// A photo or sticker where text is expected gets what that step needs (a photo is kept as an
/// attachment); a button step shows its buttons again.
async fn wrong_input_gets_what_the_step_needs(db: TestDb) {
    let core = core(&db);
    let description = State::ComplaintDescription {
        draft: draft("Kebersihan & lingkungan"),
    };
    let (sticker, state) = step(&core, &description, Event::Unsupported).await;
    assert_eq!(said(&sticker), text::DESCRIPTION_NEEDS_TEXT);
    assert_eq!(state, description);

    let (photo, state) = step(&core, &description, Event::Attachment { id: "AgACfoto9".into() }).await;
    assert!(said(&photo).starts_with(&text::attachment_kept(1)), "{}", said(&photo));
    assert!(said(&photo).contains(text::DESCRIPTION_NEEDS_TEXT));
    let State::ComplaintDescription { draft: kept } = &state else {
        panic!("{state:?}")
    };
    assert_eq!(kept.attachments, ["AgACfoto9"]);

    let place = State::ComplaintPlace {
        draft: draft("Lainnya"),
    };
    let (sticker, _) = step(&core, &place, Event::Unsupported).await;
    assert_eq!(said(&sticker), text::PLACE_NEEDS_TEXT);
    assert_eq!(sticker.replies[0].input, Input::Place);

    let date = State::ComplaintDate {
        draft: draft("Lainnya"),
    };
    let (sticker, _) = step(&core, &date, Event::Unsupported).await;
    assert_eq!(said(&sticker), text::DATE_NEEDS_TEXT);
    assert_eq!(
        labels(&sticker),
        [text::BUTTON_TODAY, text::BUTTON_YESTERDAY, text::BUTTON_SKIP]
    );

    let topic = State::ComplaintTopic {
        draft: Draft::default(),
    };
    let (sticker, _) = step(&core, &topic, Event::Unsupported).await;
    assert_eq!(said(&sticker), text::TOPIC_NEEDS_TEXT);
    assert_eq!(labels(&sticker).len(), text::CATEGORIES.len());

    let anonymous = State::ComplaintAnonymous {
        draft: draft("Lainnya"),
    };
    let (typed, state) = step(&core, &anonymous, Event::Text("terserah".into())).await;
    assert_eq!(said(&typed), text::CHOOSE_WITH_BUTTONS);
    assert_eq!(labels(&typed), [text::BUTTON_ANONYMOUS_YES, text::BUTTON_ANONYMOUS_NO]);
    assert_eq!(state, anonymous);
}

/// A short interrogative message at the description step that the engine answers confidently
/// is offered an answer first; answered, the draft waits at the description; "Ini isi laporan
/// saya" takes it as the description. A complaint that merely mentions a service is not asked.
async fn a_question_at_the_description_is_offered_an_answer_first(db: TestDb) {
    let core = core(&db);
    let description = State::ComplaintDescription {
        draft: draft("Pelayanan administrasi"),
    };
    let question = "syarat surat keterangan ahli waris apa ya";
    let (offer, asked) = step(&core, &description, Event::Text(question.into())).await;
    assert!(said(&offer).contains("Ahli Waris"), "{}", said(&offer));
    assert_eq!(
        labels(&offer),
        [text::BUTTON_ANSWER_QUESTION, text::BUTTON_IS_DESCRIPTION]
    );
    assert!(matches!(&asked, State::ComplaintQuestion { message, .. } if message == question));

    let (answered, state) = step(&core, &asked, press(&offer, text::BUTTON_ANSWER_QUESTION)).await;
    assert_eq!(answered.replies.len(), 2);
    assert!(
        answered.replies[0].plain().contains("Persyaratan"),
        "{}",
        said(&answered)
    );
    assert_eq!(answered.replies[1].plain(), text::DRAFT_WAITS_FOR_DESCRIPTION);
    assert_eq!(state, description, "the draft waits at its description");

    let (taken, state) = step(&core, &asked, press(&offer, text::BUTTON_IS_DESCRIPTION)).await;
    assert_eq!(said(&taken), text::ASK_PLACE);
    assert!(matches!(&state, State::ComplaintPlace { draft } if draft.description.as_deref() == Some(question)));

    // A statement, or a long message, goes on as the description.
    for complaint in [
        "Petugas meminta biaya tambahan untuk surat ahli waris padahal gratis",
        "Kenapa petugas kecamatan minta uang lima puluh ribu untuk surat keterangan ahli waris padahal di standar gratis?",
    ] {
        let (outcome, _) = step(&core, &description, Event::Text(complaint.into())).await;
        assert_eq!(said(&outcome), text::ASK_PLACE, "{complaint}");
    }
}

/// A command that would start something else mid-complaint asks first; [Lanjutkan laporan]
/// goes back to the same step with the draft, [Tinggalkan] drops it and does the command.
/// Lookups answer in place, and the draft stays.
async fn a_command_mid_complaint_asks_before_leaving_the_draft(db: TestDb) {
    let core = core(&db);
    let place = State::ComplaintPlace {
        draft: Draft {
            description: Some("Sampah di depan kantor kelurahan tidak diangkut dua minggu.".into()),
            ..draft("Kebersihan & lingkungan")
        },
    };
    for command in [
        Command::Services,
        Command::Ask("syarat surat keterangan ahli waris".into()),
        Command::Report,
        Command::Start,
    ] {
        let (ask, paused) = step(&core, &place, Event::Command(command.clone())).await;
        assert_eq!(said(&ask), text::ASK_LEAVE_DRAFT, "{command:?}");
        assert_eq!(labels(&ask), [text::BUTTON_RESUME, text::BUTTON_LEAVE]);
        assert_eq!(
            paused,
            State::ComplaintLeave {
                resume: Box::new(place.clone()),
                detour: Detour::Command(command.typed()),
            }
        );
        // Typing instead of choosing keeps the question open.
        let (typed, still) = step(&core, &paused, Event::Text("hmm".into())).await;
        assert_eq!(said(&typed), text::CHOOSE_WITH_BUTTONS);
        assert_eq!(still, paused);
        // Back to the complaint, where it was.
        let (resumed, state) = step(&core, &paused, press(&ask, text::BUTTON_RESUME)).await;
        assert_eq!(said(&resumed), format!("{}\n{}", text::DRAFT_RESUMED, text::ASK_PLACE));
        assert_eq!(state, place);
    }

    let (ask, paused) = step(&core, &place, Event::Command(Command::Services)).await;
    let (left, state) = step(&core, &paused, press(&ask, text::BUTTON_LEAVE)).await;
    assert_eq!(said(&left), format!("{}\n{}", text::DRAFT_LEFT, text::CHOOSE_AGENCY));
    assert!(!state.in_dialogue());

    let (ask, paused) = step(
        &core,
        &place,
        Event::Command(Command::Ask("syarat surat keterangan ahli waris".into())),
    )
    .await;
    let (left, state) = step(&core, &paused, press(&ask, text::BUTTON_LEAVE)).await;
    assert_eq!(left.replies[0].plain(), text::DRAFT_LEFT);
    assert!(left.replies[1].plain().contains("Ahli Waris"), "{}", said(&left));
    assert!(matches!(state, State::Idle { ref context } if context.last_service.is_some()));

    // Lookups answer in place; the complaint waits.
    for command in [Command::Help, Command::MyComplaints, Command::Status(String::new())] {
        let (outcome, state) = step(&core, &place, Event::Command(command.clone())).await;
        assert!(outcome.state.is_none(), "{command:?}");
        assert_eq!(state, place);
    }
    // A stale [Tinggalkan] outside the question changes nothing.
    let (stale, state) = step(&core, &place, Event::Choice(Choice::Complaint(ComplaintChoice::Leave))).await;
    assert_eq!(stale.notice.as_deref(), Some(text::STALE_BUTTON));
    assert_eq!(state, place);
}

/// The display name travels with the event to the complaint; an anonymous complaint keeps none.
async fn the_display_name_is_filed_unless_anonymous(db: TestDb) {
    let core = core(&db);
    let confirm = |anonymous| State::ComplaintConfirm {
        draft: Draft {
            description: Some("Petugas loket meminta uang tambahan untuk surat pengantar.".into()),
            place: Some("Kantor Kecamatan Beji".into()),
            anonymous,
            ..draft("Pungutan liar")
        },
    };
    let submit = Event::Choice(Choice::Complaint(ComplaintChoice::Submit));
    for anonymous in [false, true] {
        let (outcome, _) = step(&core, &confirm(anonymous), submit.clone()).await;
        let ticket = ticket_in(&said(&outcome)).unwrap();
        let ticket = crate::domain::TicketNumber::parse(&ticket).unwrap();
        let filed = db.store.get_by_ticket(&ticket).await.unwrap().unwrap();
        let expected = (!anonymous).then(|| "Siti Aminah".to_owned());
        assert_eq!(filed.citizen_name, expected, "anonymous: {anonymous}");
    }
}

// ---- Long answers ----------------------------------------------------------------------------

/// A requirements answer over about 1,500 characters comes in parts with [Selengkapnya]; each
/// press shows the next, the last one ends with the citation, and nothing is lost.
async fn a_long_answer_comes_in_parts(db: TestDb) {
    let core = core(&db);
    let catalog = core.catalog.clone();
    let engine = catalog.engine();
    let (service, lines) = engine
        .services()
        .iter()
        .find_map(|s| {
            let answer = engine.answer_for(&s.id, Aspect::Requirements)?;
            let lines = answer_lines(engine, &answer);
            let size: usize = lines.iter().map(|l| l.text.chars().count() + 1).sum();
            (size > 2 * long_answer::PART_CHARS).then_some((s, lines))
        })
        .expect("a service with a long requirements answer");
    let key = catalog.service_key(service.id.as_str()).unwrap().to_owned();
    let ask = Event::Choice(Choice::Service {
        key: key.clone(),
        aspect: Aspect::Requirements,
    });
    let (mut outcome, _) = step(&core, &State::default(), ask).await;
    let mut shown: Vec<Line> = Vec::new();
    let mut presses = 0;
    loop {
        let reply = &outcome.replies[0];
        let size: usize = reply.lines.iter().map(|l| l.text.chars().count() + 1).sum();
        assert!(size <= long_answer::PART_CHARS + 400, "part {presses}: {size}");
        let continuation = presses > 0;
        shown.extend(reply.lines.iter().skip(usize::from(continuation)).cloned());
        if !labels(&outcome).contains(&text::BUTTON_MORE.to_owned()) {
            break;
        }
        assert_eq!(reply.buttons[0][0].label, text::BUTTON_MORE, "Selengkapnya comes first");
        let more = press(&outcome, text::BUTTON_MORE);
        outcome = step(&core, &State::default(), more).await.0;
        presses += 1;
        assert!(outcome.replies[0].lines[0].text.contains("(lanjutan)"));
    }
    assert!(presses >= 2, "{presses}");
    assert_eq!(shown, lines, "the parts together are the whole answer");
    assert_eq!(
        shown.last().unwrap().style,
        Style::Italic,
        "the citation closes the last part"
    );
    // A part past the last is a stale button.
    let past = Event::Choice(Choice::More {
        key,
        aspect: Aspect::Requirements,
        part: presses + 1,
    });
    assert_eq!(
        step(&core, &State::default(), past).await.0.notice.as_deref(),
        Some(text::STALE_BUTTON)
    );
}

/// Requirement lists keep the decree's section headings as headings and the decree's numbers;
/// procedure steps are numbered as the decree numbers them.
#[test]
fn answers_keep_the_decrees_headings_and_numbers() {
    let catalog = crate::telegram::tests::catalog();
    let engine = catalog.engine();
    let mut headed = 0;
    let mut lettered = 0;
    for service in engine.services() {
        for (kind, aspect) in [
            (ComponentKind::Requirements, Aspect::Requirements),
            (ComponentKind::Procedure, Aspect::Procedure),
        ] {
            let Some(component) = service.component(kind) else {
                continue;
            };
            let Some(answer) = engine.answer_for(&service.id, aspect) else {
                continue;
            };
            let lines = answer_lines(engine, &answer);
            let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
            for item in &component.items {
                match &item.marker {
                    Some(marker) => {
                        let shown = format!("{marker} {}", item.text);
                        assert!(
                            texts.iter().any(|t| t.trim_start().starts_with(&shown)),
                            "{}: {shown:?} not in {texts:#?}",
                            service.id
                        );
                        lettered += usize::from(item.level == 0 && marker.starts_with(char::is_alphabetic));
                    }
                    None if long_answer::is_heading(item) && component.items.iter().any(|i| i.marker.is_some()) => {
                        let heading = lines
                            .iter()
                            .find(|l| l.text.starts_with(item.text.trim_end_matches([' ', ':'])))
                            .unwrap_or_else(|| panic!("{}: heading {:?} not in {texts:#?}", service.id, item.text));
                        assert_eq!(heading.style, Style::Bold, "{}: {:?}", service.id, item.text);
                        assert!(!heading.text.starts_with(char::is_numeric));
                        headed += 1;
                    }
                    None => {}
                }
            }
        }
    }
    assert!(headed >= 3, "the corpus has headed requirement lists ({headed})");
    assert!(lettered >= 1, "the corpus has lettered procedure steps ({lettered})");
}

both_backends!(
    the_script_runs_on_the_core,
    a_stale_choice_changes_nothing,
    another_citizens_ticket_is_not_found,
    the_same_open_problem_is_offered_for_support_inside_lapor,
    wrong_input_gets_what_the_step_needs,
    a_question_at_the_description_is_offered_an_answer_first,
    a_command_mid_complaint_asks_before_leaving_the_draft,
    the_display_name_is_filed_unless_anonymous,
    a_long_answer_comes_in_parts,
);

// ---- After `selesai`: reopen, rating and comment, on every channel ---------------------------

/// The citizen's own complaint, filed and resolved by its handler; the resolution notice as the
/// core renders it for every channel.
async fn resolved(store: &crate::storage::Store) -> (crate::domain::TicketNumber, Reply) {
    use crate::domain::{Actor, StatusNote};
    use crate::storage::{DeliveryKind, StatusChange};
    let raw = crate::domain::RawComplaint {
        chat_id: CHAT,
        ..crate::domain::fixtures::raw()
    };
    let new = crate::domain::NewComplaint::parse(&raw, crate::domain::fixtures::today()).unwrap();
    let options = crate::storage::SubmitOptions {
        handler_id: Some("kecamatan-beji".into()),
        auto_verify: true,
    };
    let c = store.submit_complaint(&new, &options).await.unwrap();
    for to in [ComplaintStatus::Diteruskan, ComplaintStatus::Selesai] {
        let mut change = StatusChange::new(c.ticket.clone(), to, Actor::Handler("kecamatan-beji".into()));
        change.note = StatusNote::parse("Lubang sudah ditambal oleh tim jalan.").ok();
        store.change_status(&change).await.unwrap();
    }
    let payload = store
        .deliveries_for_complaint(c.id)
        .await
        .unwrap()
        .into_iter()
        .rfind(|d| d.kind == DeliveryKind::Notify)
        .unwrap()
        .payload;
    let n = crate::delivery::notice::Notification::parse(&payload).unwrap();
    (c.ticket, resolution::notification_reply(&n))
}

/// The core on a store that keeps the SLA deadlines (the `selesai` stage's is the reopen window).
fn core_with_deadlines(db: &TestDb) -> Conversation {
    let sla = crate::calendar::Sla::new(
        crate::calendar::SlaSettings::default(),
        crate::calendar::WorkingCalendar::embedded(),
    );
    Conversation {
        store: db.store.clone().with_deadlines(Arc::new(sla)),
        ..core(db)
    }
}

async fn not_fixed_reopens_the_same_ticket_on_any_channel(db: TestDb) {
    let core = core_with_deadlines(&db);
    let (ticket, notice) = resolved(&core.store).await;
    assert!(notice.plain().contains("tombol"), "{}", notice.plain());
    let labels: Vec<&str> = notice.buttons.iter().flatten().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, [text::BUTTON_FIXED, text::BUTTON_REOPEN]);
    let reopen = notice.buttons[0][1].choice.clone();
    // Someone else cannot reopen it.
    let stranger = Citizen::new(Channel::WhatsApp, 778);
    let outcome = core
        .handle(stranger, &State::default(), Event::Choice(reopen.clone()))
        .await
        .unwrap();
    assert_eq!(outcome.notice.as_deref(), Some(text::NOT_YOUR_COMPLAINT));
    assert_eq!(
        db.store.get_by_ticket(&ticket).await.unwrap().unwrap().status,
        ComplaintStatus::Selesai
    );
    // The citizen can, once: the same ticket goes on with its history.
    let (outcome, _) = step(&core, &State::default(), Event::Choice(reopen.clone())).await;
    assert_eq!(outcome.notice.as_deref(), Some(text::REOPENED));
    let c = db.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(c.status, ComplaintStatus::Ditindaklanjuti);
    let last = db.store.events(&ticket).await.unwrap().pop().unwrap();
    assert_eq!(last.actor, format!("citizen:{CHAT}"));
    let (outcome, _) = step(&core, &State::default(), Event::Choice(reopen)).await;
    assert_eq!(outcome.notice.as_deref(), Some(text::NOT_RESOLVED_ANY_MORE));
}

async fn the_reopen_window_closes_after_the_selesai_deadline(db: TestDb) {
    let core = core_with_deadlines(&db);
    let (ticket, notice) = resolved(&core.store).await;
    // /status offers the same buttons while the window is open...
    let (status, _) = step(
        &core,
        &State::default(),
        Event::Command(Command::Status(ticket.to_string())),
    )
    .await;
    assert_eq!(labels(&status), [text::BUTTON_FIXED, text::BUTTON_REOPEN]);
    // ...and not after it (10 working days: three weeks is past it whatever the holidays).
    db.clock.advance(21 * 24 * 3600);
    let (status, _) = step(
        &core,
        &State::default(),
        Event::Command(Command::Status(ticket.to_string())),
    )
    .await;
    assert!(labels(&status).is_empty(), "{:?}", labels(&status));
    let reopen = notice.buttons[0][1].choice.clone();
    let (outcome, _) = step(&core, &State::default(), Event::Choice(reopen)).await;
    assert_eq!(
        outcome.notice,
        Some(crate::domain::TransitionError::ReopenWindowClosed.to_string())
    );
    assert_eq!(
        db.store.get_by_ticket(&ticket).await.unwrap().unwrap().status,
        ComplaintStatus::Selesai
    );
}

async fn fixed_asks_a_rating_then_the_next_message_is_its_comment(db: TestDb) {
    let core = core_with_deadlines(&db);
    let (ticket, notice) = resolved(&core.store).await;
    let idle = State::default();
    let (asked, state) = step(&core, &idle, Event::Choice(notice.buttons[0][0].choice.clone())).await;
    assert_eq!(said(&asked), text::ask_rating(ticket.as_str()));
    assert_eq!(labels(&asked).len(), 5);
    assert_eq!(state, idle);
    // Not rateable by anyone else.
    let stranger = Citizen::new(Channel::Telegram, 4242);
    let theirs = core.handle(stranger, &idle, press(&asked, "4")).await.unwrap();
    assert_eq!(theirs.notice.as_deref(), Some(text::NOT_YOUR_COMPLAINT));
    assert_eq!(db.store.rating(&ticket).await.unwrap(), None);

    let (thanks, state) = step(&core, &state, press(&asked, "4")).await;
    assert_eq!(said(&thanks), text::rating_thanks(4));
    assert!(matches!(state, State::RatingComment { .. }), "{state:?}");
    assert_eq!(db.store.rating(&ticket).await.unwrap().unwrap().score, 4);
    save_state(&db.store, CHAT, &state).await.unwrap();
    let state = load_state(&db.store, CHAT).await.unwrap();
    let (saved, state) = step(&core, &state, Event::Text("Cepat ditangani, terima kasih.".into())).await;
    assert_eq!(said(&saved), text::RATING_COMMENT_SAVED);
    assert_eq!(state, idle);
    let rating = db.store.rating(&ticket).await.unwrap().unwrap();
    assert_eq!(rating.comment.as_deref(), Some("Cepat ditangani, terima kasih."));
    assert_eq!(rating.handler_id.as_deref(), Some("kecamatan-beji"));

    // Rated again and [Lewati]: no comment asked any more, the old one kept.
    let (_, state) = step(&core, &idle, press(&asked, "5")).await;
    let (skipped, state) = step(&core, &state, press(&thanks, text::BUTTON_NO_COMMENT)).await;
    assert_eq!(said(&skipped), text::RATING_NO_COMMENT);
    assert_eq!(state, idle);
    assert_eq!(db.store.rating(&ticket).await.unwrap().unwrap().score, 5);

    // A question long after a rating is a question, not a comment.
    let (_, state) = step(&core, &idle, press(&asked, "3")).await;
    db.clock.advance(resolution::COMMENT_WINDOW_SECS + 1);
    let (answer, state) = step(&core, &state, Event::Text("syarat surat keterangan ahli waris".into())).await;
    assert!(said(&answer).contains("Ahli Waris"), "{}", said(&answer));
    assert!(matches!(state, State::Idle { .. }), "{state:?}");
    let rating = db.store.rating(&ticket).await.unwrap().unwrap();
    assert_eq!(rating.comment.as_deref(), Some("Cepat ditangani, terima kasih."));
    // So is a command right after a rating; the comment is no longer awaited.
    let (_, state) = step(&core, &idle, press(&asked, "3")).await;
    let (help, state) = step(&core, &state, Event::Command(Command::Help)).await;
    assert_eq!(said(&help), text::HELP);
    assert!(matches!(state, State::Idle { .. }), "{state:?}");
}

both_backends!(
    not_fixed_reopens_the_same_ticket_on_any_channel,
    the_reopen_window_closes_after_the_selesai_deadline,
    fixed_asks_a_rating_then_the_next_message_is_its_comment,
);

#[test]
fn typed_commands_parse_like_telegrams() {
    assert_eq!(Command::parse("/lapor"), Some(Command::Report));
    assert_eq!(
        Command::parse("/status LKT-ABCD-EFGH"),
        Some(Command::Status("LKT-ABCD-EFGH".into()))
    );
    assert_eq!(Command::parse("/status"), Some(Command::Status(String::new())));
    assert_eq!(Command::parse("/batal@loket_bot"), Some(Command::Cancel));
    assert_eq!(
        Command::parse("/wilayah  kecamatan beji "),
        Some(Command::Region("kecamatan beji".into()))
    );
    assert_eq!(Command::parse("/entah"), None);
    assert_eq!(Command::parse("lapor"), None);
}
