//! The host settings the measurements load components with.

use std::path::Path;
use std::sync::Arc;

use ddb_connector_host::{ConnectorHost, EgressPolicy, HostConfig};

/// `config` with egress to loopback only (the canned server and moto run there).
pub fn loopback(config: HostConfig) -> HostConfig {
    HostConfig {
        egress: EgressPolicy::rules([
            "http://127.0.0.1:*",
            "https://127.0.0.1:*",
            "http://localhost:*",
        ])
        .expect("valid rules"),
        ..config
    }
}

/// The SDK peer's host: it also links all of WASI, as the SDK on wasip2 imports
/// wasi:filesystem, which the connector does not.
pub fn sdk_host_config(config: HostConfig) -> HostConfig {
    HostConfig {
        link_all_of_wasi: true,
        ..config
    }
}

/// The component at `path` in a loopback host, compiled through the cache in `out`.
pub fn load_cached(
    path: &Path,
    config: HostConfig,
    out: &Path,
) -> Result<Arc<ConnectorHost>, String> {
    let config = HostConfig {
        compiled_cache: Some(out.join("compiled")),
        ..loopback(config)
    };
    ConnectorHost::from_file(path, config)
        .map(Arc::new)
        .map_err(|e| format!("loading {}: {e:#}", path.display()))
}
