//! The hostile-input corpus (`tests/hostile/*.json`, made by `tests/hostile/generate.py`):
//! every request answers a configuration error naming the expected field, none traps, and
//! the guest starts no HTTP request.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use ddb_connector_host::{ConnectorError, Tenant};

#[tokio::test]
async fn every_hostile_request_is_a_configuration_error_that_names_the_problem() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/hostile");
    let expected: BTreeMap<String, Option<String>> =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json")).unwrap())
            .unwrap();
    assert!(
        expected.len() >= 150,
        "the corpus holds {} requests",
        expected.len()
    );
    // Every other file is a request with an expectation, and every expectation has its file:
    // a file without one would go untested.
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| !["expected.json", "generate.py"].contains(&name.as_str()))
        .collect();
    let named: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(
        (
            files.difference(&named).collect::<Vec<_>>(),
            named.difference(&files).collect::<Vec<_>>()
        ),
        (vec![], vec![]),
        "(request files without an expectation, expectations without a file)"
    );
    let secret = common::test_secret("hostile");
    let mut failures = Vec::new();
    for (file, field) in &expected {
        // The committed files hold a placeholder: the secret is this run's, for the scan.
        let text = std::fs::read_to_string(format!("{dir}/{file}"))
            .unwrap()
            .replace("\"hostile-secret\"", &format!("{secret:?}"));
        let invocation = match common::host().execute_json(&text, &Tenant::default()).await {
            Ok(invocation) => invocation,
            Err(trap) => {
                failures.push(format!("{file}: trapped: {trap:?}"));
                continue;
            }
        };
        if invocation.http_requests != 0 {
            failures.push(format!(
                "{file}: the guest started {} HTTP requests",
                invocation.http_requests
            ));
        }
        match invocation.result {
            Err(ConnectorError::Configuration {
                field: got,
                message,
            }) => {
                if &got != field {
                    failures.push(format!(
                        "{file}: named {got:?}, expected {field:?} ({message})"
                    ));
                }
                if message.trim().is_empty() {
                    failures.push(format!("{file}: empty message"));
                }
                if message.contains(&secret) || message.contains("hostile-secret") {
                    failures.push(format!("{file}: the secret is in the message"));
                }
            }
            other => failures.push(format!(
                "{file}: expected a configuration error, got {other:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n")
    );
}
