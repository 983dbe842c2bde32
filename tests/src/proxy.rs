//! `TcpProxy`: a TCP relay on 127.0.0.1 between loket and its PostgreSQL server, so a drill can
//! take the database away without touching the shared server.
//!
//! [`TcpProxy::cut`] does what a PostgreSQL restart does to a client: every open connection is
//! dropped and the port stops listening, so new connections are refused
//! (`ECONNREFUSED`). [`TcpProxy::restore`] listens on the same port again. Dropping the proxy
//! stops it. Other tests on the same server are unaffected.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

#[derive(Default)]
struct Tasks {
    accept: Option<JoinHandle<()>>,
    /// One relay per accepted connection (finished ones are pruned now and then).
    relays: Vec<AbortHandle>,
    accepted: usize,
}

pub struct TcpProxy {
    addr: SocketAddr,
    upstream: String,
    tasks: Arc<Mutex<Tasks>>,
}

impl TcpProxy {
    /// Listens on a free loopback port and relays every connection to `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let proxy = Self {
            addr,
            upstream: upstream.to_owned(),
            tasks: Arc::default(),
        };
        proxy.serve(listener);
        proxy
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Connections accepted so far (a reconnect after [`restore`](Self::restore) shows here).
    pub fn accepted(&self) -> usize {
        self.tasks.lock().unwrap().accepted
    }

    fn serve(&self, listener: TcpListener) {
        let tasks = self.tasks.clone();
        let upstream = self.upstream.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let upstream = upstream.clone();
                let relay = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let mut client = client;
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let _ = copy_bidirectional(&mut client, &mut server).await;
                });
                let mut tasks = tasks.lock().unwrap();
                tasks.accepted += 1;
                tasks.relays.retain(|r| !r.is_finished());
                tasks.relays.push(relay.abort_handle());
            }
        });
        self.tasks.lock().unwrap().accept = Some(accept);
    }

    /// Drops every relayed connection and closes the listening port; returns once the port is
    /// closed (new connections are refused from then on).
    pub async fn cut(&self) {
        let accept = self.tasks.lock().unwrap().accept.take();
        if let Some(accept) = accept {
            accept.abort();
            // Once the aborted task is joined its listener has been dropped, and it registers
            // no further relay.
            let _ = accept.await;
        }
        let relays = std::mem::take(&mut self.tasks.lock().unwrap().relays);
        for relay in relays {
            relay.abort();
        }
    }

    /// Listens on the same port again (retrying briefly while the kernel still holds it).
    pub async fn restore(&self) {
        for _ in 0..100 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => return self.serve(listener),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!("cannot listen on {} again", self.addr);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        let mut tasks = self.tasks.lock().unwrap();
        if let Some(accept) = tasks.accept.take() {
            accept.abort();
        }
        for relay in tasks.relays.drain(..) {
            relay.abort();
        }
    }
}
