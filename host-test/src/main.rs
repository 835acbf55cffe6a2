//! `ddb-connector`: runs the DynamoDB connector component once, from the command line.
//!
//! ```text
//! ddb-connector invoke [--component PATH] [--input FILE] [--env KEY=VALUE]... [--pass-aws-env]
//!                      [--allow-outbound RULE]... [--ca-file PATH]... [--max-request-bytes N] [--pretty]
//! ```
//! Reads one request JSON (stdin by default) and writes exactly one JSON document to stdout:
//! the result, or `{"error": {"kind": ...}}`. Exit status: 0 success, 1 connector error,
//! 2 usage error, 3 host failure (the component could not be loaded, or trapped; the details,
//! with wasm backtraces, go to stderr).
//!
//! Without `--allow-outbound`, only the official AWS endpoints are reachable (README, "Egress
//! policy"); each `--allow-outbound` rule replaces that default with the rules given.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use ddb_connector_host::{ConnectorHost, EgressPolicy, HostConfig, HostFailure, Tenant};

/// Where `cargo build --target wasm32-wasip2 --release` puts the component.
const DEFAULT_COMPONENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/wasm32-wasip2/release/ddb_connector.wasm"
);
/// Variables `--pass-aws-env` forwards from this process to the tenant's sandbox.
const AWS_ENV: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

const USAGE: &str = "usage: ddb-connector invoke [--component PATH] [--input FILE] [--env KEY=VALUE]... [--pass-aws-env] [--allow-outbound RULE]... [--ca-file PATH]... [--max-request-bytes N] [--pretty]";

struct Args {
    component: PathBuf,
    input: Option<PathBuf>,
    env: Vec<(String, String)>,
    config: HostConfig,
    outbound: Vec<String>,
    pretty: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    if args.next().as_deref() != Some("invoke") {
        return Err("the only command is `invoke`".into());
    }
    let mut parsed = Args {
        component: std::env::var_os("DDB_CONNECTOR_COMPONENT")
            .map_or_else(|| PathBuf::from(DEFAULT_COMPONENT), PathBuf::from),
        input: None,
        env: Vec::new(),
        config: HostConfig::default(),
        outbound: Vec::new(),
        pretty: false,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--component" => parsed.component = value("--component")?.into(),
            "--input" => parsed.input = Some(value("--input")?.into()),
            "--env" => {
                let pair = value("--env")?;
                let (k, v) = pair.split_once('=').ok_or("--env takes KEY=VALUE")?;
                parsed.env.push((k.to_string(), v.to_string()));
            }
            "--pass-aws-env" => {
                for name in AWS_ENV {
                    if let Ok(v) = std::env::var(name) {
                        parsed.env.push((name.to_string(), v));
                    }
                }
            }
            "--allow-outbound" => parsed.outbound.push(value("--allow-outbound")?),
            "--ca-file" => {
                let path = PathBuf::from(value("--ca-file")?);
                parsed.config.tls.add_pem_file(&path)?;
            }
            "--max-request-bytes" => {
                let n = value("--max-request-bytes")?;
                parsed.config.max_request_bytes = n
                    .parse()
                    .map_err(|_| format!("--max-request-bytes: {n:?} is not a size"))?;
            }
            "--pretty" => parsed.pretty = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !parsed.outbound.is_empty() {
        parsed.config.egress = EgressPolicy::rules(&parsed.outbound)?;
    }
    Ok(parsed)
}

fn print(value: &serde_json::Value, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    println!("{}", text.unwrap_or_else(|_| value.to_string()));
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut request = String::new();
    let read = match &args.input {
        Some(path) => std::fs::read_to_string(path).map(|text| request = text),
        None => std::io::stdin().read_to_string(&mut request).map(drop),
    };
    if let Err(e) = read {
        eprintln!("cannot read the request: {e}\n{USAGE}");
        return ExitCode::from(2);
    }
    let host_failure = |e: wasmtime::Error| {
        match e.downcast_ref::<HostFailure>() {
            Some(failure) => {
                eprintln!("{}", failure.diagnostics);
                print(&failure.to_json(), args.pretty);
            }
            None => print(
                &serde_json::json!({"error": {"kind": "host", "code": "HostFailure", "message": format!("{e:#}")}}),
                args.pretty,
            ),
        }
        ExitCode::from(3)
    };
    let host = match ConnectorHost::from_file(&args.component, args.config.clone()) {
        Ok(host) => host,
        Err(e) => return host_failure(e),
    };
    let tenant = Tenant {
        env: args.env.clone(),
        outbound: None,
    };
    match host.execute_json(&request, &tenant).await {
        Ok(invocation) => match invocation.result {
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
        },
        Err(e) => host_failure(e),
    }
}
