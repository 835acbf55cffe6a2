//! The product's reference host for the DynamoDB connector component (the folder is named
//! `host-test/` for history: tests, benchmarks and the command-line runner all use it).
//!
//! It loads the component once, and runs each invocation in a fresh [`Store`] that holds
//! exactly what the connector may use ([`sandbox`]): outgoing HTTP where the operator's egress
//! policy allows ([`egress`]), over the host's own TLS client ([`tls`]); clocks, random, and the
//! tenant's environment (its credentials chain). No files, no sockets, no inherited stdio.
//! Memory, CPU and the request's size are capped per invocation.
//!
//! Speed comes from what invocations share, never from sharing a sandbox: the compiled
//! component (optionally cached on disk as a precompiled artifact), the pre-linked
//! `InstancePre`, the pooling allocator's reserved slots, and a pool of keep-alive
//! connections ([`connection_pool`]).

mod compiled_cache;
pub mod connection_pool;
pub mod egress;
mod exports;
mod failure;
mod incoming;
pub mod sandbox;
pub mod tls;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::Semaphore;
use wasmtime::component::{Component, Instance, Linker};
use wasmtime::error::Context as _;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

pub use connection_pool::{ConnectionPool, PoolConfig};
pub use ddb_connector::ConnectorError;
pub use egress::{CachingResolver, EgressPolicy, Resolve, SystemResolver};
pub use failure::HostFailure;
pub use incoming::NoAnswer;
pub use tls::TlsTrust;

use egress::Egress;
use sandbox::{Counters, InvocationState, SandboxSettings};

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

use bindings::DynamodbConnectorPre;
/// The connector's WIT types, as the host sees them (for the typed `execute`).
pub use bindings::connectors::dynamodb::types as wit;
use exports::ConnectorExports;

/// Default cap on one invocation's linear memory: room for the largest request
/// ([`DEFAULT_MAX_REQUEST_BYTES`]) in its costliest shape (docs/operations.md, "Request size").
pub const DEFAULT_MEMORY_LIMIT: usize = 128 << 20;
/// Default CPU cap of one invocation, in wasm fuel (about one unit per instruction).
pub const DEFAULT_FUEL: u64 = 5_000_000_000;
/// Default cap on one HTTP response body the guest may read.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 16 << 20;
/// Default cap on the in-memory size of one wasi:http fields (headers) resource.
pub const DEFAULT_MAX_FIELDS_SIZE: usize = 64 << 10;
/// Bytes of a freed slot's table and async stack that are zeroed rather than decommitted.
const KEEP_RESIDENT: usize = 64 << 10;
/// Default number of invocations that run at once; more wait for a slot.
pub const DEFAULT_MAX_CONCURRENT_INVOCATIONS: u32 = 256;
/// Default cap on one request, in bytes of its JSON (or of the typed record's text): the
/// guest's own limit, which the host checks first so that nothing is instantiated for it.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = ddb_connector::MAX_REQUEST_BYTES;

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
    /// Where invocations may connect ([`egress`]); by default only the official AWS endpoints.
    pub egress: EgressPolicy,
    /// The CAs trusted for https beyond the public web roots.
    pub tls: TlsTrust,
    /// How host names are resolved (injectable for tests). By default the system's, each answer
    /// reused for [`egress::DNS_CACHE_TTL`] by all invocations ([`CachingResolver`]).
    pub resolver: Arc<dyn Resolve>,
    /// Cap on one request's size; a larger one is a configuration error, and nothing runs.
    pub max_request_bytes: usize,
    /// Link all of WASI 0.2 (filesystem and sockets too, which the context still denies) for a
    /// component that imports more than the connector's world, such as the benchmark's AWS SDK
    /// peer. Off: the linker holds only what the connector imports.
    pub link_all_of_wasi: bool,
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
            egress: EgressPolicy::aws_default(),
            tls: TlsTrust::default(),
            resolver: Arc::new(CachingResolver::new(SystemResolver, egress::DNS_CACHE_TTL)),
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            link_all_of_wasi: false,
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
                .max_memory_size(self.memory_limit)
                // A freed slot's table and async stack are zeroed in place instead of handed
                // back to the kernel (`madvise`) and faulted in again: cheaper for the few KiB
                // an invocation touches (BENCHMARKS.md). Linear memory is still decommitted.
                .table_keep_resident(KEEP_RESIDENT)
                .async_stack_keep_resident(KEEP_RESIDENT);
            config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
        }
        config
    }
}

/// One tenant's sandbox settings: the environment its invocation sees, and how it narrows
/// the operator's egress policy.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Environment variables, such as `AWS_ACCESS_KEY_ID` for the default credentials chain.
    pub env: Vec<(String, String)>,
    /// Rules a request must also match, beyond the operator's: they can only remove.
    pub outbound: Option<EgressPolicy>,
}

/// What one invocation gave.
#[derive(Debug)]
pub struct Invocation<T> {
    /// The connector's answer.
    pub result: Result<T, ConnectorError>,
    /// HTTP requests the guest started (allowed or not).
    pub http_requests: u32,
    /// HTTP requests the egress policy refused.
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
    exports: ConnectorExports,
    handler: Option<wasmtime_wasi_http::p2::bindings::ProxyIndices>,
    config: HostConfig,
    slots: Semaphore,
    pool: Arc<ConnectionPool>,
}

