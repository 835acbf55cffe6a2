//! `ddb-bench`: the connector component against the AWS SDKs, in one run.
//!
//! ```text
//! ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR]
//! ddb-bench serve
//! ddb-bench core [CALLS]
//! ddb-bench loop [--component PATH] [--put | --instantiate | --cold-start | --scan] [--connector-imports-only] [SECONDS]
//! ddb-bench plots [--from JSON] [--history CSV] [--out DIR] [--plots-dir DIR]
//! ```
//! `run` starts the canned-response server (`serve`, a child process, so its CPU is not counted
//! as the client's) and measures, against it: this component in the pooled and in the unpooled
//! host, aws-sdk-dynamodb built for wasm32-wasip2 in the same host (`--sdk-component`), the native
//! aws-sdk-dynamodb, and boto3 (`--python`, a Python with boto3). With `--moto` it also measures
//! against moto (`DDB_TEST_MOTO_*`, as `scripts/env.sh` exports them): server-bound numbers.
//! The report goes to stdout and to `DIR/report.md`; `--quick` is a smoke run of every path.
//! `scripts/bench.sh` builds everything and runs it. `loop` makes pooled-host GetItem (or, with
//! `--put`, PutItem) calls of the component, one at a time, for SECONDS (default 10): a steady load
//! to profile with `perf record` (`DDB_BENCH_PERFMAP=1` names the guest's functions); with
//! `--instantiate` fresh instances alone, with `--cold-start` cold starts, with `--scan` scans of
//! the canned table of 100,000 items resumed until done (its largest linear memory of one
//! invocation); `--connector-imports-only` links only what the connector imports instead of all
//! of WASI.
//!
//! Every `run` also saves the numbers of its plots (`DIR/report.json`) and draws SVG plots into
//! `DIR` (and `--plots-dir`): latency, CPU and throughput per peer, and fuel per call over the
//! history in `bench/history.csv`, to which a full run (not `--quick`) appends its own row.
//! `plots` draws them again from a saved `report.json`, e.g. to refresh `bench/plots/`.

mod canned_server;
mod core;
mod history;
mod measure;
mod peers;
mod plot_data;
mod plots;
mod record;
mod report;
mod scan;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, EgressPolicy, HostConfig, Tenant};

use serde_json::{Value, json};
use tokio::runtime::Runtime;

use measure::{Latency, latency, percentile, throughput};
use peers::{Op, Peer, Target};
use report::Report;
use scan::{Scan, scan_all, scan_loop};

/// `config` with egress to loopback only (the canned server and moto run there), and all of
/// WASI linked: the SDK peer imports wasi:filesystem, which the connector does not. (Linking
/// more costs an invocation nothing: the pre-instantiation resolves only what is imported.)
fn loopback(config: HostConfig) -> HostConfig {
    HostConfig {
        egress: EgressPolicy::rules(["http://127.0.0.1:*", "https://127.0.0.1:*"])
            .expect("valid rules"),
        link_all_of_wasi: true,
        ..config
    }
}

/// Concurrency levels of the throughput runs.
const CONCURRENCY: [usize; 3] = [1, 8, 64];

/// How much to measure.
#[derive(Debug, Clone, Copy)]
struct Plan {
    warmup: usize,
    calls: usize,
    throughput_for: Duration,
    instantiations: usize,
    cold_starts: usize,
    scan_items: u64,
    moto_calls: usize,
}

impl Plan {
    const FULL: Plan = Plan {
        warmup: 300,
        calls: 3000,
        throughput_for: Duration::from_secs(3),
        instantiations: 5000,
        cold_starts: 30,
        scan_items: 100_000,
        moto_calls: 300,
    };
    const QUICK: Plan = Plan {
        warmup: 5,
        calls: 30,
        throughput_for: Duration::from_millis(200),
        instantiations: 30,
        cold_starts: 2,
        scan_items: 2_000,
        moto_calls: 10,
    };
}

struct Args {
    plan: Plan,
    quick: bool,
    component: PathBuf,
    sdk_component: Option<PathBuf>,
    python: Option<PathBuf>,
    moto: bool,
    out: PathBuf,
    /// How long `loop` runs.
    seconds: Duration,
    /// What `loop` calls.
    op: Op,
    /// What `loop` repeats: whole calls, instantiations alone, or cold starts.
    loop_mode: LoopMode,
    /// `loop` links all of WASI, as `run` does for every peer (off: the connector's imports only).
    link_all: bool,
    /// The fuel history a full `run` appends to and the fuel plot reads.
    history: PathBuf,
    /// A second directory for the plots (the committed copies, `bench/plots`).
    plots_dir: Option<PathBuf>,
    /// The saved run `plots` draws (default `OUT/report.json`).
    from: Option<PathBuf>,
}

