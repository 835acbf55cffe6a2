//! SigV4 signing of a DynamoDB request, by the `aws-sigv4` crate.

use std::time::SystemTime;

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use crate::error::ConnectorError;
use crate::input::Credentials;

/// The signing name of DynamoDB.
pub const SERVICE: &str = "dynamodb";

/// Signs a `POST /` to `url` and returns the headers to add (`authorization`, `x-amz-date`,
/// and `x-amz-security-token` with temporary credentials).
///
/// `headers` must hold `host` (signed, though the host, not the guest, sends it) and every
/// other header that is sent.
pub fn sign_request(
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    credentials: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<Vec<(&'static str, String)>, ConnectorError> {
    let identity: Identity = AwsCredentials::new(
        &credentials.access_key,
        &credentials.secret_key,
        credentials.session_token.clone(),
        None,
        "ddb-connector",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| signing_error(&e.to_string()))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| signing_error(&e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| signing_error(&e.to_string()))?
        .into_parts();
    let (signed_headers, _params) = instructions.into_parts();
    Ok(signed_headers
        .into_iter()
        .map(|h| (h.name(), h.value().to_string()))
        .collect())
}

fn signing_error(message: &str) -> ConnectorError {
    // The signer's errors speak of the request's shape, never of the secret.
    ConnectorError::Configuration {
        field: Some("authentication".into()),
        message: format!("the request could not be signed: {message}"),
    }
}
