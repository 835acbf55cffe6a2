//! The envelope this path reads: static keys, a region, an optional endpoint, through the
//! checking reader's checks.

use std::time::Duration;

use serde::Deserialize;

use crate::input::authentication::{check_key_pair, check_session_token};
use crate::input::envelope::{check_region, root_group_is_valid};
use crate::input::field::{self, auth_type};
use crate::input::{Auth, Envelope, OutputFormat};
use crate::value::ValueFormat;
use crate::wire::{
    Credentials, RetryPolicy, default_endpoint, default_streams_endpoint, parse_endpoint,
};

/// Static keys (`null` is absent, as for the checking reader).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct HotAuth<'a> {
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    access_key: &'a str,
    secret_key: &'a str,
    session_token: Option<&'a str>,
}

/// A region, and an endpoint or the region's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HotConfig<'a> {
    region: &'a str,
    endpoint: Option<&'a str>,
}

/// The request's own `operationGroup`, when given, is one of its values.
pub(super) fn check_root_group(group: Option<&str>) -> Option<()> {
    group.is_none_or(root_group_is_valid).then_some(())
}

/// The envelope through the checking reader's checks, for what this path takes: static keys,
/// a region and an optional endpoint, the formats; the rest at its defaults.
pub(super) fn envelope(
    auth: &HotAuth,
    config: &HotConfig,
    (value_format, output, wait_timeout): (ValueFormat, OutputFormat, Duration),
) -> Option<Envelope> {
    if !matches!(auth.kind, None | Some(auth_type::CREDENTIALS)) {
        return None;
    }
    let not_blank = |s: &&str| !s.trim().is_empty();
    let access_key = Some(auth.access_key).filter(not_blank)?;
    let secret_key = Some(auth.secret_key).filter(not_blank)?;
    check_key_pair(access_key, secret_key).ok()?;
    let session_token = auth.session_token.filter(not_blank);
    check_session_token(access_key, session_token).ok()?;
    check_region(config.region, field::REGION).ok()?;
    let region = config.region.to_string();
    let (endpoint, streams_endpoint) = match config.endpoint {
        Some(url) => {
            let endpoint = parse_endpoint(url).ok()?;
            (endpoint.clone(), endpoint)
        }
        None => (default_endpoint(&region), default_streams_endpoint(&region)),
    };
    let credentials = Credentials {
        access_key: access_key.to_string(),
        secret_key: secret_key.to_string(),
        session_token: session_token.map(str::to_string),
    };
    Some(Envelope {
        auth: Auth::Static(credentials),
        region,
        endpoint,
        streams_endpoint,
        sts_endpoint: None,
        value_format,
        output,
        wait_timeout,
        retry: RetryPolicy::default(),
    })
}
