//! One DynamoDB call: build the JSON-protocol HTTP request, sign it, send it through the
//! [`Platform`], read the answer, retry what is worth retrying.
//!
//! Everything here but [`Platform::send`] is pure, so it runs natively in unit tests.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::answer::{Answer, read_decoded, read_response};
use super::credentials::Credentials;
use super::endpoint::Endpoint;
use super::http::{HttpRequest, HttpResponse, Platform};
use super::retry::{BACKOFF_CAP, RetryPolicy, backoff_ceiling, skew_of, unit_interval};
use super::signing::{self, Signer};
use crate::error::ConnectorError;

/// DynamoDB's JSON protocol version, in `X-Amz-Target`.
pub const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// DynamoDB Streams' JSON protocol version, in `X-Amz-Target`.
pub const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";

/// The API a call goes to. Both sign as service `dynamodb`; Streams has its own endpoint and
/// target prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// DynamoDB (`DynamoDB_20120810.<Op>`).
    DynamoDb,
    /// DynamoDB Streams (`DynamoDBStreams_20120810.<Op>`).
    Streams,
}

impl Api {
    /// The `X-Amz-Target` of `operation`.
    pub fn target(self, operation: &str) -> String {
        match self {
            Api::DynamoDb => [TARGET_PREFIX, operation].concat(),
            Api::Streams => [STREAMS_TARGET_PREFIX, operation].concat(),
        }
    }
}
/// The JSON protocol's content type.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Builds the HTTP request for `target` (such as `DynamoDB_20120810.GetItem`, see
/// [`Api::target`]) with a JSON body whose [`signing::payload_hash`] is `payload_hash`, and signs
/// it with `signer`.
pub fn build_request(
    endpoint: &Endpoint,
    signer: &mut Signer,
    target: String,
    body: Vec<u8>,
    payload_hash: &str,
    time: SystemTime,
) -> Result<HttpRequest, ConnectorError> {
    let call = signing::SignableCall {
        service: signing::SERVICE,
        host: &endpoint.authority,
        content_type: CONTENT_TYPE,
        target: Some(&target),
        payload_hash,
    };
    let signed = signer.sign(&call, time)?;
    let mut headers = Vec::with_capacity(6);
    headers.push(("content-type", CONTENT_TYPE.to_string()));
    headers.push(("x-amz-target", target));
    signed.append_to(&mut headers);
    // A known length, so the body is not sent chunked (unsigned, as the AWS SDKs do).
    headers.push(("content-length", body.len().to_string()));
    Ok(HttpRequest {
        https: endpoint.https,
        authority: endpoint.authority.clone(),
        headers,
        body,
    })
}

/// Sends requests through the [`Platform`] with a [`RetryPolicy`]: jittered exponential
/// backoff, `x-amz-retry-after`, clock-skew correction. It knows nothing of the service: the
/// caller builds (and signs) each attempt and reads each answer.
pub struct Transport<'p, P: Platform + ?Sized> {
    platform: &'p mut P,
    policy: RetryPolicy,
    /// Server time minus ours, learnt from a rejected signature's `Date` header.
    clock_offset_secs: i64,
}

impl<'p, P: Platform + ?Sized> Transport<'p, P> {
    /// A transport that sends through `platform`.
    pub fn new(platform: &'p mut P, policy: RetryPolicy) -> Self {
        Self {
            platform,
            policy,
            clock_offset_secs: 0,
        }
    }

    fn signing_time(&self) -> SystemTime {
        let now = self.platform.now();
        let offset = Duration::from_secs(self.clock_offset_secs.unsigned_abs());
        if self.clock_offset_secs >= 0 {
            now + offset
        } else {
            now - offset
        }
    }

    /// The platform, for waits between calls and the environment.
    pub fn platform(&mut self) -> &mut P {
        self.platform
    }

    /// Sleeps before retry `attempt + 1`: `random(0,1) * min(base * 2^(attempt-1), cap)`.
    pub fn backoff(&mut self, attempt: u32) {
        let delay = self.backoff_delay(attempt);
        self.platform.sleep(delay);
    }

    fn backoff_delay(&mut self, attempt: u32) -> Duration {
        backoff_ceiling(attempt).mul_f64(unit_interval(self.platform.random_u64()))
    }

