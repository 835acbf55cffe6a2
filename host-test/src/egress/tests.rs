//! Table-driven tests of the rule parser and the policy. None opens a socket: names are
//! resolved by a scripted resolver.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use super::*;

/// Rules that must be refused when read, with a word the error must contain.
const BAD_RULES: &[(&str, &str)] = &[
    ("dynamodb.example.com", "scheme://"),
    ("ftp://example.com", "scheme"),
    ("https://", "empty"),
    ("https://:443", "empty"),
    ("https://example.com/path", "paths"),
    ("https://example.com/?q=1", "paths"),
    ("https://user@example.com", "user info"),
    ("https://user:pw@example.com:443", "user info"),
    ("https://example.com#frag", "paths"),
    ("https://example.com:0", "not a port"),
    ("https://example.com:65536", "not a port"),
    ("https://example.com:-1", "not a port"),
    ("https://example.com:http", "not a port"),
    ("https://example.com:8010..8000", "empty"),
    ("https://example.com:8000..8000", "empty"),
    ("*://example.com", "needs a port"),
    ("http://2130706433:80", "numeric"),
    ("http://0x7f000001", "numeric"),
    ("http://0x7f.1", "numeric"),
    ("http://127.1", "numeric"),
    ("http://0177.0.0.1", "numeric"),
    ("http://exa mple.com", "not a valid host"),
    ("http://-bad.example.com", "not a valid host"),
    ("http://bad..example.com", "not a valid host"),
    ("http://[::1", "closing ]"),
    ("http://[::1]x", "after ]"),
];

#[test]
fn bad_rules_are_refused_with_a_reason() {
    for (text, word) in BAD_RULES {
        let error = OutboundRule::parse(text).expect_err(text);
        let HostError::OutboundRule { rule, reason } = &error else {
            panic!("{text}: {error:?}");
        };
        assert!(reason.contains(word), "{text}: {error}");
        assert_eq!(rule, text, "the error names the rule: {error}");
        assert_eq!(error.code(), "OutboundRule");
    }
}

/// (rule, scheme, host as the URL writes it, port, expected match)
const MATCHES: &[(&str, &str, &str, u16, Option<Match>)] = &[
    (
        "http://localhost:8000",
        "http",
        "localhost",
        8000,
        Some(Match::Exact),
    ),
    (
        "http://localhost:8000",
        "http",
        "LOCALHOST.",
        8000,
        Some(Match::Exact),
    ),
    ("http://localhost:8000", "https", "localhost", 8000, None),
    ("http://localhost:8000", "http", "localhost", 8001, None),
    (
        "http://localhost",
        "http",
        "localhost",
        80,
        Some(Match::Exact),
    ),
    (
        "https://localhost",
        "https",
        "localhost",
        443,
        Some(Match::Exact),
    ),
    ("https://localhost", "https", "localhost", 80, None),
    (
        "https://localhost/",
        "https",
        "localhost",
        443,
        Some(Match::Exact),
    ),
    (
        "*://localhost:8000",
        "https",
        "localhost",
        8000,
        Some(Match::Exact),
    ),
    (
        "*://localhost:8000",
        "http",
        "localhost",
        8000,
        Some(Match::Exact),
    ),
    (
        "http://localhost:*",
        "http",
        "localhost",
        1,
        Some(Match::Exact),
    ),
    (
        "http://localhost:*",
        "http",
        "localhost",
        65535,
        Some(Match::Exact),
    ),
    (
        "http://localhost:8000..8002",
        "http",
        "localhost",
        8000,
        Some(Match::Exact),
    ),
    (
        "http://localhost:8000..8002",
        "http",
        "localhost",
        8001,
        Some(Match::Exact),
    ),
    (
        "http://localhost:8000..8002",
        "http",
        "localhost",
        8002,
        None,
    ),
    (
        "http://localhost:8000..8002",
        "http",
        "localhost",
        7999,
        None,
    ),
    (
        "https://*.example.com",
        "https",
        "db.example.com",
        443,
        Some(Match::Wildcard),
    ),
    (
        "https://*.example.com",
        "https",
        "a.b.example.com",
        443,
        Some(Match::Wildcard),
    ),
    ("https://*.example.com", "https", "example.com", 443, None),
    (
        "https://*.example.com",
        "https",
        "badexample.com",
        443,
        None,
    ),
    (
        "https://*.example.com",
        "https",
        "example.com.evil.test",
        443,
        None,
    ),
    (
        "https://*:443",
        "https",
        "anything.test",
        443,
        Some(Match::Wildcard),
    ),
    (
        "https://*:443",
        "https",
        "10.0.0.1",
        443,
        Some(Match::Wildcard),
    ),
    (
        "http://127.0.0.1:8000",
        "http",
        "127.0.0.1",
        8000,
        Some(Match::Exact),
    ),
    ("http://127.0.0.1:8000", "http", "localhost", 8000, None),
    (
        "http://127.0.0.1:8000",
        "http",
        "[::ffff:127.0.0.1]",
        8000,
        None,
    ),
    ("http://127.0.0.1:8000", "http", "127.0.0.2", 8000, None),
    (
        "http://127.0.0.0/8:8000",
        "http",
        "127.9.9.9",
        8000,
        Some(Match::Exact),
    ),
    ("http://127.0.0.0/8:8000", "http", "128.0.0.1", 8000, None),
    (
        "http://10.1.2.3/8:80",
        "http",
        "10.200.0.1",
        80,
        Some(Match::Exact),
    ),
    (
        "http://[::1]:8000",
        "http",
        "[::1]",
        8000,
        Some(Match::Exact),
    ),
    ("http://[::1]:8000", "http", "127.0.0.1", 8000, None),
    (
        "http://[fd00::/8]:80",
        "http",
        "[fd12::1]",
        80,
        Some(Match::Exact),
    ),
    ("http://[fd00::/8]:80", "http", "[fe80::1]", 80, None),
    (
        "https://vpce-1.dynamodb.us-east-1.vpce.amazonaws.com",
        "https",
        "vpce-1.dynamodb.us-east-1.vpce.amazonaws.com",
        443,
        Some(Match::Exact),
    ),
];

