//! The command-line runner: one JSON document out, exit status by outcome, no secret shown.
//! Needs the component and moto: run through scripts/test.sh.

#[allow(dead_code)] // the serve tests use the rest; here only the counting server
mod support;

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

/// Runs `ddb-connector invoke` with `request` on stdin: (exit code, stdout JSON, stderr).
fn invoke(request: &str, extra: &[&str]) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddb-connector"))
        .arg("invoke")
        .args(["--allow-outbound", "http://127.0.0.1:*"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let document: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {stdout}"));
    (
        output.status.code().unwrap(),
        document,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn describe(secret: &str) -> String {
    json!({
        "authentication": {"type": "credentials", "accessKey": env("DDB_TEST_MOTO_ACCESS_KEY"), "secretKey": secret},
        "configuration": {"region": "us-east-1", "endpoint": env("DDB_TEST_MOTO_ENDPOINT")},
        "input": {"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "cli-no-such-table"},
    })
    .to_string()
}

#[test]
fn connector_errors_exit_1_with_the_error_document() {
    let (code, doc, _) = invoke(&describe(&env("DDB_TEST_MOTO_SECRET_KEY")), &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["error"]["kind"], "execution");
    assert_eq!(doc["error"]["code"], "ResourceNotFoundException");
    assert_eq!(doc["error"]["httpStatus"], 400);
}

/// Appends `bytes` to `$DDB_TEST_LOG_DIR/<folder>/cli-<process>.txt`, where the secret scan of
/// scripts/test.sh reads (secrets: what to look for; outputs: where); nothing outside it.
fn append_to_log(folder: &str, bytes: &[u8]) {
    let Ok(logs) = std::env::var("DDB_TEST_LOG_DIR") else {
        return;
    };
    let dir = std::path::Path::new(&logs).join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("cli-{}.txt", std::process::id())))
        .and_then(|mut file| file.write_all(bytes))
        .unwrap();
}

/// A secret made for this run (label, process, clock: found by no accident), recorded for the
/// scan of every output in scripts/test.sh.
fn run_secret(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let secret = format!("cli-{label}-secret-{}-{nanos:x}", std::process::id());
    append_to_log("secrets", format!("{secret}\n").as_bytes());
    secret
}

#[test]
fn wrong_secret_exits_1_and_never_prints_the_secret() {
    let secret = run_secret("wrong");
    let (code, doc, stderr) = invoke(&describe(&secret), &["--pretty"]);
    // What the runner printed, for the run's scan too.
    append_to_log("outputs", format!("{doc}\n{stderr}\n").as_bytes());
    assert_eq!(code, 1);
    assert_eq!(doc["error"]["code"], "SignatureDoesNotMatch");
    assert_eq!(doc["error"]["httpStatus"], 403);
    assert!(!doc.to_string().contains(&secret) && !stderr.contains(&secret));
}

#[test]
fn success_exits_0_and_configuration_errors_name_the_field() {
    let table = format!("cli-{}", std::process::id());
    let create = json!({
        "authentication": {"type": "credentials", "accessKey": env("DDB_TEST_MOTO_ACCESS_KEY"), "secretKey": env("DDB_TEST_MOTO_SECRET_KEY")},
        "configuration": {"region": "us-east-1", "endpoint": env("DDB_TEST_MOTO_ENDPOINT")},
        "input": {"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": table,
                  "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"},
    });
    let (code, doc, _) = invoke(&create.to_string(), &[]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["action"], "createTable");
    assert_eq!(doc["status"], "OK");

    let mut bad = create.clone();
    bad["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("region");
    let (code, doc, _) = invoke(&bad.to_string(), &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["error"]["kind"], "configuration");
    assert_eq!(doc["error"]["field"], "configuration.region");
}

#[test]
fn usage_errors_exit_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_ddb-connector"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage:"));
}

