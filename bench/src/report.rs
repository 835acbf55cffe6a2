//! Collects the measurements and renders them as the Markdown tables of BENCHMARKS.md.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use crate::history::Run;
use crate::measure::Latency;
use crate::peers::{CallReport, Op};
use crate::plot_data::{LatencyRow, PlotData, ThroughputRow};
use crate::scan::Scan;
use crate::startup::Startup;

/// The peer every ratio is taken of.
const OURS: &str = "this component, pooled host";
/// boto3's name in the tables.
const BOTO3: &str = "boto3";

/// All measurements of one run.
pub struct Report {
    quick: bool,
    latency: Vec<(String, Op, Latency, CallReport)>,
    throughput: Vec<(String, Vec<f64>)>,
    startup: Vec<(String, Startup)>,
    scan: Option<Scan>,
    moto: Vec<(String, Op, Latency)>,
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

fn kib(bytes: usize) -> String {
    format!("{:.0} KiB", bytes as f64 / 1024.0)
}

impl Report {
    /// An empty report; `quick` marks it as a smoke run.
    pub fn new(quick: bool) -> Self {
        Self {
            quick,
            latency: Vec::new(),
            throughput: Vec::new(),
            startup: Vec::new(),
            scan: None,
            moto: Vec::new(),
        }
    }

    /// Per-call latency of `peer` on the canned server.
    pub fn latency(&mut self, peer: &str, op: Op, latency: Latency, call: CallReport) {
        self.latency.push((peer.into(), op, latency, call));
    }

    /// GetItem throughput of `peer` at each concurrency.
    pub fn throughput(&mut self, peer: &str, rates: Vec<f64>) {
        self.throughput.push((peer.into(), rates));
    }

    /// Startup numbers of a component.
    pub fn startup(&mut self, name: &str, startup: Startup) {
        self.startup.push((name.into(), startup));
    }

    /// The bounded-memory scan.
    pub fn scan(&mut self, scan: Scan) {
        self.scan = Some(scan);
    }

    /// Per-call latency against moto.
    pub fn moto_latency(&mut self, peer: &str, op: Op, latency: Latency) {
        self.moto.push((peer.into(), op, latency));
    }

    /// boto3's answer (`boto3_bench.py`), on the canned server or on moto.
    pub fn boto3(&mut self, answer: &Value, against_moto: bool) -> Result<(), String> {
        let micros = |v: &Value| {
            v.as_f64()
                .map(|x| Duration::from_secs_f64(x / 1e6))
                .ok_or("boto3 benchmark output lacks a number")
        };
        for op in Op::ALL {
            let key = if op == Op::GetItem { "get" } else { "put" };
            let stats = &answer[key];
            let latency = Latency {
                calls: stats["calls"].as_u64().unwrap_or(0) as usize,
                p50: micros(&stats["p50_us"])?,
                p99: micros(&stats["p99_us"])?,
                cpu: micros(&stats["cpu_us"])?,
            };
            if against_moto {
                self.moto_latency(BOTO3, op, latency);
            } else {
                self.latency(BOTO3, op, latency, CallReport::default());
            }
        }
        if !against_moto {
            let rates = ["1", "8", "64"]
                .iter()
                .map(|c| answer["throughput"][c].as_f64().unwrap_or(0.0))
                .collect();
            self.throughput(BOTO3, rates);
        }
        Ok(())
    }

    fn p50(&self, peer: &str, op: Op) -> Option<Duration> {
        self.latency
            .iter()
            .find(|(p, o, ..)| p == peer && *o == op)
            .map(|(_, _, l, _)| l.p50)
    }

    /// The numbers the plots show; `run` says which run.
    pub fn plot_data(&self, run: &str) -> PlotData {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        PlotData {
            run: run.into(),
            latency: (self.latency.iter())
                .map(|(peer, op, l, _)| LatencyRow {
                    peer: peer.clone(),
                    op: op.name().into(),
                    p50_us: us(l.p50),
                    p99_us: us(l.p99),
                    cpu_us: us(l.cpu),
                })
                .collect(),
            throughput: (self.throughput.iter())
                .map(|(peer, rates)| ThroughputRow {
                    peer: peer.clone(),
                    rates: rates.clone(),
                })
                .collect(),
        }
    }

    /// This run's row of the fuel history: the pooled host's fuel per call and the size of
    /// this component; `None` if the run lacks them.
    pub fn history_row(&self, date: &str, commit: &str) -> Option<Run> {
        let fuel = |op: Op| {
            (self.latency.iter())
                .find(|(p, o, ..)| p == OURS && *o == op)
                .and_then(|(.., call)| call.fuel)
        };
        let bytes = (self.startup.iter())
            .find(|(name, _)| name == "this component")
            .map(|(_, s)| s.wasm_bytes)?;
        Some(Run {
            date: date.into(),
            commit: commit.into(),
            fuel_get: fuel(Op::GetItem)?,
            fuel_put: fuel(Op::PutItem)?,
            component_bytes: bytes,
        })
    }

