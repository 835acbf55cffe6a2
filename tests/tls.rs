//! https end to end: the production path. Every request of these tests stays on loopback.
//!
//! - moto over https (a test CA made by scripts/env.sh for this run), signatures verified:
//!   every operation class, read back by boto3;
//! - the tests' own TLS servers, with certificates made here (rcgen): an untrusted CA, a wrong
//!   name, an expired certificate — each its own error, not retried, and the server sees no
//!   request; keep-alive reuse over TLS, pooled and unpooled; IP-literal endpoints checked
//!   against the certificate's IP SANs; ALPN http/1.1.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use common::Server;
use ddb_connector_host::{ConnectorError, ConnectorHost, HostConfig, Tenant, TlsTrust};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// moto over https, as scripts/env.sh started it.
fn moto_tls() -> Server {
    let env =
        |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name}: run scripts/test.sh"));
    Server {
        name: "moto-https",
        endpoint: env("DDB_TEST_MOTO_TLS_ENDPOINT"),
        access_key: env("DDB_TEST_MOTO_TLS_ACCESS_KEY"),
        secret_key: env("DDB_TEST_MOTO_TLS_SECRET_KEY"),
    }
}

/// A host that trusts the run's test CA on top of the public roots.
fn trusting_host(config: HostConfig) -> ConnectorHost {
    let mut tls = TlsTrust::default();
    let ca = std::env::var("DDB_TEST_TLS_CA").expect("DDB_TEST_TLS_CA: run scripts/test.sh");
    tls.add_pem_file(ca.as_ref()).unwrap();
    common::load(HostConfig { tls, ..config })
}

async fn run(host: &ConnectorHost, server: &Server, input: Value) -> Result<Value, ConnectorError> {
    let request = common::request(server, input).to_string();
    let invocation = host
        .execute_json(&request, &Tenant::default())
        .await
        .expect("no trap");
    invocation
        .result
        .map(|text| serde_json::from_str(&text).unwrap())
}

