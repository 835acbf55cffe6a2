//! One tenant's share of the sandbox.

use crate::EgressPolicy;

/// One tenant's sandbox settings: the environment its invocation sees, and how it narrows
/// the operator's egress policy.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    /// Environment variables, such as `AWS_ACCESS_KEY_ID` for the default credentials chain.
    pub env: Vec<(String, String)>,
    /// Rules a request must also match, beyond the operator's: they can only remove.
    pub outbound: Option<EgressPolicy>,
}
