//! Benchmark peer, not a product: the official `aws-sdk-dynamodb` compiled to `wasm32-wasip2`
//! (HTTP and sleep through `aws-smithy-wasm`), exported as the connector's own WIT world
//! `connectors:dynamodb/dynamodb-connector`, so that the connector's host loads and calls it
//! exactly like the connector and the two can be compared per call.
//!
//! Only `execute-json` is implemented, and only for `getItem` and `addItem` with plain JSON
//! values (string → S, number → N, boolean → BOOL, null → NULL, array → L, object → M). Results
//! are DynamoDB-typed JSON. As in the connector, every call builds its client afresh (one wasm
//! instance per call), with the SDK's standard retries (3 attempts) and a 30 s bound on the
//! whole call; `configuration.maxAttempts` and `configuration.timeoutMs` change them as they
//! do for the connector. The future runs on `wstd`'s executor, which aws-smithy-wasm's HTTP
//! client and sleep need.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_dynamodb::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_wasm::wasi::{WasiHttpClientBuilder, WasiSleep};
use serde_json::{Map, Value, json};

wit_bindgen::generate!({
    world: "dynamodb-connector",
    path: "../../wit",
    // The peer calls no WASI import itself (aws-smithy-wasm has its own bindings).
    generate_all,
});

use connectors::dynamodb::types as wit;
use exports::connectors::dynamodb::connector::Guest;
use wit::ConnectorError;

/// Default bound on one call, retries and backoff included (the connector's default).
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// The exported component.
struct Peer;

export!(Peer);

impl Guest for Peer {
    fn execute(_request: wit::Request) -> Result<wit::Response, ConnectorError> {
        Err(config_error(
            None,
            "this benchmark peer supports only execute-json",
        ))
    }

    fn execute_json(request: String) -> Result<String, ConnectorError> {
        let request = parse_request(&request)?;
        wstd::runtime::block_on(run(request)).map(|result| result.to_string())
    }
}

/// One checked request.
struct Request {
    credentials: Credentials,
    region: String,
    endpoint: Option<String>,
    max_attempts: Option<u32>,
    timeout_ms: u64,
    table_name: String,
    operation: Operation,
}

/// The two operations the peer runs.
enum Operation {
    /// getItem, with the primary key.
    GetItem(HashMap<String, AttributeValue>),
    /// addItem (PutItem), with the item.
    AddItem(HashMap<String, AttributeValue>),
}

/// A configuration error: bad input, nothing sent.
fn config_error(field: Option<&str>, message: impl Into<String>) -> ConnectorError {
    ConnectorError::Configuration(wit::ConfigurationError {
        field: field.map(str::to_string),
        message: message.into(),
    })
}

