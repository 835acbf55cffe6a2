//! SigV4 signing of a DynamoDB (or STS) request.
//!
//! A DynamoDB or STS call is always `POST /`, no query, the same few headers, so the canonical request
//! and the string to sign are written here directly, and the signing key and signature are
//! HMAC-SHA256 ([`super::sha256`]) as the spec chains them. aws-sigv4's general HTTP signer parses a
//! URI, normalises and sorts arbitrary headers and builds several intermediate strings, a large
//! share of a call's work and of the component's size (BENCHMARKS.md), for output this module
//! produces byte for byte (tested against that signer and against botocore; moto checks every
//! signature end to end).
//!
//! A [`Signer`] keeps the day's signing key, so the calls, pages and retries of one invocation
//! derive it once; callers hash a payload once ([`payload_hash`]) however often it is signed.

use std::time::{SystemTime, UNIX_EPOCH};

use super::sha256::{Hmac, digest};

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
    pub fn append_to(self, headers: &mut Vec<(&'static str, String)>) {
        headers.push(("x-amz-date", self.amz_date));
        if let Some(token) = self.security_token {
            headers.push(("x-amz-security-token", token));
        }
        headers.push(("authorization", self.authorization));
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
    push_hex(&mut hex, &digest(body));
    hex
}

/// Signs with one access key pair in one region, keeping the latest signing key (a chain of
/// four HMACs from the secret) with the scope it was derived for.
pub struct Signer {
    credentials: Credentials,
    region: String,
    /// The scope (`date/region/service/aws4_request`) and the HMAC keyed with its signing key.
    key: Option<(String, Hmac)>,
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

    /// How many signing keys it derived.
    #[cfg(test)]
    pub(crate) fn derivations(&self) -> u32 {
        self.derivations
    }

    /// Signs `call` at `time`. `content-length` is deliberately not signed, as the AWS SDKs do
    /// not sign it.
    pub fn sign(
        &mut self,
        call: &SignableCall,
        time: SystemTime,
    ) -> Result<SignedHeaders, ConnectorError> {
        let amz_date = signing_time(time)?;
        // `YYYYMMDD`, the scope's date: the first eight characters (ASCII digits).
        let date = &amz_date[..8];
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

        // Written piece by piece: `format!` costs more than the pieces on every call.
        let scope = [date, "/", &self.region, "/", call.service, "/aws4_request"].concat();
        let mut string_to_sign = [ALGORITHM, "\n", &amz_date, "\n", &scope, "\n"].concat();
        push_hex(&mut string_to_sign, &digest(canonical.as_bytes()));
        let signature = self
            .keyed_mac(&scope, date, call.service)
            .sign(string_to_sign.as_bytes());
        let mut authorization = [
            ALGORITHM,
            " Credential=",
            &self.credentials.access_key,
            "/",
            &scope,
            ", SignedHeaders=",
            signed_header_names,
            ", Signature=",
        ]
        .concat();
        push_hex(&mut authorization, &signature);
        Ok(SignedHeaders {
            amz_date,
            authorization,
            security_token: self.credentials.session_token.clone(),
        })
    }

    /// The HMAC keyed with `scope`'s signing key, derived only when the scope changed (a new
    /// day, or another service).
    fn keyed_mac(&mut self, scope: &str, date: &str, service: &str) -> &Hmac {
        let (_, mac) = match self.key.take() {
            Some(entry) if entry.0 == scope => self.key.insert(entry),
            _ => {
                let key = signing_key(&self.credentials.secret_key, date, &self.region, service);
                #[cfg(test)]
                {
                    self.derivations += 1;
                }
                self.key.insert((scope.to_string(), Hmac::new(&key)))
            }
        };
        mac
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
    Hmac::new(key).sign(message)
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

/// `x-amz-date` (`YYYYMMDD'T'HHMMSS'Z'`) of `time`; its first eight characters are the scope's date.
fn signing_time(time: SystemTime) -> Result<String, ConnectorError> {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| time::OffsetDateTime::from_unix_timestamp(d.as_secs() as i64).ok())
        .filter(|t| (1970..=9999).contains(&t.year()))
        .ok_or_else(|| signing_error("the clock is outside the years 1970 to 9999"))?;
    let mut amz_date = String::with_capacity(16);
    push_digits(&mut amz_date, seconds.year().unsigned_abs(), 4);
    push_digits(&mut amz_date, u32::from(u8::from(seconds.month())), 2);
    push_digits(&mut amz_date, u32::from(seconds.day()), 2);
    amz_date.push('T');
    for part in [seconds.hour(), seconds.minute(), seconds.second()] {
        push_digits(&mut amz_date, u32::from(part), 2);
    }
    amz_date.push('Z');
    Ok(amz_date)
}

/// Appends the last `width` decimal digits of `value`, zero-padded (years are 1970 to 9999).
fn push_digits(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
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

/// Appends the lowercase hex of a SHA-256 digest, written to a buffer first: pushing each
/// char checks the capacity and encodes it.
fn push_hex(out: &mut String, digest: &[u8; 32]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [[0u8; 2]; 32];
    for (pair, b) in hex.iter_mut().zip(digest) {
        *pair = [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]];
    }
    // Hex digits are ASCII: the check always passes.
    out.push_str(std::str::from_utf8(hex.as_flattened()).unwrap_or_default());
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
