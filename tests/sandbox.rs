//! What the component asks of its sandbox, and what the host gives it.

mod common;

use common::host;

#[test]
fn component_imports_only_http_clocks_random_environment_and_io() {
    let allowed = [
        "wasi:http/outgoing-handler@",
        "wasi:http/types@",
        "wasi:io/",
        "wasi:clocks/monotonic-clock@",
        "wasi:clocks/wall-clock@",
        "wasi:random/random@",
        "wasi:cli/environment@",
        // The connector's own types interface: types only, no functions.
        "connectors:dynamodb/types@",
        // Rust's std links these (stdio for panic messages, exit, hash seeds); the host
        // gives the guest no stdio (stderr is captured), and exit only ends the guest.
        "wasi:cli/exit@",
        "wasi:cli/stderr@",
        "wasi:cli/stdout@",
        "wasi:cli/stdin@",
        "wasi:cli/terminal-",
        "wasi:random/insecure-seed@",
    ];
    let imports = host().component_imports();
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:http/outgoing-handler@")),
        "{imports:?}"
    );
    for import in &imports {
        assert!(
            allowed.iter().any(|a| import.starts_with(a)),
            "unexpected import {import} in {imports:?}"
        );
    }
    assert!(
        !imports
            .iter()
            .any(|i| i.starts_with("wasi:sockets") || i.starts_with("wasi:filesystem"))
    );
}

use common::{expect_execution, moto};
use ddb_connector_host::{ConnectorError, ConnectorHost, HostConfig, HostError, Tenant};
use serde_json::json;

fn list_tables(server: &common::Server) -> String {
    common::request(
        server,
        json!({"operationGroup": "tableOperation", "tableOperation": "listTables"}),
    )
    .to_string()
}

