//! A native wasmtime host for the DynamoDB connector component.
//!
//! It loads the component once, and runs each invocation in a fresh [`Store`] that holds
//! exactly what the connector may use: outgoing HTTP to the request's own endpoint and no
//! other, clocks, random, and the tenant's environment (its credentials chain). No files,
//! no sockets, no inherited stdio. Memory and CPU are capped per invocation.
//!
//! Speed comes from what invocations share, never from sharing a sandbox: the compiled
//! component (optionally cached on disk as a precompiled artifact), the pre-linked
//! `InstancePre`, the pooling allocator's reserved slots, and a pool of keep-alive
//! connections ([`connection_pool`]).

pub mod connection_pool;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::Semaphore;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context as _;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ResourceLimiter, Store,
    StoreLimits, StoreLimitsBuilder,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

pub use connection_pool::{ConnectionPool, PoolConfig};
pub use ddb_connector::ConnectorError;

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "dynamodb-connector",
        exports: { default: async },
        with: {
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
            "wasi:random": wasmtime_wasi::p2::bindings::random,
            "wasi:cli": wasmtime_wasi::p2::bindings::cli,
        },
    });
}

/// The connector's WIT types, as the host sees them (for the typed `execute`).
pub use bindings::connectors::dynamodb::types as wit;
use bindings::{DynamodbConnector, DynamodbConnectorPre};

/// Default cap on one invocation's linear memory.
pub const DEFAULT_MEMORY_LIMIT: usize = 64 << 20;
/// Default CPU cap of one invocation, in wasm fuel (about one unit per instruction).
pub const DEFAULT_FUEL: u64 = 5_000_000_000;
/// Default cap on one HTTP response body the guest may read.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 16 << 20;
/// Default cap on the in-memory size of one wasi:http fields (headers) resource.
pub const DEFAULT_MAX_FIELDS_SIZE: usize = 64 << 10;
/// Default number of invocations that run at once; more wait for a slot.
pub const DEFAULT_MAX_CONCURRENT_INVOCATIONS: u32 = 256;
/// Bytes of guest stderr kept for diagnostics.
const STDERR_CAPACITY: usize = 16 << 10;

/// Limits and settings of the host.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Cap on one invocation's linear memory, in bytes; growth past it traps.
    pub memory_limit: usize,
    /// Cap on one invocation's CPU, in wasm fuel; running out traps.
    pub fuel: u64,
    /// Cap on one HTTP response body; past it the guest's read fails.
    pub max_response_body: usize,
    /// Cap on one wasi:http fields resource (headers), in bytes of its in-memory form.
    pub max_fields_size: usize,
    /// Invocations running at once; more wait. With the pooling allocator this is also the
    /// number of instance slots reserved up front.
    pub max_concurrent_invocations: u32,
    /// Instantiate from pre-reserved slots (wasmtime's pooling allocator) instead of mapping
    /// fresh memory for every invocation.
    pub pooling_allocator: bool,
    /// Reuse keep-alive connections across invocations; `None` opens one connection per
    /// request (wasmtime-wasi-http's default sender).
    pub connection_pool: Option<PoolConfig>,
    /// A directory for precompiled components (`.cwasm`), keyed by the component's bytes and
    /// the engine's configuration: the second load skips compilation. The directory must be the
    /// host's own: what it holds is loaded as native code, mapped from the file (artifacts are
    /// only ever replaced by rename, never rewritten in place).
    pub compiled_cache: Option<PathBuf>,
}

impl Default for HostConfig {
    fn default() -> Self {
        Self {
            memory_limit: DEFAULT_MEMORY_LIMIT,
            fuel: DEFAULT_FUEL,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            max_fields_size: DEFAULT_MAX_FIELDS_SIZE,
            max_concurrent_invocations: DEFAULT_MAX_CONCURRENT_INVOCATIONS,
            pooling_allocator: true,
            connection_pool: Some(PoolConfig::default()),
            compiled_cache: None,
        }
    }
}

