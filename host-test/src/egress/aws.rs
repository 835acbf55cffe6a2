//! The default egress: the official AWS endpoints of DynamoDB, DynamoDB Streams and STS in the
//! partitions aws, aws-cn and aws-us-gov, as botocore's endpoint rule sets build them
//! (`dynamodb/2012-08-10/endpoint-rule-set-1.json`, `sts/…`, `partitions.json`). https on port
//! 443 only; the names are matched here, and every address they resolve to must be global.

/// Host names, as label patterns: `{region}` is a region name, `{account}` a 12-digit account
/// id, `{suffix}` a partition's DNS suffix (standard or dual-stack).
const TEMPLATES: &[&str] = &[
    "dynamodb.{region}.{suffix}",
    "dynamodb-fips.{region}.{suffix}",
    "{account}.ddb.{region}.{suffix}",
    "streams.dynamodb.{region}.{suffix}",
    "streams.dynamodb-fips.{region}.{suffix}",
    // Streams' dual-stack and account-based names have their own spelling.
    "streams-dynamodb.{region}.{suffix}",
    "streams-dynamodb-fips.{region}.{suffix}",
    "{account}.streams-ddb.{region}.{suffix}",
    "{account}.streams-ddb-fips.{region}.{suffix}",
    "sts.{region}.{suffix}",
    "sts-fips.{region}.{suffix}",
    "sts.{suffix}",
];

/// Each partition's DNS suffixes, and whether its region names start with `cn-`.
const PARTITIONS: &[(&str, bool)] = &[
    ("amazonaws.com", false),
    ("api.aws", false),
    ("amazonaws.com.cn", true),
    ("api.amazonwebservices.com.cn", true),
];

/// The default rules, as docs/security.md lists them.
pub fn describe() -> Vec<String> {
    TEMPLATES
        .iter()
        .map(|t| format!("https://{t}:443"))
        .collect()
}

/// Whether `host` (lowercase, no trailing dot) is an AWS endpoint of the default egress.
pub fn is_default_endpoint(host: &str) -> bool {
    PARTITIONS.iter().any(|(suffix, china)| {
        let Some(rest) = host.strip_suffix(suffix).and_then(|r| r.strip_suffix('.')) else {
            return false;
        };
        // `sts.amazonaws.com` is the global STS endpoint: aws partition only.
        if rest == "sts" {
            return *suffix == "amazonaws.com";
        }
        let labels: Vec<&str> = rest.split('.').collect();
        TEMPLATES.iter().any(|template| {
            let Some(pattern) = template.strip_suffix(".{suffix}") else {
                return false;
            };
            matches(pattern, &labels, *china)
        })
    })
}

fn matches(pattern: &str, labels: &[&str], china: bool) -> bool {
    let parts: Vec<&str> = pattern.split('.').collect();
    parts.len() == labels.len()
        && parts.iter().zip(labels).all(|(part, label)| match *part {
            "{region}" => is_region(label) && label.starts_with("cn-") == china,
            "{account}" => label.len() == 12 && label.bytes().all(|b| b.is_ascii_digit()),
            literal => literal == *label,
        })
}

/// `us-east-1`, `us-gov-west-1`, `cn-northwest-1`: letters in groups joined by `-`, then a
/// number.
fn is_region(label: &str) -> bool {
    let mut groups = label.split('-').collect::<Vec<_>>();
    let Some(number) = groups.pop() else {
        return false;
    };
    groups.len() >= 2
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_endpoints_are_allowed() {
        for host in [
            "dynamodb.us-east-1.amazonaws.com",
            "dynamodb.eu-central-2.amazonaws.com",
            "dynamodb-fips.us-east-1.amazonaws.com",
            "dynamodb.us-east-1.api.aws",
            "dynamodb-fips.us-west-2.api.aws",
            "123456789012.ddb.us-east-1.amazonaws.com",
            "streams.dynamodb.us-east-1.amazonaws.com",
            "streams.dynamodb.ap-southeast-3.api.aws",
            "streams-dynamodb.us-east-1.api.aws",
            "streams-dynamodb-fips.us-gov-west-1.api.aws",
            "123456789012.streams-ddb.eu-west-1.amazonaws.com",
            "123456789012.streams-ddb-fips.us-east-1.api.aws",
            "sts.us-east-1.amazonaws.com",
            "sts-fips.us-east-2.amazonaws.com",
            "sts.amazonaws.com",
            "dynamodb.us-gov-west-1.amazonaws.com",
            "dynamodb.cn-north-1.amazonaws.com.cn",
            "dynamodb.cn-northwest-1.api.amazonwebservices.com.cn",
            "streams.dynamodb.cn-north-1.amazonaws.com.cn",
            "sts.cn-north-1.amazonaws.com.cn",
        ] {
            assert!(is_default_endpoint(host), "{host}");
        }
    }

    #[test]
    fn everything_else_is_not() {
        for host in [
            "amazonaws.com",
            "dynamodb.amazonaws.com",
            "s3.us-east-1.amazonaws.com",
            "dynamodb.us-east-1.amazonaws.com.evil.example",
            "evil-dynamodb.us-east-1.amazonaws.com",
            "x.dynamodb.us-east-1.amazonaws.com",
            "dynamodb.localhost.amazonaws.com",
            "dynamodb.us-east.amazonaws.com",
            "dynamodb.us-east-123.amazonaws.com",
            "dynamodb.cn-north-1.amazonaws.com",
            "dynamodb.us-east-1.amazonaws.com.cn",
            "sts.amazonaws.com.cn",
            "12345678901.ddb.us-east-1.amazonaws.com",
            "1234567890123.ddb.us-east-1.amazonaws.com",
            "streams-dynamodb.cn-north-1.amazonaws.com",
            "12345.streams-ddb.us-east-1.amazonaws.com",
            "x.streams-dynamodb.us-east-1.api.aws",
            "localhost",
            "169.254.169.254",
            "",
        ] {
            assert!(!is_default_endpoint(host), "{host}");
        }
    }
}
