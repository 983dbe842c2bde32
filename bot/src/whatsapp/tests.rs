//! WhatsApp end to end inside the library: signed webhook calls into the router, the inbox
//! worker through the conversation core, replies to a fake Graph API on loopback. The scripted
//! conversation is the core's own ([`crate::conversation::tests::script`]), so the transcript
//! differs from Telegram's only in rendering.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::http::{WebhookState, router};
use super::sender::GraphSender;
use super::store::WhatsAppStore;
use super::webhook::sign;
use super::worker::InboxWorker;
use crate::conversation::tests::{HANDLERS, Say, assert_script_outcome, resolve_filed, script};
use crate::conversation::{CatalogHandle, Config};
use crate::routing::Routing;
use crate::storage::testing::{TestDb, both_backends};
use loket_fakes::graph::{FakeGraph, choices, readable};

const SECRET: &str = "app-secret-uji";
const CITIZEN: &str = "6281234567890";

fn app(db: &TestDb) -> axum::Router {
    router(WebhookState {
        store: db.store.clone(),
        app_secret: SecretString::from(SECRET),
        verify_token: SecretString::from("token-verifikasi"),
        wake: Arc::default(),
    })
}

fn worker(db: &TestDb, fake: &FakeGraph) -> InboxWorker {
    let sender = GraphSender::new(&fake.api_url(), "555", SecretString::from("token-akses"), 1000)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    InboxWorker::new(
        db.store.clone(),
        CatalogHandle::from(crate::telegram::tests::catalog()),
        Arc::new(Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap()),
        Arc::new(Config::default()),
        Arc::new(sender),
    )
}

fn notification(id: &str, message: Value) -> Vec<u8> {
    notification_from(CITIZEN, id, message)
}

fn notification_from(citizen: &str, id: &str, message: Value) -> Vec<u8> {
    let mut message = message;
    message["from"] = json!(citizen);
    message["id"] = json!(id);
    message["timestamp"] = json!("1755655200");
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "phone_number_id": "555" },
            "contacts": [{ "profile": { "name": "Warga" }, "wa_id": citizen }],
            "messages": [message],
        }}]}],
    }))
    .unwrap()
}

async fn post(app: &axum::Router, body: Vec<u8>, signature: Option<String>) -> StatusCode {
    let mut request = Request::post("/whatsapp/webhook").header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("x-hub-signature-256", signature);
    }
    app.clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap()
        .status()
}

async fn signed(app: &axum::Router, body: Vec<u8>) -> StatusCode {
    let signature = sign(SECRET.as_bytes(), &body);
    post(app, body, Some(signature)).await
}

