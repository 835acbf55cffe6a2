//! Reading a request (the Camunda-compatible JSON shape) into a checked [`Request`].
//!
//! Everything a request can get wrong is found here, before anything is sent, and named by
//! its path (`input.tableName`). The reader is liberal where workflow runtimes are: a map may
//! arrive as an object or as a string holding JSON, a number as a number or a numeric
//! string, a boolean as `true` or `"true"`.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::client::RetryPolicy;
use crate::error::ConnectorError;
use crate::fields::Fields;
use crate::value::ValueFormat;

/// Default bound on waiting for a table to become ACTIVE or to be gone.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60);
/// Upper bound a request may ask for when waiting on a table.
pub const MAX_WAIT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// A checked request: who signs, where it goes, what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Where the credentials come from.
    pub auth: Auth,
    /// AWS region, used in the signature and the default endpoint.
    pub region: String,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// What to do.
    pub operation: Operation,
    /// How items are rendered in the result.
    pub output: OutputFormat,
    /// Bound on waiting for createTable / deleteTable to settle.
    pub wait_timeout: Duration,
    /// Attempts and time bound of each DynamoDB call.
    pub retry: RetryPolicy,
}

/// Where credentials come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    /// Given in the request.
    Static(Credentials),
    /// The sandbox's environment (`AWS_ACCESS_KEY_ID`, ...).
    DefaultChain,
}

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
    /// Reads the credentials chain from environment variables through `lookup`.
    pub fn from_environment(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConnectorError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let access_key = get("AWS_ACCESS_KEY_ID").ok_or_else(|| {
            ConnectorError::config(
                "authentication",
                "defaultCredentialsChain: AWS_ACCESS_KEY_ID is not set in the connector's environment",
            )
        })?;
        let secret_key = get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
            ConnectorError::config(
                "authentication",
                "defaultCredentialsChain: AWS_SECRET_ACCESS_KEY is not set in the connector's environment",
            )
        })?;
        Ok(Self {
            access_key,
            secret_key,
            session_token: get("AWS_SESSION_TOKEN"),
        })
    }
}

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

/// How items are rendered in results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// DynamoDB attribute-value JSON.
    #[default]
    Typed,
    /// Plain JSON.
    Plain,
}

/// Key attribute type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// `B`
    Binary,
    /// `N`
    Number,
    /// `S`
    String,
}

impl KeyType {
    /// DynamoDB's name of the type.
    pub fn code(self) -> &'static str {
        match self {
            Self::Binary => "B",
            Self::Number => "N",
            Self::String => "S",
        }
    }
}

/// Role of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// Partition key.
    Hash,
    /// Sort key.
    Range,
}

impl KeyRole {
    /// DynamoDB's name of the role.
    pub fn code(self) -> &'static str {
        match self {
            Self::Hash => "HASH",
            Self::Range => "RANGE",
        }
    }
}

/// One attribute of a key schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    /// Attribute name.
    pub name: String,
    /// HASH or RANGE.
    pub role: KeyRole,
    /// B, N or S.
    pub key_type: KeyType,
}

/// Provisioned capacity, or on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// PROVISIONED with read and write capacity units.
    Provisioned {
        /// Read capacity units.
        read: u64,
        /// Write capacity units.
        write: u64,
    },
    /// PAY_PER_REQUEST.
    PayPerRequest,
}

/// Input of createTable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTable {
    /// Table name.
    pub table_name: String,
    /// One or two key attributes.
    pub key_schema: Vec<KeyAttribute>,
    /// Billing mode and capacity.
    pub billing: Billing,
    /// Whether the table is protected from deletion.
    pub deletion_protection: bool,
}

/// What updateItem does with the attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeAction {
    /// Set each attribute.
    Put,
    /// Remove each attribute.
    Delete,
}

/// Checked paging of a Scan or Query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paging {
    /// Items per page (DynamoDB's `Limit`).
    pub limit: Option<u64>,
    /// Where to resume.
    pub exclusive_start_key: Option<Map<String, Value>>,
    /// Stop after this many items.
    pub max_items: Option<u64>,
    /// Stop after this many pages.
    pub max_pages: Option<u64>,
    /// Stop once the items held reach this many bytes (of DynamoDB's JSON).
    pub max_bytes: u64,
}

/// Default bound on the bytes of items (their parsed size, `value::held_size`) one Scan or
/// Query holds before it stops and returns `lastEvaluatedKey`.
pub const DEFAULT_MAX_RESULT_BYTES: u64 = 8 << 20;
/// The largest bound a request may set: with the page being read and the result being written
/// beside it, more would not fit the host's default 64 MiB of linear memory.
pub const MAX_RESULT_BYTES: u64 = 16 << 20;

/// Input of scanTable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanTable {
    /// Table name.
    pub table_name: String,
    /// Index to scan instead of the table.
    pub index_name: Option<String>,
    /// Filter expression.
    pub filter_expression: Option<String>,
    /// Projection expression.
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders, as attribute values.
    pub expression_attribute_values: Option<Map<String, Value>>,
    /// Strongly consistent reads.
    pub consistent_read: Option<bool>,
    /// Parallel scan: this segment of `total_segments`.
    pub segment: Option<(u64, u64)>,
    /// `Select` (ALL_ATTRIBUTES, COUNT, ...).
    pub select: Option<String>,
    /// Paging and caps.
    pub paging: Paging,
}

/// Input of query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// Table name.
    pub table_name: String,
    /// Index to query instead of the table.
    pub index_name: Option<String>,
    /// Key condition expression.
    pub key_condition_expression: String,
    /// Filter expression.
    pub filter_expression: Option<String>,
    /// Projection expression.
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders, as attribute values.
    pub expression_attribute_values: Option<Map<String, Value>>,
    /// Ascending (default) or descending sort key order.
    pub scan_index_forward: Option<bool>,
    /// Strongly consistent reads.
    pub consistent_read: Option<bool>,
    /// `Select` (ALL_ATTRIBUTES, COUNT, ...).
    pub select: Option<String>,
    /// Paging and caps.
    pub paging: Paging,
}

/// A condition on a write, with its placeholders and what to return.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriteOptions {
    /// Condition expression.
    pub condition_expression: Option<String>,
    /// `#name` placeholders (shared with an update expression).
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders (shared with an update expression).
    pub expression_attribute_values: Option<Map<String, Value>>,
    /// `ReturnValues`.
    pub return_values: Option<String>,
    /// Whether a failed condition returns the item (`ALL_OLD`).
    pub return_item_on_condition_failure: bool,
}

