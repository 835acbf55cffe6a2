//! Every connector request the docs show keeps running. Each ```json block of README.md and
//! docs/*.md that holds `"operationGroup"` is split into its examples at blank lines: a request
//! (a whole request, or only its `input`), then optionally `→` and the result the doc shows. The
//! examples of a block run in order through the host against moto, with moto's endpoint and keys
//! put in; each must end as its result says: `{"error": {"kind": K, "code": C, "field": F …`
//! that error (code and field when given), else status OK (and the `"action"` when given).
//!
//! An `<!-- example-setup: … -->` comment just before a block prepares it, one directive a line:
//! - `table NAME KEY:TYPE [KEY:TYPE] [stream]`: the table is created first (on demand; the
//!   second key the sort key; `stream`: with a NEW_AND_OLD_IMAGES stream);
//! - `name NAME`: a table the block creates itself;
//! - `item NAME {…}`, `typed-item NAME {…}`: an item (plain or typed JSON) put first;
//! - `from-previous PATH: TEXT`: TEXT, where an example has it, stands for the value at PATH
//!   (dotted) of the previous example's result.
//!
//! Every table a directive names is renamed, throughout the block, to a name no other run uses;
//! the tables are deleted afterwards.

mod common;

use std::collections::BTreeMap;

use common::{Server, host, moto, unique_table};
use ddb_connector_host::{ConnectorError, Tenant};
use serde_json::{Value, json};

/// The examples the docs hold today are 29; a parser that finds far fewer is broken.
const MIN_EXAMPLES: usize = 25;

/// One ```json block with a connector request, and its setup comment.
struct Block {
    place: String,
    setup: Vec<String>,
    examples: Vec<Example>,
}

/// One request of a block and the result the doc shows for it (empty when none).
#[derive(Clone)]
struct Example {
    line: usize,
    request: String,
    result: String,
}

/// What an example's shown result says must happen.
#[derive(Debug, PartialEq)]
enum Expected {
    Ok {
        action: Option<String>,
    },
    Error {
        kind: String,
        code: Option<String>,
        field: Option<String>,
    },
}

/// README.md and docs/*.md, by their paths from the repository's root.
fn documents() -> Vec<(String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut paths = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(format!("{root}/docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(format!("{root}/{path}")).unwrap();
            (path, text)
        })
        .collect()
}

/// The blocks of `text` (the document at `path`) that hold a connector request.
fn blocks(path: &str, text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() != "```json" {
            i += 1;
            continue;
        }
        let indent = lines[i].len() - lines[i].trim_start().len();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end].trim() != "```" {
            end += 1;
        }
        let body: Vec<&str> = lines[start..end]
            .iter()
            .map(|line| line.get(indent..).unwrap_or(line.trim_start()))
            .collect();
        if body.iter().any(|line| line.contains("\"operationGroup\"")) {
            found.push(Block {
                place: format!("{path}:{}", i + 1),
                setup: setup_before(&lines[..i]),
                examples: examples(&body, start + 1),
            });
        }
        i = end + 1;
    }
    found
}

/// The directives of the `example-setup` comment that ends just before a block, if any.
fn setup_before(lines: &[&str]) -> Vec<String> {
    let mut end = lines.len();
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    if end == 0 || !lines[end - 1].trim_end().ends_with("-->") {
        return Vec::new();
    }
    let Some(start) = lines[..end]
        .iter()
        .rposition(|line| line.contains("<!-- example-setup:"))
    else {
        return Vec::new();
    };
    let comment = lines[start..end].join("\n");
    let inner = comment
        .split_once("<!-- example-setup:")
        .unwrap()
        .1
        .trim_end()
        .trim_end_matches("-->");
    inner
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect()
}

/// A block's examples: paragraphs, each a request then the lines from the first `→` on.
fn examples(body: &[&str], first_line: usize) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut paragraph: Vec<(usize, &str)> = Vec::new();
    let lines = body.iter().enumerate().map(|(n, l)| (first_line + n, *l));
    for (number, line) in lines.chain([(0, "")]) {
        if !line.trim().is_empty() {
            paragraph.push((number, line));
            continue;
        }
        if paragraph.is_empty() {
            continue;
        }
        let arrow = paragraph
            .iter()
            .position(|(_, l)| l.trim_start().starts_with('→'))
            .unwrap_or(paragraph.len());
        let join =
            |part: &[(usize, &str)]| part.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n");
        examples.push(Example {
            line: paragraph[0].0,
            request: join(&paragraph[..arrow]),
            result: join(&paragraph[arrow..]),
        });
        paragraph.clear();
    }
    examples
}

