//! Tests of the plots: what each SVG must show.

use super::*;
use crate::plot_data::{LatencyRow, ThroughputRow};

const PEERS: [&str; 3] = [
    "this component, pooled host",
    "aws-sdk-dynamodb, native",
    "boto3",
];

/// The text of every `<text>` element, trimmed.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</text>"))
        })
        .map(|(inner, _)| inner.trim())
        .collect()
}

fn has_text(svg: &str, text: &str) -> bool {
    texts(svg).contains(&text)
}

fn hex(c: RGBColor) -> String {
    format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)
}

/// Three peers; boto3 has no PutItem row.
fn data() -> PlotData {
    let row = |peer: &str, op: &str, p50: f64| LatencyRow {
        peer: peer.into(),
        op: op.into(),
        p50_us: p50,
        p99_us: p50 * 1.5,
        cpu_us: p50 * 0.9,
    };
    PlotData {
        run: "run of 2026-11-25 on commit 2361bef".into(),
        latency: vec![
            row(PEERS[0], "GetItem", 336.8),
            row(PEERS[0], "PutItem", 354.3),
            row(PEERS[1], "GetItem", 164.3),
            row(PEERS[1], "PutItem", 162.0),
            row(PEERS[2], "GetItem", 1136.7),
        ],
        throughput: (PEERS.iter().enumerate())
            .map(|(i, p)| ThroughputRow {
                peer: p.to_string(),
                rates: vec![1000.0 * (i + 1) as f64, 2000.0, 3000.0],
            })
            .collect(),
    }
}

fn runs() -> Vec<Run> {
    let run = |commit: &str, get, put| Run {
        date: "2026-11-25".into(),
        commit: commit.into(),
        fuel_get: get,
        fuel_put: put,
        component_bytes: 528_181,
    };
    vec![
        run("ce701fb", 526_660, 661_589),
        run("2361bef", 431_210, 547_814),
    ]
}

#[test]
fn latency_has_every_peer_and_one_bar_per_number() {
    let svg = latency_svg(&data()).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    for peer in PEERS {
        assert!(has_text(&svg, peer), "{peer} missing");
    }
    assert!(svg.contains("2361bef"), "the run is not named");
    // A bar per peer with the number, plus the legend's swatch.
    assert_eq!(svg.matches(&hex(COLORS[0])).count(), 3 + 1, "GetItem p50");
    assert_eq!(svg.matches(&hex(COLORS[3])).count(), 2 + 1, "PutItem p99");
    assert!(has_text(&svg, "1137") && has_text(&svg, "1705"));
}

#[test]
fn cpu_has_a_bar_per_peer_and_call() {
    let svg = cpu_svg(&data()).unwrap();
    assert_eq!(svg.matches(&hex(COLORS[0])).count(), 3 + 1, "GetItem");
    assert_eq!(svg.matches(&hex(COLORS[2])).count(), 2 + 1, "PutItem");
    assert!(has_text(&svg, "303"), "ours' GetItem CPU, 303.1 µs");
}

#[test]
fn throughput_has_a_bar_per_peer_and_concurrency() {
    let svg = throughput_svg(&data()).unwrap();
    for color in [COLORS[1], COLORS[0], THIRD] {
        assert_eq!(svg.matches(&hex(color)).count(), 3 + 1);
    }
    for peer in PEERS {
        assert!(has_text(&svg, peer), "{peer} missing");
    }
    for c in ["c=1", "c=8", "c=64"] {
        assert!(has_text(&svg, c), "{c} not in the legend");
    }
}

#[test]
fn fuel_has_a_point_per_run_and_call() {
    let svg = fuel_svg(&runs()).unwrap();
    assert_eq!(svg.matches("<circle").count(), 2 * 2);
    assert!(has_text(&svg, "ce701fb 11-25") && has_text(&svg, "2361bef 11-25"));
    assert!(has_text(&svg, "431210") && has_text(&svg, "661589"));
    for color in [COLORS[0], COLORS[2]] {
        let stroke = hex(color).replace("fill", "stroke") + " stroke-width=\"2\"";
        assert_eq!(svg.matches(&stroke).count(), 2, "the line and its legend");
    }
}

#[test]
fn nothing_to_plot_is_an_error() {
    assert!(fuel_svg(&[]).is_err());
    let empty = PlotData {
        run: "empty".into(),
        latency: Vec::new(),
        throughput: Vec::new(),
    };
    assert!(latency_svg(&empty).is_err());
    assert!(throughput_svg(&empty).is_err());
}

#[test]
fn markup_in_a_name_is_escaped() {
    let mut data = data();
    data.latency[0].peer = "<ours & co>".into();
    let svg = latency_svg(&data).unwrap();
    assert!(svg.contains("&lt;ours &amp; co&gt;") && !svg.contains("<ours"));
}

#[test]
fn write_all_writes_every_file_into_every_dir() {
    let base = std::env::temp_dir().join(format!("ddb-plots-{}", std::process::id()));
    let dirs = [base.join("a"), base.join("b")];
    write_all(&data(), &runs(), &[&dirs[0], &dirs[1]]).unwrap();
    for dir in &dirs {
        for file in FILES {
            let svg = std::fs::read_to_string(dir.join(file)).unwrap();
            assert!(svg.trim_end().ends_with("</svg>"), "{file}");
        }
    }
    std::fs::remove_dir_all(&base).ok();
}
