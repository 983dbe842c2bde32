//! Prometheus metrics: every metric loket exports is named here, and recorded through the small
//! functions below so the code paths stay one call each.
//!
//! `GET /metrics` (see `http/metrics.rs`) renders two parts in the Prometheus text format:
//!
//! Recorded by this process (counters and histograms since it started; `metrics` facade, one
//! global `metrics-exporter-prometheus` recorder installed by [`install`]):
//!
//! | metric | type | labels | what |
//! | --- | --- | --- | --- |
//! | `loket_telegram_updates_total` | counter | `kind` (`message`, `edited_message`, `callback_query`, `other`) | Telegram updates received |
//! | `loket_answers_total` | counter | `status` (`answered`, `ambiguous`, `not_found`, `smalltalk`), `aspect` (`requirements`, ..., `none`) | questions answered on Telegram |
//! | `loket_answer_duration_seconds` | histogram | | time the engine took per question |
//! | `loket_deliveries_total` | counter | `queue` (`forward`, `notify`), `outcome` (`completed`, `retry`, `dead`, `lease_lost`) | outbox delivery attempts by outcome |
//! | `loket_delivery_duration_seconds` | histogram | `queue` | time one delivery attempt took (webhook call, Telegram send) |
//! | `loket_telegram_messages_sent_total` | counter | | messages Telegram accepted from our sender (notifications, officer posts, broadcasts) |
//! | `loket_telegram_api_errors_total` | counter | `code` (`429`, `403`, `400`, `401`, `404`, `409`, `500`, `502`, `api_other`, `migrated`, `network`, `io`, `invalid_json`) | failed Telegram API calls of our sender |
//! | `loket_telegram_shared_limit_full_total` | counter | | sends that found the shared send window full (other processes on the database used it) and waited for a slot |
//! | `loket_broadcast_messages_total` | counter | `outcome` (`sent`, `blocked`, `retry`, `failed`, `lease_lost`) | broadcast sends by outcome |
//! | `loket_http_requests_total` | counter | `method` (the nine standard methods, else `other`), `route` (the matched route template, or `unmatched`), `status` (a registered status code, else `other`) | HTTP requests served |
//! | `loket_http_request_duration_seconds` | histogram | `route` | HTTP request latency |
//!
//! Read from the database at scrape time ([`render_ops`], from [`OpsStats`]; shared by every
//! process on one database, so sum nothing across processes):
//!
//! | metric | type | labels | what |
//! | --- | --- | --- | --- |
//! | `loket_database_up` | gauge | | 1 when the figures below could be read, else 0 (and they are absent) |
//! | `loket_complaints` | gauge | `status` (all nine, zeros included) | complaints per status |
//! | `loket_complaints_overdue` | gauge | | complaints past their stage's deadline |
//! | `loket_queue_depth` | gauge | `queue` (`forward`, `notify`, `broadcast`) | tasks not finished (pending + in flight) |
//! | `loket_queue_ready` | gauge | `queue` | pending tasks whose time has come |
//! | `loket_queue_oldest_ready_age_seconds` | gauge | `queue` | how long the oldest ready task has waited past its due time (worker lag) |
//! | `loket_queue_dead` | gauge | `queue` | dead letters (deliveries) or failed tasks (broadcasts) |
//! | `loket_subscribers` | gauge | `status` (`active`, `blocked`) | chats subscribed to announcements |
//! | `loket_broadcast_tasks` | gauge | `announcement`, `status` (`sent`, `pending`, `failed`, `blocked`) | progress of announcements being sent |
//! | `loket_satisfaction_ratings` | gauge | `handler` | citizens' ratings of resolved complaints |
//! | `loket_satisfaction_average` | gauge | `handler` | mean rating, 1 (very dissatisfied) to 5 (very satisfied) |
//!
//! Labels are ids and closed vocabularies only: never a chat id, ticket or text. The recording
//! functions go to whatever recorder is current, so tests use a local recorder
//! ([`metrics::with_local_recorder`]) built by [`builder`] and never depend on the global one.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use loket_knowledge::answer::{Answer, AnswerStatus};
use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::delivery::ExecutionOutcome;
use crate::storage::{DeliveryKind, OpsStats};

