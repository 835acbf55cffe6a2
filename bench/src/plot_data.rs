//! The numbers the per-run plots show, and their JSON form (`report.json`), so that the plots
//! can be drawn again from a saved run (`ddb-bench plots`).

use serde_json::{Value, json};

/// One peer's per-call numbers for one call (GetItem or PutItem), in µs.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyRow {
    pub peer: String,
    /// `GetItem` or `PutItem`.
    pub op: String,
    pub p50_us: f64,
    pub p99_us: f64,
    pub cpu_us: f64,
}

/// One peer's GetItem calls/s at each of [`CONCURRENCY`].
#[derive(Debug, Clone, PartialEq)]
pub struct ThroughputRow {
    pub peer: String,
    pub rates: Vec<f64>,
}

/// The numbers the per-run plots show, as `report.json` saves them.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotData {
    /// Which run, e.g. `run of 2026-11-25 on commit 2361bef`.
    pub run: String,
    pub latency: Vec<LatencyRow>,
    pub throughput: Vec<ThroughputRow>,
}

/// The concurrency levels of the throughput numbers.
pub const CONCURRENCY: [usize; 3] = [1, 8, 64];

/// The calls of the latency numbers.
pub const OPS: [&str; 2] = ["GetItem", "PutItem"];

fn number(v: &Value, what: &str) -> Result<f64, String> {
    v.as_f64()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| format!("{what} is not a number ≥ 0"))
}

fn text(v: &Value, what: &str) -> Result<String, String> {
    v.as_str()
        .map(String::from)
        .ok_or_else(|| format!("{what} is not a string"))
}

impl PlotData {
    /// The JSON `report.json` holds.
    pub fn to_json(&self) -> Value {
        json!({
            "run": self.run,
            "latency": self.latency.iter().map(|l| json!({
                "peer": l.peer, "op": l.op, "p50_us": l.p50_us, "p99_us": l.p99_us,
                "cpu_us": l.cpu_us})).collect::<Vec<_>>(),
            "throughput": self.throughput.iter().map(|t| json!({
                "peer": t.peer, "calls_per_s": t.rates})).collect::<Vec<_>>(),
        })
    }

    /// Reads what [`PlotData::to_json`] wrote; checks every field.
    pub fn from_json(v: &Value) -> Result<Self, String> {
        let list = |key: &str| {
            v[key]
                .as_array()
                .ok_or_else(|| format!("\"{key}\" is not a list"))
        };
        let latency = list("latency")?
            .iter()
            .map(|l| {
                let op = text(&l["op"], "latency op")?;
                if !OPS.contains(&op.as_str()) {
                    return Err(format!("latency op {op:?} is not GetItem or PutItem"));
                }
                Ok(LatencyRow {
                    peer: text(&l["peer"], "latency peer")?,
                    op,
                    p50_us: number(&l["p50_us"], "p50_us")?,
                    p99_us: number(&l["p99_us"], "p99_us")?,
                    cpu_us: number(&l["cpu_us"], "cpu_us")?,
                })
            })
            .collect::<Result<_, String>>()?;
        let throughput = list("throughput")?
            .iter()
            .map(|t| {
                let rates = t["calls_per_s"]
                    .as_array()
                    .filter(|r| r.len() == CONCURRENCY.len())
                    .ok_or("calls_per_s is not a list of 3")?
                    .iter()
                    .map(|r| number(r, "calls_per_s"))
                    .collect::<Result<_, _>>()?;
                Ok(ThroughputRow {
                    peer: text(&t["peer"], "throughput peer")?,
                    rates,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(PlotData {
            run: text(&v["run"], "run")?,
            latency,
            throughput,
        })
    }

    /// Peers in first-seen order, each with `pick(row)` for each call (NaN where missing).
    pub fn per_peer(&self, pick: impl Fn(&LatencyRow) -> Vec<f64>, width: usize) -> Groups {
        let mut groups: Groups = Vec::new();
        for row in &self.latency {
            if !groups.iter().any(|(p, _)| *p == row.peer) {
                groups.push((row.peer.clone(), vec![f64::NAN; width * OPS.len()]));
            }
        }
        for row in &self.latency {
            let slot = OPS.iter().position(|op| *op == row.op).unwrap_or(0) * width;
            let values = &mut groups.iter_mut().find(|(p, _)| *p == row.peer).unwrap().1;
            values[slot..slot + width].copy_from_slice(&pick(row));
        }
        groups
    }
}

/// Bar groups: a label and one value per series (NaN: no bar).
pub type Groups = Vec<(String, Vec<f64>)>;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        json!({
            "run": "run of 2026-11-25 on commit 2361bef",
            "latency": [
                {"peer": "boto3", "op": "PutItem", "p50_us": 973.6, "p99_us": 1525.1, "cpu_us": 1022.4},
                {"peer": "ours", "op": "GetItem", "p50_us": 336.8, "p99_us": 419.4, "cpu_us": 303.8},
                {"peer": "boto3", "op": "GetItem", "p50_us": 1136.7, "p99_us": 1810.5, "cpu_us": 1139.2}
            ],
            "throughput": [{"peer": "ours", "calls_per_s": [2282, 4665, 4946]}]
        })
    }

    #[test]
    fn round_trips() {
        let data = PlotData::from_json(&sample()).unwrap();
        assert_eq!(data.latency.len(), 3);
        assert_eq!(data.throughput[0].rates, vec![2282.0, 4665.0, 4946.0]);
        assert_eq!(PlotData::from_json(&data.to_json()).unwrap(), data);
    }

    #[test]
    fn rejects_what_it_cannot_plot() {
        let broken: [(&str, Value); 5] = [
            ("/latency/0/op", json!("Scan")),
            ("/latency/1/p50_us", json!(-1.0)),
            ("/latency/1/cpu_us", json!("fast")),
            ("/throughput/0/calls_per_s", json!([1, 2])),
            ("/run", json!(7)),
        ];
        for (pointer, value) in broken {
            let mut v = sample();
            *v.pointer_mut(pointer).unwrap() = value;
            assert!(PlotData::from_json(&v).is_err(), "{pointer} accepted");
        }
        assert!(PlotData::from_json(&json!({"run": "x"})).is_err());
    }

    #[test]
    fn per_peer_keeps_first_seen_order_and_marks_gaps() {
        let data = PlotData::from_json(&sample()).unwrap();
        let groups = data.per_peer(|l| vec![l.p50_us], 1);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "boto3");
        assert_eq!(
            groups[0].1,
            vec![1136.7, 973.6],
            "GetItem first, then PutItem"
        );
        assert_eq!(groups[1].0, "ours");
        assert_eq!(groups[1].1[0], 336.8);
        assert!(groups[1].1[1].is_nan(), "ours has no PutItem row");
    }
}