#[tokio::test]
async fn a_trapping_invocation_leaves_the_host_and_the_next_invocation_unharmed() {
    let server = moto();
    let good = host()
        .execute_json(&list_tables(&server), &Tenant::default())
        .await
        .unwrap();
    assert!(good.result.is_ok(), "{:?}", good.result);

    // 80 MB of request text: over the host's request cap, a configuration error and no
    // instance at all.
    let huge = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDSANDBOX", "secretKey": common::test_secret("sandbox")},
        "configuration": {"region": "us-east-1", "endpoint": server.endpoint},
        "input": {"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders",
                  "item": {"id": "x".repeat(80 << 20)}},
    })
    .to_string();
    let refused = host()
        .execute_json(&huge, &Tenant::default())
        .await
        .unwrap();
    match &refused.result {
        Err(ConnectorError::Configuration { field, message }) => {
            assert_eq!(field.as_deref(), Some("request"));
            assert!(
                message.contains("83886") && message.contains("16777216"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((refused.http_requests, refused.memory_high_water), (0, 0));

    // A host that lets it in: the text alone outgrows a 64 MiB guest, and the trap is
    // reported as what it is, without wasm backtraces.
    let lenient = common::load(HostConfig {
        max_request_bytes: 200 << 20,
        memory_limit: 64 << 20,
        ..HostConfig::default()
    });
    let failure = lenient
        .execute_json(&huge, &Tenant::default())
        .await
        .expect_err("the invocation traps");
    assert_eq!(failure.code(), "MemoryLimit", "{failure:?}");
    assert!(!failure.to_string().contains("wasm"), "{failure}");
    let diagnostics = failure.diagnostics().expect("diagnostics");
    assert!(diagnostics.contains("memory"), "{diagnostics}");
    expect_no_secret(&failure, &common::test_secret("sandbox"));

    for host in [&*host(), &lenient] {
        let again = host
            .execute_json(&list_tables(&server), &Tenant::default())
            .await
            .unwrap();
        assert!(again.result.is_ok(), "{:?}", again.result);
    }
}

#[tokio::test]
async fn running_out_of_fuel_traps_instead_of_spinning() {
    let path = std::env::var("DDB_CONNECTOR_COMPONENT")
        .expect("DDB_CONNECTOR_COMPONENT (scripts/test.sh)");
    let starved = ConnectorHost::from_file(
        &path,
        HostConfig {
            fuel: 200_000,
            egress: common::loopback_egress(),
            ..HostConfig::default()
        },
    )
    .unwrap();
    let failure = starved
        .execute_json(&list_tables(&moto()), &Tenant::default())
        .await
        .expect_err("fuel runs out");
    assert_eq!(failure.code(), "CpuLimit", "{failure:?}");
    let diagnostics = failure.diagnostics().expect("diagnostics");
    assert!(diagnostics.contains("fuel"), "{diagnostics}");
    expect_no_secret(&failure, &moto().secret_key);
}

/// A failure's message and diagnostics hold no `secret`; printed, so that the scan of the test
/// output in `scripts/test.sh` sees them too.
fn expect_no_secret(failure: &HostError, secret: &str) {
    let message = failure.to_string();
    let diagnostics = failure.diagnostics().unwrap_or_default();
    println!("{}: {message}\n{diagnostics}", failure.code());
    for text in [message.as_str(), diagnostics] {
        assert!(
            !text.contains(secret),
            "a secret in the failure {}",
            failure.code()
        );
    }
}

#[tokio::test]
async fn tenants_see_only_their_own_credentials_in_turn_and_at_once() {
    let server = moto();
    let request = json!({
        "authentication": {"type": "defaultCredentialsChain"},
        "configuration": {"region": "us-east-1", "endpoint": server.endpoint},
        "input": {"operationGroup": "tableOperation", "tableOperation": "listTables"},
    })
    .to_string();
    let tenant = |secret: &str| Tenant {
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), server.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), secret.into()),
        ],
        ..Tenant::default()
    };
    let (a, b) = (
        tenant(&server.secret_key),
        tenant(&common::test_secret("tenant-b-wrong")),
    );
    let check = |outcome: [&Result<String, ConnectorError>; 2]| {
        assert!(outcome[0].is_ok(), "tenant A: {:?}", outcome[0]);
        let b = outcome[1]
            .clone()
            .map(|s| serde_json::from_str(&s).unwrap());
        let error = expect_execution(b, "SignatureDoesNotMatch");
        assert!(
            !format!("{error:?}").contains(&server.secret_key),
            "tenant A's secret reached tenant B"
        );
    };
    for _ in 0..3 {
        let first = host().execute_json(&request, &a).await.unwrap();
        let second = host().execute_json(&request, &b).await.unwrap();
        check([&first.result, &second.result]);
    }
    // At once: both tenants' invocations interleave on this task.
    let shared = host();
    for _ in 0..4 {
        let (first, second) = tokio::join!(
            shared.execute_json(&request, &a),
            shared.execute_json(&request, &b)
        );
        check([&first.unwrap().result, &second.unwrap().result]);
    }
}

/// With every invocation slot busy, the next invocation waits for one: its request reaches the
/// server only after the answer to the first was written whole (an order of events, not a
/// time), and both succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invocation_waits_for_a_free_slot_when_all_are_busy() {
    use common::fault_server::{Fault, FaultServer, crc};
    const ITEM: &str = r#"{"Item":{"id":{"S":"1"},"note":{"S":"answered one byte at a time"}}}"#;
    let slow = Fault::Slow(ITEM.into(), std::time::Duration::from_millis(10));
    let quick = Fault::Answer(200, vec![("x-amz-crc32", crc(ITEM))], ITEM.into());
    let server = FaultServer::start(vec![slow, quick]).await;
    let host = common::load(HostConfig {
        max_concurrent_invocations: 1,
        ..HostConfig::default()
    });
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDSLOTS", "secretKey": common::test_secret("slots")},
        "configuration": {"region": "us-east-1", "endpoint": server.url},
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
    })
    .to_string();
    let tenant = Tenant::default();
    let first = host.execute_json(&request, &tenant);
    let second = async {
        // Started once the first holds the only slot and waits for its answer.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while server.received().is_empty() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        host.execute_json(&request, &tenant).await
    };
    let (first, second) = tokio::join!(first, second);
    for invocation in [first.unwrap(), second.unwrap()] {
        let answer = invocation.result.unwrap_or_else(|e| panic!("{e}"));
        assert!(answer.contains("one byte at a time"), "{answer}");
    }
    let received = server.received();
    assert_eq!(received.len(), 2);
    let first_answered = server.answered_at(0).expect("the first answer was written");
    assert!(
        received[1].at > first_answered,
        "the second request arrived while the first held the only slot"
    );
}