/// How updateItem changes the item.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// Camunda's form: put or delete the listed attributes.
    Attributes {
        /// Attributes to set (values) or remove (names only).
        attributes: Map<String, Value>,
        /// Put or delete.
        action: AttributeAction,
    },
    /// An update expression (SET / REMOVE / ADD / DELETE).
    Expression(String),
}

/// One table's part of a batchGetItems.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchGetTable {
    /// Table name.
    pub table_name: String,
    /// Keys to get (any number; sent 100 at a time).
    pub keys: Vec<Map<String, Value>>,
    /// Projection expression.
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// Strongly consistent reads.
    pub consistent_read: Option<bool>,
}

/// One write of a batchWriteItems, in DynamoDB's shape (`{"PutRequest": {"Item": …}}`).
#[derive(Debug, Clone, PartialEq)]
pub struct BatchWrite {
    /// Table name.
    pub table_name: String,
    /// `{"PutRequest": …}` or `{"DeleteRequest": …}`.
    pub request: Value,
}

/// Billing, protection and TTL changes of updateTable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateTable {
    /// Table name.
    pub table_name: String,
    /// New billing mode and capacity.
    pub billing: Option<Billing>,
    /// Turn deletion protection on or off.
    pub deletion_protection: Option<bool>,
    /// TTL attribute and whether TTL is on.
    pub time_to_live: Option<(String, bool)>,
}

/// One operation, checked. Items and keys are DynamoDB attribute-value maps.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// CreateTable, then wait until ACTIVE.
    CreateTable(CreateTable),
    /// DeleteTable, then wait until gone.
    DeleteTable {
        /// Table name.
        table_name: String,
    },
    /// DescribeTable.
    DescribeTable {
        /// Table name.
        table_name: String,
    },
    /// Scan, following pages within the caps.
    ScanTable(ScanTable),
    /// ListTables, following pages.
    ListTables {
        /// Where to resume.
        exclusive_start_table_name: Option<String>,
        /// At most this many names (one page when set).
        limit: Option<u64>,
    },
    /// UpdateTable and/or UpdateTimeToLive.
    UpdateTable(UpdateTable),
    /// PutItem.
    AddItem {
        /// Table name.
        table_name: String,
        /// The item.
        item: Map<String, Value>,
        /// Condition and return values.
        options: WriteOptions,
    },
    /// DeleteItem, returning the deleted item.
    DeleteItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
        /// Condition and return values.
        options: WriteOptions,
    },
    /// GetItem.
    GetItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
        /// Projection expression.
        projection_expression: Option<String>,
        /// `#name` placeholders.
        expression_attribute_names: Option<Map<String, Value>>,
        /// Strongly consistent read.
        consistent_read: Option<bool>,
    },
    /// UpdateItem, returning the item after the update.
    UpdateItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
        /// What to change.
        update: Update,
        /// Condition and return values.
        options: WriteOptions,
    },
    /// Query, following pages within the caps.
    Query(Query),
    /// BatchGetItem in chunks of 100 keys, retrying unprocessed keys.
    BatchGetItems(Vec<BatchGetTable>),
    /// BatchWriteItem in chunks of 25, retrying unprocessed items.
    BatchWriteItems(Vec<BatchWrite>),
    /// TransactWriteItems (`TransactItems` in DynamoDB's shape).
    TransactWriteItems {
        /// Up to 100 Put / Update / Delete / ConditionCheck items.
        items: Vec<Value>,
        /// Idempotency token (generated when absent).
        client_request_token: Option<String>,
    },
    /// TransactGetItems (`TransactItems` in DynamoDB's shape).
    TransactGetItems(Vec<Value>),
    /// ExecuteStatement (PartiQL).
    ExecuteStatement {
        /// The statement.
        statement: String,
        /// `?` parameters, as attribute values.
        parameters: Option<Vec<Value>>,
        /// Strongly consistent read.
        consistent_read: Option<bool>,
        /// Where to resume.
        next_token: Option<String>,
        /// Items to evaluate per call.
        limit: Option<u64>,
    },
}

/// DynamoDB's limit on transaction items.
pub const MAX_TRANSACTION_ITEMS: usize = 100;
/// DynamoDB's limit on one item.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

const INPUT_COMMON: &[&str] = &[
    "operationGroup",
    "tableOperation",
    "itemOperation",
    "type",
    "valueFormat",
    "outputFormat",
    "waitTimeoutMs",
];

/// Paging fields of scanTable and query (see [`Paging`]).
const PAGING_FIELDS: &[&str] = &[
    "limit",
    "exclusiveStartKey",
    "maxItems",
    "maxPages",
    "maxResultBytes",
];

const RETURN_VALUES: &[&str] = &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"];

/// Reads and checks a request given as JSON text.
pub fn parse_request_json(text: &str) -> Result<Request, ConnectorError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ConnectorError::Configuration {
        field: None,
        message: format!("the request is not valid JSON: {e}"),
    })?;
    parse_request(&value)
}

/// Reads and checks a request given as a JSON value.
pub fn parse_request(value: &Value) -> Result<Request, ConnectorError> {
    let root = value
        .as_object()
        .ok_or_else(|| ConnectorError::Configuration {
            field: None,
            message:
                "the request must be a JSON object with authentication, configuration and input"
                    .into(),
        })?;
    let root = Fields::new(root, "");
    root.reject_unknown(&["authentication", "configuration", "input"])?;
    let auth_fields = Fields::new(root.object("authentication")?, "authentication");
    let config = Fields::new(root.object("configuration")?, "configuration");
    let input = Fields::new(root.object("input")?, "input");
    config.reject_unknown(&["region", "endpoint", "maxAttempts", "timeoutMs"])?;
    let defaults = RetryPolicy::default();
    let retry = RetryPolicy {
        max_attempts: config
            .u64_in("maxAttempts", 1..=10)?
            .map_or(defaults.max_attempts, |n| n as u32),
        timeout: config
            .u64_in("timeoutMs", 100..=900_000)?
            .map_or(defaults.timeout, Duration::from_millis),
    };

    let region = match config.string("region")? {
        Some(region) => region,
        // Older requests carried the region in the authentication block.
        None => auth_fields
            .string("region")?
            .ok_or_else(|| config.error("region", "is required"))?,
    };
    check_region(&region)?;
    let auth = parse_auth(auth_fields)?;
    let endpoint = match config.string("endpoint")? {
        Some(url) => parse_endpoint(&url)?,
        None => default_endpoint(&region),
    };

    let value_format = match input.string("valueFormat")?.as_deref() {
        None => ValueFormat::Plain,
        Some(s) if s.eq_ignore_ascii_case("plain") => ValueFormat::Plain,
        Some(s) if s.eq_ignore_ascii_case("typed") => ValueFormat::Typed,
        Some(_) => return Err(input.error("valueFormat", "must be \"plain\" or \"typed\"")),
    };
    let output = match input.string("outputFormat")?.as_deref() {
        None => OutputFormat::Typed,
        Some(s) if s.eq_ignore_ascii_case("typed") => OutputFormat::Typed,
        Some(s) if s.eq_ignore_ascii_case("plain") => OutputFormat::Plain,
        Some(_) => return Err(input.error("outputFormat", "must be \"typed\" or \"plain\"")),
    };
    let max_wait = MAX_WAIT_TIMEOUT.as_millis() as u64;
    let wait_timeout = input
        .u64_in("waitTimeoutMs", 0..=max_wait)?
        .map_or(DEFAULT_WAIT_TIMEOUT, Duration::from_millis);
    let operation = parse_operation(input, value_format)?;
    Ok(Request {
        auth,
        region,
        endpoint,
        operation,
        output,
        wait_timeout,
        retry,
    })
}

