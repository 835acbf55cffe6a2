//! `ddb-connector`: runs the DynamoDB connector component from the command line.
//!
//! `invoke` reads one request JSON (stdin by default) and writes exactly one JSON document to
//! stdout: the result, or `{"error": {"kind": ...}}`; `--stats` adds the invocation's fuel,
//! memory high-water, wall time and HTTP calls on stderr. `export` runs a scanTable or query
//! request to the end across invocations and writes the items as NDJSON ([`export`]).
//!
//! Exit status: 0 success, 1 connector error, 2 usage error, 3 host failure (the component
//! could not be loaded, or trapped; the details, with wasm backtraces, go to stderr), 130
//! an export interrupted (Ctrl-C) after saying where to resume.
//!
//! Without `--allow-outbound`, only the official AWS endpoints are reachable (docs/security.md, "Egress
//! policy"); each `--allow-outbound` rule replaces that default with the rules given.

mod args;
mod export;
mod invoke;
mod serve;

use std::process::ExitCode;

use clap::Parser as _;
use ddb_connector_host::{ConnectorHost, HostError, Tenant};

use args::{Cli, Command, HostOptions};

/// Exit status of a usage error (clap's own for the arguments it refuses).
pub(crate) const USAGE_ERROR: u8 = 2;
/// Exit status of a host failure.
pub(crate) const HOST_FAILURE: u8 = 3;

/// A host failure's JSON document, after its diagnostics (with backtraces), when it has
/// any, on stderr for the operator.
pub(crate) fn host_failure_report(e: &HostError) -> serde_json::Value {
    if let Some(diagnostics) = e.diagnostics() {
        eprintln!("{diagnostics}");
    }
    e.to_json()
}

/// What every subcommand needs: the loaded host, the tenant, and the request's text (read
/// after the options are checked, before the component is loaded), or the exit status of why not.
fn prepare(
    command: &str,
    options: &HostOptions,
    read_request: impl FnOnce() -> Result<String, String>,
) -> Result<(ConnectorHost, Tenant, String), ExitCode> {
    let usage = |message: String| {
        eprintln!("ddb-connector {command}: {message}");
        ExitCode::from(USAGE_ERROR)
    };
    let config = options.host_config().map_err(usage)?;
    let env = options.tenant_env().map_err(usage)?;
    let request = read_request().map_err(usage)?;
    let host = ConnectorHost::from_file(&options.component, config).map_err(|e| {
        println!("{}", host_failure_report(&e));
        ExitCode::from(HOST_FAILURE)
    })?;
    Ok((
        host,
        Tenant {
            env,
            outbound: None,
        },
        request,
    ))
}

fn main() -> ExitCode {
    match Cli::parse().command {
        // serve builds the runtime its configuration asks for.
        Command::Serve(args) => serve::run(&args.config, args.component),
        command => match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime.block_on(run(command)),
            Err(e) => {
                eprintln!("ddb-connector: cannot start the runtime: {e}");
                ExitCode::from(HOST_FAILURE)
            }
        },
    }
}

/// `invoke` and `export`, on one thread.
async fn run(command: Command) -> ExitCode {
    match command {
        Command::Invoke(args) => {
            match prepare("invoke", &args.host, || {
                invoke::read_request(args.input.as_deref())
            }) {
                Ok((host, tenant, request)) => invoke::run(&host, &args, &request, &tenant).await,
                Err(code) => code,
            }
        }
        Command::Export(args) => {
            let read = || {
                std::fs::read_to_string(&args.input)
                    .map_err(|e| format!("cannot read the request: {e}"))
            };
            match prepare("export", &args.host, read) {
                Ok((host, tenant, request)) => export::run(&host, &args, &request, &tenant).await,
                Err(code) => code,
            }
        }
        // main runs serve itself, outside this runtime.
        Command::Serve(_) => ExitCode::from(USAGE_ERROR),
    }
}