pub(crate) const TELEGRAM_UPDATES: &str = "loket_telegram_updates_total";
pub(crate) const ANSWERS: &str = "loket_answers_total";
pub(crate) const ANSWER_SECONDS: &str = "loket_answer_duration_seconds";
pub(crate) const DELIVERIES: &str = "loket_deliveries_total";
pub(crate) const DELIVERY_SECONDS: &str = "loket_delivery_duration_seconds";
pub(crate) const TELEGRAM_SENT: &str = "loket_telegram_messages_sent_total";
pub(crate) const TELEGRAM_ERRORS: &str = "loket_telegram_api_errors_total";
pub(crate) const SHARED_LIMIT_FULL: &str = "loket_telegram_shared_limit_full_total";
pub(crate) const BROADCAST_MESSAGES: &str = "loket_broadcast_messages_total";
pub(crate) const HTTP_REQUESTS: &str = "loket_http_requests_total";
pub(crate) const HTTP_SECONDS: &str = "loket_http_request_duration_seconds";

pub(crate) const DATABASE_UP: &str = "loket_database_up";
pub(crate) const COMPLAINTS: &str = "loket_complaints";
pub(crate) const COMPLAINTS_OVERDUE: &str = "loket_complaints_overdue";
pub(crate) const QUEUE_DEPTH: &str = "loket_queue_depth";
pub(crate) const QUEUE_READY: &str = "loket_queue_ready";
pub(crate) const QUEUE_OLDEST_AGE: &str = "loket_queue_oldest_ready_age_seconds";
pub(crate) const QUEUE_DEAD: &str = "loket_queue_dead";
pub(crate) const SUBSCRIBERS: &str = "loket_subscribers";
pub(crate) const BROADCAST_TASKS: &str = "loket_broadcast_tasks";
pub(crate) const RATINGS: &str = "loket_satisfaction_ratings";
pub(crate) const RATING_AVERAGE: &str = "loket_satisfaction_average";

/// Answer latency buckets: the engine answers in tens of microseconds.
const ANSWER_BUCKETS: [f64; 11] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05,
];
/// Network latency buckets (HTTP requests, deliveries).
const NETWORK_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The exporter configuration (histogram buckets); [`install`] and tests build from it.
pub(crate) fn builder() -> PrometheusBuilder {
    PrometheusBuilder::new()
        .set_buckets(&NETWORK_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(ANSWER_SECONDS.to_owned()), &ANSWER_BUCKETS))
        .expect("histogram buckets are not empty")
}

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (later calls return the same handle) and starts its
/// upkeep thread. `None` when another global recorder was installed first (then `/metrics` shows
/// only the database figures).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| match builder().install_recorder() {
            Ok(handle) => {
                describe();
                let upkeep = handle.clone();
                let spawned = std::thread::Builder::new()
                    .name("metrics-upkeep".into())
                    .spawn(move || {
                        loop {
                            std::thread::sleep(Duration::from_secs(5));
                            upkeep.run_upkeep();
                        }
                    });
                if let Err(error) = spawned {
                    tracing::warn!(%error, "cannot start the metrics upkeep thread");
                }
                Some(handle)
            }
            Err(error) => {
                tracing::warn!(%error, "metrics recorder not installed");
                None
            }
        })
        .as_ref()
}

