//! Outbound rules in Spin's `allowed_outbound_hosts` syntax: `scheme://host[:port]`.
//!
//! - scheme: `http`, `https`, or `*` (then a port is required);
//! - host: a name (`dynamodb.internal`), `*`, `*.suffix`, an IP literal (`127.0.0.1`,
//!   `[::1]`) or a CIDR (`10.0.0.0/8`, `[fd00::/8]`);
//! - port: a number, `*`, or a range `a..b` (`a` included, `b` excluded, as in Rust and Spin);
//!   absent: the scheme's default (80 or 443).
//!
//! Paths, user info, queries and fragments are refused when the rule is read.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::HostError;

/// One parsed outbound rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRule {
    text: String,
    scheme: Option<String>,
    host: HostPattern,
    ports: (u16, u32),
}

/// What a rule's host part names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    /// `*`: any host, names and addresses.
    Any,
    /// `*.suffix`: names under the suffix (not the suffix itself).
    Subdomains(String),
    /// One exact name.
    Name(String),
    /// An IP literal or a CIDR: addresses written as literals in the endpoint.
    Network(IpNet),
}

/// A request's host, as the endpoint wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestHost {
    /// A DNS name: lowercase, without a trailing dot.
    Name(String),
    /// An IP literal.
    Ip(IpAddr),
}

/// How a rule matched: an exact rule allows what it names; a wildcard rule (and the default
/// AWS endpoints) only global addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The rule names this host or address exactly.
    Exact,
    /// The rule matched through a wildcard.
    Wildcard,
}

impl OutboundRule {
    /// Reads a rule; the error names the rule and says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, HostError> {
        Self::read(text).map_err(|reason| HostError::OutboundRule {
            rule: text.to_string(),
            reason,
        })
    }

    fn read(text: &str) -> Result<Self, String> {
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err("expected scheme://host[:port]".into());
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "*" => None,
            s @ ("http" | "https") => Some(s.to_string()),
            _ => return Err("the scheme must be http, https or *".into()),
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#', '@']) && !is_cidr_host(rest) {
            return Err("paths, queries, fragments and user info are not allowed".into());
        }
        let (host, port) = split_port(rest)?;
        let host = parse_host_pattern(host)?;
        let ports = match (port, scheme.as_deref()) {
            (Some(port), _) => parse_ports(port)?,
            (None, Some("http")) => (80, 81),
            (None, Some(_)) => (443, 444),
            (None, None) => return Err("a rule for any scheme needs a port".into()),
        };
        Ok(Self {
            text: text.to_string(),
            scheme,
            host,
            ports,
        })
    }

    /// How this rule matches `scheme://host:port`, if it does.
    pub fn matches(&self, scheme: &str, host: &RequestHost, port: u16) -> Option<Match> {
        if self.scheme.as_deref().is_some_and(|s| s != scheme)
            || !(u32::from(self.ports.0)..self.ports.1).contains(&u32::from(port))
        {
            return None;
        }
        match (&self.host, host) {
            (HostPattern::Any, _) => Some(Match::Wildcard),
            (HostPattern::Subdomains(suffix), RequestHost::Name(name)) => name
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| !head.is_empty())
                .then_some(Match::Wildcard),
            (HostPattern::Name(exact), RequestHost::Name(name)) => {
                (exact == name).then_some(Match::Exact)
            }
            (HostPattern::Network(net), RequestHost::Ip(ip)) => {
                net.contains(ip).then_some(Match::Exact)
            }
            _ => None,
        }
    }

    /// The rule as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn is_cidr_host(rest: &str) -> bool {
    let host = split_port(rest).map_or(rest, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.parse::<IpNet>().is_ok()
}

/// Splits `host[:port]`; an IPv6 host is bracketed.
fn split_port(rest: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(inner) = rest.strip_prefix('[') {
        let Some((host, after)) = inner.split_once(']') else {
            return Err("an IPv6 address needs its closing ]".into());
        };
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("unexpected text after ]".into()),
            },
        };
    }
    Ok(match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    })
}

fn parse_host_pattern(host: &str) -> Result<HostPattern, String> {
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    if host == "*" {
        return Ok(HostPattern::Any);
    }
    if let Ok(net) = host.parse::<IpNet>() {
        return Ok(HostPattern::Network(net.trunc()));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(HostPattern::Network(IpNet::from(ip)));
    }
    if let Some(suffix) = host.strip_prefix("*.") {
        return Ok(HostPattern::Subdomains(format!(
            ".{}",
            normalize_name(suffix)?
        )));
    }
    Ok(HostPattern::Name(normalize_name(host)?))
}

fn parse_ports(port: &str) -> Result<(u16, u32), String> {
    let number = |p: &str| match p.parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n),
        _ => Err(format!("{p:?} is not a port (1 to 65535)")),
    };
    if port == "*" {
        return Ok((1, 65536));
    }
    if let Some((start, end)) = port.split_once("..") {
        let (start, end) = (number(start)?, number(end)?);
        if start >= end {
            return Err(format!(
                "the port range {port} is empty (the end is excluded)"
            ));
        }
        return Ok((start as u16, end));
    }
    let n = number(port)?;
    Ok((n as u16, n + 1))
}

/// A host name as rules and requests compare it: lowercase, no trailing dot, made of DNS labels.
/// Names that are numbers in disguise (`2130706433`, `0x7f.1`, `127.1`) are refused: resolvers
/// read them as IPv4 addresses, so they could name what a rule does not.
pub fn normalize_name(name: &str) -> Result<String, String> {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.is_empty() || name.len() > 253 || !labels.iter().all(label_ok) {
        return Err(format!("{name:?} is not a valid host name"));
    }
    let last = labels.last().copied().unwrap_or_default();
    let numeric = |l: &str| {
        l.bytes().all(|b| b.is_ascii_digit())
            || l.strip_prefix("0x")
                .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    if numeric(last) {
        return Err(format!(
            "{name:?} is a numeric address in a non-standard form; write it as a dotted IPv4 \
             address"
        ));
    }
    Ok(name)
}

/// Reads a request's host as the URL gives it (IPv6 bracketed).
pub fn request_host(host: &str) -> Result<RequestHost, String> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(RequestHost::Ip(ip));
    }
    normalize_name(host).map(RequestHost::Name)
}
