//! `ddb-connector serve` end to end: the real binary with a real configuration file, on
//! loopback, against moto (`DDB_TEST_MOTO_*`, started by scripts/test.sh) and counting
//! servers of the test's own for what moto cannot show (who connected, and how often).

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Counter, Serve, moto, sha256_hex};

const ACME_TOKEN: &str = "acme-TOKEN-d41d8cd98f00b204";
const GLOBEX_TOKEN: &str = "globex-TOKEN-9e107d9d372bb682";
const LIMITED_TOKEN: &str = "limited-TOKEN-e4d909c290d0fb1c";
/// globex's credentials: not moto's, distinctive, so the log can be searched for them.
const GLOBEX_KEY_ID: &str = "AKIAGLOBEXDISTINCT77";
const GLOBEX_SECRET: &str = "globex-SECRET-value-5d41402abc4b2a76";
/// The item value acme writes and reads back: it must never reach the log.
const ITEM_SECRET: &str = "ITEM-VALUE-7215ee9c7d9dc229";

fn request(endpoint: &str, input: Value) -> String {
    json!({
        "authentication": {"type": "defaultCredentialsChain"},
        "configuration": {"region": "us-east-1", "endpoint": endpoint, "maxAttempts": 1},
        "input": input,
    })
    .to_string()
}

fn item_op(op: &str, fields: Value) -> Value {
    let mut input = json!({"operationGroup": "itemOperation", "itemOperation": op});
    input
        .as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    input
}

fn table_op(op: &str, fields: Value) -> Value {
    let mut input = json!({"operationGroup": "tableOperation", "tableOperation": op});
    input
        .as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    input
}

fn get_item(table: &str) -> Value {
    item_op(
        "getItem",
        json!({"tableName": table, "primaryKeyComponents": {"id": "a"}}),
    )
}

/// Two tenants with different rules and credentials, and a rate-limited third, on one server.
fn two_tenants_config(moto_port: u16, counter: &Counter, internal: &Counter) -> String {
    let moto = moto();
    format!(
        r#"
listen = "127.0.0.1:0"
allow_outbound = ["http://127.0.0.1:{moto_port}", "http://127.0.0.1:{counter}", "http://*:{internal}"]
max_request_bytes = 4096
queue_timeout_ms = 1000

[tenants.acme]
token_sha256 = "{acme}"
allow_outbound = ["http://127.0.0.1:{moto_port}", "http://*:{internal}"]
env = {{ AWS_ACCESS_KEY_ID = "{moto_key}", AWS_SECRET_ACCESS_KEY = "{moto_secret}" }}

[tenants.globex]
token_sha256 = "{globex}"
allow_outbound = ["http://127.0.0.1:{counter}"]
env = {{ AWS_ACCESS_KEY_ID = "{GLOBEX_KEY_ID}", AWS_SECRET_ACCESS_KEY = "{GLOBEX_SECRET}" }}

[tenants.limited]
token_sha256 = "{limited}"
requests_per_second = 0.1
burst = 1
"#,
        counter = counter.port,
        internal = internal.port,
        acme = sha256_hex(ACME_TOKEN),
        globex = sha256_hex(GLOBEX_TOKEN),
        limited = sha256_hex(LIMITED_TOKEN),
        moto_key = moto.access_key,
        moto_secret = moto.secret_key,
    )
}

/// What the test sent, by (tenant, status), to compare with the metrics.
#[derive(Default)]
struct Sent(std::collections::BTreeMap<(String, u16), u32>);

impl Sent {
    fn count(&mut self, tenant: &str, status: u16) {
        *self.0.entry((tenant.to_string(), status)).or_default() += 1;
    }
}

#[test]
fn tenants_keep_to_their_rules_credentials_and_limits() {
    let moto = moto();
    let moto_port = support::port_of(&moto.endpoint);
    let counter = Counter::start(b"{}".to_vec(), Duration::ZERO);
    let internal = Counter::start(
        br#"{"Item":{"secret":{"S":"INTERNAL-SECRET-42"}}}"#.to_vec(),
        Duration::ZERO,
    );
    let serve = Serve::start(&two_tenants_config(moto_port, &counter, &internal));
    let mut sent = Sent::default();

    unauthenticated_requests_reach_nothing(&serve, &counter, &mut sent);
    let table = acme_runs_requests_on_moto(&serve, &moto.endpoint, &mut sent);
    each_tenant_reaches_only_its_endpoints(&serve, &moto.endpoint, &table, &counter, &mut sent);
    the_internal_service_is_refused_under_every_spelling(&serve, &internal, &mut sent);
    oversize_and_rate_limits(&serve, &mut sent);
    the_metrics_count_what_was_sent(&serve, &sent);

    let log = serve.stop();
    assert_eq!(log.status, Some(0), "exit status; log:\n{}", log.text);
    the_log_holds_no_secret(&log.text, &sent);
}