fn parse_auth(fields: Fields) -> Result<Auth, ConnectorError> {
    fields.reject_unknown(&["type", "accessKey", "secretKey", "sessionToken", "region"])?;
    let kind = fields.string("type")?;
    let has_keys = fields.has("accessKey") || fields.has("secretKey");
    match kind.as_deref() {
        Some("credentials") => {}
        None if has_keys => {}
        Some("defaultCredentialsChain") => return Ok(Auth::DefaultChain),
        None => {
            return Err(fields.error(
                "type",
                "is required: \"credentials\" or \"defaultCredentialsChain\"",
            ));
        }
        Some(_) => {
            return Err(fields.error(
                "type",
                "must be \"credentials\" or \"defaultCredentialsChain\"",
            ));
        }
    }
    let access_key = fields.required_string("accessKey")?;
    let secret_key = fields.required_string("secretKey")?;
    if access_key
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(fields.error("accessKey", "must not contain spaces or control characters"));
    }
    if secret_key.chars().any(char::is_control) {
        return Err(fields.error("secretKey", "must not contain control characters"));
    }
    let session_token = fields.non_empty_string("sessionToken")?;
    if session_token
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control))
    {
        return Err(fields.error("sessionToken", "must not contain control characters"));
    }
    Ok(Auth::Static(Credentials {
        access_key,
        secret_key,
        session_token,
    }))
}

/// Checks a region name: lowercase letters, digits and hyphens, such as `eu-central-1`.
fn check_region(region: &str) -> Result<(), ConnectorError> {
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
            "configuration.region",
            "must be an AWS region name such as us-east-1 (lowercase letters, digits and hyphens)",
        ))
    }
}

/// The AWS endpoint of a region; China regions live in their own partition.
pub fn default_endpoint(region: &str) -> Endpoint {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Endpoint {
        https: true,
        authority: format!("dynamodb.{region}.{suffix}"),
    }
}

/// Checks an endpoint URL: http or https, a host, no user info, no path, query or fragment.
pub fn parse_endpoint(url: &str) -> Result<Endpoint, ConnectorError> {
    const FIELD: &str = "configuration.endpoint";
    let uri: http::Uri = url
        .trim()
        .parse()
        .map_err(|_| ConnectorError::config(FIELD, "is not a valid URL"))?;
    let https = match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => true,
        Some(s) if s.eq_ignore_ascii_case("http") => false,
        Some(_) => return Err(ConnectorError::config(FIELD, "must use http or https")),
        None => {
            return Err(ConnectorError::config(
                FIELD,
                "must be an absolute URL such as https://dynamodb.us-east-1.amazonaws.com",
            ));
        }
    };
    let authority = uri
        .authority()
        .ok_or_else(|| ConnectorError::config(FIELD, "must name a host"))?;
    if authority.as_str().contains('@') {
        return Err(ConnectorError::config(
            FIELD,
            "must not carry user information (credentials) in the URL",
        ));
    }
    if authority.host().is_empty() {
        return Err(ConnectorError::config(FIELD, "must name a host"));
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() || url.contains('#') {
        return Err(ConnectorError::config(
            FIELD,
            "must not have a path, query or fragment",
        ));
    }
    Ok(Endpoint {
        https,
        authority: authority.as_str().to_ascii_lowercase(),
    })
}

const TABLE_OPERATIONS: &[&str] = &[
    "createTable",
    "deleteTable",
    "describeTable",
    "scanTable",
    "listTables",
    "updateTable",
];
const ITEM_OPERATIONS: &[&str] = &[
    "addItem",
    "deleteItem",
    "getItem",
    "updateItem",
    "query",
    "batchGetItems",
    "batchWriteItems",
    "transactWriteItems",
    "transactGetItems",
    "executeStatement",
];