impl HostConfig {
    /// The unpooled host: on-demand allocation and one connection per request. Kept to
    /// measure what pooling buys, and for hosts that cannot reserve address space up front.
    pub fn unpooled() -> Self {
        Self {
            pooling_allocator: false,
            connection_pool: None,
            ..Self::default()
        }
    }

    /// The engine configuration these settings need.
    pub fn engine_config(&self) -> Config {
        let mut config = Config::new();
        // Fuel caps each invocation's CPU: a guest in a loop traps instead of holding a thread.
        config.consume_fuel(true);
        // The guest is a wasi:http 0.2 component with synchronous exports: the component-model
        // async machinery would only add per-store state, and a worker fiber whose disposal
        // builds an error (a captured backtrace, under RUST_BACKTRACE) on every Store drop.
        config.concurrency_support(false);
        if self.pooling_allocator {
            let slots = self.max_concurrent_invocations;
            let mut pooling = PoolingAllocationConfig::default();
            // A connector component holds one component instance of a few core instances,
            // one memory and a couple of tables; room for a little more than that per slot.
            pooling
                .total_component_instances(slots)
                .total_core_instances(slots * 8)
                .total_memories(slots * 2)
                .total_tables(slots * 4)
                .total_stacks(slots)
                .max_memory_size(self.memory_limit);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        }
        config
    }
}

/// One tenant's sandbox settings: the environment its invocation sees.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Environment variables, such as `AWS_ACCESS_KEY_ID` for the default credentials chain.
    pub env: Vec<(String, String)>,
}

/// What one invocation gave.
#[derive(Debug)]
pub struct Invocation<T> {
    /// The connector's answer.
    pub result: Result<T, ConnectorError>,
    /// HTTP requests the guest started (allowed or not).
    pub http_requests: u32,
    /// HTTP requests the host refused because they went elsewhere than the endpoint.
    pub denied_requests: u32,
    /// The largest the guest's linear memory grew to, in bytes.
    pub memory_high_water: usize,
    /// Fuel the invocation used: about one unit per wasm instruction run.
    pub fuel_consumed: u64,
}

/// The loaded component, ready to be instantiated once per invocation.
pub struct ConnectorHost {
    engine: Engine,
    pre: DynamodbConnectorPre<InvocationState>,
    config: HostConfig,
    slots: Semaphore,
    pool: Option<Arc<ConnectionPool>>,
}

impl ConnectorHost {
    /// Loads the component from a `.wasm` file, through the compiled cache when the
    /// configuration names one.
    pub fn from_file(path: impl AsRef<Path>, config: HostConfig) -> wasmtime::Result<Self> {
        let path = path.as_ref();
        let engine = Engine::new(&config.engine_config())?;
        let component = match &config.compiled_cache {
            Some(cache) => load_cached(&engine, path, cache)?,
            None => Component::from_file(&engine, path)
                .with_context(|| format!("loading the component {}", path.display()))?,
        };
        Self::from_component(engine, component, config)
    }

    /// Uses an already compiled component. The engine must have been made from
    /// [`HostConfig::engine_config`] of the same `config`.
    pub fn from_component(
        engine: Engine,
        component: Component,
        config: HostConfig,
    ) -> wasmtime::Result<Self> {
        let mut linker = Linker::<InvocationState>::new(&engine);
        // All of WASI is linked, but the context grants no files, sockets or stdio: what the
        // guest can reach is decided by the WasiCtx and the HTTP hook, not by the link set.
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = DynamodbConnectorPre::new(linker.instantiate_pre(&component)?)?;
        Ok(Self {
            engine,
            pre,
            slots: Semaphore::new(config.max_concurrent_invocations as usize),
            pool: config.connection_pool.clone().map(ConnectionPool::new),
            config,
        })
    }

    /// The engine, for precompiling or loading more components.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The shared connection pool, when connections are reused.
    pub fn connection_pool(&self) -> Option<&Arc<ConnectionPool>> {
        self.pool.as_ref()
    }