async fn the_script_runs_on_whatsapp(db: TestDb) {
    let fake = FakeGraph::start().await;
    let app = app(&db);
    let worker = worker(&db, &fake);
    let notify = notify_worker(&db, &fake);
    let mut last: Vec<Value> = Vec::new();
    for (i, turn) in script().into_iter().enumerate() {
        let message = match turn.say {
            Say::Text(text) => json!({ "type": "text", "text": { "body": text } }),
            Say::Press(label) => {
                let (_, id) = last
                    .iter()
                    .flat_map(choices)
                    .find(|(title, _)| title.starts_with(label))
                    .unwrap_or_else(|| panic!("turn {i}: no choice {label:?} in {last:?}"));
                json!({ "type": "interactive", "interactive": { "type": "button_reply",
                        "button_reply": { "id": id, "title": label } } })
            }
            Say::Location(latitude, longitude) => {
                json!({ "type": "location", "location": { "latitude": latitude, "longitude": longitude } })
            }
            Say::Photo(id) => json!({ "type": "image", "image": { "id": id, "mime_type": "image/jpeg" } }),
            Say::StatusOfTicket => {
                let chat = WhatsAppStore(db.store.clone())
                    .contact(CITIZEN)
                    .await
                    .unwrap()
                    .unwrap()
                    .chat_id;
                let filed = db.store.list_for_chat(chat).await.unwrap();
                json!({ "type": "text", "text": { "body": format!("/status {}", filed[0].ticket) } })
            }
            Say::Resolved => {
                let chat = WhatsAppStore(db.store.clone())
                    .contact(CITIZEN)
                    .await
                    .unwrap()
                    .unwrap()
                    .chat_id;
                // The notices of the filing and of each step, sent by the notification worker.
                let before = fake.sent().len();
                resolve_filed(&db.store, chat).await;
                notify_until_idle(&notify).await;
                last = fake.sent()[before..].to_vec();
                let text: Vec<String> = last.iter().map(readable).collect();
                let text = text.join("\n");
                for word in turn.expect {
                    assert!(text.contains(word), "turn {i} ({:?}): {word:?} not in {text}", turn.say);
                }
                continue;
            }
        };
        let before = fake.sent().len();
        assert_eq!(
            signed(&app, notification(&format!("wamid.in{i}"), message)).await,
            StatusCode::OK
        );
        assert!(worker.try_execute().await.unwrap(), "turn {i}: nothing in the inbox");
        let sent = fake.sent();
        last = sent[before..].to_vec();
        let text: Vec<String> = last.iter().map(readable).collect();
        let text = text.join("\n");
        for word in turn.expect {
            assert!(text.contains(word), "turn {i} ({:?}): {word:?} not in {text}", turn.say);
        }
        for message in &last {
            assert_eq!(message["to"], CITIZEN);
        }
    }
    assert!(fake.tokens().iter().all(|t| t == "Bearer token-akses"));
    let chat = WhatsAppStore(db.store.clone())
        .contact(CITIZEN)
        .await
        .unwrap()
        .unwrap()
        .chat_id;
    assert_script_outcome(&db.store, chat).await;
    let filed = db.store.list_for_chat(chat).await.unwrap();
    let complaint = db.store.get_by_ticket(&filed[0].ticket).await.unwrap().unwrap();
    assert_eq!(complaint.attachments, ["wa_AgACfoto1"]);
    // The sender's WhatsApp profile name reached the complaint (the officer post shows it).
    assert_eq!(complaint.citizen_name.as_deref(), Some("Warga"));
    assert!(!worker.try_execute().await.unwrap());
}

