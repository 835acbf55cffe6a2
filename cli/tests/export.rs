//! `ddb-connector export` (a scan or query to the end across invocations, NDJSON out,
//! interruption and resumption through a checkpoint) and `invoke --stats`. Needs the component
//! and moto: run through scripts/test.sh.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const ITEMS: u64 = 120;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

fn runner() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ddb-connector"));
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn request(input: Value) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": env("DDB_TEST_MOTO_ACCESS_KEY"), "secretKey": env("DDB_TEST_MOTO_SECRET_KEY")},
        "configuration": {"region": "us-east-1", "endpoint": env("DDB_TEST_MOTO_ENDPOINT")},
        "input": input,
    })
}

fn invoke(input: Value, extra: &[&str]) -> Output {
    let mut child = runner()
        .args(["invoke", "--allow-outbound", "http://127.0.0.1:*"])
        .args(extra)
        .spawn()
        .unwrap();
    let text = request(input).to_string();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    output
}

/// A table of `ITEMS` items, all in partition `g` (so query and scan both see every one).
fn seeded_table(name: &str) -> BTreeSet<u64> {
    seeded_table_in(name, 1)
}

/// A table of `ITEMS` items in `partitions` partitions (`g` alone when one), so that the
/// segments of a parallel scan (which split by partition key) each get some.
fn seeded_table_in(name: &str, partitions: u64) -> BTreeSet<u64> {
    seeded_table_of(name, partitions, 50)
}

/// [`seeded_table_in`] with a `pad` attribute of `pad` bytes in every item.
fn seeded_table_of(name: &str, partitions: u64, pad: usize) -> BTreeSet<u64> {
    invoke(
        json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": name,
               "partitionKey": "grp", "partitionKeyType": "S", "sortKey": "seq", "sortKeyType": "N",
               "billingModeStr": "PAY_PER_REQUEST"}),
        &[],
    );
    let puts: Vec<Value> = (0..ITEMS)
        .map(|seq| {
            let grp = match partitions {
                1 => "g".to_string(),
                n => format!("g{}", seq % n),
            };
            json!({"put": {"grp": grp, "seq": seq, "pad": "x".repeat(pad)}})
        })
        .collect();
    invoke(
        json!({"operationGroup": "itemOperation", "itemOperation": "batchWriteItems", "requestItems": {name: puts}}),
        &[],
    );
    (0..ITEMS).collect()
}

