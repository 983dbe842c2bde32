//! Logging setup and the spans that give every log line its context: `tracing` for our code,
//! with the `log` records of dependencies (teloxide logs through `log`) bridged in.
//!
//! Human-readable lines locally; JSON lines in production (`LOKET_LOG_FORMAT=json`: one object
//! per line with `timestamp`, `level`, `target`, `fields`, the current `span` and the `spans`
//! list). The level comes from `RUST_LOG` (default `info`). Every Telegram update runs in an
//! `update` span (update id, chat id, kind; see [`traced_updates`]), every HTTP request in an
//! `http` span (method, matched route, path; [`request_span`]), every delivery in a `delivery`
//! span (worker, kind, task id) and every broadcast send in a `broadcast` span. Logs carry ids
//! (chat ids, tickets, task ids), never message contents or personal data at info level.
//!
//! `init` also installs the metrics recorder ([`crate::metrics::install`]), so counters are
//! recorded from the first update on.

use std::sync::Arc;

use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::dptree::di::DependencyMap;
use teloxide::dptree::{self, HandlerDescription, HandlerSignature};
use teloxide::types::Update;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How log lines are written (`LOKET_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Readable lines (the default).
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// `json` (any case) or `text`/`pretty`/unset; anything else is an error naming the variable.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(str::trim) {
            None | Some("") => Ok(Self::Text),
            Some(v) if v.eq_ignore_ascii_case("json") => Ok(Self::Json),
            Some(v) if v.eq_ignore_ascii_case("text") || v.eq_ignore_ascii_case("pretty") => Ok(Self::Text),
            Some(other) => Err(format!(
                "LOKET_LOG_FORMAT={other:?} is not understood (use \"json\" or \"text\"); logging as text"
            )),
        }
    }
}

/// The subscriber for `format`, writing to `writer`, filtered by `filter`.
fn subscriber<W>(format: LogFormat, filter: EnvFilter, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(builder.json().finish()),
    }
}

/// Installs the global subscriber and the `log` bridge once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let max_level = filter.max_level_hint();
    let (format, warning) = match LogFormat::parse(std::env::var("LOKET_LOG_FORMAT").ok().as_deref()) {
        Ok(format) => (format, None),
        Err(warning) => (LogFormat::Text, Some(warning)),
    };
    if tracing::subscriber::set_global_default(subscriber(format, filter, std::io::stderr)).is_ok() {
        let log_level = match max_level {
            Some(tracing::level_filters::LevelFilter::OFF) => tracing_log::log::LevelFilter::Off,
            Some(tracing::level_filters::LevelFilter::ERROR) => tracing_log::log::LevelFilter::Error,
            Some(tracing::level_filters::LevelFilter::WARN) => tracing_log::log::LevelFilter::Warn,
            Some(tracing::level_filters::LevelFilter::INFO) => tracing_log::log::LevelFilter::Info,
            Some(tracing::level_filters::LevelFilter::DEBUG) => tracing_log::log::LevelFilter::Debug,
            _ => tracing_log::log::LevelFilter::Trace,
        };
        let _ = tracing_log::LogTracer::builder().with_max_level(log_level).init();
        if let Some(warning) = warning {
            tracing::warn!("{warning}");
        }
    }
    crate::metrics::install();
}

/// The span of one HTTP request: method, matched route and path (no query string: it may carry
/// filters a citizen typed). `tower_http`'s `TraceLayer` calls it.
pub(crate) fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str());
    tracing::info_span!(
        "http",
        method = %request.method(),
        route,
        path = request.uri().path(),
    )
}

fn update_kind(update: &Update) -> &'static str {
    use teloxide::types::UpdateKind;
    match update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        _ => "other",
    }
}

/// Wraps the update tree: every update is counted (`loket_telegram_updates_total`) and handled
/// inside an `update` span with its id, chat id and kind.
pub fn traced_updates<E>(handler: UpdateHandler<E>) -> UpdateHandler<E>
where
    E: Send + Sync + 'static,
{
    let entry = dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        |deps: DependencyMap, cont| async move {
            let Some(update) = deps.try_get::<Update>() else {
                return cont(deps).await;
            };
            let update: Arc<Update> = update;
            crate::metrics::update_received(&update);
            let span = tracing::info_span!(
                "update",
                update_id = update.id.0,
                chat_id = update.chat().map(|c| c.id.0),
                kind = update_kind(&update),
            );
            cont(deps).instrument(span).await
        },
        HandlerSignature::Entry,
    );
    entry.chain(handler)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn log_format_is_read_from_the_variable() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("JSON")), Ok(LogFormat::Json));
        assert_eq!(LogFormat::parse(Some(" text ")), Ok(LogFormat::Text));
        let error = LogFormat::parse(Some("xml")).unwrap_err();
        assert!(error.contains("LOKET_LOG_FORMAT") && error.contains("xml"), "{error}");
    }

    /// A writer that keeps everything written to it.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Captured;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn json_lines_carry_the_span_ids_and_bridged_log_records() {
        // The bridge `init` installs as the `log` logger, called directly: the global logger may
        // belong to whichever test set one first.
        use tracing_log::log::Log as _;
        let bridge = tracing_log::LogTracer::new();
        let out = Captured::default();
        let subscriber = subscriber(LogFormat::Json, EnvFilter::new("info"), out.clone());
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("update", update_id = 7, chat_id = 424242_i64, kind = "message");
            let _entered = span.enter();
            tracing::info!(ticket = "LKT-7K2M-9QXD", "complaint filed");
            bridge.log(
                &tracing_log::log::Record::builder()
                    .level(tracing_log::log::Level::Warn)
                    .target("teloxide::dispatching")
                    .args(format_args!("from the log crate"))
                    .build(),
            );
            tracing::debug!("below the level");
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0]["level"], "INFO");
        assert_eq!(lines[0]["fields"]["ticket"], "LKT-7K2M-9QXD");
        assert_eq!(lines[0]["span"]["name"], "update");
        assert_eq!(lines[0]["span"]["chat_id"], 424242);
        assert_eq!(lines[1]["level"], "WARN");
        assert_eq!(lines[1]["fields"]["message"], "from the log crate");
        assert_eq!(
            lines[1]["span"]["chat_id"], 424242,
            "bridged records join the current span"
        );
    }

    #[test]
    fn request_spans_name_the_route_not_the_query() {
        let out = Captured::default();
        let subscriber = subscriber(LogFormat::Json, EnvFilter::new("info"), out.clone());
        tracing::subscriber::with_default(subscriber, || {
            let request = axum::http::Request::get("/api/v1/complaints/LKT-7K2M-9QXD?q=rahasia")
                .body(())
                .unwrap();
            let span = request_span(&request);
            span.in_scope(|| tracing::info!("served"));
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(line["span"]["route"], "unmatched", "no router ran");
        assert_eq!(line["span"]["path"], "/api/v1/complaints/LKT-7K2M-9QXD");
        assert!(!text.contains("rahasia"), "{text}");
    }

    #[test]
    fn every_update_is_counted_and_handled_in_a_span_with_its_chat() {
        use teloxide_tests::{IntoUpdate, MockMessageText, MockPrivateChat};
        let update = MockMessageText::new()
            .text("halo")
            .chat(MockPrivateChat::new().id(4242).first_name("Siti").build())
            .into_update(&std::sync::atomic::AtomicI32::new(77))
            .remove(0);
        let handler: UpdateHandler<std::convert::Infallible> = traced_updates(dptree::endpoint(|| async {
            tracing::info!("handled");
            Ok(())
        }));
        let out = Captured::default();
        let subscriber = subscriber(LogFormat::Json, EnvFilter::new("info"), out.clone());
        let recorder = crate::metrics::builder().build_recorder();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        tracing::subscriber::with_default(subscriber, || {
            metrics::with_local_recorder(&recorder, || {
                let outcome = runtime.block_on(handler.dispatch(dptree::deps![update]));
                assert!(matches!(outcome, std::ops::ControlFlow::Break(Ok(()))));
            })
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(line["span"]["name"], "update");
        assert_eq!(line["span"]["update_id"], 77, "{text}");
        assert_eq!(line["span"]["chat_id"], 4242, "{text}");
        assert_eq!(line["span"]["kind"], "message");
        assert!(
            !text.contains("halo") && !text.contains("Siti"),
            "no message content: {text}"
        );
        let metrics = recorder.handle().render();
        assert!(
            metrics.contains(r#"loket_telegram_updates_total{kind="message"} 1"#),
            "{metrics}"
        );
    }
}