/// Takes the object at `key` out of `parent`; `field` is its path for errors.
fn take_object(
    parent: &mut Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Map<String, Value>, ConnectorError> {
    match parent.remove(key) {
        Some(Value::Object(object)) => Ok(object),
        Some(_) => Err(config_error(Some(field), "must be an object")),
        None => Err(config_error(Some(field), "is required")),
    }
}

/// Takes the non-empty string at `key` out of `parent`, if there is one.
fn take_optional_string(
    parent: &mut Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>, ConnectorError> {
    match parent.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(_) => Err(config_error(Some(field), "must be a non-empty string")),
    }
}

/// Takes the required non-empty string at `key` out of `parent`.
fn take_string(
    parent: &mut Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<String, ConnectorError> {
    take_optional_string(parent, key, field)?
        .ok_or_else(|| config_error(Some(field), "is required"))
}

/// Takes the integer at `key` out of `parent`, if there is one, checked against `range`.
fn take_optional_u64(
    parent: &mut Map<String, Value>,
    key: &str,
    field: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, ConnectorError> {
    match parent.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(config_error(
                Some(field),
                format!(
                    "must be an integer from {} to {}",
                    range.start(),
                    range.end()
                ),
            )),
        },
        Some(_) => Err(config_error(Some(field), "must be a number")),
    }
}

/// Reads the connector's JSON request shape (the subset this peer runs).
fn parse_request(text: &str) -> Result<Request, ConnectorError> {
    let mut root = match serde_json::from_str(text) {
        Ok(Value::Object(root)) => root,
        Ok(_) => return Err(config_error(None, "the request must be a JSON object")),
        Err(e) => {
            return Err(config_error(
                None,
                format!("the request is not valid JSON: {e}"),
            ));
        }
    };
    let mut auth = take_object(&mut root, "authentication", "authentication")?;
    if auth.get("type").and_then(Value::as_str) != Some("credentials") {
        return Err(config_error(
            Some("authentication.type"),
            "this benchmark peer supports only `credentials`",
        ));
    }
    let credentials = Credentials::new(
        take_string(&mut auth, "accessKey", "authentication.accessKey")?,
        take_string(&mut auth, "secretKey", "authentication.secretKey")?,
        take_optional_string(&mut auth, "sessionToken", "authentication.sessionToken")?,
        None,
        "request",
    );
    let mut config = take_object(&mut root, "configuration", "configuration")?;
    let region = take_string(&mut config, "region", "configuration.region")?;
    let endpoint = take_optional_string(&mut config, "endpoint", "configuration.endpoint")?;
    let max_attempts = take_optional_u64(
        &mut config,
        "maxAttempts",
        "configuration.maxAttempts",
        1..=10,
    )?
    .map(|n| n as u32);
    let timeout_ms = take_optional_u64(
        &mut config,
        "timeoutMs",
        "configuration.timeoutMs",
        1..=300_000,
    )?
    .unwrap_or(DEFAULT_TIMEOUT_MS);

    let mut input = take_object(&mut root, "input", "input")?;
    if take_string(&mut input, "operationGroup", "input.operationGroup")? != "itemOperation" {
        return Err(config_error(
            Some("input.operationGroup"),
            "this benchmark peer supports only `itemOperation`",
        ));
    }
    let operation = take_string(&mut input, "itemOperation", "input.itemOperation")?;
    let table_name = take_string(&mut input, "tableName", "input.tableName")?;
    let operation = match operation.as_str() {
        "getItem" => Operation::GetItem(to_attributes(take_object(
            &mut input,
            "primaryKeyComponents",
            "input.primaryKeyComponents",
        )?)),
        "addItem" => Operation::AddItem(to_attributes(take_object(
            &mut input,
            "item",
            "input.item",
        )?)),
        _ => {
            return Err(config_error(
                Some("input.itemOperation"),
                "this benchmark peer supports only `getItem` and `addItem`",
            ));
        }
    };
    Ok(Request {
        credentials,
        region,
        endpoint,
        max_attempts,
        timeout_ms,
        table_name,
        operation,
    })
}

/// Plain JSON to a DynamoDB attribute value; numbers keep their digits.
fn to_attribute(value: Value) -> AttributeValue {
    match value {
        Value::String(s) => AttributeValue::S(s),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::Bool(b) => AttributeValue::Bool(b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(values) => AttributeValue::L(values.into_iter().map(to_attribute).collect()),
        Value::Object(object) => AttributeValue::M(to_attributes(object)),
    }
}

/// A plain JSON object to a DynamoDB item.
fn to_attributes(object: Map<String, Value>) -> HashMap<String, AttributeValue> {
    object
        .into_iter()
        .map(|(k, v)| (k, to_attribute(v)))
        .collect()
}

/// A DynamoDB attribute value as typed JSON (`{"S": "x"}`).
fn typed(value: &AttributeValue) -> Value {
    let base64 =
        |blob: &aws_sdk_dynamodb::primitives::Blob| aws_smithy_types::base64::encode(blob.as_ref());
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::B(b) => json!({ "B": base64(b) }),
        AttributeValue::Ss(values) => json!({ "SS": values }),
        AttributeValue::Ns(values) => json!({ "NS": values }),
        AttributeValue::Bs(values) => {
            json!({ "BS": values.iter().map(base64).collect::<Vec<_>>() })
        }
        AttributeValue::L(values) => json!({ "L": values.iter().map(typed).collect::<Vec<_>>() }),
        AttributeValue::M(map) => json!({ "M": typed_item(map) }),
        _ => Value::Null,
    }
}

/// A DynamoDB item as typed JSON.
fn typed_item(item: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(item.iter().map(|(k, v)| (k.clone(), typed(v))).collect())
}

/// Counts the HTTP attempts of one call, for the errors' `attempts`.
#[derive(Debug, Default)]
struct AttemptCounter(Arc<AtomicU32>);

impl Intercept for AttemptCounter {
    fn name(&self) -> &'static str {
        "AttemptCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Builds a fresh SDK client and runs the request.
async fn run(request: Request) -> Result<Value, ConnectorError> {
    let attempts = Arc::new(AtomicU32::new(0));
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(request.region))
        .credentials_provider(request.credentials)
        .http_client(WasiHttpClientBuilder::new().build())
        .sleep_impl(WasiSleep)
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_millis(request.timeout_ms))
                .build(),
        )
        .interceptor(AttemptCounter(attempts.clone()));
    if let Some(endpoint) = request.endpoint {
        config = config.endpoint_url(endpoint);
    }
    if let Some(max_attempts) = request.max_attempts {
        config = config.retry_config(RetryConfig::standard().with_max_attempts(max_attempts));
    }
    let client = aws_sdk_dynamodb::Client::from_conf(config.build());
    let attempts = || attempts.load(Ordering::Relaxed);

    let (action, response) = match request.operation {
        Operation::GetItem(key) => {
            let output = client
                .get_item()
                .table_name(request.table_name)
                .set_key(Some(key))
                .send()
                .await
                .map_err(|e| to_wit_error(e, attempts()))?;
            ("getItem", output.item().map_or(Value::Null, typed_item))
        }
        Operation::AddItem(item) => {
            let response = typed_item(&item);
            client
                .put_item()
                .table_name(request.table_name)
                .set_item(Some(item))
                .send()
                .await
                .map_err(|e| to_wit_error(e, attempts()))?;
            ("addItem", response)
        }
    };
    Ok(json!({ "action": action, "status": "OK", "response": response }))
}

/// An SDK error as one of the WIT's three kinds.
fn to_wit_error<E>(error: SdkError<E>, attempts: u32) -> ConnectorError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    // The error and its sources, without the raw response's Debug form.
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    match &error {
        SdkError::ConstructionFailure(_) => config_error(None, message),
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
            ConnectorError::Connection(wit::ConnectionError { message, attempts })
        }
        _ => {
            let http_status = error.raw_response().map_or(0, |r| r.status().as_u16());
            let code = error.code().unwrap_or("UnknownError").to_string();
            let retryable = http_status >= 500
                || aws_runtime::retries::classifiers::THROTTLING_ERRORS.contains(&code.as_str())
                || aws_runtime::retries::classifiers::TRANSIENT_ERRORS.contains(&code.as_str());
            ConnectorError::Execution(wit::ExecutionError {
                message: error.message().map_or(message, str::to_string),
                code,
                http_status,
                request_id: error.request_id().map(str::to_string),
                retryable,
                attempts,
                details_json: None,
            })
        }
    }
}
