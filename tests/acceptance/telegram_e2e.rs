//! The Telegram bot end to end: the real `loket serve` binary long-polls a fake Telegram Bot API
//! served by this test (`loket::telegram::fake_api`) and forwards to the fake webhooks of two
//! handlers, the Kecamatan Beji (the default) and the Dinas Pekerjaan Umum.
//!
//! A citizen asks a question and gets the engine's answer, files a complaint with a photo through
//! every step of `/lapor`; the complaint reaches the handler's webhook and its officer chat (post
//! with buttons, then the photo); another citizen reporting the same problem supports it
//! instead of filing it again; a chat member who is not a listed officer is refused; the listed
//! officer verifies, resolves with a note (one notice for the two steps it takes) and replies
//! through "Balas warga". The citizen answers the resolution with [Belum, buka lagi]: the same
//! ticket is handled again (`ditindaklanjuti`, same handler), the handler's webhook gets
//! `complaint.reopened` and its officer chat a new post, from which the officer resolves again;
//! then the citizen answers [Sudah beres] and rates it, and the rating is stored for the handler.
//! The citizen gets every status message (the reopen's too) and the reply exactly once, although
//! the first status message was answered 429 (the retry comes no sooner than `retry_after`).
//! A third citizen's road complaint reaches the kecamatan, whose officer presses [Bukan wewenang]
//! and picks the Dinas PU: the complaint's handler changes, the kecamatan's post loses its
//! buttons, the Dinas PU's webhook gets `complaint.rerouted` and its officer chat a post, and that
//! citizen is told once where it went. Then the first citizen blocks the bot:
//! the next message is answered 403, the chat is marked blocked and nothing more is attempted.
//!
//! Every wait is on the fake's recorded calls (or the webhooks' deliveries, or the outbox),
//! bounded, never a fixed sleep.

use std::path::PathBuf;
use std::time::Duration;

use loket::domain::{ComplaintStatus, TicketNumber};
use loket::storage::{DeliveryKind, DeliveryStatus, Store};
use loket::telegram::fake_api::{self, Call, FakeBotApi, Fault};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{FakeHandler, WEBHOOK_SECRET};

use crate::both_backends;

const CITIZEN: i64 = 700_001;
const OFFICER_CHAT: i64 = -1_001_000_000_077;
const OFFICER: i64 = 4_242;
const STRANGER: i64 = 555;
/// A citizen who reports the same problem later and supports the open complaint instead.
const NEIGHBOUR: i64 = 700_002;
/// A citizen whose complaint (a road) the kecamatan finds is not its business ("Bukan wewenang").
const RESIDENT: i64 = 700_003;
/// The Dinas Pekerjaan Umum, the other handler: its officer chat and officer.
const PU_CHAT: i64 = -1_001_000_000_088;
const PU_OFFICER: i64 = 5_151;
/// "Infrastruktur" among the complaint categories.
const INFRASTRUCTURE: usize = 3;
const PHOTO: &str = "AgACAgUAAxkBAAIBZ2VfYWtlLXBob3Rv";
const QUESTION: &str = "syarat surat keterangan ahli waris apa aja";
const SERVICE: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";
const WAIT: Duration = Duration::from_secs(60);

/// The kecamatan gets every complaint (the default handler); the Dinas PU only what is redirected
/// to it. Each has its own webhook and officer chat.
fn handlers_toml(webhook_url: &str, pu_webhook_url: &str) -> String {
    format!(
        r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
default = true
webhook_url = "{webhook_url}"
webhook_secret = "{WEBHOOK_SECRET}"
officer_chat_ids = [{OFFICER_CHAT}]
officer_user_ids = [{OFFICER}]

[[handler]]
id = "dinas-pu"
name = "Dinas Pekerjaan Umum"
webhook_url = "{pu_webhook_url}"
webhook_secret = "{WEBHOOK_SECRET}"
officer_chat_ids = [{PU_CHAT}]
officer_user_ids = [{PU_OFFICER}]
"#
    )
}

/// Successful messages to `chat`, in order.
fn delivered(calls: &[Call], chat: i64) -> Vec<Call> {
    calls
        .iter()
        .filter(|c| c.chat_id == Some(chat) && c.sends() && c.ok())
        .cloned()
        .collect()
}

