//! The envelope of a request: who signs (`authentication`, or a reusable `awsCredential`),
//! where calls go and how they are retried (`configuration`), and the options in `input` that
//! every operation shares.

use std::time::Duration;

use serde_json::{Map, Value};

use super::authentication::{Auth, read_auth};
use super::field;
use super::fields::Fields;
use crate::error::ConnectorError;
use crate::value::ValueFormat;
use crate::wire::sts::Sts;
use crate::wire::{
    Endpoint, RetryPolicy, default_endpoint, default_streams_endpoint, default_sts_endpoint,
    parse_endpoint, parse_endpoint_at,
};

/// Default bound on waiting for a table to become ACTIVE or to be gone.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60);
/// Upper bound a request may ask for when waiting on a table.
pub const MAX_WAIT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The fields of `input` that are not an operation's own: which operation, and the options.
pub const INPUT_COMMON: &[&str] = &[
    field::OPERATION_GROUP,
    field::TABLE_OPERATION,
    field::ITEM_OPERATION,
    field::TYPE,
    field::VALUE_FORMAT,
    field::OUTPUT_FORMAT,
    field::WAIT_TIMEOUT_MS,
];

/// Everything a request says besides its operation, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Where the credentials come from.
    pub auth: Auth,
    /// AWS region, used in the signature and the default endpoint.
    pub region: String,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Where DynamoDB Streams requests go.
    pub streams_endpoint: Endpoint,
    /// Where STS is, for the role types of authentication, when the request says
    /// (`configuration.stsEndpoint`); else [`Envelope::sts`] uses the region's.
    pub sts_endpoint: Option<Endpoint>,
    /// How values in the operation's input are written.
    pub value_format: ValueFormat,
    /// How items are rendered in the result.
    pub output: OutputFormat,
    /// Bound on waiting for a table to settle.
    pub wait_timeout: Duration,
    /// Attempts and time bound of each DynamoDB call.
    pub retry: RetryPolicy,
}

/// How items are rendered in results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// DynamoDB attribute-value JSON.
    #[default]
    Typed,
    /// Plain JSON.
    Plain,
}

impl Envelope {
    /// STS for the role types: at `configuration.stsEndpoint`, else the region's, signed for
    /// the request's region.
    pub fn sts(&self) -> Sts<'_> {
        let endpoint = self
            .sts_endpoint
            .clone()
            .unwrap_or_else(|| default_sts_endpoint(&self.region));
        Sts {
            endpoint,
            region: &self.region,
        }
    }
}

/// Reads the envelope of a request given as a JSON value; returns it with the `input` object,
/// whose operation fields are left to the operation's reader.
pub fn read_envelope(value: &Value) -> Result<(Envelope, Fields<'_>), ConnectorError> {
    let root = value
        .as_object()
        .ok_or_else(|| ConnectorError::Configuration {
            field: None,
            message:
                "the request must be a JSON object with authentication, configuration and input"
                    .into(),
        })?;
    let root = Fields::new(root, "");
    let signer = read_root(root)?;
    // A credential carries the region, so `configuration` may be left out beside one.
    let no_configuration = Map::new();
    let config = match (&signer, root.raw(field::CONFIGURATION)) {
        (Signer::Credential(_), None) => Fields::new(&no_configuration, field::CONFIGURATION),
        _ => Fields::new(root.object(field::CONFIGURATION)?, field::CONFIGURATION),
    };
    let input = Fields::new(root.object(field::INPUT)?, field::INPUT);
    config.reject_unknown(&[
        field::REGION,
        field::ENDPOINT,
        field::STREAMS_ENDPOINT,
        field::STS_ENDPOINT,
        field::MAX_ATTEMPTS,
        field::TIMEOUT_MS,
    ])?;
    let retry = read_retry(config)?;
    let (auth, region) = match signer {
        Signer::Credential(credential) => read_credential(credential, config)?,
        Signer::Inline(auth_fields) => {
            let region = read_region(config, auth_fields)?;
            (read_auth(auth_fields)?, region)
        }
    };
    let endpoint = match config.string(field::ENDPOINT)? {
        Some(url) => parse_endpoint(&url)?,
        None => default_endpoint(&region),
    };
    let streams_endpoint = read_streams_endpoint(config, &region, &endpoint)?;
    let sts_endpoint = config
        .string(field::STS_ENDPOINT)?
        .map(|url| parse_endpoint_at(&url, &config.field(field::STS_ENDPOINT)))
        .transpose()?;
    let (value_format, output, wait_timeout) = read_options(input)?;
    let envelope = Envelope {
        auth,
        region,
        endpoint,
        streams_endpoint,
        sts_endpoint,
        value_format,
        output,
        wait_timeout,
        retry,
    };
    Ok((envelope, input))
}

