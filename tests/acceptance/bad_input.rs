//! Bad input over HTTP gets a clear JSON error with the right status, never a 500 and never a
//! partial write: malformed JSON, oversized bodies, unknown tickets, invalid transitions, missing,
//! wrong or foreign keys on the handler API; and the Open311 equivalents in the spec's error
//! shape. Row counts before and after prove nothing was written.

use std::path::PathBuf;

use loket_acceptance::TestApp;
use loket_acceptance::app::{API_KEY, OTHER_API_KEY, valid_open311_form};
use reqwest::StatusCode;
use serde_json::Value;

use crate::both_backends;

/// The Open311 form with `field` replaced (or removed when `value` is None).
fn form_with(field: &'static str, value: Option<&'static str>) -> Vec<(&'static str, &'static str)> {
    let mut form: Vec<_> = valid_open311_form().into_iter().filter(|(k, _)| *k != field).collect();
    form.extend(value.map(|v| (field, v)));
    form
}

fn assert_open311_error(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body[0]["code"], expected.as_u16(), "{body}");
    assert!(body[0]["description"].as_str().is_some_and(|d| !d.is_empty()), "{body}");
}

async fn bad_input_is_refused_with_json_errors_and_no_writes(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let ticket = app.submit_from_telegram().await.ticket;
    let before = app.table_counts().await;
    let status_uri = format!("/api/v1/complaints/{ticket}/status");

    // (api key, ticket, body, expected status, expected error code)
    let unknown = loket::domain::TicketNumber::generate();
    let huge = format!(r#"{{"status": "diverifikasi", "note": "{}"}}"#, "x".repeat(70 * 1024));
    let cases: Vec<(&str, String, String, StatusCode, &str)> = vec![
        (
            API_KEY,
            ticket.to_string(),
            "{\"status\": ".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            API_KEY,
            ticket.to_string(),
            huge,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            API_KEY,
            unknown.to_string(),
            r#"{"status": "diverifikasi"}"#.into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            API_KEY,
            ticket.to_string(),
            r#"{"status": "selesai", "note": "Sudah"}"#.into(),
            StatusCode::CONFLICT,
            "invalid_transition",
        ),
        (
            API_KEY,
            ticket.to_string(),
            r#"{"status": "beres"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            API_KEY,
            ticket.to_string(),
            r#"{"state": "x"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            "kunci-salah",
            ticket.to_string(),
            r#"{"status": "diverifikasi"}"#.into(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        // Another handler's ticket is not found, as if it did not exist (no existence oracle).
        (
            OTHER_API_KEY,
            ticket.to_string(),
            r#"{"status": "diverifikasi"}"#.into(),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (key, target, body, expected, code) in cases {
        let (status, answer) = app.change_status(key, &target, &body, None).await;
        assert_eq!(status, expected, "{code}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let response = app.client.post(app.url(&status_uri)).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "missing key");

    // Open311 intake.
    let filler = "x".repeat(70 * 1024);
    let mut long_form: Vec<(&str, &str)> = valid_open311_form();
    long_form.push(("attribute[catatan]", filler.as_str()));
    let open311_cases: Vec<(Vec<(&str, &str)>, StatusCode)> = vec![
        (form_with("api_key", None), StatusCode::FORBIDDEN),
        (form_with("api_key", Some("kunci-salah")), StatusCode::FORBIDDEN),
        (form_with("service_code", None), StatusCode::BAD_REQUEST),
        (
            form_with("service_code", Some("tidak-ada:layanan")),
            StatusCode::NOT_FOUND,
        ),
        (form_with("description", None), StatusCode::BAD_REQUEST),
        (
            form_with("description", Some("terlalu pendek")),
            StatusCode::BAD_REQUEST,
        ),
        (form_with("lat", Some("utara")), StatusCode::BAD_REQUEST),
        (form_with("long", None), StatusCode::BAD_REQUEST),
        (form_with("email", Some("bukan-email")), StatusCode::BAD_REQUEST),
        (
            form_with("media_url", Some("file:///etc/passwd")),
            StatusCode::BAD_REQUEST,
        ),
        (long_form, StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (form, expected) in open311_cases {
        let response = app.post_open311(&form).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        assert_open311_error(status, &body, expected);
    }
    let no_location: Vec<_> = valid_open311_form()
        .into_iter()
        .filter(|(k, _)| !matches!(*k, "lat" | "long" | "address_string"))
        .collect();
    let response = app.post_open311(&no_location).await;
    let status = response.status();
    assert_open311_error(
        status,
        &response.json().await.unwrap_or_default(),
        StatusCode::BAD_REQUEST,
    );
    let response = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/json")
        .body(r#"{"api_key": "x"}"#)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_open311_error(
        status,
        &response.json().await.unwrap_or_default(),
        StatusCode::BAD_REQUEST,
    );

    assert_eq!(app.table_counts().await, before, "a refused request wrote something");
    assert!(
        app.drive_workers_until_idle().await.len() == 1,
        "only the one valid complaint is forwarded"
    );
    app.stop().await;
}

both_backends!(bad_input_is_refused_with_json_errors_and_no_writes);
