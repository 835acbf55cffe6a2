//! The sandbox of one invocation: what its [`Store`](wasmtime::Store) holds and every rule the
//! host enforces on the guest, in one place.
//!
//! - WASI: the tenant's environment, clocks and random; no files, sockets, name lookup or stdio
//!   (stderr is kept for diagnostics).
//! - Outgoing HTTP ([`SandboxHooks`]): the egress policy decides, before any socket opens, where
//!   a request may go; the connection pool sends it; response bodies are capped; a panic in the
//!   send path is that request's error, not the host's.
//! - Limits ([`InvocationLimits`]): linear memory, instances, tables; fuel is set on the store.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use futures::FutureExt as _;
use wasmtime::component::ResourceTable;
use wasmtime::{ResourceLimiter, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

use crate::connection_pool::ConnectionPool;
use crate::egress::Egress;

/// Links exactly what the component's world imports (wasi:http's outgoing handler, clocks,
/// random, environment, io) and what Rust's std for wasip2 adds (stdio, exit, terminals, the
/// insecure seed): no filesystem, no sockets. Whatever is linked, the context grants no files,
/// sockets or stdio; an import left out is one less thing to reach, and one less to link.
/// With `all_of_wasi`, every WASI 0.2 interface is linked, for components that import more.
pub fn link(
    linker: &mut wasmtime::component::Linker<InvocationState>,
    all_of_wasi: bool,
) -> wasmtime::Result<()> {
    use wasmtime_wasi::cli::{WasiCli, WasiCliView};
    use wasmtime_wasi::p2::bindings::{cli, random};
    use wasmtime_wasi::random::{WasiRandom, WasiRandomView};
    if all_of_wasi {
        wasmtime_wasi::p2::add_to_linker_async(linker)?;
        return wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker);
    }
    wasmtime_wasi::p2::add_to_linker_proxy_interfaces_async(linker)?;
    cli::environment::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::exit::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::terminal_input::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::terminal_output::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::terminal_stdin::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::terminal_stdout::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    cli::terminal_stderr::add_to_linker::<_, WasiCli>(linker, InvocationState::cli)?;
    random::insecure_seed::add_to_linker::<_, WasiRandom>(linker, InvocationState::random)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(linker)
}

/// Bytes of guest stderr kept for diagnostics.
const STDERR_CAPACITY: usize = 16 << 10;

/// Counts of one invocation's HTTP requests.
#[derive(Debug, Default)]
pub struct Counters {
    /// Requests the guest started.
    pub sent: AtomicU32,
    /// Requests the egress policy refused.
    pub denied: AtomicU32,
}

/// What the sandbox of one invocation is made from.
pub struct SandboxSettings<'a> {
    /// The tenant's environment variables.
    pub env: &'a [(String, String)],
    /// Where its requests may go.
    pub egress: Egress,
    /// Cap on its linear memory, in bytes.
    pub memory_limit: usize,
    /// Cap on one wasi:http fields resource.
    pub max_fields_size: usize,
    /// Cap on one response body.
    pub max_response_body: usize,
    /// The host's connections.
    pub pool: Arc<ConnectionPool>,
}

/// What one invocation's store holds.
pub struct InvocationState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: SandboxHooks,
    /// The store's limits.
    pub limits: InvocationLimits,
}

impl InvocationState {
    /// A fresh sandbox; also returns its stderr and its request counters.
    pub fn new(settings: SandboxSettings<'_>) -> (Self, MemoryOutputPipe, Arc<Counters>) {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtx::builder()
            .envs(settings.env)
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let counters = Arc::new(Counters::default());
        let mut http = WasiHttpCtx::new();
        http.set_field_size_limit(settings.max_fields_size);
        let state = Self {
            wasi,
            http,
            table: ResourceTable::new(),
            hooks: SandboxHooks {
                egress: Arc::new(settings.egress),
                counters: counters.clone(),
                max_response_body: settings.max_response_body,
                pool: settings.pool,
            },
            limits: InvocationLimits {
                limits: StoreLimitsBuilder::new()
                    .memory_size(settings.memory_limit)
                    .trap_on_grow_failure(true)
                    .instances(4)
                    .tables(16)
                    .memories(4)
                    .build(),
                memory_high_water: 0,
                memory_exhausted: false,
            },
        };
        (state, stderr, counters)
    }
}

/// The host's answer to the guest's `outgoing-handler.handle`.
struct SandboxHooks {
    egress: Arc<Egress>,
    counters: Arc<Counters>,
    max_response_body: usize,
    pool: Arc<ConnectionPool>,
}

type ResponseFuture = Box<
    dyn Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<wasmtime_wasi_http::WasiBody>,
                Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for SandboxHooks {
    fn send_request(
        &mut self,
        request: http::Request<wasmtime_wasi_http::WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> ResponseFuture {
        drop(fut);
        self.counters.sent.fetch_add(1, Ordering::Relaxed);
        let egress = self.egress.clone();
        let counters = self.counters.clone();
        let pool = self.pool.clone();
        let limit = self.max_response_body;
        let sending = async move {
            let destination = match egress.check(request.uri()).await {
                Ok(destination) => destination,
                Err(refusal) => {
                    counters.denied.fetch_add(1, Ordering::Relaxed);
                    return Err(refusal.into());
                }
            };
            let (response, io) = pool.send(request, options, destination).await?;
            let declared = response
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            if declared.is_some_and(|n| n > limit as u64) {
                return Err(wasmtime_wasi_http::Error::HttpResponseBodySize(declared));
            }
            Ok((response.map(|body| capped(body, limit)), io))
        };
        // The task that runs this future re-raises its panic in the guest's call, which would
        // take the whole invocation (and, in a single-task host, the process) down with it.
        Box::new(AssertUnwindSafe(sending).catch_unwind().map(|outcome| {
            outcome.unwrap_or_else(|_| {
                Err(wasmtime_wasi_http::Error::InternalError(Some(
                    "the host's HTTP sender failed (a panic, contained)".into(),
                )))
            })
        }))
    }
}

/// Cuts a response body without a declared length at `limit` bytes, as it streams.
fn capped(body: wasmtime_wasi_http::WasiBody, limit: usize) -> wasmtime_wasi_http::WasiBody {
    use http_body_util::{BodyExt, Limited};
    Limited::new(body, limit)
        .map_err(move |e| match e.downcast::<wasmtime_wasi_http::Error>() {
            Ok(inner) => *inner,
            Err(_) => wasmtime_wasi_http::Error::HttpResponseBodySize(Some(limit as u64)),
        })
        .boxed_unsync()
}

/// The store's limits, recording how large the guest's memory grew.
pub struct InvocationLimits {
    limits: StoreLimits,
    /// The largest the guest's linear memory grew to, in bytes.
    pub memory_high_water: usize,
    /// The guest asked for more memory than its cap (and trapped).
    pub memory_exhausted: bool,
}

impl ResourceLimiter for InvocationLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self
            .limits
            .memory_growing(current, desired, maximum)
            .inspect_err(|_| self.memory_exhausted = true)?;
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
