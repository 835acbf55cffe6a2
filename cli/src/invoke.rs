//! `invoke`: one request in, exactly one JSON document out.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, Invocation, Tenant};

use crate::args::InvokeArgs;
use crate::{HOST_FAILURE, host_failure_report};

/// The request's text, from `input` or stdin.
pub fn read_request(input: Option<&Path>) -> Result<String, String> {
    let mut request = String::new();
    let read = match input {
        Some(path) => std::fs::read_to_string(path).map(|text| request = text),
        None => std::io::stdin().read_to_string(&mut request).map(drop),
    };
    read.map(|()| request)
        .map_err(|e| format!("cannot read the request: {e}"))
}

fn print(value: &serde_json::Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    println!("{}", text.unwrap_or_else(|_| value.to_string()));
}

/// The `--stats` line: what one invocation cost.
fn stats_line<T>(invocation: &Invocation<T>, wall: Duration) -> String {
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

/// Runs `request`, prints its result (exit 0) or its error (exit 1, 3 for a host failure).
pub async fn run(
    host: &ConnectorHost,
    args: &InvokeArgs,
    request: &str,
    tenant: &Tenant,
) -> ExitCode {
    let started = Instant::now();
    let invocation = match host.execute_json(request, tenant).await {
        Ok(invocation) => invocation,
        Err(e) => {
            print(&host_failure_report(&e), args.pretty);
            return ExitCode::from(HOST_FAILURE);
        }
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
