//! `ddb-bench`: the connector component against the AWS SDKs, in one run.
//!
//! ```text
//! ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR]
//! ddb-bench serve
//! ddb-bench serve-load [--component PATH]
//! ddb-bench core [CALLS]
//! ddb-bench loop [--component PATH] [--put | --input FILE | --instantiate | --cold-start | --scan] [--link-all-of-wasi] [--by-name [--no-dns-cache]] [SECONDS]
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

mod args;
mod canned_process;
mod canned_server;
mod core;
mod history;
mod hosts;
mod loops;
mod measure;
mod moto;
mod peers;
mod plot_data;
mod plots;
mod record;
mod report;
mod run;
mod runtimes;
mod scan;
mod serve_load;
mod startup;
mod sweeps;

use std::path::PathBuf;

use args::parse_args;
use canned_process::serve;
use loops::call_loop;
use peers::Op;
use run::run;

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
        _ => Err("usage: ddb-bench run [--quick] [--component PATH] [--sdk-component PATH] [--python PATH] [--moto] [--out DIR] [--history CSV] [--plots-dir DIR] | ddb-bench plots [--from JSON] [--history CSV] [--out DIR] [--plots-dir DIR] | ddb-bench serve [TLS-DIR] | ddb-bench core [CALLS] | ddb-bench loop [--component PATH] [--put | --input FILE | --instantiate | --cold-start | --scan] [--link-all-of-wasi] [--by-name [--no-dns-cache]] [SECONDS]".into()),
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
