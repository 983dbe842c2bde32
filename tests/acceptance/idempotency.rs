//! Repeated status calls with one `Idempotency-Key` change the complaint once: the repeat returns
//! the first result, writes no event and queues no second notification, also when the duplicates
//! arrive at the same time; the same key with a different request is refused.

use std::path::PathBuf;

use loket::storage::DeliveryKind;
use loket_acceptance::TestApp;
use loket_acceptance::app::API_KEY;
use reqwest::StatusCode;

use crate::both_backends;

async fn duplicate_status_calls_apply_once(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let ticket = app.submit_from_telegram().await.ticket;
    let body = r#"{"status": "diverifikasi", "note": "Berkas lengkap"}"#;

    let (status, first) = app.change_status(API_KEY, ticket.as_str(), body, Some("ubah-1")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["replayed"], false);
    let (status, again) = app.change_status(API_KEY, ticket.as_str(), body, Some("ubah-1")).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["event"], first["event"]);
    assert_eq!(app.store.events(&ticket).await.unwrap().len(), 2);
    assert_eq!(app.deliveries(&ticket, DeliveryKind::Notify).await.len(), 1);

    // Five identical requests at once: one applies, the others replay it.
    let next = r#"{"status": "diteruskan"}"#;
    let handles: Vec<_> = (0..5)
        .map(|_| {
            let request = app
                .client
                .post(app.url(&format!("/api/v1/complaints/{ticket}/status")))
                .bearer_auth(API_KEY)
                .header("content-type", "application/json")
                .header("idempotency-key", "ubah-2")
                .body(next);
            tokio::spawn(async move {
                let response = request.send().await.expect("request failed");
                let status = response.status();
                (status, response.json::<serde_json::Value>().await.unwrap_or_default())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for handle in handles {
        answers.push(handle.await.expect("request task"));
    }
    let events: Vec<&serde_json::Value> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::OK, "{body}");
            &body["event"]
        })
        .collect();
    assert!(events.iter().all(|e| *e == events[0]), "{events:?}");
    assert_eq!(answers.iter().filter(|(_, b)| b["replayed"] == false).count(), 1);
    assert_eq!(app.store.events(&ticket).await.unwrap().len(), 3);
    assert_eq!(app.deliveries(&ticket, DeliveryKind::Notify).await.len(), 2);

    let (status, body) = app
        .change_status(
            API_KEY,
            ticket.as_str(),
            r#"{"status": "ditindaklanjuti"}"#,
            Some("ubah-2"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(app.store.events(&ticket).await.unwrap().len(), 3);
    app.stop().await;
}

both_backends!(duplicate_status_calls_apply_once);
