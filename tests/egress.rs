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

use common::fault_server::{Fault, FaultServer};
use common::{Server, moto};
use ddb_connector_host::{
    ConnectorError, ConnectorHost, EgressPolicy, HostConfig, Invocation, Resolve, Tenant,
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_service_is_unreachable_whatever_the_spelling() {
    let internal = internal_service().await;
    let host = host_with(&[moto_rule()], Arc::default());
    let port = port(&internal);
    for spelling in [
        "127.0.0.1",
        "localhost",
        "[::ffff:127.0.0.1]",
        "2130706433",
        "0x7f.1",
        "127.1",
        "0177.0.0.1",
    ] {
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
            Err(ConnectorError::Configuration { field, .. }) => {
                assert_eq!(
                    field.as_deref(),
                    Some("configuration.endpoint"),
                    "{spelling}"
                );
                assert_eq!(invocation.http_requests, 0, "{spelling}");
            }
            _ => assert_refused(&invocation, "HttpRequestDenied"),
        }
    }
    assert_eq!(
        internal.counts(),
        (0, 0),
        "the internal service was reached"
    );
    // The endpoint the operator allows still works.
    let allowed = invoke(&host, &list_tables(&moto().endpoint), &Tenant::default()).await;
    assert!(allowed.result.is_ok(), "{:?}", allowed.result);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_answers_not_instructions() {
    let location = format!("{}/", moto().endpoint);
    let answer = Fault::Answer(307, vec![("location", location)], String::new());
    let redirect = FaultServer::start(vec![answer]).await;
    let endpoint = redirect.url.clone();
    let host = host_with(&[endpoint.clone(), moto_rule()], Arc::default());
    let invocation = invoke(&host, &list_tables(&endpoint), &Tenant::default()).await;
    match &invocation.result {
        Err(ConnectorError::Execution { http_status, .. }) => assert_eq!(*http_status, 307),
        other => panic!("{other:?}"),
    }
    // Each attempt went to the redirecting server, none to where it pointed.
    let (_, requests) = redirect.counts();
    assert_eq!(invocation.http_requests as usize, requests);
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
