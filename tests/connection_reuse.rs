//! The host's keep-alive pool, against a loopback server that counts connections: invocations
//! share connections, the unpooled host does not, a connection the server closed is replaced
//! without the call failing, one idle past the pool's timeout is closed, and a
//! precompiled-component cache is used on the second load.

mod common;

use std::time::{Duration, Instant};

use common::fault_server::{Fault, FaultServer, crc};
use ddb_connector_host::{ConnectorHost, HostConfig, PoolConfig, Tenant};
use serde_json::json;

const ITEM: &str = r#"{"Item":{"id":{"S":"1"}}}"#;

/// A keep-alive server answering every request with [`ITEM`]; with `requests_per_connection`
/// it closes each connection after that many answers.
async fn counting_server(requests_per_connection: Option<usize>) -> FaultServer {
    let answer = Fault::Answer(200, vec![("x-amz-crc32", crc(ITEM))], ITEM.into());
    FaultServer::start_keep_alive(vec![answer], requests_per_connection).await
}

/// Runs `calls` getItems one after the other, each of which must succeed; the HTTP requests
/// the guests started, in all.
async fn get_items(host: &ConnectorHost, server: &FaultServer, calls: usize) -> u32 {
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDPOOL", "secretKey": common::test_secret("pool")},
        "configuration": {"region": "us-east-1", "endpoint": server.url},
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
    })
    .to_string();
    let mut started = 0;
    for call in 0..calls {
        let invocation = host
            .execute_json(&request, &Tenant::default())
            .await
            .expect("no trap");
        started += invocation.http_requests;
        let answer = invocation
            .result
            .unwrap_or_else(|e| panic!("call {call}: {e}"));
        assert!(answer.contains(r#""id":{"S":"1"}"#), "{answer}");
    }
    started
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invocations_share_one_keep_alive_connection() {
    let server = counting_server(None).await;
    let host = common::load(HostConfig::default());
    assert_eq!(get_items(&host, &server, 6).await, 6);
    assert_eq!(server.counts(), (1, 6));
    assert_eq!(host.connection_pool().idle_connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unpooled_host_opens_a_connection_per_request() {
    let server = counting_server(None).await;
    let host = common::load(HostConfig::unpooled());
    assert_eq!(get_items(&host, &server, 4).await, 4);
    assert_eq!(server.counts(), (4, 4));
    assert_eq!(host.connection_pool().idle_connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_server_closed_is_replaced() {
    let server = counting_server(Some(2)).await;
    let host = common::load(HostConfig::default());
    let started = get_items(&host, &server, 6).await;
    // Two answers per connection: exactly three connections, each carrying two whole requests.
    // The server reads no request it does not answer, so a request on a connection it had
    // closed (a stale pick) never reaches it: it costs the guest one retry, at most one per
    // closed connection that the pool still held (two), never a failed call.
    assert_eq!(server.counts(), (3, 6), "(connections, requests)");
    let per_connection: Vec<usize> = server.received().iter().map(|r| r.connection).collect();
    assert_eq!(per_connection, [0, 0, 1, 1, 2, 2]);
    assert!(
        (6..=8).contains(&started),
        "the guests started {started} requests"
    );
}

/// A connection idle past the pool's `idle_timeout` is closed, not reused: the next call opens a
/// new one, and the server sees the old one closed by the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_closes_a_connection_idle_past_its_timeout() {
    let server = counting_server(None).await;
    let idle_timeout = Duration::from_millis(300);
    let host = common::load(HostConfig {
        connection_pool: Some(PoolConfig {
            idle_timeout,
            ..PoolConfig::default()
        }),
        ..HostConfig::default()
    });
    assert_eq!(get_items(&host, &server, 1).await, 1);
    assert_eq!(host.connection_pool().idle_connections(), 1);
    // Past the timeout (a lower bound: a slow machine only waits longer).
    tokio::time::sleep(idle_timeout * 3).await;
    assert_eq!(get_items(&host, &server, 1).await, 1);
    assert_eq!(server.counts(), (2, 2), "(connections, requests)");
    let per_connection: Vec<usize> = server.received().iter().map(|r| r.connection).collect();
    assert_eq!(per_connection, [0, 1]);
    // The stale connection was closed by the pool (the server keeps its connections open).
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.closed_by_client() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.closed_by_client(), 1);
    assert_eq!(host.connection_pool().idle_connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compiled_cache_is_written_once_and_then_loaded() {
    let cache = std::env::temp_dir().join(format!("ddb-cwasm-{}", std::process::id()));
    let config = HostConfig {
        compiled_cache: Some(cache.clone()),
        ..HostConfig::default()
    };
    let first = common::load(config.clone());
    let artifacts = || {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect::<Vec<_>>()
    };
    let written = artifacts();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].extension().is_some_and(|e| e == "cwasm"));
    let modified = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    drop(first);
    let second = common::load(config.clone());
    assert_eq!(artifacts(), written);
    assert_eq!(
        std::fs::metadata(&written[0]).unwrap().modified().unwrap(),
        modified
    );
    // A damaged artifact is rebuilt, not trusted. (Replaced, not rewritten in place: the
    // second host has the artifact mapped, and truncating a mapped file faults its reader.)
    let damaged = cache.join("damaged");
    std::fs::write(&damaged, b"not a cwasm").unwrap();
    std::fs::rename(&damaged, &written[0]).unwrap();
    let third = common::load(config);
    assert!(std::fs::metadata(&written[0]).unwrap().len() > 1000);
    let server = counting_server(None).await;
    assert_eq!(get_items(&second, &server, 1).await, 1);
    assert_eq!(get_items(&third, &server, 1).await, 1);
    std::fs::remove_dir_all(&cache).ok();
}
