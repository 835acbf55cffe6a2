//! SVG plots of a run for BENCHMARKS.md: latency, CPU and throughput per peer (grouped bars)
//! and fuel per call over the project's history (lines).
//!
//! Every chart is a pure function from numbers to SVG text. plotters' SVG backend writes `<text>`
//! elements and sizes them with its naive estimate (no `ttf`/`ab_glyph` feature), so no system
//! font is read and none can be missing.

use std::ops::Range;
use std::path::Path;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::history::Run;
use crate::plot_data::{CONCURRENCY, Groups, PlotData};

/// Series colours: dark and light pairs (GetItem blues, PutItem oranges), then a third.
const COLORS: [RGBColor; 4] = [
    RGBColor(0x1f, 0x4e, 0x99),
    RGBColor(0x7f, 0xb2, 0xe5),
    RGBColor(0xd9, 0x5f, 0x02),
    RGBColor(0xfd, 0xb8, 0x63),
];
const THIRD: RGBColor = RGBColor(0x1b, 0x9e, 0x77);

/// A linear axis whose labels sit at given points only (bar centres, runs), which the
/// formatter of the chart turns into names. (plotters' `WithKeyPoints` has no default
/// formatting, which its mesh requires.)
struct KeyPoints {
    range: Range<f64>,
    keys: Vec<f64>,
}

impl KeyPoints {
    fn new(range: Range<f64>, keys: Vec<f64>) -> Self {
        Self { range, keys }
    }
}

impl Ranged for KeyPoints {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let share = (value - self.range.start) / span;
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.max_num_points() == 0 {
            return Vec::new();
        }
        self.keys.clone()
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// A grouped horizontal bar chart.
struct Bars<'a> {
    title: String,
    axis: &'a str,
    series: &'a [&'a str],
    colors: &'a [RGBColor],
    groups: Groups,
}

fn plot_error(e: impl std::fmt::Display) -> String {
    format!("plotting: {e}")
}

