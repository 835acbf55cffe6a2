//! Who is calling: the bearer token picks the tenant. Only the SHA-256 of each token is held,
//! and a presented token's hash is compared with every tenant's in constant time, so neither the
//! answer's timing nor the configuration reveals a token.

use sha2::{Digest as _, Sha256};
use subtle::{ConditionallySelectable as _, ConstantTimeEq as _};

use super::config::TenantSettings;

/// The tenants, in the configuration's order.
pub(crate) struct Tenants {
    tenants: Vec<TenantSettings>,
}

impl Tenants {
    pub(crate) fn new(tenants: Vec<TenantSettings>) -> Self {
        Self { tenants }
    }

    pub(crate) fn all(&self) -> &[TenantSettings] {
        &self.tenants
    }

    /// The index of the tenant whose token is in `authorization` (`Bearer <token>`), or `None`
    /// for a missing, malformed or unknown token.
    pub(crate) fn authenticate(&self, authorization: Option<&http::HeaderValue>) -> Option<usize> {
        let token = bearer_token(authorization?)?;
        let presented: [u8; 32] = Sha256::digest(token).into();
        // Every hash is compared, whichever matches: the time taken does not depend on which.
        let mut found = subtle::CtOption::new(0u64, 0u8.into());
        for (index, tenant) in self.tenants.iter().enumerate() {
            let matches = tenant.token_sha256.ct_eq(&presented);
            let candidate = subtle::CtOption::new(index as u64, matches);
            found = subtle::CtOption::conditional_select(&found, &candidate, matches);
        }
        Option::<u64>::from(found).map(|i| i as usize)
    }
}

/// The token of `Bearer <token>` (the scheme's name in any case, RFC 9110 §11.1).
fn bearer_token(authorization: &http::HeaderValue) -> Option<&[u8]> {
    let value = authorization.as_bytes();
    let (scheme, token) = value.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = token.trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddb_connector_host::Tenant;

    fn tenant(name: &str, token: &str) -> TenantSettings {
        TenantSettings {
            name: name.into(),
            token_sha256: Sha256::digest(token.as_bytes()).into(),
            sandbox: Tenant::default(),
            max_concurrent: None,
            rate: None,
        }
    }

    fn header(value: &str) -> http::HeaderValue {
        http::HeaderValue::from_str(value).unwrap()
    }

    #[test]
    fn a_token_picks_its_tenant_and_nothing_else_does() {
        let tenants = Tenants::new(vec![tenant("a", "token-a"), tenant("b", "token-b")]);
        assert_eq!(
            tenants.authenticate(Some(&header("Bearer token-a"))),
            Some(0)
        );
        assert_eq!(
            tenants.authenticate(Some(&header("bearer token-b"))),
            Some(1)
        );
        assert_eq!(
            tenants.authenticate(Some(&header("Bearer  token-b "))),
            Some(1)
        );
        for refused in [
            "Bearer token-c",
            "Bearer ",
            "Basic token-a",
            "token-a",
            "Bearer token-a2",
        ] {
            assert_eq!(
                tenants.authenticate(Some(&header(refused))),
                None,
                "{refused}"
            );
        }
        assert_eq!(tenants.authenticate(None), None);
    }

    #[test]
    fn the_hash_of_a_token_is_not_a_token() {
        let tenants = Tenants::new(vec![tenant("a", "token-a")]);
        let hash: String = tenants.all()[0]
            .token_sha256
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            tenants.authenticate(Some(&header(&format!("Bearer {hash}")))),
            None
        );
    }
}
