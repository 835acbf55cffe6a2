//! The egress policy: where a connector may connect, decided by the runtime operator.
//!
//! A tenant writes its endpoint; the operator decides which endpoints exist. Every request the
//! guest starts is checked here before any socket is opened:
//!
//! 1. **Names.** The endpoint's scheme, host and port must match one of the operator's rules
//!    ([`OutboundRule`], Spin's `allowed_outbound_hosts` syntax), or, when the operator gave none,
//!    be an official AWS endpoint of DynamoDB, DynamoDB Streams or STS over https ([`aws`]).
//!    A tenant's own rules can only narrow this: a request must match both.
//!    Refused: `HttpRequestDenied`.
//! 2. **Addresses.** The host is resolved once, and the connection goes to one of the addresses
//!    checked here (no second lookup, so DNS rebinding cannot switch it; the host's default
//!    resolver reuses an answer for a few seconds, [`dns_cache`], and reused answers are
//!    checked the same way). When the match came
//!    from a wildcard or from the AWS default, every address must be global unicast
//!    ([`address::prohibited`]): loopback, private, link-local (the metadata address), CGNAT and
//!    the rest are refused, also in their IPv6-embedded forms. A rule that names a host or an
//!    address exactly allows what it names. Refused: `DestinationIpProhibited`.
//!
//! Redirects are never followed: the guest sees a 3xx as an answer.

pub mod address;
pub mod aws;
pub mod dns_cache;
pub mod rule;

use std::fmt;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

pub use dns_cache::{CachingResolver, DNS_CACHE_TTL};

use crate::HostError;
pub use rule::{Match, OutboundRule, RequestHost};

/// Finds the addresses of a host name. Injectable, so tests can play a rebinding DNS server.
pub trait Resolve: Send + Sync + fmt::Debug {
    /// The addresses of `host` (a DNS name) at `port`.
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>;
}

/// The system resolver (`getaddrinfo`, through tokio).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
        let target = format!("{host}:{port}");
        Box::pin(async move { Ok(tokio::net::lookup_host(target).await?.collect()) })
    }
}

/// The operator's rules, or the AWS default when there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EgressPolicy {
    rules: Option<Vec<OutboundRule>>,
}

impl EgressPolicy {
    /// Only the official AWS endpoints of DynamoDB, DynamoDB Streams and STS, over https.
    pub fn aws_default() -> Self {
        Self { rules: None }
    }

    /// Exactly these rules (the AWS default no longer applies).
    pub fn rules<S: AsRef<str>>(rules: impl IntoIterator<Item = S>) -> Result<Self, HostError> {
        let rules = rules
            .into_iter()
            .map(|r| OutboundRule::parse(r.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { rules: Some(rules) })
    }

    /// The rules as written, or the AWS default's.
    pub fn describe(&self) -> Vec<String> {
        match &self.rules {
            Some(rules) => rules.iter().map(|r| r.as_str().to_string()).collect(),
            None => aws::describe(),
        }
    }

    /// How the policy allows `scheme://host:port`: an exact match wins over a wildcard.
    pub fn allows(&self, scheme: &str, host: &RequestHost, port: u16) -> Option<Match> {
        let Some(rules) = &self.rules else {
            let aws = scheme == "https"
                && port == 443
                && matches!(host, RequestHost::Name(name) if aws::is_default_endpoint(name));
            return aws.then_some(Match::Wildcard);
        };
        let mut found = None;
        for rule in rules {
            match rule.matches(scheme, host, port) {
                Some(Match::Exact) => return Some(Match::Exact),
                Some(Match::Wildcard) => found = Some(Match::Wildcard),
                None => {}
            }
        }
        found
    }
}

/// Where a checked request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// `true` for https.
    pub https: bool,
    /// The host as the endpoint wrote it: the TLS server name and the pool's key.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The checked addresses to connect to, in the resolver's order.
    pub addresses: Vec<SocketAddr>,
}

