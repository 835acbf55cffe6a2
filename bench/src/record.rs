//! After a run: its row in the fuel history (full runs only), its plots and their numbers.

use std::path::{Path, PathBuf};

use crate::history;
use crate::plot_data::PlotData;
use crate::plots;
use crate::report::Report;

/// Where a run's plots, their numbers and its history row go.
pub struct Outputs {
    /// A smoke run: plotted, never recorded in the history.
    pub quick: bool,
    /// `--out`: the plots and `report.json` (always).
    pub out: PathBuf,
    /// `--plots-dir`: a second copy (the committed one, `bench/plots`).
    pub plots_dir: Option<PathBuf>,
    /// The fuel history (`bench/history.csv`).
    pub history: PathBuf,
}

/// Appends a full run to the fuel history (a `--quick` run does not), then draws the plots and
/// saves their numbers (`report.json`) into `out` and `plots_dir`.
pub fn record_and_plot(to: &Outputs, report: &Report, commit: &str) -> Result<(), String> {
    let date = history::today();
    let run = match to.quick {
        true => format!("smoke run (--quick) of {date} on commit {commit}"),
        false => format!("run of {date} on commit {commit}"),
    };
    if !to.quick {
        let row = report
            .history_row(&date, commit)
            .ok_or("the run has no fuel numbers of the pooled host")?;
        history::append(&to.history, &row)?;
        eprintln!("appended to {}: {}", to.history.display(), row.to_line());
    }
    draw(to, &report.plot_data(&run))
}

/// `ddb-bench plots`: the plots of a saved run (`from`, default `out/report.json`).
pub fn plots_only(to: &Outputs, from: Option<PathBuf>) -> Result<(), String> {
    let from = from.unwrap_or(to.out.join("report.json"));
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", from.display());
    let text = std::fs::read_to_string(&from).map_err(|e| at(&e))?;
    let json = serde_json::from_str(&text).map_err(|e| at(&e))?;
    draw(to, &PlotData::from_json(&json).map_err(|e| at(&e))?)
}

/// The plots of `data` and the history, with `data` as `report.json` beside them.
fn draw(to: &Outputs, data: &PlotData) -> Result<(), String> {
    let runs = history::read(&to.history)?;
    let mut dirs: Vec<&Path> = vec![&to.out];
    dirs.extend(to.plots_dir.as_deref());
    plots::write_all(data, &runs, &dirs)?;
    let json = serde_json::to_string_pretty(&data.to_json()).map_err(|e| e.to_string())? + "\n";
    for dir in dirs {
        std::fs::write(dir.join("report.json"), &json).map_err(|e| e.to_string())?;
        eprintln!("plots: {}/{{{}}}", dir.display(), plots::FILES.join(","));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::measure::Latency;
    use crate::peers::{CallReport, Op};

    /// A report with the pooled host's fuel and the component's size.
    fn report(quick: bool) -> Report {
        let mut report = Report::new(quick);
        for (op, fuel) in [(Op::GetItem, 431_210), (Op::PutItem, 547_814)] {
            let latency = Latency {
                calls: 30,
                p50: Duration::from_micros(300),
                p99: Duration::from_micros(600),
                cpu: Duration::from_micros(280),
            };
            let call = CallReport {
                fuel: Some(fuel),
                memory_high_water: None,
            };
            report.latency("this component, pooled host", op, latency, call);
        }
        report.throughput("this component, pooled host", vec![1.0, 2.0, 3.0]);
        report.startup("this component", crate::report::tests::startup());
        report
    }

    const SEED: &str =
        "date,commit,fuel_get,fuel_put,component_bytes\n2026-11-25,ce701fb,526660,661589,683067\n";

    fn outputs(name: &str, quick: bool) -> Outputs {
        let base = std::env::temp_dir().join(format!("ddb-record-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        std::fs::write(base.join("history.csv"), SEED).unwrap();
        Outputs {
            quick,
            out: base.join("out"),
            plots_dir: Some(base.join("plots")),
            history: base.join("history.csv"),
        }
    }

    #[test]
    fn a_full_run_appends_its_row_and_plots_it() {
        let to = outputs("full", false);
        std::fs::create_dir_all(&to.out).unwrap();
        record_and_plot(&to, &report(false), "abc1234").unwrap();
        let runs = history::read(&to.history).unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(
            (runs[1].commit.as_str(), runs[1].fuel_get),
            ("abc1234", 431_210)
        );
        assert_eq!(runs[1].date, history::today());
        let fuel =
            std::fs::read_to_string(to.plots_dir.as_ref().unwrap().join("fuel.svg")).unwrap();
        assert!(
            fuel.contains("abc1234"),
            "the new run is not on the fuel plot"
        );
        std::fs::remove_dir_all(to.history.parent().unwrap()).ok();
    }

    #[test]
    fn a_quick_run_plots_but_does_not_append() {
        let to = outputs("quick", true);
        std::fs::create_dir_all(&to.out).unwrap();
        record_and_plot(&to, &report(true), "abc1234").unwrap();
        assert_eq!(std::fs::read_to_string(&to.history).unwrap(), SEED);
        for dir in [&to.out, to.plots_dir.as_ref().unwrap()] {
            for file in plots::FILES.iter().chain(&["report.json"]) {
                assert!(
                    dir.join(file).exists(),
                    "{file} missing in {}",
                    dir.display()
                );
            }
        }
        // And the saved numbers draw the same plots again.
        let latency = std::fs::read_to_string(to.out.join("latency.svg")).unwrap();
        std::fs::remove_file(to.out.join("latency.svg")).unwrap();
        plots_only(&to, None).unwrap();
        assert_eq!(
            std::fs::read_to_string(to.out.join("latency.svg")).unwrap(),
            latency
        );
        std::fs::remove_dir_all(to.history.parent().unwrap()).ok();
    }
}