/// HELP lines of the process metrics, for the current recorder.
fn describe() {
    describe_counter!(TELEGRAM_UPDATES, "Telegram updates received, by kind");
    describe_counter!(ANSWERS, "Questions answered on Telegram, by answer status and aspect");
    describe_histogram!(
        ANSWER_SECONDS,
        Unit::Seconds,
        "Time the engine took to answer one question"
    );
    describe_counter!(DELIVERIES, "Outbox delivery attempts, by queue and outcome");
    describe_histogram!(
        DELIVERY_SECONDS,
        Unit::Seconds,
        "Time one delivery attempt took, by queue"
    );
    describe_counter!(TELEGRAM_SENT, "Messages Telegram accepted from our sender");
    describe_counter!(TELEGRAM_ERRORS, "Failed Telegram API calls of our sender, by code");
    describe_counter!(
        SHARED_LIMIT_FULL,
        "Sends that found the shared send window full and waited for a slot"
    );
    describe_counter!(BROADCAST_MESSAGES, "Broadcast sends, by outcome");
    describe_counter!(HTTP_REQUESTS, "HTTP requests served, by method, route and status");
    describe_histogram!(HTTP_SECONDS, Unit::Seconds, "HTTP request latency, by route");
}

/// One Telegram update arrived.
pub(crate) fn update_received(update: &teloxide::types::Update) {
    use teloxide::types::UpdateKind;
    let kind = match update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        _ => "other",
    };
    counter!(TELEGRAM_UPDATES, "kind" => kind).increment(1);
}

fn answer_status_label(status: AnswerStatus) -> &'static str {
    match status {
        AnswerStatus::Answered => "answered",
        AnswerStatus::Ambiguous => "ambiguous",
        AnswerStatus::NotFound => "not_found",
        AnswerStatus::Smalltalk => "smalltalk",
        AnswerStatus::Region => "region",
    }
}

/// Runs the engine for one question and records its status, aspect and latency.
pub(crate) fn timed_answer(answer: impl FnOnce() -> Answer) -> Answer {
    let start = Instant::now();
    let answer = answer();
    histogram!(ANSWER_SECONDS).record(start.elapsed());
    let aspect = answer.aspect.map_or("none", |a| a.as_str());
    counter!(ANSWERS, "status" => answer_status_label(answer.status), "aspect" => aspect).increment(1);
    answer
}

/// Times one delivery attempt of `queue`.
pub(crate) async fn timed_delivery<T>(queue: DeliveryKind, attempt: impl Future<Output = T>) -> T {
    let start = Instant::now();
    let result = attempt.await;
    histogram!(DELIVERY_SECONDS, "queue" => queue.as_str()).record(start.elapsed());
    result
}

/// The outcome of one delivery attempt (`owned == false`: the lease was lost meanwhile).
pub(crate) fn delivery_outcome(queue: DeliveryKind, outcome: &ExecutionOutcome, owned: bool) {
    let outcome = match outcome {
        _ if !owned => "lease_lost",
        ExecutionOutcome::TaskCompleted => "completed",
        ExecutionOutcome::TaskRetryScheduled { .. } => "retry",
        ExecutionOutcome::TaskDead => "dead",
        ExecutionOutcome::LeaseLost => "lease_lost",
        ExecutionOutcome::EmptyQueue => return,
    };
    counter!(DELIVERIES, "queue" => queue.as_str(), "outcome" => outcome).increment(1);
}

/// The error code label of a failed Telegram call (HTTP code where Telegram gives one).
pub(crate) fn telegram_error_code(error: &teloxide::RequestError) -> &'static str {
    use teloxide::{ApiError, RequestError};
    match error {
        RequestError::RetryAfter(_) => "429",
        RequestError::Api(ApiError::Unknown(text)) => match text.as_str() {
            t if t.starts_with("Internal Server Error") => "500",
            t if t.starts_with("Bad Gateway") => "502",
            t if t.starts_with("Forbidden") => "403",
            t if t.starts_with("Bad Request") => "400",
            _ => "api_other",
        },
        RequestError::Api(ApiError::InvalidToken) => "401",
        RequestError::Api(api) => {
            let description = api.to_string();
            [
                ("Forbidden", "403"),
                ("Bad Request", "400"),
                ("Unauthorized", "401"),
                ("Not Found", "404"),
                ("Conflict", "409"),
            ]
            .into_iter()
            .find_map(|(prefix, code)| description.starts_with(prefix).then_some(code))
            .unwrap_or("api_other")
        }
        RequestError::MigrateToChatId(_) => "migrated",
        RequestError::Network(_) => "network",
        RequestError::InvalidJson { .. } => "invalid_json",
        RequestError::Io(_) => "io",
    }
}

