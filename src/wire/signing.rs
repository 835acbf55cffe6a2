//! SigV4 signing of a DynamoDB (or STS) request.
//!
//! A DynamoDB or STS call is always `POST /`, no query, the same few headers, so the canonical request
//! and the string to sign are written here directly; the signing key and the signature come from
//! the `aws-sigv4` crate (`sign::v4`). Its general HTTP signer parses a URI, normalises and sorts
//! arbitrary headers and builds several intermediate strings, a large share of a call's work and
//! of the component's size (BENCHMARKS.md), for output this module produces byte for byte (tested
//! against that signer and against botocore; moto checks every signature end to end).

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use sha2::{Digest, Sha256};

use super::credentials::Credentials;
use crate::error::ConnectorError;

/// The signing name of DynamoDB (and of DynamoDB Streams).
pub const SERVICE: &str = "dynamodb";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// What signing adds to a request: header names are lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `x-amz-date`, the signing time: `YYYYMMDD'T'HHMMSS'Z'`.
    pub amz_date: String,
    /// `authorization`.
    pub authorization: String,
    /// `x-amz-security-token`, with temporary credentials (signed too).
    pub security_token: Option<String>,
}

impl SignedHeaders {
    /// Appends `x-amz-date`, `x-amz-security-token` (with temporary credentials) and
    /// `authorization`, in that order, to `headers`.
    pub fn append_to(self, headers: &mut Vec<(String, String)>) {
        headers.push(("x-amz-date".to_string(), self.amz_date));
        if let Some(token) = self.security_token {
            headers.push(("x-amz-security-token".to_string(), token));
        }
        headers.push(("authorization".to_string(), self.authorization));
    }
}

/// A `POST /` to sign: the service's signing name, the authority (`host[:port]`, as the Host
/// header carries it), the content type, the `x-amz-target` of JSON protocols (none for query
/// protocols such as STS's) and the body.
#[derive(Debug, Clone, Copy)]
pub struct SignableCall<'a> {
    /// Signing name, such as `dynamodb` or `sts`.
    pub service: &'a str,
    /// `host[:port]`.
    pub host: &'a str,
    /// `content-type`.
    pub content_type: &'a str,
    /// `x-amz-target`, when the protocol has one.
    pub target: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// Signs `POST /` to `host` with the headers DynamoDB's JSON protocol sends: `content-type` and
/// `x-amz-target`.
pub fn sign_request(
    host: &str,
    content_type: &str,
    target: &str,
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<SignedHeaders, ConnectorError> {
    let call = SignableCall {
        service: SERVICE,
        host,
        content_type,
        target: Some(target),
        body,
    };
    sign(&call, credentials, region, time)
}

/// Signs `call`. `content-length` is deliberately not signed, as the AWS SDKs do not sign it.
pub fn sign(
    call: &SignableCall,
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<SignedHeaders, ConnectorError> {
    let (date, amz_date) = signing_dates(time)?;
    let token = credentials.session_token.as_deref();
    check_printable(call.host, call.target.unwrap_or(""), credentials)?;
    let signed_header_names = match (token.is_some(), call.target.is_some()) {
        (false, false) => "content-type;host;x-amz-date",
        (true, false) => "content-type;host;x-amz-date;x-amz-security-token",
        (false, true) => "content-type;host;x-amz-date;x-amz-target",
        (true, true) => "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
    };
    let canonical = CanonicalRequest {
        content_type: call.content_type,
        host: call.host,
        amz_date: &amz_date,
        token,
        target: call.target,
        signed_header_names,
    }
    .write(call.body);

    let service = call.service;
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let mut string_to_sign = String::with_capacity(160);
    let _ = write!(string_to_sign, "{ALGORITHM}\n{amz_date}\n{scope}\n");
    push_hex(&mut string_to_sign, &Sha256::digest(canonical.as_bytes()));

    let key = generate_signing_key(&credentials.secret_key, time, region, service);
    let signature = calculate_signature(key, string_to_sign.as_bytes());
    let authorization = format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_header_names}, Signature={signature}",
        credentials.access_key
    );
    Ok(SignedHeaders {
        amz_date,
        authorization,
        security_token: credentials.session_token.clone(),
    })
}

/// The scope's date (`YYYYMMDD`) and `x-amz-date` (`YYYYMMDD'T'HHMMSS'Z'`) of `time`.
fn signing_dates(time: SystemTime) -> Result<(String, String), ConnectorError> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| time::OffsetDateTime::from_unix_timestamp(d.as_secs() as i64).ok())
        .filter(|t| (1970..=9999).contains(&t.year()))
        .ok_or_else(|| signing_error("the clock is outside the years 1970 to 9999"))?;
    let date = format!(
        "{:04}{:02}{:02}",
        seconds.year(),
        u8::from(seconds.month()),
        seconds.day()
    );
    let amz_date = format!(
        "{date}T{:02}{:02}{:02}Z",
        seconds.hour(),
        seconds.minute(),
        seconds.second()
    );
    Ok((date, amz_date))
}

/// Values go into the canonical request as they are: SigV4 would trim and fold spaces, but no
/// real host, key or token has any, and a control character could not be sent at all.
fn check_printable(
    host: &str,
    target: &str,
    credentials: &Credentials,
) -> Result<(), ConnectorError> {
    for (value, what) in [
        (host, "the endpoint's host"),
        (target, "the target"),
        (credentials.access_key.as_str(), "the access key"),
        (
            credentials.session_token.as_deref().unwrap_or(""),
            "the session token",
        ),
    ] {
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(signing_error(&format!(
                "{what} must be printable ASCII without spaces"
            )));
        }
    }
    Ok(())
}

