//! The main path: a complaint is filed (Open311 over HTTP, or by the bot through the store), the
//! worker forwards it to the handler's webhook (signature verified by the fake handler), the
//! handler moves it along over the API, and the citizen's notification task is queued.

use std::path::PathBuf;

use loket::delivery::ExecutionOutcome;
use loket::storage::{DeliveryKind, DeliveryStatus};
use loket_acceptance::TestApp;
use loket_acceptance::app::{API_KEY, CITIZEN_CHAT, SERVICE_CODE};
use reqwest::StatusCode;

use crate::both_backends;

async fn open311_request_is_forwarded_and_handled_to_the_end(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let ticket = app.submit_open311().await;

    assert_eq!(
        app.drive_workers_until_idle().await,
        vec![ExecutionOutcome::TaskCompleted]
    );
    let forward = app.deliveries(&ticket, DeliveryKind::Forward).await;
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].status, DeliveryStatus::Done);
    let received = app.receiver.deliveries();
    assert_eq!(received.len(), 1);
    assert_eq!(app.receiver.bad_signatures(), 0);
    let (key, body) = &received[0];
    assert_eq!(key, &forward[0].id, "Idempotency-Key is the delivery id");
    assert_eq!(body["event"], "complaint.submitted");
    assert_eq!(body["complaint"]["ticket"], ticket.as_str());
    assert_eq!(body["complaint"]["service_id"], SERVICE_CODE);
    assert_eq!(body["complaint"]["citizen"]["channel"], "open311");
    assert_eq!(body["complaint"]["citizen"]["email"], "warga@contoh.id");
    assert_eq!(body["complaint"]["place"], "Kantor Kecamatan Beji, Pasuruan");
    assert_eq!(body["complaint"]["location"]["lat"], -7.5982);

    let (status, shown) = app
        .get_json(&format!("/api/v1/complaints/{ticket}"), Some(API_KEY))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["handler_id"], "kecamatan-beji");
    assert_eq!(shown["events"][0]["actor"], "open311");

    let open311 = format!("/open311/v2/requests/{ticket}.json");
    let steps = [
        (r#"{"status": "diverifikasi"}"#, "open"),
        (r#"{"status": "diteruskan"}"#, "open"),
        (
            r#"{"status": "ditindaklanjuti", "note": "Berkas sedang diperiksa."}"#,
            "open",
        ),
        (
            r#"{"status": "selesai", "note": "Surat sudah dapat diambil di kecamatan."}"#,
            "closed",
        ),
    ];
    for (request, public_status) in steps {
        let (status, body) = app.change_status(API_KEY, ticket.as_str(), request, None).await;
        assert_eq!(status, StatusCode::OK, "{request}: {body}");
        let (status, public) = app.get_json(&open311, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(public[0]["status"], public_status, "{request}");
    }
    let (_, public) = app.get_json(&open311, None).await;
    // Confidential by default: the public view has no notes (nor text), only status and dates.
    assert!(public[0]["status_notes"].is_null(), "{public}");
    assert!(public[0]["description"].is_null(), "{public}");
    assert_eq!(app.store.events(&ticket).await.unwrap().len(), 5);
    // An Open311 citizen has no chat: the client polls instead of being notified.
    assert!(app.deliveries(&ticket, DeliveryKind::Notify).await.is_empty());
    app.stop().await;
}

async fn telegram_complaint_is_forwarded_and_status_change_queues_notification(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let complaint = app.submit_from_telegram().await;
    let ticket = complaint.ticket.clone();
    assert_eq!(
        app.drive_workers_until_idle().await,
        vec![ExecutionOutcome::TaskCompleted]
    );
    let received = app.receiver.deliveries();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1["complaint"]["citizen"]["chat_id"], CITIZEN_CHAT);

    let (status, body) = app
        .change_status(
            API_KEY,
            ticket.as_str(),
            r#"{"status": "diverifikasi", "note": "Lengkap"}"#,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let notify = app.deliveries(&ticket, DeliveryKind::Notify).await;
    assert_eq!(notify.len(), 1);
    assert_eq!(notify[0].chat_id, Some(CITIZEN_CHAT));
    assert_eq!(notify[0].status, DeliveryStatus::Pending);
    let payload: serde_json::Value = serde_json::from_str(&notify[0].payload).unwrap();
    assert_eq!(payload["to"], "diverifikasi");
    assert_eq!(payload["note"], "Lengkap");
    // The forwarding worker leaves notifications to the notifier.
    assert!(app.drive_workers_until_idle().await.is_empty());
    app.stop().await;
}

both_backends!(
    open311_request_is_forwarded_and_handled_to_the_end,
    telegram_complaint_is_forwarded_and_status_change_queues_notification,
);
