//! The runner's command line: `invoke` or `export`, and the host options they share.

use std::path::PathBuf;

use ddb_connector_host::{EgressPolicy, HostConfig};

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
    "AWS_WEB_IDENTITY_TOKEN",
];

/// This process's AWS credentials for the sandbox. The sandbox has no files, so the token file
/// of `AWS_WEB_IDENTITY_TOKEN_FILE` (as on EKS) is read here and passed as its content.
fn aws_env() -> Result<Vec<(String, String)>, String> {
    let mut env: Vec<(String, String)> = AWS_ENV
        .iter()
        .filter_map(|name| Some((name.to_string(), std::env::var(name).ok()?)))
        .collect();
    let has_token = env.iter().any(|(k, _)| k == "AWS_WEB_IDENTITY_TOKEN");
    if let (false, Some(path)) = (has_token, std::env::var_os("AWS_WEB_IDENTITY_TOKEN_FILE")) {
        let token = std::fs::read_to_string(&path).map_err(|e| {
            format!("--pass-aws-env: AWS_WEB_IDENTITY_TOKEN_FILE {path:?} cannot be read: {e}")
        })?;
        env.push(("AWS_WEB_IDENTITY_TOKEN".into(), token.trim().to_string()));
    }
    Ok(env)
}

/// How to run the runner.
pub const USAGE: &str = "usage:
  ddb-connector invoke [OPTIONS] [--pretty] [--stats]
  ddb-connector export --input FILE [--checkpoint FILE] [OPTIONS]
options: [--component PATH] [--input FILE] [--env KEY=VALUE]... [--pass-aws-env]
         [--allow-outbound RULE]... [--ca-file PATH]... [--max-request-bytes N]";

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Run one request, print its result.
    Invoke,
    /// Run a scanTable or query request to the end, items as NDJSON.
    Export,
}

/// The parsed command line.
pub struct Args {
    /// `invoke` or `export`.
    pub command: Command,
    /// The component's `.wasm` file.
    pub component: PathBuf,
    /// The request's file; stdin when absent (`invoke` only).
    pub input: Option<PathBuf>,
    /// The tenant's environment.
    pub env: Vec<(String, String)>,
    /// The host's settings.
    pub config: HostConfig,
    /// Print the result indented (`invoke`).
    pub pretty: bool,
    /// Print the invocation's fuel, memory high-water, wall time and HTTP calls to stderr.
    pub stats: bool,
    /// Where `export` keeps (and resumes from) its position.
    pub checkpoint: Option<PathBuf>,
}

/// Reads the arguments after the program's name.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = match args.next().as_deref() {
        Some("invoke") => Command::Invoke,
        Some("export") => Command::Export,
        _ => return Err("the commands are `invoke` and `export`".into()),
    };
    let mut parsed = Args {
        command,
        component: std::env::var_os("DDB_CONNECTOR_COMPONENT")
            .map_or_else(|| PathBuf::from(DEFAULT_COMPONENT), PathBuf::from),
        input: None,
        env: Vec::new(),
        config: HostConfig::default(),
        pretty: false,
        stats: false,
        checkpoint: None,
    };
    let mut outbound = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match (command, arg.as_str()) {
            (_, "--component") => parsed.component = value("--component")?.into(),
            (_, "--input") => parsed.input = Some(value("--input")?.into()),
            (_, "--env") => {
                let pair = value("--env")?;
                let (k, v) = pair.split_once('=').ok_or("--env takes KEY=VALUE")?;
                parsed.env.push((k.to_string(), v.to_string()));
            }
            (_, "--pass-aws-env") => parsed.env.extend(aws_env()?),
            (_, "--allow-outbound") => outbound.push(value("--allow-outbound")?),
            (_, "--ca-file") => {
                let path = PathBuf::from(value("--ca-file")?);
                parsed.config.tls.add_pem_file(&path)?;
            }
            (_, "--max-request-bytes") => {
                let n = value("--max-request-bytes")?;
                parsed.config.max_request_bytes = n
                    .parse()
                    .map_err(|_| format!("--max-request-bytes: {n:?} is not a size"))?;
            }
            (Command::Invoke, "--pretty") => parsed.pretty = true,
            (Command::Invoke, "--stats") => parsed.stats = true,
            (Command::Export, "--checkpoint") => {
                parsed.checkpoint = Some(value("--checkpoint")?.into());
            }
            (_, other) => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !outbound.is_empty() {
        parsed.config.egress = EgressPolicy::rules(&outbound)?;
    }
    if command == Command::Export && parsed.input.is_none() {
        return Err("export needs --input FILE".into());
    }
    Ok(parsed)
}