/// Checks the request's own fields; returns where its authentication is.
fn read_root(root: Fields) -> Result<Signer, ConnectorError> {
    root.reject_unknown(&[
        field::AUTHENTICATION,
        field::CONFIGURATION,
        field::INPUT,
        field::AWS_CREDENTIAL,
        field::OPERATION_GROUP,
    ])?;
    // Camunda's templates 2 to 6 bind `operationGroup` here, beside `input.type`, which names
    // the operation; Camunda's connector does not read it, nor do we, beyond its values.
    if let Some(group) = root.string(field::OPERATION_GROUP)?
        && !root_group_is_valid(&group)
    {
        return Err(root.error(field::OPERATION_GROUP, "must be \"table\" or \"item\""));
    }
    // With a credential the inline authentication is not read (a form may leave it half-filled).
    Ok(match aws_credential(root)? {
        Some(credential) => Signer::Credential(credential),
        None => Signer::Inline(Fields::new(
            root.object(field::AUTHENTICATION)?,
            field::AUTHENTICATION,
        )),
    })
}

/// The request's own `operationGroup` (Camunda's templates 2 to 6), when given: its values.
pub(crate) fn root_group_is_valid(group: &str) -> bool {
    matches!(group, "table" | "item")
}

/// `streamsEndpoint`; else `endpoint` when one is given (local servers serve both APIs);
/// else the region's Streams endpoint.
fn read_streams_endpoint(
    config: Fields,
    region: &str,
    endpoint: &Endpoint,
) -> Result<Endpoint, ConnectorError> {
    match config.string(field::STREAMS_ENDPOINT)? {
        Some(url) => parse_endpoint_at(&url, &config.field(field::STREAMS_ENDPOINT)),
        None if config.has(field::ENDPOINT) => Ok(endpoint.clone()),
        None => Ok(default_streams_endpoint(region)),
    }
}

fn read_retry(config: Fields) -> Result<RetryPolicy, ConnectorError> {
    let defaults = RetryPolicy::default();
    Ok(RetryPolicy {
        max_attempts: config
            .u64_in(field::MAX_ATTEMPTS, 1..=10)?
            .map_or(defaults.max_attempts, |n| n as u32),
        timeout: config
            .u64_in(field::TIMEOUT_MS, 100..=900_000)?
            .map_or(defaults.timeout, Duration::from_millis),
    })
}

fn read_region(config: Fields, auth_fields: Fields) -> Result<String, ConnectorError> {
    let configured = config.string(field::REGION)?;
    // Older requests carried the region in the authentication block: read (and so type-checked)
    // even when the configuration's region overrides it.
    let legacy = auth_fields.string(field::REGION)?;
    let region = match configured.or(legacy) {
        Some(region) => region,
        None => return Err(config.error(field::REGION, "is required")),
    };
    check_region(&region, &config.field(field::REGION))?;
    Ok(region)
}

