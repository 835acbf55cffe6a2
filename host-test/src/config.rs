//! The host's limits and settings, and the engine configuration they need.

use std::path::PathBuf;
use std::sync::Arc;

use wasmtime::{Config, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::egress::{self, CachingResolver, EgressPolicy, Resolve, SystemResolver};
use crate::{PoolConfig, TlsTrust};

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
    /// Where invocations may connect ([`crate::egress`]); by default only the official AWS
    /// endpoints.
    pub egress: EgressPolicy,
    /// The CAs trusted for https beyond the public web roots.
    pub tls: TlsTrust,
    /// How host names are resolved (injectable for tests). By default the system's, each answer
    /// reused for `DNS_CACHE_TTL` (5 s) by all invocations ([`CachingResolver`]).
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
