//! The web chat end to end inside the library, on both backends: HTTP calls into the router
//! (as `loket serve` mounts it, behind the same guard layers), the conversation core, the
//! sessions and messages in the store, and status notifications through `CitizenChannels` and a
//! notification worker that claims only web chat ids. The scripted conversation is the core's
//! own ([`crate::conversation::tests::script`]), so the transcript differs from Telegram's and
//! WhatsApp's only in rendering (the photo is uploaded to `/chat/api/photos`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::watch;
use tower::ServiceExt;

use super::store::{CHAT_IDS, FIRST_CHAT_ID, WebChatStore};
use super::{RouterDeps, WebChatChannel, WebChatSettings};
use crate::conversation::tests::{HANDLERS, Say, assert_script_outcome, resolve_filed, script, ticket_in};
use crate::conversation::{CatalogHandle, Config, text};
use crate::delivery::{CitizenChannels, ExecutionOutcome, RetryPolicy, Worker};
use crate::domain::{Actor, ComplaintStatus, NewComplaint, RawComplaint, fixtures};
use crate::routing::Routing;
use crate::storage::testing::{TestDb, both_backends};
use crate::storage::{DeliveryKind, DeliveryStatus, StatusChange, SubmitOptions};

const HOST: &str = "loket.test";
const ORIGIN: &str = "http://loket.test";

fn settings() -> WebChatSettings {
    WebChatSettings {
        enabled: true,
        allowed_origins: vec!["https://beji.pasuruankab.go.id".into()],
        ..WebChatSettings::default()
    }
}

struct Chat {
    app: axum::Router,
    channel: WebChatChannel,
    _stop: watch::Sender<bool>,
}

fn chat(db: &TestDb, settings: WebChatSettings, client_ip_header: Option<&str>) -> Chat {
    let channel = WebChatChannel::from_settings(&settings, db.store.clone())
        .unwrap()
        .unwrap();
    let (stop, stopped) = watch::channel(false);
    let routes = channel.router(RouterDeps {
        catalog: CatalogHandle::from(crate::telegram::tests::catalog()),
        routing: Arc::new(Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap()),
        config: Arc::new(Config::default()),
        client_ip_header: client_ip_header.map(str::to_owned),
        request_timeout: Duration::from_secs(30),
        stop: stopped,
    });
    Chat {
        app: crate::http::guarded(routes),
        channel,
        _stop: stop,
    }
}

/// One call: `headers` are added to a request from the chat page (Host and Origin set).
async fn call(app: &axum::Router, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> Reply {
    call_with(app, method, uri, token, body, &[("origin", ORIGIN)]).await
}

struct Reply {
    status: StatusCode,
    json: Value,
    headers: HeaderMap,
    text: String,
}

async fn call_with(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri).header("host", HOST);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        headers,
        text,
    }
}

/// A 1x1 PNG's first bytes (what the photo check reads).
const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89";

/// A photo upload from the chat page, as its script sends it (the file as the body).
async fn upload(app: &axum::Router, token: &str, content_type: &str, bytes: Vec<u8>, after: i64) -> Reply {
    let request = Request::post(format!("/chat/api/photos?after={after}"))
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(bytes))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
        headers,
        text,
    }
}

