//! Who signs: an access key pair, given in the request, read from the sandbox's environment, or
//! given by STS for a role (`sts`).

use crate::error::ConnectorError;

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
        Ok(Self {
            access_key,
            secret_key,
            session_token: get("AWS_SESSION_TOKEN"),
        })
    }
}
