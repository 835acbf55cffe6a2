//! Load: 10,000 invocations at concurrency 32 against moto. Every write is accounted for
//! afterwards (boto3 counts the items), no invocation is lost, and the host's memory stays flat.
//! The figures are printed (run with --nocapture to see them); the bounds asserted are loose.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::*;
use ddb_connector_host::Tenant;
use serde_json::json;

const INVOCATIONS: usize = 10_000;
const CONCURRENCY: usize = 32;

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_invocations_at_concurrency_32_lose_nothing() {
    let server = moto();
    let table = unique_table("load");
    ok(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
               "partitionKey": "id", "partitionKeyType": "N", "billingModeStr": "PAY_PER_REQUEST"}),
    )
    .await;
    let host = host();
    let next = Arc::new(AtomicUsize::new(0));
    let succeeded = Arc::new(AtomicUsize::new(0));
    let mut rss = Vec::new();
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (next, succeeded, server, table) = (
            next.clone(),
            succeeded.clone(),
            server.clone(),
            table.clone(),
        );
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= INVOCATIONS {
                    return;
                }
                let request = request(
                    &server,
                    json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": table,
                           "item": {"id": i, "payload": format!("item {i}")}}),
                );
                let invocation = host.execute_json(&request.to_string(), &Tenant::default()).await.expect("no trap");
                invocation.result.unwrap_or_else(|e| panic!("invocation {i}: {e}"));
                succeeded.fetch_add(1, Ordering::SeqCst);
            }
        });
    }
    let sampler = {
        let succeeded = succeeded.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while succeeded.load(Ordering::SeqCst) < INVOCATIONS {
                samples.push((succeeded.load(Ordering::SeqCst), resident_kib()));
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
            samples
        })
    };
    while let Some(done) = workers.join_next().await {
        done.expect("a worker panicked");
    }
    let elapsed = started.elapsed();
    rss.extend(sampler.await.unwrap());
    assert_eq!(
        succeeded.load(Ordering::SeqCst),
        INVOCATIONS,
        "invocations lost"
    );

    let counted = boto_items(&server, &table).len();
    assert_eq!(counted, INVOCATIONS, "boto3 counts every write");

    // Memory: compare the first tenth of the run (warm) with the end.
    let warm: Vec<u64> = rss
        .iter()
        .filter(|(n, _)| *n >= INVOCATIONS / 10)
        .map(|(_, kib)| *kib)
        .collect();
    let (first, last, peak) = (
        warm.first().copied().unwrap_or(0),
        warm.last().copied().unwrap_or(0),
        warm.iter().copied().max().unwrap_or(0),
    );
    println!(
        "load: {INVOCATIONS} invocations, concurrency {CONCURRENCY}, {elapsed:?} ({:.0}/s); host RSS after 10%: {first} KiB, at end: {last} KiB, peak: {peak} KiB; items counted by boto3: {counted}",
        INVOCATIONS as f64 / elapsed.as_secs_f64()
    );
    assert!(
        last <= first + 64 * 1024,
        "host memory grew from {first} KiB to {last} KiB"
    );
}
