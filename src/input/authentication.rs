//! The `authentication` block: static keys, the sandbox's environment, or a role assumed
//! through STS (with the tenant's ExternalId, or with a web identity token).
//!
//! The role fields are checked against STS's own rules, so a mistyped ARN or session name is
//! a configuration error naming the field, and STS is never called with it.

use super::fields::Fields;
use crate::error::ConnectorError;
use crate::input::field::{self, auth_type};
use crate::wire::Credentials;
use crate::wire::credentials::check_header_value;
use crate::wire::sts::{AssumeRole, RoleSession};

/// The `authentication.type` values.
const TYPES: &str =
    "\"credentials\", \"defaultCredentialsChain\", \"assumeRole\" or \"webIdentity\"";
/// STS's default session length, and its bounds.
const DURATION_SECONDS: std::ops::RangeInclusive<u64> = 900..=43_200;
/// The session name when none is given.
pub const DEFAULT_SESSION_NAME: &str = "ddb-connector";
/// STS's bound on a session policy's text.
const MAX_POLICY_CHARS: usize = 2048;

/// Where credentials come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Given in the request.
    Static(Credentials),
    /// The sandbox's environment (`AWS_ACCESS_KEY_ID`, ...).
    DefaultChain,
    /// A role assumed with `AssumeRole`, signed by `caller` (`None`: the sandbox's environment).
    AssumeRole {
        /// The STS call.
        call: AssumeRole,
        /// The keys that call STS.
        caller: Option<Credentials>,
    },
    /// A role assumed with `AssumeRoleWithWebIdentity`.
    WebIdentity {
        /// The role and session.
        session: RoleSession,
        /// The token (`None`: the sandbox's `AWS_WEB_IDENTITY_TOKEN`).
        token: Option<WebIdentityToken>,
    },
}

/// A web identity token. Its `Debug` form hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebIdentityToken(pub String);

impl std::fmt::Debug for WebIdentityToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebIdentityToken(** redacted **)")
    }
}

/// The fields of the key-based types (`region` is where older requests put the region).
const KEY_FIELDS: [&str; 5] = [
    field::TYPE,
    field::ACCESS_KEY,
    field::SECRET_KEY,
    field::SESSION_TOKEN,
    field::REGION,
];

/// Reads the `authentication` object.
pub fn read_auth(fields: Fields) -> Result<Auth, ConnectorError> {
    let kind = fields.string(field::TYPE)?;
    let has_keys = fields.has(field::ACCESS_KEY) || fields.has(field::SECRET_KEY);
    match kind.as_deref() {
        Some(auth_type::CREDENTIALS) => {}
        None if has_keys => {}
        Some(auth_type::DEFAULT_CREDENTIALS_CHAIN) => {
            // Keys left over from a form that switched type are ignored, as before.
            fields.reject_unknown(&KEY_FIELDS)?;
            return Ok(Auth::DefaultChain);
        }
        Some(auth_type::ASSUME_ROLE) => return read_assume_role(fields),
        Some(auth_type::WEB_IDENTITY) => return read_web_identity(fields),
        None => return Err(fields.error(field::TYPE, format!("is required: {TYPES}"))),
        Some(_) => return Err(fields.error(field::TYPE, format!("must be {TYPES}"))),
    }
    fields.reject_unknown(&KEY_FIELDS)?;
    read_keys(fields).map(Auth::Static)
}

fn read_assume_role(fields: Fields) -> Result<Auth, ConnectorError> {
    fields.reject_unknown(&[
        field::TYPE,
        field::ROLE_ARN,
        field::EXTERNAL_ID,
        field::ROLE_SESSION_NAME,
        field::DURATION_SECONDS,
        field::POLICY,
        field::ACCESS_KEY,
        field::SECRET_KEY,
        field::SESSION_TOKEN,
        field::REGION,
    ])?;
    let session = read_session(fields)?;
    let external_id = fields.string(field::EXTERNAL_ID)?;
    if let Some(id) = &external_id {
        check_chars(id, 2..=1224, "+=,.@:/-").map_err(|m| fields.error(field::EXTERNAL_ID, m))?;
    }
    let caller = if fields.has(field::ACCESS_KEY) || fields.has(field::SECRET_KEY) {
        Some(read_keys(fields)?)
    } else if fields.has(field::SESSION_TOKEN) {
        return Err(fields.error(
            field::SESSION_TOKEN,
            "is given without accessKey and secretKey",
        ));
    } else {
        None
    };
    let call = AssumeRole {
        session,
        external_id,
        policy: read_policy(fields)?,
    };
    Ok(Auth::AssumeRole { call, caller })
}

fn read_web_identity(fields: Fields) -> Result<Auth, ConnectorError> {
    fields.reject_unknown(&[
        field::TYPE,
        field::ROLE_ARN,
        field::WEB_IDENTITY_TOKEN,
        field::ROLE_SESSION_NAME,
        field::DURATION_SECONDS,
        field::REGION,
    ])?;
    let session = read_session(fields)?;
    let token = fields.string(field::WEB_IDENTITY_TOKEN)?;
    if let Some(token) = &token {
        check_web_identity_token(token).map_err(|m| fields.error(field::WEB_IDENTITY_TOKEN, m))?;
    }
    Ok(Auth::WebIdentity {
        session,
        token: token.map(WebIdentityToken),
    })
}