/// The result of one Telegram call made by our sender.
pub(crate) fn telegram_result<T>(result: &Result<T, teloxide::RequestError>) {
    match result {
        Ok(_) => counter!(TELEGRAM_SENT).increment(1),
        Err(error) => counter!(TELEGRAM_ERRORS, "code" => telegram_error_code(error)).increment(1),
    }
}

/// A send found the shared send window full (`telegram/shared_limit.rs`).
pub(crate) fn shared_send_limit_full() {
    counter!(SHARED_LIMIT_FULL).increment(1);
}

/// One broadcast step (idle steps are not counted).
pub(crate) fn broadcast_step(step: crate::telegram::BroadcastStep) {
    use crate::telegram::BroadcastStep;
    let outcome = match step {
        BroadcastStep::Sent => "sent",
        BroadcastStep::Blocked => "blocked",
        BroadcastStep::Retry => "retry",
        BroadcastStep::Failed => "failed",
        BroadcastStep::LeaseLost => "lease_lost",
        BroadcastStep::Idle => return,
    };
    counter!(BROADCAST_MESSAGES, "outcome" => outcome).increment(1);
}

/// The methods a label may name; anything else a client sends is `other` (a client choosing
/// the method must not choose how many series we keep).
const HTTP_METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

fn method_label(method: &str) -> &'static str {
    HTTP_METHODS.into_iter().find(|m| *m == method).unwrap_or("other")
}

/// A registered status code as its number, else `other` (hyper allows any 100..=999).
fn status_label(status: u16) -> String {
    match axum::http::StatusCode::from_u16(status) {
        Ok(code) if code.canonical_reason().is_some() => status.to_string(),
        _ => "other".to_owned(),
    }
}

/// One HTTP request served. `route` is the matched route template (one of the routes written
/// in `http/mod.rs`), never the raw path; every label comes from a closed set.
pub(crate) fn http_request(method: &str, route: Option<&str>, status: u16, elapsed: Duration) {
    let route = route.unwrap_or("unmatched").to_owned();
    histogram!(HTTP_SECONDS, "route" => route.clone()).record(elapsed);
    counter!(HTTP_REQUESTS, "method" => method_label(method), "route" => route, "status" => status_label(status))
        .increment(1);
}