async fn bad_signatures_replays_and_huge_bodies_have_no_effect(db: TestDb) {
    let app = app(&db);
    let wa = WhatsAppStore(db.store.clone());
    let body = notification("wamid.x", json!({ "type": "text", "text": { "body": "halo" } }));
    // A bad or missing signature: 401, nothing stored.
    let forged = sign(b"not-the-secret", &body);
    assert_eq!(post(&app, body.clone(), Some(forged)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(post(&app, body.clone(), None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(wa.pending().await.unwrap(), 0);
    assert!(wa.contact(CITIZEN).await.unwrap().is_none());
    // The same message delivered twice (Meta retries): stored once.
    assert_eq!(signed(&app, body.clone()).await, StatusCode::OK);
    assert_eq!(signed(&app, body).await, StatusCode::OK);
    assert_eq!(wa.pending().await.unwrap(), 1);
    // A 5 MB body, even correctly signed: refused before it is read.
    let huge = notification(
        "wamid.huge",
        json!({ "type": "text", "text": { "body": "a".repeat(5 * 1024 * 1024) } }),
    );
    assert_eq!(signed(&app, huge).await, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(wa.pending().await.unwrap(), 1);
}

async fn verification_echoes_only_for_the_right_token(db: TestDb) {
    let app = app(&db);
    let get = |uri: &str| {
        let app = app.clone();
        let request = Request::get(uri).body(Body::empty()).unwrap();
        async move { app.oneshot(request).await.unwrap() }
    };
    let ok = get("/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=token-verifikasi&hub.challenge=4242").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let body = axum::body::to_bytes(ok.into_body(), 100).await.unwrap();
    assert_eq!(&body[..], b"4242");
    let wrong = get("/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=4242").await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
}

async fn throughput_limits_are_waited_out_and_blocked_citizens_marked(db: TestDb) {
    let fake = FakeGraph::start().await;
    let app = app(&db);
    let worker = worker(&db, &fake);
    let wa = WhatsAppStore(db.store.clone());
    fake.fail_next(&[super::sender::THROUGHPUT, super::sender::PAIR_RATE_LIMIT]);
    let body = notification("wamid.a", json!({ "type": "text", "text": { "body": "/bantuan" } }));
    assert_eq!(signed(&app, body).await, StatusCode::OK);
    assert!(worker.try_execute().await.unwrap());
    assert_eq!(fake.sent().len(), 1, "sent once after two rate-limit answers");
    // The citizen blocked the number: marked, and the message is done all the same.
    fake.fail_next(&[super::sender::UNDELIVERABLE]);
    let body = notification("wamid.b", json!({ "type": "text", "text": { "body": "/bantuan" } }));
    assert_eq!(signed(&app, body).await, StatusCode::OK);
    assert!(worker.try_execute().await.unwrap());
    assert!(wa.contact(CITIZEN).await.unwrap().unwrap().blocked);
    assert_eq!(wa.pending().await.unwrap(), 0);
}

/// Several inbox workers at once, started only by the webhook's wake (their idle poll is an
/// hour): every message of every citizen answered exactly once.
async fn inbox_workers_woken_by_the_webhook_answer_every_message_once(db: TestDb) {
    let fake = FakeGraph::start().await;
    let wake = Arc::new(tokio::sync::Notify::new());
    let app = router(WebhookState {
        store: db.store.clone(),
        app_secret: SecretString::from(SECRET),
        verify_token: SecretString::from("token-verifikasi"),
        wake: wake.clone(),
    });
    let wa = WhatsAppStore(db.store.clone());
    let help = || json!({ "type": "text", "text": { "body": "/bantuan" } });
    // What a citizen's three "/bantuan" get, answered one after the other by one worker.
    let one = worker(&db, &fake);
    for round in 0..3 {
        let body = notification(&format!("wamid.first.{round}"), help());
        assert_eq!(signed(&app, body).await, StatusCode::OK);
        assert!(one.try_execute().await.unwrap());
    }
    let per_citizen = fake.sent().len();
    assert!(per_citizen >= 3);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let workers = tokio::spawn(worker(&db, &fake).with_wake(wake).with_workers(4).run_until_stopped(
        Duration::from_secs(3600),
        async {
            let _ = stopped.await;
        },
    ));
    let citizens = ["6281100000001", "6281100000002", "6281100000003"];
    for round in 0..3 {
        for citizen in citizens {
            let body = notification_from(citizen, &format!("wamid.{citizen}.{round}"), help());
            assert_eq!(signed(&app, body).await, StatusCode::OK);
        }
    }
    let mut polls = 0;
    while wa.pending().await.unwrap() > 0 {
        polls += 1;
        assert!(polls < 6000, "the inbox workers never emptied the inbox");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(());
    workers.await.expect("the inbox workers stop");
    let sent = fake.sent();
    for citizen in citizens {
        let theirs = sent.iter().filter(|m| m["to"] == citizen).count();
        assert_eq!(theirs, per_citizen, "{citizen}: each of 3 messages answered once");
    }
    assert_eq!(sent.len(), (1 + citizens.len()) * per_citizen);
}

/// Telegram must never see a WhatsApp citizen's notice.
struct NoTelegram;

impl crate::delivery::Forwarder for NoTelegram {
    fn send<'a>(&'a self, _task: &'a crate::storage::Delivery) -> crate::delivery::SendFuture<'a> {
        Box::pin(async {
            Err(crate::delivery::SendError::permanent(
                "a WhatsApp chat's notice went to Telegram",
            ))
        })
    }
}

/// The notification worker of a process without Telegram, for WhatsApp's chats.
fn notify_worker(db: &TestDb, fake: &FakeGraph) -> crate::delivery::Worker {
    use crate::delivery::{CitizenChannels, RetryPolicy, Worker};
    use crate::storage::DeliveryKind;
    let sender = GraphSender::new(&fake.api_url(), "555", SecretString::from("token-akses"), 1000)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let notifier = super::notifier::WhatsAppNotifier::new(
        Arc::new(sender),
        db.store.clone(),
        super::settings::TemplateSettings::default(),
    );
    let channels =
        CitizenChannels::without_telegram().with("WhatsApp", super::store::CHAT_IDS, Some(Arc::new(notifier)));
    Worker::new(
        db.store.clone(),
        DeliveryKind::Notify,
        Arc::new(channels),
        RetryPolicy::default(),
        Duration::from_secs(60),
    )
    .only_chats(super::store::CHAT_IDS)
}

/// Runs the notification worker until nothing is ready; every task must complete.
async fn notify_until_idle(worker: &crate::delivery::Worker) {
    use crate::delivery::ExecutionOutcome;
    for _ in 0..20 {
        match worker.try_execute_task().await.unwrap() {
            ExecutionOutcome::EmptyQueue => return,
            ExecutionOutcome::TaskCompleted => {}
            other => panic!("notification not delivered: {other:?}"),
        }
    }
    panic!("the notification queue never became idle");
}

async fn status_notices_reach_whatsapp_citizens_once_as_templates_when_the_window_closed(db: TestDb) {
    use super::notifier::WhatsAppNotifier;
    use super::settings::TemplateSettings;
    use super::store::CHAT_IDS;
    use crate::delivery::{CitizenChannels, RetryPolicy, Worker};
    use crate::domain::{Actor, ComplaintStatus, NewComplaint, fixtures};
    use crate::storage::{DeliveryKind, StatusChange, SubmitOptions};

    let fake = FakeGraph::start().await;
    let wa = WhatsAppStore(db.store.clone());
    wa.receive(CITIZEN, "wamid.1", "text", "halo", None).await.unwrap();
    let chat = wa.contact(CITIZEN).await.unwrap().unwrap().chat_id;
    let mut raw = fixtures::raw();
    raw.chat_id = chat;
    let new = NewComplaint::parse(&raw, fixtures::today()).unwrap();
    let c = db
        .store
        .submit_complaint(&new, &SubmitOptions::default())
        .await
        .unwrap();
    let sender = GraphSender::new(&fake.api_url(), "555", SecretString::from("token-akses"), 1000)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let templates = TemplateSettings::default();
    let notifier = WhatsAppNotifier::new(Arc::new(sender), db.store.clone(), templates.clone());
    let channels = CitizenChannels::new(Arc::new(NoTelegram), CHAT_IDS, Some(Arc::new(notifier)));
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_secs(10),
        max_backoff: Duration::from_secs(60),
    };
    let worker = Worker::new(
        db.store.clone(),
        DeliveryKind::Notify,
        Arc::new(channels),
        policy,
        Duration::from_secs(60),
    );
    notify_until_idle(&worker).await;
    let mut seen = fake.sent().len();
    let ticket = c.ticket.to_string();
    let mut change = async |to: ComplaintStatus| -> Vec<Value> {
        let step = StatusChange::new(c.ticket.clone(), to, Actor::Officer(1));
        db.store.change_status(&step).await.unwrap();
        notify_until_idle(&worker).await;
        let sent = fake.sent();
        let new = sent[seen..].to_vec();
        seen = sent.len();
        new
    };
    let template_of = |m: &Value| -> (String, Vec<String>) {
        let t = &m["template"];
        let params = t["components"][0]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_owned())
            .collect();
        (t["name"].as_str().unwrap().to_owned(), params)
    };

    // Inside the window: the notice as text, once.
    let sent = change(ComplaintStatus::Diverifikasi).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0]["to"].as_str(), sent[0]["type"].as_str()),
        (Some(CITIZEN), Some("text"))
    );
    assert!(readable(&sent[0]).contains(&ticket), "{sent:?}");
    assert!(readable(&sent[0]).contains("Artinya:"), "{sent:?}");

    // The inbox says the last message is 25 hours old: the template, once, no text tried.
    db.clock.advance(25 * 3600);
    let sent = change(ComplaintStatus::Diteruskan).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        template_of(&sent[0]),
        (
            templates.status.name.clone(),
            vec![ticket.clone(), ComplaintStatus::Diteruskan.label().to_owned()]
        )
    );
    assert_eq!(sent[0]["template"]["language"]["code"], "id");

    // The citizen wrote again, yet Meta says the window is closed (131047): the template.
    wa.receive(CITIZEN, "wamid.2", "text", "halo lagi", None).await.unwrap();
    fake.fail_next(&[super::sender::OUTSIDE_WINDOW]);
    let sent = change(ComplaintStatus::Ditindaklanjuti).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        template_of(&sent[0]),
        (
            templates.status.name.clone(),
            vec![ticket.clone(), ComplaintStatus::Ditindaklanjuti.label().to_owned()]
        )
    );
    // Back inside the window: text again; the resolution with its buttons, as reply buttons.
    let sent = change(ComplaintStatus::Selesai).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["type"], "interactive", "{sent:?}");
    assert_eq!(sent[0]["interactive"]["type"], "button", "{sent:?}");
    let titles: Vec<String> = choices(&sent[0]).into_iter().map(|(title, _)| title).collect();
    assert_eq!(titles, ["Sudah beres", "Belum, buka lagi"]);
}