impl ConnectorHost {
    /// Loads the component from a `.wasm` file, through the compiled cache when the
    /// configuration names one.
    pub fn from_file(path: impl AsRef<Path>, config: HostConfig) -> wasmtime::Result<Self> {
        let path = path.as_ref();
        let engine = Engine::new(&config.engine_config())?;
        let component = match &config.compiled_cache {
            Some(cache) => compiled_cache::load(&engine, path, cache)?,
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
        sandbox::link(&mut linker, config.link_all_of_wasi)?;
        let pre = DynamodbConnectorPre::new(linker.instantiate_pre(&component)?)?;
        let exports = ConnectorExports::new(pre.instance_pre())?;
        let handler = incoming::find_handler(pre.instance_pre());
        let tls = config.tls.client_config().map_err(wasmtime::Error::msg)?;
        // Unpooled: the same sender, keeping no connection.
        let pool_config = config.connection_pool.clone().unwrap_or(PoolConfig {
            max_idle_per_authority: 0,
            ..PoolConfig::default()
        });
        Ok(Self {
            engine,
            pre,
            exports,
            handler,
            slots: Semaphore::new(config.max_concurrent_invocations as usize),
            pool: ConnectionPool::new(pool_config, tls),
            config,
        })
    }

    /// The engine, for precompiling or loading more components.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The shared connection pool (it keeps no connection when the host is unpooled).
    pub fn connection_pool(&self) -> &Arc<ConnectionPool> {
        &self.pool
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

    /// The names of the interfaces the component exports: the connector, and
    /// `wasi:http/incoming-handler` for the served form ([`ConnectorHost::handle_http`]).
    pub fn component_exports(&self) -> Vec<String> {
        let component = self.pre.instance_pre().component();
        component
            .component_type()
            .exports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// Runs one request given as JSON text (`execute-json`). `Err` is a host failure or a
    /// guest trap ([`HostFailure`] says which); connector errors are in
    /// [`Invocation::result`].
    pub async fn execute_json(
        &self,
        request: &str,
        tenant: &Tenant,
    ) -> wasmtime::Result<Invocation<String>> {
        if let Some(refused) = self.oversize(request.len()) {
            return Ok(refused);
        }
        self.invoke(tenant, async |instance, store| {
            let execute_json = self.exports.execute_json(&mut *store, instance)?;
            let (answer,) = execute_json.call_async(store, (request,)).await?;
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
        if let Some(refused) = self.oversize(typed_size(&request)) {
            return Ok(refused);
        }
        self.invoke(tenant, async |instance, store| {
            let execute = self.exports.execute(&mut *store, instance)?;
            let (answer,) = execute.call_async(store, (&request,)).await?;
            Ok(answer.map_err(from_wit_error))
        })
        .await
    }

    /// Creates a fresh sandbox and instantiates the component in it, without calling it: the
    /// per-invocation setup cost alone (for benchmarks). Returns the memory high-water.
    pub async fn instantiate_only(&self, tenant: &Tenant) -> wasmtime::Result<usize> {
        let _slot = self.slots.acquire().await?;
        let (mut store, _, _) = self.new_store(tenant)?;
        self.pre
            .instance_pre()
            .instantiate_async(&mut store)
            .await?;
        Ok(store.data().limits.memory_high_water)
    }

    /// The answer to a request over the size cap, given before anything is instantiated.
    fn oversize<T>(&self, size: usize) -> Option<Invocation<T>> {
        let limit = self.config.max_request_bytes;
        (size > limit).then(|| Invocation {
            result: Err(ConnectorError::Configuration {
                field: Some("request".into()),
                message: format!(
                    "the request is {size} bytes, over the host's limit of {limit} bytes"
                ),
            }),
            http_requests: 0,
            denied_requests: 0,
            memory_high_water: 0,
            fuel_consumed: 0,
        })
    }

    fn new_store(
        &self,
        tenant: &Tenant,
    ) -> wasmtime::Result<(Store<InvocationState>, MemoryOutputPipe, Arc<Counters>)> {
        let (state, stderr, counters) = InvocationState::new(SandboxSettings {
            env: &tenant.env,
            egress: Egress {
                operator: self.config.egress.clone(),
                tenant: tenant.outbound.clone(),
                resolver: self.config.resolver.clone(),
            },
            memory_limit: self.config.memory_limit,
            max_fields_size: self.config.max_fields_size,
            max_response_body: self.config.max_response_body,
            pool: self.pool.clone(),
        });
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limits);
        store.set_fuel(self.config.fuel)?;
        Ok((store, stderr, counters))
    }

    async fn invoke<T>(
        &self,
        tenant: &Tenant,
        call: impl AsyncFnOnce(
            &Instance,
            &mut Store<InvocationState>,
        ) -> wasmtime::Result<Result<T, ConnectorError>>,
    ) -> wasmtime::Result<Invocation<T>> {
        let _slot = self.slots.acquire().await?;
        let (mut store, stderr, counters) = self.new_store(tenant)?;
        let outcome = async {
            // The exports were type-checked once, at load ([`exports`]).
            let instance = self
                .pre
                .instance_pre()
                .instantiate_async(&mut store)
                .await?;
            call(&instance, &mut store).await
        }
        .await;
        let result = outcome.map_err(|e| {
            let stderr = String::from_utf8_lossy(&stderr.contents())
                .trim()
                .to_string();
            let failure = HostFailure::of(&e, store.data().limits.memory_exhausted, &stderr);
            wasmtime::Error::new(failure)
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

/// The size of a typed request: the bytes of its `Debug` text, counted without being kept
/// (an upper bound of the strings it carries, which is what fills the guest's memory).
fn typed_size(request: &wit::Request) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::write(&mut count, format_args!("{request:?}"));
    count.0
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