/// Checks a web identity token as STS bounds it: 4 to 20,000 printable characters.
pub fn check_web_identity_token(token: &str) -> Result<(), &'static str> {
    if !(4..=20_000).contains(&token.len()) {
        return Err("must be 4 to 20000 characters");
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must be printable ASCII without spaces");
    }
    Ok(())
}

fn read_session(fields: Fields) -> Result<RoleSession, ConnectorError> {
    let role_arn = fields.required_string(field::ROLE_ARN)?;
    check_role_arn(&role_arn).map_err(|m| fields.error(field::ROLE_ARN, m))?;
    let session_name = fields
        .string(field::ROLE_SESSION_NAME)?
        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string());
    check_chars(&session_name, 2..=64, "+=,.@-")
        .map_err(|m| fields.error(field::ROLE_SESSION_NAME, m))?;
    let duration_seconds = fields
        .u64_in(field::DURATION_SECONDS, DURATION_SECONDS)?
        .map_or(*DURATION_SECONDS.start(), |n| n) as u32;
    Ok(RoleSession {
        role_arn,
        session_name,
        duration_seconds,
    })
}

/// A session policy: an object, or JSON text holding one, sent compact.
fn read_policy(fields: Fields) -> Result<Option<String>, ConnectorError> {
    let Some(policy) = fields.map(field::POLICY)? else {
        return Ok(None);
    };
    let text = serde_json::Value::Object(policy).to_string();
    if text.chars().count() > MAX_POLICY_CHARS {
        return Err(fields.error(
            field::POLICY,
            format!("must be at most {MAX_POLICY_CHARS} characters of JSON"),
        ));
    }
    Ok(Some(text))
}

/// An IAM role ARN: `arn:<partition>:iam::<12-digit account>:role/<path/><name>`.
pub fn check_role_arn(arn: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "must be an IAM role ARN such as arn:aws:iam::123456789012:role/name";
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(SHAPE);
    };
    let partition_ok = partition.starts_with("aws")
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return Err(SHAPE);
    };
    let name = path_and_name.rsplit('/').next().unwrap_or_default();
    let valid = partition_ok
        && account_ok
        && arn.len() <= 2048
        && (1..=64).contains(&name.len())
        && check_chars(path_and_name, 1..=2048, "+=,.@-/").is_ok();
    if valid { Ok(()) } else { Err(SHAPE) }
}

/// Letters, digits, `_` and `extra`, with a length in `len` (STS's `[\w<extra>]*` rules).
fn check_chars(
    value: &str,
    len: std::ops::RangeInclusive<usize>,
    extra: &str,
) -> Result<(), String> {
    if !len.contains(&value.len()) {
        return Err(format!(
            "must be {} to {} characters",
            len.start(),
            len.end()
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c);
    if value.chars().all(allowed) {
        Ok(())
    } else {
        Err(format!(
            "may hold only letters, digits and the characters _{extra}"
        ))
    }
}

/// `accessKey`, `secretKey` and `sessionToken`.
fn read_keys(fields: Fields) -> Result<Credentials, ConnectorError> {
    let access_key = fields.required_string(field::ACCESS_KEY)?;
    let secret_key = fields.required_string(field::SECRET_KEY)?;
    check_key_pair(&access_key, &secret_key).map_err(|(key, m)| fields.error(key, m))?;
    let session_token = fields.non_empty_string(field::SESSION_TOKEN)?;
    check_session_token(&access_key, session_token.as_deref())
        .map_err(|(key, m)| fields.error(key, m))?;
    Ok(Credentials {
        access_key,
        secret_key,
        session_token,
    })
}

/// The characters of a given (not blank) key pair; an error names its field.
pub(crate) fn check_key_pair(
    access_key: &str,
    secret_key: &str,
) -> Result<(), (&'static str, String)> {
    if access_key
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err((
            field::ACCESS_KEY,
            "must not contain spaces or control characters".into(),
        ));
    }
    if secret_key.chars().any(char::is_control) {
        return Err((
            field::SECRET_KEY,
            "must not contain control characters".into(),
        ));
    }
    Ok(())
}

/// The session token's characters (blank is absent), then what goes in a header within its
/// bound; an error names its field.
pub(crate) fn check_session_token(
    access_key: &str,
    session_token: Option<&str>,
) -> Result<(), (&'static str, String)> {
    if session_token.is_some_and(|t| t.chars().any(char::is_control)) {
        return Err((
            field::SESSION_TOKEN,
            "must not contain control characters".into(),
        ));
    }
    check_header_value(access_key).map_err(|m| (field::ACCESS_KEY, m))?;
    if let Some(token) = session_token {
        check_header_value(token).map_err(|m| (field::SESSION_TOKEN, m))?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "authentication_tests.rs"]
mod tests;
