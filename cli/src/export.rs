//! `export`: runs a scanTable or query request to the end, one invocation after another, each
//! resuming from the last one's `lastEvaluatedKey`, and writes every item as one line of JSON
//! (NDJSON) to stdout. Progress (items, pages, items/s, elapsed) goes to stderr when it is a
//! terminal. With `--checkpoint FILE` the position is saved after every invocation and an
//! existing checkpoint is resumed from; on Ctrl-C the invocation in flight is dropped (none of
//! its items were written) and the runner says where to resume.

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ddb_connector_host::{ConnectorHost, Invocation, Tenant};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;

use crate::args::ExportArgs;
use crate::{HOST_FAILURE, USAGE_ERROR, host_failure_report};

/// Exit status of an export stopped by Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

/// Where an export is: what `--checkpoint` saves and resumes from.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// Where the next invocation starts (DynamoDB-typed); `None` at the table's start.
    pub exclusive_start_key: Option<Value>,
    /// Items written so far.
    pub items: u64,
    /// DynamoDB pages read so far.
    pub pages: u64,
    /// Whether the export reached the end.
    pub done: bool,
}

/// What one invocation's result holds for an export.
struct Page {
    items: Vec<Value>,
    pages: u64,
    last_evaluated_key: Option<Value>,
}

/// The operation a request names (`input.tableOperation`, `input.itemOperation` or the older
/// `input.type`), if it is one an export can run.
fn exportable(request: &Value) -> Result<(), String> {
    let input = &request["input"];
    let name = ["tableOperation", "itemOperation", "type"]
        .iter()
        .find_map(|field| input[field].as_str());
    match name {
        Some("scanTable" | "query") => Ok(()),
        Some(other) => Err(format!("export runs scanTable or query, not {other:?}")),
        None => Err("export needs a scanTable or query request (input.tableOperation or input.itemOperation)".into()),
    }
}

/// The items and the paging facts of a scanTable (`response` + `paging`) or query
/// (`response.items` + the facts beside them) result.
fn page_of(result: Value) -> Result<Page, String> {
    let mut result = result;
    let (items, summary) = match result["action"].as_str() {
        Some("scanTable") => (result["response"].take(), result["paging"].take()),
        Some("query") => {
            let items = result["response"]["items"].take();
            (items, result["response"].take())
        }
        other => {
            return Err(format!(
                "not a scanTable or query result (action {other:?})"
            ));
        }
    };
    let items = match items {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => return Err(format!("items are not a list: {other}")),
    };
    Ok(Page {
        items,
        pages: summary["pages"].as_u64().unwrap_or(0),
        last_evaluated_key: summary
            .get("lastEvaluatedKey")
            .filter(|key| key.is_object())
            .cloned(),
    })
}

fn load_checkpoint(path: &Path) -> Result<Option<Position>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("the checkpoint {} is not one: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Written beside, then renamed: a checkpoint is never half written.
fn save_checkpoint(path: &Path, position: &Position) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(position)?)?;
    std::fs::rename(partial, path)
}

/// The progress line on stderr, drawn only when stderr is a terminal.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    items_at_start: u64,
}

impl Progress {
    fn new(position: &Position) -> Self {
        let bar = match std::io::stderr().is_terminal() {
            true => ProgressBar::new_spinner(),
            false => ProgressBar::hidden(),
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} exporting: {msg} | {elapsed}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        let progress = Self {
            bar,
            started: Instant::now(),
            items_at_start: position.items,
        };
        progress.update(position);
        progress
    }

    fn update(&self, position: &Position) {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = (position.items - self.items_at_start) as f64 / seconds;
        self.bar.set_message(format!(
            "{} items | {} pages | {rate:.0} items/s",
            position.items, position.pages
        ));
    }

    /// The line goes; what follows on stderr says where the export got. (A terminal that
    /// echoes Ctrl-C on a line of its own keeps the last line drawn above that.)
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Resolves on the first Ctrl-C, however long before it is awaited.
fn ctrl_c() -> Arc<Notify> {
    let notify = Arc::new(Notify::new());
    let signalled = notify.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            signalled.notify_one();
        }
    });
    notify
}