fn unauthenticated_requests_reach_nothing(serve: &Serve, counter: &Counter, sent: &mut Sent) {
    let body = request(&counter.endpoint(), get_item("tbl"));
    for authorization in [
        None,
        Some("Bearer wrong-token"),
        Some("Basic YWNtZTp4"),
        Some(&*format!("Bearer {}", sha256_hex(ACME_TOKEN))),
    ] {
        let answer = serve.post(authorization, &body);
        assert_eq!(answer.status, 401, "{authorization:?}: {}", answer.body);
        assert!(
            answer.head.contains("www-authenticate: bearer"),
            "{}",
            answer.head
        );
        sent.count("(none)", 401);
    }
    assert_eq!(counter.connections(), 0, "a 401 request reached a server");
}

fn acme_runs_requests_on_moto(serve: &Serve, endpoint: &str, sent: &mut Sent) -> String {
    let acme = Some(&*format!("Bearer {ACME_TOKEN}"));
    let table = format!("serve-{}", std::process::id());
    let create = table_op(
        "createTable",
        json!({"tableName": table, "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}),
    );
    let created = serve.post(acme, &request(endpoint, create));
    assert_eq!(created.status, 200, "{}", created.body);
    let add = item_op(
        "addItem",
        json!({"tableName": table, "item": {"id": "a", "v": ITEM_SECRET}}),
    );
    assert_eq!(serve.post(acme, &request(endpoint, add)).status, 200);
    let got = serve.post(acme, &request(endpoint, get_item(&table)));
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["response"]["v"]["S"], ITEM_SECRET);
    assert!(got.head.contains("x-request-id: "), "{}", got.head);
    // The served form's own statuses come through: 404 for another path.
    let other = serve.exchange("POST /other HTTP/1.1", acme, b"{}");
    assert_eq!(other.status, 404, "{}", other.body);
    for status in [200, 200, 200, 404] {
        sent.count("acme", status);
    }
    table
}

fn each_tenant_reaches_only_its_endpoints(
    serve: &Serve,
    moto: &str,
    table: &str,
    counter: &Counter,
    sent: &mut Sent,
) {
    let globex = Some(&*format!("Bearer {GLOBEX_TOKEN}"));
    let acme = Some(&*format!("Bearer {ACME_TOKEN}"));
    // globex may not reach moto (acme's), though the operator allows it.
    let refused = serve.post(globex, &request(moto, get_item(table)));
    assert_eq!(refused.status, 502, "{}", refused.body);
    assert!(
        refused.body.contains("HttpRequestDenied"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains(ITEM_SECRET));
    // acme may not reach globex's server.
    let refused = serve.post(acme, &request(&counter.endpoint(), get_item(table)));
    assert_eq!(refused.status, 502, "{}", refused.body);
    assert_eq!(counter.connections(), 0, "acme reached globex's server");
    // globex reaches its own, signing with its own credentials (its env, not acme's).
    let reached = serve.post(globex, &request(&counter.endpoint(), get_item(table)));
    assert_eq!(reached.status, 200, "{}", reached.body);
    let requests = counter.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].contains(&format!("Credential={GLOBEX_KEY_ID}/")),
        "{}",
        requests[0]
    );
    assert!(
        !requests[0].contains(&moto_key()),
        "acme's key in globex's request"
    );
    for (tenant, status) in [("globex", 502), ("acme", 502), ("globex", 200)] {
        sent.count(tenant, status);
    }
}

fn moto_key() -> String {
    moto().access_key
}

fn the_internal_service_is_refused_under_every_spelling(
    serve: &Serve,
    internal: &Counter,
    sent: &mut Sent,
) {
    let acme = Some(&*format!("Bearer {ACME_TOKEN}"));
    let port = internal.port;
    for spelling in [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0x7f.1",
        "2130706433",
        "127.1",
        "0177.0.0.1",
        "0x7f000001",
    ] {
        let endpoint = format!("http://{spelling}:{port}");
        let answer = serve.post(acme, &request(&endpoint, get_item("tbl")));
        assert!(
            !answer.body.contains("INTERNAL-SECRET"),
            "{spelling}: {}",
            answer.body
        );
        // The connector refuses some spellings itself (400); the host refuses odd numeric
        // forms as no host a rule can name (HttpRequestDenied), and the plain ones by their
        // address: the wildcard rule for the port allowed the name, the address check decides.
        let by_address = ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"];
        let expected = match (answer.status, by_address.contains(&spelling)) {
            (400, false) => "configuration.endpoint",
            (502, true) => "DestinationIpProhibited",
            (502, false) => "egress policy refused",
            (other, _) => panic!("{spelling}: {other} {}", answer.body),
        };
        assert!(
            answer.body.contains(expected),
            "{spelling}: {}",
            answer.body
        );
        sent.count("acme", answer.status);
    }
    assert_eq!(
        internal.connections(),
        0,
        "the internal service was reached"
    );
}