async fn ok(host: &ConnectorHost, server: &Server, input: Value) -> Value {
    let value = run(host, server, input.clone())
        .await
        .unwrap_or_else(|e| panic!("{input} over https: {e}"));
    assert_eq!(value["status"], "OK", "{value}");
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_class_works_over_https_with_signatures_verified() {
    let server = moto_tls();
    let host = trusting_host(HostConfig::default());
    let table = common::unique_table("https");
    let item = |name: &str, input: Value| {
        let mut input = input;
        input["operationGroup"] = json!("itemOperation");
        input["itemOperation"] = json!(name);
        input
    };
    ok(
        &host,
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "createTable",
        "tableName": table, "partitionKey": "id", "partitionKeyType": "S",
        "billingModeStr": "PAY_PER_REQUEST"}),
    )
    .await;
    ok(
        &host,
        &server,
        item(
            "addItem",
            json!({"tableName": table, "item": {"id": "a", "n": 1}}),
        ),
    )
    .await;
    let got = ok(
        &host,
        &server,
        item(
            "getItem",
            json!({"tableName": table, "primaryKeyComponents": {"id": "a"}}),
        ),
    )
    .await;
    assert_eq!(got["response"]["n"], json!({"N": "1"}));
    ok(
        &host,
        &server,
        item(
            "updateItem",
            json!({"tableName": table, "primaryKeyComponents": {"id": "a"},
        "keyAttributes": {"n": 2}, "attributeAction": "PUT"}),
        ),
    )
    .await;
    ok(
        &host,
        &server,
        item(
            "batchWriteItems",
            json!({"requestItems": {table.clone(): [
        {"put": {"id": "b", "n": 3}}, {"put": {"id": "c", "n": 4}}]}}),
        ),
    )
    .await;
    ok(
        &host,
        &server,
        item(
            "transactWriteItems",
            json!({"transactItems": [
        {"put": {"tableName": table, "item": {"id": "d", "n": 5}}}]}),
        ),
    )
    .await;
    let query = ok(&host, &server, item("query", json!({
        "tableName": table, "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": "b"}}))).await;
    assert_eq!(
        query["response"]["items"][0]["n"],
        json!({"N": "3"}),
        "{query}"
    );
    ok(
        &host,
        &server,
        item(
            "executeStatement",
            json!({"statement": format!("SELECT * FROM \"{table}\"")}),
        ),
    )
    .await;
    ok(
        &host,
        &server,
        item(
            "deleteItem",
            json!({"tableName": table, "primaryKeyComponents": {"id": "c"}}),
        ),
    )
    .await;
    let scan = ok(&host, &server, json!({"operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": table})).await;
    assert_eq!(scan["response"].as_array().map(Vec::len), Some(3), "{scan}");
    // boto3, through the same https server, sees exactly what was written.
    assert_eq!(
        common::boto_items(&server, &table),
        [
            json!({"id": {"S": "a"}, "n": {"N": "2"}}),
            json!({"id": {"S": "b"}, "n": {"N": "3"}}),
            json!({"id": {"S": "d"}, "n": {"N": "5"}}),
        ]
    );
    ok(&host, &server, json!({"operationGroup": "tableOperation", "tableOperation": "deleteTable", "tableName": table})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_roots_alone_refuse_the_test_ca_without_retrying() {
    let server = moto_tls();
    let host = common::load(HostConfig::default());
    let request = common::request(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "listTables"}),
    );
    let invocation = host
        .execute_json(&request.to_string(), &Tenant::default())
        .await
        .unwrap();
    match invocation.result {
        Err(ConnectorError::Connection { message, attempts }) => {
            assert_eq!(attempts, 1, "{message}");
            assert!(
                message.contains("unknown issuer") && message.contains("localhost"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(invocation.http_requests, 1);
}

/// What the server saw of one completed handshake.
#[derive(Clone, Debug)]
struct Handshake {
    alpn: Option<Vec<u8>>,
    /// The SNI server name the client sent.
    server_name: Option<String>,
    version: Option<rustls::ProtocolVersion>,
}

/// A TLS server that answers every request with one GetItem item, keeping connections alive.
struct TlsServer {
    port: u16,
    /// TCP connections accepted, handshakes completed, HTTP requests read.
    counts: Arc<[AtomicU32; 3]>,
    handshakes: Arc<Mutex<Vec<Handshake>>>,
}

impl TlsServer {
    async fn start(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Self {
        Self::start_with_versions(chain, key, rustls::DEFAULT_VERSIONS).await
    }

    /// A server that speaks only the TLS `versions`.
    async fn start_with_versions(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> Self {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let counts: Arc<[AtomicU32; 3]> = Arc::default();
        let handshakes = Arc::new(Mutex::new(Vec::new()));
        let (c, a) = (counts.clone(), handshakes.clone());
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                c[0].fetch_add(1, Ordering::SeqCst);
                let (acceptor, c, a) = (acceptor.clone(), c.clone(), a.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    c[1].fetch_add(1, Ordering::SeqCst);
                    let session = stream.get_ref().1;
                    a.lock().unwrap().push(Handshake {
                        alpn: session.alpn_protocol().map(<[u8]>::to_vec),
                        server_name: session.server_name().map(str::to_string),
                        version: session.protocol_version(),
                    });
                    serve(stream, &c[2]).await;
                });
            }
        });
        Self {
            port,
            counts,
            handshakes,
        }
    }

    fn counts(&self) -> [u32; 3] {
        [0, 1, 2].map(|i| self.counts[i].load(Ordering::SeqCst))
    }

    fn server(&self, host: &str) -> Server {
        Server {
            name: "tls-test-server",
            endpoint: format!("https://{host}:{}", self.port),
            access_key: "AKIDTLSTEST".into(),
            secret_key: common::test_secret("tls"),
        }
    }
}

async fn serve(
    mut stream: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    requests: &AtomicU32,
) {
    let body = br#"{"Item":{"id":{"S":"1"}}}"#;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        while let Some(length) = common::request_length(&buffer) {
            buffer.drain(..length);
            requests.fetch_add(1, Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            if stream.write_all(head.as_bytes()).await.is_err()
                || stream.write_all(body).await.is_err()
            {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A CA, and a leaf certificate it signs for `names`, valid from `not_before` to `not_after`.
struct Certificates {
    ca: CertificateDer<'static>,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn certificates(names: &[&str], expired: bool) -> Certificates {
    static SERIAL: AtomicU32 = AtomicU32::new(0);
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // Each CA its own name: an untrusted CA must not pass for a trusted one by name.
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    ca_params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("ddb-connector test CA {serial}"),
    );
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let mut leaf =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    if expired {
        leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = KeyPair::generate().unwrap();
    let certificate = leaf.signed_by(&key, &ca).unwrap();
    Certificates {
        ca: ca.der().clone(),
        chain: vec![certificate.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

fn host_trusting(ca: &CertificateDer<'static>, pooled: bool) -> ConnectorHost {
    let mut tls = TlsTrust::default();
    tls.add_certificates([ca.to_vec()]);
    let base = if pooled {
        HostConfig::default()
    } else {
        HostConfig::unpooled()
    };
    common::load(HostConfig { tls, ..base })
}

fn get_item() -> Value {
    json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "items",
           "primaryKeyComponents": {"id": "1"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_certificate_problem_is_its_own_error_and_no_request_is_sent() {
    let good = certificates(&["localhost", "127.0.0.1"], false);
    let cases = [
        (
            "an untrusted CA",
            certificates(&["localhost"], false),
            "unknown issuer",
        ),
        (
            "a wrong name",
            certificates(&["elsewhere.test"], false),
            "name mismatch",
        ),
        (
            "an expired certificate",
            certificates(&["localhost"], true),
            "expired",
        ),
    ];
    for (what, served, expected) in cases {
        let server = TlsServer::start(served.chain, served.key).await;
        // The host trusts `good`'s CA; only the wrong-name and expired cases are signed by a
        // CA it trusts (their own), so trust that too where the case is not about trust.
        let trusted = if expected == "unknown issuer" {
            &good.ca
        } else {
            &served.ca
        };
        let host = host_trusting(trusted, true);
        let result = run(&host, &server.server("localhost"), get_item()).await;
        match result {
            Err(ConnectorError::Connection { message, attempts }) => {
                assert_eq!(attempts, 1, "{what}: {message}");
                assert!(message.contains(expected), "{what}: {message}");
                assert!(!message.contains(&common::test_secret("tls")));
            }
            other => panic!("{what}: {other:?}"),
        }
        let [connections, handshakes, requests] = server.counts();
        assert_eq!((connections, handshakes, requests), (1, 0, 0), "{what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_reuses_one_tls_connection_and_unpooled_opens_one_per_request() {
    let certs = certificates(&["localhost", "127.0.0.1"], false);
    for (pooled, endpoint_host, expected_connections) in [
        (true, "localhost", 1),
        (true, "127.0.0.1", 1),
        (false, "localhost", 5),
    ] {
        let server = TlsServer::start(certs.chain.clone(), certs.key.clone_key()).await;
        let host = host_trusting(&certs.ca, pooled);
        for call in 0..5 {
            let answer = ok(&host, &server.server(endpoint_host), get_item()).await;
            assert_eq!(answer["response"]["id"], json!({"S": "1"}), "call {call}");
        }
        let [connections, handshakes, requests] = server.counts();
        assert_eq!(
            (connections, handshakes, requests),
            (expected_connections, expected_connections, 5),
            "pooled {pooled}, {endpoint_host}"
        );
        let handshakes = server.handshakes.lock().unwrap().clone();
        assert!(
            handshakes
                .iter()
                .all(|h| h.alpn.as_deref() == Some(&b"http/1.1"[..])),
            "{handshakes:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_is_checked_against_the_certificates_ip_names() {
    // A certificate for the name only: reached by address, the name does not stand in.
    let certs = certificates(&["localhost"], false);
    let server = TlsServer::start(certs.chain, certs.key).await;
    let host = host_trusting(&certs.ca, true);
    match run(&host, &server.server("127.0.0.1"), get_item()).await {
        Err(ConnectorError::Connection {
            message,
            attempts: 1,
        }) => {
            assert!(message.contains("name mismatch"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.counts()[2], 0);
}

/// A server that speaks only TLS 1.2 is reached (the host offers 1.2 besides 1.3), and the
/// name of the endpoint goes out as SNI; an address endpoint sends none, as RFC 6066 says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_2_is_spoken_and_the_endpoints_name_is_sent_as_sni() {
    let certs = certificates(&["localhost", "127.0.0.1"], false);
    let only_1_2 = [&rustls::version::TLS12];
    for (versions, expected) in [
        (&only_1_2[..], rustls::ProtocolVersion::TLSv1_2),
        (rustls::DEFAULT_VERSIONS, rustls::ProtocolVersion::TLSv1_3),
    ] {
        let server =
            TlsServer::start_with_versions(certs.chain.clone(), certs.key.clone_key(), versions)
                .await;
        let host = host_trusting(&certs.ca, false);
        for endpoint_host in ["localhost", "127.0.0.1"] {
            let answer = ok(&host, &server.server(endpoint_host), get_item()).await;
            assert_eq!(answer["response"]["id"], json!({"S": "1"}));
        }
        let handshakes = server.handshakes.lock().unwrap().clone();
        let seen: Vec<_> = handshakes
            .iter()
            .map(|h| (h.version, h.server_name.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [(Some(expected), Some("localhost")), (Some(expected), None)],
            "{handshakes:?}"
        );
    }
}