/// `--pass-aws-env` reads the token file of `AWS_WEB_IDENTITY_TOKEN_FILE` (the sandbox has no
/// files) and passes its content: a token too short for STS comes back as the configuration
/// error of the environment's token, before anything is sent; a missing file is a usage error.
#[test]
fn pass_aws_env_reads_the_web_identity_token_file() {
    let dir = std::env::temp_dir().join(format!("cli-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "ab\n").unwrap();
    let request = json!({
        "authentication": {"type": "webIdentity", "roleArn": "arn:aws:iam::123456789012:role/r"},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:9", "stsEndpoint": "http://127.0.0.1:9"},
        "input": {"operationGroup": "tableOperation", "tableOperation": "listTables"},
    })
    .to_string();
    let run = |file: &std::path::Path| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ddb-connector"))
            .args([
                "invoke",
                "--pass-aws-env",
                "--allow-outbound",
                "http://127.0.0.1:*",
            ])
            .env_remove("AWS_WEB_IDENTITY_TOKEN")
            .env("AWS_WEB_IDENTITY_TOKEN_FILE", file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The runner may refuse its arguments (exit 2) before it reads stdin.
        let _ = stdin.write_all(request.as_bytes());
        drop(stdin);
        child.wait_with_output().unwrap()
    };
    let output = run(&token_file);
    assert_eq!(output.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        doc["error"]["field"], "authentication.webIdentityToken",
        "{doc}"
    );
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("AWS_WEB_IDENTITY_TOKEN")
    );

    let missing = run(&dir.join("no-such-token"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("AWS_WEB_IDENTITY_TOKEN_FILE"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Exit 3 is a host failure: here a component that cannot be loaded, for real (a file that is
/// not wasm, and a valid but empty component, which exports nothing the runner can call). The
/// one JSON document on stdout says so; nothing was sent, and neither is exit 1 (a connector
/// error) or 2 (usage).
#[test]
fn a_component_that_cannot_be_loaded_exits_3_with_the_host_error() {
    let counter = support::Counter::start(b"{}".to_vec(), Duration::ZERO);
    let dir = std::env::temp_dir().join(format!("cli-host-failure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_wasm = dir.join("not-wasm.wasm");
    std::fs::write(&not_wasm, b"not a component at all").unwrap();
    // The component preamble alone: magic, version 0x0d, layer 1.
    let empty = dir.join("empty-component.wasm");
    std::fs::write(&empty, b"\0asm\x0d\x00\x01\x00").unwrap();
    let request = list_tables(&counter.endpoint());
    for component in [&not_wasm, &empty] {
        let path = component.to_string_lossy().into_owned();
        let (code, doc, stderr) = invoke(&request, &["--component", &path]);
        assert_eq!(code, 3, "{component:?}: {doc} {stderr}");
        assert_eq!(doc["error"]["kind"], "host", "{doc}");
        assert!(doc["error"]["code"].is_string(), "{doc}");
    }
    assert_eq!((counter.connections(), counter.requests().len()), (0, 0));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// listTables at `endpoint`, signed with a secret of this run.
fn list_tables(endpoint: &str) -> String {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDCLICAP", "secretKey": run_secret("cap")},
        "configuration": {"region": "us-east-1", "endpoint": endpoint, "maxAttempts": 1},
        "input": {"operationGroup": "tableOperation", "tableOperation": "listTables"},
    })
    .to_string()
}

/// `--max-request-bytes N`: a request one byte over N is a configuration error (field
/// `request`, exit 1) and nothing reaches the counting server; one of exactly N bytes runs and
/// is sent once.
#[test]
fn max_request_bytes_refuses_a_larger_request_and_runs_one_that_fits() {
    let counter = support::Counter::start(br#"{"TableNames": []}"#.to_vec(), Duration::ZERO);
    let request = list_tables(&counter.endpoint());
    let over = (request.len() - 1).to_string();
    let (code, doc, _) = invoke(&request, &["--max-request-bytes", &over]);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["error"]["kind"], "configuration", "{doc}");
    assert_eq!(doc["error"]["field"], "request", "{doc}");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains(&over), "{message}");
    assert_eq!(
        (counter.connections(), counter.requests().len()),
        (0, 0),
        "a refused request was sent"
    );

    let fits = request.len().to_string();
    let (code, doc, _) = invoke(&request, &["--max-request-bytes", &fits]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["status"], "OK", "{doc}");
    assert_eq!((counter.connections(), counter.requests().len()), (1, 1));
    assert!(
        counter.requests()[0].contains("DynamoDB_20120810.ListTables"),
        "{:?}",
        counter.requests()
    );
}

/// A component that cannot be loaded is a host failure: exit 3 and the host document on
/// stdout, its message the whole cause chain (the file, then why), nothing on stderr (a load
/// has no diagnostics).
#[test]
fn a_component_that_cannot_be_loaded_exits_3_with_the_host_document() {
    let dir = std::env::temp_dir().join(format!("cli-bad-component-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let component = dir.join("not-a-component.wasm");
    std::fs::write(&component, "not wasm").unwrap();
    let (code, doc, stderr) = invoke(
        &describe("unused"),
        &["--component", component.to_str().unwrap()],
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 3, "{doc} {stderr}");
    assert_eq!(
        doc["error"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["kind", "code", "message"],
        "{doc}"
    );
    assert_eq!(
        (&doc["error"]["kind"], &doc["error"]["code"]),
        (&json!("host"), &json!("HostFailure"))
    );
    let message = doc["error"]["message"].as_str().unwrap();
    let prefix = format!("loading the component {}: ", component.display());
    assert!(
        message.starts_with(&prefix) && message.len() > prefix.len(),
        "the file, then why: {message}"
    );
    assert_eq!(stderr, "", "a load failure has no diagnostics");
}

/// Options the host refuses are usage errors (exit 2, nothing on stdout), their message the
/// host's: an outbound rule named with what is wrong, a CA file named with why.
#[test]
fn refused_host_options_exit_2_with_the_host_message() {
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_ddb-connector"))
            .arg("invoke")
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(output.stdout.is_empty());
        stderr
    };
    assert_eq!(
        run(&["--allow-outbound", "ftp://example.com"]),
        "ddb-connector invoke: outbound rule \"ftp://example.com\": the scheme must be http, \
         https or *\n"
    );
    let missing = std::env::temp_dir().join(format!("cli-no-ca-{}.pem", std::process::id()));
    let stderr = run(&["--ca-file", missing.to_str().unwrap()]);
    assert!(
        stderr.starts_with(&format!("ddb-connector invoke: {}: ", missing.display())),
        "{stderr}"
    );
}