impl Args {
    /// Where the plots, their numbers and the history go.
    fn outputs(&self) -> record::Outputs {
        record::Outputs {
            quick: self.quick,
            out: self.out.clone(),
            plots_dir: self.plots_dir.clone(),
            history: self.history.clone(),
        }
    }
}

/// The repository's root.
fn root_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn parse_args() -> Result<Args, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        plan: Plan::FULL,
        quick: false,
        component: root.join("target/wasm32-wasip2/release/ddb_connector.wasm"),
        sdk_component: None,
        python: None,
        moto: false,
        out: root.join("target/bench"),
        seconds: Duration::from_secs(10),
        op: Op::GetItem,
        loop_mode: LoopMode::Calls,
        link_all: true,
        history: Path::new(env!("CARGO_MANIFEST_DIR")).join("history.csv"),
        plots_dir: None,
        from: None,
    };
    let mut given = std::env::args().skip(2);
    while let Some(arg) = given.next() {
        let mut value = |name: &str| {
            given
                .next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--quick" => {
                args.plan = Plan::QUICK;
                args.quick = true;
            }
            "--component" => args.component = value("--component")?,
            "--sdk-component" => args.sdk_component = Some(value("--sdk-component")?),
            "--python" => args.python = Some(value("--python")?),
            "--moto" => args.moto = true,
            "--put" => args.op = Op::PutItem,
            "--instantiate" => args.loop_mode = LoopMode::Instantiate,
            "--cold-start" => args.loop_mode = LoopMode::ColdStart,
            "--scan" => args.loop_mode = LoopMode::Scan,
            "--connector-imports-only" => args.link_all = false,
            "--out" => args.out = value("--out")?,
            "--history" => args.history = value("--history")?,
            "--plots-dir" => args.plots_dir = Some(value("--plots-dir")?),
            "--from" => args.from = Some(value("--from")?),
            other => match other.parse::<f64>() {
                Ok(seconds) if seconds > 0.0 && seconds < 86_400.0 => {
                    args.seconds = Duration::from_secs_f64(seconds)
                }
                _ => return Err(format!("unknown argument {other:?}")),
            },
        }
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    let result = match std::env::args().nth(1).as_deref() {
        Some("serve") => serve(std::env::args().nth(2).map(PathBuf::from)),
        Some("run") => parse_args().and_then(|args| run(&args)),
        Some("core") => core_only(),
        Some("loop") => parse_args().and_then(|args| call_loop(&args)),
        Some("plots") => parse_args().and_then(|args| record::plots_only(&args.outputs(), args.from)),
        _ => Err("usage: ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR] [--history CSV] [--plots-dir DIR] | ddb-bench plots [--from JSON] [--history CSV] [--out DIR] [--plots-dir DIR] | ddb-bench serve [TLS-DIR] | ddb-bench core [CALLS] | ddb-bench loop [--component PATH] [--put | --instantiate | --cold-start | --scan] [--connector-imports-only] [SECONDS]".into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ddb-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `ddb-bench core [CALLS]`: the connector's core alone, natively.
fn core_only() -> Result<(), String> {
    let calls = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    for op in Op::ALL {
        let mean = core::per_call(op, calls)?;
        println!(
            "{} native core: {:.1} µs/call",
            op.name(),
            mean.as_secs_f64() * 1e6
        );
    }
    Ok(())
}

/// What `ddb-bench loop` repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LoopMode {
    /// Whole calls against the canned server.
    Calls,
    /// Fresh store and instance, no call.
    Instantiate,
    /// From the precompiled artifact to a first instance, through a new engine.
    ColdStart,
    /// Whole scans of the canned table, each resumed invocation after invocation.
    Scan,
}

/// The pooled host `loop` drives. `DDB_BENCH_PERFMAP=1` has wasmtime write a perf map of the
/// compiled guest (`/tmp/perf-PID.map`), so `perf report` names the guest's functions.
fn loop_host(args: &Args) -> Result<ConnectorHost, String> {
    let config = HostConfig {
        link_all_of_wasi: args.link_all,
        ..loopback(HostConfig::default())
    };
    let mut engine_config = config.engine_config();
    if std::env::var_os("DDB_BENCH_PERFMAP").is_some() {
        engine_config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    let err = |e: wasmtime::Error| format!("loading {}: {e:#}", args.component.display());
    let engine = wasmtime::Engine::new(&engine_config).map_err(err)?;
    let component =
        wasmtime::component::Component::from_file(&engine, &args.component).map_err(err)?;
    ConnectorHost::from_component(engine, component, config).map_err(err)
}

/// `ddb-bench loop`: calls (or instantiations, or cold starts) through the pooled host, one at
/// a time, for `args.seconds`; for profiling and for judging one change by its fuel.
fn call_loop(args: &Args) -> Result<(), String> {
    let server = Server::start()?;
    let target = Target::canned(format!("http://127.0.0.1:{}", server.1));
    let host = Arc::new(loop_host(args)?);
    if args.loop_mode == LoopMode::Scan {
        return scan_loop(args, &host, &target);
    }
    let peer = Peer::component(host.clone(), &target);
    let cold = match args.loop_mode {
        LoopMode::ColdStart => Some(ColdStart::prepare(&host, &args.component)?),
        _ => None,
    };
    let runtime = current_thread()?;
    let tenant = Tenant::default();
    let cpu_before = measure::cpu_time();
    let (calls, fuel, elapsed) = runtime.block_on(async {
        let started = Instant::now();
        let (mut calls, mut fuel) = (0u64, 0u64);
        while started.elapsed() < args.seconds {
            match (args.loop_mode, &cold) {
                (LoopMode::Calls, _) => fuel += peer.call(args.op).await?.fuel.unwrap_or(0),
                (LoopMode::ColdStart, Some(cold)) => cold.once(args.link_all).await?,
                _ => {
                    host.instantiate_only(&tenant)
                        .await
                        .map_err(|e| format!("{e:#}"))?;
                }
            }
            calls += 1;
        }
        Ok::<_, String>((calls, fuel, started.elapsed()))
    })?;
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / calls.max(1) as f64;
    let what = match args.loop_mode {
        LoopMode::Calls => args.op.name(),
        LoopMode::Instantiate => "instantiation",
        LoopMode::ColdStart => "cold start",
        LoopMode::Scan => unreachable!("scan_loop reports its own"),
    };
    println!(
        "{calls} × {what} in {:.1} s: {:.1} µs each, CPU {:.1} µs each, fuel {} each",
        elapsed.as_secs_f64(),
        per_call(elapsed),
        per_call(measure::cpu_time() - cpu_before),
        fuel / calls.max(1)
    );
    Ok(())
}

/// A cold start as `run` measures it: a new engine, the `.cwasm` loaded, linked, instantiated.
struct ColdStart {
    artifact: PathBuf,
}

impl ColdStart {
    fn prepare(host: &ConnectorHost, component: &Path) -> Result<Self, String> {
        let wasm = std::fs::read(component).map_err(|e| e.to_string())?;
        let cwasm = host
            .engine()
            .precompile_component(&wasm)
            .map_err(|e| format!("{e:#}"))?;
        let artifact = std::env::temp_dir().join(format!("ddb-bench-{}.cwasm", std::process::id()));
        std::fs::write(&artifact, cwasm).map_err(|e| e.to_string())?;
        Ok(Self { artifact })
    }

    async fn once(&self, link_all: bool) -> Result<(), String> {
        let err = |e: wasmtime::Error| format!("{e:#}");
        let config = HostConfig {
            link_all_of_wasi: link_all,
            ..loopback(HostConfig::default())
        };
        let engine = wasmtime::Engine::new(&config.engine_config()).map_err(err)?;
        // SAFETY: written by `prepare` with an engine of the same configuration.
        let component =
            unsafe { wasmtime::component::Component::deserialize_file(&engine, &self.artifact) }
                .map_err(err)?;
        let host = ConnectorHost::from_component(engine, component, config).map_err(err)?;
        host.instantiate_only(&Tenant::default())
            .await
            .map_err(err)?;
        Ok(())
    }
}

impl Drop for ColdStart {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.artifact);
    }
}

