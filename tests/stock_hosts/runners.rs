//! The stock hosts: the wasmtime CLI (`wasmtime run -S http --invoke 'execute-json("…")'`) and
//! Node through jco (`jco transpile` + `@bytecodealliance/preview2-shim`, driven by
//! `tools/jco/run.mjs`). Each answer is put in one form for comparison: `{"ok": result}` or
//! `{"err": {"<kind>": {<WIT field names>: …}}}`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

use ddb_connector_host::ConnectorError;
use serde_json::{Value, json};

use super::wave;

/// The project's root (this package is its `tests/` folder).
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn installed(path: PathBuf, installer: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run scripts/test.sh, whose {installer} installs it",
        path.display()
    );
    path
}

/// The wasmtime CLI `scripts/env.sh` installs (`install_wasmtime_cli`), or `DDB_TEST_WASMTIME_CLI`.
pub fn wasmtime_cli() -> PathBuf {
    let path = std::env::var_os("DDB_TEST_WASMTIME_CLI").map_or_else(
        || Path::new(ROOT).join(".tools/wasmtime-cli/bin/wasmtime"),
        PathBuf::from,
    );
    installed(path, "install_wasmtime_cli")
}

/// Runs `execute-json` with `request` under `wasmtime run -S http --invoke`.
pub fn wasmtime_execute_json(request: &str) -> Value {
    let call = format!("execute-json({})", wave::string_literal(request));
    let output = crate::common::bounded(wasmtime_cli())
        .args(["run", "-S", "http", "--invoke", &call])
        .arg(crate::common::component_path())
        .output()
        .expect("the wasmtime CLI runs");
    crate::common::keep_output("wasmtime-run", &output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "wasmtime run failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let answer = wave::parse(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    match answer {
        Value::Object(mut outcome) if outcome.contains_key("ok") => {
            let text = outcome.remove("ok").unwrap();
            json!({"ok": serde_json::from_str::<Value>(text.as_str().unwrap()).unwrap()})
        }
        other => other,
    }
}

/// The component transpiled by jco, once per test run, beside `tools/jco/node_modules` (where
/// the generated module finds the preview2 shim).
fn transpiled() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let jco_dir = Path::new(ROOT).join("tools/jco");
        let jco = installed(jco_dir.join("node_modules/.bin/jco"), "install_jco");
        let out = jco_dir.join("transpiled");
        let status = crate::common::bounded(jco)
            .args(["transpile", &crate::common::component_path(), "--quiet"])
            .args(["--name", "ddb_connector", "--no-typescript", "-o"])
            .arg(&out)
            .status()
            .expect("jco runs");
        assert!(status.success(), "jco transpile failed: {status}");
        out
    })
}

/// The component as the npm package has it (scripts/package.sh): transpiled by
/// `tools/jco-package`'s jco with the wasi imports mapped onto `tools/jco/host/`, with the
/// package's own modules beside it. Once per test run.
fn package_transpiled() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tools = Path::new(ROOT).join("tools");
        let jco = installed(
            tools.join("jco-package/node_modules/.bin/jco"),
            "install_jco_package",
        );
        let out = tools.join("jco/transpiled-package");
        let maps = ["cli", "clocks", "http", "io", "random"]
            .map(|i| format!("wasi:{i}/*=./host/{i}.js#*"));
        let status = crate::common::bounded(jco)
            .args(["transpile", &crate::common::component_path(), "--quiet"])
            .args(["--name", "ddb_connector", "--no-typescript", "-o"])
            .arg(&out)
            .arg("-M")
            .args(&maps)
            .status()
            .expect("jco runs");
        assert!(status.success(), "jco transpile failed: {status}");
        for (from, to) in [("jco/host", "host"), ("jco/npm", "")] {
            std::fs::create_dir_all(out.join(to)).unwrap();
            for entry in std::fs::read_dir(tools.join(from)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "js") {
                    std::fs::copy(&path, out.join(to).join(path.file_name().unwrap())).unwrap();
                }
            }
        }
        out
    })
}

/// Runs `cases` (`{"entry": "json" | "typed", "request": …}`) under Node, in one process.
pub fn jco_run(cases: &[Value]) -> Vec<Value> {
    node_run(transpiled(), None, cases)
}

/// Runs `cases` through the npm package's form of the component, `allowed` its egress rules.
pub fn package_run(cases: &[Value], allowed: &[String]) -> Vec<Value> {
    node_run(package_transpiled(), Some(allowed), cases)
}

fn node_run(dir: &Path, allowed: Option<&[String]>, cases: &[Value]) -> Vec<Value> {
    let runner = Path::new(ROOT).join("tools/jco/run.mjs");
    let mut node = crate::common::bounded("node");
    node.arg(runner).arg(dir);
    if let Some(allowed) = allowed {
        node.arg(serde_json::to_string(allowed).unwrap());
    }
    let mut node = node
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let input = serde_json::to_vec(cases).unwrap();
    node.stdin.take().unwrap().write_all(&input).unwrap();
    let output = node.wait_with_output().unwrap();
    crate::common::keep_output("node", &output);
    assert!(
        output.status.success(),
        "node failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("run.mjs prints a JSON array")
}

/// Our host's answer in the same form.
pub fn from_our_host<T>(result: Result<T, ConnectorError>, ok: impl FnOnce(T) -> Value) -> Value {
    match result {
        Ok(value) => json!({"ok": ok(value)}),
        Err(ConnectorError::Configuration { field, message }) => {
            json!({"err": {"configuration": {"field": field, "message": message}}})
        }
        Err(ConnectorError::Connection { message, attempts }) => {
            json!({"err": {"connection": {"message": message, "attempts": attempts}}})
        }
        Err(ConnectorError::Execution {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
            details,
        }) => json!({"err": {"execution": {
            "code": code, "message": message, "http-status": http_status, "request-id": request_id,
            "retryable": retryable, "attempts": attempts,
            "details-json": details.map(|d| d.to_string()),
        }}}),
    }
}

/// What may differ between two runs of the same request on different tables: the table's
/// name (and the transaction token made from it), its creation time and id, the request id,
/// and how a host words a refused connection (the kind and the attempts must agree). An
/// error's absent options are left out (WAVE omits `none` fields of a record).
pub fn comparable(answer: &Value, table: &str) -> Value {
    let text = answer.to_string().replace(table, "<table>");
    let mut value: Value = serde_json::from_str(&text).unwrap();
    scrub(&mut value);
    if let Some(Value::Object(error)) = value.get_mut("err") {
        for fields in error.values_mut().filter_map(Value::as_object_mut) {
            fields.retain(|_, field| !field.is_null());
        }
    }
    value
}

fn scrub(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for volatile in ["CreationDateTime", "TableId", "request-id"] {
                map.remove(volatile);
            }
            if let Some(connection) = map.get_mut("connection") {
                connection["message"] = json!("<how the host words it>");
            }
            if let Some(Value::String(details)) = map.get("details-json") {
                let parsed = serde_json::from_str(details).unwrap_or(Value::Null);
                map.insert("details-json".into(), parsed);
            }
            map.values_mut().for_each(scrub);
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}
