//! The typed request's envelope (its `authentication`, `configuration` and `awsCredential`) as
//! the JSON objects they stand for; `to_request` writes the `input`.

use serde_json::{Value, json};

use super::wit;
use crate::input::field::{self, auth_type};

/// The JSON `configuration` object `configuration` stands for.
pub(super) fn configuration(configuration: wit::Configuration) -> Value {
    json!({
        (field::REGION): configuration.region,
        (field::ENDPOINT): configuration.endpoint,
        (field::STS_ENDPOINT): configuration.sts_endpoint,
        (field::MAX_ATTEMPTS): configuration.max_attempts,
        (field::TIMEOUT_MS): configuration.timeout_ms,
        (field::STREAMS_ENDPOINT): configuration.streams_endpoint,
    })
}

/// The JSON `awsCredential` object `credential` stands for.
pub(super) fn aws_credential(credential: wit::AwsCredential) -> Value {
    json!({
        (field::AUTHENTICATION): authentication(credential.authentication),
        (field::REGION): credential.region,
    })
}

/// The JSON `authentication` object `authentication` stands for.
pub(super) fn authentication(authentication: wit::Authentication) -> Value {
    let keys = |c: wit::StaticCredentials| json!({ (field::ACCESS_KEY): c.access_key, (field::SECRET_KEY): c.secret_key, (field::SESSION_TOKEN): c.session_token });
    let (kind, mut object) = match authentication {
        wit::Authentication::Credentials(c) => (auth_type::CREDENTIALS, keys(c)),
        wit::Authentication::DefaultCredentialsChain => {
            (auth_type::DEFAULT_CREDENTIALS_CHAIN, json!({}))
        }
        wit::Authentication::AssumeRole(role) => {
            let mut object = role.caller.map_or_else(|| json!({}), keys);
            object[field::ROLE_ARN] = json!(role.role_arn);
            object[field::EXTERNAL_ID] = json!(role.external_id);
            object[field::ROLE_SESSION_NAME] = json!(role.role_session_name);
            object[field::DURATION_SECONDS] = json!(role.duration_seconds);
            object[field::POLICY] = json!(role.policy);
            (auth_type::ASSUME_ROLE, object)
        }
        wit::Authentication::WebIdentity(role) => {
            let object = json!({
                (field::ROLE_ARN): role.role_arn,
                (field::WEB_IDENTITY_TOKEN): role.web_identity_token,
                (field::ROLE_SESSION_NAME): role.role_session_name,
                (field::DURATION_SECONDS): role.duration_seconds,
            });
            (auth_type::WEB_IDENTITY, object)
        }
    };
    object[field::TYPE] = json!(kind);
    object
}