/// The canned server: prints its port, serves until killed; over TLS with the certificate in
/// `tls` when given. One thread, so on two cores the client keeps the other.
fn serve(tls: Option<PathBuf>) -> Result<(), String> {
    let acceptor = tls
        .as_deref()
        .map(canned_server::tls_acceptor)
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("{port}");
        canned_server::serve(listener, acceptor).await;
        Ok(())
    })
}

/// The canned server child process; killed when dropped.
struct Server(Child, u16);

impl Server {
    fn start() -> Result<Self, String> {
        Self::start_with(None)
    }

    /// The canned server over https, with the certificate in `tls`.
    fn start_with(tls: Option<&Path>) -> Result<Self, String> {
        use std::io::BufRead as _;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("serve")
            .args(tls)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting the canned server: {e}"))?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let port = line
            .trim()
            .parse()
            .map_err(|_| format!("the canned server said {line:?}"))?;
        Ok(Server(child, port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn current_thread() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn two_workers() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// The peers made inside a runtime (SDK clients hold connections spawned on it).
type PeerMaker<'a> = Box<dyn Fn() -> Result<Arc<Peer>, String> + 'a>;

fn run(args: &Args) -> Result<(), String> {
    let plan = args.plan;
    std::fs::create_dir_all(&args.out).map_err(|e| e.to_string())?;
    let mut report = Report::new(args.quick);
    let server = Server::start()?;
    let canned = Target::canned(format!("http://127.0.0.1:{}", server.1));

    let cache = Some(args.out.join("compiled"));
    let load = |path: &Path, config: HostConfig| -> Result<Arc<ConnectorHost>, String> {
        ConnectorHost::from_file(
            path,
            HostConfig {
                compiled_cache: cache.clone(),
                ..loopback(config)
            },
        )
        .map(Arc::new)
        .map_err(|e| format!("loading {}: {e:#}", path.display()))
    };
    let ours_pooled = load(&args.component, HostConfig::default())?;
    let ours_unpooled = load(&args.component, HostConfig::unpooled())?;
    // The production path: https, against the same canned server behind TLS.
    let tls_dir = args.out.join("tls");
    canned_server::make_certificates(&tls_dir)?;
    let tls_server = Server::start_with(Some(&tls_dir))?;
    let canned_tls = Target::canned(format!("https://127.0.0.1:{}", tls_server.1));
    let ca_pem = std::fs::read(tls_dir.join("ca.pem")).map_err(|e| e.to_string())?;
    let ours_tls = {
        let mut config = HostConfig::default();
        config.tls.add_pem_file(&tls_dir.join("ca.pem"))?;
        load(&args.component, config)?
    };
    let sdk_wasm = match &args.sdk_component {
        Some(path) => Some(load(path, HostConfig::default())?),
        None => None,
    };

    let mut peers: Vec<(&str, PeerMaker)> = vec![
        ("this component, pooled host", {
            let host = ours_pooled.clone();
            let target = canned.clone();
            Box::new(move || Ok(Arc::new(Peer::component(host.clone(), &target))))
        }),
        ("this component, unpooled host", {
            let host = ours_unpooled.clone();
            let target = canned.clone();
            Box::new(move || Ok(Arc::new(Peer::component(host.clone(), &target))))
        }),
        ("aws-sdk-dynamodb, native", {
            let target = canned.clone();
            Box::new(move || Ok(Arc::new(Peer::native_sdk(&target, None))))
        }),
        ("this component, pooled host, https", {
            let host = ours_tls.clone();
            let target = canned_tls.clone();
            Box::new(move || Ok(Arc::new(Peer::component(host.clone(), &target))))
        }),
        ("aws-sdk-dynamodb, native, https", {
            let target = canned_tls.clone();
            let ca_pem = ca_pem.clone();
            Box::new(move || Ok(Arc::new(Peer::native_sdk(&target, Some(&ca_pem)))))
        }),
    ];
    if let Some(host) = &sdk_wasm {
        let host = host.clone();
        let target = canned.clone();
        peers.push((
            "aws-sdk-dynamodb on wasip2, pooled host",
            Box::new(move || Ok(Arc::new(Peer::component(host.clone(), &target)))),
        ));
    }

    // Per-call latency, one call at a time, on a current-thread runtime.
    for (name, make) in &peers {
        let runtime = current_thread()?;
        for op in Op::ALL {
            let measured = runtime.block_on(async {
                let peer = make()?;
                let first = peer.call(op).await?;
                let latency = latency(plan.warmup, plan.calls, || {
                    let peer = peer.clone();
                    async move { peer.call(op).await.map(|_| ()) }
                })
                .await?;
                Ok::<_, String>((latency, first))
            });
            let (latency, first) = measured.map_err(|e| format!("{name} {}: {e}", op.name()))?;
            eprintln!("{name} {}: {latency:?}", op.name());
            report.latency(name, op, latency, first);
        }
    }

    // Throughput at each concurrency, on two worker threads.
    for (name, make) in &peers {
        let runtime = two_workers()?;
        let mut rates = Vec::new();
        for concurrency in CONCURRENCY {
            let rate = runtime
                .block_on(async {
                    let peer = make()?;
                    throughput(concurrency, plan.throughput_for, move || {
                        let peer = peer.clone();
                        async move { peer.call(Op::GetItem).await.map(|_| ()) }
                    })
                    .await
                })
                .map_err(|e| format!("{name} throughput at {concurrency}: {e}"))?;
            eprintln!("{name} GetItem at concurrency {concurrency}: {rate:.0}/s");
            rates.push(rate);
        }
        report.throughput(name, rates);
    }

    if let Some(python) = &args.python {
        let boto3 = boto3(python, &canned, plan, false)?;
        report.boto3(&boto3, false)?;
    }

    // Sizes, compile, cold start and instantiation.
    let mut components = vec![("this component", &args.component, &ours_pooled)];
    if let (Some(path), Some(host)) = (&args.sdk_component, &sdk_wasm) {
        components.push(("aws-sdk-dynamodb on wasip2", path, host));
    }
    for (name, path, pooled) in components {
        let startup = startup(path, pooled, plan, &args.out)?;
        eprintln!("{name}: {startup:?}");
        report.startup(name, startup);
    }

    // A scan through the whole table, resumed invocation after invocation.
    let scan = current_thread()?.block_on(scan_all(&ours_pooled, &canned, plan.scan_items))?;
    eprintln!("scan: {scan:?}");
    report.scan(scan);
    drop(server);

    if args.moto {
        moto_run(args, &ours_pooled, sdk_wasm.as_ref(), &mut report)?;
    }

    let text = report.render();
    println!("{text}");
    std::fs::write(args.out.join("report.md"), &text).map_err(|e| e.to_string())?;
    record::record_and_plot(&args.outputs(), &report, &history::commit(&root_dir()))
}

/// Startup numbers of one component.
#[derive(Debug)]
pub struct Startup {
    /// Bytes of the `.wasm`.
    pub wasm_bytes: u64,
    /// Bytes of its precompiled artifact.
    pub cwasm_bytes: usize,
    /// Compiling it (Cranelift, this machine).
    pub compile: Duration,
    /// A pooled engine's creation (once per process).
    pub engine_new: Duration,
    /// From the precompiled artifact to a first instance: load, link, instantiate (median).
    pub cold_start: Duration,
    /// Fresh store + instantiate from the pre-instantiated component (median): pooled, unpooled.
    pub instantiate: [Duration; 2],
    /// Linear memory right after instantiation.
    pub initial_memory: usize,
}

fn startup(path: &Path, pooled: &ConnectorHost, plan: Plan, out: &Path) -> Result<Startup, String> {
    let err = |e: wasmtime::Error| format!("{e:#}");
    let wasm = std::fs::read(path).map_err(|e| e.to_string())?;
    let runtime = current_thread()?;
    let started = Instant::now();
    let cwasm = pooled.engine().precompile_component(&wasm).map_err(err)?;
    let compile = started.elapsed();
    let artifact = out.join(format!(
        "{}.cwasm",
        path.file_stem().unwrap_or_default().to_string_lossy()
    ));
    std::fs::write(&artifact, &cwasm).map_err(|e| e.to_string())?;

    let tenant = Tenant::default();
    let mut engine_new = Vec::new();
    let mut cold = Vec::new();
    for _ in 0..plan.cold_starts {
        let config = loopback(HostConfig::default());
        let started = Instant::now();
        let engine = wasmtime::Engine::new(&config.engine_config()).map_err(err)?;
        engine_new.push(started.elapsed());
        let started = Instant::now();
        // SAFETY: written just above by an engine of the same configuration.
        let component =
            unsafe { wasmtime::component::Component::deserialize_file(&engine, &artifact) }
                .map_err(err)?;
        let host = ConnectorHost::from_component(engine, component, config).map_err(err)?;
        runtime
            .block_on(host.instantiate_only(&tenant))
            .map_err(err)?;
        cold.push(started.elapsed());
    }
    engine_new.sort();
    cold.sort();

    let unpooled = ConnectorHost::from_file(path, loopback(HostConfig::unpooled())).map_err(err)?;
    let mut instantiate = [Duration::ZERO; 2];
    let mut initial_memory = 0;
    for (slot, host) in [pooled, &unpooled].into_iter().enumerate() {
        let mut samples = Vec::with_capacity(plan.instantiations);
        for _ in 0..plan.instantiations {
            let started = Instant::now();
            initial_memory = runtime
                .block_on(host.instantiate_only(&tenant))
                .map_err(err)?;
            samples.push(started.elapsed());
        }
        samples.sort();
        instantiate[slot] = percentile(&samples, 0.5);
    }
    Ok(Startup {
        wasm_bytes: wasm.len() as u64,
        cwasm_bytes: cwasm.len(),
        compile,
        engine_new: percentile(&engine_new, 0.5),
        cold_start: percentile(&cold, 0.5),
        instantiate,
        initial_memory,
    })
}

/// Runs `bench/boto3_bench.py`; its JSON answer.
fn boto3(python: &Path, target: &Target, plan: Plan, against_moto: bool) -> Result<Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("boto3_bench.py");
    let calls = if against_moto {
        plan.moto_calls
    } else {
        plan.calls
    };
    let mut command = Command::new(python);
    command
        .arg(script)
        .args(["--endpoint", &target.endpoint, "--table", &target.table])
        .args(["--warmup", &plan.warmup.min(calls).to_string()])
        .args(["--calls", &calls.to_string()])
        .args(["--duration", &plan.throughput_for.as_secs_f64().to_string()])
        .env("AWS_ACCESS_KEY_ID", &target.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &target.secret_key);
    if against_moto {
        command.arg("--no-throughput");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("running boto3: {e}"))?;
    if !output.status.success() {
        return Err(format!("boto3 benchmark failed: {}", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("boto3 benchmark output: {e}"))
}

/// The same calls against moto: server-bound, for orientation only.
fn moto_run(
    args: &Args,
    ours: &Arc<ConnectorHost>,
    sdk_wasm: Option<&Arc<ConnectorHost>>,
    report: &mut Report,
) -> Result<(), String> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("--moto needs {name}"));
    let target = Target {
        endpoint: env("DDB_TEST_MOTO_ENDPOINT")?,
        access_key: env("DDB_TEST_MOTO_ACCESS_KEY")?,
        secret_key: env("DDB_TEST_MOTO_SECRET_KEY")?,
        table: format!("bench-{}", std::process::id()),
    };
    let runtime = current_thread()?;
    let create = target.request(json!({
        "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": target.table,
        "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}));
    runtime
        .block_on(ours.execute_json(&create, &Tenant::default()))
        .map_err(|e| format!("{e:#}"))?
        .result
        .map_err(|e| format!("creating the moto table: {e}"))?;
    let mut peers: Vec<(&str, Peer)> = vec![
        (
            "this component, pooled host",
            Peer::component(ours.clone(), &target),
        ),
        ("aws-sdk-dynamodb, native", Peer::native_sdk(&target, None)),
    ];
    if let Some(host) = sdk_wasm {
        peers.push((
            "aws-sdk-dynamodb on wasip2, pooled host",
            Peer::component(host.clone(), &target),
        ));
    }
    let plan = args.plan;
    let warmup = plan.warmup.min(plan.moto_calls);
    for (name, peer) in &peers {
        // PutItem first: GetItem then finds the item.
        for op in [Op::PutItem, Op::GetItem] {
            let measured: Latency = runtime
                .block_on(latency(warmup, plan.moto_calls, || async move {
                    peer.call(op).await.map(|_| ())
                }))
                .map_err(|e| format!("{name} {} on moto: {e}", op.name()))?;
            eprintln!("moto: {name} {}: {measured:?}", op.name());
            report.moto_latency(name, op, measured);
        }
    }
    if let Some(python) = &args.python {
        let boto3 = boto3(python, &target, plan, true)?;
        report.boto3(&boto3, true)?;
    }
    Ok(())
}