#[test]
fn rules_match_what_they_name() {
    for (text, scheme, host, port, expected) in MATCHES {
        let rule = OutboundRule::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let request = rule::request_host(host).unwrap();
        assert_eq!(
            rule.matches(scheme, &request, *port),
            *expected,
            "{text} vs {scheme}://{host}:{port}"
        );
    }
}

#[test]
fn disguised_numeric_hosts_are_not_names() {
    for host in [
        "2130706433",
        "0x7f000001",
        "0x7f.1",
        "127.1",
        "0177.0.0.1",
        "017700000001",
    ] {
        assert!(rule::request_host(host).is_err(), "{host}");
    }
    assert_eq!(
        rule::request_host("127.0.0.1"),
        Ok(RequestHost::Ip("127.0.0.1".parse().unwrap()))
    );
    assert_eq!(
        rule::request_host("Db.Example.COM."),
        Ok(RequestHost::Name("db.example.com".into()))
    );
}

/// Answers from a fixed table; names not in it fail to resolve.
#[derive(Debug)]
struct Scripted(HashMap<&'static str, Vec<&'static str>>);

impl Resolve for Scripted {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
        let found = self.0.get(host).map(|list| {
            list.iter()
                .map(|ip| SocketAddr::new(ip.parse().unwrap(), port))
                .collect()
        });
        Box::pin(async move { found.ok_or_else(|| std::io::Error::other("no such host")) })
    }
}

fn egress(rules: Option<&[&str]>, tenant: Option<&[&str]>) -> Egress {
    let resolver = Scripted(HashMap::from([
        ("dynamodb.us-east-1.amazonaws.com", vec!["52.94.0.10"]),
        ("dynamodb.eu-west-1.amazonaws.com", vec!["127.0.0.1"]),
        (
            "sts.us-east-1.amazonaws.com",
            vec!["::ffff:169.254.169.254"],
        ),
        ("db.example.com", vec!["52.94.0.20", "10.0.0.5"]),
        ("public.example.com", vec!["52.94.0.21"]),
        ("localhost", vec!["127.0.0.1"]),
    ]));
    Egress {
        operator: rules.map_or_else(EgressPolicy::aws_default, |r| {
            EgressPolicy::rules(r).unwrap()
        }),
        tenant: tenant.map(|r| EgressPolicy::rules(r).unwrap()),
        resolver: Arc::new(resolver),
    }
}

fn check(egress: &Egress, url: &str) -> Result<Destination, Refusal> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(egress.check(&url.parse().unwrap()))
}