fn parse_operation(input: Fields, format: ValueFormat) -> Result<Operation, ConnectorError> {
    let group = input.string("operationGroup")?;
    let (name, key) = match group.as_deref() {
        Some("tableOperation" | "table") => operation_name(input, "tableOperation")?,
        Some("itemOperation" | "item") => operation_name(input, "itemOperation")?,
        None if input.has("type") => operation_name(input, "type")?,
        None => {
            return Err(input.error(
                "operationGroup",
                "is required: \"tableOperation\" or \"itemOperation\"",
            ));
        }
        Some(_) => {
            return Err(input.error(
                "operationGroup",
                "must be \"tableOperation\" or \"itemOperation\"",
            ));
        }
    };
    let name = name.as_str();
    match group.as_deref() {
        Some("tableOperation" | "table") if ITEM_OPERATIONS.contains(&name) => {
            return Err(input.error(
                key,
                format!("{name} is an item operation: use operationGroup \"itemOperation\""),
            ));
        }
        Some("itemOperation" | "item") if TABLE_OPERATIONS.contains(&name) => {
            return Err(input.error(
                key,
                format!("{name} is a table operation: use operationGroup \"tableOperation\""),
            ));
        }
        _ => {}
    }
    let allow = |extra: &[&str]| input.reject_unknown(&[INPUT_COMMON, extra].concat());
    let table_name = || input.table_name("tableName");
    const WRITE_OPTIONS: &[&str] = &[
        "conditionExpression",
        "expressionAttributeNames",
        "expressionAttributeValues",
        "returnValues",
        "returnValuesOnConditionCheckFailure",
    ];
    Ok(match name {
        "createTable" => {
            allow(&[
                "tableName",
                "partitionKey",
                "partitionKeyRole",
                "partitionKeyType",
                "sortKey",
                "sortKeyRole",
                "sortKeyType",
                "readCapacityUnits",
                "writeCapacityUnits",
                "billingModeStr",
                "billingMode",
                "deletionProtection",
            ])?;
            Operation::CreateTable(parse_create_table(input)?)
        }
        "deleteTable" => {
            allow(&["tableName"])?;
            Operation::DeleteTable {
                table_name: table_name()?,
            }
        }
        "describeTable" => {
            allow(&["tableName"])?;
            Operation::DescribeTable {
                table_name: table_name()?,
            }
        }
        "scanTable" => {
            allow(
                &[
                    &[
                        "tableName",
                        "indexName",
                        "filterExpression",
                        "projectionExpression",
                        "expressionAttributeNames",
                        "expressionAttributeValues",
                        "consistentRead",
                        "segment",
                        "totalSegments",
                        "select",
                    ],
                    PAGING_FIELDS,
                ]
                .concat(),
            )?;
            let segment = match (
                input.u64_in("segment", 0..=999_999)?,
                input.u64_in("totalSegments", 1..=1_000_000)?,
            ) {
                (Some(s), Some(t)) if s < t => Some((s, t)),
                (Some(_), Some(_)) => {
                    return Err(input.error("segment", "must be less than totalSegments"));
                }
                (None, None) => None,
                (Some(_), None) => {
                    return Err(input.error("totalSegments", "is required with segment"));
                }
                (None, Some(_)) => {
                    return Err(input.error("segment", "is required with totalSegments"));
                }
            };
            Operation::ScanTable(ScanTable {
                table_name: table_name()?,
                index_name: input.index_name("indexName")?,
                filter_expression: input.expression("filterExpression")?,
                projection_expression: input.expression("projectionExpression")?,
                expression_attribute_names: input.attribute_names("expressionAttributeNames")?,
                expression_attribute_values: input
                    .attribute_values("expressionAttributeValues", format)?,
                consistent_read: input.bool("consistentRead")?,
                segment,
                select: select(input)?,
                paging: paging(input)?,
            })
        }
        "query" => {
            allow(
                &[
                    &[
                        "tableName",
                        "indexName",
                        "keyConditionExpression",
                        "filterExpression",
                        "projectionExpression",
                        "expressionAttributeNames",
                        "expressionAttributeValues",
                        "scanIndexForward",
                        "consistentRead",
                        "select",
                    ],
                    PAGING_FIELDS,
                ]
                .concat(),
            )?;
            Operation::Query(Query {
                table_name: table_name()?,
                index_name: input.index_name("indexName")?,
                key_condition_expression: input
                    .expression("keyConditionExpression")?
                    .ok_or_else(|| input.error("keyConditionExpression", "is required"))?,
                filter_expression: input.expression("filterExpression")?,
                projection_expression: input.expression("projectionExpression")?,
                expression_attribute_names: input.attribute_names("expressionAttributeNames")?,
                expression_attribute_values: input
                    .attribute_values("expressionAttributeValues", format)?,
                scan_index_forward: input.bool("scanIndexForward")?,
                consistent_read: input.bool("consistentRead")?,
                select: select(input)?,
                paging: paging(input)?,
            })
        }
        "listTables" => {
            allow(&["exclusiveStartTableName", "limit"])?;
            Operation::ListTables {
                exclusive_start_table_name: input.index_name("exclusiveStartTableName")?,
                limit: input.u64_in("limit", 1..=100)?,
            }
        }
        "updateTable" => {
            allow(&[
                "tableName",
                "billingModeStr",
                "billingMode",
                "readCapacityUnits",
                "writeCapacityUnits",
                "deletionProtection",
                "timeToLiveAttribute",
                "timeToLiveEnabled",
            ])?;
            let billing = match billing_mode(input)? {
                None if input.has("readCapacityUnits") || input.has("writeCapacityUnits") => {
                    Some(provisioned(input)?)
                }
                None => None,
                Some(Billing::PayPerRequest) => Some(Billing::PayPerRequest),
                Some(Billing::Provisioned { .. }) => Some(provisioned(input)?),
            };
            let time_to_live = match (
                input.non_empty_string("timeToLiveAttribute")?,
                input.bool("timeToLiveEnabled")?,
            ) {
                (Some(attribute), enabled) => Some((attribute, enabled.unwrap_or(true))),
                (None, Some(_)) => {
                    return Err(
                        input.error("timeToLiveAttribute", "is required with timeToLiveEnabled")
                    );
                }
                (None, None) => None,
            };
            let update = UpdateTable {
                table_name: table_name()?,
                billing,
                deletion_protection: input.bool("deletionProtection")?,
                time_to_live,
            };
            if update.billing.is_none()
                && update.deletion_protection.is_none()
                && update.time_to_live.is_none()
            {
                return Err(input.error(
                    "tableName",
                    "updateTable needs something to change: billingModeStr, capacity units, deletionProtection or timeToLiveAttribute",
                ));
            }
            Operation::UpdateTable(update)
        }
        "addItem" => {
            allow(&[&["tableName", "item"], WRITE_OPTIONS].concat())?;
            let item = input.required_attributes("item", format)?;
            check_item_size(&item, &input.field("item"))?;
            Operation::AddItem {
                table_name: table_name()?,
                item,
                options: write_options(input, format, &["NONE", "ALL_OLD"])?,
            }
        }
        "getItem" => {
            allow(&[
                "tableName",
                "primaryKeyComponents",
                "projectionExpression",
                "expressionAttributeNames",
                "consistentRead",
            ])?;
            Operation::GetItem {
                table_name: table_name()?,
                key: input.primary_key("primaryKeyComponents", format)?,
                projection_expression: input.expression("projectionExpression")?,
                expression_attribute_names: input.attribute_names("expressionAttributeNames")?,
                consistent_read: input.bool("consistentRead")?,
            }
        }
        "deleteItem" => {
            allow(&[&["tableName", "primaryKeyComponents"], WRITE_OPTIONS].concat())?;
            Operation::DeleteItem {
                table_name: table_name()?,
                key: input.primary_key("primaryKeyComponents", format)?,
                options: write_options(input, format, &["NONE", "ALL_OLD"])?,
            }
        }
        "updateItem" => {
            allow(
                &[
                    &[
                        "tableName",
                        "primaryKeyComponents",
                        "keyAttributes",
                        "attributeAction",
                        "updateExpression",
                    ],
                    WRITE_OPTIONS,
                ]
                .concat(),
            )?;
            let table_name = table_name()?;
            let key = input.primary_key("primaryKeyComponents", format)?;
            let update = match input.expression("updateExpression")? {
                Some(expression) => {
                    if input.has("keyAttributes") || input.has("attributeAction") {
                        return Err(input.error(
                            "updateExpression",
                            "give either updateExpression or keyAttributes with attributeAction, not both",
                        ));
                    }
                    Update::Expression(expression)
                }
                None => attribute_update(input, &key, format)?,
            };
            Operation::UpdateItem {
                table_name,
                key,
                update,
                options: write_options(input, format, RETURN_VALUES)?,
            }
        }
        "batchGetItems" => {
            allow(&["requestItems"])?;
            Operation::BatchGetItems(batch_get(input, format)?)
        }
        "batchWriteItems" => {
            allow(&["requestItems"])?;
            Operation::BatchWriteItems(batch_write(input, format)?)
        }
        "transactWriteItems" => {
            allow(&["transactItems", "clientRequestToken"])?;
            let token = input.non_empty_string("clientRequestToken")?;
            if token.as_ref().is_some_and(|t| t.len() > 36) {
                return Err(input.error("clientRequestToken", "must be at most 36 characters"));
            }
            Operation::TransactWriteItems {
                items: transact_items(input, format, true)?,
                client_request_token: token,
            }
        }
        "transactGetItems" => {
            allow(&["transactItems"])?;
            Operation::TransactGetItems(transact_items(input, format, false)?)
        }
        "executeStatement" => {
            allow(&[
                "statement",
                "parameters",
                "consistentRead",
                "nextToken",
                "limit",
            ])?;
            let statement = input.required_string("statement")?;
            if statement.len() > 8192 {
                return Err(input.error(
                    "statement",
                    "exceeds DynamoDB's PartiQL limit of 8192 bytes",
                ));
            }
            let parameters = input
                .list("parameters")?
                .map(|list| {
                    list.iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let path = format!("{}[{i}]", input.field("parameters"));
                            match format {
                                ValueFormat::Plain => crate::value::from_plain(v, &path, 1),
                                ValueFormat::Typed => crate::value::check_typed(v, &path, 1),
                            }
                            .map_err(|e| ConnectorError::config(e.path, e.message))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?;
            Operation::ExecuteStatement {
                statement,
                parameters,
                consistent_read: input.bool("consistentRead")?,
                next_token: input.non_empty_string("nextToken")?,
                limit: input.u64_in("limit", 1..=1_000_000)?,
            }
        }
        other => {
            return Err(input.error(
                key,
                format!(
                    "unknown operation {other:?}: expected one of {}, {}",
                    TABLE_OPERATIONS.join(", "),
                    ITEM_OPERATIONS.join(", ")
                ),
            ));
        }
    })
}

fn operation_name(
    input: Fields,
    key: &'static str,
) -> Result<(String, &'static str), ConnectorError> {
    // The older form names the operation in input.type.
    match input.string(key)? {
        Some(name) => Ok((name, key)),
        None => Ok((
            input
                .string("type")?
                .ok_or_else(|| input.error(key, "is required"))?,
            key,
        )),
    }
}

fn select(input: Fields) -> Result<Option<String>, ConnectorError> {
    const SELECT: &[&str] = &[
        "ALL_ATTRIBUTES",
        "ALL_PROJECTED_ATTRIBUTES",
        "SPECIFIC_ATTRIBUTES",
        "COUNT",
    ];
    match input.non_empty_string("select")? {
        Some(s) => match SELECT.iter().find(|v| v.eq_ignore_ascii_case(&s)) {
            Some(v) => Ok(Some(v.to_string())),
            None => Err(input.error("select", format!("must be one of {}", SELECT.join(", ")))),
        },
        None => Ok(None),
    }
}

/// Paging fields. `exclusiveStartKey` is always DynamoDB-typed: it is what a previous result's
/// `lastEvaluatedKey` (always typed) said, passed back unchanged.
fn paging(input: Fields) -> Result<Paging, ConnectorError> {
    let exclusive_start_key = match input.map("exclusiveStartKey")? {
        Some(raw) if raw.is_empty() => None,
        Some(raw) => Some(crate::fields::attribute_map(
            &raw,
            ValueFormat::Typed,
            &input.field("exclusiveStartKey"),
        )?),
        None => None,
    };
    Ok(Paging {
        limit: input.u64_in("limit", 1..=1_000_000)?,
        exclusive_start_key,
        max_items: input.u64_in("maxItems", 1..=u64::from(u32::MAX))?,
        max_pages: input.u64_in("maxPages", 1..=u64::from(u32::MAX))?,
        max_bytes: input
            .u64_in("maxResultBytes", 1024..=MAX_RESULT_BYTES)?
            .unwrap_or(DEFAULT_MAX_RESULT_BYTES),
    })
}

fn write_options(
    input: Fields,
    format: ValueFormat,
    allowed: &[&str],
) -> Result<WriteOptions, ConnectorError> {
    let return_values = match input.non_empty_string("returnValues")? {
        Some(v) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(&v)) {
            Some(a) => Some(a.to_string()),
            None => {
                return Err(input.error(
                    "returnValues",
                    format!("must be one of {}", allowed.join(", ")),
                ));
            }
        },
        None => None,
    };
    let on_failure = match input.non_empty_string("returnValuesOnConditionCheckFailure")? {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("ALL_OLD") => true,
        Some(v) if v.eq_ignore_ascii_case("NONE") => false,
        Some(_) => {
            return Err(input.error(
                "returnValuesOnConditionCheckFailure",
                "must be ALL_OLD or NONE",
            ));
        }
    };
    Ok(WriteOptions {
        condition_expression: input.expression("conditionExpression")?,
        expression_attribute_names: input.attribute_names("expressionAttributeNames")?,
        expression_attribute_values: input.attribute_values("expressionAttributeValues", format)?,
        return_values,
        return_item_on_condition_failure: on_failure,
    })
}

fn attribute_update(
    input: Fields,
    key: &Map<String, Value>,
    format: ValueFormat,
) -> Result<Update, ConnectorError> {
    let action_text = input.required_string("attributeAction")?;
    let action = if action_text.eq_ignore_ascii_case("put") {
        AttributeAction::Put
    } else if action_text.eq_ignore_ascii_case("delete") {
        AttributeAction::Delete
    } else {
        return Err(input.error("attributeAction", "must be PUT or DELETE"));
    };
    let raw = input.required_map("keyAttributes")?;
    if raw.is_empty() {
        return Err(input.error("keyAttributes", "must name at least one attribute"));
    }
    let path = input.field("keyAttributes");
    if let Some(k) = raw.keys().find(|k| key.contains_key(*k)) {
        return Err(ConnectorError::config(
            format!("{path}.{k}"),
            "is part of the primary key, which updateItem cannot change",
        ));
    }
    let attributes = match action {
        AttributeAction::Put => crate::fields::attribute_map(&raw, format, &path)?,
        // Only the names matter when removing attributes.
        AttributeAction::Delete => {
            if let Some(name) = raw.keys().find(|n| n.is_empty() || n.len() > 255) {
                return Err(ConnectorError::config(
                    format!("{path}.{name}"),
                    "must be 1 to 255 bytes long",
                ));
            }
            raw
        }
    };
    Ok(Update::Attributes { attributes, action })
}

fn billing_mode(input: Fields) -> Result<Option<Billing>, ConnectorError> {
    let (mode, key) = match input.string("billingModeStr")? {
        Some(mode) => (mode, "billingModeStr"),
        None => match input.string("billingMode")? {
            Some(mode) => (mode, "billingMode"),
            None => return Ok(None),
        },
    };
    if mode.eq_ignore_ascii_case("PAY_PER_REQUEST") {
        Ok(Some(Billing::PayPerRequest))
    } else if mode.eq_ignore_ascii_case("PROVISIONED") {
        Ok(Some(Billing::Provisioned { read: 0, write: 0 }))
    } else {
        Err(input.error(key, "must be PROVISIONED or PAY_PER_REQUEST"))
    }
}

fn provisioned(input: Fields) -> Result<Billing, ConnectorError> {
    let capacity = |key: &str| {
        input
            .u64_in(key, 1..=40_000)?
            .ok_or_else(|| input.error(key, "is required for billing mode PROVISIONED"))
    };
    Ok(Billing::Provisioned {
        read: capacity("readCapacityUnits")?,
        write: capacity("writeCapacityUnits")?,
    })
}

fn parse_create_table(input: Fields) -> Result<CreateTable, ConnectorError> {
    let table_name = input.table_name("tableName")?;
    let partition = KeyAttribute {
        name: attribute_name(input, "partitionKey")?,
        role: key_role(input, "partitionKeyRole")?.unwrap_or(KeyRole::Hash),
        key_type: key_type(input, "partitionKeyType")?
            .ok_or_else(|| input.error("partitionKeyType", "is required: B, N or S"))?,
    };
    let mut key_schema = vec![partition];
    if input.non_empty_string("sortKey")?.is_some() {
        key_schema.push(KeyAttribute {
            name: attribute_name(input, "sortKey")?,
            role: key_role(input, "sortKeyRole")?.unwrap_or(KeyRole::Range),
            key_type: key_type(input, "sortKeyType")?
                .ok_or_else(|| input.error("sortKeyType", "is required with sortKey: B, N or S"))?,
        });
        if key_schema[0].name == key_schema[1].name {
            return Err(input.error("sortKey", "must differ from partitionKey"));
        }
        if key_schema[0].role == key_schema[1].role {
            return Err(input.error("sortKeyRole", "one key must be HASH and the other RANGE"));
        }
        key_schema.sort_by_key(|k| k.role != KeyRole::Hash);
    } else if key_schema[0].role != KeyRole::Hash {
        return Err(input.error("partitionKeyRole", "a table's only key must be HASH"));
    }
    let billing = match billing_mode(input)? {
        Some(Billing::PayPerRequest) => Billing::PayPerRequest,
        _ => provisioned(input)?,
    };
    Ok(CreateTable {
        table_name,
        key_schema,
        billing,
        deletion_protection: input.bool("deletionProtection")?.unwrap_or(false),
    })
}

fn key_role(input: Fields, key: &str) -> Result<Option<KeyRole>, ConnectorError> {
    Ok(match input.non_empty_string(key)? {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("HASH") => Some(KeyRole::Hash),
        Some(s) if s.eq_ignore_ascii_case("RANGE") => Some(KeyRole::Range),
        Some(_) => return Err(input.error(key, "must be HASH or RANGE")),
    })
}

fn key_type(input: Fields, key: &str) -> Result<Option<KeyType>, ConnectorError> {
    Ok(match input.non_empty_string(key)?.as_deref() {
        None => None,
        Some("B" | "b") => Some(KeyType::Binary),
        Some("N" | "n") => Some(KeyType::Number),
        Some("S" | "s") => Some(KeyType::String),
        Some(_) => return Err(input.error(key, "must be B, N or S")),
    })
}

fn attribute_name(input: Fields, key: &str) -> Result<String, ConnectorError> {
    let name = input.required_string(key)?;
    if name.len() > 255 {
        return Err(input.error(key, "must be 1 to 255 bytes long"));
    }
    Ok(name)
}

fn check_item_size(item: &Map<String, Value>, path: &str) -> Result<(), ConnectorError> {
    let size = crate::value::item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(ConnectorError::config(
            path,
            format!(
                "the item is {size} bytes; DynamoDB's item size limit is 400 KB ({MAX_ITEM_BYTES} bytes)"
            ),
        ));
    }
    Ok(())
}

