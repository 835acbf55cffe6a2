//! Connections: HTTP/1.1 and HTTP/2 (prior knowledge) on each listener (hyper-util's `auto`),
//! until SIGTERM or SIGINT; then no new connection is accepted, the requests in flight finish
//! (up to the drain timeout), and the server stops.

use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};

use super::handler::{Listener, Service};

/// The listeners: `listen`, and `metrics_listen` when set.
pub(crate) struct Listeners {
    pub(crate) main: TcpListener,
    pub(crate) metrics: Option<TcpListener>,
}

/// Serves until a stop signal, then drains. `true` when every connection finished within
/// `drain_timeout`.
pub(crate) async fn serve(
    service: Arc<Service>,
    listeners: Listeners,
    drain_timeout: Duration,
) -> std::io::Result<bool> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // The timer bounds how long a client may take to send its headers.
    builder.http1().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let stop = stop_signal()?;
    tokio::pin!(stop);
    let main = Listener::Main {
        metrics: listeners.metrics.is_none(),
    };
    loop {
        let (stream, listener) = tokio::select! {
            () = &mut stop => break,
            accepted = listeners.main.accept() => (accepted, main),
            accepted = accept(listeners.metrics.as_ref()) => (accepted, Listener::Metrics),
        };
        let stream = match stream {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, a connection reset before accept: wait a little.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        connection(&builder, &graceful, service.clone(), stream, listener);
    }
    drop(listeners);
    tracing::info!(
        drain_timeout_ms = drain_timeout.as_millis() as u64,
        "draining"
    );
    Ok(tokio::time::timeout(drain_timeout, graceful.shutdown())
        .await
        .is_ok())
}

async fn accept(
    listener: Option<&TcpListener>,
) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(listener) => listener.accept().await,
        None => std::future::pending().await,
    }
}

/// Serves one connection on its own task, watched by the graceful shutdown.
fn connection(
    builder: &auto::Builder<TokioExecutor>,
    graceful: &GracefulShutdown,
    service: Arc<Service>,
    stream: TcpStream,
    listener: Listener,
) {
    let _ = stream.set_nodelay(true);
    let handler = service_fn(move |request| {
        let service = service.clone();
        async move { Ok::<_, std::convert::Infallible>(service.handle(request, listener).await) }
    });
    let connection = builder
        .serve_connection(TokioIo::new(stream), handler)
        .into_owned();
    let connection = graceful.watch(connection);
    tokio::spawn(async move {
        // A client that goes away mid-request is its own business.
        let _ = connection.await;
    });
}

/// Resolves on the first SIGTERM or SIGINT.
fn stop_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => tracing::info!(signal = "SIGTERM", "stopping"),
            _ = interrupt.recv() => tracing::info!(signal = "SIGINT", "stopping"),
        }
    })
}
