//! The conversation core driven directly, on both backends: one scripted conversation
//! ([`script`]: questions, a follow-up, a choice, /lapor with a location and a photo, /status)
//! that every channel's tests replay through their own rendering, so transcripts differ only
//! in how they are shown.

use std::path::Path;
use std::sync::Arc;

use super::*;
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
    ]
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

const CITIZEN: Citizen = Citizen {
    channel: Channel::Web,
    chat_id: 777,
};

async fn the_script_runs_on_the_core(db: TestDb) {
    let core = core(&db);
    let mut state = load_state(&db.store, CITIZEN.chat_id).await.unwrap();
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
                let filed = db.store.list_for_chat(CITIZEN.chat_id).await.unwrap();
                Event::Command(Command::Status(filed[0].ticket.to_string()))
            }
        };
        let outcome = core.handle(CITIZEN, &state, event).await.unwrap();
        assert_eq!(outcome.notice, None, "turn {i}");
        if let Some(next) = outcome.state {
            save_state(&db.store, CITIZEN.chat_id, &next).await.unwrap();
            // What the next turn sees is what was stored (a restart between turns loses nothing).
            state = load_state(&db.store, CITIZEN.chat_id).await.unwrap();
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
    assert_eq!(complaint.chat_id, CITIZEN.chat_id);
    assert_eq!(complaint.attachments.len(), 1);
    assert!(complaint.place.as_deref().unwrap().contains("-7.600000"));
    // The shared location is kept as coordinates: officers get a map link, Open311 lat/long.
    let at = complaint.location.expect("shared location stored as coordinates");
    assert!((at.lat + 7.6).abs() < 1e-9 && (at.long - 112.7).abs() < 1e-9, "{at:?}");
    assert!(complaint.confidential && !complaint.anonymous);
    assert_eq!(
        state,
        State::Idle {
            context: state.context()
        }
    );
}

async fn a_stale_choice_changes_nothing(db: TestDb) {
    let core = core(&db);
    let outcome = core
        .handle(
            CITIZEN,
            &State::default(),
            Event::Choice(Choice::Complaint(ComplaintChoice::Submit)),
        )
        .await
        .unwrap();
    assert_eq!(outcome.notice.as_deref(), Some(text::STALE_BUTTON));
    assert!(outcome.replies.is_empty() && outcome.state.is_none());
    assert!(db.store.list_for_chat(CITIZEN.chat_id).await.unwrap().is_empty());
}

async fn another_citizens_ticket_is_not_found(db: TestDb) {
    let core = core(&db);
    let raw = crate::domain::RawComplaint {
        chat_id: CITIZEN.chat_id,
        ..crate::domain::fixtures::raw()
    };
    let new = crate::domain::NewComplaint::parse(&raw, crate::domain::fixtures::today()).unwrap();
    let options = crate::storage::SubmitOptions::default();
    let complaint = db.store.submit_complaint(&new, &options).await.unwrap();
    let other = Citizen {
        channel: Channel::WhatsApp,
        chat_id: 778,
    };
    let question = || Event::Text(format!("cek {}", complaint.ticket));
    let mine = core.handle(CITIZEN, &State::default(), question()).await.unwrap();
    assert!(mine.replies[0].plain().contains(complaint.ticket.as_str()));
    let theirs = core.handle(other, &State::default(), question()).await.unwrap();
    assert_eq!(theirs.replies[0].plain(), text::TICKET_NOT_FOUND);
}

both_backends!(
    the_script_runs_on_the_core,
    a_stale_choice_changes_nothing,
    another_citizens_ticket_is_not_found,
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