/// The (event, ticket) of each webhook delivery, one per Idempotency-Key (a retry is not another
/// delivery), in order of arrival.
fn webhook_events(receiver: &FakeHandler) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    let mut events = Vec::new();
    for (key, body) in receiver.deliveries() {
        if !keys.contains(&key) {
            keys.push(key);
            let field = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            events.push((field(&body["event"]), field(&body["complaint"]["ticket"])));
        }
    }
    events
}

/// One chat as the test reads it: messages are consumed in order.
struct Chat<'a> {
    api: &'a FakeBotApi,
    id: i64,
    seen: usize,
}

impl<'a> Chat<'a> {
    fn new(api: &'a FakeBotApi, id: i64) -> Self {
        Self { api, id, seen: 0 }
    }

    /// In an officer chat: `officer` presses the Selesai button `resolve` of the post
    /// `post_id` and answers the note prompt with `note` as a reply, which is accepted.
    async fn resolve_with_note(&mut self, officer: i64, post_id: i32, resolve: &str, note: &str) {
        self.api.push_callback(self.id, officer, post_id, resolve);
        let prompt = self.expect("Tulis catatan").await;
        self.api.push_reply(self.id, officer, note, prompt.message_id.unwrap());
        self.expect("Catatan diterima").await;
    }

    /// The next message to this chat containing `needle` (earlier ones are skipped).
    async fn expect(&mut self, needle: &str) -> Call {
        let (id, seen) = (self.id, self.seen);
        let calls = self
            .api
            .wait_until(
                |calls| {
                    delivered(calls, id)
                        .iter()
                        .skip(seen)
                        .any(|c| c.text().or(c.param("caption")).unwrap_or_default().contains(needle))
                },
                WAIT,
            )
            .await
            .unwrap_or_else(|e| panic!("chat {id} never got {needle:?}: {e}"));
        let (i, call) = delivered(&calls, id)
            .into_iter()
            .enumerate()
            .skip(seen)
            .find(|(_, c)| c.text().or(c.param("caption")).unwrap_or_default().contains(needle))
            .expect("found above");
        self.seen = i + 1;
        call
    }

    /// Files a complaint through `/lapor` the short way (a category, no date, no attachment,
    /// named, kept confidential) and returns its tracking number.
    async fn file(&mut self, category: usize, description: &str, place: &str) -> TicketNumber {
        let (api, id) = (self.api, self.id);
        api.push_text(id, id, "/lapor");
        let topic = self.expect("Anda akan menyampaikan pengaduan").await;
        api.push_callback(id, id, topic.message_id.unwrap(), &format!("lp:cat:{category}"));
        self.expect("Ceritakan masalahnya").await;
        api.push_text(id, id, description);
        self.expect("Di mana kejadiannya").await;
        api.push_text(id, id, place);
        for (step, choice) in [
            ("Kapan kejadiannya", "lp:skip"),
            ("Kirim foto atau dokumen", "lp:skip"),
            ("dirahasiakan", "lp:anon:0"),
            ("ditampilkan untuk umum", "lp:pub:0"),
            ("Periksa kembali pengaduan Anda", "lp:ok"),
        ] {
            let question = self.expect(step).await;
            api.push_callback(id, id, question.message_id.unwrap(), &button(&question, choice));
        }
        let submitted = self.expect("sudah kami terima dengan nomor").await;
        ticket_in(submitted.text().unwrap())
    }
}

/// The answer text of a callback query answered after `from` calls.
async fn callback_answer(api: &FakeBotApi, from: usize) -> Option<String> {
    let calls = api
        .wait_until(|calls| calls[from..].iter().any(|c| c.is("answerCallbackQuery")), WAIT)
        .await
        .unwrap();
    calls[from..]
        .iter()
        .find(|c| c.is("answerCallbackQuery"))
        .and_then(|c| c.param("text").map(str::to_owned))
}

fn button(call: &Call, prefix: &str) -> String {
    call.callback_data()
        .into_iter()
        .find(|d| d.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} button under {:?}", call.text()))
}

fn ticket_in(text: &str) -> TicketNumber {
    let start = text.find("LKT-").expect("a tracking number");
    TicketNumber::parse(&text[start..start + 13]).expect("a valid tracking number")
}