    /// Sends the request `build` makes for a signing time and reads the answer with `read`,
    /// retrying throttling, 5xx, damaged answers and connection failures with jittered
    /// exponential backoff, as the AWS SDKs' standard mode does, within the policy's attempts
    /// and timeout. A `x-amz-retry-after` header sets the delay; a signature rejected for clock
    /// skew is retried once with the server's clock.
    pub fn exchange<T>(
        &mut self,
        mut build: impl FnMut(SystemTime) -> Result<HttpRequest, ConnectorError>,
        read: impl Fn(&HttpResponse) -> Result<T, ConnectorError>,
    ) -> Result<T, ConnectorError> {
        let started = self.platform.monotonic();
        let mut attempt = 1;
        let mut skew_corrected = false;
        loop {
            let request = build(self.signing_time())?;
            request.check_header_bytes()?;
            let remaining = self
                .policy
                .timeout
                .saturating_sub(self.platform.monotonic() - started);
            let (error, response) = match self.platform.send(&request, remaining) {
                Ok(response) => match read(&response) {
                    Ok(value) => return Ok(value),
                    Err(error) => (error, Some(response)),
                },
                Err(failure) if !failure.retryable => {
                    return Err(ConnectorError::Connection {
                        message: failure.message,
                        attempts: attempt,
                    });
                }
                Err(failure) => {
                    let error = ConnectorError::Connection {
                        message: failure.message,
                        attempts: 1,
                    };
                    (error, None)
                }
            };
            if !skew_corrected
                && let Some(offset) = response
                    .as_ref()
                    .and_then(|r| skew_of(&error, r, self.platform.now()))
            {
                skew_corrected = true;
                self.clock_offset_secs = offset;
                attempt += 1;
                continue;
            }
            let delay = self.retry_delay(&error, response.as_ref(), attempt, started);
            let Some(delay) = delay else {
                return Err(error.with_attempts(attempt));
            };
            self.platform.sleep(delay);
            attempt += 1;
        }
    }

    /// How long to wait before retrying after `error`; `None` when it is not worth retrying or
    /// the attempts or the time are spent.
    fn retry_delay(
        &mut self,
        error: &ConnectorError,
        response: Option<&HttpResponse>,
        attempt: u32,
        started: Duration,
    ) -> Option<Duration> {
        if !error.is_retryable() || attempt >= self.policy.max_attempts {
            return None;
        }
        let elapsed = self.platform.monotonic() - started;
        let retry_after = response
            .and_then(|r| r.header("x-amz-retry-after"))
            .and_then(|ms| ms.trim().parse::<u64>().ok())
            .map(|ms| Duration::from_millis(ms).min(BACKOFF_CAP));
        let delay = match retry_after {
            Some(delay) => delay,
            None => self.backoff_delay(attempt),
        };
        (elapsed + delay < self.policy.timeout).then_some(delay)
    }
}

/// A DynamoDB (and DynamoDB Streams) client for one request's credentials and endpoints.
pub struct Client<'p, P: Platform + ?Sized> {
    transport: Transport<'p, P>,
    /// The request's credentials and region, with the signing key its calls share.
    signer: Signer,
    endpoint: Endpoint,
    streams_endpoint: Endpoint,
}

impl<'p, P: Platform + ?Sized> Client<'p, P> {
    /// A client that sends through `platform`; Streams calls go to `endpoint` too until
    /// [`Client::with_streams_endpoint`] says otherwise.
    pub fn new(
        platform: &'p mut P,
        credentials: Credentials,
        region: String,
        endpoint: Endpoint,
        policy: RetryPolicy,
    ) -> Self {
        Self::with_transport(
            Transport::new(platform, policy),
            credentials,
            region,
            endpoint,
        )
    }

    /// A client that sends through `transport`, keeping what it learnt of the clock.
    pub fn with_transport(
        transport: Transport<'p, P>,
        credentials: Credentials,
        region: String,
        endpoint: Endpoint,
    ) -> Self {
        let streams_endpoint = endpoint.clone();
        Self::with_endpoints(transport, credentials, region, endpoint, streams_endpoint)
    }

    /// A client over `transport` sending DynamoDB calls to `endpoint` and DynamoDB Streams
    /// calls to `streams_endpoint`.
    pub fn with_endpoints(
        transport: Transport<'p, P>,
        credentials: Credentials,
        region: String,
        endpoint: Endpoint,
        streams_endpoint: Endpoint,
    ) -> Self {
        Self {
            transport,
            signer: Signer::new(credentials, region),
            streams_endpoint,
            endpoint,
        }
    }