#[test]
fn the_default_allows_only_aws_over_https_at_global_addresses() {
    let aws = egress(None, None);
    let ok = check(&aws, "https://dynamodb.us-east-1.amazonaws.com/").unwrap();
    assert_eq!(
        ok.addresses,
        ["52.94.0.10:443".parse::<SocketAddr>().unwrap()]
    );
    assert_eq!(
        (ok.https, ok.host.as_str(), ok.port),
        (true, "dynamodb.us-east-1.amazonaws.com", 443)
    );
    for url in [
        "http://dynamodb.us-east-1.amazonaws.com/",
        "https://dynamodb.us-east-1.amazonaws.com:8443/",
        "http://127.0.0.1:8000/",
        "http://localhost:8000/",
        "http://169.254.169.254/",
        "https://example.com/",
    ] {
        assert!(
            matches!(check(&aws, url), Err(Refusal::NotAllowed(_))),
            "{url}"
        );
    }
    // A name that matches but resolves inward (rebinding, a poisoned resolver) is refused.
    let inward = check(&aws, "https://dynamodb.eu-west-1.amazonaws.com/");
    assert!(
        matches!(&inward, Err(Refusal::AddressProhibited(why)) if why.contains("loopback")),
        "{inward:?}"
    );
    let metadata = check(&aws, "https://sts.us-east-1.amazonaws.com/");
    assert!(
        matches!(&metadata, Err(Refusal::AddressProhibited(why)) if why.contains("link-local")),
        "{metadata:?}"
    );
}

#[test]
fn exact_rules_allow_what_they_name_and_wildcards_only_global_addresses() {
    let e = egress(
        Some(&[
            "http://localhost:8000",
            "https://*.example.com",
            "http://127.0.0.1:9000",
        ]),
        None,
    );
    assert_eq!(
        check(&e, "http://localhost:8000/").unwrap().addresses,
        ["127.0.0.1:8000".parse::<SocketAddr>().unwrap()]
    );
    assert!(check(&e, "http://127.0.0.1:9000/").is_ok());
    assert!(check(&e, "https://public.example.com/").is_ok());
    // One inward address among the answers refuses the name.
    assert!(matches!(
        check(&e, "https://db.example.com/"),
        Err(Refusal::AddressProhibited(_))
    ));
    assert!(matches!(
        check(&e, "https://unknown.example.com/"),
        Err(Refusal::Unresolved(_))
    ));
    for url in [
        "http://127.0.0.1:8000/",
        "http://localhost:9000/",
        "http://[::ffff:127.0.0.1]:9000/",
        "http://2130706433:9000/",
        "http://0x7f.1:9000/",
        "http://127.1:9000/",
        "https://dynamodb.us-east-1.amazonaws.com/",
        "http://user@localhost:8000/",
    ] {
        assert!(
            matches!(check(&e, url), Err(Refusal::NotAllowed(_))),
            "{url}"
        );
    }
}

#[test]
fn a_tenant_can_narrow_but_never_widen() {
    let operator: &[&str] = &["http://localhost:8000", "http://localhost:8001"];
    let narrowed = egress(Some(operator), Some(&["http://localhost:8001"]));
    assert!(check(&narrowed, "http://localhost:8001/").is_ok());
    assert!(matches!(
        check(&narrowed, "http://localhost:8000/"),
        Err(Refusal::NotAllowed(_))
    ));
    let widened = egress(
        Some(operator),
        Some(&["http://localhost:8000", "http://*:*"]),
    );
    assert!(matches!(
        check(&widened, "http://localhost:9999/"),
        Err(Refusal::NotAllowed(_))
    ));
    assert!(matches!(
        check(&widened, "http://127.0.0.1:8000/"),
        Err(Refusal::NotAllowed(_))
    ));
    // A tenant's wildcard does not relax the operator's exact rule, nor tighten it.
    assert!(check(&widened, "http://localhost:8000/").is_ok());
}

#[test]
fn refusals_map_to_the_wasi_http_errors() {
    let e = egress(None, None);
    let denied: wasmtime_wasi_http::Error = check(&e, "http://127.0.0.1/").unwrap_err().into();
    assert!(matches!(
        denied,
        wasmtime_wasi_http::Error::HttpRequestDenied
    ));
    let prohibited: wasmtime_wasi_http::Error =
        check(&e, "https://dynamodb.eu-west-1.amazonaws.com/")
            .unwrap_err()
            .into();
    assert!(matches!(
        prohibited,
        wasmtime_wasi_http::Error::DestinationIpProhibited
    ));
}
