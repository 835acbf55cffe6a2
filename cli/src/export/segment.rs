//! One segment's loop: one DynamoDB page per invocation; the page's items are written and
//! flushed, then the checkpoint moves past them. Killed at any moment, a rerun repeats at most
//! the page whose items were out but whose checkpoint was not yet saved.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use ddb_connector_host::{ConnectorError, ConnectorHost, HostError, Invocation, Tenant};
use serde_json::Value;
use tokio::sync::watch;

use super::budget::ReadBudget;
use super::checkpoint::{self, Checkpoint, Position};
use super::progress::Progress;
use crate::{HOST_FAILURE, host_failure_report};

/// Tries of one page that DynamoDB throttled (after the connector's own retries).
const THROTTLED_TRIES: u32 = 10;

/// What every segment of the process shares.
pub struct Shared<'a> {
    pub host: &'a ConnectorHost,
    pub tenant: &'a Tenant,
    /// The request, with one page per invocation and consumed capacity asked for.
    pub request: Value,
    /// Whether the request names `segment` and `totalSegments`.
    pub segmented: bool,
    /// DynamoDB's `TotalSegments`.
    pub total_segments: u32,
    pub checkpoint: Mutex<Checkpoint>,
    pub checkpoint_path: Option<&'a Path>,
    pub out: Mutex<std::io::BufWriter<std::io::Stdout>>,
    pub budget: ReadBudget,
    pub progress: &'a Progress,
}

/// Why a segment stopped before its end.
pub enum Stopped {
    /// Ctrl-C, or another segment failed.
    Interrupted,
    /// This segment failed (already reported): the exit status.
    Failed(ExitCode),
}

/// What one invocation's result holds for an export.
pub struct Page {
    pub items: Vec<Value>,
    pub pages: u64,
    pub last_evaluated_key: Option<Value>,
    pub read_units: f64,
}

/// Runs segment `number` to its end, or until `stop` says so.
pub async fn run(
    shared: &Shared<'_>,
    number: u32,
    mut stop: watch::Receiver<bool>,
) -> Result<(), Stopped> {
    let mut throttled = 0;
    loop {
        let position = shared.checkpoint.lock().expect("not poisoned").segments[&number].clone();
        if position.done {
            return Ok(());
        }
        let text = shared.request_for(number, &position).to_string();
        let invocation = tokio::select! {
            invocation = async {
                shared.budget.ready().await;
                shared.host.execute_json(&text, shared.tenant).await
            } => invocation,
            _ = stop.changed() => return Err(Stopped::Interrupted),
        };
        let page = match page_of_invocation(invocation) {
            Ok(page) => page,
            Err(Failure::Throttled) if throttled < THROTTLED_TRIES => {
                throttled += 1;
                let backoff = Duration::from_millis(100 << throttled.min(6));
                tokio::time::sleep(backoff).await;
                continue;
            }
            Err(Failure::Throttled) => return Err(Stopped::Failed(ExitCode::from(1))),
            Err(Failure::Exit(code)) => return Err(Stopped::Failed(code)),
        };
        throttled = 0;
        shared.budget.charge(page.read_units).await;
        shared.deliver(number, page)?;
    }
}

impl Shared<'_> {
    /// The request for segment `number`'s next page.
    fn request_for(&self, number: u32, position: &Position) -> Value {
        let mut request = self.request.clone();
        let input = &mut request["input"];
        if self.segmented {
            input["segment"] = number.into();
            input["totalSegments"] = self.total_segments.into();
        }
        match &position.exclusive_start_key {
            Some(key) => input["exclusiveStartKey"] = key.clone(),
            None => _ = input.as_object_mut().map(|i| i.remove("exclusiveStartKey")),
        }
        request
    }

    /// Writes the page's items (whole lines, flushed), then moves the segment past them and
    /// saves the checkpoint.
    fn deliver(&self, number: u32, page: Page) -> Result<(), Stopped> {
        let written = {
            let mut out = self.out.lock().expect("not poisoned");
            let out = &mut *out;
            self.progress.bar.suspend(|| {
                page.items
                    .iter()
                    .try_for_each(|item| {
                        serde_json::to_writer(&mut *out, item)?;
                        out.write_all(b"\n")
                    })
                    .and_then(|()| out.flush())
            })
        };
        if let Err(e) = written {
            eprintln!("cannot write the items: {e}");
            return Err(Stopped::Failed(ExitCode::from(1)));
        }
        let mut checkpoint = self.checkpoint.lock().expect("not poisoned");
        let position = checkpoint
            .segments
            .get_mut(&number)
            .expect("a segment of this run");
        position.items += page.items.len() as u64;
        position.pages += page.pages;
        position.read_units += page.read_units;
        position.done = page.last_evaluated_key.is_none();
        position.exclusive_start_key = page.last_evaluated_key;
        if let Some(path) = self.checkpoint_path
            && let Err(e) = checkpoint::save(path, &checkpoint)
        {
            eprintln!("cannot save the checkpoint {}: {e}", path.display());
            return Err(Stopped::Failed(ExitCode::from(1)));
        }
        self.progress.update(&checkpoint);
        Ok(())
    }
}

/// Why an invocation gave no page.
enum Failure {
    /// DynamoDB throttled the read: worth another try after a pause.
    Throttled,
    /// Anything else, reported: the exit status.
    Exit(ExitCode),
}

fn page_of_invocation(invocation: Result<Invocation<String>, HostError>) -> Result<Page, Failure> {
    let result = match invocation {
        Ok(invocation) => invocation.result,
        Err(e) => {
            // On stderr: stdout holds only items.
            eprintln!("{}", host_failure_report(&e));
            return Err(Failure::Exit(ExitCode::from(HOST_FAILURE)));
        }
    };
    let text = match result {
        Ok(text) => text,
        Err(ConnectorError::Execution { code, .. }) if is_throttling(&code) => {
            eprintln!("throttled ({code}): backing off");
            return Err(Failure::Throttled);
        }
        Err(error) => {
            eprintln!("{}", error.to_json());
            return Err(Failure::Exit(ExitCode::from(1)));
        }
    };
    let value = serde_json::from_str(&text).map_err(|e| {
        eprintln!("the result is not JSON: {e}");
        Failure::Exit(ExitCode::from(1))
    })?;
    page_of(value).map_err(|message| {
        eprintln!("{message}");
        Failure::Exit(ExitCode::from(1))
    })
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded"
    )
}

/// The items, paging facts and consumed read units of a scanTable (`response` + `paging`) or
/// query (`response.items` + the facts beside them) result.
pub fn page_of(mut result: Value) -> Result<Page, String> {
    let read_units = result["consumedCapacity"]["capacityUnits"]
        .as_f64()
        .unwrap_or(0.0);
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
        read_units,
    })
}
