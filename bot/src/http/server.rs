//! The HTTP server loop of `loket serve`, with the limits a public port needs, and its settings
//! (`[http]`).
//!
//! `axum::serve` sets no header-read timeout and accepts without limit: an audit held 19,980
//! half-open requests until the process ran out of file handles and `/healthz` stopped answering.
//! [`serve`] therefore runs hyper's HTTP/1 connection itself with
//! - a header-read timeout (`header_read_timeout_secs`): a client that has not sent a complete
//!   request head within it (slowloris, or an idle keep-alive connection) is disconnected;
//! - a limit on open connections (`max_connections`): beyond it, new connections wait in the
//!   kernel's accept queue until one closes, so file handles stay bounded;
//! - a request timeout (`request_timeout_secs`, answered 408 in JSON) and a body timeout
//!   (`body_timeout_secs` between two pieces of the body), see [`with_timeouts`];
//! - the peer address as [`ConnectInfo`] (or the one the reverse proxy names in
//!   `client_ip_header`, see [`client_ip`]) for per-address limits.
//!
//! In production a reverse proxy (nginx, Caddy) terminates TLS in front of this port and buffers
//! slow clients; these limits keep loket standing when the proxy lets something through or when
//! the port is reached directly (see `deploy/OPERATIONS.md`).

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;
use tower_http::timeout::{TimeoutBody, TimeoutLayer};

/// `[http]`: the API port's limits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Largest accepted request body (413 above).
    pub body_limit_bytes: usize,
    /// Longest time a client may take to send a request head (slow or idle connections are closed).
    pub header_read_timeout_secs: u64,
    /// Longest time one request may take, body and answer included (408 after).
    pub request_timeout_secs: u64,
    /// Longest wait for the next piece of a request body.
    pub body_timeout_secs: u64,
    /// Open connections at most; more wait until one closes.
    pub max_connections: usize,
    /// A header in which the reverse proxy in front names the client's address (e.g.
    /// `x-real-ip`, or `x-forwarded-for`, of which the last entry counts). Unset: the peer's
    /// address. Set it only when every request passes through a proxy you control.
    pub client_ip_header: Option<String>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit_bytes: 64 * 1024,
            header_read_timeout_secs: 10,
            request_timeout_secs: 30,
            body_timeout_secs: 10,
            max_connections: 1024,
            client_ip_header: None,
        }
    }
}

impl HttpSettings {
    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.body_limit_bytes >= 1024,
            "http.body_limit_bytes must be at least 1024"
        );
        for (value, key) in [
            (self.header_read_timeout_secs, "http.header_read_timeout_secs"),
            (self.request_timeout_secs, "http.request_timeout_secs"),
            (self.body_timeout_secs, "http.body_timeout_secs"),
        ] {
            anyhow::ensure!((1..=3600).contains(&value), "{key} must be between 1 and 3600 seconds");
        }
        anyhow::ensure!(
            (1..=1_000_000).contains(&self.max_connections),
            "http.max_connections must be between 1 and 1000000"
        );
        if let Some(name) = &self.client_ip_header {
            anyhow::ensure!(
                axum::http::HeaderName::try_from(name.as_str()).is_ok(),
                "http.client_ip_header {name:?} is not a valid header name"
            );
        }
        Ok(())
    }

    pub fn limits(&self) -> ServerLimits {
        ServerLimits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            body_timeout: Duration::from_secs(self.body_timeout_secs),
            max_connections: self.max_connections,
        }
    }
}

/// The limits [`serve`] applies (from [`HttpSettings::limits`]; tests use shorter ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

/// The client's address: the last entry of `header` when configured and present (what the
/// proxy in front appended), else the peer's address.
pub(crate) fn client_ip(request: &Request, header: Option<&str>) -> Option<IpAddr> {
    if let Some(name) = header
        && let Some(ip) = request
            .headers()
            .get_all(name)
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// `app` with the request timeout (408, JSON) and the body timeout.
pub fn with_timeouts(app: Router, limits: &ServerLimits) -> Router {
    let body_timeout = limits.body_timeout;
    app.layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let (parts, body) = request.into_parts();
        let body = Body::new(TimeoutBody::new(body_timeout, body));
        next.run(Request::from_parts(parts, body))
    }))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ))
    .layer(axum::middleware::from_fn(super::guard::json_errors))
}

