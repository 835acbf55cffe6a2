//! Who signs: an access key pair, given in the request, read from the sandbox's environment, or
//! given by STS for a role (`sts`).

use super::http::MAX_HEADER_VALUE_BYTES;
use crate::error::ConnectorError;

/// `Err` with a message (without the value) when `value` would pass [`MAX_HEADER_VALUE_BYTES`]
/// as a header value.
pub fn check_header_value(value: &str) -> Result<(), String> {
    if value.len() <= MAX_HEADER_VALUE_BYTES {
        Ok(())
    } else {
        Err(format!(
            "holds {} bytes, over the limit of {MAX_HEADER_VALUE_BYTES} for a value sent in a header",
            value.len()
        ))
    }
}

/// An access key pair. Its `Debug` form hides the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Access key id (not secret).
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Session token of temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

impl Credentials {
    /// Reads the credentials chain from environment variables through `lookup`; errors name
    /// the authentication type (`kind`) that needed them.
    pub fn from_environment(
        kind: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConnectorError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let access_key = get("AWS_ACCESS_KEY_ID").ok_or_else(|| {
            ConnectorError::config(
                "authentication",
                format!("{kind}: AWS_ACCESS_KEY_ID is not set in the connector's environment"),
            )
        })?;
        let secret_key = get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
            ConnectorError::config(
                "authentication",
                format!("{kind}: AWS_SECRET_ACCESS_KEY is not set in the connector's environment"),
            )
        })?;
        let session_token = get("AWS_SESSION_TOKEN");
        for (name, value) in [
            ("AWS_ACCESS_KEY_ID", Some(&access_key)),
            ("AWS_SESSION_TOKEN", session_token.as_ref()),
        ] {
            if let Some(Err(message)) = value.map(|v| check_header_value(v)) {
                return Err(ConnectorError::config(
                    "authentication",
                    format!("{kind}: {name} in the connector's environment {message}"),
                ));
            }
        }
        Ok(Self {
            access_key,
            secret_key,
            session_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_values_over_the_header_bound_are_refused_by_name() {
        let big = "x".repeat(MAX_HEADER_VALUE_BYTES + 1);
        let fits = "x".repeat(MAX_HEADER_VALUE_BYTES);
        let env = |key: &str, token: &str| {
            let (key, token) = (key.to_string(), token.to_string());
            move |name: &str| match name {
                "AWS_ACCESS_KEY_ID" => Some(key.clone()),
                "AWS_SECRET_ACCESS_KEY" => Some("secret".to_string()),
                "AWS_SESSION_TOKEN" => Some(token.clone()),
                _ => None,
            }
        };
        assert!(Credentials::from_environment("assumeRole", env(&fits, &fits)).is_ok());
        for (key, token, name) in [
            ("AKID", big.as_str(), "AWS_SESSION_TOKEN"),
            (big.as_str(), "t", "AWS_ACCESS_KEY_ID"),
        ] {
            let error = Credentials::from_environment("assumeRole", env(key, token)).unwrap_err();
            let text = error.to_string();
            assert!(text.contains(name), "{text}");
            assert!(!text.contains("xxxx"), "{text}");
            assert!(matches!(
                error,
                ConnectorError::Configuration { field: Some(f), .. } if f == "authentication"
            ));
        }
    }
}
