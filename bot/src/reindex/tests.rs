//! Reindex tests on both backends: the baseline at start, a changed fee swapped in and
//! announced, a malformed decree refused with the old index still served, auto-send, and the
//! admin API's authentication and answers.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use super::*;
use crate::http::{AdminState, AppState, router};
use crate::storage::AnnouncementStatus;
use crate::storage::testing::{TestDb, both_backends};

const DECREE: &str = "003_5e30365896fb6814.txt";
const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";
const ADMIN_KEY: &str = "kunci-admin-uji";

fn shipped(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../knowledge/standards")
        .join(file);
    std::fs::read_to_string(path).unwrap()
}

/// A standards directory with one shipped decree.
fn standards() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DECREE), shipped(DECREE)).unwrap();
    dir
}

/// The decree with the fee of "Surat Keterangan Ahli Waris" changed.
fn with_fee(fee: &str) -> String {
    let text = shipped(DECREE);
    let at = text.find("SURAT KETERANGAN AHLI WARIS").unwrap();
    let (head, tail) = text.split_at(at);
    format!(
        "{head}{}",
        tail.replacen("Biaya / Tarif\t<i>Gratis</i>", &format!("Biaya / Tarif\t{fee}"), 1)
    )
}

fn settings(auto_send: bool) -> Settings {
    let mut settings = Settings::default();
    settings.announcements.auto_send = auto_send;
    settings
}

async fn start(db: &TestDb, dir: &Path, auto_send: bool) -> (Arc<Reindexer>, ReindexReport) {
    Reindexer::start(
        PathBuf::from(dir),
        db.store.clone(),
        &settings(auto_send),
        Open311Handle::default(),
        true,
    )
    .await
    .unwrap()
}

fn fee_served(reindexer: &Reindexer) -> String {
    let catalog = reindexer.catalog().unwrap().load();
    catalog.service(AHLI_WARIS).unwrap().fee.as_ref().unwrap().raw.clone()
}

async fn the_first_start_records_a_baseline_and_announces_nothing(db: TestDb) {
    let dir = standards();
    let (reindexer, report) = start(&db, dir.path(), false).await;
    assert!(report.baseline && report.recorded, "{report:?}");
    assert_eq!(report.trigger, Trigger::Start);
    assert!(report.services > 10);
    assert_eq!(report.new.len(), report.services);
    assert!(report.announcements.is_empty());
    assert!(db.store.list_announcements(10).await.unwrap().is_empty());
    assert_eq!(db.store.current_standards().await.unwrap().len(), report.services);
    assert_eq!(reindexer.open311.load().services().len(), report.services);
    // A restart on the same files records and announces nothing.
    let (_, again) = start(&db, dir.path(), false).await;
    assert!(!again.baseline && again.new.is_empty() && again.announcements.is_empty());
    assert_eq!(again.unchanged, report.services);
}

async fn a_changed_fee_is_swapped_in_and_announced(db: TestDb) {
    let dir = standards();
    let (reindexer, _) = start(&db, dir.path(), false).await;
    let before = reindexer.catalog().unwrap().load();
    std::fs::write(dir.path().join(DECREE), with_fee("Rp 10.000")).unwrap();
    let report = reindexer.reindex(Trigger::Api).await.unwrap();
    assert_eq!(report.changed.len(), 1, "{report:?}");
    let change = &report.changed[0];
    assert_eq!(change.id, AHLI_WARIS);
    assert!(
        change
            .changes
            .iter()
            .any(|l| l.starts_with("Biaya:") && l.contains("10.000")),
        "{change:?}"
    );
    assert_eq!(report.announcements.len(), 1);
    assert_eq!(report.announcement_status, Some("draft"));
    let announcement = db.store.announcement(report.announcements[0]).await.unwrap().unwrap();
    assert_eq!(announcement.status, AnnouncementStatus::Draft);
    assert!(announcement.text.contains("Rp 10.000"), "{}", announcement.text);
    assert!(fee_served(&reindexer).contains("10.000"));
    // A snapshot taken before the swap still answers from the old version.
    let old_fee = &before.service(AHLI_WARIS).unwrap().fee.as_ref().unwrap().raw;
    assert!(old_fee.contains("Gratis"), "{old_fee}");
}

