//! The egress policy end to end: the operator decides where a tenant's endpoint may lead.
//! Every listener here is on loopback; names are resolved by a scripted resolver, so no test
//! looks up or reaches anything else.

mod common;

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::fault_server::{Fault, FaultServer};
use common::{Server, moto};
use ddb_connector_host::{
    CachingResolver, ConnectorError, ConnectorHost, EgressPolicy, HostConfig, Invocation, Resolve,
    Tenant,
};
use serde_json::{Value, json};

/// What the internal service answers: the secret a tenant must never read.
const INTERNAL: &str = r#"{"__type":"x#InternalAdmin","message":"INTERNAL-SECRET-do-not-leak"}"#;

/// A loopback HTTP service that is not DynamoDB: answers every request with [`INTERNAL`].
async fn internal_service() -> FaultServer {
    FaultServer::start(vec![Fault::Answer(400, Vec::new(), INTERNAL.to_string())]).await
}

/// The port a test server listens on.
fn port(server: &FaultServer) -> u16 {
    server.url.rsplit(':').next().unwrap().parse().unwrap()
}

/// Names to loopback addresses; `boom.test` panics, as a broken resolver or hook would.
#[derive(Debug, Default)]
struct ScriptedResolver {
    names: HashMap<&'static str, IpAddr>,
    calls: AtomicU32,
}

impl Resolve for ScriptedResolver {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        assert_ne!(host, "boom.test", "a deliberately failing resolver");
        let found = self
            .names
            .get(host)
            .map(|ip| vec![SocketAddr::new(*ip, port)]);
        Box::pin(async move { found.ok_or_else(|| std::io::Error::other("unknown test name")) })
    }
}

fn host_with(rules: &[String], resolver: Arc<ScriptedResolver>) -> ConnectorHost {
    common::load(HostConfig {
        egress: EgressPolicy::rules(rules).unwrap(),
        resolver,
        ..HostConfig::default()
    })
}

fn list_tables(endpoint: &str) -> String {
    let server = Server {
        endpoint: endpoint.to_string(),
        ..moto()
    };
    common::request(
        &server,
        json!({"operationGroup": "tableOperation", "tableOperation": "listTables"}),
    )
    .to_string()
}

async fn invoke(host: &ConnectorHost, request: &str, tenant: &Tenant) -> Invocation<String> {
    host.execute_json(request, tenant).await.expect("no trap")
}

/// A refusal: a connection error naming the policy, made once, never retried.
fn assert_refused(invocation: &Invocation<String>, check: &str) {
    match &invocation.result {
        Err(ConnectorError::Connection { message, attempts }) => {
            assert_eq!(*attempts, 1, "{message}");
            assert!(
                message.contains("egress policy") && message.contains(check),
                "{message}"
            );
        }
        other => panic!("expected a refusal ({check}), got {other:?}"),
    }
    assert_eq!(
        (invocation.http_requests, invocation.denied_requests),
        (1, 1)
    );
}

fn moto_rule() -> String {
    moto().endpoint
}

/// Spellings of loopback that are addresses or names: the address check decides.
const LOOPBACK_ADDRESSES: [&str; 6] = [
    "127.0.0.1",
    "127.0.0.2",
    "localhost",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
];

/// Numeric spellings in non-standard forms (what `inet_aton` would read as 127.0.0.1): refused
/// as spellings, by the connector (a configuration error) or the host (not a host name).
const LOOPBACK_NUMERIC_FORMS: [&str; 5] =
    ["0x7f.0.0.1", "2130706433", "0x7f.1", "127.1", "0177.0.0.1"];