/// The status messages (and replies) a citizen got about a complaint, as their first lines.
fn news(api: &FakeBotApi, chat: i64, ticket: &TicketNumber) -> Vec<String> {
    delivered(&api.calls(), chat)
        .iter()
        .filter_map(|c| c.text())
        .filter(|t| t.starts_with("Kabar pengaduan") || t.starts_with("Balasan petugas"))
        .filter(|t| t.contains(ticket.as_str()))
        .map(|t| t.lines().next().unwrap_or_default().to_owned())
        .collect()
}

/// The status messages (and replies) the citizen got about their complaint.
fn citizen_news(api: &FakeBotApi, ticket: &TicketNumber) -> Vec<String> {
    news(api, CITIZEN, ticket)
}

fn status_line(ticket: &TicketNumber, status: ComplaintStatus) -> String {
    format!("Kabar pengaduan {ticket}: status sekarang \"{}\".", status.label())
}

/// The headline of the notice of a reopen (`selesai -> ditindaklanjuti` by the citizen).
fn reopened_line(ticket: &TicketNumber) -> String {
    format!("Kabar pengaduan {ticket}: dibuka kembali dan kembali ditindaklanjuti.")
}

async fn a_citizen_and_an_officer_meet_through_the_bot(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let api = FakeBotApi::start().await.expect("fake Bot API");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    let pu_receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(
        dir.join("handlers.toml"),
        handlers_toml(&receiver.url(), &pu_receiver.url()),
    )
    .unwrap();
    let standards = loket_acceptance::standards_dir();
    let env = vec![
        ("DATABASE_URL", url.clone()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        ("LOKET_STANDARDS_DIR", standards.display().to_string()),
        ("TELOXIDE_TOKEN", fake_api::TOKEN.to_owned()),
        ("TELOXIDE_API_URL", api.url().to_string()),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
        ("LOKET_DELIVERY__INITIAL_BACKOFF_SECS", "1".into()),
    ];
    let process = LoketProcess::start_with_args(&binary, &dir, &["serve"], &env, "serve").await;
    api.wait_until(|c| c.iter().any(|c| c.is("getUpdates")), WAIT)
        .await
        .unwrap_or_else(|e| panic!("loket never polled: {e}\n{}", process.log()));
    assert!(
        api.calls().iter().any(|c| c.is("setMyCommands")),
        "the command menu is registered"
    );

    // ---- a question, answered as the engine answers it --------------------------------------
    let mut citizen = Chat::new(&api, CITIZEN);
    // The engine's answer (see `loket ask`): that service's requirements, citing the decree.
    api.push_text(CITIZEN, CITIZEN, QUESTION);
    let answer = citizen.expect("Persyaratan Surat Keterangan Ahli Waris").await;
    assert!(answer.text().unwrap().contains("Sumber"), "{:?}", answer.text());
    let buttons = answer.callback_data();
    assert!(buttons.iter().any(|d| d.starts_with("svc:")), "{buttons:?}");
    assert!(buttons.iter().any(|d| d.starts_with("lp:about:")), "{buttons:?}");

    // ---- /lapor, every step -------------------------------------------------------------------
    api.push_text(CITIZEN, CITIZEN, "/lapor");
    let topic = citizen.expect("Anda akan menyampaikan pengaduan").await;
    api.push_callback(CITIZEN, CITIZEN, topic.message_id.unwrap(), &button(&topic, "lp:svc"));
    citizen.expect("Ceritakan masalahnya").await;
    api.push_text(CITIZEN, CITIZEN, "lama");
    citizen.expect("20").await; // too short: the rule is explained
    api.push_text(
        CITIZEN,
        CITIZEN,
        "Sudah tiga minggu berkas surat ahli waris saya belum diproses dan petugas minta uang tambahan.",
    );
    citizen.expect("Di mana kejadiannya").await;
    api.push_text(CITIZEN, CITIZEN, "Kantor Kecamatan Beji");
    citizen.expect("Kapan kejadiannya").await;
    let yesterday = (chrono::Utc::now() + chrono::Duration::hours(7) - chrono::Duration::days(1))
        .format("%d-%m-%Y")
        .to_string();
    api.push_text(CITIZEN, CITIZEN, &yesterday);
    citizen.expect("Kirim foto atau dokumen").await;
    api.push_photo(CITIZEN, CITIZEN, PHOTO);
    let received = citizen.expect("Lampiran diterima (1 berkas)").await;
    api.push_callback(CITIZEN, CITIZEN, received.message_id.unwrap(), "lp:done");
    let anonymous = citizen.expect("dirahasiakan").await;
    api.push_callback(CITIZEN, CITIZEN, anonymous.message_id.unwrap(), "lp:anon:0");
    // Confidential unless the citizen agrees to publish: keep it confidential.
    let publish = citizen.expect("ditampilkan untuk umum").await;
    api.push_callback(
        CITIZEN,
        CITIZEN,
        publish.message_id.unwrap(),
        &button(&publish, "lp:pub:0"),
    );
    let summary = citizen.expect("Periksa kembali pengaduan Anda").await;
    assert!(summary.text().unwrap().contains("Lampiran: 1 berkas"));
    assert!(summary.text().unwrap().contains(&yesterday));
    api.push_callback(CITIZEN, CITIZEN, summary.message_id.unwrap(), "lp:ok");
    let submitted = citizen.expect("sudah kami terima dengan nomor").await;
    let ticket = ticket_in(submitted.text().unwrap());

    // ---- forwarded: the webhook and the officer chat (post, then the photo) ------------------
    let mut officers = Chat::new(&api, OFFICER_CHAT);
    let post = officers.expect(ticket.as_str()).await;
    let post_id = post.message_id.unwrap();
    assert!(post.text().unwrap().contains(&format!("chat Telegram {CITIZEN}")));
    for prefix in ["of:v:", "of:r:", "ofm:"] {
        button(&post, prefix);
    }
    let photo = officers.expect("Lampiran 1/1").await;
    assert!(photo.is("sendPhoto"));
    assert_eq!(photo.param("photo"), Some(PHOTO));
    assert_eq!(photo.params["reply_parameters"]["message_id"], post_id);
    loket_acceptance::wait::wait_until(WAIT, "the webhook delivery", || async {
        !receiver.deliveries().is_empty()
    })
    .await;
    let (_, body) = receiver.deliveries()[0].clone();
    assert_eq!(body["complaint"]["ticket"], ticket.as_str());
    assert_eq!(body["complaint"]["attachments"][0], PHOTO);
    assert_eq!(body["complaint"]["service_id"], SERVICE);

    // ---- a chat member who is not a listed officer is refused ---------------------------------
    let before = api.call_count();
    api.push_callback(OFFICER_CHAT, STRANGER, post_id, &button(&post, "of:v:"));
    let refusal = callback_answer(&api, before).await;
    assert!(refusal.unwrap_or_default().contains("tidak berwenang"));

    // ---- the officer verifies; the citizen's first status message meets a 429 ----------------
    api.fail_next_to("sendMessage", CITIZEN, 1, Fault::TooManyRequests { retry_after: 1 });
    let before = api.call_count();
    api.push_callback(OFFICER_CHAT, OFFICER, post_id, &button(&post, "of:v:"));
    assert_eq!(
        callback_answer(&api, before).await.as_deref(),
        Some("Status diperbarui.")
    );
    let verified = citizen
        .expect(&status_line(&ticket, ComplaintStatus::Diverifikasi))
        .await;
    let refused: Vec<Call> = api
        .calls()
        .into_iter()
        .filter(|c| c.chat_id == Some(CITIZEN) && c.status == 429)
        .collect();
    assert_eq!(refused.len(), 1);
    assert!(
        verified.at.duration_since(refused[0].at) >= Duration::from_secs(1),
        "the retry waited for retry_after"
    );
    let edited = api
        .wait_until(
            |c| {
                c.iter()
                    .any(|c| c.is("editMessageText") && c.text().is_some_and(|t| t.contains("Status: Diverifikasi")))
            },
            WAIT,
        )
        .await
        .unwrap();
    let edit = edited.iter().rev().find(|c| c.is("editMessageText")).unwrap();
    assert_eq!(edit.params["message_id"], post_id);

    // ---- another citizen's /lapor about the same problem: shown the open one, supports it -----
    let mut neighbour = Chat::new(&api, NEIGHBOUR);
    api.push_text(NEIGHBOUR, NEIGHBOUR, "/lapor");
    let topic = neighbour.expect("Anda akan menyampaikan pengaduan").await;
    api.push_callback(NEIGHBOUR, NEIGHBOUR, topic.message_id.unwrap(), "lp:cat:0");
    neighbour.expect("Ceritakan masalahnya").await;
    api.push_text(
        NEIGHBOUR,
        NEIGHBOUR,
        "Berkas surat ahli waris saya sudah tiga minggu belum diproses, petugas minta uang tambahan.",
    );
    let offer = neighbour.expect("Sepertinya masalah yang sama").await;
    assert!(offer.text().unwrap().contains(ticket.as_str()));
    assert!(!offer.text().unwrap().contains(&CITIZEN.to_string()), "no identity");
    let support = button(&offer, "dk:");
    assert_eq!(support, format!("dk:{ticket}"));
    api.push_callback(NEIGHBOUR, NEIGHBOUR, offer.message_id.unwrap(), &support);
    neighbour.expect("dukungan Anda tercatat").await;

    // ---- resolved with a note (prompt, reply to it) -------------------------------------------
    let current = api.message(OFFICER_CHAT, post_id).unwrap();
    let resolve = current["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
        .find(|d| d.starts_with("of:s:"))
        .expect("a Selesai button after verification");
    officers
        .resolve_with_note(
            OFFICER,
            post_id,
            &resolve,
            "Berkas sudah diproses, silakan ambil di kantor kecamatan.",
        )
        .await;
    let resolved = citizen.expect(&status_line(&ticket, ComplaintStatus::Selesai)).await;
    // The supporter hears of it too.
    neighbour.expect(ticket.as_str()).await;

    // ---- "Balas warga": the officer's reply reaches the citizen through the bot ---------------
    api.push_callback(OFFICER_CHAT, OFFICER, post_id, &format!("ofm:{ticket}"));
    let prompt = officers.expect("Tulis balasan").await;
    api.push_reply(
        OFFICER_CHAT,
        OFFICER,
        "Terima kasih atas laporannya.",
        prompt.message_id.unwrap(),
    );
    officers.expect("Balasan diteruskan").await;
    let reply = citizen.expect("Balasan petugas").await;
    assert!(reply.text().unwrap().contains("Terima kasih atas laporannya."));

    // ---- not fixed yet: [Belum, buka lagi] reopens the same ticket ------------------------------
    let reopen = format!("rs:0:{ticket}");
    let buttons = resolved.params["reply_markup"].to_string();
    assert!(buttons.contains(&reopen), "{buttons}");
    let before = api.call_count();
    api.push_callback(CITIZEN, CITIZEN, resolved.message_id.unwrap(), &reopen);
    assert_eq!(
        callback_answer(&api, before).await.as_deref(),
        Some("Pengaduan dibuka kembali.")
    );
    let reopened = citizen.expect(&reopened_line(&ticket)).await;
    assert!(
        reopened.callback_data().is_empty(),
        "nothing to answer under a reopen notice"
    );
    let db = Store::connect(&url).await.expect("open the database");
    let complaint = db.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(
        (complaint.status, complaint.handler_id.as_deref()),
        (ComplaintStatus::Ditindaklanjuti, Some("kecamatan-beji")),
        "the same ticket, handled again by the same handler"
    );
    db.close().await;
    // The handler gets it again: by webhook, and as a new post in the officer chat.
    loket_acceptance::wait::wait_until(WAIT, "the reopened complaint at the webhook", || async {
        webhook_events(&receiver).len() >= 2
    })
    .await;
    assert_eq!(
        webhook_events(&receiver)[1],
        ("complaint.reopened".to_owned(), ticket.to_string())
    );
    let reopened_post = officers.expect("Pengaduan dibuka kembali oleh pelapor").await;
    assert!(reopened_post.text().unwrap().contains(ticket.as_str()));

    // ---- the officer resolves again, from the new post ------------------------------------------
    officers
        .resolve_with_note(
            OFFICER,
            reopened_post.message_id.unwrap(),
            &button(&reopened_post, "of:s:"),
            "Surat ahli waris sudah diserahkan langsung kepada pelapor tanpa biaya.",
        )
        .await;
    let resolved = citizen.expect(&status_line(&ticket, ComplaintStatus::Selesai)).await;
    // The supporter hears of the reopen and of the new resolution too.
    neighbour
        .expect(&format!("{ticket} yang Anda dukung: dibuka kembali"))
        .await;
    neighbour
        .expect(&format!("{ticket} yang Anda dukung: status sekarang \"Selesai\""))
        .await;

    // ---- the resolution: [Sudah beres], then a rating ------------------------------------------
    let fixed = format!("rs:1:{ticket}");
    let buttons = resolved.params["reply_markup"].to_string();
    assert!(buttons.contains(&fixed), "{buttons}");
    api.push_callback(CITIZEN, CITIZEN, resolved.message_id.unwrap(), &fixed);
    let ask = citizen.expect("Seberapa puas").await;
    api.push_callback(CITIZEN, CITIZEN, ask.message_id.unwrap(), &format!("rt:4:{ticket}"));
    citizen.expect("penilaian Anda (4/5)").await;
    let db = Store::connect(&url).await.expect("open the database");
    let rating = db.rating(&ticket).await.unwrap().expect("rating stored");
    assert_eq!(
        (rating.score, rating.handler_id.as_deref()),
        (4, Some("kecamatan-beji"))
    );
    db.close().await;

    // Each status message and the reply exactly once, in order; one per officer action (Selesai
    // after Diverifikasi walks Diteruskan too, but says so once) and one for the reopen.
    assert_eq!(
        citizen_news(&api, &ticket),
        vec![
            status_line(&ticket, ComplaintStatus::Diverifikasi),
            status_line(&ticket, ComplaintStatus::Selesai),
            format!("Balasan petugas untuk pengaduan {ticket}:"),
            reopened_line(&ticket),
            status_line(&ticket, ComplaintStatus::Selesai),
        ]
    );
    assert_eq!(
        webhook_events(&receiver),
        [
            ("complaint.submitted".to_owned(), ticket.to_string()),
            ("complaint.reopened".to_owned(), ticket.to_string()),
        ],
        "one webhook delivery each"
    );

    // ---- Bukan wewenang: another citizen's road complaint goes to the Dinas PU ------------------
    let mut resident = Chat::new(&api, RESIDENT);
    let road = resident
        .file(
            INFRASTRUCTURE,
            "Jalan di depan SDN 2 Beji berlubang besar dan sudah dua bulan dibiarkan rusak.",
            "Jalan Margonda depan SDN 2 Beji",
        )
        .await;
    let road_post = officers.expect(road.as_str()).await;
    let road_post_id = road_post.message_id.unwrap();
    let before = api.call_count();
    api.push_callback(OFFICER_CHAT, OFFICER, road_post_id, &button(&road_post, "ofw:"));
    let choices = officers.expect("bukan wewenang unit ini").await;
    callback_answer(&api, before).await;
    let to_pu = format!("ofx:{road}:dinas-pu");
    assert_eq!(choices.callback_data()[0], to_pu, "the other handler is offered first");
    let before = api.call_count();
    api.push_callback(OFFICER_CHAT, OFFICER, choices.message_id.unwrap(), &to_pu);
    assert_eq!(
        callback_answer(&api, before).await.as_deref(),
        Some("Pengaduan dialihkan.")
    );
    // The kecamatan's post says where it went and offers nothing more.
    let edited = api
        .wait_until(
            |c| {
                c.iter().any(|c| {
                    c.is("editMessageText")
                        && c.params["message_id"] == road_post_id
                        && c.text()
                            .is_some_and(|t| t.contains("Dialihkan ke Dinas Pekerjaan Umum"))
                })
            },
            WAIT,
        )
        .await
        .unwrap();
    let edit = edited
        .iter()
        .rev()
        .find(|c| c.is("editMessageText") && c.params["message_id"] == road_post_id)
        .unwrap();
    assert!(edit.callback_data().is_empty(), "{:?}", edit.params["reply_markup"]);
    let db = Store::connect(&url).await.expect("open the database");
    let moved = db.get_by_ticket(&road).await.unwrap().unwrap();
    assert_eq!(
        (moved.status, moved.handler_id.as_deref()),
        (ComplaintStatus::Diteruskan, Some("dinas-pu"))
    );
    // The Dinas PU gets it: by its webhook, and in its officer chat with its own buttons.
    loket_acceptance::wait::wait_until(WAIT, "the re-routed complaint at the Dinas PU's webhook", || async {
        !pu_receiver.deliveries().is_empty()
    })
    .await;
    assert_eq!(
        webhook_events(&pu_receiver),
        [("complaint.rerouted".to_owned(), road.to_string())]
    );
    let pu_post = Chat::new(&api, PU_CHAT)
        .expect("Pengaduan dialihkan ke unit Anda")
        .await;
    assert!(pu_post.text().unwrap().contains(road.as_str()));
    button(&pu_post, "ofm:");
    // The citizen is told where it went, once.
    let rerouted = format!("Kabar pengaduan {road}: dialihkan ke instansi yang berwenang.");
    let told = resident.expect(&rerouted).await;
    assert!(
        told.text()
            .unwrap()
            .contains("Pengaduan Anda dialihkan ke Dinas Pekerjaan Umum"),
        "{:?}",
        told.text()
    );
    loket_acceptance::wait::wait_until(WAIT, "every notice of the re-routed complaint is delivered", || async {
        db.deliveries_for_complaint(moved.id)
            .await
            .unwrap()
            .iter()
            .filter(|d| d.kind == DeliveryKind::Notify)
            .all(|d| d.status == DeliveryStatus::Done)
    })
    .await;
    assert_eq!(news(&api, RESIDENT, &road), [rerouted]);
    db.close().await;

    // ---- the citizen blocks the bot: 403 once, then nothing is attempted -----------------------
    api.block_chat(CITIZEN);
    for (n, message) in ["Mohon konfirmasi pengambilan berkas.", "Apakah berkas sudah diambil?"]
        .into_iter()
        .enumerate()
    {
        api.push_callback(OFFICER_CHAT, OFFICER, post_id, &format!("ofm:{ticket}"));
        let prompt = officers.expect("Tulis balasan").await;
        api.push_reply(OFFICER_CHAT, OFFICER, message, prompt.message_id.unwrap());
        officers.expect("Balasan diteruskan").await;
        if n == 0 {
            api.wait_until(
                |c| c.iter().any(|c| c.chat_id == Some(CITIZEN) && c.status == 403),
                WAIT,
            )
            .await
            .unwrap();
        }
    }
    let store = Store::connect(&url).await.expect("open the database");
    let complaint = store.get_by_ticket(&ticket).await.unwrap().unwrap();
    let notifications = || async {
        let mut notify: Vec<_> = store
            .deliveries_for_complaint(complaint.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DeliveryKind::Notify)
            .collect();
        notify.sort_by_key(|d| d.created_at);
        notify
    };
    loket_acceptance::wait::wait_until(WAIT, "both notifications to the blocked chat are given up", || async {
        let notify = notifications().await;
        notify.len() >= 2
            && notify[notify.len() - 2..]
                .iter()
                .all(|d| d.status == DeliveryStatus::Dead)
    })
    .await;
    let notify = notifications().await;
    let (done, dead) = notify.split_at(notify.len() - 2);
    assert!(done.iter().all(|d| d.status == DeliveryStatus::Done), "{done:?}");
    assert!(
        dead[1].last_error.as_deref().unwrap_or_default().contains("blocked"),
        "{dead:?}"
    );
    let to_blocked: Vec<u16> = api
        .calls()
        .into_iter()
        .filter(|c| c.chat_id == Some(CITIZEN) && c.status == 403)
        .map(|c| c.status)
        .collect();
    assert_eq!(
        to_blocked,
        vec![403],
        "the second message to a blocked chat is not attempted"
    );
    // Diverifikasi, Selesai (one notice for its two steps), the reply, the reopen and Selesai
    // again: nothing after the block.
    assert_eq!(citizen_news(&api, &ticket).len(), 5);
    store.close().await;
    drop(process);
}

both_backends!(a_citizen_and_an_officer_meet_through_the_bot);
