//! A real headless Chromium driven over the W3C WebDriver protocol (Debian's `chromium` and
//! `chromium-driver`; `scripts/ensure-chromium` installs them), for the web console's tests and
//! the web chat's (whose page lives in an iframe on another site: [`Browser::switch_to_frame`]).
//!
//! [`Browser::start`] runs `chromedriver` on a free loopback port and opens one headless session
//! at a given window size. chromedriver runs in a process group of its own, which the Chromium
//! processes it starts join; dropping the `Browser` (also while a failing test unwinds) kills
//! the whole group, so no browser outlives its test. The protocol is a handful of JSON calls, spoken over
//! `reqwest` here rather than through a client crate. Missing binaries are installed once per test
//! process with `scripts/ensure-chromium`; when that cannot install them the test fails loudly,
//! never skips.
//! Screenshots are written under `target/browser-screenshots/`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

/// W3C's key for an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Runs the project's `scripts/ensure-chromium` (Debian's packages, installed when missing) once
/// per test process, so the README's test command works on a fresh machine of this kind.
fn install_once() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/ensure-chromium");
        let status = std::process::Command::new(&script)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(status.success(), "{} failed ({status})", script.display());
    });
}

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// Where screenshots go: `target/browser-screenshots/` of the workspace.
pub fn screenshot_dir() -> PathBuf {
    let dir = crate::repo_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("cannot create target/browser-screenshots");
    dir
}