/// The internal service's port is allowed to any host by a wildcard rule, so the port decides
/// nothing: the address check refuses every spelling of loopback (odd numeric forms are
/// refused as spellings), and the service sees no connection at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_service_is_unreachable_whatever_the_spelling() {
    let internal = internal_service().await;
    let port = port(&internal);
    // `localhost` resolved by the test, so that no lookup leaves the machine.
    let resolver = Arc::new(ScriptedResolver {
        names: HashMap::from([("localhost", "127.0.0.1".parse().unwrap())]),
        ..ScriptedResolver::default()
    });
    let host = host_with(&[moto_rule(), format!("http://*:{port}")], resolver);
    let spellings = LOOPBACK_ADDRESSES.iter().map(|s| (s, false));
    for (spelling, odd) in spellings.chain(LOOPBACK_NUMERIC_FORMS.iter().map(|s| (s, true))) {
        let invocation = invoke(
            &host,
            &list_tables(&format!("http://{spelling}:{port}")),
            &Tenant::default(),
        )
        .await;
        let text = format!("{:?}", invocation.result);
        assert!(!text.contains("INTERNAL-SECRET"), "{spelling}: {text}");
        match &invocation.result {
            // The connector itself refuses some spellings: nothing is sent at all.
            Err(ConnectorError::Configuration { field, .. }) if odd => {
                assert_eq!(
                    field.as_deref(),
                    Some("configuration.endpoint"),
                    "{spelling}"
                );
                assert_eq!(invocation.http_requests, 0, "{spelling}");
            }
            _ if odd => assert_refused(&invocation, "HttpRequestDenied"),
            _ => assert_refused(&invocation, "DestinationIpProhibited"),
        }
        assert_eq!(internal.counts(), (0, 0), "{spelling} reached the service");
    }
    // The endpoint the operator allows still works.
    let allowed = invoke(&host, &list_tables(&moto().endpoint), &Tenant::default()).await;
    assert!(allowed.result.is_ok(), "{:?}", allowed.result);
    // And the service counts: a rule naming its address exactly reaches it.
    let exact = host_with(&[format!("http://127.0.0.1:{port}")], Arc::default());
    let reached = invoke(&exact, &list_tables(&internal.url), &Tenant::default()).await;
    assert!(
        matches!(&reached.result, Err(ConnectorError::Execution { code, .. }) if code == "InternalAdmin"),
        "{:?}",
        reached.result
    );
    assert_eq!(internal.counts(), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_refuses_loopback() {
    let path = common::component_path();
    let host = ConnectorHost::from_file(&path, HostConfig::default()).unwrap();
    let internal = internal_service().await;
    for endpoint in [
        moto().endpoint,
        format!("http://localhost:{}", port(&internal)),
    ] {
        let invocation = invoke(&host, &list_tables(&endpoint), &Tenant::default()).await;
        assert_refused(&invocation, "HttpRequestDenied");
    }
    assert_eq!(internal.counts(), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wildcard_name_resolving_inward_is_refused_and_an_exact_one_allowed() {
    let internal = internal_service().await;
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let resolver = Arc::new(ScriptedResolver {
        names: HashMap::from([("inward.test", loopback), ("named.test", loopback)]),
        ..ScriptedResolver::default()
    });
    let moto_port = moto().endpoint.rsplit(':').next().unwrap().to_string();
    let rules = [
        "http://*.test:*".to_string(),
        format!("http://named.test:{moto_port}"),
    ];
    let host = host_with(&rules, resolver.clone());
    // A name a wildcard allows, resolving to loopback (a rebinding answer): refused before any
    // socket is opened, after exactly one lookup.
    let inward = invoke(
        &host,
        &list_tables(&format!("http://inward.test:{}", port(&internal))),
        &Tenant::default(),
    )
    .await;
    assert_refused(&inward, "DestinationIpProhibited");
    assert_eq!(resolver.calls.load(Ordering::SeqCst), 1);
    assert_eq!(internal.counts(), (0, 0));
    // A rule that names the host exactly allows what it resolves to: moto, via the name.
    let named = invoke(
        &host,
        &list_tables(&format!("http://named.test:{moto_port}")),
        &Tenant::default(),
    )
    .await;
    assert!(named.result.is_ok(), "{:?}", named.result);
    assert_eq!(resolver.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_narrowed_differently_each_reach_only_their_own() {
    let internal = internal_service().await;
    let other = format!("http://127.0.0.1:{}", port(&internal));
    let host = host_with(&[moto_rule(), other.clone()], Arc::default());
    let tenant = |rule: &str| Tenant {
        outbound: Some(EgressPolicy::rules([rule]).unwrap()),
        ..Tenant::default()
    };
    let (a, b) = (tenant(&moto_rule()), tenant(&other));
    let (to_moto, to_other) = (list_tables(&moto().endpoint), list_tables(&other));
    let (a_moto, b_moto, a_other, b_other) = tokio::join!(
        invoke(&host, &to_moto, &a),
        invoke(&host, &to_moto, &b),
        invoke(&host, &to_other, &a),
        invoke(&host, &to_other, &b),
    );
    assert!(a_moto.result.is_ok(), "{:?}", a_moto.result);
    assert_refused(&b_moto, "HttpRequestDenied");
    assert_refused(&a_other, "HttpRequestDenied");
    // B may reach its service: the answer is that service's, as an execution error.
    assert!(
        matches!(&b_other.result, Err(ConnectorError::Execution { code, .. }) if code == "InternalAdmin"),
        "{:?}",
        b_other.result
    );
    assert_eq!(internal.counts(), (1, 1));
}

/// A redirect to a server the rules allow, and that counts: the 3xx is the answer, and the
/// server it points at never sees a connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_answers_not_instructions() {
    let target = FaultServer::start(vec![Fault::Answer(200, vec![], "{}".into())]).await;
    let location = format!("{}/", target.url);
    let answer = Fault::Answer(307, vec![("location", location)], String::new());
    let redirect = FaultServer::start(vec![answer]).await;
    let endpoint = redirect.url.clone();
    let host = host_with(&[endpoint.clone(), target.url.clone()], Arc::default());
    let invocation = invoke(&host, &list_tables(&endpoint), &Tenant::default()).await;
    match &invocation.result {
        Err(ConnectorError::Execution { http_status, .. }) => assert_eq!(*http_status, 307),
        other => panic!("{other:?}"),
    }
    // Each attempt went to the redirecting server, none to where it pointed.
    let (_, requests) = redirect.counts();
    assert!(requests >= 1);
    assert_eq!(invocation.http_requests as usize, requests);
    assert_eq!(target.counts(), (0, 0), "the redirect was followed");
}

/// A [`ScriptedResolver`] shared with the test, so that it can count lookups behind a cache.
#[derive(Debug)]
struct Shared(Arc<ScriptedResolver>);

impl Resolve for Shared {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
        self.0.resolve(host, port)
    }
}

/// Two hosts share one DNS cache (`CachingResolver`, as the default resolver is): one allows
/// the name exactly, so its loopback answer is used; the other allows it by a wildcard, and the
/// same answer, now from the cache, is checked again and refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cached_answer_passes_the_same_address_check() {
    let internal = internal_service().await;
    let port = port(&internal);
    let scripted = Arc::new(ScriptedResolver {
        names: HashMap::from([("inward.test", "127.0.0.1".parse().unwrap())]),
        ..ScriptedResolver::default()
    });
    let cache = Duration::from_secs(3600);
    let cache: Arc<dyn Resolve> = Arc::new(CachingResolver::new(Shared(scripted.clone()), cache));
    let load = |rule: String| {
        common::load(HostConfig {
            egress: EgressPolicy::rules([rule]).unwrap(),
            resolver: cache.clone(),
            ..HostConfig::default()
        })
    };
    let (exact, wildcard) = (
        load(format!("http://inward.test:{port}")),
        load("http://*.test:*".into()),
    );
    let request = list_tables(&format!("http://inward.test:{port}"));
    let allowed = invoke(&exact, &request, &Tenant::default()).await;
    assert!(
        matches!(&allowed.result, Err(ConnectorError::Execution { code, .. }) if code == "InternalAdmin"),
        "{:?}",
        allowed.result
    );
    assert_eq!(internal.counts(), (1, 1));
    for _ in 0..2 {
        let refused = invoke(&wildcard, &request, &Tenant::default()).await;
        assert_refused(&refused, "DestinationIpProhibited");
    }
    assert_eq!(
        scripted.calls.load(Ordering::SeqCst),
        1,
        "answered from the cache"
    );
    assert_eq!(internal.counts(), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_send_path_fails_that_request_only() {
    let resolver = Arc::new(ScriptedResolver::default());
    let moto_port = moto().endpoint.rsplit(':').next().unwrap().to_string();
    let rules = [format!("http://boom.test:{moto_port}"), moto_rule()];
    let host = host_with(&rules, resolver);
    let boom = list_tables(&format!("http://boom.test:{moto_port}"));
    let good = list_tables(&moto().endpoint);
    let tenant = Tenant::default();
    let (failed, fine) =
        tokio::join!(invoke(&host, &boom, &tenant), invoke(&host, &good, &tenant),);
    match &failed.result {
        Err(ConnectorError::Connection { message, .. }) => {
            assert!(message.contains("panic, contained"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(fine.result.is_ok(), "{:?}", fine.result);
    let after: Value = serde_json::from_str(
        &invoke(&host, &good, &Tenant::default())
            .await
            .result
            .unwrap(),
    )
    .unwrap();
    assert_eq!(after["status"], "OK");
}