/// `/langganan` on WhatsApp subscribes the contact; an announcement reaches it once through the
/// WhatsApp broadcaster: as text inside the 24-hour window, as the approved announcement
/// template outside it. A Telegram subscriber's task is left for Telegram's sender.
async fn announcements_reach_whatsapp_subscribers_once_as_templates_outside_the_window(db: TestDb) {
    use super::broadcast::WhatsAppBroadcast;
    use super::settings::TemplateSettings;
    use super::store::CHAT_IDS;
    use crate::delivery::broadcast::{BroadcastLimits, ChannelBroadcaster, Step};
    let fake = FakeGraph::start().await;
    let app = app(&db);
    let worker = worker(&db, &fake);
    let say = async |id: &str, message: Value| {
        let before = fake.sent().len();
        assert_eq!(signed(&app, notification(id, message)).await, StatusCode::OK);
        assert!(worker.try_execute().await.unwrap());
        fake.sent()[before..].to_vec()
    };
    let listed = say("wamid.s1", json!({ "type": "text", "text": { "body": "/langganan" } })).await;
    let (_, all) = listed
        .iter()
        .flat_map(choices)
        .find(|(title, _)| title.starts_with("Semua instansi"))
        .unwrap_or_else(|| panic!("no [Semua instansi] in {listed:?}"));
    let reply = json!({ "type": "interactive", "interactive": { "type": "list_reply",
        "list_reply": { "id": all, "title": "Semua instansi" } } });
    let done = say("wamid.s2", reply).await;
    assert!(done.iter().any(|m| readable(m).contains("semua instansi")), "{done:?}");
    crate::storage::announcements::tests::subscribe(&db.store, 424_242, "all").await;

    let sender = GraphSender::new(&fake.api_url(), "555", SecretString::from("token-akses"), 1000)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let templates = TemplateSettings::default();
    let channel = WhatsAppBroadcast::new(
        Arc::new(sender),
        db.store.clone(),
        templates.announcement.clone(),
        Some(CatalogHandle::from(crate::telegram::tests::catalog())),
    );
    let limits = BroadcastLimits {
        lease: Duration::from_secs(60),
        max_attempts: 3,
        idle: Duration::from_millis(10),
        concurrency: 1,
    };
    let broadcaster = ChannelBroadcaster::new("WhatsApp", db.store.clone(), Arc::new(channel), CHAT_IDS, limits);
    let announce = async |words: &str| {
        let a = db.store.create_announcement(None, words).await.unwrap();
        assert_eq!(db.store.approve_and_fan_out(a.id).await.unwrap().tasks, 2);
        let before = fake.sent().len();
        assert_eq!(broadcaster.try_send_one().await.unwrap(), Step::Sent);
        assert_eq!(broadcaster.try_send_one().await.unwrap(), Step::Idle);
        let progress = db.store.broadcast_progress(a.id).await.unwrap();
        assert_eq!(
            (progress.sent, progress.pending),
            (1, 1),
            "the Telegram task waits for Telegram"
        );
        fake.sent()[before..].to_vec()
    };
    // Inside the window: the text itself, once.
    let sent = announce("Kantor Kecamatan Beji tutup pada hari Senin.").await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0]["to"].as_str(), sent[0]["type"].as_str()),
        (Some(CITIZEN), Some("text"))
    );
    assert!(readable(&sent[0]).contains("tutup pada hari Senin"), "{sent:?}");
    // 25 hours later: the approved template, with the text as its parameter.
    db.clock.advance(25 * 3600);
    let sent = announce("Pelayanan KTP pindah ke gedung baru.\nMulai 1 September.").await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["type"], "template");
    assert_eq!(sent[0]["template"]["name"], templates.announcement.name.as_str());
    assert_eq!(
        sent[0]["template"]["components"][0]["parameters"][0]["text"],
        "Pelayanan KTP pindah ke gedung baru. Mulai 1 September."
    );
}

