//! `export`: runs a scanTable or query request to the end, one DynamoDB page per invocation,
//! and writes every item as one line of JSON (NDJSON) to stdout. A scan may run in parallel
//! segments: `--segments N` runs N at once in this process, `--segment I --total-segments N`
//! runs one (one process per segment, on as many machines). Progress (items, pages, items/s,
//! read units) goes to stderr when it is a terminal. With `--checkpoint FILE` every segment's
//! position is saved after every page, after its items are flushed, and an existing checkpoint
//! is resumed from. `--max-read-units-per-second` bounds the read capacity all segments draw
//! (from the consumed capacity DynamoDB reports). On Ctrl-C the invocations in flight are
//! dropped (none of their items were written) and the runner says where to resume.

mod budget;
mod checkpoint;
mod progress;
mod segment;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

use ddb_connector_host::{ConnectorHost, Tenant};
use serde_json::{Value, json};
use tokio::sync::watch;

use crate::USAGE_ERROR;
use crate::args::ExportArgs;
use budget::ReadBudget;
use checkpoint::Checkpoint;
use progress::Progress;
use segment::{Shared, Stopped};

/// Exit status of an export stopped by Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;
/// DynamoDB's largest `TotalSegments`.
const MAX_TOTAL_SEGMENTS: u32 = 1_000_000;
/// The most segments one process runs at once (its checkpoint is rewritten after every page).
const MAX_SEGMENTS_AT_ONCE: u32 = 1000;

/// Which segments this process runs: DynamoDB's `TotalSegments`, the segment numbers, and
/// whether the requests name them (not for a plain export).
struct Plan {
    total_segments: u32,
    numbers: Vec<u32>,
    segmented: bool,
}

/// The plan the segment options give (`--segments`, or `--segment` with `--total-segments`).
fn plan(args: &ExportArgs) -> Result<Plan, String> {
    let plan = match (args.segments, args.segment, args.total_segments) {
        (None, None, None) => Plan {
            total_segments: 1,
            numbers: vec![0],
            segmented: false,
        },
        (Some(n), None, None) if (1..=MAX_SEGMENTS_AT_ONCE).contains(&n) => Plan {
            total_segments: n,
            numbers: (0..n).collect(),
            segmented: n > 1,
        },
        (Some(_), None, None) => {
            return Err(format!(
                "--segments: 1 to {MAX_SEGMENTS_AT_ONCE} in one process (more: --segment I --total-segments N)"
            ));
        }
        (None, Some(i), Some(n)) if i < n && n <= MAX_TOTAL_SEGMENTS => Plan {
            total_segments: n,
            numbers: vec![i],
            segmented: true,
        },
        (None, Some(_), Some(_)) => {
            return Err(format!(
                "--segment must be below --total-segments, which is 1 to {MAX_TOTAL_SEGMENTS}"
            ));
        }
        (Some(_), _, _) => return Err("--segments: not with --segment or --total-segments".into()),
        _ => return Err("--segment and --total-segments go together".into()),
    };
    Ok(plan)
}

/// The operation a request names, if it is one an export can run; a segmented export runs
/// scanTable only, and the segments are the runner's to set.
fn exportable(request: &Value, plan: &Plan) -> Result<(), String> {
    let input = &request["input"];
    let name = ["tableOperation", "itemOperation", "type"]
        .iter()
        .find_map(|field| input[field].as_str());
    match name {
        Some("scanTable") | Some("query") if !plan.segmented => Ok(()),
        Some("scanTable") => match ["segment", "totalSegments", "exclusiveStartKey"]
            .iter()
            .find(|field| input.get(**field).is_some_and(|v| !v.is_null()))
        {
            Some(field) => Err(format!("a segmented export sets input.{field} itself")),
            None => Ok(()),
        },
        Some("query") => Err("segments are for scanTable: a query cannot be segmented".into()),
        Some(other) => Err(format!("export runs scanTable or query, not {other:?}")),
        None => Err("export needs a scanTable or query request (input.tableOperation or input.itemOperation)".into()),
    }
}

