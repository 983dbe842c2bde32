//! Open311 GeoReport v2 reads: the service list is the parsed standards, requests are listed and
//! looked up publicly with the spec's filters, confidential complaints never appear, and nobody's
//! identity is ever shown.

use std::path::PathBuf;

use loket::domain::{NewComplaint, RawComplaint};
use loket::storage::SubmitOptions;
use loket_acceptance::TestApp;
use loket_acceptance::app::{API_KEY, SERVICE_CODE};
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

async fn requests_are_listed_and_looked_up_publicly(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    let open = app.submit_open311().await;
    let closed = app.submit_open311().await;
    let (status, body) = app
        .change_status(
            API_KEY,
            closed.as_str(),
            r#"{"status": "ditolak", "note": "Laporan ganda."}"#,
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
        vec![open.to_string()],
        "ids ignore other filters and hide secrets"
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

    for (path, expected) in [
        (format!("/open311/v2/requests/{secret}.json"), StatusCode::NOT_FOUND),
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

both_backends!(
    services_are_the_parsed_standards,
    requests_are_listed_and_looked_up_publicly
);
