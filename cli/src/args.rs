//! The command line (clap derive): the subcommands and the host options they share.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
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

/// Runs the DynamoDB connector component in the reference host: each invocation in a fresh
/// sandbox, outgoing calls only where the egress policy allows.
///
/// Exit status: 0 success, 1 connector error, 2 usage error, 3 host failure (the component
/// could not be loaded, or trapped; the details go to stderr), 130 an export interrupted.
#[derive(Debug, Parser)]
#[command(name = "ddb-connector", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one request (JSON, stdin by default) and print its result as one JSON document.
    Invoke(InvokeArgs),
    /// Run a scanTable or query request to the end across invocations; items as NDJSON.
    Export(ExportArgs),
    /// Serve the component over HTTP to bearer-token tenants (docs/serve.md).
    Serve(ServeArgs),
}

/// `serve`'s options: everything else is in the configuration file.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The component's `.wasm` file, when the configuration names none.
    #[arg(long, value_name = "PATH", env = "DDB_CONNECTOR_COMPONENT", default_value = DEFAULT_COMPONENT)]
    pub component: PathBuf,
}

/// `invoke`'s options.
#[derive(Debug, Args)]
pub struct InvokeArgs {
    #[command(flatten)]
    pub host: HostOptions,
    /// The request's file; stdin when absent.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Print the result indented.
    #[arg(long)]
    pub pretty: bool,
    /// Print the invocation's fuel, memory high-water, wall time and HTTP calls to stderr.
    #[arg(long)]
    pub stats: bool,
}

/// `export`'s options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub host: HostOptions,
    /// The scanTable or query request's file.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Where the export keeps (and resumes from) every segment's position.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// A parallel scan of N segments, all at once in this process.
    #[arg(long, value_name = "N")]
    pub segments: Option<u32>,
    /// Only segment I of --total-segments (one process per segment).
    #[arg(long, value_name = "I")]
    pub segment: Option<u32>,
    /// DynamoDB's TotalSegments, with --segment.
    #[arg(long, value_name = "N")]
    pub total_segments: Option<u32>,
    /// The read capacity units per second all the process's segments may draw.
    #[arg(long, value_name = "R", value_parser = positive_rate)]
    pub max_read_units_per_second: Option<f64>,
}

/// A rate above 0.
fn positive_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!("{text:?}: must be above 0")),
    }
}

/// The host's settings and the tenant's environment, shared by every subcommand.
#[derive(Debug, Args)]
pub struct HostOptions {
    /// The component's `.wasm` file.
    #[arg(long, value_name = "PATH", env = "DDB_CONNECTOR_COMPONENT", default_value = DEFAULT_COMPONENT)]
    pub component: PathBuf,
    /// A variable of the tenant's sandbox environment (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = key_value)]
    pub env: Vec<(String, String)>,
    /// Forward this process's AWS credentials (and the web identity token file's content).
    #[arg(long)]
    pub pass_aws_env: bool,
    /// An egress rule (repeatable); the rules given replace the AWS defaults.
    #[arg(long, value_name = "RULE")]
    pub allow_outbound: Vec<String>,
    /// A PEM file of CAs trusted for https beyond the public roots (repeatable).
    #[arg(long, value_name = "PATH")]
    pub ca_file: Vec<PathBuf>,
    /// The cap on one request, in bytes.
    #[arg(long, value_name = "N")]
    pub max_request_bytes: Option<usize>,
}

fn key_value(pair: &str) -> Result<(String, String), String> {
    let (key, value) = pair.split_once('=').ok_or("--env takes KEY=VALUE")?;
    Ok((key.to_string(), value.to_string()))
}

impl HostOptions {
    /// The host's configuration these options describe.
    pub fn host_config(&self) -> Result<HostConfig, String> {
        let mut config = HostConfig::default();
        for path in &self.ca_file {
            config.tls.add_pem_file(path).map_err(|e| e.to_string())?;
        }
        if let Some(bytes) = self.max_request_bytes {
            config.max_request_bytes = bytes;
        }
        if !self.allow_outbound.is_empty() {
            config.egress = EgressPolicy::rules(&self.allow_outbound).map_err(|e| e.to_string())?;
        }
        Ok(config)
    }

    /// The tenant's environment: `--env` pairs, then this process's AWS variables when
    /// `--pass-aws-env` is given.
    pub fn tenant_env(&self) -> Result<Vec<(String, String)>, String> {
        let mut env = self.env.clone();
        if self.pass_aws_env {
            env.extend(aws_env()?);
        }
        Ok(env)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn env_pairs_split_at_the_first_equals_sign() {
        assert_eq!(key_value("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert!(key_value("novalue").is_err());
    }

    #[test]
    fn export_needs_its_input() {
        let missing = Cli::try_parse_from(["ddb-connector", "export"]);
        assert_eq!(
            missing.unwrap_err().kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
    }
}
