//! The connection loop: every accepted TCP connection is served by hyper's HTTP/1.1 server
//! with axum's router, under limits that keep slow or idle clients from holding the site.
//!
//! `axum::serve` has no header timeout, no idle timeout and no cap on connections, so a
//! client sending one header byte every few seconds kept its connection for ever. Here each
//! connection is tracked from its reads and its requests:
//!
//! - **Headers.** Once the first byte of a request has arrived, the whole head must arrive
//!   within `header_timeout`, or the connection is closed.
//! - **Idle.** A connection with no request in flight and no byte received closes after
//!   `idle_timeout` (a keep-alive connection between requests, or one that never spoke).
//! - **Bodies.** A request body must arrive within `body_timeout`, plus a second for each
//!   [`BODY_BYTES_PER_SECOND`] it declares; after that the handler reads an error and the
//!   client gets a 408.
//! - **Cap.** At `max_connections`, a new connection closes the one that has waited longest
//!   without a request in flight (the slowest of the slow); if every connection is busy
//!   with a request, the new one is closed at once.
//!
//! Timeouts are checked by one task every quarter second, so each holds to within that.

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

/// How long the server waits for requests in flight when it is told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How often the timeouts are checked.
const SWEEP_EVERY: Duration = Duration::from_millis(250);
/// The slowest body upload that is not cut short: a body may take `body_timeout` plus one
/// second for each this many bytes it declares (as Apache's `MinRate` does).
pub const BODY_BYTES_PER_SECOND: u64 = 16 * 1024;

/// The limits of one server; `tidings.toml` sets them (see `config`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then waits (up to 30 seconds)
/// for the requests in flight to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let tracker = Arc::new(Tracker::new(limits.max_connections));
    let sweeper = tokio::spawn(sweep(tracker.clone(), limits));
    let (stopping, stop) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors or memory, or a connection reset before it
                    // was accepted: the listener itself is fine, so wait a moment.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(connection) = tracker.admit() else {
            tracing::warn!(%peer, "at the connection cap with every connection busy; closed");
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            peer,
            router.clone(),
            limits,
            connection,
            tracker.clone(),
            stop.clone(),
        ));
    }
    drop(listener);
    let _ = stopping.send(true);
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    loop {
        // Registered before the count is read: a connection that goes in between still
        // wakes this wait (`notify_waiters` keeps no permit for a waiter not yet there).
        let changed = tracker.changed.notified();
        let mut changed = pin!(changed);
        changed.as_mut().enable();
        if tracker.open() == 0 {
            break;
        }
        if tokio::time::timeout_at(deadline, changed).await.is_err() {
            tracing::warn!(
                open = tracker.open(),
                "connections still open after the grace period; closing them"
            );
            break;
        }
    }
    sweeper.abort();
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    connection: Arc<Connection>,
    tracker: Arc<Tracker>,
    mut stop: watch::Receiver<bool>,
) {
    let io = TokioIo::new(TrackedStream {
        inner: stream,
        connection: connection.clone(),
        tracker: tracker.clone(),
    });
    let service = ConnectionService {
        router,
        peer,
        body_timeout: limits.body_timeout,
        connection: connection.clone(),
        tracker: tracker.clone(),
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.keep_alive(true);
    let mut served = pin!(builder.serve_connection(io, service));
    let mut stopping = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                break;
            }
            () = connection.close.notified() => {
                tracing::debug!(%peer, "connection closed: too slow, idle, or over the cap");
                break;
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    tracing::debug!(
                        %peer,
                        busy = connection.busy.load(Ordering::Acquire),
                        "the server is stopping: the connection closes after its request"
                    );
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
    tracker.remove(connection.id);
}

/// What the sweeper knows of one connection. Times are milliseconds since the tracker
/// started; 0 means "not set".
struct Connection {
    id: u64,
    busy: AtomicBool,
    /// When its last response was handed over, or when it was accepted.
    idle_since: AtomicU64,
    /// When the first byte arrived since it went idle: a request head has begun.
    head_started: AtomicU64,
    close: Notify,
}

struct Tracker {
    started: Instant,
    max_connections: usize,
    next_id: AtomicU64,
    connections: Mutex<HashMap<u64, Arc<Connection>>>,
    /// Signalled when a connection goes, for a shutdown waiting on the last one.
    changed: Notify,
}

impl Tracker {
    fn new(max_connections: usize) -> Tracker {
        Tracker {
            started: Instant::now(),
            max_connections: max_connections.max(1),
            next_id: AtomicU64::new(1),
            connections: Mutex::new(HashMap::new()),
            changed: Notify::new(),
        }
    }

    /// Milliseconds since the tracker started, never 0.
    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    fn open(&self) -> usize {
        self.connections
            .lock()
            .map_or(0, |connections| connections.len())
    }

    /// Registers a new connection; at the cap, first closes the connection that has been
    /// waiting longest without a request in flight. `None` when every one is busy.
    fn admit(&self) -> Option<Arc<Connection>> {
        let mut connections = self.connections.lock().ok()?;
        if connections.len() >= self.max_connections {
            let longest_idle = connections
                .values()
                .filter(|connection| !connection.busy.load(Ordering::Acquire))
                .min_by_key(|connection| connection.idle_since.load(Ordering::Acquire))
                .cloned()?;
            connections.remove(&longest_idle.id);
            longest_idle.close.notify_one();
        }
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            busy: AtomicBool::new(false),
            idle_since: AtomicU64::new(self.now()),
            head_started: AtomicU64::new(0),
            close: Notify::new(),
        });
        connections.insert(connection.id, connection.clone());
        Some(connection)
    }

    fn remove(&self, id: u64) {
        if let Ok(mut connections) = self.connections.lock() {
            connections.remove(&id);
        }
        self.changed.notify_waiters();
    }

    /// Closes the connections whose head is too slow or whose idleness is too long.
    fn sweep(&self, limits: &Limits) {
        let now = self.now();
        let millis = |duration: Duration| u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        let Ok(mut connections) = self.connections.lock() else {
            return;
        };
        connections.retain(|_, connection| {
            if connection.busy.load(Ordering::Acquire) {
                return true;
            }
            let head_started = connection.head_started.load(Ordering::Acquire);
            let expired = if head_started != 0 {
                now.saturating_sub(head_started) > millis(limits.header_timeout)
            } else {
                now.saturating_sub(connection.idle_since.load(Ordering::Acquire))
                    > millis(limits.idle_timeout)
            };
            if expired {
                connection.close.notify_one();
            }
            !expired
        });
    }
}