    /// Sends DynamoDB Streams calls to `endpoint`.
    pub fn with_streams_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.streams_endpoint = endpoint;
        self
    }

    /// The platform, for waits between calls.
    pub fn platform(&mut self) -> &mut P {
        self.transport.platform()
    }

    /// Sleeps before retry `attempt + 1`: `random(0,1) * min(base * 2^(attempt-1), cap)`.
    pub fn backoff(&mut self, attempt: u32) {
        self.transport.backoff(attempt);
    }

    /// Calls DynamoDB's `operation` with `body`, retried as [`Transport::exchange`] says.
    pub fn call(&mut self, operation: &str, body: &Value) -> Result<Value, ConnectorError> {
        self.call_api(Api::DynamoDb, operation, body)
    }

    /// [`Client::call`] to `api`'s endpoint and target.
    pub fn call_api(
        &mut self,
        api: Api,
        operation: &str,
        body: &Value,
    ) -> Result<Value, ConnectorError> {
        let bytes = body_bytes(body)?;
        self.call_api_bytes(api, operation, bytes)
    }

    /// [`Client::call_api`] with the body already written as JSON bytes.
    pub fn call_api_bytes(
        &mut self,
        api: Api,
        operation: &str,
        bytes: Vec<u8>,
    ) -> Result<Value, ConnectorError> {
        self.exchange(api, operation, bytes, read_response)
    }

    /// [`Client::call`] with the body as JSON bytes, its answer read by `decode` as
    /// [`read_decoded`] says: retried and checked as any answer, and read as a tree where
    /// `decode` leaves it.
    pub fn call_decoded<T>(
        &mut self,
        operation: &str,
        bytes: Vec<u8>,
        decode: impl Fn(&[u8]) -> Option<T>,
    ) -> Result<Answer<T>, ConnectorError> {
        self.exchange(Api::DynamoDb, operation, bytes, |response| {
            read_decoded(response, &decode)
        })
    }

    fn exchange<T>(
        &mut self,
        api: Api,
        operation: &str,
        bytes: Vec<u8>,
        read: impl Fn(&HttpResponse) -> Result<T, ConnectorError>,
    ) -> Result<T, ConnectorError> {
        let endpoint = match api {
            Api::DynamoDb => &self.endpoint,
            Api::Streams => &self.streams_endpoint,
        };
        let target = api.target(operation);
        // Hashed once however many attempts sign it.
        let payload_hash = signing::payload_hash(&bytes);
        let signer = &mut self.signer;
        self.transport.exchange(
            |time| {
                build_request(
                    endpoint,
                    signer,
                    target.clone(),
                    bytes.clone(),
                    &payload_hash,
                    time,
                )
            },
            read,
        )
    }
}