/// The database figures as Prometheus text: gauges set on a recorder of their own, so
/// concurrent scrapes (or tests) on different databases never mix.
pub(crate) fn render_ops(stats: Option<&OpsStats>) -> String {
    let recorder = builder().build_recorder();
    metrics::with_local_recorder(&recorder, || {
        describe_gauge!(DATABASE_UP, "1 when the database figures could be read");
        gauge!(DATABASE_UP).set(if stats.is_some() { 1.0 } else { 0.0 });
        let Some(stats) = stats else { return };
        describe_gauge!(COMPLAINTS, "Complaints per status");
        for (status, n) in &stats.complaints {
            gauge!(COMPLAINTS, "status" => status.as_str()).set(*n as f64);
        }
        describe_gauge!(COMPLAINTS_OVERDUE, "Complaints past their stage's deadline");
        gauge!(COMPLAINTS_OVERDUE).set(stats.overdue as f64);
        describe_gauge!(QUEUE_DEPTH, "Tasks not finished (pending + in flight), per queue");
        describe_gauge!(QUEUE_READY, "Pending tasks whose time has come, per queue");
        describe_gauge!(
            QUEUE_OLDEST_AGE,
            Unit::Seconds,
            "How long the oldest ready task has waited past its due time, per queue"
        );
        describe_gauge!(
            QUEUE_DEAD,
            "Dead letters (deliveries) or failed tasks (broadcasts), per queue"
        );
        for q in &stats.queues {
            gauge!(QUEUE_DEPTH, "queue" => q.queue).set(q.depth() as f64);
            gauge!(QUEUE_READY, "queue" => q.queue).set(q.ready as f64);
            gauge!(QUEUE_OLDEST_AGE, "queue" => q.queue).set(q.oldest_ready_age_secs as f64);
            gauge!(QUEUE_DEAD, "queue" => q.queue).set(q.dead as f64);
        }
        describe_gauge!(SUBSCRIBERS, "Chats subscribed to announcements, by chat status");
        gauge!(SUBSCRIBERS, "status" => "active").set(stats.subscribers.active as f64);
        gauge!(SUBSCRIBERS, "status" => "blocked").set(stats.subscribers.blocked as f64);
        describe_gauge!(
            BROADCAST_TASKS,
            "Broadcast tasks of announcements being sent, by status"
        );
        for a in &stats.announcements {
            let p = a.progress;
            for (status, n) in [
                ("sent", p.sent),
                ("pending", p.pending),
                ("failed", p.failed),
                ("blocked", p.blocked),
            ] {
                gauge!(BROADCAST_TASKS, "announcement" => a.id.to_string(), "status" => status).set(n as f64);
            }
        }
        describe_gauge!(
            RATINGS,
            "Citizens' satisfaction ratings of resolved complaints, per handler"
        );
        describe_gauge!(RATING_AVERAGE, "Mean satisfaction rating (1-5) per handler");
        for r in &stats.ratings {
            gauge!(RATINGS, "handler" => r.handler_id.clone()).set(r.count as f64);
            gauge!(RATING_AVERAGE, "handler" => r.handler_id.clone()).set(r.average());
        }
    });
    recorder.handle().render()
}

#[cfg(test)]
mod tests {
    use loket_knowledge::aspect::Aspect;
    use metrics_exporter_prometheus::PrometheusRecorder;

    use super::*;
    use crate::domain::ComplaintStatus;
    use crate::storage::{AnnouncementStats, BroadcastProgress, QueueStats, SubscriberStats};

    /// Runs `record` against a fresh local recorder and returns the rendered text.
    fn rendered(record: impl FnOnce()) -> String {
        let recorder: PrometheusRecorder = builder().build_recorder();
        metrics::with_local_recorder(&recorder, || {
            describe();
            record();
        });
        recorder.handle().render()
    }

    /// The value of the sample line `series` (metric name plus labels exactly as rendered).
    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    fn answer(status: AnswerStatus, aspect: Option<Aspect>) -> Answer {
        Answer {
            question: String::new(),
            status,
            aspect,
            service: None,
            citation: None,
            text: String::new(),
            candidates: Vec::new(),
            region: Vec::new(),
        }
    }