    /// The names of the interfaces the component imports: what it asks of its sandbox.
    pub fn component_imports(&self) -> Vec<String> {
        let component = self.pre.instance_pre().component();
        component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Runs one request given as JSON text (`execute-json`). `Err` is a host failure or a
    /// guest trap; connector errors are in [`Invocation::result`].
    pub async fn execute_json(
        &self,
        request: &str,
        tenant: &Tenant,
    ) -> wasmtime::Result<Invocation<String>> {
        let target = endpoint_of_json(request);
        self.invoke(target, tenant, async |connector, store| {
            let answer = connector
                .connectors_dynamodb_connector()
                .call_execute_json(store, request)
                .await?;
            Ok(answer.map_err(from_wit_error))
        })
        .await
    }

    /// Runs one typed request (`execute`).
    pub async fn execute(
        &self,
        request: wit::Request,
        tenant: &Tenant,
    ) -> wasmtime::Result<Invocation<wit::Response>> {
        let target = endpoint_of(
            &request.configuration.region,
            request.configuration.endpoint.as_deref(),
        );
        self.invoke(target, tenant, async |connector, store| {
            let answer = connector
                .connectors_dynamodb_connector()
                .call_execute(store, &request)
                .await?;
            Ok(answer.map_err(from_wit_error))
        })
        .await
    }

    /// Creates a fresh sandbox and instantiates the component in it, without calling it: the
    /// per-invocation setup cost alone (for benchmarks). Returns the memory high-water.
    pub async fn instantiate_only(&self, tenant: &Tenant) -> wasmtime::Result<usize> {
        let _slot = self.slots.acquire().await?;
        let (mut store, _, _) = self.new_store(None, tenant)?;
        self.pre.instantiate_async(&mut store).await?;
        Ok(store.data().limits.memory_high_water)
    }

    fn new_store(
        &self,
        allowed: Option<ddb_connector::input::Endpoint>,
        tenant: &Tenant,
    ) -> wasmtime::Result<(Store<InvocationState>, MemoryOutputPipe, Arc<Counters>)> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtx::builder()
            .envs(&tenant.env)
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let counters = Arc::new(Counters::default());
        let mut http = WasiHttpCtx::new();
        http.set_field_size_limit(self.config.max_fields_size);
        let state = InvocationState {
            wasi,
            http,
            table: ResourceTable::new(),
            hooks: EndpointHooks {
                allowed,
                counters: counters.clone(),
                max_response_body: self.config.max_response_body,
                pool: self.pool.clone(),
            },
            limits: InvocationLimits {
                limits: StoreLimitsBuilder::new()
                    .memory_size(self.config.memory_limit)
                    .trap_on_grow_failure(true)
                    .instances(4)
                    .tables(16)
                    .memories(4)
                    .build(),
                memory_high_water: 0,
            },
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limits);
        store.set_fuel(self.config.fuel)?;
        Ok((store, stderr, counters))
    }

    async fn invoke<T>(
        &self,
        allowed: Option<ddb_connector::input::Endpoint>,
        tenant: &Tenant,
        call: impl AsyncFnOnce(
            &DynamodbConnector,
            &mut Store<InvocationState>,
        ) -> wasmtime::Result<Result<T, ConnectorError>>,
    ) -> wasmtime::Result<Invocation<T>> {
        let _slot = self.slots.acquire().await?;
        let (mut store, stderr, counters) = self.new_store(allowed, tenant)?;
        let outcome = async {
            let connector = self.pre.instantiate_async(&mut store).await?;
            call(&connector, &mut store).await
        }
        .await;
        let result = outcome.map_err(|e| {
            let diagnostics = String::from_utf8_lossy(&stderr.contents())
                .trim()
                .to_string();
            if diagnostics.is_empty() {
                e
            } else {
                e.context(format!("guest stderr: {diagnostics}"))
            }
        })?;
        Ok(Invocation {
            result,
            http_requests: counters.sent.load(Ordering::Relaxed),
            denied_requests: counters.denied.load(Ordering::Relaxed),
            memory_high_water: store.data().limits.memory_high_water,
            fuel_consumed: self.config.fuel - store.get_fuel().unwrap_or(0),
        })
    }
}

