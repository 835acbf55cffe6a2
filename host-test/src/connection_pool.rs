//! Keep-alive HTTP/1.1 connections shared by every invocation of one host, and the only way
//! the host opens a connection: plain or TLS ([`crate::tls`]), pooled or not.
//!
//! A connector makes one or two requests per invocation, so a new TCP connection (and, for
//! https, a TLS handshake) per request would be most of its cost. This pool keeps connections
//! open between invocations, keyed by scheme, host, port and the address connected to. The
//! egress check ([`crate::egress`]) runs before the pool is asked and hands over the addresses it
//! checked, so a pooled connection can only ever carry a request the policy allows. The request
//! options the guest set are honoured as upstream does: the connect timeout bounds a new
//! connection, the first-byte timeout the wait for the response head, the between-bytes
//! timeout each wait for body data.
//!
//! hyper-util's pooled client was not used: its connect timeout is per client, not per request,
//! and the guest gives one per request.
//!
//! A connection goes back to the pool only once its response body was read to the end and hyper
//! says it can take the next request; a body dropped half-read drops its connection with it.
//! With `max_idle_per_authority` 0 no connection is kept: one connection per request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::client::conn::http1::SendRequest;
use tokio::net::TcpStream;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

use crate::egress::Destination;
use crate::tls;

/// How long a returned connection may take to be ready for its next request.
const READY_WAIT: Duration = Duration::from_millis(100);
/// What upstream waits when the guest gives no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Settings of a [`ConnectionPool`].
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Idle connections kept per scheme + authority; more are closed when returned.
    pub max_idle_per_authority: usize,
    /// An idle connection older than this is closed instead of reused (servers close idle
    /// connections too; reusing one they are closing fails the request).
    pub idle_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_idle_per_authority: 256,
            idle_timeout: Duration::from_secs(20),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct PoolKey {
    https: bool,
    /// The host as the endpoint wrote it: the TLS server name.
    host: String,
    /// The checked address the connection went to.
    address: SocketAddr,
}

struct IdleConnection {
    sender: SendRequest<WasiBody>,
    since: Instant,
}

/// Open connections waiting for their next request.
pub struct ConnectionPool {
    config: PoolConfig,
    idle: Mutex<HashMap<PoolKey, Vec<IdleConnection>>>,
    tls: tokio_rustls::TlsConnector,
}

/// A response and the future that drives its connection, as the `send_request` hook returns.
pub type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
);

impl ConnectionPool {
    /// An empty pool whose https connections use `tls`.
    pub fn new(config: PoolConfig, tls: Arc<rustls::ClientConfig>) -> Arc<Self> {
        Arc::new(Self {
            config,
            idle: Mutex::new(HashMap::new()),
            tls: tokio_rustls::TlsConnector::from(tls),
        })
    }