/// The value of `"key": "…"` in `text`, the first one.
fn quoted(text: &str, key: &str) -> Option<String> {
    let after = text.split_once(&format!("\"{key}\": \""))?.1;
    Some(after.split('"').next()?.to_string())
}

/// What a shown result (`→ …`, or nothing) expects.
fn expected(result: &str) -> Expected {
    let text = result.trim_start().trim_start_matches('→').trim_start();
    if text.starts_with("{\"error\"") {
        Expected::Error {
            kind: quoted(text, "kind").unwrap_or_default(),
            code: quoted(text, "code"),
            field: quoted(text, "field"),
        }
    } else {
        let action = text
            .starts_with('{')
            .then(|| quoted(text, "action"))
            .flatten();
        Expected::Ok { action }
    }
}

/// `text` with each whole `from` (not inside a longer table name) replaced by `to`.
fn rename(text: &str, from: &str, to: &str) -> String {
    let in_name = |c: char| c.is_ascii_alphanumeric() || "_.-".contains(c);
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(in_name) || after.is_some_and(in_name) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// The tables a block's directives name.
fn tables_named(setup: &[String]) -> Vec<String> {
    let mut names: Vec<String> = setup
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            match words.next()? {
                "table" | "name" | "item" | "typed-item" => words.next().map(String::from),
                _ => None,
            }
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `request` (a whole request or only an `input`) pointed at moto with moto's keys, wherever
/// the doc put its own (inline, or inside an `awsCredential`).
fn with_moto(request: Value, server: &Server) -> Value {
    let keys = json!({"type": "credentials", "accessKey": server.access_key, "secretKey": server.secret_key});
    if request.get("input").is_none() {
        return common::request(server, request);
    }
    let mut request = request;
    let object = request.as_object_mut().expect("a request is an object");
    if let Some(credential) = object.get_mut("awsCredential") {
        credential["authentication"] = keys;
    } else {
        object.insert("authentication".into(), keys);
    }
    let configuration = object.entry("configuration").or_insert_with(|| json!({}));
    configuration["endpoint"] = json!(server.endpoint);
    request
}

/// `envelope` (a request run for a block) with `input` instead of its own.
fn with_input(envelope: &Value, input: Value) -> Value {
    let mut request = envelope.clone();
    request["input"] = input;
    request
}

/// Runs `request`; its result as JSON, or the connector's error.
async fn run(request: &Value) -> Result<Value, ConnectorError> {
    host()
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .expect("the host runs the component without trapping")
        .result
        .map(|text| serde_json::from_str(&text).expect("the result is JSON"))
}

/// The `executeAction` input that creates table `name` as a `table` directive's `words` say.
fn create_table(name: &str, words: &[&str]) -> Value {
    let keys: Vec<(&str, &str)> = words.iter().filter_map(|w| w.split_once(':')).collect();
    let schema: Vec<Value> = keys
        .iter()
        .zip(["HASH", "RANGE"])
        .map(|((key, _), role)| json!({"AttributeName": key, "KeyType": role}))
        .collect();
    let definitions: Vec<Value> = keys
        .iter()
        .map(|(key, kind)| json!({"AttributeName": key, "AttributeType": kind}))
        .collect();
    let mut request = json!({
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": schema, "AttributeDefinitions": definitions,
    });
    if words.contains(&"stream") {
        request["StreamSpecification"] =
            json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"});
    }
    json!({"operationGroup": "tableOperation", "tableOperation": "executeAction",
           "action": "CreateTable", "request": request})
}

/// Runs a block's `table` and `item` directives (already renamed) in `envelope`.
async fn prepare(setup: &[String], envelope: &Value) -> Result<(), String> {
    for directive in setup {
        let words: Vec<&str> = directive.split_whitespace().collect();
        let input = match words.as_slice() {
            ["table", name, rest @ ..] => create_table(name, rest),
            ["item" | "typed-item", name, ..] => {
                let text = directive.splitn(3, ' ').nth(2).unwrap_or_default();
                let item: Value = serde_json::from_str(text)
                    .map_err(|e| format!("setup `{directive}`: not JSON: {e}"))?;
                let format = if words[0] == "item" { "plain" } else { "typed" };
                json!({"operationGroup": "itemOperation", "itemOperation": "addItem",
                       "tableName": name, "item": item, "valueFormat": format})
            }
            ["name", _] | ["from-previous", ..] => continue,
            _ => return Err(format!("setup `{directive}`: not a directive")),
        };
        run(&with_input(envelope, input))
            .await
            .map_err(|e| format!("setup `{directive}` failed: {e}"))?;
    }
    Ok(())
}

/// The `from-previous` directives: (the text in an example, the dotted path it stands for).
fn substitutions(setup: &[String]) -> Vec<(String, String)> {
    setup
        .iter()
        .filter_map(|line| line.strip_prefix("from-previous "))
        .filter_map(|rest| rest.split_once(": "))
        .map(|(path, text)| (text.trim().to_string(), path.trim().to_string()))
        .collect()
}

/// The value at the dotted `path` of `value`.
fn at_path<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(value, |node, key| &node[key])
}

/// Whether `outcome` is what `expected` says; else why not.
fn check(outcome: &Result<Value, ConnectorError>, expected: &Expected) -> Result<(), String> {
    let kind_and_code = |e: &ConnectorError| match e {
        ConnectorError::Configuration { field, .. } => ("configuration", field.clone()),
        ConnectorError::Connection { .. } => ("connection", None),
        ConnectorError::Execution { code, .. } => ("execution", Some(code.clone())),
    };
    let matches = match (outcome, expected) {
        (Ok(value), Expected::Ok { action }) => {
            value["status"] == "OK" && action.as_ref().is_none_or(|a| value["action"] == *a)
        }
        (Err(error), Expected::Error { kind, code, field }) => {
            let (got_kind, got_detail) = kind_and_code(error);
            let detail = if got_kind == "configuration" {
                field
            } else {
                code
            };
            got_kind == kind && (detail.is_none() || *detail == got_detail)
        }
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        let got = match outcome {
            Ok(value) => value.to_string(),
            Err(error) => format!("{error:?}"),
        };
        Err(format!("expected {expected:?}, got {got}"))
    }
}

/// Runs one block: its setup, its examples in order, then deletes its tables. The failures.
async fn run_block(block: &Block, server: &Server) -> Vec<String> {
    let names: BTreeMap<String, String> = tables_named(&block.setup)
        .into_iter()
        .map(|name| (unique_table(&format!("docs-{name}")), name))
        .map(|(unique, name)| (name, unique))
        .collect();
    let renamed = |text: &str| {
        names
            .iter()
            .fold(text.to_string(), |t, (from, to)| rename(&t, from, to))
    };
    let setup: Vec<String> = block.setup.iter().map(|line| renamed(line)).collect();
    let substitutions = substitutions(&setup);
    let mut failures = Vec::new();
    let mut previous = Value::Null;
    let mut envelope = None;
    for example in &block.examples {
        let place = format!("{} (line {})", block.place, example.line);
        let mut text = renamed(&example.request);
        for (stands_for, path) in &substitutions {
            text = text.replace(stands_for, &at_path(&previous, path).to_string());
        }
        let request = match serde_json::from_str::<Value>(&text) {
            Ok(request) => with_moto(request, server),
            Err(e) => {
                failures.push(format!("{place}: the request is not JSON ({e}):\n{text}"));
                continue;
            }
        };
        if envelope.is_none() {
            if let Err(e) = prepare(&setup, &request).await {
                failures.push(format!("{place}: {e}"));
            }
            envelope = Some(request.clone());
        }
        let outcome = run(&request).await;
        if let Err(e) = check(&outcome, &expected(&renamed(&example.result))) {
            failures.push(format!("{place}: {e}"));
        }
        previous = outcome.unwrap_or(Value::Null);
    }
    if let Some(envelope) = envelope {
        delete_tables(names.values(), &envelope).await;
    }
    failures
}

/// Deletes `tables`, turning deletion protection off first where an example turned it on;
/// a table an example deleted already is no failure.
async fn delete_tables(tables: impl Iterator<Item = &String>, envelope: &Value) {
    for table in tables {
        let unprotect = json!({"operationGroup": "tableOperation", "tableOperation": "updateTable",
                               "tableName": table, "deletionProtection": false});
        let delete = json!({"operationGroup": "tableOperation", "tableOperation": "deleteTable",
                            "tableName": table});
        let _ = run(&with_input(envelope, unprotect)).await;
        let _ = run(&with_input(envelope, delete)).await;
    }
}

#[tokio::test]
async fn every_request_in_the_docs_runs_as_the_doc_says() {
    let server = moto();
    let blocks: Vec<Block> = documents()
        .iter()
        .flat_map(|(path, text)| blocks(path, text))
        .collect();
    let count: usize = blocks.iter().map(|b| b.examples.len()).sum();
    println!("{} blocks, {count} examples", blocks.len());
    assert!(
        count >= MIN_EXAMPLES,
        "only {count} examples found in the docs (at least {MIN_EXAMPLES} expected)"
    );
    let mut failures = Vec::new();
    for block in &blocks {
        failures.extend(run_block(block, &server).await);
    }
    assert!(
        failures.is_empty(),
        "{} of {count} examples failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `text` split into words as a shell splits them, with single quotes (all README uses).
fn shell_words(text: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for c in text.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// README's first call: the request its shell lines pipe into the command-line runner (keys
/// and endpoint moto's), run by the built `ddb-connector` with the arguments README gives, must
/// print what README says it prints.
#[test]
fn the_readme_first_call_runs_through_the_runner() {
    use std::io::Write as _;
    let server = moto();
    let readme = &documents()[0].1;
    let block = readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("\n```").map(|(block, _)| block))
        .find(|block| block.contains("ddb-connector invoke"))
        .expect("README's first call: a sh block running ddb-connector invoke");
    let (_, after_echo) = block.split_once("echo '").expect("the request is echoed");
    let (request, _) = after_echo.split_once('\'').unwrap();
    let request = with_moto(serde_json::from_str(request).expect("JSON"), &server);
    let (_, arguments) = block.split_once("ddb-connector invoke").unwrap();
    let arguments = shell_words(arguments.lines().next().unwrap());
    let (_, prints) = readme
        .split_once("prints `")
        .expect("README says what it prints");
    let expected = expected(prints);
    let binary = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/debug/ddb-connector");
    assert!(
        std::path::Path::new(binary).exists(),
        "{binary} is missing: cargo build -p ddb-connector-cli"
    );
    let mut child = common::bounded(binary)
        .arg("invoke")
        .args(&arguments)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the runner starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(request.to_string().as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    common::keep_output("docs-first-call", &output);
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the runner printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(check(&Ok(printed), &expected), Ok(()), "{arguments:?}");
}

#[test]
fn the_parser_splits_a_block_into_requests_and_results() {
    let doc = "text\n\n<!-- example-setup:\ntable orders id:N\n-->\n   ```json\n   {\"operationGroup\": \"tableOperation\",\n    \"tableOperation\": \"listTables\"}\n   → {\"action\": \"listTables\", \"status\": \"OK\"}\n\n   {\"operationGroup\": 1}\n   → {\"error\": {\"kind\": \"configuration\", \"field\": \"input.operationGroup\"}}\n   ```\n```json\n{\"no\": \"request\"}\n```\n";
    let found = blocks("doc.md", doc);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].place, "doc.md:6");
    assert_eq!(found[0].setup, ["table orders id:N"]);
    let examples = &found[0].examples;
    assert_eq!(examples.len(), 2);
    assert_eq!(examples[0].line, 7);
    let first: Value = serde_json::from_str(&examples[0].request).unwrap();
    assert_eq!(first["tableOperation"], "listTables");
    assert_eq!(
        expected(&examples[0].result),
        Expected::Ok {
            action: Some("listTables".into())
        }
    );
    assert_eq!(
        expected(&examples[1].result),
        Expected::Error {
            kind: "configuration".into(),
            code: None,
            field: Some("input.operationGroup".into())
        }
    );
    assert_eq!(expected(""), Expected::Ok { action: None });
    assert_eq!(
        shell_words(" --allow-outbound 'http://127.0.0.1:*' --pretty"),
        ["--allow-outbound", "http://127.0.0.1:*", "--pretty"]
    );
}

#[test]
fn renaming_touches_whole_table_names_only() {
    let text = r#"{"tableName": "orders", "statement": "SELECT * FROM \"orders\"", "arn": "table/orders", "other": "orders-archive", "x": "myorders"}"#;
    assert_eq!(
        rename(text, "orders", "docs-1"),
        r#"{"tableName": "docs-1", "statement": "SELECT * FROM \"docs-1\"", "arn": "table/docs-1", "other": "orders-archive", "x": "myorders"}"#
    );
}
