//! Times whole invocations (fresh Store + instantiate + call) of the component against a live
//! server: `DDB_TEST_MOTO_*` from scripts/env.sh's `start_moto`, or any endpoint given the same way.
//!
//! ```text
//! cargo run --release -p ddb-connector-host --example invocation_timing -- [N]
//! ```
//! Server-bound: against moto most of the time is moto's. A benchmark, not a test.

use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, HostConfig, Tenant};
use serde_json::json;

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set (source scripts/env.sh; start_moto)"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let component = env("DDB_CONNECTOR_COMPONENT");
    let started = Instant::now();
    let host =
        ConnectorHost::from_file(&component, HostConfig::default()).expect("component loads");
    println!(
        "compile: {:?} ({} bytes)",
        started.elapsed(),
        std::fs::metadata(&component).unwrap().len()
    );
    let table = format!("timing-{}", std::process::id());
    let request = |input: serde_json::Value| {
        json!({
            "authentication": {"type": "credentials", "accessKey": env("DDB_TEST_MOTO_ACCESS_KEY"), "secretKey": env("DDB_TEST_MOTO_SECRET_KEY")},
            "configuration": {"region": "us-east-1", "endpoint": env("DDB_TEST_MOTO_ENDPOINT")},
            "input": input,
        })
        .to_string()
    };
    let tenant = Tenant::default();
    let run = async |input: serde_json::Value| {
        let invocation = host
            .execute_json(&request(input), &tenant)
            .await
            .expect("no trap");
        invocation.result.expect("the call succeeds");
    };
    run(json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
               "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}))
    .await;
    let item = json!({"id": "k", "payload": "x".repeat(1000)});
    for (name, input) in [
        (
            "PutItem (1 KB)",
            json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": table, "item": item}),
        ),
        (
            "GetItem (1 KB)",
            json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": table, "primaryKeyComponents": {"id": "k"}}),
        ),
    ] {
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            run(input.clone()).await;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{name}: n={n} p50={:?} p99={:?} min={:?}",
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times[0]
        );
    }
    run(json!({"operationGroup": "tableOperation", "tableOperation": "deleteTable", "tableName": table})).await;
}