    /// Idle connections now held, over all authorities.
    pub fn idle_connections(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Sends `request` to `destination` (checked by the egress policy) on an idle connection to
    /// one of its addresses, or on a new one.
    pub async fn send(
        self: Arc<Self>,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        destination: Destination,
    ) -> Result<Sent, Error> {
        let timeout = |pick: fn(&RequestOptions) -> Option<Duration>| {
            options.as_ref().and_then(pick).unwrap_or(DEFAULT_TIMEOUT)
        };
        let first_byte_timeout = timeout(|o| o.first_byte_timeout);
        let between_bytes_timeout = timeout(|o| o.between_bytes_timeout).max(Duration::new(0, 1));

        // On the wire the request line carries only the path (origin form).
        let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
        *request.uri_mut() = http::Uri::try_from(path).map_err(|_| Error::HttpRequestUriInvalid)?;

        let (key, mut sender) = match self.ready_idle(&destination).await {
            Some(idle) => idle,
            None => {
                self.connect(&destination, timeout(|o| o.connect_timeout))
                    .await?
            }
        };
        let response = tokio::time::timeout(first_byte_timeout, sender.send_request(request))
            .await
            .map_err(|_| Error::ConnectionReadTimeout)?
            .map_err(Error::from)?;
        let mut between_bytes = tokio::time::interval(between_bytes_timeout);
        between_bytes.reset();
        let response = response.map(|incoming| {
            http_body_util::BodyExt::boxed_unsync(PooledBody {
                incoming,
                between_bytes,
                connection: Some((self, key, sender)),
            })
        });
        // The connection is driven by its own task (spawned in `connect`), not by this future.
        Ok((response, Box::new(async { Ok(()) })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PoolKey, Vec<IdleConnection>>> {
        // A panic while holding the lock leaves only a list of connections: still usable.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle connection to `destination` that can take a request now, if there is one.
    async fn ready_idle(
        &self,
        destination: &Destination,
    ) -> Option<(PoolKey, SendRequest<WasiBody>)> {
        while let Some((key, mut sender)) = self.take_idle(destination) {
            // Returned with its last response read: ready at once, or closing.
            let ready = tokio::time::timeout(READY_WAIT, sender.ready()).await;
            if matches!(ready, Ok(Ok(()))) {
                return Some((key, sender));
            }
        }
        None
    }

    fn take_idle(&self, destination: &Destination) -> Option<(PoolKey, SendRequest<WasiBody>)> {
        let mut idle = self.lock();
        for address in &destination.addresses {
            let key = PoolKey {
                https: destination.https,
                host: destination.host.clone(),
                address: *address,
            };
            let Some(connections) = idle.get_mut(&key) else {
                continue;
            };
            while let Some(connection) = connections.pop() {
                if !connection.sender.is_closed()
                    && connection.since.elapsed() < self.config.idle_timeout
                {
                    return Some((key, connection.sender));
                }
            }
        }
        None
    }

    fn put_idle(&self, key: PoolKey, sender: SendRequest<WasiBody>) {
        let mut idle = self.lock();
        let connections = idle.entry(key).or_default();
        connections.retain(|c| !c.sender.is_closed());
        if connections.len() < self.config.max_idle_per_authority {
            connections.push(IdleConnection {
                sender,
                since: Instant::now(),
            });
        }
    }

    /// Connects to the first of the checked addresses that answers, within `connect_timeout`.
    async fn connect(
        &self,
        destination: &Destination,
        connect_timeout: Duration,
    ) -> Result<(PoolKey, SendRequest<WasiBody>), Error> {
        let connecting = async {
            let mut last_error = None;
            for address in &destination.addresses {
                match TcpStream::connect(address).await {
                    Ok(tcp) => return Ok((*address, tcp)),
                    Err(e) => last_error = Some(e),
                }
            }
            Err(Error::Connect(last_error.unwrap_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no address to connect to")
            })))
        };
        let opening = async {
            let (address, tcp) = connecting.await?;
            // Requests are written as head then body: without this, Nagle's algorithm holds the
            // body back until the server acknowledges the head.
            tcp.set_nodelay(true).map_err(Error::Connect)?;
            let sender = if destination.https {
                let name = tls::server_name(&destination.host)?;
                let stream = self
                    .tls
                    .connect(name, tcp)
                    .await
                    .map_err(|e| tls::handshake_error(&e, &destination.host))?;
                handshake(stream).await?
            } else {
                handshake(tcp).await?
            };
            let key = PoolKey {
                https: destination.https,
                host: destination.host.clone(),
                address,
            };
            Ok((key, sender))
        };
        tokio::time::timeout(connect_timeout, opening)
            .await
            .map_err(|_| Error::ConnectionTimeout)?
    }
}

async fn handshake<S>(stream: S) -> Result<SendRequest<WasiBody>, Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    // Errors of the connection reach the request or body that was using it.
    tokio::spawn(connection);
    Ok(sender)
}

/// A response body that enforces the between-bytes timeout and, read to its end, gives its
/// connection back to the pool.
struct PooledBody {
    incoming: hyper::body::Incoming,
    between_bytes: tokio::time::Interval,
    connection: Option<(Arc<ConnectionPool>, PoolKey, SendRequest<WasiBody>)>,
}

impl PooledBody {
    fn release(&mut self) {
        let Some((pool, key, sender)) = self.connection.take() else {
            return;
        };
        // hyper marks the connection ready once its task has seen the response end, which can
        // come a moment after the last frame: it goes back now, and its next user waits for
        // that (`ready_idle`), so the next invocation never misses it.
        if !sender.is_closed() {
            pool.put_idle(key, sender);
        }
    }
}

impl Body for PooledBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.incoming).poll_frame(cx) {
            Poll::Ready(None) => {
                this.release();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(frame))) => {
                this.between_bytes.reset();
                if this.incoming.is_end_stream() {
                    this.release();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.connection = None;
                Poll::Ready(Some(Err(if e.is_timeout() {
                    Error::HttpResponseTimeout
                } else {
                    Error::from(e)
                })))
            }
            Poll::Pending => {
                ready!(this.between_bytes.poll_tick(cx));
                this.connection = None;
                Poll::Ready(Some(Err(Error::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming.size_hint()
    }
}
