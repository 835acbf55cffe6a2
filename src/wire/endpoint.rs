//! Where calls go: a checked `http`/`https` endpoint, or the AWS endpoint of a region.

use crate::error::ConnectorError;

/// A checked endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `true` for https.
    pub https: bool,
    /// `host[:port]` as written.
    pub authority: String,
}

impl Endpoint {
    /// The URL requests are sent to.
    pub fn url(&self) -> String {
        format!(
            "{}://{}/",
            if self.https { "https" } else { "http" },
            self.authority
        )
    }
}

/// The AWS DynamoDB endpoint of a region; China regions live in their own partition.
pub fn default_endpoint(region: &str) -> Endpoint {
    aws_endpoint("dynamodb", region)
}

/// The AWS DynamoDB Streams endpoint of a region.
pub fn default_streams_endpoint(region: &str) -> Endpoint {
    aws_endpoint("streams.dynamodb", region)
}

/// The regional STS endpoint (the SDKs' default since the global one was retired).
pub fn default_sts_endpoint(region: &str) -> Endpoint {
    aws_endpoint("sts", region)
}

fn aws_endpoint(service: &str, region: &str) -> Endpoint {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Endpoint {
        https: true,
        authority: format!("{service}.{region}.{suffix}"),
    }
}

/// Checks `configuration.endpoint` (see [`parse_endpoint_at`]).
pub fn parse_endpoint(url: &str) -> Result<Endpoint, ConnectorError> {
    parse_endpoint_at(url, "configuration.endpoint")
}

/// Checks an endpoint URL found at `field`: http or https, a host, no user info, no path,
/// query or fragment.
pub fn parse_endpoint_at(url: &str, field: &str) -> Result<Endpoint, ConnectorError> {
    if let Some(endpoint) = plain_endpoint(url) {
        return Ok(endpoint);
    }
    let uri: http::Uri = url
        .trim()
        .parse()
        .map_err(|_| ConnectorError::config(field, "is not a valid URL"))?;
    let https = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => true,
        Some(s) if s.eq_ignore_ascii_case("http") => false,
        Some(_) => return Err(ConnectorError::config(field, "must use http or https")),
        None => {
            return Err(ConnectorError::config(
                field,
                "must be an absolute URL such as https://dynamodb.us-east-1.amazonaws.com",
            ));
        }
    };
    let authority = uri
        .authority()
        .ok_or_else(|| ConnectorError::config(field, "must name a host"))?;
    if authority.as_str().contains('@') {
        return Err(ConnectorError::config(
            field,
            "must not carry user information (credentials) in the URL",
        ));
    }
    if authority.host().is_empty() {
        return Err(ConnectorError::config(field, "must name a host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() || url.contains('#') {
        return Err(ConnectorError::config(
            field,
            "must not have a path, query or fragment",
        ));
    }
    Ok(Endpoint {
        https,
        authority: authority.as_str().to_ascii_lowercase(),
    })
}

/// The common shape, `http[s]://host[:port][/]` with a host of letters, digits, dots and dashes,
/// read without building a [`http::Uri`]: one the full parse accepts as it is, giving the same
/// endpoint. Anything else (`None`) goes through the full parse and its errors.
fn plain_endpoint(url: &str) -> Option<Endpoint> {
    let (https, rest) = match url.strip_prefix("https://") {
        Some(rest) => (true, rest),
        None => (false, url.strip_prefix("http://")?),
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    if host.is_empty() || !host.as_bytes().iter().all(host_byte) {
        return None;
    }
    if let Some(port) = port
        && (!port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err())
    {
        return None;
    }
    Some(Endpoint {
        https,
        authority: authority.to_ascii_lowercase(),
    })
}

#[cfg(test)]
#[path = "endpoint_tests.rs"]
mod tests;
