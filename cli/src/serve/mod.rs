//! `ddb-connector serve --config FILE`: the component's served form (`wasi:http/incoming-handler`)
//! as a multi-tenant HTTP service, on this host: one fresh sandbox per request with the host's
//! egress policy, TLS trust, pool and limits, plus bearer-token tenants, per-tenant rate and
//! concurrency limits, a host-wide queue, metrics, a JSON log and a graceful stop.
//! docs/serve.md is the operator's guide.

mod cache_dir;
mod config;
mod handler;
mod limits;
mod log;
mod metrics;
mod server;
mod tenants;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use ddb_connector_host::ConnectorHost;

use handler::Service;
use limits::{HostSlots, TenantLimits};
use server::Listeners;

/// Why the server could not start.
#[derive(Debug)]
pub(crate) enum ServeError {
    /// The configuration is wrong: the message names the key. Exit status 2.
    Config(String),
    /// The component could not be loaded. Exit status 3.
    Load(String),
}

impl ServeError {
    fn exit_code(&self) -> ExitCode {
        match self {
            Self::Config(_) => ExitCode::from(2),
            Self::Load(_) => ExitCode::from(3),
        }
    }
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Config(why) => write!(f, "configuration: {why}"),
            Self::Load(why) => write!(f, "component: {why}"),
        }
    }
}

/// Runs the server with the configuration at `config_path`; `default_component` when the
/// configuration names none. Exit status: 0 after a stop signal, 2 for a bad configuration,
/// 3 when the component cannot be loaded, 1 when the drain ran out of time.
pub(crate) fn run(config_path: &Path, default_component: PathBuf) -> ExitCode {
    log::init();
    let config = match config::load(config_path) {
        Ok(config) => config,
        Err(e) => {
            tracing::error!(error = %e, "not started");
            return e.exit_code();
        }
    };
    let runtime = match runtime(config.worker_threads) {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the runtime");
            return ExitCode::from(3);
        }
    };
    match runtime.block_on(start_and_serve(config, default_component)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            tracing::warn!("the drain timeout passed with requests still in flight");
            ExitCode::from(1)
        }
        Err(e) => {
            tracing::error!(error = %e, "not started");
            e.exit_code()
        }
    }
}

/// One thread: no work stealing, and no TLB shootdowns between cores when a freed instance's
/// memory is decommitted (BENCHMARKS.md, issue 22); more: tokio's multi-threaded scheduler.
fn runtime(
    worker_threads: Option<std::num::NonZeroUsize>,
) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = match worker_threads.map(|n| n.get()) {
        Some(1) => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(n);
            builder
        }
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    builder.enable_all().build()
}

async fn start_and_serve(
    config: config::ServeConfig,
    default_component: PathBuf,
) -> Result<bool, ServeError> {
    let component = config.component.clone().unwrap_or(default_component);
    let bind = |key: &str, address| {
        let key = key.to_string();
        async move {
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| ServeError::Config(format!("{key}: cannot listen on {address}: {e}")))
        }
    };
    let listeners = Listeners {
        main: bind("listen", config.listen).await?,
        metrics: match config.metrics_listen {
            Some(address) => Some(bind("metrics_listen", address).await?),
            None => None,
        },
    };
    let host = ConnectorHost::from_file(&component, config.host.clone())
        .map_err(|e| ServeError::Load(format!("{}: {e:#}", component.display())))?;
    if !host.serves_http() {
        return Err(ServeError::Load(format!(
            "{} does not export wasi:http/incoming-handler (build the served form)",
            component.display()
        )));
    }
    let tenants = tenants::Tenants::new(config.tenants.clone());
    let service = Arc::new(Service {
        limits: tenants.all().iter().map(TenantLimits::new).collect(),
        tenants,
        host,
        slots: HostSlots::new(config.host.max_concurrent_invocations, config.queue_timeout),
        metrics: metrics::Metrics::new(),
        max_request_bytes: config.host.max_request_bytes,
    });
    log_start(&config, &listeners, &component);
    let drained = server::serve(service, listeners, config.drain_timeout)
        .await
        .map_err(|e| ServeError::Load(format!("cannot watch for stop signals: {e}")))?;
    tracing::info!(drained, "stopped");
    Ok(drained)
}

fn log_start(config: &config::ServeConfig, listeners: &Listeners, component: &Path) {
    let address =
        |l: &tokio::net::TcpListener| l.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let tenants: Vec<&str> = config.tenants.iter().map(|t| t.name.as_str()).collect();
    tracing::info!(
        listen = %address(&listeners.main),
        metrics_listen = %listeners.metrics.as_ref().map(address).unwrap_or_default(),
        component = %component.display(),
        tenants = %tenants.join(","),
        max_concurrent = config.host.max_concurrent_invocations,
        allow_outbound = %config.host.egress.describe().join(" "),
        "listening"
    );
}