pub(crate) fn body_bytes(body: &Value) -> Result<Vec<u8>, ConnectorError> {
    serde_json::to_vec(body).map_err(|e| ConnectorError::Configuration {
        field: None,
        message: format!("the request body could not be written: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::http::SendError;
    use super::super::testing::{Scripted, answer};
    use super::*;

    fn endpoint() -> Endpoint {
        Endpoint {
            https: false,
            authority: "127.0.0.1:8000".into(),
        }
    }

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(str::to_string),
        }
    }

    #[test]
    fn requests_carry_the_json_protocol_headers_and_no_host() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let req = build_request(
            &endpoint(),
            &mut Signer::new(credentials(Some("TOKEN")), "us-east-1".into()),
            Api::DynamoDb.target("GetItem"),
            b"{}".to_vec(),
            &signing::payload_hash(b"{}"),
            time,
        )
        .unwrap();
        let names: Vec<&str> = req.headers.iter().map(|(n, _)| *n).collect();
        assert!(!names.contains(&"host"));
        let get = |n: &str| {
            req.headers
                .iter()
                .find(|(h, _)| *h == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("content-type"), Some(CONTENT_TYPE));
        assert_eq!(get("x-amz-target"), Some("DynamoDB_20120810.GetItem"));
        assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(get("x-amz-security-token"), Some("TOKEN"));
        let auth = get("authorization").unwrap();
        assert!(
            auth.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request"
            ),
            "{auth}"
        );
        assert!(
            auth.contains(
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
            ),
            "{auth}"
        );
    }

    /// Our SigV4 use against an independent signer: botocore's `SigV4Auth` for the same
    /// request and timestamp must give the same signature.
    #[test]
    fn signature_matches_botocore() {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/botocore_sign.py"
        );
        let cases = [
            (
                "GetItem",
                r#"{"TableName":"orders","Key":{"id":{"N":"1"}}}"#,
                None,
                "us-east-1",
                1_440_938_160u64,
            ),
            (
                "PutItem",
                r#"{"TableName":"t","Item":{"s":{"S":"ünïcødé"}}}"#,
                Some("SESSIONTOKEN"),
                "eu-central-1",
                1_700_000_000,
            ),
            ("ListTables", "{}", None, "cn-north-1", 1_800_000_123),
        ];
        for (op, body, token, region, secs) in cases {
            let creds = credentials(token);
            let time = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
            let req = build_request(
                &endpoint(),
                &mut Signer::new(creds.clone(), region.into()),
                Api::DynamoDb.target(op),
                body.as_bytes().to_vec(),
                &signing::payload_hash(body.as_bytes()),
                time,
            )
            .unwrap();
            let ours = req
                .headers
                .iter()
                .find(|(n, _)| *n == "authorization")
                .unwrap()
                .1
                .clone();
            let output = std::process::Command::new("python3")
                .arg(script)
                .args([op, body, region, &secs.to_string(), &endpoint().url()])
                .env("SIGN_ACCESS_KEY", &creds.access_key)
                .env("SIGN_SECRET_KEY", &creds.secret_key)
                .env("SIGN_SESSION_TOKEN", token.unwrap_or(""))
                .output()
                .expect("python3 runs (scripts/test.sh installs botocore)");
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let theirs = String::from_utf8(output.stdout).unwrap();
            assert_eq!(ours, theirs.trim(), "{op} in {region}");
        }
    }

    #[test]
    fn responses_become_values_or_errors() {
        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: br#"{"Item":{"id":{"N":"1"}}}"#.to_vec(),
        };
        assert_eq!(read_response(&ok).unwrap()["Item"]["id"]["N"], "1");
        let bad = HttpResponse {
            status: 400,
            headers: vec![("x-amzn-requestid".into(), "RID".into())],
            body: br#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"nope"}"#.to_vec(),
        };
        match read_response(&bad).unwrap_err() {
            ConnectorError::Execution {
                code, request_id, ..
            } => {
                assert_eq!(code, "ResourceNotFoundException");
                assert_eq!(request_id.as_deref(), Some("RID"));
            }
            other => panic!("{other:?}"),
        }
        let corrupt = HttpResponse {
            status: 200,
            headers: vec![],
            body: b"{not json".to_vec(),
        };
        assert!(read_response(&corrupt).unwrap_err().is_retryable());
        // Nothing (an action without output) is an answer without members.
        for body in [&b""[..], b" \n", b"null", b"\"\""] {
            let empty = HttpResponse {
                status: 200,
                headers: vec![],
                body: body.to_vec(),
            };
            assert_eq!(read_response(&empty).unwrap(), serde_json::json!({}));
        }
        // JSON, but not an object: an operation indexing into it would panic.
        for body in [&b"[1]"[..], b"5", b"true", b"\"text\""] {
            let odd = HttpResponse {
                status: 200,
                headers: vec![],
                body: body.to_vec(),
            };
            assert!(
                matches!(read_response(&odd), Err(ConnectorError::Execution { ref code, .. }) if code == "InvalidResponse"),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    const THROTTLED: &str =
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow"}"#;

    fn client(platform: &mut Scripted, policy: RetryPolicy) -> Client<'_, Scripted> {
        Client::new(
            platform,
            credentials(None),
            "us-east-1".into(),
            endpoint(),
            policy,
        )
    }

    fn call(platform: &mut Scripted, policy: RetryPolicy) -> Result<Value, ConnectorError> {
        client(platform, policy).call("GetItem", &serde_json::json!({}))
    }

    /// An invocation's calls and their retries share the client's signing key: one derivation.
    #[test]
    fn calls_and_retries_derive_the_signing_key_once() {
        let mut p = Scripted::new(vec![
            answer(400, &[], THROTTLED),
            answer(200, &[], "{}"),
            answer(200, &[], "{}"),
        ]);
        let mut client = client(&mut p, RetryPolicy::default());
        for operation in ["GetItem", "PutItem"] {
            client.call(operation, &serde_json::json!({})).unwrap();
        }
        assert_eq!(client.signer.derivations(), 1);
        assert_eq!(p.sent.len(), 3);
    }

    #[test]
    fn retries_follow_the_policy() {
        let policy = RetryPolicy::default();
        // Throttled twice, then the answer.
        let mut p = Scripted::new(vec![
            answer(400, &[], THROTTLED),
            answer(503, &[], ""),
            answer(200, &[], r#"{"Item":null}"#),
        ]);
        assert!(call(&mut p, policy).is_ok());
        assert_eq!(p.sent.len(), 3);
        // Backoff is random(0,1) * min(25 ms * 2^(n-1), 20 s): here at most 25 + 50 ms.
        assert!(p.clock <= Duration::from_millis(80), "{:?}", p.clock);

        // Never past max attempts; the error says how many were made.
        let mut p = Scripted::new(vec![
            Err(SendError::transient("reset")),
            Err(SendError::transient("reset")),
            Err(SendError::transient("reset")),
        ]);
        match call(&mut p, policy) {
            Err(ConnectorError::Connection { attempts, .. }) => assert_eq!(attempts, 3),
            other => panic!("{other:?}"),
        }

        // Nor a failure the host says every attempt would repeat (egress refusal, certificate).
        let mut p = Scripted::new(vec![
            Err(SendError::transient("reset")),
            Err(SendError::permanent("refused by policy")),
            answer(200, &[], "{}"),
        ]);
        match call(&mut p, policy) {
            Err(ConnectorError::Connection { attempts, message }) => {
                assert_eq!((attempts, message.as_str()), (2, "refused by policy"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(p.sent.len(), 2);

        // Validation failures are not retried.
        let mut p = Scripted::new(vec![answer(
            400,
            &[],
            r#"{"__type":"x#ValidationException","message":"no"}"#,
        )]);
        assert!(matches!(
            call(&mut p, policy),
            Err(ConnectorError::Execution { attempts: 1, .. })
        ));

        // x-amz-retry-after sets the delay.
        let mut p = Scripted::new(vec![
            answer(400, &[("x-amz-retry-after", "1500")], THROTTLED),
            answer(200, &[], "{}"),
        ]);
        assert!(call(&mut p, policy).is_ok());
        assert!(p.clock >= Duration::from_millis(1500), "{:?}", p.clock);

        // The timeout bounds retries, and each attempt gets only what is left.
        let short = RetryPolicy {
            max_attempts: 10,
            timeout: Duration::from_millis(1000),
        };
        let mut p = Scripted::new(vec![
            answer(400, &[("x-amz-retry-after", "600")], THROTTLED),
            answer(400, &[("x-amz-retry-after", "600")], THROTTLED),
        ]);
        assert!(matches!(
            call(&mut p, short),
            Err(ConnectorError::Execution { attempts: 2, .. })
        ));
        assert!(
            p.sent[1].1 < Duration::from_millis(400),
            "{:?}",
            p.sent[1].1
        );
    }

    #[test]
    fn streams_calls_go_to_the_streams_endpoint_with_their_target() {
        let mut p = Scripted::new(vec![answer(200, &[], "{}"), answer(200, &[], "{}")]);
        let streams = Endpoint {
            https: true,
            authority: "streams.dynamodb.us-east-1.amazonaws.com".into(),
        };
        let mut client =
            client(&mut p, RetryPolicy::default()).with_streams_endpoint(streams.clone());
        let body = serde_json::json!({});
        client.call_api(Api::Streams, "GetRecords", &body).unwrap();
        client.call("GetItem", &body).unwrap();
        let (to_streams, to_dynamodb) = (&p.sent[0].0, &p.sent[1].0);
        let header = |r: &HttpRequest, n: &str| {
            r.headers
                .iter()
                .find(|(h, _)| *h == n)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            (to_streams.https, to_streams.authority.as_str()),
            (true, streams.authority.as_str())
        );
        assert_eq!(
            header(to_streams, "x-amz-target").as_deref(),
            Some("DynamoDBStreams_20120810.GetRecords")
        );
        // Streams signs as service dynamodb, as botocore does.
        assert!(
            header(to_streams, "authorization")
                .unwrap()
                .contains("/us-east-1/dynamodb/aws4_request")
        );
        assert_eq!(to_dynamodb.authority, "127.0.0.1:8000");
        assert_eq!(
            header(to_dynamodb, "x-amz-target").as_deref(),
            Some("DynamoDB_20120810.GetItem")
        );
    }

    #[test]
    fn damaged_bodies_are_retried_and_reported() {
        let body = r#"{"Item":{"id":{"S":"1"}}}"#;
        let good = crc32fast::hash(body.as_bytes()).to_string();
        let mut p = Scripted::new(vec![
            answer(200, &[("x-amz-crc32", "12345")], body),
            answer(200, &[("x-amz-crc32", &good)], body),
        ]);
        assert_eq!(
            call(&mut p, RetryPolicy::default()).unwrap()["Item"]["id"]["S"],
            "1"
        );
        assert_eq!(p.sent.len(), 2);
        let mut p = Scripted::new(vec![answer(200, &[("x-amz-crc32", "1")], body); 3]);
        match call(&mut p, RetryPolicy::default()) {
            Err(ConnectorError::Execution {
                code,
                attempts,
                retryable,
                ..
            }) => {
                assert_eq!(
                    (code.as_str(), attempts, retryable),
                    ("Crc32Mismatch", 3, true)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clock_skew_is_corrected_once_from_the_date_header() {
        let expired = r#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired: 20231114T221320Z is now earlier than ..."}"#;
        // The server is 2 hours ahead.
        let server_date = httpdate::fmt_http_date(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + 7200),
        );
        let mut p = Scripted::new(vec![
            answer(400, &[("date", &server_date)], expired),
            answer(200, &[], "{}"),
        ]);
        assert!(call(&mut p, RetryPolicy::default()).is_ok());
        let date_of = |r: &HttpRequest| {
            r.headers
                .iter()
                .find(|(n, _)| *n == "x-amz-date")
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(date_of(&p.sent[0].0), "20231114T221320Z");
        assert_eq!(date_of(&p.sent[1].0), "20231115T001320Z");
        // Only once: a second rejection is final.
        let mut p = Scripted::new(vec![
            answer(400, &[("date", &server_date)], expired),
            answer(400, &[("date", &server_date)], expired),
        ]);
        assert!(matches!(
            call(&mut p, RetryPolicy::default()),
            Err(ConnectorError::Execution { attempts: 2, .. })
        ));
    }

    #[test]
    fn headers_over_the_request_cap_are_refused_before_sending() {
        use super::super::http::MAX_REQUEST_HEADER_BYTES;
        // Credentials that skipped the per-value bound (as STS-issued ones do): a token that
        // alone passes the cap on all headers together.
        let token = "t".repeat(MAX_REQUEST_HEADER_BYTES);
        let mut p = Scripted::new(vec![answer(200, &[], "{}")]);
        let error = Client::new(
            &mut p,
            credentials(Some(token.as_str())),
            "us-east-1".into(),
            endpoint(),
            RetryPolicy::default(),
        )
        .call("GetItem", &serde_json::json!({}))
        .unwrap_err();
        assert!(p.sent.is_empty(), "nothing is sent");
        let text = error.to_string();
        assert!(text.contains("x-amz-security-token"), "{text}");
        assert!(!text.contains("tttt"), "{text}");
        assert!(matches!(
            &error,
            ConnectorError::Configuration { field: Some(f), .. } if f == "authentication.sessionToken"
        ));
        // Just under the cap goes out.
        let near = MAX_REQUEST_HEADER_BYTES - 1024;
        let mut p = Scripted::new(vec![answer(200, &[], "{}")]);
        let mut client = Client::new(
            &mut p,
            credentials(Some("t".repeat(near).as_str())),
            "us-east-1".into(),
            endpoint(),
            RetryPolicy::default(),
        );
        assert!(client.call("GetItem", &serde_json::json!({})).is_ok());
        assert_eq!(p.sent.len(), 1);
        assert!(p.sent[0].0.header_bytes() <= MAX_REQUEST_HEADER_BYTES);
    }
}
