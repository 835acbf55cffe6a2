//! The whole-table scan of the canned server's table, resumed invocation after invocation until
//! done: once in `run`, repeated by `loop --scan` to judge the guest's largest memory.

use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, Tenant};
use serde_json::{Value, json};

use crate::args::{Args, Plan};
use crate::peers::Target;
use crate::runtimes::current_thread;

/// A whole-table scan in bounded memory.
#[derive(Debug)]
pub struct Scan {
    /// Items the table holds.
    pub table_items: u64,
    /// Items the scan returned, over all invocations.
    pub items: u64,
    /// Invocations it took (each stops at the connector's `maxResultBytes`, 4 MiB).
    pub invocations: u32,
    /// The largest linear memory of any of them.
    pub memory_high_water: usize,
    /// Wasm fuel, over all invocations.
    pub fuel: u64,
    /// All of it.
    pub elapsed: Duration,
}

/// Scans the table `scan-<table_items>` to the end, resuming from each invocation's
/// `lastEvaluatedKey`; an error unless every item came back.
pub async fn scan_all(
    host: &ConnectorHost,
    target: &Target,
    table_items: u64,
) -> Result<Scan, String> {
    let started = Instant::now();
    let mut scan = Scan {
        table_items,
        items: 0,
        invocations: 0,
        memory_high_water: 0,
        fuel: 0,
        elapsed: Duration::ZERO,
    };
    let mut start_key = Value::Null;
    loop {
        let mut input = json!({"operationGroup": "tableOperation", "tableOperation": "scanTable",
                               "tableName": format!("scan-{table_items}")});
        if !start_key.is_null() {
            input["exclusiveStartKey"] = start_key.clone();
        }
        let invocation = host
            .execute_json(&target.request(input), &Tenant::default())
            .await
            .map_err(|e| format!("{e:#}"))?;
        let answer: Value = serde_json::from_str(&invocation.result.map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        scan.invocations += 1;
        scan.memory_high_water = scan.memory_high_water.max(invocation.memory_high_water);
        scan.fuel += invocation.fuel_consumed;
        scan.items += answer["response"]
            .as_array()
            .map_or(0, |items| items.len() as u64);
        if answer["paging"]["hasMore"] != json!(true) {
            break;
        }
        start_key = answer["paging"]["lastEvaluatedKey"].clone();
    }
    scan.elapsed = started.elapsed();
    if scan.items != table_items {
        return Err(format!(
            "the scan returned {} items of {table_items}",
            scan.items
        ));
    }
    Ok(scan)
}

/// `ddb-bench loop --scan`: whole scans of the canned table (`Plan::FULL`'s size, as `run`
/// scans), for `args.seconds`; the largest linear memory of any invocation judges what the guest
/// holds while it answers (each invocation stops at 4 MiB of items).
pub fn scan_loop(args: &Args, host: &ConnectorHost, target: &Target) -> Result<(), String> {
    let runtime = current_thread()?;
    let started = Instant::now();
    let (mut scans, mut invocations, mut items, mut memory, mut fuel) = (0u32, 0u64, 0u64, 0, 0);
    while started.elapsed() < args.seconds {
        let scan = runtime.block_on(scan_all(host, target, Plan::FULL.scan_items))?;
        scans += 1;
        invocations += u64::from(scan.invocations);
        items += scan.items;
        memory = memory.max(scan.memory_high_water);
        fuel += scan.fuel;
    }
    println!(
        "{scans} × scan of {} items in {:.1} s: {invocations} invocations, {items} items, \
         fuel {} each, largest linear memory of one invocation {:.1} MiB ({memory} bytes)",
        Plan::FULL.scan_items,
        started.elapsed().as_secs_f64(),
        fuel / invocations.max(1),
        memory as f64 / (1024.0 * 1024.0),
    );
    Ok(())
}