/// A notice is sent at most once: a task retried after Meta took it sends nothing more, and a
/// task whose earlier attempt died mid-send (marker left `sending`) is not sent again.
async fn a_notice_is_not_sent_twice_after_a_crash_between_send_and_mark(db: TestDb) {
    use crate::delivery::Forwarder;
    use crate::domain::{Actor, ComplaintStatus, NewComplaint, fixtures};
    use crate::storage::{DeliveryKind, StatusChange, SubmitOptions};
    let fake = FakeGraph::start().await;
    let wa = WhatsAppStore(db.store.clone());
    wa.receive(CITIZEN, "wamid.1", "text", "halo", None).await.unwrap();
    let chat = wa.contact(CITIZEN).await.unwrap().unwrap().chat_id;
    let mut raw = fixtures::raw();
    raw.chat_id = chat;
    let c = db
        .store
        .submit_complaint(
            &NewComplaint::parse(&raw, fixtures::today()).unwrap(),
            &SubmitOptions::default(),
        )
        .await
        .unwrap();
    for to in [
        ComplaintStatus::Diverifikasi,
        ComplaintStatus::Diteruskan,
        ComplaintStatus::Ditindaklanjuti,
    ] {
        let step = StatusChange::new(c.ticket.clone(), to, Actor::Officer(1));
        db.store.change_status(&step).await.unwrap();
    }
    let tasks: Vec<_> = db
        .store
        .deliveries_for_complaint(c.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DeliveryKind::Notify)
        .collect();
    assert!(tasks.len() >= 3, "{tasks:?}");
    let sender = GraphSender::new(&fake.api_url(), "555", SecretString::from("token-akses"), 1000)
        .unwrap()
        .with_backoff(Duration::from_millis(5));
    let notifier = super::notifier::WhatsAppNotifier::new(
        Arc::new(sender),
        db.store.clone(),
        super::settings::TemplateSettings::default(),
    );
    // Sent, then the same task again (its completion was lost): nothing more goes out.
    notifier.send(&tasks[0]).await.unwrap();
    assert_eq!(fake.sent().len(), 1);
    notifier.send(&tasks[0]).await.unwrap();
    assert_eq!(fake.sent().len(), 1, "a retried task is not sent twice");
    // A process died right after the marker: the outcome is unknown, so it is not sent again.
    assert!(
        db.store
            .begin_send(&format!("wa-notify:{}", tasks[1].id), chat)
            .await
            .unwrap()
    );
    let interrupted = notifier.send(&tasks[1]).await.unwrap_err();
    assert!(
        matches!(interrupted, crate::delivery::SendError::Permanent { .. }),
        "{interrupted:?}"
    );
    assert_eq!(fake.sent().len(), 1);
    // A send Meta refused delivered nothing: the marker goes, so the retry may send.
    fake.fail_next(&[super::sender::UNDELIVERABLE]);
    assert!(notifier.send(&tasks[2]).await.is_err());
    assert_eq!(
        db.store.send_mark(&format!("wa-notify:{}", tasks[2].id)).await.unwrap(),
        None
    );
}

both_backends!(
    inbox_workers_woken_by_the_webhook_answer_every_message_once,
    a_notice_is_not_sent_twice_after_a_crash_between_send_and_mark,
    announcements_reach_whatsapp_subscribers_once_as_templates_outside_the_window,
    status_notices_reach_whatsapp_citizens_once_as_templates_when_the_window_closed,
    the_script_runs_on_whatsapp,
    bad_signatures_replays_and_huge_bodies_have_no_effect,
    verification_echoes_only_for_the_right_token,
    throughput_limits_are_waited_out_and_blocked_citizens_marked,
);