/// Bars top to bottom in group order, each value written at its bar's end.
fn grouped_bars(bars: &Bars) -> Result<String, String> {
    let (n, k) = (bars.groups.len(), bars.series.len());
    if n == 0 || k == 0 {
        return Err(format!("{}: nothing to plot", bars.title));
    }
    let max = bars
        .groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied().filter(|x| x.is_finite()))
        .fold(0.0, f64::max);
    let height = 110 + n as u32 * (k as u32 * 14 + 14);
    // Group g (0 = first) spans y from n-1-g to n-g, so the first is at the top.
    let centers: Vec<f64> = (0..n).map(|g| g as f64 + 0.5).collect();
    let name_at = |y: &f64| {
        let g = n as i64 - 1 - y.floor() as i64;
        (usize::try_from(g).ok())
            .and_then(|g| bars.groups.get(g))
            .map_or(String::new(), |(p, _)| p.clone())
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&bars.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(260)
            .build_cartesian_2d(
                0.0..(max * 1.45).max(1.0),
                KeyPoints::new(0.0..n as f64, centers),
            )
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_label_formatter(&name_at)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(WHITE)
            .x_desc(bars.axis)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        for s in 0..k {
            draw_bars(&mut chart, bars, s)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// The chart of [`grouped_bars`]: value along x, groups along y.
type BarChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, KeyPoints>>;

/// Series `s` of `bars`: a bar per group that has a value, the value at its end, a legend entry.
fn draw_bars(chart: &mut BarChart, bars: &Bars, s: usize) -> Result<(), String> {
    let (n, k) = (bars.groups.len(), bars.series.len());
    let band = 0.8 / k as f64;
    let color = bars.colors[s % bars.colors.len()];
    // Group g spans y from n-1-g to n-g (the first at the top), series in order within it.
    let bottom = |g: usize| (n - 1 - g) as f64 + 0.1 + (k - 1 - s) as f64 * band;
    let values: Vec<(f64, f64)> = (bars.groups.iter().enumerate())
        .filter_map(|(g, (_, v))| v.get(s).filter(|x| x.is_finite()).map(|x| (*x, bottom(g))))
        .collect();
    chart
        .draw_series(
            values
                .iter()
                .map(|&(x, y)| Rectangle::new([(0.0, y), (x, y + band * 0.92)], color.filled())),
        )
        .map_err(plot_error)?
        .label(bars.series[s])
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    let at_end =
        TextStyle::from(("sans-serif", 11).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(values.iter().map(|&(x, y)| {
            EmptyElement::at((x, y + band / 2.0))
                + Text::new(format!("{x:.0}"), (4, 0), at_end.clone())
        }))
        .map_err(plot_error)?;
    Ok(())
}

/// The legend, boxed, at `position`.
fn legend<'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(plot_error)
}

/// p50 and p99 of GetItem and PutItem for each peer.
pub fn latency_svg(data: &PlotData) -> Result<String, String> {
    grouped_bars(&Bars {
        title: format!("Latency per call, µs (lower is better); {}", data.run),
        axis: "µs per call, one call at a time",
        series: &["GetItem p50", "GetItem p99", "PutItem p50", "PutItem p99"],
        colors: &COLORS,
        groups: data.per_peer(|l| vec![l.p50_us, l.p99_us], 2),
    })
}

/// Process CPU time per GetItem and PutItem for each peer.
pub fn cpu_svg(data: &PlotData) -> Result<String, String> {
    grouped_bars(&Bars {
        title: format!("CPU per call, µs (lower is better); {}", data.run),
        axis: "µs of process CPU per call (client side)",
        series: &["GetItem", "PutItem"],
        colors: &[COLORS[0], COLORS[2]],
        groups: data.per_peer(|l| vec![l.cpu_us], 1),
    })
}

/// GetItem calls/s at each concurrency for each peer.
pub fn throughput_svg(data: &PlotData) -> Result<String, String> {
    let series: Vec<String> = CONCURRENCY.iter().map(|c| format!("c={c}")).collect();
    let series: Vec<&str> = series.iter().map(String::as_str).collect();
    grouped_bars(&Bars {
        title: format!(
            "GetItem throughput, calls/s (higher is better); {}",
            data.run
        ),
        axis: "calls/s on 2 worker threads, by calls in flight",
        series: &series,
        colors: &[COLORS[1], COLORS[0], THIRD],
        groups: (data.throughput.iter())
            .map(|t| (t.peer.clone(), t.rates.clone()))
            .collect(),
    })
}

/// The x label of run `x` of the fuel plot: its commit and date (MM-DD).
fn run_label(runs: &[Run], x: f64) -> String {
    let i = x.round();
    match runs.get(i as usize) {
        Some(r) if (x - i).abs() < 1e-6 && i >= 0.0 => {
            format!("{} {}", r.commit, r.date.get(5..).unwrap_or(""))
        }
        _ => String::new(),
    }
}

/// A line of the fuel plot: its call, how to read its fuel from a run, its colour.
type FuelLine = (&'static str, fn(&Run) -> u64, RGBColor);

/// The chart of [`fuel_svg`]: runs along x, fuel along y.
type FuelChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<KeyPoints, RangedCoordf64>>;

/// Fuel per pooled-host GetItem and PutItem, one point per recorded run, oldest first.
pub fn fuel_svg(runs: &[Run]) -> Result<String, String> {
    if runs.is_empty() {
        return Err("fuel history: no runs to plot".into());
    }
    let max = runs
        .iter()
        .map(|r| r.fuel_get.max(r.fuel_put))
        .max()
        .unwrap_or(1) as f64;
    let every = runs.len().div_ceil(10);
    let keys: Vec<f64> = (0..runs.len()).step_by(every).map(|i| i as f64).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Wasm fuel per call, pooled host (lower is better)",
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(
                KeyPoints::new(-0.5..runs.len() as f64 - 0.5, keys),
                0.0..max * 1.15,
            )
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|x| run_label(runs, *x))
            .y_label_formatter(&|y| format!("{:.0}k", y / 1000.0))
            .light_line_style(WHITE)
            .x_desc("recorded run: commit and date (MM-DD)")
            .y_desc("fuel (wasm instructions) per call")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        let lines: [FuelLine; 2] = [
            ("GetItem", |r| r.fuel_get, COLORS[0]),
            ("PutItem", |r| r.fuel_put, COLORS[2]),
        ];
        for line in lines {
            draw_fuel_line(&mut chart, runs, line)?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// One line of the fuel plot: a point per run, its fuel written beside it, a legend entry.
fn draw_fuel_line(
    chart: &mut FuelChart,
    runs: &[Run],
    (name, fuel, color): FuelLine,
) -> Result<(), String> {
    let points: Vec<(f64, f64)> = (runs.iter().enumerate())
        .map(|(i, r)| (i as f64, fuel(r) as f64))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
        .map_err(plot_error)?
        .label(name)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2)));
    chart
        .draw_series(PointSeries::of_element(
            points,
            4,
            color.filled(),
            &|c, s, st| {
                EmptyElement::at(c)
                    + Circle::new((0, 0), s, st)
                    + Text::new(format!("{:.0}", c.1), (6, -14), ("sans-serif", 11))
            },
        ))
        .map_err(plot_error)?;
    Ok(())
}

/// The file names [`write_all`] writes.
pub const FILES: [&str; 4] = ["latency.svg", "cpu.svg", "throughput.svg", "fuel.svg"];

/// Renders all four plots and writes them into each of `dirs` (made if missing).
pub fn write_all(data: &PlotData, runs: &[Run], dirs: &[&Path]) -> Result<(), String> {
    let svgs = [
        latency_svg(data)?,
        cpu_svg(data)?,
        throughput_svg(data)?,
        fuel_svg(runs)?,
    ];
    for dir in dirs {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, svg) in FILES.iter().zip(&svgs) {
            let path = dir.join(name);
            std::fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
