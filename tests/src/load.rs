//! Intake load for the process-level tests (scale-out, failure drills): files Open311 complaints
//! against running `loket serve` processes and keeps every answer, so a test can tell accepted
//! complaints (a tracking number) from refused ones (status and JSON body) afterwards.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::valid_open311_form;

/// The environment of a `loket serve --no-telegram` child in these tests: the database, the
/// handlers file in `dir`, the shipped decrees, quick worker timings, then `extra` (later wins).
pub fn serve_env(database_url: &str, dir: &Path, extra: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("DATABASE_URL", database_url.to_owned()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        ("LOKET_STANDARDS_DIR", crate::standards_dir().display().to_string()),
        ("LOKET_DELIVERY__INITIAL_BACKOFF_SECS", "1".into()),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    env
}

/// What `POST /open311/v2/requests.json` answered.
#[derive(Debug, Clone)]
pub enum Filed {
    /// 200 with this tracking number.
    Accepted(String),
    /// Any other status, with the body (JSON when it was JSON, else the text as a string).
    Refused(u16, Value),
    /// No HTTP answer at all (connection refused or reset, timeout).
    NoAnswer(String),
}

/// Files one valid Open311 complaint at `address` (`http://127.0.0.1:port`).
pub async fn file_open311(client: &reqwest::Client, address: &str) -> Filed {
    let response = match client
        .post(format!("{address}/open311/v2/requests.json"))
        .form(&valid_open311_form())
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => return Filed::NoAnswer(e.to_string()),
    };
    let status = response.status().as_u16();
    let text = match response.text().await {
        Ok(text) => text,
        Err(e) => return Filed::NoAnswer(e.to_string()),
    };
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    match (status, body[0]["service_request_id"].as_str()) {
        (200, Some(ticket)) => Filed::Accepted(ticket.to_owned()),
        _ => Filed::Refused(status, body),
    }
}

/// Files `count` complaints with `concurrency` clients at once, spreading them round-robin over
/// `addresses`; returns every answer.
pub async fn file_many(client: &reqwest::Client, addresses: &[String], count: usize, concurrency: usize) -> Vec<Filed> {
    let mut set = JoinSet::new();
    for lane in 0..concurrency {
        let client = client.clone();
        let addresses = addresses.to_vec();
        set.spawn(async move {
            let mut answers = Vec::new();
            for i in (lane..count).step_by(concurrency) {
                answers.push(file_open311(&client, &addresses[i % addresses.len()]).await);
            }
            answers
        });
    }
    let mut answers = Vec::with_capacity(count);
    while let Some(lane) = set.join_next().await {
        answers.extend(lane.expect("intake lane"));
    }
    answers
}

/// The tracking numbers of the accepted answers; panics on any other answer.
pub fn all_accepted(answers: &[Filed]) -> Vec<String> {
    answers
        .iter()
        .map(|a| match a {
            Filed::Accepted(ticket) => ticket.clone(),
            other => panic!("intake refused a valid complaint: {other:?}"),
        })
        .collect()
}

/// Intake that keeps going in the background (`lanes` clients, each filing one complaint after
/// another at `address`) until [`stop`](Self::stop): the load under which a drill breaks
/// something.
pub struct BackgroundLoad {
    answers: Arc<Mutex<Vec<Filed>>>,
    stop: watch::Sender<bool>,
    lanes: JoinSet<()>,
}

impl BackgroundLoad {
    pub fn start(client: &reqwest::Client, address: &str, lanes: usize) -> Self {
        let answers = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = watch::channel(false);
        let mut set = JoinSet::new();
        for _ in 0..lanes {
            let client = client.clone();
            let address = address.to_owned();
            let answers = answers.clone();
            let stopped = stopped.clone();
            set.spawn(async move {
                while !*stopped.borrow() {
                    let answer = file_open311(&client, &address).await;
                    answers.lock().unwrap().push(answer);
                }
            });
        }
        Self {
            answers,
            stop,
            lanes: set,
        }
    }

    /// Every answer so far.
    pub fn answers(&self) -> Vec<Filed> {
        self.answers.lock().unwrap().clone()
    }

    /// How many complaints were accepted so far.
    pub fn accepted(&self) -> usize {
        self.answers
            .lock()
            .unwrap()
            .iter()
            .filter(|a| matches!(a, Filed::Accepted(_)))
            .count()
    }

    /// Lets every lane finish its current request, then returns all answers.
    pub async fn stop(mut self) -> Vec<Filed> {
        self.stop.send_replace(true);
        while let Some(lane) = self.lanes.join_next().await {
            lane.expect("load lane");
        }
        self.answers()
    }
}
