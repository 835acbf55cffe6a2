//! Load: 10,000 invocations at concurrency 32 against moto. Every write is accounted for
//! afterwards (boto3 counts the items), no invocation is lost, and the host's memory stays flat:
//! after a warm-up, a least-squares line through a sample every 100 invocations of the live
//! heap (counted by this binary's allocator) and of the resident set must rise by less than a
//! leak of 1 KiB per invocation would make it (run with --nocapture to see the figures).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::*;
use ddb_connector_host::Tenant;
use serde_json::json;

const INVOCATIONS: usize = 10_000;
const CONCURRENCY: usize = 32;
/// A memory sample after every this many invocations.
const SAMPLE_EVERY: usize = 100;
/// Samples before this many invocations are warm-up (pool slots, connections, allocator arenas).
const WARM_UP: usize = 2_000;
/// The most either line may rise per invocation: half of the 1 KiB leak it must catch.
const MAX_GROWTH_BYTES_PER_INVOCATION: f64 = 512.0;

/// The system allocator, counting the bytes live on the heap: exact where the resident set
/// is blurred by the allocator keeping freed pages.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            LIVE_BYTES.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The resident set in KiB; a missing /proc fails the test rather than measuring nothing.
fn resident_kib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

/// One sample: (invocations done, live heap in bytes, resident set in bytes).
type Sample = (usize, f64, f64);

/// The slope of the least-squares line through `(x, y)`.
fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

/// Runs the invocations, `CONCURRENCY` at a time; the memory samples, in order.
async fn run_load(server: &Server, table: &str) -> Vec<Sample> {
    let host = host();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (next, done, samples) = (next.clone(), done.clone(), samples.clone());
        let (server, table, host) = (server.clone(), table.to_string(), host.clone());
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
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                if finished % SAMPLE_EVERY == 0 {
                    let heap = LIVE_BYTES.load(Ordering::Relaxed) as f64;
                    let sample = (finished, heap, resident_kib() * 1024.0);
                    samples.lock().unwrap().push(sample);
                }
            }
        });
    }
    while let Some(worker) = workers.join_next().await {
        worker.expect("a worker panicked");
    }
    assert_eq!(done.load(Ordering::SeqCst), INVOCATIONS, "invocations lost");
    let mut samples = std::mem::take(&mut *samples.lock().unwrap());
    samples.sort_by_key(|s| s.0);
    samples
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
    let started = Instant::now();
    let samples = run_load(&server, &table).await;
    let elapsed = started.elapsed();
    let counted = boto_items(&server, &table).len();
    assert_eq!(counted, INVOCATIONS, "boto3 counts every write");

    let warm: Vec<Sample> = samples.into_iter().filter(|s| s.0 > WARM_UP).collect();
    assert_eq!(
        warm.len(),
        (INVOCATIONS - WARM_UP) / SAMPLE_EVERY,
        "a sample per {SAMPLE_EVERY} invocations after the warm-up"
    );
    let line = |pick: fn(&Sample) -> f64| {
        let points: Vec<(f64, f64)> = warm.iter().map(|s| (s.0 as f64, pick(s))).collect();
        slope(&points)
    };
    let (heap_slope, rss_slope) = (line(|s| s.1), line(|s| s.2));
    let mib = |bytes: f64| bytes / f64::from(1 << 20);
    let (rss_first, rss_peak) = (warm[0].2, warm.iter().map(|s| s.2).fold(f64::MIN, f64::max));
    println!(
        "load: {INVOCATIONS} invocations, concurrency {CONCURRENCY}, {elapsed:?} ({:.0}/s); after {WARM_UP}: \
         live heap {:.1} -> {:.1} MiB ({heap_slope:.1} B/invocation), resident {:.1} -> {:.1} MiB, \
         peak {:.1} MiB ({rss_slope:.1} B/invocation); items counted by boto3: {counted}",
        INVOCATIONS as f64 / elapsed.as_secs_f64(),
        mib(warm[0].1),
        mib(warm[warm.len() - 1].1),
        mib(rss_first),
        mib(warm[warm.len() - 1].2),
        mib(rss_peak),
    );
    assert!(
        heap_slope < MAX_GROWTH_BYTES_PER_INVOCATION,
        "the live heap grows by {heap_slope:.1} bytes per invocation"
    );
    assert!(
        rss_slope < MAX_GROWTH_BYTES_PER_INVOCATION,
        "the resident set grows by {rss_slope:.1} bytes per invocation"
    );
    // A leak spent in bursts could keep the line flat but not the peak: at most the growth the
    // slope allows over the whole run, on top of where the warm run started.
    let peak_allowance = MAX_GROWTH_BYTES_PER_INVOCATION * (INVOCATIONS - WARM_UP) as f64;
    assert!(
        rss_peak <= rss_first + peak_allowance,
        "resident peak {:.1} MiB, past {:.1} MiB at the end of the warm-up plus {:.1} MiB",
        mib(rss_peak),
        mib(rss_first),
        mib(peak_allowance)
    );
}