/// The request, its plan and where the export starts (the checkpoint's, or a fresh one).
fn prepare(args: &ExportArgs, request: &str) -> Result<(Value, Plan, Checkpoint), String> {
    let mut request = serde_json::from_str::<Value>(request)
        .map_err(|e| format!("the request is not JSON: {e}"))?;
    let plan = plan(args)?;
    exportable(&request, &plan)?;
    if !request["input"].is_object() {
        return Err("the request has no input object".into());
    }
    let start_key = request["input"].get("exclusiveStartKey").cloned();
    let fresh = Checkpoint::new(plan.total_segments, &plan.numbers, start_key);
    let saved = args
        .checkpoint
        .as_deref()
        .map(checkpoint::load)
        .transpose()?;
    let checkpoint = match saved.flatten() {
        Some(saved) => saved.check_matches(&fresh).map(|()| saved)?,
        None => fresh,
    };
    // One page per invocation, so the checkpoint moves after every page; its read units
    // are what the budget and the progress count.
    request["input"]["maxPages"] = json!(1);
    request["input"]["returnConsumedCapacity"] = json!("TOTAL");
    Ok((request, plan, checkpoint))
}

/// Runs `request` as an export (see the module's documentation).
pub async fn run(
    host: &ConnectorHost,
    args: &ExportArgs,
    request: &str,
    tenant: &Tenant,
) -> ExitCode {
    let (request, plan, checkpoint) = match prepare(args, request) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("ddb-connector export: {message}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    if checkpoint.segments.values().all(|s| s.done) {
        let (items, ..) = checkpoint.totals();
        eprintln!("the checkpoint says this export is complete ({items} items)");
        return ExitCode::SUCCESS;
    }
    let progress = Progress::new(&checkpoint);
    let shared = Shared {
        host,
        tenant,
        request,
        segmented: plan.segmented,
        total_segments: plan.total_segments,
        checkpoint: Mutex::new(checkpoint),
        checkpoint_path: args.checkpoint.as_deref(),
        out: Mutex::new(std::io::BufWriter::new(std::io::stdout())),
        budget: ReadBudget::new(args.max_read_units_per_second),
        progress: &progress,
    };
    let outcome = run_segments(&shared, &plan.numbers).await;
    progress.finish();
    let checkpoint = shared.checkpoint.into_inner().expect("not poisoned");
    finish(outcome, &checkpoint, &progress, args.checkpoint.as_deref())
}

/// Runs every segment at once; the first failure or a Ctrl-C stops them all.
async fn run_segments(shared: &Shared<'_>, numbers: &[u32]) -> Result<(), Stopped> {
    let (stop, stopped) = watch::channel(false);
    let segments = numbers.iter().map(|&number| {
        let (stop, stopped) = (&stop, stopped.clone());
        async move {
            let outcome = segment::run(shared, number, stopped).await;
            if outcome.is_err() {
                stop.send_replace(true);
            }
            outcome
        }
    });
    let all = futures::future::join_all(segments);
    let outcomes = tokio::select! {
        outcomes = all => outcomes,
        _ = tokio::signal::ctrl_c() => return Err(Stopped::Interrupted),
    };
    // A failure is reported before the interruptions it caused.
    let mut outcome = Ok(());
    for result in outcomes {
        match (result, &outcome) {
            (Err(Stopped::Failed(code)), _) => return Err(Stopped::Failed(code)),
            (Err(stopped), Ok(())) => outcome = Err(stopped),
            _ => {}
        }
    }
    outcome
}

/// Says how the export ended; its exit status.
fn finish(
    outcome: Result<(), Stopped>,
    checkpoint: &Checkpoint,
    progress: &Progress,
    path: Option<&Path>,
) -> ExitCode {
    let (items, pages, units) = checkpoint.totals();
    let code = match outcome {
        Ok(()) => {
            let seconds = progress.started.elapsed().as_secs_f64();
            eprintln!(
                "exported {items} items in {pages} pages in {seconds:.1} s ({units} read units)"
            );
            return ExitCode::SUCCESS;
        }
        Err(Stopped::Interrupted) => {
            eprintln!("interrupted");
            ExitCode::from(INTERRUPTED)
        }
        Err(Stopped::Failed(code)) => code,
    };
    eprintln!("stopped after {items} items in {pages} pages");
    match path {
        Some(path) => eprintln!(
            "saved in {}: run the same command to resume",
            path.display()
        ),
        None if checkpoint.segments.len() == 1 => {
            let key = checkpoint
                .segments
                .values()
                .next()
                .and_then(|s| s.exclusive_start_key.clone());
            let key = key.map_or_else(|| "the start".to_string(), |k| k.to_string());
            eprintln!(
                "resume: put \"exclusiveStartKey\": {key} in the request's input, or run with --checkpoint FILE"
            );
        }
        None => eprintln!("resume: run with --checkpoint FILE"),
    }
    code
}