    #[test]
    fn answers_are_counted_by_status_and_aspect_with_their_latency() {
        let text = rendered(|| {
            timed_answer(|| answer(AnswerStatus::Answered, Some(Aspect::Fee)));
            timed_answer(|| answer(AnswerStatus::Answered, Some(Aspect::Fee)));
            timed_answer(|| answer(AnswerStatus::NotFound, None));
        });
        assert_eq!(
            sample(&text, r#"loket_answers_total{status="answered",aspect="fee"}"#),
            Some(2.0),
            "{text}"
        );
        assert_eq!(
            sample(&text, r#"loket_answers_total{status="not_found",aspect="none"}"#),
            Some(1.0)
        );
        assert_eq!(sample(&text, "loket_answer_duration_seconds_count"), Some(3.0));
        assert!(
            text.contains(r#"loket_answer_duration_seconds_bucket{le="0.00001"}"#),
            "{text}"
        );
        assert!(text.contains("# TYPE loket_answer_duration_seconds histogram"));
        assert!(text.contains("# HELP loket_answers_total"));
    }

    #[tokio::test]
    async fn deliveries_are_counted_by_queue_and_outcome() {
        let recorder = builder().build_recorder();
        metrics::with_local_recorder(&recorder, || {
            delivery_outcome(DeliveryKind::Forward, &ExecutionOutcome::TaskCompleted, true);
            delivery_outcome(DeliveryKind::Forward, &ExecutionOutcome::TaskCompleted, false);
            delivery_outcome(
                DeliveryKind::Notify,
                &ExecutionOutcome::TaskRetryScheduled { at: 1 },
                true,
            );
            delivery_outcome(DeliveryKind::Notify, &ExecutionOutcome::TaskDead, true);
            delivery_outcome(DeliveryKind::Notify, &ExecutionOutcome::EmptyQueue, true);
        });
        // The timing wrapper is async: poll it to completion inside the local recorder.
        let timed = timed_delivery(DeliveryKind::Forward, async { 7 });
        let value = metrics::with_local_recorder(&recorder, || futures_lite_block_on(timed));
        assert_eq!(value, 7);
        let text = recorder.handle().render();
        for (series, value) in [
            (r#"loket_deliveries_total{queue="forward",outcome="completed"}"#, 1.0),
            (r#"loket_deliveries_total{queue="forward",outcome="lease_lost"}"#, 1.0),
            (r#"loket_deliveries_total{queue="notify",outcome="retry"}"#, 1.0),
            (r#"loket_deliveries_total{queue="notify",outcome="dead"}"#, 1.0),
            (r#"loket_delivery_duration_seconds_count{queue="forward"}"#, 1.0),
        ] {
            assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
        }
        assert!(!text.contains("empty"), "empty polls are not deliveries");
    }

    /// Polls a future that never waits (no runtime needed).
    fn futures_lite_block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match future.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the future waited"),
        }
    }

    #[test]
    fn telegram_errors_are_labelled_by_code() {
        use teloxide::{ApiError, RequestError};
        let cases = [
            (
                RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(3)),
                "429",
            ),
            (RequestError::Api(ApiError::BotBlocked), "403"),
            (RequestError::Api(ApiError::MessageTextIsEmpty), "400"),
            (RequestError::Api(ApiError::InvalidToken), "401"),
            (
                RequestError::Api(ApiError::Unknown("Internal Server Error".into())),
                "500",
            ),
            (
                RequestError::Api(ApiError::Unknown("Something new".into())),
                "api_other",
            ),
            (RequestError::Io(std::io::Error::other("x").into()), "io"),
        ];
        for (error, code) in &cases {
            assert_eq!(telegram_error_code(error), *code, "{error:?}");
        }
        let text = rendered(|| {
            telegram_result::<()>(&Ok(()));
            telegram_result::<()>(&Err(RequestError::Api(ApiError::BotBlocked)));
            telegram_result::<()>(&Err(RequestError::Api(ApiError::BotBlocked)));
        });
        assert_eq!(sample(&text, "loket_telegram_messages_sent_total"), Some(1.0));
        assert_eq!(
            sample(&text, r#"loket_telegram_api_errors_total{code="403"}"#),
            Some(2.0)
        );
    }

    #[test]
    fn broadcast_and_http_are_counted() {
        use crate::telegram::BroadcastStep;
        let text = rendered(|| {
            for step in [
                BroadcastStep::Sent,
                BroadcastStep::Sent,
                BroadcastStep::Blocked,
                BroadcastStep::Idle,
            ] {
                broadcast_step(step);
            }
            http_request("GET", Some("/readyz"), 200, Duration::from_millis(3));
            http_request("GET", None, 404, Duration::from_millis(1));
        });
        assert_eq!(
            sample(&text, r#"loket_broadcast_messages_total{outcome="sent"}"#),
            Some(2.0)
        );
        assert_eq!(
            sample(&text, r#"loket_broadcast_messages_total{outcome="blocked"}"#),
            Some(1.0)
        );
        assert!(!text.contains("idle"));
        assert_eq!(
            sample(
                &text,
                r#"loket_http_requests_total{method="GET",route="/readyz",status="200"}"#
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"loket_http_requests_total{method="GET",route="unmatched",status="404"}"#
            ),
            Some(1.0)
        );
    }

    /// Regression: 5,000 random methods made 5,000 series. Client-chosen methods and odd status
    /// codes collapse into `other`.
    #[test]
    fn http_labels_come_from_closed_sets() {
        let text = rendered(|| {
            for i in 0..500 {
                http_request(&format!("M{i}"), None, 404, Duration::from_millis(1));
            }
            http_request("get", None, 404, Duration::from_millis(1));
            http_request("DELETE", Some("/healthz"), 599, Duration::from_millis(1));
            http_request("PATCH", Some("/healthz"), 405, Duration::from_millis(1));
        });
        assert_eq!(
            sample(
                &text,
                r#"loket_http_requests_total{method="other",route="unmatched",status="404"}"#
            ),
            Some(501.0),
            "{text}"
        );
        assert_eq!(
            sample(
                &text,
                r#"loket_http_requests_total{method="DELETE",route="/healthz",status="other"}"#
            ),
            Some(1.0),
            "{text}"
        );
        let series = text
            .lines()
            .filter(|l| l.starts_with("loket_http_requests_total{"))
            .count();
        assert_eq!(series, 3, "{text}");
        for method in HTTP_METHODS {
            assert_eq!(method_label(method), method);
        }
    }

    #[test]
    fn database_figures_render_as_gauges() {
        let stats = OpsStats {
            at: 0,
            complaints: ComplaintStatus::ALL.into_iter().map(|s| (s, 0)).collect(),
            overdue: 2,
            queues: vec![QueueStats {
                queue: "forward",
                pending: 3,
                ready: 2,
                in_flight: 1,
                dead: 4,
                oldest_ready_age_secs: 75,
            }],
            subscribers: SubscriberStats { active: 5, blocked: 1 },
            announcements: vec![AnnouncementStats {
                id: 9,
                status: "sending".into(),
                agency: None,
                created_at: 0,
                progress: BroadcastProgress {
                    total: 6,
                    sent: 4,
                    pending: 2,
                    failed: 0,
                    blocked: 0,
                },
            }],
            ratings: vec![crate::storage::HandlerRating {
                handler_id: "dinas-pu".into(),
                count: 2,
                sum: 9,
            }],
        };
        let text = render_ops(Some(&stats));
        for (series, value) in [
            ("loket_database_up", 1.0),
            (r#"loket_complaints{status="bukan_wewenang"}"#, 0.0),
            ("loket_complaints_overdue", 2.0),
            (r#"loket_queue_depth{queue="forward"}"#, 4.0),
            (r#"loket_queue_ready{queue="forward"}"#, 2.0),
            (r#"loket_queue_oldest_ready_age_seconds{queue="forward"}"#, 75.0),
            (r#"loket_queue_dead{queue="forward"}"#, 4.0),
            (r#"loket_subscribers{status="active"}"#, 5.0),
            (r#"loket_broadcast_tasks{announcement="9",status="sent"}"#, 4.0),
            (r#"loket_satisfaction_ratings{handler="dinas-pu"}"#, 2.0),
            (r#"loket_satisfaction_average{handler="dinas-pu"}"#, 4.5),
        ] {
            assert_eq!(sample(&text, series), Some(value), "{series} in {text}");
        }
        assert!(text.contains("# TYPE loket_queue_depth gauge"));
        let down = render_ops(None);
        assert_eq!(sample(&down, "loket_database_up"), Some(0.0));
        assert!(!down.contains("loket_complaints"));
    }

    /// Every metric name in this module is listed in the module docs (the operator's reference).
    #[test]
    fn every_metric_is_documented() {
        let source = include_str!("metrics.rs");
        let docs: String = source
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        let names: Vec<&str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("pub(crate) const "))
            .filter_map(|l| l.split('"').nth(1))
            .filter(|n| n.starts_with("loket_"))
            .collect();
        assert!(names.len() >= 19, "{names:?}");
        for name in names {
            assert!(
                docs.contains(&format!("`{name}`")),
                "{name} is missing from the module docs"
            );
        }
    }
}
