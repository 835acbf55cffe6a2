//! The `serve` configuration file (TOML): read, checked, and turned into the host's settings.
//!
//! Every error names the key it is about (`tenants.acme.token_sha256: …`), and a file with an
//! unknown key is refused (`deny_unknown_fields`): a misspelt limit must not silently be no limit.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ddb_connector_host::{EgressPolicy, HostConfig, Tenant};
use serde::Deserialize;

use super::ServeError;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    listen: SocketAddr,
    metrics_listen: Option<SocketAddr>,
    component: Option<PathBuf>,
    allow_outbound: Option<Vec<String>>,
    #[serde(default)]
    ca_files: Vec<PathBuf>,
    compiled_cache: Option<PathBuf>,
    #[serde(default = "default_max_concurrent")]
    max_concurrent: u32,
    #[serde(default = "default_queue_timeout_ms")]
    queue_timeout_ms: u64,
    #[serde(default = "default_max_request_bytes")]
    max_request_bytes: usize,
    #[serde(default = "default_drain_timeout_ms")]
    drain_timeout_ms: u64,
    fuel: Option<u64>,
    memory_limit_bytes: Option<usize>,
    worker_threads: Option<usize>,
    #[serde(default)]
    tenants: BTreeMap<String, TenantFile>,
}

fn default_max_concurrent() -> u32 {
    ddb_connector_host::DEFAULT_MAX_CONCURRENT_INVOCATIONS
}
fn default_queue_timeout_ms() -> u64 {
    1000
}
fn default_max_request_bytes() -> usize {
    ddb_connector_host::DEFAULT_MAX_REQUEST_BYTES
}
fn default_drain_timeout_ms() -> u64 {
    30_000
}

/// One `[tenants.NAME]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantFile {
    token_sha256: String,
    allow_outbound: Option<Vec<String>>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    max_concurrent: Option<u32>,
    requests_per_second: Option<f64>,
    burst: Option<u32>,
}

/// A tenant's request rate: `per_second` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rate {
    pub(crate) per_second: f64,
    pub(crate) burst: NonZeroU32,
}

/// One tenant, checked.
#[derive(Debug, Clone)]
pub(crate) struct TenantSettings {
    /// The table's name: the `tenant` of logs and metrics.
    pub(crate) name: String,
    /// SHA-256 of its bearer token.
    pub(crate) token_sha256: [u8; 32],
    /// Its sandbox's environment and egress narrowing.
    pub(crate) sandbox: Tenant,
    /// Its invocations at once; more are answered 429.
    pub(crate) max_concurrent: Option<NonZeroU32>,
    /// Its request rate; faster is answered 429.
    pub(crate) rate: Option<Rate>,
}

/// The whole configuration, checked.
#[derive(Debug, Clone)]
pub(crate) struct ServeConfig {
    pub(crate) listen: SocketAddr,
    pub(crate) metrics_listen: Option<SocketAddr>,
    /// The component's `.wasm`, when the file names one.
    pub(crate) component: Option<PathBuf>,
    /// The host's settings: egress, TLS trust, limits, slots (`max_concurrent`).
    pub(crate) host: HostConfig,
    pub(crate) queue_timeout: Duration,
    pub(crate) drain_timeout: Duration,
    /// Threads answering requests; `None`: one per core.
    pub(crate) worker_threads: Option<NonZeroUsize>,
    pub(crate) tenants: Vec<TenantSettings>,
}

/// Reads and checks the configuration file at `path`.
pub(crate) fn load(path: &Path) -> Result<ServeConfig, ServeError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ServeError::Config(format!(
            "cannot read the configuration {}: {e}",
            path.display()
        ))
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, base)
}

/// Reads and checks a configuration's text; relative paths in it are relative to `base`.
pub(crate) fn parse(text: &str, base: &Path) -> Result<ServeConfig, ServeError> {
    let file: ConfigFile =
        toml::from_str(text).map_err(|e| ServeError::Config(toml_error(text, &e)))?;
    let bad = |key: &str, why: String| ServeError::Config(format!("{key}: {why}"));
    let max_concurrent = NonZeroU32::new(file.max_concurrent)
        .ok_or_else(|| bad("max_concurrent", "must be at least 1".into()))?;
    if file.max_request_bytes == 0 {
        return Err(bad("max_request_bytes", "must be at least 1".into()));
    }
    let mut host = HostConfig {
        max_concurrent_invocations: max_concurrent.get(),
        max_request_bytes: file.max_request_bytes,
        ..HostConfig::default()
    };
    if let Some(rules) = &file.allow_outbound {
        host.egress =
            EgressPolicy::rules(rules).map_err(|why| bad("allow_outbound", why.to_string()))?;
    }
    for (i, ca) in file.ca_files.iter().enumerate() {
        host.tls
            .add_pem_file(&base.join(ca))
            .map_err(|why| bad(&format!("ca_files[{i}]"), why.to_string()))?;
    }
    if let Some(fuel) = file.fuel {
        host.fuel = fuel;
    }
    if let Some(limit) = file.memory_limit_bytes {
        host.memory_limit = limit;
    }
    if let Some(cache) = &file.compiled_cache {
        let cache = base.join(cache);
        super::cache_dir::check(&cache).map_err(|why| bad("compiled_cache", why))?;
        host.compiled_cache = Some(cache);
    }
    Ok(ServeConfig {
        listen: file.listen,
        metrics_listen: file.metrics_listen,
        component: file.component.map(|c| base.join(c)),
        host,
        queue_timeout: Duration::from_millis(file.queue_timeout_ms),
        drain_timeout: Duration::from_millis(file.drain_timeout_ms),
        worker_threads: match file.worker_threads {
            Some(n) => Some(
                NonZeroUsize::new(n)
                    .ok_or_else(|| bad("worker_threads", "must be at least 1".into()))?,
            ),
            None => None,
        },
        tenants: tenants(file.tenants)?,
    })
}