async fn sweep(tracker: Arc<Tracker>, limits: Limits) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        tracker.sweep(&limits);
    }
}

/// The TCP stream, noting when a request head begins.
struct TrackedStream {
    inner: TcpStream,
    connection: Arc<Connection>,
    tracker: Arc<Tracker>,
}

impl AsyncRead for TrackedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buffer.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(context, buffer);
        if matches!(polled, Poll::Ready(Ok(()))) && buffer.filled().len() > before {
            let connection = &this.connection;
            if !connection.busy.load(Ordering::Acquire) {
                let _ = connection.head_started.compare_exchange(
                    0,
                    this.tracker.now(),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                );
            }
        }
        polled
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(context, buffer)
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(context)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(context, buffers)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The router, as hyper calls it for one connection's requests.
#[derive(Clone)]
struct ConnectionService {
    router: Router,
    peer: SocketAddr,
    body_timeout: Duration,
    connection: Arc<Connection>,
    tracker: Arc<Tracker>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for ConnectionService {
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        self.connection.busy.store(true, Ordering::Release);
        self.connection.head_started.store(0, Ordering::Release);
        let declared = request
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(0);
        let deadline = self.body_timeout + Duration::from_secs(declared / BODY_BYTES_PER_SECOND);
        let mut request = request.map(|body| DeadlineBody::new(body, deadline));
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let mut router = self.router.clone();
        let connection = self.connection.clone();
        let tracker = self.tracker.clone();
        Box::pin(async move {
            let response = tower::Service::call(&mut router, request).await;
            connection
                .idle_since
                .store(tracker.now(), Ordering::Release);
            connection.head_started.store(0, Ordering::Release);
            connection.busy.store(false, Ordering::Release);
            response
        })
    }
}

/// The error a request body gives when it did not arrive in time.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// Whether `error`, or anything that caused it, is a [`BodyTimedOut`].
pub fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<BodyTimedOut>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// A request body that fails with [`BodyTimedOut`] once `timeout` has passed since it was
/// first read. The timer starts then, not with the request: most requests (every GET) never
/// read a body, and need no timer at all.
struct DeadlineBody {
    inner: Incoming,
    timeout: Duration,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration) -> DeadlineBody {
        DeadlineBody {
            inner,
            timeout,
            deadline: None,
        }
    }
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(context) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        let timeout = this.timeout;
        let deadline = this
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if deadline.as_mut().poll(context).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
