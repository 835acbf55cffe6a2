//! One DynamoDB call: build the JSON-protocol HTTP request, sign it, send it through the
//! [`Platform`], read the answer, retry what is worth retrying.
//!
//! Everything here but [`Platform::send`] is pure, so it runs natively in unit tests.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::error::{self, ConnectorError};
use crate::input::{Credentials, Endpoint};
use crate::signing;

/// What the connector needs from its sandbox: outgoing HTTP, clocks, randomness, environment.
pub trait Platform {
    /// Sends one request; `Err` is a connection failure, described.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;
    /// Wall-clock time, for signatures.
    fn now(&self) -> SystemTime;
    /// Waits, for backoff and for tables to settle.
    fn sleep(&mut self, duration: Duration);
    /// 64 random bits, for backoff jitter and idempotency tokens.
    fn random_u64(&mut self) -> u64;
    /// An environment variable, for the default credentials chain.
    fn env(&self, name: &str) -> Option<String>;
}

/// A signed request, ready to send. `headers` never holds `host`: the host sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `true` for https.
    pub https: bool,
    /// `host[:port]`.
    pub authority: String,
    /// Headers to send, lowercase names.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Vec<u8>,
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, lowercase names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// DynamoDB's JSON protocol version, in `X-Amz-Target`.
pub const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// The JSON protocol's content type.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Attempts per call, as the AWS SDKs' standard retry mode.
pub const MAX_ATTEMPTS: u32 = 3;
/// Backoff base (DynamoDB's SDK default is 25 ms) and cap.
const BACKOFF_BASE: Duration = Duration::from_millis(25);
const BACKOFF_CAP: Duration = Duration::from_secs(20);

/// A uniform number in `[0, 1)` from 64 random bits (53 of them fit an f64 exactly).
pub fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Builds and signs the HTTP request for `operation` (such as `GetItem`) with a JSON body.
pub fn build_request(
    endpoint: &Endpoint,
    credentials: &Credentials,
    region: &str,
    operation: &str,
    body: Vec<u8>,
    time: SystemTime,
) -> Result<HttpRequest, ConnectorError> {
    let target = format!("{TARGET_PREFIX}{operation}");
    let url = endpoint.url();
    let signed = signing::sign_request(
        &url,
        &[
            ("host", endpoint.authority.as_str()),
            ("content-type", CONTENT_TYPE),
            ("x-amz-target", target.as_str()),
        ],
        &body,
        credentials,
        region,
        time,
    )?;
    let mut headers = vec![
        ("content-type".to_string(), CONTENT_TYPE.to_string()),
        ("x-amz-target".to_string(), target),
    ];
    headers.extend(signed.into_iter().map(|(n, v)| (n.to_string(), v)));
    Ok(HttpRequest {
        https: endpoint.https,
        authority: endpoint.authority.clone(),
        headers,
        body,
    })
}

/// Reads DynamoDB's answer: the JSON body of a 200, or the error it describes.
pub fn read_response(response: &HttpResponse) -> Result<Value, ConnectorError> {
    let request_id = response
        .header("x-amzn-requestid")
        .or_else(|| response.header("x-amz-request-id"))
        .map(str::to_string);
    if response.status != 200 {
        return Err(error::from_error_response(
            response.status,
            request_id,
            &response.body,
        ));
    }
    serde_json::from_slice(&response.body).map_err(|e| ConnectorError::Execution {
        code: "InvalidResponse".into(),
        message: format!("DynamoDB's answer is not valid JSON: {e}"),
        http_status: response.status,
        request_id,
        retryable: true,
        attempts: 1,
        details: None,
    })
}

/// A DynamoDB client for one request's credentials and endpoint.
pub struct Client<'p, P: Platform> {
    platform: &'p mut P,
    credentials: Credentials,
    region: String,
    endpoint: Endpoint,
}

impl<'p, P: Platform> Client<'p, P> {
    /// A client that sends through `platform`.
    pub fn new(
        platform: &'p mut P,
        credentials: Credentials,
        region: String,
        endpoint: Endpoint,
    ) -> Self {
        Self {
            platform,
            credentials,
            region,
            endpoint,
        }
    }

    /// The platform, for waits between calls.
    pub fn platform(&mut self) -> &mut P {
        self.platform
    }

    /// Sleeps before retry `attempt + 1`: `random(0,1) * min(base * 2^(attempt-1), cap)`.
    pub fn backoff(&mut self, attempt: u32) {
        let ceiling = BACKOFF_BASE
            .saturating_mul(1u32 << (attempt.clamp(1, 20) - 1))
            .min(BACKOFF_CAP);
        let delay = ceiling.mul_f64(unit_interval(self.platform.random_u64()));
        self.platform.sleep(delay);
    }

    /// Calls `operation` with `body`, retrying throttling, 5xx and connection failures with
    /// jittered exponential backoff, as the AWS SDKs' standard mode does.
    pub fn call(&mut self, operation: &str, body: &Value) -> Result<Value, ConnectorError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ConnectorError::Configuration {
            field: None,
            message: format!("the request body could not be written: {e}"),
        })?;
        let mut attempt = 1;
        loop {
            let request = build_request(
                &self.endpoint,
                &self.credentials,
                &self.region,
                operation,
                bytes.clone(),
                self.platform.now(),
            )?;
            let outcome = match self.platform.send(&request) {
                Ok(response) => read_response(&response),
                Err(message) => Err(ConnectorError::Connection {
                    message,
                    attempts: 1,
                }),
            };
            match outcome {
                Ok(value) => return Ok(value),
                Err(e) if e.is_retryable() && attempt < MAX_ATTEMPTS => {
                    self.backoff(attempt);
                    attempt += 1;
                }
                Err(e) => return Err(e.with_attempts(attempt)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
            &credentials(Some("TOKEN")),
            "us-east-1",
            "GetItem",
            b"{}".to_vec(),
            time,
        )
        .unwrap();
        let names: Vec<&str> = req.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert!(!names.contains(&"host"));
        let get = |n: &str| {
            req.headers
                .iter()
                .find(|(h, _)| h == n)
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
                &creds,
                region,
                op,
                body.as_bytes().to_vec(),
                time,
            )
            .unwrap();
            let ours = req
                .headers
                .iter()
                .find(|(n, _)| n == "authorization")
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
    }
}