/// A new session: its token and the messages it starts with.
async fn session(app: &axum::Router) -> (String, Vec<Value>) {
    let reply = call(app, "POST", "/chat/api/session", None, Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let token = reply.json["token"].as_str().unwrap().to_owned();
    (token, reply.json["messages"].as_array().unwrap().clone())
}

/// The words of messages, as a citizen reads them.
fn words(messages: &[Value]) -> String {
    messages
        .iter()
        .flat_map(|m| m["lines"].as_array().cloned().unwrap_or_default())
        .map(|l| l["text"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn buttons(messages: &[Value]) -> Vec<(String, String)> {
    messages
        .iter()
        .flat_map(|m| m["buttons"].as_array().cloned().unwrap_or_default())
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_owned(),
                b["choice"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn seqs(messages: &[Value]) -> Vec<i64> {
    messages.iter().map(|m| m["seq"].as_i64().unwrap()).collect()
}

async fn the_script_runs_on_the_web_chat(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let (token, welcome) = session(&chat.app).await;
    assert!(words(&welcome).contains("Selamat datang"), "{welcome:?}");
    let mut last_seq = *seqs(&welcome).last().unwrap();
    let mut last_buttons: Vec<(String, String)> = Vec::new();
    let web = WebChatStore(db.store.clone());
    let chat_id = web
        .session(&crate::console::password::token_digest(&token))
        .await
        .unwrap()
        .unwrap()
        .chat_id;
    let mut ticket = None;
    for (i, turn) in script().into_iter().enumerate() {
        let body = match turn.say {
            Say::Text(text) => json!({ "text": text }),
            Say::Press(label) => {
                let (label, choice) = last_buttons
                    .iter()
                    .find(|(l, _)| l.starts_with(label))
                    .unwrap_or_else(|| panic!("turn {i}: no button {label:?} in {last_buttons:?}"));
                json!({ "choice": choice, "label": label })
            }
            Say::Location(latitude, longitude) => {
                json!({ "location": { "latitude": latitude, "longitude": longitude } })
            }
            Say::Photo(_) => Value::Null,
            Say::StatusOfTicket => {
                let filed = db.store.list_for_chat(chat_id).await.unwrap();
                json!({ "text": format!("/status {}", filed[0].ticket) })
            }
            Say::Resolved => {
                // The notices reach the session through the web chat's notification worker; the
                // page reads them with its next poll.
                resolve_filed(&db.store, chat_id).await;
                let channels = CitizenChannels::without_telegram().with(
                    "web chat",
                    CHAT_IDS,
                    Some(Arc::new(chat.channel.notifier())),
                );
                let worker = Worker::new(
                    db.store.clone(),
                    DeliveryKind::Notify,
                    Arc::new(channels),
                    RetryPolicy::default(),
                    Duration::from_secs(60),
                )
                .only_chats(CHAT_IDS);
                assert!(notify_until_idle(&worker).await > 0);
                let polled = call(
                    &chat.app,
                    "GET",
                    &format!("/chat/api/messages?after={last_seq}"),
                    Some(&token),
                    None,
                )
                .await;
                let messages = polled.json["messages"].as_array().unwrap().clone();
                let text = words(&messages);
                for word in turn.expect {
                    assert!(text.contains(word), "turn {i} ({:?}): {word:?} not in {text}", turn.say);
                }
                last_buttons = buttons(&messages);
                last_seq = *seqs(&messages).last().unwrap();
                continue;
            }
        };
        let reply = if body.is_null() {
            upload(&chat.app, &token, "image/png", PNG.to_vec(), last_seq).await
        } else {
            let mut body = body;
            body["after"] = json!(last_seq);
            call(&chat.app, "POST", "/chat/api/messages", Some(&token), Some(body)).await
        };
        assert_eq!(reply.status, StatusCode::OK, "turn {i}: {}", reply.text);
        let messages = reply.json["messages"].as_array().unwrap().clone();
        // What the citizen said comes first, then the replies, numbered on from the page's last.
        assert_eq!(messages[0]["from"], "citizen", "turn {i}: {messages:?}");
        assert_eq!(seqs(&messages)[0], last_seq + 1);
        let replies: Vec<Value> = messages.iter().filter(|m| m["from"] == "loket").cloned().collect();
        let text = words(&replies);
        for word in turn.expect {
            assert!(text.contains(word), "turn {i} ({:?}): {word:?} not in {text}", turn.say);
        }
        if matches!(turn.say, Say::Press("Kirim")) {
            ticket = ticket_in(&text);
        }
        last_buttons = buttons(&replies);
        last_seq = *seqs(&messages).last().unwrap();
    }
    let ticket = crate::domain::TicketNumber::parse(&ticket.unwrap()).unwrap();
    assert_script_outcome(&db.store, chat_id).await;
    let complaint = db.store.get_by_ticket(&ticket).await.unwrap().unwrap();
    assert_eq!(complaint.chat_id, chat_id);
    // The photo is the complaint's attachment, and the console reads it back from loket's own
    // table (no channel keeps it), never through a public URL.
    assert_eq!(complaint.attachments.len(), 1, "{:?}", complaint.attachments);
    assert!(complaint.attachments[0].starts_with(super::photos::ATTACHMENT_PREFIX));
    let media = crate::console::MediaSources::new()
        .with_web_chat(db.store.clone())
        .fetch(&complaint.attachments[0])
        .await
        .unwrap();
    assert_eq!(
        (media.content_type.as_str(), media.bytes.as_slice()),
        ("image/png", PNG)
    );
    assert!(
        complaint.location.is_some(),
        "the shared location is kept as coordinates"
    );
    // A reload: the whole conversation comes back, in order, and the dialogue goes on.
    let reload = call(&chat.app, "GET", "/chat/api/messages?after=0", Some(&token), None).await;
    let all = reload.json["messages"].as_array().unwrap().clone();
    assert_eq!(seqs(&all), (1..=last_seq).collect::<Vec<_>>());
    assert!(words(&all).contains(ticket.as_str()));
    let follow_up = call(
        &chat.app,
        "POST",
        "/chat/api/messages",
        Some(&token),
        Some(json!({ "text": "syarat surat keterangan ahli waris", "after": last_seq })),
    )
    .await;
    assert!(words(follow_up.json["messages"].as_array().unwrap()).contains("Ahli Waris"));
}

async fn sessions_are_random_anonymous_and_kept_as_digests(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let (one, _) = session(&chat.app).await;
    let (two, _) = session(&chat.app).await;
    assert_ne!(one, two);
    assert!(one.len() == 64 && one.bytes().all(|b| b.is_ascii_hexdigit()), "{one}");
    let web = WebChatStore(db.store.clone());
    assert!(
        web.session(&one).await.unwrap().is_none(),
        "the token itself is not stored"
    );
    let first = web
        .session(&crate::console::password::token_digest(&one))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.chat_id, FIRST_CHAT_ID);
    for token in [None, Some("salah"), Some(&*"0".repeat(64))] {
        let reply = call(&chat.app, "GET", "/chat/api/messages", token, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(reply.json["error"]["message"], text::WEB_SESSION_UNKNOWN);
    }
    let mine = call(&chat.app, "GET", "/chat/api/messages?after=0", Some(&one), None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers["cache-control"], "no-store");
    assert!(words(mine.json["messages"].as_array().unwrap()).contains("Selamat datang"));
    // A citizen never sees another session's complaint.
    let raw = RawComplaint {
        chat_id: first.chat_id,
        ..fixtures::raw()
    };
    let filed = db
        .store
        .submit_complaint(
            &NewComplaint::parse(&raw, fixtures::today()).unwrap(),
            &SubmitOptions::default(),
        )
        .await
        .unwrap();
    let theirs = call(
        &chat.app,
        "POST",
        "/chat/api/messages",
        Some(&two),
        Some(json!({ "text": format!("/status {}", filed.ticket) })),
    )
    .await;
    assert!(words(theirs.json["messages"].as_array().unwrap()).contains(text::TICKET_NOT_FOUND));
}

async fn the_widget_agency_answers_first(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let reply = call(
        &chat.app,
        "POST",
        "/chat/api/session",
        None,
        Some(json!({ "agency": "Kecamatan Beji" })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let token = reply.json["token"].as_str().unwrap();
    let chat_id = WebChatStore(db.store.clone())
        .session(&crate::console::password::token_digest(token))
        .await
        .unwrap()
        .unwrap()
        .chat_id;
    let state = crate::conversation::load_state(&db.store, chat_id).await.unwrap();
    assert!(!state.context().region.is_empty(), "{state:?}");
}

async fn posts_need_the_chats_own_or_an_allowed_origin(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let (token, _) = session(&chat.app).await;
    let post = |origin: Option<&'static str>| {
        let app = chat.app.clone();
        let token = token.clone();
        async move {
            let headers: Vec<(&str, &str)> = origin.map(|o| vec![("origin", o)]).unwrap_or_default();
            call_with(
                &app,
                "POST",
                "/chat/api/messages",
                Some(&token),
                Some(json!({ "text": "/bantuan" })),
                &headers,
            )
            .await
        }
    };
    for refused in [
        None,
        Some("https://penipu.example"),
        Some("null"),
        Some("http://loket.test.penipu.example"),
    ] {
        let reply = post(refused).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{refused:?}");
        assert_eq!(reply.json["error"]["message"], text::WEB_ORIGIN_REFUSED);
    }
    for allowed in [ORIGIN, "https://beji.pasuruankab.go.id"] {
        assert_eq!(post(Some(allowed)).await.status, StatusCode::OK, "{allowed}");
    }
    let session = call_with(&chat.app, "POST", "/chat/api/session", None, Some(json!({})), &[]).await;
    assert_eq!(session.status, StatusCode::FORBIDDEN, "a session needs the origin too");
    // With public_url set, the Host no longer decides.
    let chat = self::chat(
        &db,
        WebChatSettings {
            public_url: Some("https://loket.example.go.id".into()),
            ..settings()
        },
        None,
    );
    let reply = call(&chat.app, "POST", "/chat/api/session", None, Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = call_with(
        &chat.app,
        "POST",
        "/chat/api/session",
        None,
        Some(json!({})),
        &[("origin", "https://loket.example.go.id")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

async fn limits_refuse_with_a_clear_message(db: TestDb) {
    let chat = chat(
        &db,
        WebChatSettings {
            messages_per_session_per_minute: 2,
            max_message_chars: 100,
            ..settings()
        },
        None,
    );
    let (token, _) = session(&chat.app).await;
    let send = |body: Value| call(&chat.app, "POST", "/chat/api/messages", Some(&token), Some(body));
    let long = send(json!({ "text": "a".repeat(101) })).await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(long.json["error"]["message"], text::web_message_too_long(100));
    let empty = send(json!({ "text": " \n " })).await;
    assert_eq!(empty.json["error"]["message"], text::WEB_EMPTY_MESSAGE);
    // The refused ones counted against the minute: the next is refused too, politely.
    let flood = send(json!({ "text": "halo" })).await;
    assert_eq!(flood.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(flood.headers.contains_key("retry-after"));
    assert!(
        flood.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("terlalu cepat")
    );
    // Bodies far beyond a message are refused before they are read.
    let huge = send(json!({ "text": "a".repeat(64 * 1024) })).await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.json["error"]["code"], "body_too_large");
    // Nothing of the refused messages was kept.
    let chat_id = FIRST_CHAT_ID;
    let kept = WebChatStore(db.store.clone())
        .messages_after(chat_id, 0, 100)
        .await
        .unwrap();
    assert!(kept.iter().all(|m| m.author == "loket"), "{kept:?}");
}

async fn client_addresses_are_limited(db: TestDb) {
    let chat = chat(
        &db,
        WebChatSettings {
            sessions_per_address_per_hour: 2,
            requests_per_address_per_minute: 4,
            ..settings()
        },
        Some("x-real-ip"),
    );
    let new_session = async |ip: &str| {
        call_with(
            &chat.app,
            "POST",
            "/chat/api/session",
            None,
            Some(json!({})),
            &[("origin", ORIGIN), ("x-real-ip", ip)],
        )
        .await
    };
    assert_eq!(new_session("203.0.113.7").await.status, StatusCode::CREATED);
    assert_eq!(new_session("203.0.113.7").await.status, StatusCode::CREATED);
    let third = new_session("203.0.113.7").await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        third.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("percakapan baru")
    );
    assert_eq!(
        new_session("203.0.113.8").await.status,
        StatusCode::CREATED,
        "other addresses go on"
    );
    // Four requests a minute from one address, whatever they are: the fifth is refused before
    // anything else is looked at.
    assert!(
        new_session("203.0.113.7").await.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("percakapan baru")
    );
    let fifth = new_session("203.0.113.7").await;
    assert_eq!(fifth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        fifth.json["error"]["message"].as_str().unwrap().contains("permintaan"),
        "{}",
        fifth.text
    );
    // The loopback address (a local proxy naming no client) is not limited.
    for _ in 0..5 {
        assert_eq!(new_session("127.0.0.1").await.status, StatusCode::CREATED);
    }
}

/// Runs the worker until nothing is ready; every task must complete.
async fn notify_until_idle(worker: &Worker) -> usize {
    let mut done = 0;
    for _ in 0..20 {
        match worker.try_execute_task().await.unwrap() {
            ExecutionOutcome::EmptyQueue => return done,
            ExecutionOutcome::TaskCompleted => done += 1,
            other => panic!("notification not delivered: {other:?}"),
        }
    }
    panic!("the notification queue never became idle");
}

async fn status_notices_reach_the_session_once(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let (token, welcome) = session(&chat.app).await;
    let web = WebChatStore(db.store.clone());
    let chat_id = FIRST_CHAT_ID;
    let file = |chat_id: i64| {
        let raw = RawComplaint {
            chat_id,
            ..fixtures::raw()
        };
        let store = db.store.clone();
        async move {
            store
                .submit_complaint(
                    &NewComplaint::parse(&raw, fixtures::today()).unwrap(),
                    &SubmitOptions::default(),
                )
                .await
                .unwrap()
        }
    };
    let mine = file(chat_id).await;
    let telegram = file(424_242).await;
    for c in [&mine, &telegram] {
        let step = StatusChange::new(c.ticket.clone(), ComplaintStatus::Diverifikasi, Actor::Officer(1));
        db.store.change_status(&step).await.unwrap();
    }
    // A process without Telegram: one worker for the web chat's chat ids only.
    let channels =
        CitizenChannels::without_telegram().with("web chat", CHAT_IDS, Some(Arc::new(chat.channel.notifier())));
    let worker = Worker::new(
        db.store.clone(),
        DeliveryKind::Notify,
        Arc::new(channels),
        RetryPolicy::default(),
        Duration::from_secs(60),
    )
    .only_chats(CHAT_IDS);
    assert_eq!(notify_until_idle(&worker).await, 1);
    let tasks = |id| db.store.deliveries_for_complaint(id);
    let theirs: Vec<_> = tasks(telegram.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DeliveryKind::Notify)
        .collect();
    assert!(
        theirs
            .iter()
            .all(|d| d.status == DeliveryStatus::Pending && d.attempts == 0),
        "the Telegram chat's notice is left for the Telegram worker: {theirs:?}"
    );
    let after = *seqs(&welcome).last().unwrap();
    let reply = call(
        &chat.app,
        "GET",
        &format!("/chat/api/messages?after={after}"),
        Some(&token),
        None,
    )
    .await;
    let notices = reply.json["messages"].as_array().unwrap().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["kind"], "notice");
    let said = words(&notices);
    assert!(
        said.contains(mine.ticket.as_str()) && said.contains("Diverifikasi"),
        "{said}"
    );
    assert!(!said.contains("tombol"), "no buttons to point at: {said}");
    // The same task delivered again (a retry after a crash) adds nothing.
    let task = tasks(mine.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.kind == DeliveryKind::Notify)
        .unwrap();
    use crate::delivery::Forwarder;
    chat.channel.notifier().send(&task).await.unwrap();
    assert_eq!(web.last_seq(chat_id).await.unwrap(), after + 1);
    // An officer's reply arrives the same way.
    let note = crate::domain::StatusNote::parse("Mohon bawa KTP asli.").unwrap();
    db.store
        .add_reply(&mine.ticket, &Actor::Officer(1), &note, None)
        .await
        .unwrap();
    assert_eq!(notify_until_idle(&worker).await, 1);
    let reply = call(
        &chat.app,
        "GET",
        &format!("/chat/api/messages?after={}", after + 1),
        Some(&token),
        None,
    )
    .await;
    assert!(words(reply.json["messages"].as_array().unwrap()).contains("Mohon bawa KTP asli."));
}

async fn a_long_poll_wakes_when_a_notice_arrives(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let (token, welcome) = session(&chat.app).await;
    let after = *seqs(&welcome).last().unwrap();
    let app = chat.app.clone();
    let started = tokio::time::Instant::now();
    let waiting = tokio::spawn(async move {
        call(
            &app,
            "GET",
            &format!("/chat/api/messages?after={after}&wait=20"),
            Some(&token),
            None,
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "nothing new yet: the poll waits");
    let raw = RawComplaint {
        chat_id: FIRST_CHAT_ID,
        ..fixtures::raw()
    };
    let c = db
        .store
        .submit_complaint(
            &NewComplaint::parse(&raw, fixtures::today()).unwrap(),
            &SubmitOptions::default(),
        )
        .await
        .unwrap();
    db.store
        .change_status(&StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Officer(1),
        ))
        .await
        .unwrap();
    let worker = Worker::new(
        db.store.clone(),
        DeliveryKind::Notify,
        Arc::new(chat.channel.notifier()),
        RetryPolicy::default(),
        Duration::from_secs(60),
    );
    assert_eq!(notify_until_idle(&worker).await, 1);
    let reply = waiting.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "woken, not timed out");
    let messages = reply.json["messages"].as_array().unwrap();
    assert_eq!(seqs(messages), vec![after + 1]);
    assert!(words(messages).contains(c.ticket.as_str()));
}

async fn the_page_and_widget_are_served_strictly(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let page = call(&chat.app, "GET", "/chat", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(
        csp.contains("frame-ancestors 'self' https://beji.pasuruankab.go.id"),
        "{csp}"
    );
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.text.contains("<html lang=\"id\">") && page.text.contains("name=\"viewport\""));
    assert!(page.text.contains("aria-label=") && page.text.contains("<label for=\"chat-input\""));
    for (path, kind) in [
        ("/chat/chat.js", "text/javascript"),
        ("/chat/chat.css", "text/css"),
        ("/chat/widget.js", "text/javascript"),
    ] {
        let asset = call(&chat.app, "GET", path, None, None).await;
        assert_eq!(asset.status, StatusCode::OK, "{path}");
        assert!(
            asset.headers["content-type"].to_str().unwrap().starts_with(kind),
            "{path}"
        );
        assert!(!asset.text.contains("innerHTML"), "{path} builds no HTML from strings");
    }
    let widget = call(&chat.app, "GET", "/chat/widget.js", None, None).await;
    assert_eq!(widget.headers["cross-origin-resource-policy"], "cross-origin");
    assert!(widget.text.contains(text::WEB_LAUNCHER));
}

async fn an_ended_session_is_a_dead_letter_not_a_silent_drop(db: TestDb) {
    let chat = chat(&db, settings(), None);
    let raw = RawComplaint {
        chat_id: FIRST_CHAT_ID + 5,
        ..fixtures::raw()
    };
    let c = db
        .store
        .submit_complaint(
            &NewComplaint::parse(&raw, fixtures::today()).unwrap(),
            &SubmitOptions::default(),
        )
        .await
        .unwrap();
    db.store
        .change_status(&StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Officer(1),
        ))
        .await
        .unwrap();
    let worker = Worker::new(
        db.store.clone(),
        DeliveryKind::Notify,
        Arc::new(chat.channel.notifier()),
        RetryPolicy::default(),
        Duration::from_secs(60),
    );
    assert_eq!(worker.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
}

/// `/langganan` in the web chat subscribes the session; an announcement then reaches it once,
/// through the web chat's own broadcaster (a Telegram subscriber's task is left alone), with
/// its progress counted with every channel's.
async fn announcements_reach_web_chat_subscribers_once(db: TestDb) {
    use crate::delivery::broadcast::{BroadcastLimits, ChannelBroadcaster, Step};
    let chat = chat(&db, settings(), None);
    let (token, welcome) = session(&chat.app).await;
    let mut after = *seqs(&welcome).last().unwrap();
    let post = |body: Value, after: i64| {
        let mut body = body;
        body["after"] = json!(after);
        call(&chat.app, "POST", "/chat/api/messages", Some(&token), Some(body))
    };
    let listed = post(json!({"text": "/langganan"}), after).await;
    let messages = listed.json["messages"].as_array().unwrap().clone();
    after = *seqs(&messages).last().unwrap();
    let (label, all) = buttons(&messages)
        .into_iter()
        .find(|(label, _)| label == text::BUTTON_ALL_AGENCIES)
        .expect("the subscription list offers every agency");
    let subscribed = post(json!({"choice": all, "label": label}), after).await;
    let messages = subscribed.json["messages"].as_array().unwrap().clone();
    assert!(words(&messages).contains(text::SUBSCRIBED_ALL), "{messages:?}");
    after = *seqs(&messages).last().unwrap();
    crate::storage::announcements::tests::subscribe(&db.store, 424_242, "all").await;

    let a = db
        .store
        .create_announcement(None, "Kantor Kecamatan Beji tutup pada hari Senin.")
        .await
        .unwrap();
    assert_eq!(db.store.approve_and_fan_out(a.id).await.unwrap().tasks, 2);
    let limits = BroadcastLimits {
        lease: Duration::from_secs(60),
        max_attempts: 3,
        idle: Duration::from_millis(10),
        concurrency: 1,
    };
    let broadcaster = ChannelBroadcaster::new(
        "web chat",
        db.store.clone(),
        Arc::new(chat.channel.broadcaster(None)),
        CHAT_IDS,
        limits,
    );
    assert_eq!(broadcaster.try_send_one().await.unwrap(), Step::Sent);
    assert_eq!(
        broadcaster.try_send_one().await.unwrap(),
        Step::Idle,
        "the Telegram chat's is not ours"
    );
    let progress = db.store.broadcast_progress(a.id).await.unwrap();
    assert_eq!((progress.sent, progress.pending, progress.total), (1, 1, 2));
    let polled = call(
        &chat.app,
        "GET",
        &format!("/chat/api/messages?after={after}"),
        Some(&token),
        None,
    )
    .await;
    let messages = polled.json["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["kind"], "notice");
    assert!(words(&messages).contains("tutup pada hari Senin"), "{messages:?}");
}

/// A photo is taken only for a complaint being filed, only as a real JPEG, PNG or WebP and only
/// up to `max_photo_bytes`; each refusal says why in Indonesian and stores nothing.
async fn photos_are_checked_and_refused_with_the_reason(db: TestDb) {
    let chat = chat(
        &db,
        WebChatSettings {
            max_photo_bytes: 2048,
            ..settings()
        },
        None,
    );
    let (token, welcome) = session(&chat.app).await;
    let after = *seqs(&welcome).last().unwrap();
    let refused = upload(&chat.app, &token, "image/png", PNG.to_vec(), after).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    assert_eq!(refused.json["error"]["message"], text::WEB_PHOTO_NOT_NOW);
    let chat_id = FIRST_CHAT_ID;
    let draft = crate::conversation::Draft {
        category: Some("Infrastruktur".into()),
        description: Some("Jalan berlubang besar di depan SDN 2 Beji sudah sebulan.".into()),
        place: Some("Jl. Raya Beji".into()),
        ..Default::default()
    };
    let state = crate::conversation::State::ComplaintAttachments { draft };
    crate::conversation::save_state(&db.store, chat_id, &state)
        .await
        .unwrap();
    // Says PNG, is a web page: refused.
    let html = upload(&chat.app, &token, "image/png", b"<html><script>".to_vec(), after).await;
    assert_eq!(html.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", html.text);
    assert_eq!(html.json["error"]["message"], text::WEB_PHOTO_TYPE);
    let svg = upload(&chat.app, &token, "image/svg+xml", b"<svg/>".to_vec(), after).await;
    assert_eq!(svg.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Too large.
    let mut big = PNG.to_vec();
    big.resize(4096, 0);
    let large = upload(&chat.app, &token, "image/png", big, after).await;
    assert_eq!(large.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", large.text);
    assert_eq!(large.json["error"]["message"], text::web_photo_too_large(2048));
    // Nothing stored, nothing said.
    assert_eq!(WebChatStore(db.store.clone()).photo("web_1").await.unwrap(), None);
    let state = crate::conversation::load_state(&db.store, chat_id).await.unwrap();
    assert!(state.draft().unwrap().attachments.is_empty());
    // A good one is taken.
    let taken = upload(&chat.app, &token, "image/png", PNG.to_vec(), after).await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.text);
    let messages = taken.json["messages"].as_array().unwrap().clone();
    assert!(words(&messages).contains(text::WEB_PHOTO_SAID), "{messages:?}");
    assert!(words(&messages).contains(&text::attachment_received(1)), "{messages:?}");
}

both_backends!(
    photos_are_checked_and_refused_with_the_reason,
    announcements_reach_web_chat_subscribers_once,
    the_script_runs_on_the_web_chat,
    sessions_are_random_anonymous_and_kept_as_digests,
    the_widget_agency_answers_first,
    posts_need_the_chats_own_or_an_allowed_origin,
    limits_refuse_with_a_clear_message,
    client_addresses_are_limited,
    status_notices_reach_the_session_once,
    a_long_poll_wakes_when_a_notice_arrives,
    the_page_and_widget_are_served_strictly,
    an_ended_session_is_a_dead_letter_not_a_silent_drop,
);