fn oversize_and_rate_limits(serve: &Serve, sent: &mut Sent) {
    let acme = Some(&*format!("Bearer {ACME_TOKEN}"));
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(5000));
    let declared = serve.post(acme, &big);
    assert_eq!(declared.status, 413, "{}", declared.body);
    let chunked = serve.chunked(acme, big.as_bytes());
    assert_eq!(chunked.status, 413, "{}", chunked.body);
    sent.count("acme", 413);
    sent.count("acme", 413);
    let limited = Some(&*format!("Bearer {LIMITED_TOKEN}"));
    let first = serve.post(limited, "{}");
    assert_eq!(first.status, 400, "{}", first.body);
    let second = serve.post(limited, "{}");
    assert_eq!(second.status, 429, "{}", second.body);
    let retry_after: u64 = second
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    sent.count("limited", 400);
    sent.count("limited", 429);
}

fn the_metrics_count_what_was_sent(serve: &Serve, sent: &Sent) {
    let health = serve.exchange("GET /healthz HTTP/1.1", None, b"");
    assert_eq!(health.status, 200);
    let metrics = serve.exchange("GET /metrics HTTP/1.1", None, b"");
    assert_eq!(metrics.status, 200);
    let total: u32 = sent.0.values().sum();
    let mut counted = 0;
    for ((tenant, status), n) in &sent.0 {
        let line =
            format!("ddb_connector_requests_total{{tenant=\"{tenant}\",status=\"{status}\"}} {n}");
        assert!(
            metrics.body.lines().any(|l| l == line),
            "{line} not in\n{}",
            metrics.body
        );
        counted += n;
    }
    let all: u32 = metrics
        .body
        .lines()
        .filter(|l| l.starts_with("ddb_connector_requests_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!((all, counted), (total, total), "\n{}", metrics.body);
    for line in [
        "ddb_connector_limited_total{tenant=\"limited\",reason=\"rate\"} 1",
        "ddb_connector_egress_refusals_total{tenant=\"globex\"} 1",
    ] {
        assert!(
            metrics.body.lines().any(|l| l == line),
            "{line} not in\n{}",
            metrics.body
        );
    }
}

fn the_log_holds_no_secret(log: &str, sent: &Sent) {
    let moto = moto();
    for secret in [
        ACME_TOKEN,
        GLOBEX_TOKEN,
        LIMITED_TOKEN,
        GLOBEX_KEY_ID,
        GLOBEX_SECRET,
        ITEM_SECRET,
        &moto.access_key,
        &moto.secret_key,
        "INTERNAL-SECRET",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let requests: Vec<&Value> = lines.iter().filter(|l| l["message"] == "request").collect();
    assert_eq!(requests.len() as u32, sent.0.values().sum::<u32>(), "{log}");
    let get = requests
        .iter()
        .find(|l| l["operation"] == "getItem" && l["status"] == 200 && l["tenant"] == "acme")
        .expect("acme's getItem logged");
    for field in ["timestamp", "request_id", "duration_ms", "attempts", "fuel"] {
        assert!(!get[field].is_null(), "{field} missing: {get}");
    }
    assert_eq!(get["attempts"], 1, "{get}");
    assert!(get["fuel"].as_u64().unwrap() > 0, "{get}");
    for message in ["listening", "stopping", "draining", "stopped"] {
        assert!(
            lines.iter().any(|l| l["message"] == message),
            "no {message} line:\n{log}"
        );
    }
}

/// One host slot: a request in flight holds it; the next waits past the queue timeout (503);
/// SIGTERM then lets the first finish (200) and the process exit 0.
#[test]
fn saturation_answers_503_and_sigterm_drains_in_flight_requests() {
    let slow = Counter::start(b"{}".to_vec(), Duration::from_millis(1500));
    let config = format!(
        r#"
listen = "127.0.0.1:0"
allow_outbound = ["http://127.0.0.1:{port}"]
metrics_listen = "127.0.0.1:0"
worker_threads = 1
max_concurrent = 1
queue_timeout_ms = 200
drain_timeout_ms = 10000

[tenants.acme]
token_sha256 = "{hash}"
env = {{ AWS_ACCESS_KEY_ID = "AKIDSLOW", AWS_SECRET_ACCESS_KEY = "slow-secret" }}
"#,
        port = slow.port,
        hash = sha256_hex(ACME_TOKEN),
    );
    let serve = Serve::start(&config);
    let acme = format!("Bearer {ACME_TOKEN}");
    let body = request(&slow.endpoint(), get_item("tbl"));
    let in_flight = {
        let (address, acme, body) = (serve.address.clone(), acme.clone(), body.clone());
        std::thread::spawn(move || support::post_to(&address, Some(&acme), &body))
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while slow.connections() == 0 {
        assert!(
            Instant::now() < deadline,
            "the first request never reached the slow server"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let saturated = serve.post(Some(&acme), &body);
    assert_eq!(saturated.status, 503, "{}", saturated.body);
    assert_eq!(saturated.header("retry-after").as_deref(), Some("1"));
    metrics_on_their_own_listener(&serve);
    serve.terminate();
    let finished = in_flight.join().unwrap();
    assert_eq!(finished.status, 200, "{}", finished.body);
    let log = serve.stop();
    assert_eq!(log.status, Some(0), "{}", log.text);
    assert_eq!(slow.connections(), 1);
}

/// A trapped invocation is the host's 500: the host document with the trap's code and no
/// diagnostics, and the code in the request's log line; the server goes on serving.
#[test]
fn a_trapped_invocation_answers_500_with_the_host_document() {
    let config = format!(
        r#"
listen = "127.0.0.1:0"
allow_outbound = ["http://127.0.0.1:9"]
fuel = 1000

[tenants.acme]
token_sha256 = "{hash}"
"#,
        hash = sha256_hex(ACME_TOKEN),
    );
    let serve = Serve::start(&config);
    let acme = format!("Bearer {ACME_TOKEN}");
    for _ in 0..2 {
        let answer = serve.post(Some(&acme), &request("http://127.0.0.1:9", get_item("tbl")));
        assert_eq!(answer.status, 500, "{}", answer.body);
        assert_eq!(
            answer.json(),
            json!({"error": {"kind": "host", "code": "CpuLimit",
                "message": "the invocation used all its fuel (its CPU limit)"}})
        );
    }
    let log = serve.stop();
    assert!(log.text.contains("CpuLimit"), "{}", log.text);
}

#[test]
fn a_bad_configuration_exits_2_naming_the_key() {
    let hash = sha256_hex(ACME_TOKEN);
    let cases = [
        (
            format!(
                "listen = \"127.0.0.1:0\"\nmax_concurent = 4\n[tenants.a]\ntoken_sha256 = \"{hash}\"\n"
            ),
            "max_concurent",
        ),
        (
            format!(
                "listen = \"127.0.0.1:0\"\n[tenants.a]\ntoken_sha256 = \"{hash}\"\n[tenants.b]\ntoken_sha256 = \"{hash}\"\n"
            ),
            "tenants.b.token_sha256",
        ),
        (
            format!(
                "listen = \"127.0.0.1:0\"\n[tenants.a]\ntoken_sha256 = \"{hash}\"\nallow_outbound = [\"http://x/path\"]\n"
            ),
            "tenants.a.allow_outbound",
        ),
        (
            format!(
                "listen = \"127.0.0.1:0\"\nca_files = [\"/nonexistent/ca.pem\"]\n[tenants.a]\ntoken_sha256 = \"{hash}\"\n"
            ),
            "ca_files[0]",
        ),
    ];
    for (config, key) in cases {
        let (status, stderr) = support::run_with_config(&config);
        assert_eq!(status, Some(2), "{key}: {stderr}");
        assert!(stderr.contains(key), "{key} not named: {stderr}");
    }
}

/// With `metrics_listen`, the metrics are there (and the health check), not on `listen`.
fn metrics_on_their_own_listener(serve: &Serve) {
    let metrics_address = serve.metrics_address.as_deref().expect("metrics_listen");
    let metrics = support::exchange(metrics_address, "GET /metrics HTTP/1.1\r\n", b"");
    assert_eq!(metrics.status, 200);
    let line = "ddb_connector_limited_total{tenant=\"acme\",reason=\"saturated\"} 1";
    assert!(
        metrics.body.lines().any(|l| l == line),
        "{line} not in\n{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .lines()
            .any(|l| l == "ddb_connector_in_flight 1"),
        "{}",
        metrics.body
    );
    let health = support::exchange(metrics_address, "GET /healthz HTTP/1.1\r\n", b"");
    assert_eq!(health.status, 200);
    let elsewhere = support::exchange(metrics_address, "POST / HTTP/1.1\r\n", b"");
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.body);
    let on_listen = serve.exchange("GET /metrics HTTP/1.1", None, b"");
    assert_eq!(on_listen.status, 401, "{}", on_listen.body);
}