    /// The Markdown report.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.quick {
            out.push_str(
                "> Smoke run (`--quick`): too few calls for the numbers to mean anything.\n\n",
            );
        }
        self.render_latency(&mut out);
        self.render_throughput(&mut out);
        self.render_startup(&mut out);
        self.render_scan(&mut out);
        self.render_moto(&mut out);
        out
    }

    /// The per-call table of the canned server.
    fn render_latency(&self, out: &mut String) {
        out.push_str("### Per call, canned server (GetItem / PutItem of a 1 KB item)\n\n");
        out.push_str("| peer | call | calls | p50 µs | p99 µs | CPU µs/call | wasm fuel/call | linear memory high-water | ours ÷ peer (p50) |\n");
        out.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (peer, op, l, call) in &self.latency {
            let ratio = self
                .p50(OURS, *op)
                .map(|ours| format!("{:.2}", ours.as_secs_f64() / l.p50.as_secs_f64()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {peer} | {} | {} | {} | {} | {} | {} | {} | {ratio} |",
                op.name(),
                l.calls,
                us(l.p50),
                us(l.p99),
                us(l.cpu),
                call.fuel.map_or_else(|| "—".into(), |f| f.to_string()),
                call.memory_high_water.map_or_else(|| "—".into(), kib),
            );
        }
    }

    /// The throughput table: calls/s at each concurrency, and ours over each peer's.
    fn render_throughput(&self, out: &mut String) {
        out.push_str("\n### Throughput, GetItem, calls/s on 2 worker threads\n\n");
        out.push_str("| peer | c=1 | c=8 | c=64 | ours ÷ peer (1 / 8 / 64) |\n| --- | ---: | ---: | ---: | ---: |\n");
        let ours = self
            .throughput
            .iter()
            .find(|(p, _)| p == OURS)
            .map(|(_, r)| r.clone());
        for (peer, rates) in &self.throughput {
            let cells: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
            let ratios: Vec<String> = match &ours {
                Some(ours) => ours
                    .iter()
                    .zip(rates)
                    .map(|(o, r)| format!("{:.2}", o / r))
                    .collect(),
                None => Vec::new(),
            };
            let _ = writeln!(
                out,
                "| {peer} | {} | {} |",
                cells.join(" | "),
                ratios.join(" / ")
            );
        }
    }

    /// The size and startup table, then each component's cold start in parts.
    fn render_startup(&self, out: &mut String) {
        out.push_str("\n### Size and startup\n\n");
        out.push_str("| component | .wasm bytes | .cwasm bytes | compile ms | engine creation µs (once) | cold start from .cwasm µs | instantiate µs, pooled | instantiate µs, unpooled | memory after instantiate |\n");
        out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (name, s) in &self.startup {
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {:.0} | {} | {} | {} | {} | {} |",
                s.wasm_bytes,
                s.cwasm_bytes,
                s.compile.as_secs_f64() * 1e3,
                us(s.engine_new),
                us(s.cold_start),
                us(s.instantiate[0]),
                us(s.instantiate[1]),
                kib(s.initial_memory),
            );
        }
        for (name, s) in &self.startup {
            let p = s.cold_parts;
            let _ = writeln!(
                out,
                "\n{name}'s cold start (medians of each part): loading the .cwasm {} µs, building the host (linker, pre-instantiation, TLS settings) {} µs, the first instance {} µs.",
                us(p.load),
                us(p.host),
                us(p.instance),
            );
        }
    }

    /// The scan's paragraph, if the run scanned.
    fn render_scan(&self, out: &mut String) {
        if let Some(scan) = &self.scan {
            let _ = write!(
                out,
                "\n### Scan of {} items (about 100 bytes each), resumed until done\n\n\
                 {} items in {} invocations, {:.2} s; largest linear memory of any invocation: {}.\n",
                scan.table_items,
                scan.items,
                scan.invocations,
                scan.elapsed.as_secs_f64(),
                kib(scan.memory_high_water),
            );
        }
    }

    /// The table of the calls against moto, if the run made them.
    fn render_moto(&self, out: &mut String) {
        if !self.moto.is_empty() {
            out.push_str(
                "\n### Against moto (server-bound: most of each call is moto's Python)\n\n",
            );
            out.push_str("| peer | call | calls | p50 µs | p99 µs | CPU µs/call (client) |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
            for (peer, op, l) in &self.moto {
                let _ = writeln!(
                    out,
                    "| {peer} | {} | {} | {} | {} | {} |",
                    op.name(),
                    l.calls,
                    us(l.p50),
                    us(l.p99),
                    us(l.cpu)
                );
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn latency(p50_us: u64) -> Latency {
        let d = Duration::from_micros(p50_us);
        Latency {
            calls: 30,
            p50: d,
            p99: d * 2,
            cpu: d,
        }
    }

    pub(crate) fn startup() -> Startup {
        Startup {
            wasm_bytes: 528_181,
            cwasm_bytes: 1,
            compile: Duration::ZERO,
            engine_new: Duration::ZERO,
            cold_start: Duration::ZERO,
            cold_parts: Default::default(),
            instantiate: [Duration::ZERO; 2],
            initial_memory: 0,
        }
    }

    #[test]
    fn the_history_row_is_the_pooled_hosts_fuel_and_this_components_size() {
        let mut report = Report::new(false);
        let fuel = |fuel| CallReport {
            fuel: Some(fuel),
            memory_high_water: None,
        };
        report.latency(
            "this component, unpooled host",
            Op::GetItem,
            latency(400),
            fuel(1),
        );
        report.latency(OURS, Op::GetItem, latency(300), fuel(431_210));
        assert_eq!(
            report.history_row("2026-11-25", "2361bef"),
            None,
            "no PutItem yet"
        );
        report.latency(OURS, Op::PutItem, latency(320), fuel(547_814));
        assert_eq!(
            report.history_row("2026-11-25", "2361bef"),
            None,
            "no size yet"
        );
        report.startup("this component", startup());
        let row = report.history_row("2026-11-25", "2361bef").unwrap();
        assert_eq!(
            row.to_line(),
            "2026-11-25,2361bef,431210,547814,528181",
            "the unpooled host's fuel is not ours"
        );
        let data = report.plot_data("a run");
        assert_eq!(data.latency.len(), 3);
        assert_eq!(data.latency[1].p50_us, 300.0);
        assert_eq!(data.latency[1].p99_us, 600.0);
    }
}