/// `requestItems`: `{"table": {"keys": [...], "projectionExpression", "expressionAttributeNames", "consistentRead"}}`.
fn batch_get(input: Fields, format: ValueFormat) -> Result<Vec<BatchGetTable>, ConnectorError> {
    let request_items = input.required_map("requestItems")?;
    if request_items.is_empty() {
        return Err(input.error("requestItems", "must name at least one table"));
    }
    let base = input.field("requestItems");
    let mut tables = Vec::with_capacity(request_items.len());
    for (table_name, spec) in &request_items {
        let path = format!("{base}.{table_name}");
        let Value::Object(spec) = spec else {
            return Err(ConnectorError::config(path, "must be an object with keys"));
        };
        let spec = Fields::new(spec, &path);
        spec.reject_unknown(&[
            "keys",
            "projectionExpression",
            "expressionAttributeNames",
            "consistentRead",
        ])?;
        crate::fields::check_table_name(table_name)
            .map_err(|m| ConnectorError::config(&path, m))?;
        let raw_keys = spec
            .list("keys")?
            .ok_or_else(|| spec.error("keys", "is required"))?;
        if raw_keys.is_empty() {
            return Err(spec.error("keys", "must hold at least one key"));
        }
        let keys = raw_keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let key_path = format!("{}[{i}]", spec.field("keys"));
                match k {
                    Value::Object(raw) => crate::fields::check_key(raw, format, &key_path),
                    _ => Err(ConnectorError::config(key_path, "must be an object")),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        tables.push(BatchGetTable {
            table_name: table_name.clone(),
            keys,
            projection_expression: spec.expression("projectionExpression")?,
            expression_attribute_names: spec.attribute_names("expressionAttributeNames")?,
            consistent_read: spec.bool("consistentRead")?,
        });
    }
    Ok(tables)
}

/// `requestItems`: `{"table": [{"put": {item}}, {"delete": {key}}]}`.
fn batch_write(input: Fields, format: ValueFormat) -> Result<Vec<BatchWrite>, ConnectorError> {
    let request_items = input.required_map("requestItems")?;
    if request_items.is_empty() {
        return Err(input.error("requestItems", "must name at least one table"));
    }
    let base = input.field("requestItems");
    let mut writes = Vec::new();
    for (table_name, list) in &request_items {
        let path = format!("{base}.{table_name}");
        crate::fields::check_table_name(table_name)
            .map_err(|m| ConnectorError::config(&path, m))?;
        let Value::Array(list) = list else {
            return Err(ConnectorError::config(
                path,
                "must be a list of {\"put\": item} and {\"delete\": key}",
            ));
        };
        for (i, entry) in list.iter().enumerate() {
            let entry_path = format!("{path}[{i}]");
            let Value::Object(entry) = entry else {
                return Err(ConnectorError::config(
                    entry_path,
                    "must be {\"put\": item} or {\"delete\": key}",
                ));
            };
            let fields = Fields::new(entry, &entry_path);
            fields.reject_unknown(&["put", "delete"])?;
            let request = match (fields.raw("put"), fields.raw("delete")) {
                (Some(_), None) => {
                    let item = fields.required_attributes("put", format)?;
                    check_item_size(&item, &fields.field("put"))?;
                    serde_json::json!({ "PutRequest": { "Item": item } })
                }
                (None, Some(_)) => {
                    serde_json::json!({ "DeleteRequest": { "Key": fields.primary_key("delete", format)? } })
                }
                _ => {
                    return Err(ConnectorError::config(
                        entry_path,
                        "must hold exactly one of put or delete",
                    ));
                }
            };
            writes.push(BatchWrite {
                table_name: table_name.clone(),
                request,
            });
        }
    }
    if writes.is_empty() {
        return Err(input.error("requestItems", "must hold at least one put or delete"));
    }
    Ok(writes)
}

/// `transactItems`: a list of `{"put" | "update" | "delete" | "conditionCheck": {...}}` (writes)
/// or `{"get": {...}}` (reads), each turned into DynamoDB's TransactItem.
fn transact_items(
    input: Fields,
    format: ValueFormat,
    write: bool,
) -> Result<Vec<Value>, ConnectorError> {
    let list = input
        .list("transactItems")?
        .ok_or_else(|| input.error("transactItems", "is required"))?;
    if list.is_empty() || list.len() > MAX_TRANSACTION_ITEMS {
        return Err(input.error(
            "transactItems",
            format!("must hold 1 to {MAX_TRANSACTION_ITEMS} items (DynamoDB's transaction limit); it holds {}", list.len()),
        ));
    }
    let base = input.field("transactItems");
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let path = format!("{base}[{i}]");
            let Value::Object(entry) = entry else {
                return Err(ConnectorError::config(path, "must be an object"));
            };
            let kinds: &[&str] = if write {
                &["put", "update", "delete", "conditionCheck"]
            } else {
                &["get"]
            };
            let fields = Fields::new(entry, &path);
            fields.reject_unknown(kinds)?;
            let (kind, spec) = match entry.iter().next() {
                Some((kind, Value::Object(spec))) if entry.len() == 1 => (kind.as_str(), spec),
                _ => {
                    return Err(ConnectorError::config(
                        path,
                        format!("must hold exactly one of {}", kinds.join(", ")),
                    ));
                }
            };
            let spec_path = fields.field(kind);
            transact_item(kind, Fields::new(spec, &spec_path), format)
        })
        .collect()
}

