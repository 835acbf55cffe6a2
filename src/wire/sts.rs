//! Temporary credentials from AWS STS: `AssumeRole` (signed by the caller's keys, with the
//! tenant's ExternalId) and `AssumeRoleWithWebIdentity` (unsigned: the token is the proof).
//!
//! STS speaks the query protocol: `POST /`, form-encoded parameters, an XML answer.

use std::time::SystemTime;

use super::client::Transport;
use super::credentials::Credentials;
use super::endpoint::Endpoint;
use super::http::{HttpRequest, HttpResponse, Platform};
use super::signing::{self, SignableCall, SignedHeaders, Signer};
use crate::error::{self, ConnectorError};
use crate::xml;

/// The signing name of STS.
pub const SERVICE: &str = "sts";
/// The STS API version the parameters follow.
pub const API_VERSION: &str = "2011-06-15";
const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// Error codes STS documents as worth retrying besides throttling and 5xx.
const RETRYABLE_CODES: &[&str] = &["IDPCommunicationError"];

/// The session asked of a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    /// The role's ARN.
    pub role_arn: String,
    /// The session's name, seen in the role's CloudTrail entries.
    pub session_name: String,
    /// How long the credentials last, 900 to 43,200 seconds.
    pub duration_seconds: u32,
}

/// An `AssumeRole` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// The role and session.
    pub session: RoleSession,
    /// The ExternalId the role's trust policy asks for.
    pub external_id: Option<String>,
    /// A session policy (JSON text) that narrows the role's permissions.
    pub policy: Option<String>,
}

/// An `AssumeRoleWithWebIdentity` call. Its `Debug` form hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AssumeRoleWithWebIdentity {
    /// The role and session.
    pub session: RoleSession,
    /// The OIDC token of the identity provider.
    pub token: String,
}

impl std::fmt::Debug for AssumeRoleWithWebIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentity")
            .field("session", &self.session)
            .field("token", &"** redacted **")
            .finish()
    }
}

/// Where STS is, and the region its signature names.
#[derive(Debug, Clone)]
pub struct Sts<'a> {
    /// STS's endpoint.
    pub endpoint: Endpoint,
    /// The signing region.
    pub region: &'a str,
}

impl Sts<'_> {
    /// Calls `AssumeRole`, signed with `caller`'s keys; returns the role's credentials.
    pub fn assume_role<P: Platform + ?Sized>(
        &self,
        transport: &mut Transport<'_, P>,
        caller: &Credentials,
        call: &AssumeRole,
    ) -> Result<Credentials, ConnectorError> {
        let mut extra = Vec::with_capacity(2);
        if let Some(id) = &call.external_id {
            extra.push(("ExternalId", id.as_str()));
        }
        if let Some(policy) = &call.policy {
            extra.push(("Policy", policy.as_str()));
        }
        let body = form_body("AssumeRole", &call.session, &extra);
        // Hashed and keyed once however many attempts sign it.
        let payload_hash = signing::payload_hash(&body);
        let mut signer = Signer::new(caller.clone(), self.region.to_string());
        transport.exchange(
            |time| self.signed_request(&body, &payload_hash, &mut signer, time),
            |response| read_credentials(response, "AssumeRole"),
        )
    }

    /// Calls `AssumeRoleWithWebIdentity` (unsigned); returns the role's credentials.
    pub fn assume_role_with_web_identity<P: Platform + ?Sized>(
        &self,
        transport: &mut Transport<'_, P>,
        call: &AssumeRoleWithWebIdentity,
    ) -> Result<Credentials, ConnectorError> {
        let extra = [("WebIdentityToken", call.token.as_str())];
        let body = form_body("AssumeRoleWithWebIdentity", &call.session, &extra);
        transport.exchange(
            |_| Ok(self.request(body.clone(), None)),
            |response| read_credentials(response, "AssumeRoleWithWebIdentity"),
        )
    }

    fn signed_request(
        &self,
        body: &[u8],
        payload_hash: &str,
        signer: &mut Signer,
        time: SystemTime,
    ) -> Result<HttpRequest, ConnectorError> {
        let call = SignableCall {
            service: SERVICE,
            host: &self.endpoint.authority,
            content_type: CONTENT_TYPE,
            target: None,
            payload_hash,
        };
        let signed = signer.sign(&call, time)?;
        Ok(self.request(body.to_vec(), Some(signed)))
    }

    /// `POST /` of `body`, with the headers of `signed` when the call is signed.
    fn request(&self, body: Vec<u8>, signed: Option<SignedHeaders>) -> HttpRequest {
        let mut headers = vec![("content-type", CONTENT_TYPE.to_string())];
        if let Some(signed) = signed {
            signed.append_to(&mut headers);
        }
        headers.push(("content-length", body.len().to_string()));
        HttpRequest {
            https: self.endpoint.https,
            authority: self.endpoint.authority.clone(),
            headers,
            body,
        }
    }
}

/// The form body of `action` for `session`, then `extra` parameters, in that order.
fn form_body(action: &str, session: &RoleSession, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut form = form_urlencoded::Serializer::new(String::with_capacity(256));
    form.append_pair("Action", action)
        .append_pair("Version", API_VERSION)
        .append_pair("RoleArn", &session.role_arn)
        .append_pair("RoleSessionName", &session.session_name)
        .append_pair("DurationSeconds", &session.duration_seconds.to_string())
        .extend_pairs(extra);
    form.finish().into_bytes()
}

/// Reads STS's answer to `action`: the credentials of a 200, or the error it describes,
/// marked as STS's (`details.service`).
pub fn read_credentials(
    response: &HttpResponse,
    action: &str,
) -> Result<Credentials, ConnectorError> {
    let request_id = response.header("x-amzn-requestid").map(str::to_string);
    if response.status != 200 {
        return Err(sts_error(response, request_id, action));
    }
    let text = String::from_utf8_lossy(&response.body);
    let result = format!("{action}Result");
    let paths: [&[&str]; 3] = [
        &[&result, "Credentials", "AccessKeyId"],
        &[&result, "Credentials", "SecretAccessKey"],
        &[&result, "Credentials", "SessionToken"],
    ];
    let credentials = xml::texts(&text, &paths).and_then(|found| {
        let mut found = found.into_iter().map(|t| t.filter(|t| !t.is_empty()));
        Some(Credentials {
            access_key: found.next()??,
            secret_key: found.next()??,
            session_token: found.next()?,
        })
    });
    credentials.ok_or_else(|| ConnectorError::Execution {
        code: "InvalidResponse".into(),
        message: format!("STS's answer to {action} holds no credentials"),
        http_status: response.status,
        request_id,
        retryable: true,
        attempts: 1,
        details: Some(Box::new(sts_details(action))),
    })
}

fn sts_error(response: &HttpResponse, request_id: Option<String>, action: &str) -> ConnectorError {
    let mut error = error::from_error_response(response.status, request_id, &response.body);
    if let ConnectorError::Execution {
        code,
        retryable,
        details,
        ..
    } = &mut error
    {
        *retryable |= RETRYABLE_CODES.contains(&code.as_str());
        *details = Some(Box::new(sts_details(action)));
    }
    error
}

fn sts_details(action: &str) -> serde_json::Value {
    serde_json::json!({"service": "sts", "action": action})
}

#[cfg(test)]
#[path = "sts_tests.rs"]
mod tests;