/// Why a request was refused; each maps to the wasi:http error the guest sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No rule allows the endpoint (or the URL is not one a rule could allow).
    NotAllowed(String),
    /// The endpoint resolves to an address the matching rule does not allow.
    AddressProhibited(String),
    /// The name could not be resolved.
    Unresolved(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed(why) | Self::AddressProhibited(why) | Self::Unresolved(why) => {
                f.write_str(why)
            }
        }
    }
}

impl From<Refusal> for wasmtime_wasi_http::Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotAllowed(_) => Self::HttpRequestDenied,
            Refusal::AddressProhibited(_) => Self::DestinationIpProhibited,
            Refusal::Unresolved(why) => Self::DnsError {
                rcode: Some(why),
                info_code: None,
            },
        }
    }
}

/// The whole check for one invocation: the operator's policy, the tenant's narrowing, and the
/// resolver.
#[derive(Debug, Clone)]
pub struct Egress {
    /// The operator's policy.
    pub operator: EgressPolicy,
    /// The tenant's rules, when it narrows the operator's.
    pub tenant: Option<EgressPolicy>,
    /// How names are resolved.
    pub resolver: Arc<dyn Resolve>,
}

impl Egress {
    /// Checks `uri` and resolves it to the addresses it may connect to.
    pub async fn check(&self, uri: &http::Uri) -> Result<Destination, Refusal> {
        let (https, host_text, port) = parts(uri)?;
        let host = rule::request_host(host_text)
            .map_err(|why| Refusal::NotAllowed(format!("{host_text}: {why}")))?;
        let scheme = if https { "https" } else { "http" };
        let not_allowed = || {
            Refusal::NotAllowed(format!(
                "no outbound rule allows {scheme}://{host_text}:{port}"
            ))
        };
        let how = self
            .operator
            .allows(scheme, &host, port)
            .ok_or_else(not_allowed)?;
        if let Some(tenant) = &self.tenant {
            tenant.allows(scheme, &host, port).ok_or_else(not_allowed)?;
        }
        let addresses = match &host {
            RequestHost::Ip(ip) => vec![SocketAddr::new(*ip, port)],
            RequestHost::Name(name) => self.resolve(name, port).await?,
        };
        if how == Match::Wildcard {
            for address in &addresses {
                if let Some(why) = address::prohibited(address.ip()) {
                    return Err(Refusal::AddressProhibited(format!(
                        "{host_text} resolves to {}, a {why} address",
                        address.ip()
                    )));
                }
            }
        }
        let host = match host {
            RequestHost::Name(name) => name,
            RequestHost::Ip(ip) => ip.to_string(),
        };
        Ok(Destination {
            https,
            host,
            port,
            addresses,
        })
    }

    async fn resolve(&self, name: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        let addresses = self
            .resolver
            .resolve(name, port)
            .await
            .map_err(|e| Refusal::Unresolved(format!("{name}: {e}")))?;
        if addresses.is_empty() {
            return Err(Refusal::Unresolved(format!("{name} has no address")));
        }
        // A resolver may hand back IPv4-mapped forms: connect to what they stand for.
        Ok(addresses
            .into_iter()
            .map(|a| match a.ip() {
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => SocketAddr::new(IpAddr::V4(v4), a.port()),
                    None => a,
                },
                IpAddr::V4(_) => a,
            })
            .collect())
    }
}

/// Scheme, host and port of an absolute http(s) URI.
fn parts(uri: &http::Uri) -> Result<(bool, &str, u16), Refusal> {
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        other => {
            return Err(Refusal::NotAllowed(format!(
                "the scheme {other:?} is not http or https"
            )));
        }
    };
    let authority = uri
        .authority()
        .ok_or_else(|| Refusal::NotAllowed("the request has no host".into()))?;
    if authority.as_str().contains('@') {
        return Err(Refusal::NotAllowed("user info in the endpoint".into()));
    }
    let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
    if port == 0 {
        return Err(Refusal::NotAllowed("port 0".into()));
    }
    Ok((https, authority.host(), port))
}

#[cfg(test)]
mod tests;
