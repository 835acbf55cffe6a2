//! The host's keep-alive pool, against a loopback server that counts connections: invocations
//! share connections, the unpooled host does not, a connection the server closed is replaced
//! without the call failing, and a precompiled-component cache is used on the second load.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ddb_connector_host::{ConnectorHost, HostConfig, Tenant};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ITEM: &str = r#"{"Item":{"id":{"S":"1"}}}"#;

/// A keep-alive server answering every request with [`ITEM`]; with `requests_per_connection`
/// it closes each connection after that many answers.
struct CountingServer {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl CountingServer {
    async fn start(requests_per_connection: Option<usize>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (c, r) = (connections.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let r = r.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut answered = 0;
                    let mut chunk = [0u8; 4096];
                    loop {
                        let used = loop {
                            if let Some(used) = common::request_length(&buffer) {
                                break used;
                            }
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        };
                        buffer.drain(..used);
                        r.fetch_add(1, Ordering::SeqCst);
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nx-amz-crc32: {}\r\n\r\n{ITEM}",
                            ITEM.len(),
                            crc32fast::hash(ITEM.as_bytes())
                        );
                        if stream.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                        answered += 1;
                        if Some(answered) == requests_per_connection {
                            let _ = stream.shutdown().await;
                            return;
                        }
                    }
                });
            }
        });
        Self {
            url,
            connections,
            requests,
        }
    }

    fn counts(&self) -> (usize, usize) {
        (
            self.connections.load(Ordering::SeqCst),
            self.requests.load(Ordering::SeqCst),
        )
    }
}

async fn get_items(host: &ConnectorHost, server: &CountingServer, calls: usize) {
    let request = json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDPOOL", "secretKey": "pool-secret"},
        "configuration": {"region": "us-east-1", "endpoint": server.url},
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "1"}},
    })
    .to_string();
    for call in 0..calls {
        let invocation = host
            .execute_json(&request, &Tenant::default())
            .await
            .expect("no trap");
        let answer = invocation
            .result
            .unwrap_or_else(|e| panic!("call {call}: {e}"));
        assert!(answer.contains(r#""id":{"S":"1"}"#), "{answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invocations_share_one_keep_alive_connection() {
    let server = CountingServer::start(None).await;
    let host = common::load(HostConfig::default());
    get_items(&host, &server, 6).await;
    assert_eq!(server.counts(), (1, 6));
    assert_eq!(host.connection_pool().idle_connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unpooled_host_opens_a_connection_per_request() {
    let server = CountingServer::start(None).await;
    let host = common::load(HostConfig::unpooled());
    get_items(&host, &server, 4).await;
    assert_eq!(server.counts(), (4, 4));
    assert_eq!(host.connection_pool().idle_connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_server_closed_is_replaced() {
    let server = CountingServer::start(Some(2)).await;
    let host = common::load(HostConfig::default());
    get_items(&host, &server, 6).await;
    let (connections, requests) = server.counts();
    // Two answers per connection: three connections at least; a stale pick costs a retry,
    // never a failed call (get_items checks each).
    assert!(connections >= 3, "{connections} connections");
    assert!(requests >= 6, "{requests} requests");
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
    let server = CountingServer::start(None).await;
    get_items(&second, &server, 1).await;
    get_items(&third, &server, 1).await;
    std::fs::remove_dir_all(&cache).ok();
}