/// Loads `path` through the cache directory: a precompiled artifact named by the hash of the
/// component's bytes and of the engine's compatibility settings, made on first use.
fn load_cached(engine: &Engine, path: &Path, cache: &Path) -> wasmtime::Result<Component> {
    use sha2::Digest as _;
    use std::hash::{Hash as _, Hasher};

    /// Feeds what `Hash` writes into SHA-256: a key stable across processes and builds.
    struct Sha256Hasher(sha2::Sha256);
    impl Hasher for Sha256Hasher {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        fn finish(&self) -> u64 {
            0
        }
    }

    let wasm =
        std::fs::read(path).with_context(|| format!("reading the component {}", path.display()))?;
    let mut hasher = Sha256Hasher(sha2::Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.write(&wasm);
    let key: String = hasher
        .0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let artifact = cache.join(format!("{key}.cwasm"));
    if artifact.exists() {
        // SAFETY: the artifact was written by `precompile_component` of an engine with the same
        // compatibility hash, into the host's own cache directory; wasmtime also checks its
        // header and refuses an artifact of another configuration.
        match unsafe { Component::deserialize_file(engine, &artifact) } {
            Ok(component) => return Ok(component),
            // A damaged or foreign artifact is rebuilt below.
            Err(_) => {
                let _ = std::fs::remove_file(&artifact);
            }
        }
    }
    let compiled = engine.precompile_component(&wasm)?;
    std::fs::create_dir_all(cache)
        .with_context(|| format!("creating the cache directory {}", cache.display()))?;
    // Written aside and renamed, so a concurrent loader never sees half an artifact.
    let partial = cache.join(format!("{key}.{}.partial", std::process::id()));
    std::fs::write(&partial, &compiled)
        .with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &artifact)
        .with_context(|| format!("writing {}", artifact.display()))?;
    // SAFETY: just written by this engine's `precompile_component`.
    unsafe { Component::deserialize(engine, &compiled) }
}

