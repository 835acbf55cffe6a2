//! The command line of `ddb-bench`: how much to measure ([`Plan`]) and the options ([`Args`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::loops::LoopMode;
use crate::peers::Op;
use crate::record;

/// Concurrency levels of the throughput runs.
pub const CONCURRENCY: [usize; 3] = [1, 8, 64];

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub warmup: usize,
    pub calls: usize,
    pub throughput_for: Duration,
    pub instantiations: usize,
    pub cold_starts: usize,
    pub scan_items: u64,
    pub moto_calls: usize,
}

impl Plan {
    /// A full run, as BENCHMARKS.md reports.
    pub const FULL: Plan = Plan {
        warmup: 300,
        calls: 3000,
        throughput_for: Duration::from_secs(3),
        instantiations: 5000,
        cold_starts: 30,
        scan_items: 100_000,
        moto_calls: 300,
    };
    /// A smoke run of every path (`--quick`).
    pub const QUICK: Plan = Plan {
        warmup: 5,
        calls: 30,
        throughput_for: Duration::from_millis(200),
        instantiations: 30,
        cold_starts: 2,
        scan_items: 2_000,
        moto_calls: 10,
    };
}

pub struct Args {
    pub plan: Plan,
    pub quick: bool,
    pub component: PathBuf,
    pub sdk_component: Option<PathBuf>,
    pub python: Option<PathBuf>,
    pub moto: bool,
    pub out: PathBuf,
    /// How long `loop` runs.
    pub seconds: Duration,
    /// What `loop` calls.
    pub op: Op,
    /// What `loop` repeats: whole calls, instantiations alone, or cold starts.
    pub loop_mode: LoopMode,
    /// `loop` calls with this request's `input` (a JSON file) instead of GetItem or PutItem.
    pub input: Option<PathBuf>,
    /// `loop` calls the canned server by the name `localhost` instead of its address.
    pub by_name: bool,
    /// `loop`'s host looks every name up (no DNS cache).
    pub no_dns_cache: bool,
    /// `loop` links all of WASI, as the SDK peer needs (off: the connector's imports only, as
    /// the host's default).
    pub link_all: bool,
    /// The fuel history a full `run` appends to and the fuel plot reads.
    pub history: PathBuf,
    /// A second directory for the plots (the committed copies, `bench/plots`).
    pub plots_dir: Option<PathBuf>,
    /// The saved run `plots` draws (default `OUT/report.json`).
    pub from: Option<PathBuf>,
}

impl Args {
    /// Where the plots, their numbers and the history go.
    pub fn outputs(&self) -> record::Outputs {
        record::Outputs {
            quick: self.quick,
            out: self.out.clone(),
            plots_dir: self.plots_dir.clone(),
            history: self.history.clone(),
        }
    }
}

/// The repository's root.
pub fn root_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn parse_args() -> Result<Args, String> {
    let root = root_dir();
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
        input: None,
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
            "--input" => args.input = Some(value("--input")?),
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