/// Resolves once the stop signal is set (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves, then lets open requests
/// finish (at most one request timeout) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = with_timeouts(app, &limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stop = stop_rx.clone();
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = stopped(&mut stop) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file handles, or a connection reset before accept: wait, go on.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(request.map(Body::new))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %peer, "connection closed");
                    }
                }
                _ = stopped(&mut stop) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(limits.request_timeout, connection).await;
                }
            }
        });
    }
    drop(listener);
    // Wait for the open connections (each finishes within one request timeout after the signal).
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.request_timeout + Duration::from_secs(1), slots.acquire_many(all)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use serde_json::Value;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::*;

    fn limits(header_read_timeout: Duration, max_connections: usize) -> ServerLimits {
        ServerLimits {
            header_read_timeout,
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            max_connections,
        }
    }

    fn app() -> Router {
        Router::new()
            .route("/healthz", get(super::super::health::healthz))
            .route("/never", get(std::future::pending::<&'static str>))
    }

    /// Serves `app()` on a random port; the returned sender stops it.
    async fn start(limits: ServerLimits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, app(), limits, async {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// A slowloris client: a request head that never ends.
    async fn slow_socket(addr: SocketAddr) -> TcpStream {
        let mut socket = TcpStream::connect(addr).await.unwrap();
        socket
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: loket\r\nX-Slow: 1")
            .await
            .unwrap();
        socket
    }

    /// Reads until the server closes the connection; what it sent before.
    async fn read_to_close(socket: &mut TcpStream) -> Vec<u8> {
        let mut received = Vec::new();
        // A bound so a broken server fails the test instead of hanging it.
        let read = tokio::time::timeout(Duration::from_secs(60), socket.read_to_end(&mut received)).await;
        assert!(read.is_ok(), "the server never closed the slow connection");
        received
    }

    async fn healthz(addr: SocketAddr) -> reqwest::StatusCode {
        reqwest::get(format!("http://{addr}/healthz")).await.unwrap().status()
    }

    /// Regression: 19,980 half-open requests exhausted the file handles and `/healthz` stopped
    /// answering. Slow clients are now disconnected, and healthy requests are answered meanwhile.
    #[tokio::test]
    async fn slow_clients_are_disconnected_while_healthz_keeps_answering() {
        let (addr, _stop) = start(limits(Duration::from_millis(300), 64)).await;
        let mut slow = Vec::new();
        for _ in 0..40 {
            slow.push(slow_socket(addr).await);
        }
        for _ in 0..5 {
            assert_eq!(healthz(addr).await, reqwest::StatusCode::OK);
        }
        for socket in &mut slow {
            let received = read_to_close(socket).await;
            assert!(
                !received.starts_with(b"HTTP/1.1 200"),
                "an unfinished request was not served"
            );
        }
        // A connection that sends nothing at all is closed too.
        let mut silent = TcpStream::connect(addr).await.unwrap();
        read_to_close(&mut silent).await;
        assert_eq!(healthz(addr).await, reqwest::StatusCode::OK);
    }

    #[tokio::test]
    async fn connections_beyond_the_limit_wait_for_a_free_slot() {
        let (addr, _stop) = start(limits(Duration::from_secs(600), 2)).await;
        let first = slow_socket(addr).await;
        let _second = slow_socket(addr).await;
        let waiting = tokio::spawn(healthz(addr));
        // Give the server every chance to (wrongly) serve a third connection.
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "a third connection was served beyond the limit");
        drop(first);
        assert_eq!(waiting.await.unwrap(), reqwest::StatusCode::OK);
    }

    #[tokio::test]
    async fn a_request_that_takes_too_long_is_a_json_408() {
        let mut limits = limits(Duration::from_secs(5), 8);
        limits.request_timeout = Duration::from_millis(100);
        let response = with_timeouts(app(), &limits)
            .oneshot(Request::get("/never").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], "request_timeout");
    }

    #[test]
    fn the_client_address_comes_from_the_proxy_header_only_when_configured() {
        let mut request = Request::get("/")
            .header("x-forwarded-for", "203.0.113.9, 198.51.100.7")
            .body(Body::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 5000))));
        assert_eq!(client_ip(&request, None), Some(IpAddr::from([127, 0, 0, 1])));
        assert_eq!(
            client_ip(&request, Some("x-forwarded-for")),
            Some(IpAddr::from([198, 51, 100, 7])),
            "the entry our proxy appended"
        );
        assert_eq!(
            client_ip(&request, Some("x-real-ip")),
            Some(IpAddr::from([127, 0, 0, 1])),
            "absent header: the peer"
        );
    }

    #[test]
    fn settings_are_checked() {
        assert!(HttpSettings::default().validate().is_ok());
        let cases = [
            HttpSettings {
                header_read_timeout_secs: 0,
                ..HttpSettings::default()
            },
            HttpSettings {
                max_connections: 0,
                ..HttpSettings::default()
            },
            HttpSettings {
                client_ip_header: Some("bad header".into()),
                ..HttpSettings::default()
            },
        ];
        for settings in cases {
            assert!(settings.validate().is_err(), "{settings:?}");
        }
    }
}
