//! `ddb-bench`: the connector component against the AWS SDKs, in one run.
//!
//! ```text
//! ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR]
//! ddb-bench serve
//! ddb-bench serve-load [--component PATH]
//! ddb-bench core [CALLS]
//! ddb-bench loop [--component PATH] [--put | --instantiate | --cold-start | --scan] [--link-all-of-wasi] [--by-name [--no-dns-cache]] [SECONDS]
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
//! invocation); `--link-all-of-wasi` links all of WASI, as for the SDK peer, instead of only
//! what the connector imports (the host's default, and how `run` measures the connector);
//! `--by-name` calls the server as `localhost` (a name lookup per call, but for the host's DNS
//! cache, which `--no-dns-cache` turns off).
//!
//! `serve-load` sends 10,000 GetItems (`DDB_BENCH_SERVE_REQUESTS`) at 8 and at 64 in flight
//! through `ddb-connector serve` (`DDB_CONNECTOR_CLI`, default beside this binary), stock
//! `wasmtime serve` and the in-process pooled host, against the canned server
//! ([`serve_load`]).
//!
//! Every `run` also saves the numbers of its plots (`DIR/report.json`) and draws SVG plots into
//! `DIR` (and `--plots-dir`): latency, CPU and throughput per peer, and fuel per call over the
//! history in `bench/history.csv`, to which a full run (not `--quick`) appends its own row.
//! `plots` draws them again from a saved `report.json`, e.g. to refresh `bench/plots/`.

mod canned_server;
mod core;
mod history;
mod loops;
mod measure;
mod moto;
mod peers;
mod plot_data;
mod plots;
mod record;
mod report;
mod scan;
mod serve_load;
mod startup;
mod sweeps;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use ddb_connector_host::{ConnectorHost, EgressPolicy, HostConfig};

use tokio::runtime::Runtime;

use loops::{LoopMode, call_loop};
use moto::{boto3, moto_run};
use peers::{Op, Target};
use report::Report;
use scan::{Scan, scan_all};
use startup::{Startup, startup};
use sweeps::{PeerMaker, component, latencies, native_sdk, throughputs};

/// `config` with egress to loopback only (the canned server and moto run there).
fn loopback(config: HostConfig) -> HostConfig {
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
    /// `loop` calls the canned server by the name `localhost` instead of its address.
    by_name: bool,
    /// `loop`'s host looks every name up (no DNS cache).
    no_dns_cache: bool,
    /// `loop` links all of WASI, as the SDK peer needs (off: the connector's imports only, as
    /// the host's default).
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
        link_all: false,
        by_name: false,
        no_dns_cache: false,
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
            "--link-all-of-wasi" => args.link_all = true,
            "--by-name" => args.by_name = true,
            "--no-dns-cache" => args.no_dns_cache = true,
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
        Some("serve-load") => parse_args().and_then(|args| {
            serve_load::serve_load(&args.component, std::env::var("DDB_BENCH_SERVE_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000))
        }),
        Some("loop") => parse_args().and_then(|args| call_loop(&args)),
        Some("plots") => parse_args().and_then(|args| record::plots_only(&args.outputs(), args.from)),
        _ => Err("usage: ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR] [--history CSV] [--plots-dir DIR] | ddb-bench plots [--from JSON] [--history CSV] [--out DIR] [--plots-dir DIR] | ddb-bench serve [TLS-DIR] | ddb-bench core [CALLS] | ddb-bench loop [--component PATH] [--put | --instantiate | --cold-start | --scan] [--link-all-of-wasi] [--by-name [--no-dns-cache]] [SECONDS]".into()),
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

/// Sizes, compile, cold start and instantiation of each component; then a scan through the
/// whole canned table, resumed invocation after invocation.
fn startups_and_scan(
    args: &Args,
    ours_pooled: &Arc<ConnectorHost>,
    sdk_wasm: Option<&Arc<ConnectorHost>>,
    canned: &Target,
    report: &mut Report,
) -> Result<(), String> {
    let same: fn(HostConfig) -> HostConfig = |config| config;
    let mut components = vec![("this component", &args.component, ours_pooled, same)];
    if let (Some(path), Some(host)) = (&args.sdk_component, sdk_wasm) {
        components.push(("aws-sdk-dynamodb on wasip2", path, host, sdk_host_config));
    }
    for (name, path, pooled, host_config) in components {
        let startup = startup(path, pooled, host_config, args.plan, &args.out)?;
        eprintln!("{name}: {startup:?}");
        report.startup(name, startup);
    }
    let scan = current_thread()?.block_on(scan_all(ours_pooled, canned, args.plan.scan_items))?;
    eprintln!("scan: {scan:?}");
    report.scan(scan);
    Ok(())
}

/// The SDK peer's host: it also links all of WASI, as the SDK on wasip2 imports
/// wasi:filesystem, which the connector does not.
fn sdk_host_config(config: HostConfig) -> HostConfig {
    HostConfig {
        link_all_of_wasi: true,
        ..config
    }
}

/// The component at `path` in a loopback host, compiled through the cache in `out`.
fn load_cached(path: &Path, config: HostConfig, out: &Path) -> Result<Arc<ConnectorHost>, String> {
    let config = HostConfig {
        compiled_cache: Some(out.join("compiled")),
        ..loopback(config)
    };
    ConnectorHost::from_file(path, config)
        .map(Arc::new)
        .map_err(|e| format!("loading {}: {e:#}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let plan = args.plan;
    std::fs::create_dir_all(&args.out).map_err(|e| e.to_string())?;
    let mut report = Report::new(args.quick);
    let server = Server::start()?;
    let canned = Target::canned(format!("http://127.0.0.1:{}", server.1));

    let load = |path: &Path, config| load_cached(path, config, &args.out);
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
        config
            .tls
            .add_pem_file(&tls_dir.join("ca.pem"))
            .map_err(|e| e.to_string())?;
        load(&args.component, config)?
    };
    let sdk_wasm = match &args.sdk_component {
        Some(path) => Some(load(path, sdk_host_config(HostConfig::default()))?),
        None => None,
    };

    let mut peers: Vec<(&str, PeerMaker)> = vec![
        (
            "this component, pooled host",
            component(&ours_pooled, &canned),
        ),
        (
            "this component, unpooled host",
            component(&ours_unpooled, &canned),
        ),
        ("aws-sdk-dynamodb, native", native_sdk(&canned, None)),
        (
            "this component, pooled host, https",
            component(&ours_tls, &canned_tls),
        ),
        (
            "aws-sdk-dynamodb, native, https",
            native_sdk(&canned_tls, Some(ca_pem)),
        ),
    ];
    if let Some(host) = &sdk_wasm {
        peers.push((
            "aws-sdk-dynamodb on wasip2, pooled host",
            component(host, &canned),
        ));
    }

    latencies(&peers, plan, &mut report)?;
    throughputs(&peers, plan, &mut report)?;

    if let Some(python) = &args.python {
        let boto3 = boto3(python, &canned, plan, false)?;
        report.boto3(&boto3, false)?;
    }

    startups_and_scan(args, &ours_pooled, sdk_wasm.as_ref(), &canned, &mut report)?;
    drop(server);

    if args.moto {
        moto_run(args, &ours_pooled, sdk_wasm.as_ref(), &mut report)?;
    }

    let text = report.render();
    println!("{text}");
    std::fs::write(args.out.join("report.md"), &text).map_err(|e| e.to_string())?;
    record::record_and_plot(&args.outputs(), &report, &history::commit(&root_dir()))
}