async fn a_malformed_decree_keeps_the_old_index(db: TestDb) {
    let dir = standards();
    let (reindexer, _) = start(&db, dir.path(), false).await;
    let catalog = reindexer.catalog().unwrap().load();
    let open311 = reindexer.open311.load();
    std::fs::write(dir.path().join(DECREE), with_fee("Rp 10.000")).unwrap();
    std::fs::write(dir.path().join("004_rusak.txt"), "").unwrap();
    let error = reindexer.reindex(Trigger::Watch).await.unwrap_err();
    let ReindexError::Malformed(files) = &error else {
        panic!("{error}")
    };
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file, "004_rusak.txt");
    assert!(
        Arc::ptr_eq(&catalog, &reindexer.catalog().unwrap().load()),
        "engine untouched"
    );
    assert!(Arc::ptr_eq(&open311, &reindexer.open311.load()), "Open311 untouched");
    assert!(fee_served(&reindexer).contains("Gratis"));
    assert!(
        db.store.list_announcements(10).await.unwrap().is_empty(),
        "nothing recorded"
    );
    // An emptied directory is refused too.
    std::fs::remove_file(dir.path().join("004_rusak.txt")).unwrap();
    std::fs::remove_file(dir.path().join(DECREE)).unwrap();
    assert!(matches!(
        reindexer.reindex(Trigger::Watch).await,
        Err(ReindexError::Empty(_))
    ));
    assert!(Arc::ptr_eq(&catalog, &reindexer.catalog().unwrap().load()));
}

/// The deployment aliases file is read at start and by every reindex; a bad line is refused
/// with its file and line, at start and on a reindex (which keeps the old index).
async fn the_aliases_file_is_reread_and_a_bad_line_keeps_the_old_index(db: TestDb) {
    let dir = standards();
    let aliases_dir = tempfile::tempdir().unwrap();
    let file = aliases_dir.path().join("aliases.tsv");
    std::fs::write(&file, format!("# kata warga\nkertas zamrud\t{AHLI_WARIS}\n")).unwrap();
    let mut settings = settings(false);
    settings.aliases = Some(file.clone());
    let (reindexer, _) = Reindexer::start(
        PathBuf::from(dir.path()),
        db.store.clone(),
        &settings,
        Open311Handle::default(),
        true,
    )
    .await
    .unwrap();
    let served = |question: &str| {
        let answer = reindexer.catalog().unwrap().load().engine().answer(question, None);
        answer.service.map(|s| s.id.0)
    };
    assert_eq!(served("syarat kertas zamrud").as_deref(), Some(AHLI_WARIS));

    std::fs::write(
        &file,
        format!("batu safir\t{AHLI_WARIS}\nkertas akik\tno:such-service\n"),
    )
    .unwrap();
    let catalog = reindexer.catalog().unwrap().load();
    let error = reindexer.reindex(Trigger::Watch).await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("aliases.tsv") && message.contains("line 2") && message.contains("no:such-service"),
        "{message}"
    );
    assert!(
        Arc::ptr_eq(&catalog, &reindexer.catalog().unwrap().load()),
        "engine untouched"
    );

    std::fs::write(&file, format!("batu safir\t{AHLI_WARIS}\n")).unwrap();
    reindexer.reindex(Trigger::Watch).await.unwrap();
    assert_eq!(served("syarat batu safir").as_deref(), Some(AHLI_WARIS));
    assert_ne!(
        served("syarat kertas zamrud").as_deref(),
        Some(AHLI_WARIS),
        "the removed alias is gone"
    );

    // At start, a bad file stops the service with the same message.
    std::fs::write(&file, "batu safir\n").unwrap();
    let error = Reindexer::start(
        PathBuf::from(dir.path()),
        db.store.clone(),
        &settings,
        Open311Handle::default(),
        true,
    )
    .await
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("line 1") && message.contains("missing column"),
        "{message}"
    );
}

async fn auto_send_approves_the_announcement_with_its_tasks(db: TestDb) {
    crate::storage::announcements::tests::subscribe(&db.store, 7, "all").await;
    let dir = standards();
    let (reindexer, _) = start(&db, dir.path(), true).await;
    std::fs::write(dir.path().join(DECREE), with_fee("Rp 5.000")).unwrap();
    let report = reindexer.reindex(Trigger::Watch).await.unwrap();
    assert_eq!(report.announcement_status, Some("approved"));
    let id = report.announcements[0];
    let a = db.store.announcement(id).await.unwrap().unwrap();
    assert_eq!(a.status, AnnouncementStatus::Approved);
    assert_eq!(db.store.broadcast_progress(id).await.unwrap().pending, 1);
}

