//! SigV4 signing of a DynamoDB (or STS) request.
//!
//! A DynamoDB or STS call is always `POST /`, no query, the same few headers, so the canonical request
//! and the string to sign are written here directly, and the signing key and signature are
//! HMAC-SHA256 (`hmac`, `sha2`) as the spec chains them. aws-sigv4's general HTTP signer parses a
//! URI, normalises and sorts arbitrary headers and builds several intermediate strings, a large
//! share of a call's work and of the component's size (BENCHMARKS.md), for output this module
//! produces byte for byte (tested against that signer and against botocore; moto checks every
//! signature end to end).
//!
//! A [`Signer`] keeps the day's signing key, so the calls, pages and retries of one invocation
//! derive it once; callers hash a payload once ([`payload_hash`]) however often it is signed.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::credentials::Credentials;
use crate::error::ConnectorError;

type HmacSha256 = Hmac<Sha256>;

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
/// protocols such as STS's) and the body's hash.
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
    /// The body's [`payload_hash`].
    pub payload_hash: &'a str,
}

/// The hex SHA-256 of a request body, as the canonical request carries it.
pub fn payload_hash(body: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    push_hex(&mut hex, &Sha256::digest(body));
    hex
}

/// Signs with one access key pair in one region, keeping the latest signing key (a chain of
/// four HMACs from the secret) with the scope it was derived for.
pub struct Signer {
    credentials: Credentials,
    region: String,
    /// The scope (`date/region/service/aws4_request`) and the HMAC keyed with its signing key.
    key: Option<(String, HmacSha256)>,
    /// How many signing keys were derived.
    #[cfg(test)]
    derivations: u32,
}

impl Signer {
    /// A signer for `credentials` in `region`, with no key derived yet.
    pub fn new(credentials: Credentials, region: String) -> Self {
        Self {
            credentials,
            region,
            key: None,
            #[cfg(test)]
            derivations: 0,
        }
    }

    /// Signs `call` at `time`. `content-length` is deliberately not signed, as the AWS SDKs do
    /// not sign it.
    pub fn sign(
        &mut self,
        call: &SignableCall,
        time: SystemTime,
    ) -> Result<SignedHeaders, ConnectorError> {
        let (date, amz_date) = signing_dates(time)?;
        let credentials = &self.credentials;
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
        .write(call.payload_hash);

        let scope = format!("{date}/{}/{}/aws4_request", self.region, call.service);
        let mut mac = self.keyed_mac(&scope, &date, call.service);
        mac.update(ALGORITHM.as_bytes());
        mac.update(b"\n");
        mac.update(amz_date.as_bytes());
        mac.update(b"\n");
        mac.update(scope.as_bytes());
        mac.update(b"\n");
        let mut canonical_hash = String::with_capacity(64);
        push_hex(&mut canonical_hash, &Sha256::digest(canonical.as_bytes()));
        mac.update(canonical_hash.as_bytes());
        let mut authorization = String::with_capacity(256);
        let _ = write!(
            authorization,
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_header_names}, Signature=",
            self.credentials.access_key
        );
        push_hex(&mut authorization, &mac.finalize().into_bytes());
        Ok(SignedHeaders {
            amz_date,
            authorization,
            security_token: self.credentials.session_token.clone(),
        })
    }

    /// A copy of the HMAC keyed with `scope`'s signing key, derived only when the scope changed
    /// (a new day, or another service).
    fn keyed_mac(&mut self, scope: &str, date: &str, service: &str) -> HmacSha256 {
        match &self.key {
            Some((cached, mac)) if cached == scope => mac.clone(),
            _ => {
                let key = signing_key(&self.credentials.secret_key, date, &self.region, service);
                let mac = keyed(&key);
                #[cfg(test)]
                {
                    self.derivations += 1;
                }
                self.key = Some((scope.to_string(), mac.clone()));
                mac
            }
        }
    }
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut secret_key = Vec::with_capacity(4 + secret.len());
    secret_key.extend_from_slice(b"AWS4");
    secret_key.extend_from_slice(secret.as_bytes());
    let mut key = hmac(&secret_key, date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    key
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (a long one is hashed first): this never fails.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

/// Signs `POST /` to `host` with the headers DynamoDB's JSON protocol sends: `content-type` and
/// `x-amz-target` (a one-off [`Signer`]).
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
        payload_hash: &payload_hash(body),
    };
    Signer::new(credentials.clone(), region.to_string()).sign(&call, time)
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
    fn write(&self, payload_hash: &str) -> String {
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
        canonical.push_str(payload_hash);
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
#[path = "signing_tests.rs"]
mod tests;