/// Checks every tenant; token hashes must differ (a token picks exactly one tenant).
fn tenants(files: BTreeMap<String, TenantFile>) -> Result<Vec<TenantSettings>, ServeError> {
    if files.is_empty() {
        return Err(ServeError::Config(
            "tenants: at least one [tenants.NAME] table is needed".into(),
        ));
    }
    let mut checked: Vec<TenantSettings> = Vec::new();
    for (name, file) in files {
        let tenant = self::tenant(name, file)?;
        if let Some(other) = checked
            .iter()
            .find(|t| t.token_sha256 == tenant.token_sha256)
        {
            return Err(ServeError::Config(format!(
                "tenants.{}.token_sha256: the same as tenants.{}.token_sha256",
                tenant.name, other.name
            )));
        }
        checked.push(tenant);
    }
    Ok(checked)
}

fn tenant(name: String, file: TenantFile) -> Result<TenantSettings, ServeError> {
    let key = |field: &str| format!("tenants.{name}.{field}");
    let bad = |field: &str, why: &str| ServeError::Config(format!("{}: {why}", key(field)));
    let named_well = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !named_well {
        return Err(ServeError::Config(format!(
            "tenants.{name}: a tenant's name is 1 to 64 letters, digits, '-', '_' or '.'"
        )));
    }
    let token_sha256 = hex32(&file.token_sha256)
        .ok_or_else(|| bad("token_sha256", "must be 64 hexadecimal digits (a SHA-256)"))?;
    let outbound = match &file.allow_outbound {
        Some(rules) => Some(
            EgressPolicy::rules(rules)
                .map_err(|why| ServeError::Config(format!("{}: {why}", key("allow_outbound"))))?,
        ),
        None => None,
    };
    if let Some(bad_name) = file
        .env
        .keys()
        .find(|k| k.is_empty() || k.contains(['=', '\0']))
    {
        // The name only: a value may be a secret.
        return Err(bad("env", &format!("{bad_name:?} is not a variable name")));
    }
    let max_concurrent = match file.max_concurrent {
        Some(n) => {
            Some(NonZeroU32::new(n).ok_or_else(|| bad("max_concurrent", "must be at least 1"))?)
        }
        None => None,
    };
    let rate = rate(&file).map_err(|(field, why)| bad(field, why))?;
    Ok(TenantSettings {
        sandbox: Tenant {
            env: file.env.into_iter().collect(),
            outbound,
        },
        name,
        token_sha256,
        max_concurrent,
        rate,
    })
}

fn rate(file: &TenantFile) -> Result<Option<Rate>, (&'static str, &'static str)> {
    let Some(per_second) = file.requests_per_second else {
        return match file.burst {
            Some(_) => Err(("burst", "needs requests_per_second")),
            None => Ok(None),
        };
    };
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(("requests_per_second", "must be a number above 0"));
    }
    // Without a burst, one second's worth (at least one request).
    let burst = file.burst.unwrap_or(per_second.ceil() as u32);
    let burst = NonZeroU32::new(burst).ok_or(("burst", "must be at least 1"))?;
    Ok(Some(Rate { per_second, burst }))
}

/// A TOML error as `key (line N): what`, without the source line that toml's own message
/// quotes, nor a quoted value: either may be a secret (a tenant's `env`).
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = match error.message().split_once(" \"") {
        // `invalid type: string "…", expected …`: the value goes.
        Some((head, rest)) => match rest.split_once("\", ") {
            Some((_, tail)) => format!("{head}, {tail}"),
            None => head.to_string(),
        },
        None => error.message().to_string(),
    };
    let Some(span) = error.span() else {
        return message;
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let key = match line_text.split_once('=') {
        Some((key, _)) if !line_text.trim_start().starts_with('[') => key.trim().trim_matches('"'),
        _ => "",
    };
    let table = before
        .lines()
        .rev()
        .skip(usize::from(!key.is_empty()))
        .find_map(|l| l.trim().strip_prefix('['))
        .map(|l| l.trim_end_matches(']').trim());
    let path = match (table, key) {
        (Some(table), "") => table.to_string(),
        (Some(table), key) => format!("{table}.{key}"),
        (None, key) => key.to_string(),
    };
    format!("{path} (line {line}): {message}")
}

/// 64 hexadecimal digits as 32 bytes.
fn hex32(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests;