pub struct Browser {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`
    session: String,
    driver: DriverGroup,
}

/// chromedriver and the Chromium processes it started: one process group, killed together on
/// drop. Killing chromedriver alone would leave its browsers running after a test panics.
struct DriverGroup {
    child: tokio::process::Child,
    /// The group's id: chromedriver's pid (it leads its own group).
    id: u32,
}

impl Drop for DriverGroup {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.id)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        // Reaps chromedriver (`kill_on_drop` would only signal it).
        let _ = self.child.start_kill();
        let _ = self.child.try_wait();
    }
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a `width` x `height` window.
    pub async fn start(width: u32, height: u32) -> Self {
        let chromium = binary("LOKET_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("LOKET_CHROMEDRIVER", "/usr/bin/chromedriver");
        if !(chromium.exists() && chromedriver.exists()) {
            install_once();
        }
        assert!(
            chromium.exists() && chromedriver.exists(),
            "browser tests need {} and {}; scripts/ensure-chromium did not install them: install Debian's \
             chromium and chromium-driver, or set LOKET_CHROMIUM / LOKET_CHROMEDRIVER",
            chromium.display(),
            chromedriver.display()
        );
        let port = crate::process::free_port();
        let child = tokio::process::Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start chromedriver");
        let driver = DriverGroup {
            id: child.id().expect("chromedriver's pid"),
            child,
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("HTTP client");
        let base = format!("http://127.0.0.1:{port}");
        let mut ready = false;
        for _ in 0..200 {
            if let Ok(response) = http.get(format!("{base}/status")).send().await
                && let Ok(status) = response.json::<Value>().await
                && status["value"]["ready"] == json!(true)
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(ready, "chromedriver did not become ready on port {port}");
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium.display().to_string(),
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-extensions",
                            "--no-first-run",
                            "--lang=id-ID",
                            format!("--window-size={width},{height}"),
                        ]
                    }
                }
            }
        });
        let response: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .expect("WebDriver new session")
            .json()
            .await
            .expect("WebDriver new session JSON");
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {response}"))
            .to_owned();
        let browser = Self {
            http,
            session: format!("{base}/session/{id}"),
            driver,
        };
        browser.resize(width, height).await;
        browser
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_call(method.clone(), path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {method} {path} -> {e}"))
    }

    async fn try_call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value["value"].clone())
        } else {
            Err(format!("{status}: {value}"))
        }
    }

    /// Runs `action` on the element matching `css`, finding it again while the page is still
    /// being replaced (a form was just submitted, a status refreshed): a stale reference is
    /// retried, boundedly, whichever way Chrome reports it ("stale element reference", or a
    /// node that "does not belong to the document" when it is replaced during the call).
    async fn on_element(&self, css: &str, method: reqwest::Method, action: &str, body: Option<Value>) -> Value {
        let mut last = String::new();
        for _ in 0..50 {
            if let Some(id) = self.try_find(css).await {
                match self
                    .try_call(method.clone(), &format!("/element/{id}{action}"), body.clone())
                    .await
                {
                    Ok(value) => return value,
                    Err(e)
                        if e.contains("stale element reference") || e.contains("does not belong to the document") =>
                    {
                        last = e
                    }
                    Err(e) => panic!("WebDriver {action} on {css:?} -> {e}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no usable element {css:?} on {} ({last}):\n{}",
            self.current_url().await,
            self.source().await
        )
    }

    /// Sets the window's outer size (the layout width the page sees, near enough).
    pub async fn resize(&self, width: u32, height: u32) {
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn current_url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's HTML as the browser holds it now.
    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The element matching `css`, if any.
    pub async fn try_find(&self, css: &str) -> Option<String> {
        let response = self
            .http
            .post(format!("{}/element", self.session))
            .json(&json!({"using": "css selector", "value": css}))
            .send()
            .await
            .expect("WebDriver find element");
        if !response.status().is_success() {
            return None;
        }
        let value: Value = response.json().await.ok()?;
        value["value"][ELEMENT_KEY].as_str().map(str::to_owned)
    }

    /// The element matching `css`; panics (with the page) when there is none.
    pub async fn find(&self, css: &str) -> String {
        match self.try_find(css).await {
            Some(id) => id,
            None => panic!(
                "no element {css:?} on {}:\n{}",
                self.current_url().await,
                self.source().await
            ),
        }
    }

    pub async fn click(&self, css: &str) {
        self.on_element(css, reqwest::Method::POST, "/click", Some(json!({})))
            .await;
    }

    /// Types `text` into the field matching `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        self.on_element(css, reqwest::Method::POST, "/clear", Some(json!({})))
            .await;
        self.on_element(css, reqwest::Method::POST, "/value", Some(json!({ "text": text })))
            .await;
    }

    /// Makes the `<iframe>` matching `css` the context of every later call (waiting, boundedly,
    /// until it exists), as a citizen uses a chat embedded in another site's page.
    pub async fn switch_to_frame(&self, css: &str) {
        let mut id = None;
        for _ in 0..50 {
            id = self.try_find(css).await;
            if id.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let Some(id) = id else {
            panic!("no frame {css:?} on {}", self.current_url().await);
        };
        self.call(
            reqwest::Method::POST,
            "/frame",
            Some(json!({ "id": { ELEMENT_KEY: id } })),
        )
        .await;
    }

    /// Back to the top-level page after [`switch_to_frame`](Self::switch_to_frame).
    pub async fn switch_to_page(&self) {
        self.call(reqwest::Method::POST, "/frame", Some(json!({ "id": null })))
            .await;
    }

    /// The visible text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.on_element(css, reqwest::Method::GET, "/text", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (boundedly) until the text of `css` contains `expected`, as after a form submit
    /// whose new page may still be loading; returns the last text seen.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let mut text = String::new();
        for _ in 0..50 {
            text = self.text(css).await;
            if text.contains(expected) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        text
    }

    /// Waits (boundedly) until the page's address contains `part`; returns the last address.
    pub async fn wait_for_url(&self, part: &str) -> String {
        let mut url = String::new();
        for _ in 0..50 {
            url = self.current_url().await;
            if url.contains(part) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        url
    }

    /// Waits (boundedly) until the page's HTML contains `expected`; returns the last HTML.
    pub async fn wait_for_source(&self, expected: &str) -> String {
        let mut html = String::new();
        for _ in 0..50 {
            html = self.source().await;
            if html.contains(expected) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        html
    }

    /// Runs `script` in the page (synchronously) and returns its value.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
        .await
    }

    /// Writes a PNG of the viewport to `target/browser-screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = decode_base64(encoded.as_str().expect("screenshot is base64 text"));
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("cannot write the screenshot");
        path
    }

    /// The process group of chromedriver and its browsers (killed when the `Browser` drops).
    pub fn process_group(&self) -> u32 {
        self.driver.id
    }

    /// Ends the session, then the driver and any browser left (on drop).
    pub async fn quit(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}

/// Standard base64 (with padding), as WebDriver sends screenshots.
fn decode_base64(text: &str) -> Vec<u8> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// Processes of group `group` that still run (a killed child waiting to be reaped is gone).
pub fn live_processes_in_group(group: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces.
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                let fields: Vec<&str> = stat
                    .rsplit_once(')')
                    .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
                fields.len() > 2 && fields[0] != "Z" && fields[0] != "X" && fields[2] == group.to_string()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Browser, decode_base64, live_processes_in_group};

    /// Regression: a test that panicked left chromedriver's Chromium processes running.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_test_leaves_no_browser_behind() {
        let (started, group) = tokio::sync::oneshot::channel();
        let (fail, failing) = tokio::sync::oneshot::channel::<()>();
        let test = tokio::spawn(async move {
            let browser = Browser::start(400, 300).await;
            browser.goto("about:blank").await;
            let _ = started.send(browser.process_group());
            let _ = failing.await;
            panic!("a failing browser test (on purpose)");
        });
        let group = group.await.expect("the browser started");
        let running = live_processes_in_group(group);
        assert!(
            running.len() > 1,
            "chromedriver and Chromium share the group: {running:?}"
        );
        let _ = fail.send(());
        assert!(test.await.expect_err("the test panicked").is_panic());
        let mut left = live_processes_in_group(group);
        for _ in 0..50 {
            if left.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            left = live_processes_in_group(group);
        }
        assert!(left.is_empty(), "processes of chromedriver's group still run: {left:?}");
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(decode_base64("aGFsbw=="), b"halo");
        assert_eq!(decode_base64("bG9rZXQ="), b"loket");
        assert_eq!(decode_base64("YWJj"), b"abc");
    }
}