/// The header values a DynamoDB call signs.
struct CanonicalRequest<'a> {
    content_type: &'a str,
    host: &'a str,
    amz_date: &'a str,
    token: Option<&'a str>,
    target: Option<&'a str>,
    signed_header_names: &'a str,
}

impl CanonicalRequest<'_> {
    /// Method, path, query (empty), headers sorted by name, each `name:value\n`, a blank line,
    /// the signed header names, the payload's hash.
    fn write(&self, body: &[u8]) -> String {
        let mut canonical = String::with_capacity(320 + self.token.map_or(0, str::len));
        canonical.push_str("POST\n/\n\ncontent-type:");
        canonical.push_str(self.content_type.trim());
        canonical.push_str("\nhost:");
        canonical.push_str(self.host);
        canonical.push_str("\nx-amz-date:");
        canonical.push_str(self.amz_date);
        if let Some(token) = self.token {
            canonical.push_str("\nx-amz-security-token:");
            canonical.push_str(token);
        }
        if let Some(target) = self.target {
            canonical.push_str("\nx-amz-target:");
            canonical.push_str(target);
        }
        canonical.push_str("\n\n");
        canonical.push_str(self.signed_header_names);
        canonical.push('\n');
        push_hex(&mut canonical, &Sha256::digest(body));
        canonical
    }
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
}

fn signing_error(message: &str) -> ConnectorError {
    // Messages speak of the request's shape, never of the secret.
    ConnectorError::Configuration {
        field: Some("authentication".into()),
        message: format!("the request could not be signed: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use aws_credential_types::Credentials as AwsCredentials;
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;

    use super::super::client::CONTENT_TYPE as CT;
    use super::*;

    /// The same request signed by aws-sigv4's general HTTP signer: the headers it adds.
    fn reference(
        call: &SignableCall,
        credentials: &Credentials,
        region: &str,
        time: SystemTime,
    ) -> Vec<(String, String)> {
        let identity: Identity = AwsCredentials::new(
            &credentials.access_key,
            &credentials.secret_key,
            credentials.session_token.clone(),
            None,
            "test",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(call.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let url = format!("http://{}/", call.host);
        let mut headers = vec![("host", call.host), ("content-type", call.content_type)];
        headers.extend(call.target.map(|t| ("x-amz-target", t)));
        let signable = SignableRequest::new(
            "POST",
            &url,
            headers.into_iter(),
            SignableBody::Bytes(call.body),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut added: Vec<(String, String)> = instructions
            .into_parts()
            .0
            .into_iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect();
        added.sort();
        added
    }

    /// Data-driven: every combination of these signs exactly as aws-sigv4's HTTP signer does;
    /// the target-less calls are STS's (query protocol, service `sts`).
    #[test]
    fn signatures_equal_the_aws_sigv4_http_signer() {
        let hosts = [
            "127.0.0.1:8000",
            "dynamodb.eu-central-1.amazonaws.com",
            "[::1]:4567",
        ];
        let targets = [
            Some("DynamoDB_20120810.GetItem"),
            Some("DynamoDB_20120810.TransactWriteItems"),
            None,
        ];
        let bodies: [&[u8]; 4] = [
            b"",
            b"{}",
            "{\"TableName\":\"t\",\"Item\":{\"s\":{\"S\":\"ünïcødé\"}}}".as_bytes(),
            &[b'x'; 5000],
        ];
        let tokens = [None, Some("FwoGZXIvYXdzEJr//////////wEaDO+/=")];
        let regions = ["us-east-1", "cn-north-1"];
        let times = [0u64, 1_440_938_160, 1_700_000_000, 4_102_444_799];
        let mut cases = 0;
        for host in hosts {
            for target in targets {
                for body in bodies {
                    for token in tokens {
                        for region in regions {
                            for secs in times {
                                let credentials = Credentials {
                                    access_key: "AKIDEXAMPLE".into(),
                                    secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
                                    session_token: token.map(str::to_string),
                                };
                                let time = UNIX_EPOCH + Duration::from_secs(secs);
                                let call = SignableCall {
                                    service: if target.is_some() { SERVICE } else { "sts" },
                                    host,
                                    content_type: match target {
                                        Some(_) => CT,
                                        None => "application/x-www-form-urlencoded; charset=utf-8",
                                    },
                                    target,
                                    body,
                                };
                                let ours = super::sign(&call, &credentials, region, time).unwrap();
                                let mut ours_added = vec![
                                    ("authorization".to_string(), ours.authorization),
                                    ("x-amz-date".to_string(), ours.amz_date),
                                ];
                                if let Some(token) = ours.security_token {
                                    ours_added.push(("x-amz-security-token".to_string(), token));
                                }
                                ours_added.sort();
                                assert_eq!(
                                    ours_added,
                                    reference(&call, &credentials, region, time),
                                    "{host} {target:?} {token:?} {region} {secs}"
                                );
                                cases += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 3 * 3 * 4 * 2 * 2 * 4);
    }

    #[test]
    fn unsignable_values_are_configuration_errors_without_the_secret() {
        let credentials = |token: &str| Credentials {
            access_key: "AKID".into(),
            secret_key: "never-shown-secret".into(),
            session_token: Some(token.into()),
        };
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for token in ["line\nbreak", "tab\there", "ünï", "a space"] {
            let error = sign_request("h", CT, "t", b"", &credentials(token), "us-east-1", time)
                .unwrap_err()
                .to_string();
            assert!(error.contains("authentication"), "{error}");
            assert!(!error.contains("never-shown-secret"), "{error}");
        }
        let early = UNIX_EPOCH - Duration::from_secs(1);
        assert!(sign_request("h", CT, "t", b"", &credentials("ok"), "us-east-1", early).is_err());
    }
}
