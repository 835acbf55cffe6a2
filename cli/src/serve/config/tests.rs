use super::*;

const HASH_A: &str = "6a4b7c2e9d0f1a3b5c7d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const HASH_B: &str = "0000000000000000000000000000000000000000000000000000000000000001";

fn config(text: &str) -> Result<ServeConfig, String> {
    parse(text, Path::new("/nonexistent-base")).map_err(|e| match e {
        ServeError::Config(why) => why,
        other => panic!("{other:?}"),
    })
}

fn two_tenants(extra: &str, tenant_extra: &str) -> String {
    format!(
        "listen = \"127.0.0.1:0\"\n{extra}\n\
         [tenants.acme]\ntoken_sha256 = \"{HASH_A}\"\n{tenant_extra}\n\
         [tenants.globex]\ntoken_sha256 = \"{HASH_B}\"\n"
    )
}

#[test]
fn a_full_configuration_is_read() {
    let text = two_tenants(
        "allow_outbound = [\"http://127.0.0.1:8000\"]\nmax_concurrent = 8\nqueue_timeout_ms = 250\n\
         max_request_bytes = 1000\ndrain_timeout_ms = 5000\nworker_threads = 1\nmetrics_listen = \"127.0.0.1:9100\"",
        "allow_outbound = [\"http://127.0.0.1:*\"]\nenv = { AWS_ACCESS_KEY_ID = \"K\" }\n\
         max_concurrent = 2\nrequests_per_second = 2.5\nburst = 4",
    );
    let config = config(&text).unwrap();
    assert_eq!(config.host.max_concurrent_invocations, 8);
    assert_eq!(config.host.max_request_bytes, 1000);
    assert_eq!(config.queue_timeout, Duration::from_millis(250));
    assert_eq!(config.drain_timeout, Duration::from_secs(5));
    assert_eq!(config.worker_threads.map(NonZeroUsize::get), Some(1));
    assert_eq!(config.host.egress.describe(), ["http://127.0.0.1:8000"]);
    let acme = &config.tenants[0];
    assert_eq!(acme.name, "acme");
    assert_eq!(acme.token_sha256[0], 0x6a);
    assert_eq!(
        acme.sandbox.env,
        [("AWS_ACCESS_KEY_ID".to_string(), "K".to_string())]
    );
    assert!(acme.sandbox.outbound.is_some());
    assert_eq!(acme.max_concurrent.map(|n| n.get()), Some(2));
    let rate = acme.rate.unwrap();
    assert_eq!((rate.per_second, rate.burst.get()), (2.5, 4));
    let globex = &config.tenants[1];
    assert!(globex.sandbox.env.is_empty() && globex.sandbox.outbound.is_none());
    assert!(globex.rate.is_none() && globex.max_concurrent.is_none());
}

#[test]
fn defaults_are_the_hosts() {
    let config = config(&two_tenants("", "")).unwrap();
    assert_eq!(config.host.egress, EgressPolicy::aws_default());
    assert_eq!(config.host.max_concurrent_invocations, 256);
    assert_eq!(config.queue_timeout, Duration::from_secs(1));
    assert_eq!(config.drain_timeout, Duration::from_secs(30));
    assert!(config.metrics_listen.is_none() && config.component.is_none());
}

/// Each bad configuration is refused with the key it is about in the message.
#[test]
fn every_error_names_its_key() {
    let cases = [
        (two_tenants("lisen = \"x\"", ""), "lisen"),
        (two_tenants("", "tokn = \"secret\""), "tenants.acme.tokn"),
        (two_tenants("max_concurrent = 0", ""), "max_concurrent"),
        (two_tenants("worker_threads = 0", ""), "worker_threads"),
        (
            two_tenants("max_concurrent = \"many\"", ""),
            "max_concurrent (line 2)",
        ),
        (
            two_tenants("allow_outbound = [\"ftp://x\"]", ""),
            "allow_outbound",
        ),
        (
            two_tenants("ca_files = [\"/nonexistent/ca.pem\"]", ""),
            "ca_files[0]",
        ),
        (
            two_tenants("", "allow_outbound = [\"http://a/path\"]"),
            "tenants.acme.allow_outbound",
        ),
        (
            two_tenants("", "requests_per_second = 0.0"),
            "tenants.acme.requests_per_second",
        ),
        (two_tenants("", "burst = 3"), "tenants.acme.burst"),
        (
            two_tenants("", "max_concurrent = 0"),
            "tenants.acme.max_concurrent",
        ),
        (
            two_tenants("", "env = { \"A=B\" = \"v\" }"),
            "tenants.acme.env",
        ),
        (
            two_tenants("", "").replace(HASH_B, HASH_A),
            "tenants.globex.token_sha256: the same as tenants.acme.token_sha256",
        ),
        (
            two_tenants("", "").replace(HASH_A, "abc"),
            "tenants.acme.token_sha256",
        ),
        (
            two_tenants("", "").replace(HASH_A, &format!("+{}", &HASH_A[1..])),
            "tenants.acme.token_sha256",
        ),
        ("listen = \"127.0.0.1:0\"\n".to_string(), "tenants"),
        ("[tenants.a]\ntoken_sha256 = \"x\"\n".to_string(), "listen"),
        (
            format!("listen = \"127.0.0.1:0\"\n[tenants.\"a b\"]\ntoken_sha256 = \"{HASH_A}\"\n"),
            "tenants.a b",
        ),
    ];
    for (text, key) in cases {
        let error = config(&text).expect_err(&text);
        assert!(
            error.contains(key),
            "{key:?} not named in {error:?}\nfor\n{text}"
        );
    }
}

#[test]
fn an_env_value_is_never_in_an_error() {
    let text = two_tenants("", "env = { \"\" = \"SECRET-VALUE-93\" }");
    let error = config(&text).unwrap_err();
    assert!(
        error.contains("tenants.acme.env") && !error.contains("SECRET-VALUE-93"),
        "{error}"
    );
}

#[test]
fn a_toml_error_quotes_no_value() {
    let text = two_tenants("", "env = \"SECRET-VALUE-94\"");
    let error = config(&text).unwrap_err();
    assert!(
        error.contains("tenants.acme.env") && !error.contains("SECRET-VALUE-94"),
        "{error}"
    );
}
