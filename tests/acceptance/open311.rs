//! Open311 GeoReport v2: the service list is the parsed standards, requests are listed and looked
//! up publicly with the spec's filters, confidential complaints are never listed and show only
//! ticket, service, status and dates, and nobody's identity is ever shown. Intake takes a client's
//! intake-only key (recorded on the complaint, limited per hour, revocable) and accepts anonymous
//! requests without forwarding any contact.

use std::path::PathBuf;

use loket::domain::{ClientId, NewComplaint, RawComplaint, TicketNumber, client_key_digest};
use loket::storage::{DeliveryKind, SubmitOptions};
use loket_acceptance::TestApp;
use loket_acceptance::app::{API_KEY, OPEN311_CLIENT, OTHER_API_KEY, SERVICE_CODE, valid_open311_form};
use reqwest::StatusCode;
use serde_json::Value;

use crate::both_backends;

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn services_are_the_parsed_standards(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let (status, services) = app.get_json("/open311/v2/services.json", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = services.as_array().unwrap();
    let expected = loket_knowledge::parse::parse_dir(&loket_acceptance::standards_dir())
        .unwrap()
        .documents
        .iter()
        .map(|d| d.services.len())
        .sum::<usize>();
    assert_eq!(list.len(), expected);
    let waris = list.iter().find(|s| s["service_code"] == SERVICE_CODE).unwrap();
    assert_eq!(waris["service_name"], "Surat Keterangan Ahli Waris");
    assert_eq!(waris["group"], "Kecamatan Beji Kabupaten Pasuruan");
    assert_eq!(waris["type"], "realtime");
    assert_eq!(waris["metadata"], false);
    let (status, body) = app.get_json("/open311/v2/services.xml", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    app.stop().await;
}

/// Files the valid form plus `extra` fields; answers the ticket.
async fn file(app: &TestApp, extra: &[(&'static str, &'static str)]) -> TicketNumber {
    let mut form = valid_open311_form();
    form.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    form.extend_from_slice(extra);
    let response = app.post_open311(&form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON answer");
    TicketNumber::parse(body[0]["service_request_id"].as_str().expect("ticket")).expect("a ticket")
}

async fn requests_are_listed_and_looked_up_publicly(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    // The citizen agreed to publish these two.
    let open = file(&app, &[("confidential", "false")]).await;
    let closed = file(&app, &[("confidential", "false")]).await;
    let (status, body) = app
        .change_status(
            API_KEY,
            closed.as_str(),
            r#"{"status": "ditolak", "note": "Laporan ganda.", "public": true}"#,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let secret = {
        let raw = RawComplaint {
            chat_id: 7,
            category: "lainnya".into(),
            title: "Laporan rahasia pegawai".into(),
            description: "Ada pungutan liar di loket pelayanan kecamatan setiap pagi.".into(),
            confidential: true,
            ..RawComplaint::default()
        };
        let new = NewComplaint::parse(&raw, chrono::Utc::now().date_naive()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("kecamatan-beji".into()),
            auto_verify: false,
        };
        app.store.submit_complaint(&new, &options).await.unwrap().ticket
    };

    let (status, all) = app.get_json("/open311/v2/requests.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&all), vec![closed.to_string(), open.to_string()]);
    let text = all.to_string();
    for private in ["Siti", "Aminah", "warga@contoh.id", "3456", secret.as_str()] {
        assert!(!text.contains(private), "public listing shows {private}: {text}");
    }
    let first = &all[1];
    assert_eq!(first["status"], "open");
    assert_eq!(first["service_code"], SERVICE_CODE);
    assert_eq!(first["service_name"], "Surat Keterangan Ahli Waris");
    assert_eq!(first["agency_responsible"], "Kecamatan Beji");
    assert_eq!(first["address"], "Kantor Kecamatan Beji, Pasuruan");
    assert_eq!(first["lat"], -7.5982);
    assert_eq!(first["media_url"], "https://contoh.id/foto/berkas.jpg");
    assert!(first["requested_datetime"].as_str().unwrap().ends_with("+07:00"));

    let query = |q: &str| format!("/open311/v2/requests.json?{q}");
    let (_, only_closed) = app.get_json(&query("status=closed"), None).await;
    assert_eq!(ids(&only_closed), vec![closed.to_string()]);
    let (_, only_open) = app.get_json(&query("status=open"), None).await;
    assert_eq!(ids(&only_open), vec![open.to_string()]);
    let (_, by_id) = app
        .get_json(
            &query(&format!("service_request_id={open},{secret},LKT-XXXX&status=closed")),
            None,
        )
        .await;
    assert_eq!(
        ids(&by_id),
        vec![open.to_string(), secret.to_string()],
        "ids ignore other filters"
    );
    assert!(
        by_id[1]["description"].is_null(),
        "a confidential one shows no text: {by_id}"
    );
    let (_, by_service) = app.get_json(&query("service_code=lain:layanan"), None).await;
    assert_eq!(ids(&by_service), Vec::<String>::new());
    let (_, future) = app.get_json(&query("start_date=2999-01-01T00:00:00Z"), None).await;
    assert_eq!(ids(&future), Vec::<String>::new());
    let (_, window) = app
        .get_json(
            &query("start_date=2000-01-01T00:00:00%2B07:00&end_date=2999-01-01T00:00:00Z"),
            None,
        )
        .await;
    assert_eq!(ids(&window).len(), 2);

    let (status, one) = app.get_json(&format!("/open311/v2/requests/{closed}.json"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one[0]["status"], "closed");
    assert_eq!(one[0]["status_notes"], "Laporan ganda.");

    let (status, hidden) = app.get_json(&format!("/open311/v2/requests/{secret}.json"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hidden[0]["service_request_id"], secret.as_str());
    assert!(
        hidden[0]["description"].is_null() && hidden[0]["address"].is_null(),
        "{hidden}"
    );

    for (path, expected) in [
        (
            "/open311/v2/requests/LKT-XXXX-XXXX.json".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (format!("/open311/v2/requests/{open}.xml"), StatusCode::NOT_FOUND),
        (query("status=beres"), StatusCode::BAD_REQUEST),
        (query("start_date=kemarin"), StatusCode::BAD_REQUEST),
        (
            query("start_date=2025-02-01T00:00:00Z&end_date=2025-01-01T00:00:00Z"),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, body) = app.get_json(&path, None).await;
        assert_eq!(status, expected, "{path}: {body}");
        assert_eq!(body[0]["code"], expected.as_u16(), "{path}: {body}");
    }
    app.stop().await;
}

/// Regression (issue 13): Open311 requests were public unless marked confidential.
async fn requests_are_confidential_unless_the_client_says_otherwise(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let ticket = app.submit_open311().await;
    let complaint = app.complaint(&ticket).await;
    assert!(complaint.confidential);
    assert_eq!(
        complaint.open311_client.as_deref(),
        Some(OPEN311_CLIENT),
        "the client is recorded"
    );
    let (_, all) = app.get_json("/open311/v2/requests.json", None).await;
    assert_eq!(ids(&all), Vec::<String>::new());
    let (status, one) = app.get_json(&format!("/open311/v2/requests/{ticket}.json"), None).await;
    assert_eq!(status, StatusCode::OK, "the client can still poll its status");
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], SERVICE_CODE);
    let text = one.to_string();
    for private in ["tiga minggu", "Kantor Kecamatan", "-7.5982", "berkas.jpg", "Siti"] {
        assert!(!text.contains(private), "{private} shown: {text}");
    }
    app.stop().await;
}

/// Regression (issue 13): any handler's API key filed into any handler's queue. Intake now takes
/// a client's own key, limited per hour and revocable.
async fn intake_keys_are_per_client_limited_and_revocable(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let key = "loket311_kunci-uji-kios-0123456789";
    let kios = ClientId::parse("kios").unwrap();
    app.store
        .create_open311_client(&kios, "Kios pengaduan", &client_key_digest(key), 2)
        .await
        .unwrap();
    let first = file(&app, &[("api_key", key)]).await;
    assert_eq!(app.complaint(&first).await.open311_client.as_deref(), Some("kios"));
    file(&app, &[("api_key", key)]).await;
    let mut form = valid_open311_form();
    form.retain(|(k, _)| *k != "api_key");
    form.push(("api_key", key));
    let before = app.table_counts().await;
    let response = app.post_open311(&form).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body[0]["code"], 429, "{body}");
    assert_eq!(app.table_counts().await, before, "a refused request writes nothing");
    // Other clients are not held back by this one's limit; an hour later it may file again.
    app.submit_open311().await;
    app.clock.advance(3601);
    file(&app, &[("api_key", key)]).await;

    assert!(app.store.revoke_open311_client(&kios).await.unwrap());
    let response = app.post_open311(&form).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

/// A handler's API key is not an intake key: it cannot file into anyone's queue. Bad yes/no
/// fields are explained.
async fn handler_keys_and_bad_flags_are_refused(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let before = app.table_counts().await;
    for (field, value, expected) in [
        ("api_key", API_KEY, StatusCode::FORBIDDEN),
        ("api_key", OTHER_API_KEY, StatusCode::FORBIDDEN),
        ("confidential", "mungkin", StatusCode::BAD_REQUEST),
        ("anonymous", "mungkin", StatusCode::BAD_REQUEST),
    ] {
        let mut form = valid_open311_form();
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = app.post_open311(&form).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        assert_eq!(status, expected, "{field}={value}: {body}");
        assert_eq!(body[0]["code"], expected.as_u16(), "{body}");
    }
    assert_eq!(app.table_counts().await, before, "nothing was written");
    app.stop().await;
}

/// Open311 lets a citizen file without contact details: nothing about them is stored or forwarded.
async fn anonymous_requests_forward_no_contact(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let mut no_contact = valid_open311_form();
    no_contact.retain(|(k, _)| !matches!(*k, "first_name" | "last_name" | "email" | "phone"));
    let response = app.post_open311(&no_contact).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let silent = TicketNumber::parse(body[0]["service_request_id"].as_str().unwrap()).unwrap();
    let asked = file(&app, &[("anonymous", "true")]).await;
    let named = app.submit_open311().await;
    app.drive_workers_until_idle().await;
    for ticket in [&silent, &asked] {
        let complaint = app.complaint(ticket).await;
        assert!(complaint.anonymous, "{ticket}");
        let stored = format!("{:?}", complaint.citizen);
        assert!(
            !stored.contains("Siti") && !stored.contains("warga@contoh.id"),
            "{stored}"
        );
        let forwarded = app.deliveries(ticket, DeliveryKind::Forward).await;
        assert_eq!(forwarded.len(), 1);
        let payload: Value = serde_json::from_str(&forwarded[0].payload).unwrap();
        assert!(payload["complaint"]["citizen"].is_null(), "{payload}");
        assert_eq!(payload["complaint"]["anonymous"], true);
    }
    let payload = &app.deliveries(&named, DeliveryKind::Forward).await[0].payload;
    assert!(
        payload.contains("warga@contoh.id"),
        "a named request keeps its contact: {payload}"
    );
    app.stop().await;
}

both_backends!(
    services_are_the_parsed_standards,
    requests_are_listed_and_looked_up_publicly,
    requests_are_confidential_unless_the_client_says_otherwise,
    intake_keys_are_per_client_limited_and_revocable,
    handler_keys_and_bad_flags_are_refused,
    anonymous_requests_forward_no_contact,
);