/// Where the authentication is read from.
enum Signer<'a> {
    /// `awsCredential`: its `authentication` and `region`.
    Credential(Fields<'a>),
    /// The request's own `authentication`.
    Inline(Fields<'a>),
}

/// `awsCredential`, the reusable credential Camunda 8.10 binds as a whole
/// (`io.camunda:aws-credential:1`), when the request has one.
fn aws_credential<'a>(root: Fields<'a>) -> Result<Option<Fields<'a>>, ConnectorError> {
    match root.raw(field::AWS_CREDENTIAL) {
        None => Ok(None),
        Some(Value::Object(map)) => Ok(Some(Fields::new(map, field::AWS_CREDENTIAL))),
        Some(_) => Err(root.error(field::AWS_CREDENTIAL, "must be an object")),
    }
}

/// Who signs and the region when an `awsCredential` is given, as Camunda's `AwsBaseRequest`
/// reads it: its `authentication` replaces the inline one (which is not read); its `region`
/// applies unless `configuration.region` overrides it (template 12's "region override").
fn read_credential(credential: Fields, config: Fields) -> Result<(Auth, String), ConnectorError> {
    credential.reject_unknown(&[field::AUTHENTICATION, field::REGION])?;
    let auth_path = credential.field(field::AUTHENTICATION);
    let auth_fields = Fields::new(credential.object(field::AUTHENTICATION)?, &auth_path);
    // A form leaves an unused region blank: blank is absent here. The credential's region is
    // read (a string or nothing) even when the configuration's overrides it.
    let credential_region = credential.non_empty_string(field::REGION)?;
    let region = match config.non_empty_string(field::REGION)? {
        Some(region) => {
            check_region(&region, &config.field(field::REGION))?;
            region
        }
        None => {
            let region = credential_region.ok_or_else(|| {
                credential.error(
                    field::REGION,
                    "is required when configuration.region is not given",
                )
            })?;
            check_region(&region, &credential.field(field::REGION))?;
            region
        }
    };
    Ok((read_auth(auth_fields)?, region))
}

/// `valueFormat`, `outputFormat` and `waitTimeoutMs`.
pub(crate) fn read_options(
    input: Fields,
) -> Result<(ValueFormat, OutputFormat, Duration), ConnectorError> {
    let value_format = value_format(input.string(field::VALUE_FORMAT)?.as_deref())
        .ok_or_else(|| input.error(field::VALUE_FORMAT, "must be \"plain\" or \"typed\""))?;
    let output = output_format(input.string(field::OUTPUT_FORMAT)?.as_deref())
        .ok_or_else(|| input.error(field::OUTPUT_FORMAT, "must be \"typed\" or \"plain\""))?;
    let max_wait = MAX_WAIT_TIMEOUT.as_millis() as u64;
    let wait_timeout = input
        .u64_in(field::WAIT_TIMEOUT_MS, 0..=max_wait)?
        .map_or(DEFAULT_WAIT_TIMEOUT, Duration::from_millis);
    Ok((value_format, output, wait_timeout))
}

/// `valueFormat` (absent: plain), any case; `None` when it is neither.
pub(crate) fn value_format(given: Option<&str>) -> Option<ValueFormat> {
    match given {
        None => Some(ValueFormat::Plain),
        Some(s) if s.eq_ignore_ascii_case("plain") => Some(ValueFormat::Plain),
        Some(s) if s.eq_ignore_ascii_case("typed") => Some(ValueFormat::Typed),
        Some(_) => None,
    }
}

/// `outputFormat` (absent: typed), any case; `None` when it is neither.
pub(crate) fn output_format(given: Option<&str>) -> Option<OutputFormat> {
    match given {
        None => Some(OutputFormat::Typed),
        Some(s) if s.eq_ignore_ascii_case("typed") => Some(OutputFormat::Typed),
        Some(s) if s.eq_ignore_ascii_case("plain") => Some(OutputFormat::Plain),
        Some(_) => None,
    }
}

/// Checks a region name: lowercase letters, digits and hyphens, such as `eu-central-1`.
pub(crate) fn check_region(region: &str, field: &str) -> Result<(), ConnectorError> {
    let valid = !region.is_empty()
        && region.len() <= 32
        && region.starts_with(|c: char| c.is_ascii_lowercase())
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ConnectorError::config(
            field,
            "must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens)",
        ))
    }
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