/// Says on stderr where to resume from `position`.
fn tell_where_to_resume(position: &Position, checkpoint: Option<&Path>) {
    let key = position
        .exclusive_start_key
        .as_ref()
        .map_or_else(|| "the start".to_string(), Value::to_string);
    eprintln!(
        "stopped after {} items in {} pages; resume from exclusiveStartKey {key}",
        position.items, position.pages
    );
    match checkpoint {
        Some(path) => eprintln!(
            "saved in {}: run the same command to resume",
            path.display()
        ),
        None => eprintln!(
            "resume: put \"exclusiveStartKey\": {key} in the request's input, or run with --checkpoint FILE"
        ),
    }
}

/// Runs `request` as an export (see the module's documentation).
pub async fn run(
    host: &ConnectorHost,
    args: &ExportArgs,
    request: &str,
    tenant: &Tenant,
) -> ExitCode {
    let prepared = serde_json::from_str::<Value>(request)
        .map_err(|e| format!("the request is not JSON: {e}"))
        .and_then(|request| exportable(&request).map(|()| request));
    let checkpoint = args.checkpoint.as_deref();
    let (mut request, saved) = match (prepared, checkpoint.map(load_checkpoint).transpose()) {
        (Ok(request), Ok(saved)) => (request, saved.flatten()),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("ddb-connector export: {message}");
            return ExitCode::from(USAGE_ERROR);
        }
    };
    let mut position = saved.unwrap_or_else(|| Position {
        exclusive_start_key: request["input"].get("exclusiveStartKey").cloned(),
        ..Position::default()
    });
    if position.done {
        eprintln!(
            "the checkpoint says this export is complete ({} items)",
            position.items
        );
        return ExitCode::SUCCESS;
    }
    let progress = Progress::new(&position);
    let interrupted = ctrl_c();
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    loop {
        match &position.exclusive_start_key {
            Some(key) => request["input"]["exclusiveStartKey"] = key.clone(),
            None => {
                _ = request["input"]
                    .as_object_mut()
                    .map(|i| i.remove("exclusiveStartKey"))
            }
        }
        let text = request.to_string();
        let invocation = tokio::select! {
            invocation = host.execute_json(&text, tenant) => invocation,
            () = interrupted.notified() => {
                progress.finish();
                eprintln!("interrupted");
                tell_where_to_resume(&position, checkpoint);
                return ExitCode::from(INTERRUPTED);
            }
        };
        // Items written to a terminal would run through the progress line: it steps aside.
        let step = progress
            .bar
            .suspend(|| step(invocation, &mut stdout, &mut position));
        progress.update(&position);
        if let Some(path) = checkpoint
            && let Err(e) = save_checkpoint(path, &position)
        {
            eprintln!("cannot save the checkpoint {}: {e}", path.display());
        }
        if let Err(code) = step {
            progress.finish();
            tell_where_to_resume(&position, checkpoint);
            return code;
        }
        if position.done {
            break;
        }
    }
    progress.finish();
    eprintln!(
        "exported {} items in {} pages in {:.1} s",
        position.items,
        position.pages,
        progress.started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

/// Writes one invocation's items and moves `position` past them; `Err` is the exit status
/// of a failure, already reported.
fn step(
    invocation: wasmtime::Result<Invocation<String>>,
    out: &mut impl std::io::Write,
    position: &mut Position,
) -> Result<(), ExitCode> {
    let result = match invocation {
        Ok(invocation) => invocation.result,
        Err(e) => {
            // On stderr: stdout holds only items.
            let (document, diagnostics) = host_failure_report(&e);
            diagnostics.into_iter().for_each(|d| eprintln!("{d}"));
            eprintln!("{document}");
            return Err(ExitCode::from(HOST_FAILURE));
        }
    };
    let page = match result.map(|text| serde_json::from_str(&text)) {
        Ok(Ok(value)) => page_of(value).map_err(|message| {
            eprintln!("{message}");
            ExitCode::from(1)
        })?,
        Ok(Err(e)) => {
            eprintln!("the result is not JSON: {e}");
            return Err(ExitCode::from(1));
        }
        Err(error) => {
            eprintln!("{}", error.to_json());
            return Err(ExitCode::from(1));
        }
    };
    let written = page.items.iter().try_for_each(|item| {
        serde_json::to_writer(&mut *out, item)?;
        out.write_all(b"\n")
    });
    if let Err(e) = written.and_then(|()| out.flush()) {
        eprintln!("cannot write the items: {e}");
        return Err(ExitCode::from(1));
    }
    position.items += page.items.len() as u64;
    position.pages += page.pages;
    position.done = page.last_evaluated_key.is_none();
    position.exclusive_start_key = page.last_evaluated_key;
    Ok(())
}
