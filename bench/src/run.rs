//! `ddb-bench run`: every peer against the canned server (over http and https), then the
//! startups, the scan and, with `--moto`, the calls against moto; the report and its plots.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ddb_connector_host::{ConnectorHost, HostConfig};

use crate::args::{Args, root_dir};
use crate::canned_process::Server;
use crate::hosts::{load_cached, sdk_host_config};
use crate::moto::{boto3, moto_run};
use crate::peers::Target;
use crate::report::Report;
use crate::runtimes::current_thread;
use crate::scan::scan_all;
use crate::startup::startup;
use crate::sweeps::{PeerMaker, component, latencies, native_sdk, throughputs};
use crate::{canned_server, history, record};

/// The canned server behind TLS (the production path, https) and the CA its peers trust.
struct TlsCanned {
    target: Target,
    ca_file: PathBuf,
    ca_pem: Vec<u8>,
    /// Killed when this is dropped.
    _server: Server,
}

impl TlsCanned {
    /// Makes a test CA and certificate in `out/tls` and starts the canned server with them.
    fn start(out: &Path) -> Result<Self, String> {
        let tls_dir = out.join("tls");
        canned_server::make_certificates(&tls_dir)?;
        let server = Server::start_with(Some(&tls_dir))?;
        let ca_file = tls_dir.join("ca.pem");
        Ok(Self {
            target: Target::canned(format!("https://127.0.0.1:{}", server.1)),
            ca_pem: std::fs::read(&ca_file).map_err(|e| e.to_string())?,
            ca_file,
            _server: server,
        })
    }
}

/// The components of a run, each in the host it is measured in.
struct Hosts {
    ours_pooled: Arc<ConnectorHost>,
    ours_unpooled: Arc<ConnectorHost>,
    /// Pooled, trusting the CA of the TLS canned server.
    ours_tls: Arc<ConnectorHost>,
    /// aws-sdk-dynamodb built for wasm32-wasip2 (`--sdk-component`).
    sdk_wasm: Option<Arc<ConnectorHost>>,
}

impl Hosts {
    /// Loads the components of `args`, compiled through the cache in `args.out`.
    fn load(args: &Args, ca_file: &Path) -> Result<Self, String> {
        let load = |path: &Path, config| load_cached(path, config, &args.out);
        let mut tls_config = HostConfig::default();
        (tls_config.tls)
            .add_pem_file(ca_file)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            ours_pooled: load(&args.component, HostConfig::default())?,
            ours_unpooled: load(&args.component, HostConfig::unpooled())?,
            ours_tls: load(&args.component, tls_config)?,
            sdk_wasm: match &args.sdk_component {
                Some(path) => Some(load(path, sdk_host_config(HostConfig::default()))?),
                None => None,
            },
        })
    }
}

/// The peers measured on the canned server, in the order of the report.
fn canned_peers<'a>(
    hosts: &Hosts,
    canned: &Target,
    tls: &TlsCanned,
) -> Vec<(&'static str, PeerMaker<'a>)> {
    let mut peers: Vec<(&str, PeerMaker)> = vec![
        (
            "this component, pooled host",
            component(&hosts.ours_pooled, canned),
        ),
        (
            "this component, unpooled host",
            component(&hosts.ours_unpooled, canned),
        ),
        ("aws-sdk-dynamodb, native", native_sdk(canned, None)),
        (
            "this component, pooled host, https",
            component(&hosts.ours_tls, &tls.target),
        ),
        (
            "aws-sdk-dynamodb, native, https",
            native_sdk(&tls.target, Some(tls.ca_pem.clone())),
        ),
    ];
    if let Some(host) = &hosts.sdk_wasm {
        peers.push((
            "aws-sdk-dynamodb on wasip2, pooled host",
            component(host, canned),
        ));
    }
    peers
}

/// Sizes, compile, cold start and instantiation of each component; then a scan through the
/// whole canned table, resumed invocation after invocation.
fn startups_and_scan(
    args: &Args,
    hosts: &Hosts,
    canned: &Target,
    report: &mut Report,
) -> Result<(), String> {
    let same: fn(HostConfig) -> HostConfig = |config| config;
    let mut components = vec![("this component", &args.component, &hosts.ours_pooled, same)];
    if let (Some(path), Some(host)) = (&args.sdk_component, &hosts.sdk_wasm) {
        components.push(("aws-sdk-dynamodb on wasip2", path, host, sdk_host_config));
    }
    for (name, path, pooled, host_config) in components {
        let startup = startup(path, pooled, host_config, args.plan, &args.out)?;
        eprintln!("{name}: {startup:?}");
        report.startup(name, startup);
    }
    let scan =
        current_thread()?.block_on(scan_all(&hosts.ours_pooled, canned, args.plan.scan_items))?;
    eprintln!("scan: {scan:?}");
    report.scan(scan);
    Ok(())
}

/// Runs every measurement of `args`, then [`finish`]es.
pub fn run(args: &Args) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| e.to_string())?;
    let mut report = Report::new(args.quick);
    let server = Server::start()?;
    let canned = Target::canned(format!("http://127.0.0.1:{}", server.1));
    let tls = TlsCanned::start(&args.out)?;
    let hosts = Hosts::load(args, &tls.ca_file)?;

    let peers = canned_peers(&hosts, &canned, &tls);
    latencies(&peers, args.plan, &mut report)?;
    throughputs(&peers, args.plan, &mut report)?;
    if let Some(python) = &args.python {
        let boto3 = boto3(python, &canned, args.plan, false)?;
        report.boto3(&boto3, false)?;
    }
    startups_and_scan(args, &hosts, &canned, &mut report)?;
    drop(server);

    if args.moto {
        let sdk_wasm = hosts.sdk_wasm.as_ref();
        moto_run(args, &hosts.ours_pooled, sdk_wasm, &mut report)?;
    }
    finish(args, &report)
}

/// Prints the report and saves it as `out/report.md`; then records the run and draws its plots.
fn finish(args: &Args, report: &Report) -> Result<(), String> {
    let text = report.render();
    println!("{text}");
    std::fs::write(args.out.join("report.md"), &text).map_err(|e| e.to_string())?;
    record::record_and_plot(&args.outputs(), report, &history::commit(&root_dir()))
}