fn transact_item(kind: &str, spec: Fields, format: ValueFormat) -> Result<Value, ConnectorError> {
    let key_field = if spec.has("primaryKeyComponents") {
        "primaryKeyComponents"
    } else {
        "key"
    };
    let mut body = Map::new();
    body.insert(
        "TableName".into(),
        Value::String(spec.table_name("tableName")?),
    );
    let mut common = vec![
        "tableName",
        "expressionAttributeNames",
        "expressionAttributeValues",
    ];
    let (dynamo_kind, extra): (&str, &[&str]) = match kind {
        "put" => (
            "Put",
            &[
                "item",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        "update" => (
            "Update",
            &[
                "key",
                "primaryKeyComponents",
                "updateExpression",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        "delete" => (
            "Delete",
            &[
                "key",
                "primaryKeyComponents",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        "conditionCheck" => (
            "ConditionCheck",
            &[
                "key",
                "primaryKeyComponents",
                "conditionExpression",
                "returnValuesOnConditionCheckFailure",
            ],
        ),
        _ => (
            "Get",
            &["key", "primaryKeyComponents", "projectionExpression"],
        ),
    };
    common.extend_from_slice(extra);
    spec.reject_unknown(&common)?;
    match kind {
        "put" => {
            let item = spec.required_attributes("item", format)?;
            check_item_size(&item, &spec.field("item"))?;
            body.insert("Item".into(), Value::Object(item));
        }
        _ => {
            body.insert(
                "Key".into(),
                Value::Object(spec.primary_key(key_field, format)?),
            );
        }
    }
    if kind == "update" {
        let expression = spec
            .expression("updateExpression")?
            .ok_or_else(|| spec.error("updateExpression", "is required"))?;
        body.insert("UpdateExpression".into(), Value::String(expression));
    }
    if kind == "conditionCheck" && !spec.has("conditionExpression") {
        return Err(spec.error("conditionExpression", "is required"));
    }
    if let Some(condition) = spec.expression("conditionExpression")? {
        body.insert("ConditionExpression".into(), Value::String(condition));
    }
    if let Some(projection) = spec.expression("projectionExpression")? {
        body.insert("ProjectionExpression".into(), Value::String(projection));
    }
    if let Some(names) = spec.attribute_names("expressionAttributeNames")? {
        body.insert("ExpressionAttributeNames".into(), Value::Object(names));
    }
    if let Some(values) = spec.attribute_values("expressionAttributeValues", format)? {
        body.insert("ExpressionAttributeValues".into(), Value::Object(values));
    }
    if let Some(v) = spec.non_empty_string("returnValuesOnConditionCheckFailure")? {
        if !v.eq_ignore_ascii_case("ALL_OLD") && !v.eq_ignore_ascii_case("NONE") {
            return Err(spec.error(
                "returnValuesOnConditionCheckFailure",
                "must be ALL_OLD or NONE",
            ));
        }
        body.insert(
            "ReturnValuesOnConditionCheckFailure".into(),
            Value::String(v.to_ascii_uppercase()),
        );
    }
    Ok(serde_json::json!({ dynamo_kind: body }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(input: Value) -> Value {
        json!({
            "authentication": {"type": "credentials", "accessKey": "AKIDEXAMPLE", "secretKey": "s3cr3t"},
            "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"},
            "input": input,
        })
    }

    fn field_of(result: Result<Request, ConnectorError>) -> String {
        match result {
            Err(ConnectorError::Configuration { field, .. }) => field.unwrap_or_default(),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn reads_every_operation_in_both_forms() {
        let cases = [
            json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"}),
            json!({"operationGroup": "table", "type": "describeTable", "tableName": "orders"}),
        ];
        for input in cases {
            let req = parse_request(&request(input)).unwrap();
            assert_eq!(
                req.operation,
                Operation::DescribeTable {
                    table_name: "orders".into()
                }
            );
            assert_eq!(req.endpoint.url(), "http://127.0.0.1:8000/");
        }
        let req = parse_request(&request(json!({
            "operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": "{\"id\": 1}", "keyAttributes": {"n": "2"}, "attributeAction": "put",
        })))
        .unwrap();
        assert_eq!(
            req.operation,
            Operation::UpdateItem {
                table_name: "orders".into(),
                key: json!({"id": {"N": "1"}}).as_object().unwrap().clone(),
                update: Update::Attributes {
                    attributes: json!({"n": {"S": "2"}}).as_object().unwrap().clone(),
                    action: AttributeAction::Put,
                },
                options: WriteOptions::default(),
            }
        );
    }

    #[test]
    fn create_table_reads_keys_billing_and_lenient_scalars() {
        let req = parse_request(&request(json!({
            "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
            "partitionKey": "id", "partitionKeyRole": "HASH", "partitionKeyType": "N",
            "sortKey": "at", "sortKeyRole": "RANGE", "sortKeyType": "S",
            "readCapacityUnits": "5", "writeCapacityUnits": 7, "billingModeStr": "PROVISIONED",
            "deletionProtection": "true",
        })))
        .unwrap();
        let Operation::CreateTable(create) = req.operation else {
            panic!()
        };
        assert_eq!(create.billing, Billing::Provisioned { read: 5, write: 7 });
        assert!(create.deletion_protection);
        assert_eq!(create.key_schema[1].name, "at");
        assert_eq!(create.key_schema[1].key_type, KeyType::String);
    }

    #[test]
    fn bad_requests_name_the_field() {
        let table = |extra: Value| {
            let mut input = json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"});
            input
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            request(input)
        };
        let mut no_region = table(json!({}));
        no_region["configuration"]
            .as_object_mut()
            .unwrap()
            .remove("region");
        let mut bad_scheme = table(json!({}));
        bad_scheme["configuration"]["endpoint"] = json!("ftp://127.0.0.1:8000");
        let mut userinfo = table(json!({}));
        userinfo["configuration"]["endpoint"] = json!("http://user:pw@127.0.0.1:8000");
        let mut no_secret = table(json!({}));
        no_secret["authentication"]
            .as_object_mut()
            .unwrap()
            .remove("secretKey");
        let cases = [
            (no_region, "configuration.region"),
            (bad_scheme, "configuration.endpoint"),
            (userinfo, "configuration.endpoint"),
            (no_secret, "authentication.secretKey"),
            (table(json!({"tableName": "x"})), "input.tableName"),
            (table(json!({"tableName": "bad name!"})), "input.tableName"),
            (table(json!({"tableName": 42})), "input.tableName"),
            (
                table(json!({"tableOperation": "dropTable"})),
                "input.tableOperation",
            ),
            (table(json!({"tabelName": "orders"})), "input.tabelName"),
            (
                table(json!({"operationGroup": "other"})),
                "input.operationGroup",
            ),
            (
                table(json!({"tableOperation": "getItem"})),
                "input.tableOperation",
            ),
            (
                request(
                    json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders", "item": "{oops"}),
                ),
                "input.item",
            ),
            (
                request(
                    json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": [1]}}),
                ),
                "input.primaryKeyComponents.id",
            ),
            (
                request(
                    json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders", "partitionKey": "id", "partitionKeyType": "N"}),
                ),
                "input.readCapacityUnits",
            ),
        ];
        for (req, field) in cases {
            assert_eq!(field_of(parse_request(&req)), field, "{req}");
        }
    }

    #[test]
    fn errors_never_echo_the_secret() {
        let mut req = request(json!({"operationGroup": "bogus"}));
        req["authentication"]["secretKey"] = json!("TOPSECRET\u{7}");
        let err = parse_request(&req).unwrap_err();
        assert!(!format!("{err:?}{err}").contains("TOPSECRET"));
        let creds = Credentials {
            access_key: "AK".into(),
            secret_key: "TOPSECRET".into(),
            session_token: Some("TOKENSECRET".into()),
        };
        assert!(!format!("{creds:?}").contains("SECRET"));
    }

    #[test]
    fn default_endpoints_follow_the_partition() {
        assert_eq!(
            default_endpoint("eu-west-1").url(),
            "https://dynamodb.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            default_endpoint("cn-north-1").url(),
            "https://dynamodb.cn-north-1.amazonaws.com.cn/"
        );
    }
}
