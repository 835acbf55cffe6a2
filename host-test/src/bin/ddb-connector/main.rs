//! `ddb-connector`: runs the DynamoDB connector component from the command line.
//!
//! ```text
//! ddb-connector invoke [--component PATH] [--input FILE] [--env KEY=VALUE]... [--pass-aws-env]
//!                      [--allow-outbound RULE]... [--ca-file PATH]... [--max-request-bytes N]
//!                      [--pretty] [--stats]
//! ddb-connector export --input FILE [--checkpoint FILE] [the same host options]
//! ```
//! `invoke` reads one request JSON (stdin by default) and writes exactly one JSON document to
//! stdout: the result, or `{"error": {"kind": ...}}`; `--stats` adds the invocation's fuel,
//! memory high-water, wall time and HTTP calls on stderr. `export` runs a scanTable or query
//! request to the end across invocations and writes the items as NDJSON ([`export`]).
//!
//! Exit status: 0 success, 1 connector error, 2 usage error, 3 host failure (the component
//! could not be loaded, or trapped; the details, with wasm backtraces, go to stderr), 130
//! an export interrupted (Ctrl-C) after saying where to resume.
//!
//! Without `--allow-outbound`, only the official AWS endpoints are reachable (README, "Egress
//! policy"); each `--allow-outbound` rule replaces that default with the rules given.

mod args;
mod export;

use std::io::Read as _;
use std::process::ExitCode;
use std::time::Instant;

use ddb_connector_host::{ConnectorHost, HostFailure, Invocation, Tenant};

use args::{Args, Command, USAGE};

/// Exit status of a usage error.
const USAGE_ERROR: u8 = 2;

fn print(value: &serde_json::Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    println!("{}", text.unwrap_or_else(|_| value.to_string()));
}

/// Reports a host failure (stdout: its JSON; stderr: its diagnostics); exit status 3.
fn host_failure(e: &wasmtime::Error, pretty: bool) -> ExitCode {
    match e.downcast_ref::<HostFailure>() {
        Some(failure) => {
            eprintln!("{}", failure.diagnostics);
            print(&failure.to_json(), pretty);
        }
        None => print(
            &serde_json::json!({"error": {"kind": "host", "code": "HostFailure", "message": format!("{e:#}")}}),
            pretty,
        ),
    }
    ExitCode::from(3)
}

fn read_request(args: &Args) -> Result<String, String> {
    let mut request = String::new();
    let read = match &args.input {
        Some(path) => std::fs::read_to_string(path).map(|text| request = text),
        None => std::io::stdin().read_to_string(&mut request).map(drop),
    };
    read.map(|()| request)
        .map_err(|e| format!("cannot read the request: {e}"))
}

/// The `--stats` line: what one invocation cost.
fn stats_line<T>(invocation: &Invocation<T>, wall: std::time::Duration) -> String {
    format!(
        "stats: fuel {} | memory high-water {} bytes ({:.1} MiB) | wall {:.1} ms | HTTP calls {} ({} refused)",
        invocation.fuel_consumed,
        invocation.memory_high_water,
        invocation.memory_high_water as f64 / (1 << 20) as f64,
        wall.as_secs_f64() * 1000.0,
        invocation.http_requests,
        invocation.denied_requests,
    )
}

async fn invoke(host: &ConnectorHost, args: &Args, request: &str, tenant: &Tenant) -> ExitCode {
    let started = Instant::now();
    let invocation = match host.execute_json(request, tenant).await {
        Ok(invocation) => invocation,
        Err(e) => return host_failure(&e, args.pretty),
    };
    if args.stats {
        eprintln!("{}", stats_line(&invocation, started.elapsed()));
    }
    match invocation.result {
        Ok(result) => {
            match serde_json::from_str::<serde_json::Value>(&result) {
                Ok(value) => print(&value, args.pretty),
                Err(_) => println!("{result}"),
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            print(&error.to_json(), args.pretty);
            ExitCode::from(1)
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let request = match read_request(&args) {
        Ok(request) => request,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let host = match ConnectorHost::from_file(&args.component, args.config.clone()) {
        Ok(host) => host,
        Err(e) => return host_failure(&e, args.pretty),
    };
    let tenant = Tenant {
        env: args.env.clone(),
        outbound: None,
    };
    match args.command {
        Command::Invoke => invoke(&host, &args, &request, &tenant).await,
        Command::Export => export::run(&host, &args, &request, &tenant).await,
    }
}
