//! Keep-alive HTTP/1.1 connections shared by every invocation of one host.
//!
//! wasmtime-wasi-http's `default_send_request` opens a new TCP connection (and, for https, a new
//! TLS session) for every request. A connector makes one or two requests per invocation, so that
//! handshake is most of its cost. This pool keeps connections open between invocations, keyed by
//! scheme and authority: the endpoint check in the hook runs before the pool is asked, so a guest
//! still reaches only its own endpoint. The request options the guest set are honoured as
//! upstream does: the connect timeout bounds a new connection, the first-byte timeout the wait
//! for the response head, the between-bytes timeout each wait for body data.
//!
//! hyper-util's pooled client was not used: its connect timeout is per client, not per request,
//! and the guest gives one per request.
//!
//! A connection goes back to the pool only once its response body was read to the end and hyper
//! says it can take the next request; a body dropped half-read drops its connection with it.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::client::conn::http1::SendRequest;
use tokio::net::TcpStream;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

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
    /// `host:port`, the port filled in.
    authority: String,
}

struct IdleConnection {
    sender: SendRequest<WasiBody>,
    since: Instant,
}

/// Open connections waiting for their next request.
pub struct ConnectionPool {
    config: PoolConfig,
    idle: Mutex<HashMap<PoolKey, Vec<IdleConnection>>>,
    tls: OnceLock<tokio_rustls::TlsConnector>,
}

/// A response and the future that drives its connection, as the `send_request` hook returns.
pub type Sent = (
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
);

impl ConnectionPool {
    /// An empty pool.
    pub fn new(config: PoolConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            idle: Mutex::new(HashMap::new()),
            tls: OnceLock::new(),
        })
    }

    /// Idle connections now held, over all authorities.
    pub fn idle_connections(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    /// Sends `request` on an idle connection to its authority, or on a new one.
    pub async fn send(
        self: Arc<Self>,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<Sent, Error> {
        let uri = request.uri();
        let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
        let authority = uri.authority().ok_or(Error::HttpRequestUriInvalid)?;
        let authority = match authority.port() {
            Some(_) => authority.to_string(),
            None => format!("{authority}:{}", if https { 443 } else { 80 }),
        };
        let key = PoolKey { https, authority };
        let timeout = |pick: fn(&RequestOptions) -> Option<Duration>| {
            options.as_ref().and_then(pick).unwrap_or(DEFAULT_TIMEOUT)
        };
        let first_byte_timeout = timeout(|o| o.first_byte_timeout);
        let between_bytes_timeout = timeout(|o| o.between_bytes_timeout).max(Duration::new(0, 1));

        // On the wire the request line carries only the path (origin form).
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        *request.uri_mut() = http::Uri::try_from(path).map_err(|_| Error::HttpRequestUriInvalid)?;

        let mut sender = match self.take_idle(&key) {
            Some(sender) => sender,
            None => self.connect(&key, timeout(|o| o.connect_timeout)).await?,
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

    fn take_idle(&self, key: &PoolKey) -> Option<SendRequest<WasiBody>> {
        let mut idle = self.lock();
        let connections = idle.get_mut(key)?;
        while let Some(connection) = connections.pop() {
            if connection.sender.is_ready() && connection.since.elapsed() < self.config.idle_timeout
            {
                return Some(connection.sender);
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

    async fn connect(
        &self,
        key: &PoolKey,
        connect_timeout: Duration,
    ) -> Result<SendRequest<WasiBody>, Error> {
        let connecting = async {
            let tcp = TcpStream::connect(&key.authority)
                .await
                .map_err(Error::Connect)?;
            // Requests are written as head then body: without this, Nagle's algorithm holds the
            // body back until the server acknowledges the head.
            tcp.set_nodelay(true).map_err(Error::Connect)?;
            if key.https {
                let name = server_name(&key.authority).map_err(Error::InvalidDnsNameError)?;
                let tls = self
                    .tls_connector()
                    .connect(name, tcp)
                    .await
                    .map_err(Error::Tls)?;
                handshake(tls).await
            } else {
                handshake(tcp).await
            }
        };
        tokio::time::timeout(connect_timeout, connecting)
            .await
            .map_err(|_| Error::ConnectionTimeout)?
    }

    fn tls_connector(&self) -> &tokio_rustls::TlsConnector {
        self.tls.get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.into(),
            };
            let config = rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth();
            tokio_rustls::TlsConnector::from(Arc::new(config))
        })
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

/// The TLS server name of `host:port` (an IP literal, bracketed for IPv6, or a DNS name).
fn server_name(
    authority: &str,
) -> Result<rustls::pki_types::ServerName<'static>, rustls::pki_types::InvalidDnsNameError> {
    if let Ok(address) = authority.parse::<std::net::SocketAddr>() {
        return Ok(address.ip().into());
    }
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    rustls::pki_types::ServerName::try_from(host.to_string())
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
        let Some((pool, key, mut sender)) = self.connection.take() else {
            return;
        };
        if sender.is_ready() {
            pool.put_idle(key, sender);
        } else if !sender.is_closed() {
            // hyper marks the connection ready once it has seen the response end; that can
            // come a poll after the last frame.
            tokio::spawn(async move {
                if sender.ready().await.is_ok() {
                    pool.put_idle(key, sender);
                }
            });
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