/// Where a JSON request will send to, by the connector's own rules; `None` when the
/// request is too broken to say, and then nothing is allowed. Reads only `configuration` and
/// `authentication`: the rest (the items) is skipped without being built.
fn endpoint_of_json(request: &str) -> Option<ddb_connector::input::Endpoint> {
    #[derive(serde::Deserialize)]
    struct Probe {
        configuration: Option<serde_json::Value>,
        authentication: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_str(request).ok()?;
    let config = probe.configuration?;
    let region = config
        .get("region")
        .or_else(|| probe.authentication.as_ref()?.get("region"))
        .and_then(|r| r.as_str())
        .unwrap_or_default();
    endpoint_of(region, config.get("endpoint").and_then(|e| e.as_str()))
}

fn endpoint_of(region: &str, endpoint: Option<&str>) -> Option<ddb_connector::input::Endpoint> {
    match endpoint {
        Some(url) => ddb_connector::input::parse_endpoint(url).ok(),
        None if !region.is_empty() => Some(ddb_connector::input::default_endpoint(region)),
        None => None,
    }
}

fn from_wit_error(error: wit::ConnectorError) -> ConnectorError {
    match error {
        wit::ConnectorError::Configuration(e) => ConnectorError::Configuration {
            field: e.field,
            message: e.message,
        },
        wit::ConnectorError::Connection(e) => ConnectorError::Connection {
            message: e.message,
            attempts: e.attempts,
        },
        wit::ConnectorError::Execution(e) => ConnectorError::Execution {
            code: e.code,
            message: e.message,
            http_status: e.http_status,
            request_id: e.request_id,
            retryable: e.retryable,
            attempts: e.attempts,
            details: e
                .details_json
                .and_then(|d| serde_json::from_str(&d).ok())
                .map(Box::new),
        },
    }
}

#[derive(Default)]
struct Counters {
    sent: AtomicU32,
    denied: AtomicU32,
}

/// Lets the guest's HTTP requests through only to the request's endpoint.
struct EndpointHooks {
    allowed: Option<ddb_connector::input::Endpoint>,
    counters: Arc<Counters>,
    max_response_body: usize,
    pool: Option<Arc<ConnectionPool>>,
}

impl EndpointHooks {
    fn allows(&self, uri: &http::Uri) -> bool {
        let Some(allowed) = &self.allowed else {
            return false;
        };
        let scheme_ok = match uri.scheme_str() {
            Some("https") => allowed.https,
            Some("http") => !allowed.https,
            _ => false,
        };
        let authority = uri.authority().map(|a| a.as_str().to_ascii_lowercase());
        scheme_ok && authority.as_deref() == Some(allowed.authority.as_str())
    }
}

type ResponseFuture = Box<
    dyn Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<wasmtime_wasi_http::WasiBody>,
                Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for EndpointHooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> ResponseFuture {
        drop(fut);
        self.counters.sent.fetch_add(1, Ordering::Relaxed);
        if !self.allows(request.uri()) {
            self.counters.denied.fetch_add(1, Ordering::Relaxed);
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        let limit = self.max_response_body;
        let pool = self.pool.clone();
        Box::new(async move {
            use http_body_util::{BodyExt, Limited};
            let (response, io) = match pool {
                Some(pool) => pool.send(request, options).await?,
                None => {
                    let (response, io) =
                        wasmtime_wasi_http::default_send_request(request, options).await?;
                    let io: Box<dyn Future<Output = _> + Send> = Box::new(io);
                    (response.map(BodyExt::boxed_unsync), io)
                }
            };
            let declared = response
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            if declared.is_some_and(|n| n > limit as u64) {
                return Err(wasmtime_wasi_http::Error::HttpResponseBodySize(declared));
            }
            // A body without a length is cut at the limit as it streams.
            let body = response.map(|body| {
                Limited::new(body, limit)
                    .map_err(move |e| match e.downcast::<wasmtime_wasi_http::Error>() {
                        Ok(inner) => *inner,
                        Err(_) => {
                            wasmtime_wasi_http::Error::HttpResponseBodySize(Some(limit as u64))
                        }
                    })
                    .boxed_unsync()
            });
            Ok((body, io))
        })
    }
}

/// What one invocation's [`Store`] holds.
struct InvocationState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: EndpointHooks,
    limits: InvocationLimits,
}

/// The store's limits, recording how large the guest's memory grew.
struct InvocationLimits {
    limits: StoreLimits,
    memory_high_water: usize,
}

impl ResourceLimiter for InvocationLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if allowed {
            self.memory_high_water = self.memory_high_water.max(desired);
        }
        Ok(allowed)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

impl WasiView for InvocationState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for InvocationState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_request_endpoint_is_allowed() {
        let hooks = EndpointHooks {
            allowed: endpoint_of_json(
                r#"{"configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"}}"#,
            ),
            counters: Arc::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            pool: None,
        };
        assert!(hooks.allows(&"http://127.0.0.1:8000/".parse().unwrap()));
        for other in [
            "https://127.0.0.1:8000/",
            "http://127.0.0.1:8001/",
            "http://localhost:8000/",
            "http://169.254.169.254/",
        ] {
            assert!(!hooks.allows(&other.parse().unwrap()), "{other}");
        }
        let aws = EndpointHooks {
            allowed: endpoint_of_json(r#"{"configuration": {"region": "cn-north-1"}}"#),
            counters: Arc::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            pool: None,
        };
        assert!(
            aws.allows(
                &"https://dynamodb.cn-north-1.amazonaws.com.cn/"
                    .parse()
                    .unwrap()
            )
        );
        let broken = EndpointHooks {
            allowed: endpoint_of_json("{not json"),
            counters: Arc::default(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            pool: None,
        };
        assert!(!broken.allows(&"http://127.0.0.1:8000/".parse().unwrap()));
    }
}