async fn call(app: &axum::Router, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::post("/api/v1/admin/reindex");
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn app(db: &TestDb, reindexer: &Arc<Reindexer>, key: Option<&str>) -> axum::Router {
    router(
        AppState {
            store: db.store.clone(),
            routing: Arc::default(),
            open311: reindexer.open311.clone(),
            admin: AdminState {
                key_sha256: key.map(digest),
                reindexer: Some(reindexer.clone()),
            },
        },
        4096,
    )
}

fn digest(key: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes()).into()
}

async fn the_admin_api_reindexes_with_the_admin_key_only(db: TestDb) {
    let dir = standards();
    let (reindexer, _) = start(&db, dir.path(), false).await;
    let (status, _) = call(&app(&db, &reindexer, None), Some(ADMIN_KEY)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no key configured: no admin API");
    let app = app(&db, &reindexer, Some(ADMIN_KEY));
    assert_eq!(call(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&app, Some("salah")).await.0, StatusCode::UNAUTHORIZED);

    std::fs::write(dir.path().join(DECREE), with_fee("Rp 10.000")).unwrap();
    let (status, body) = call(&app, Some(ADMIN_KEY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["trigger"], "api");
    assert_eq!(body["changed"][0]["id"], AHLI_WARIS);
    assert_eq!(body["announcements"].as_array().unwrap().len(), 1);
    assert_eq!(body["announcement_status"], "draft");

    std::fs::write(dir.path().join("004_rusak.txt"), [0_u8, 159, 146, 150, 0, 1]).unwrap();
    let (status, body) = call(&app, Some(ADMIN_KEY)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "malformed_standards");
    assert_eq!(body["error"]["files"][0]["file"], "004_rusak.txt");
    assert!(fee_served(&reindexer).contains("10.000"), "still the last good index");
}

/// A reindex parses only the decree that changed; a removed decree's services are dropped
/// (from the engine, the Open311 list and the recorded standards).
async fn an_edited_decree_is_reparsed_alone_and_a_removed_one_drops_its_services(db: TestDb) {
    const OTHER: &str = "001_f4e4e6960aa12399.txt";
    let dir = standards();
    std::fs::write(dir.path().join(OTHER), shipped(OTHER)).unwrap();
    let (reindexer, report) = start(&db, dir.path(), false).await;
    assert_eq!((report.parsed_files, report.reused_files), (2, 0), "{report:?}");
    let other_services = report.new.iter().filter(|s| s.id.starts_with("001_")).count();
    assert!(other_services > 0);

    std::fs::write(dir.path().join(DECREE), with_fee("Rp 10.000")).unwrap();
    let report = reindexer.reindex(Trigger::Watch).await.unwrap();
    assert_eq!((report.parsed_files, report.reused_files), (1, 1), "{report:?}");
    assert_eq!(report.changed.len(), 1, "{report:?}");
    assert!(fee_served(&reindexer).contains("10.000"));

    let unchanged = reindexer.reindex(Trigger::Api).await.unwrap();
    assert_eq!((unchanged.parsed_files, unchanged.reused_files), (0, 2));
    assert!(unchanged.changed.is_empty() && unchanged.new.is_empty());

    std::fs::remove_file(dir.path().join(OTHER)).unwrap();
    let report = reindexer.reindex(Trigger::Watch).await.unwrap();
    assert_eq!((report.parsed_files, report.reused_files), (0, 1), "{report:?}");
    assert_eq!(report.documents, 1);
    assert_eq!(report.removed.len(), other_services, "{report:?}");
    assert!(report.removed.iter().all(|s| s.id.starts_with("001_")));
    let catalog = reindexer.catalog().unwrap().load();
    let removed = &report.removed[0].id;
    assert!(catalog.service(removed).is_none(), "{removed} still answered");
    assert!(
        reindexer
            .open311
            .load()
            .services()
            .iter()
            .all(|s| !s.service_code.starts_with("001_")),
        "Open311 still lists the removed decree"
    );
    assert!(
        fee_served(&reindexer).contains("10.000"),
        "the other decree is still served"
    );
}

both_backends!(
    the_first_start_records_a_baseline_and_announces_nothing,
    a_changed_fee_is_swapped_in_and_announced,
    a_malformed_decree_keeps_the_old_index,
    the_aliases_file_is_reread_and_a_bad_line_keeps_the_old_index,
    auto_send_approves_the_announcement_with_its_tasks,
    the_admin_api_reindexes_with_the_admin_key_only,
    an_edited_decree_is_reparsed_alone_and_a_removed_one_drops_its_services,
);
