//! `ddb-bench loop`: one kind of work repeated through the pooled host, to profile it with
//! `perf record` or to judge one change by its fuel.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, HostConfig, SystemResolver, Tenant};

use crate::args::Args;
use crate::canned_process::Server;
use crate::hosts::loopback;
use crate::measure;
use crate::peers::{Op, Peer, Target};
use crate::runtimes::current_thread;
use crate::scan::scan_loop;
use crate::startup::{ColdParts, ColdStart};

/// What `ddb-bench loop` repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoopMode {
    /// Whole calls against the canned server.
    Calls,
    /// Fresh store and instance, no call.
    Instantiate,
    /// From the precompiled artifact to a first instance, through a new engine.
    ColdStart,
    /// Whole scans of the canned table, each resumed invocation after invocation.
    Scan,
}

/// The host settings of `loop`: the host's default, with all of WASI linked under
/// `--link-all-of-wasi` and names looked up on every call under `--no-dns-cache`.
fn loop_config(args: &Args) -> HostConfig {
    let mut config = HostConfig {
        link_all_of_wasi: args.link_all,
        ..loopback(HostConfig::default())
    };
    if args.no_dns_cache {
        config.resolver = Arc::new(SystemResolver);
    }
    config
}

/// The pooled host `loop` drives. `DDB_BENCH_PERFMAP=1` has wasmtime write a perf map of the
/// compiled guest (`/tmp/perf-PID.map`), so `perf report` names the guest's functions.
fn loop_host(args: &Args) -> Result<ConnectorHost, String> {
    let config = loop_config(args);
    let mut engine_config = config.engine_config();
    if std::env::var_os("DDB_BENCH_PERFMAP").is_some() {
        engine_config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    let err = |e: wasmtime::Error| format!("loading {}: {e:#}", args.component.display());
    let engine = wasmtime::Engine::new(&engine_config).map_err(err)?;
    let component =
        wasmtime::component::Component::from_file(&engine, &args.component).map_err(err)?;
    ConnectorHost::from_component(engine, component, config)
        .map_err(|e| format!("loading {}: {e:#}", args.component.display()))
}

/// What a `loop` of calls, instantiations or cold starts did.
#[derive(Default)]
struct Tally {
    calls: u64,
    fuel: u64,
    elapsed: Duration,
    /// The parts of the cold starts, summed.
    parts: ColdParts,
}

/// The precompiled artifact `--cold-start` starts from; `None` in the other modes.
fn cold_artifact(args: &Args, host: &ConnectorHost) -> Result<Option<ColdStart>, String> {
    if args.loop_mode != LoopMode::ColdStart {
        return Ok(None);
    }
    let wasm = std::fs::read(&args.component).map_err(|e| e.to_string())?;
    let artifact = std::env::temp_dir().join(format!("ddb-bench-{}.cwasm", std::process::id()));
    ColdStart::prepare(host, &wasm, artifact).map(Some)
}

/// Repeats a call, an instantiation or a cold start (`args.loop_mode`) for `args.seconds`.
async fn repeat(
    args: &Args,
    host: &ConnectorHost,
    peer: &Peer,
    cold: Option<&ColdStart>,
    tenant: &Tenant,
) -> Result<Tally, String> {
    let started = Instant::now();
    let mut tally = Tally::default();
    while started.elapsed() < args.seconds {
        match (args.loop_mode, cold) {
            (LoopMode::Calls, _) => {
                // A call of `--input` is checked as PutItem's is: its status only.
                let op = if args.input.is_some() {
                    Op::PutItem
                } else {
                    args.op
                };
                tally.fuel += peer.call(op).await?.fuel.unwrap_or(0)
            }
            (LoopMode::ColdStart, Some(cold)) => {
                let (_, once) = cold.once(loop_config(args)).await?;
                tally.parts.load += once.load;
                tally.parts.host += once.host;
                tally.parts.instance += once.instance;
            }
            _ => {
                host.instantiate_only(tenant)
                    .await
                    .map_err(|e| format!("{e:#}"))?;
            }
        }
        tally.calls += 1;
    }
    tally.elapsed = started.elapsed();
    Ok(tally)
}

/// Prints the means of `tally` per unit, `cpu` being the process's CPU time over the loop.
fn print_tally(args: &Args, tally: &Tally, cpu: Duration, cold: bool) {
    let calls = tally.calls;
    let per_call = |d: Duration| d.as_secs_f64() * 1e6 / calls.max(1) as f64;
    let what = match args.loop_mode {
        LoopMode::Calls if args.input.is_some() => "call of --input",
        LoopMode::Calls => args.op.name(),
        LoopMode::Instantiate => "instantiation",
        LoopMode::ColdStart => "cold start",
        LoopMode::Scan => unreachable!("scan_loop reports its own"),
    };
    println!(
        "{calls} × {what} in {:.1} s: {:.1} µs each, CPU {:.1} µs each, fuel {} each",
        tally.elapsed.as_secs_f64(),
        per_call(tally.elapsed),
        per_call(cpu),
        tally.fuel / calls.max(1)
    );
    if cold {
        let parts = tally.parts;
        println!(
            "  of which (mean µs): load {:.1}, host {:.1}, first instance {:.1}; the rest is the engine",
            per_call(parts.load),
            per_call(parts.host),
            per_call(parts.instance)
        );
    }
}

/// The `input` of `--input FILE`.
fn given_input(path: &std::path::Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `loop` for `args.seconds`: calls, instantiations, cold starts or scans.
pub fn call_loop(args: &Args) -> Result<(), String> {
    let server = Server::start()?;
    let host_name = if args.by_name {
        "localhost"
    } else {
        "127.0.0.1"
    };
    let target = Target::canned(format!("http://{host_name}:{}", server.1));
    let host = Arc::new(loop_host(args)?);
    if args.loop_mode == LoopMode::Scan {
        return scan_loop(args, &host, &target);
    }
    let peer = match &args.input {
        Some(path) => Peer::component_with(host.clone(), &target, given_input(path)?),
        None => Peer::component(host.clone(), &target),
    };
    let cold = cold_artifact(args, &host)?;
    let runtime = current_thread()?;
    let tenant = Tenant::default();
    let cpu_before = measure::cpu_time();
    let tally = runtime.block_on(repeat(args, &host, &peer, cold.as_ref(), &tenant))?;
    let cpu = measure::cpu_time() - cpu_before;
    print_tally(args, &tally, cpu, cold.is_some());
    Ok(())
}