fn write_request(dir: &Path, name: &str, input: Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, request(input).to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The `seq` of every NDJSON line, failing on a line that is not an item or a duplicate.
fn sequence_numbers(ndjson: &str, seen: &mut BTreeSet<u64>) {
    for line in ndjson.lines() {
        let item: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let seq = item["seq"]["N"].as_str().unwrap().parse().unwrap();
        assert!(seen.insert(seq), "item {seq} was exported twice");
    }
}

fn export(input: &str, extra: &[&str]) -> Output {
    runner()
        .args([
            "export",
            "--input",
            input,
            "--allow-outbound",
            "http://127.0.0.1:*",
        ])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn scan_and_query_export_every_item_once_across_invocations() {
    let table = format!("export-all-{}", std::process::id());
    let expected = seeded_table(&table);
    let dir = std::env::temp_dir().join(&table);
    std::fs::create_dir_all(&dir).unwrap();
    let scan = write_request(
        &dir,
        "scan.json",
        json!({"operationGroup": "tableOperation",
        "tableOperation": "scanTable", "tableName": table, "limit": 25, "maxPages": 1}),
    );
    let query = write_request(
        &dir,
        "query.json",
        json!({"operationGroup": "itemOperation",
        "itemOperation": "query", "tableName": table, "keyConditionExpression": "grp = :g",
        "expressionAttributeValues": {":g": "g"}, "limit": 7, "maxPages": 2}),
    );
    for (input, pages) in [(scan, ITEMS.div_ceil(25)), (query, ITEMS.div_ceil(7))] {
        let output = export(&input, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let mut seen = BTreeSet::new();
        sequence_numbers(&String::from_utf8(output.stdout).unwrap(), &mut seen);
        assert_eq!(seen, expected);
        assert!(
            stderr.contains(&format!("exported {ITEMS} items")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("in {pages} pages"))
                || stderr.contains(&format!("in {} pages", pages + 1)),
            "{stderr}"
        );
        // Not a terminal: no progress line drawn.
        assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
        assert!(!stderr.contains(&env("DDB_TEST_MOTO_SECRET_KEY")));
    }
}

/// Bytes of `pad` in each item of the interrupted export's table: the table's NDJSON (about
/// 480 KB) is far more than a pipe holds (64 KiB on Linux), so the export cannot reach its end
/// while the test does not read, and the interruption cannot race the end.
const INTERRUPTED_PAD: usize = 4000;

/// Waits until `path` exists (the export's first checkpoint, renamed into place whole). Not a
/// timed assertion: the bound only turns a hang into a failure.
fn wait_for_file(path: &Path, child: &mut std::process::Child) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while !path.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the export ended ({status}) before its first checkpoint");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint after 300 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Ctrl-C (SIGINT), sent once the first page's checkpoint is on disk and while the test reads
/// nothing: the export is then stopped, with at least one page out, on a write the full pipe
/// holds, far from its end. Exit 130, the checkpoint matches what was written, and the resumed
/// run exports the rest, every item once.
#[test]
fn an_interrupted_export_resumes_from_its_checkpoint() {
    const PAGE: u64 = 4;
    let table = format!("export-resume-{}", std::process::id());
    let expected = seeded_table_of(&table, 1, INTERRUPTED_PAD);
    let dir = std::env::temp_dir().join(&table);
    std::fs::create_dir_all(&dir).unwrap();
    let scan = write_request(
        &dir,
        "scan.json",
        json!({"operationGroup": "tableOperation",
        "tableOperation": "scanTable", "tableName": table, "limit": PAGE, "maxPages": 1}),
    );
    let checkpoint = dir.join("checkpoint.json");
    let _ = std::fs::remove_file(&checkpoint);
    let checkpoint_arg = checkpoint.to_string_lossy().into_owned();
    let mut child = runner()
        .args([
            "export",
            "--input",
            &scan,
            "--allow-outbound",
            "http://127.0.0.1:*",
        ])
        .args(["--checkpoint", &checkpoint_arg])
        .spawn()
        .unwrap();
    wait_for_file(&checkpoint, &mut child);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut first = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut first)
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted") && stderr.contains("run the same command to resume"),
        "{stderr}"
    );
    let mut seen = BTreeSet::new();
    sequence_numbers(&first, &mut seen);
    eprintln!("{} items out before the interruption", seen.len());
    assert!(
        seen.len() as u64 >= PAGE && seen.len() < expected.len(),
        "{} before the interruption",
        seen.len()
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&checkpoint).unwrap()).unwrap();
    let saved = &saved["segments"]["0"];
    assert_eq!(saved["items"], seen.len() as u64);
    assert_eq!(saved["done"], false);
    assert!(
        saved["exclusiveStartKey"]["seq"]["N"].is_string(),
        "{saved}"
    );

    let resumed = export(&scan, &["--checkpoint", &checkpoint_arg]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    sequence_numbers(&String::from_utf8(resumed.stdout).unwrap(), &mut seen);
    assert_eq!(
        seen, expected,
        "the two runs together export every item once"
    );
    let again = export(&scan, &["--checkpoint", &checkpoint_arg]);
    assert!(again.status.success() && again.stdout.is_empty());
}

#[test]
fn export_refuses_other_operations_and_stats_reports_the_invocation() {
    let dir = std::env::temp_dir().join(format!("export-usage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let get = write_request(
        &dir,
        "get.json",
        json!({"operationGroup": "itemOperation",
        "itemOperation": "getItem", "tableName": "t-usage", "primaryKeyComponents": {"id": "a"}}),
    );
    let refused = export(&get, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not \"getItem\""));
    let missing = runner().arg("export").output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    // Segment options that do not fit: refused before anything is sent.
    let query = write_request(
        &dir,
        "query.json",
        json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "t-usage",
               "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": "a"}}),
    );
    let scan = write_request(
        &dir,
        "scan.json",
        json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "t-usage",
               "segment": 0, "totalSegments": 2}),
    );
    let cases: [(&str, &[&str], &str); 7] = [
        (&query, &["--segments", "2"], "query cannot be segmented"),
        (&get, &["--segments", "1001"], "in one process"),
        (&scan, &["--segments", "2"], "sets input.segment itself"),
        (&get, &["--segments", "0"], "--segments: 1 to"),
        (&get, &["--segment", "1"], "go together"),
        (
            &get,
            &["--segment", "3", "--total-segments", "3"],
            "below --total-segments",
        ),
        (
            &get,
            &["--max-read-units-per-second", "0"],
            "must be above 0",
        ),
    ];
    for (input, extra, message) in cases {
        let refused = export(input, extra);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(message), "{extra:?}: {stderr}");
    }
    // An earlier runner's checkpoint (one position) is still read: this one says done.
    let old = dir.join("old.ckpt");
    std::fs::write(
        &old,
        r#"{"exclusiveStartKey": null, "items": 7, "pages": 1, "done": true}"#,
    )
    .unwrap();
    let scan = write_request(
        &dir,
        "plain-scan.json",
        json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "t-usage"}),
    );
    let done = export(&scan, &["--checkpoint", &old.to_string_lossy()]);
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success() && done.stdout.is_empty(), "{stderr}");
    assert!(stderr.contains("complete (7 items)"), "{stderr}");

    let output = invoke(
        json!({"operationGroup": "tableOperation", "tableOperation": "listTables", "limit": 1}),
        &["--stats"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let number = |label: &str| -> u64 {
        let rest = stderr
            .split(label)
            .nth(1)
            .unwrap_or_else(|| panic!("no {label} in {stderr}"));
        rest.trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(number("fuel") > 100_000, "{stderr}");
    assert!(number("memory high-water") >= 1 << 16, "{stderr}");
    assert_eq!(number("HTTP calls"), 1, "{stderr}");
    assert!(stderr.contains("wall "), "{stderr}");
}

/// An export of a table that does not exist stops at its first invocation: exit 1, the
/// connector's error on stderr (with where to resume), nothing on stdout.
#[test]
fn an_export_of_a_missing_table_exits_1_with_the_error_on_stderr() {
    let dir = std::env::temp_dir().join(format!("export-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scan = write_request(
        &dir,
        "scan.json",
        json!({"operationGroup": "tableOperation", "tableOperation": "scanTable",
               "tableName": format!("export-missing-{}", std::process::id())}),
    );
    let output = export(&scan, &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout holds only items");
    let error: Value = stderr
        .lines()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| panic!("no error document on stderr: {stderr}"));
    assert_eq!(error["error"]["kind"], "execution", "{error}");
    assert_eq!(
        error["error"]["code"], "ResourceNotFoundException",
        "{error}"
    );
    assert!(
        stderr.contains("stopped after 0 items in 0 pages"),
        "{stderr}"
    );
    assert!(!stderr.contains(&env("DDB_TEST_MOTO_SECRET_KEY")));
}

/// How often each `seq` of the NDJSON lines came.
fn counts(ndjson: &str, counts: &mut std::collections::BTreeMap<u64, u32>) {
    for line in ndjson.lines() {
        let item: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let seq = item["seq"]["N"].as_str().unwrap().parse().unwrap();
        *counts.entry(seq).or_default() += 1;
    }
}

fn scan_request(dir: &Path, table: &str, limit: u64) -> String {
    write_request(
        dir,
        "scan.json",
        json!({"operationGroup": "tableOperation", "tableOperation": "scanTable",
               "tableName": table, "limit": limit}),
    )
}

#[test]
fn segments_in_one_process_and_across_processes_export_every_item_once() {
    let table = format!("export-segments-{}", std::process::id());
    let expected = seeded_table_in(&table, 16);
    let dir = std::env::temp_dir().join(&table);
    std::fs::create_dir_all(&dir).unwrap();
    let scan = scan_request(&dir, &table, 10);
    let checkpoint = dir.join("four.json");
    let _ = std::fs::remove_file(&checkpoint);
    let checkpoint_arg = checkpoint.to_string_lossy().into_owned();
    let output = export(&scan, &["--segments", "4", "--checkpoint", &checkpoint_arg]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let mut seen = BTreeSet::new();
    sequence_numbers(&String::from_utf8(output.stdout).unwrap(), &mut seen);
    assert_eq!(seen, expected);
    assert!(
        stderr.contains(&format!("exported {ITEMS} items")),
        "{stderr}"
    );
    let saved: Value = serde_json::from_slice(&std::fs::read(&checkpoint).unwrap()).unwrap();
    assert_eq!(saved["totalSegments"], 4);
    let segments = saved["segments"].as_object().unwrap();
    assert_eq!(segments.len(), 4);
    assert!(segments.values().all(|s| s["done"] == true), "{saved}");
    // Every segment had items of its own: the scan was split, not run four times.
    assert!(
        segments
            .values()
            .all(|s| s["items"].as_u64().unwrap() < ITEMS),
        "{saved}"
    );

    // One process per segment, at once, as on three machines.
    let children: Vec<_> = (0..3)
        .map(|i| {
            runner()
                .args([
                    "export",
                    "--input",
                    &scan,
                    "--allow-outbound",
                    "http://127.0.0.1:*",
                ])
                .args(["--segment", &i.to_string(), "--total-segments", "3"])
                .spawn()
                .unwrap()
        })
        .collect();
    let mut seen = BTreeSet::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        sequence_numbers(&String::from_utf8(output.stdout).unwrap(), &mut seen);
    }
    assert_eq!(seen, expected);
}

#[test]
fn a_segmented_export_killed_at_once_resumes_with_at_most_a_page_per_segment_again() {
    const SEGMENTS: u64 = 3;
    const PAGE: u64 = 2;
    let table = format!("export-kill-{}", std::process::id());
    let expected = seeded_table_in(&table, 16);
    let dir = std::env::temp_dir().join(&table);
    std::fs::create_dir_all(&dir).unwrap();
    let scan = scan_request(&dir, &table, PAGE);
    let checkpoint = dir.join("checkpoint.json");
    let _ = std::fs::remove_file(&checkpoint);
    let checkpoint_arg = checkpoint.to_string_lossy().into_owned();
    let segments = SEGMENTS.to_string();
    let args = [
        "--segments",
        segments.as_str(),
        "--checkpoint",
        checkpoint_arg.as_str(),
    ];
    let mut child = runner()
        .args([
            "export",
            "--input",
            &scan,
            "--allow-outbound",
            "http://127.0.0.1:*",
        ])
        .args(args)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    for _ in 0..30 {
        stdout.read_line(&mut first).unwrap();
    }
    child.kill().unwrap(); // SIGKILL: no handler runs
    stdout.read_to_string(&mut first).unwrap();
    child.wait().unwrap();
    let mut seen = std::collections::BTreeMap::new();
    counts(&first, &mut seen);
    assert!(seen.len() < expected.len(), "killed too late to tell");

    let resumed = export(&scan, &args);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    counts(&String::from_utf8(resumed.stdout).unwrap(), &mut seen);
    let keys: BTreeSet<u64> = seen.keys().copied().collect();
    assert_eq!(keys, expected, "an item was lost");
    let repeats: u32 = seen.values().map(|n| n - 1).sum();
    eprintln!("{repeats} items exported again after the kill");
    assert!(
        u64::from(repeats) <= SEGMENTS * PAGE,
        "{repeats} repeats, more than a page per segment"
    );
}

#[test]
fn the_read_budget_holds_over_a_run() {
    const RATE: f64 = 4.0;
    let table = format!("export-budget-{}", std::process::id());
    seeded_table_in(&table, 16);
    let dir = std::env::temp_dir().join(&table);
    std::fs::create_dir_all(&dir).unwrap();
    let scan = scan_request(&dir, &table, 4);
    let started = std::time::Instant::now();
    let rate = RATE.to_string();
    let output = export(
        &scan,
        &["--segments", "2", "--max-read-units-per-second", &rate],
    );
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // "... (31 read units)": what moto reported, one unit per page.
    let units: f64 = stderr
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no read units in {stderr}"));
    assert!(units >= ITEMS.div_ceil(4) as f64, "{stderr}");
    // The bucket holds a second's worth, and each segment may have one page in flight: the
    // rest took at least its share of time at RATE (a slow machine only takes longer).
    let least = (units - RATE - 2.0) / RATE;
    assert!(
        elapsed >= least,
        "{units} units in {elapsed:.2} s at {RATE}/s"
    );
}
