//! Reading a request (the Camunda-compatible JSON shape) into a checked [`Request`].
//!
//! Everything a request can get wrong is found here, before anything is sent, and named by
//! its path (`input.tableName`). The reader is liberal where workflow runtimes are: a map may
//! arrive as an object or as a string holding JSON, a number as a number or a numeric
//! string, a boolean as `true` or `"true"`.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::value::{self, ValueFormat};

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

/// Input of scanTable.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanTable {
    /// Table name.
    pub table_name: String,
    /// Filter expression.
    pub filter_expression: Option<String>,
    /// Projection expression.
    pub projection_expression: Option<String>,
    /// `#name` placeholders.
    pub expression_attribute_names: Option<Map<String, Value>>,
    /// `:value` placeholders, as attribute values.
    pub expression_attribute_values: Option<Map<String, Value>>,
}

/// What updateItem does with the attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeAction {
    /// Set each attribute.
    Put,
    /// Remove each attribute.
    Delete,
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
    /// Scan across all pages.
    ScanTable(ScanTable),
    /// PutItem.
    AddItem {
        /// Table name.
        table_name: String,
        /// The item.
        item: Map<String, Value>,
    },
    /// DeleteItem, returning the deleted item.
    DeleteItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
    },
    /// GetItem.
    GetItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
    },
    /// UpdateItem, returning the item after the update.
    UpdateItem {
        /// Table name.
        table_name: String,
        /// Primary key.
        key: Map<String, Value>,
        /// Attributes to set (values) or remove (names only).
        attributes: Map<String, Value>,
        /// Put or delete.
        action: AttributeAction,
    },
}

type Fields<'a> = &'a Map<String, Value>;

const INPUT_COMMON: &[&str] = &[
    "operationGroup",
    "tableOperation",
    "itemOperation",
    "type",
    "valueFormat",
    "outputFormat",
    "waitTimeoutMs",
];

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
    reject_unknown(root, "", &["authentication", "configuration", "input"])?;
    let auth_fields = object_field(root, "authentication", "authentication")?;
    let config = object_field(root, "configuration", "configuration")?;
    let input = object_field(root, "input", "input")?;
    reject_unknown(config, "configuration", &["region", "endpoint"])?;

    let region = match optional_string(config, "region", "configuration.region")? {
        Some(region) => region,
        // Older requests carried the region in the authentication block.
        None => optional_string(auth_fields, "region", "authentication.region")?
            .ok_or_else(|| ConnectorError::config("configuration.region", "is required"))?,
    };
    check_region(&region)?;
    let auth = parse_auth(auth_fields)?;
    let endpoint = match optional_string(config, "endpoint", "configuration.endpoint")? {
        Some(url) => parse_endpoint(&url)?,
        None => default_endpoint(&region),
    };

    let value_format = match optional_string(input, "valueFormat", "input.valueFormat")?.as_deref()
    {
        None => ValueFormat::Plain,
        Some(s) if s.eq_ignore_ascii_case("plain") => ValueFormat::Plain,
        Some(s) if s.eq_ignore_ascii_case("typed") => ValueFormat::Typed,
        Some(_) => {
            return Err(ConnectorError::config(
                "input.valueFormat",
                "must be \"plain\" or \"typed\"",
            ));
        }
    };
    let output = match optional_string(input, "outputFormat", "input.outputFormat")?.as_deref() {
        None => OutputFormat::Typed,
        Some(s) if s.eq_ignore_ascii_case("typed") => OutputFormat::Typed,
        Some(s) if s.eq_ignore_ascii_case("plain") => OutputFormat::Plain,
        Some(_) => {
            return Err(ConnectorError::config(
                "input.outputFormat",
                "must be \"typed\" or \"plain\"",
            ));
        }
    };
    let wait_timeout = match optional_u64(input, "waitTimeoutMs", "input.waitTimeoutMs")? {
        None => DEFAULT_WAIT_TIMEOUT,
        Some(ms) if Duration::from_millis(ms) <= MAX_WAIT_TIMEOUT => Duration::from_millis(ms),
        Some(_) => {
            return Err(ConnectorError::config(
                "input.waitTimeoutMs",
                format!("must be at most {} ms", MAX_WAIT_TIMEOUT.as_millis()),
            ));
        }
    };
    let operation = parse_operation(input, value_format)?;
    Ok(Request {
        auth,
        region,
        endpoint,
        operation,
        output,
        wait_timeout,
    })
}

fn parse_auth(fields: Fields) -> Result<Auth, ConnectorError> {
    reject_unknown(
        fields,
        "authentication",
        &["type", "accessKey", "secretKey", "sessionToken", "region"],
    )?;
    let kind = optional_string(fields, "type", "authentication.type")?;
    let has_keys = fields.contains_key("accessKey") || fields.contains_key("secretKey");
    match kind.as_deref() {
        Some("credentials") => {}
        None if has_keys => {}
        Some("defaultCredentialsChain") => return Ok(Auth::DefaultChain),
        None => {
            return Err(ConnectorError::config(
                "authentication.type",
                "is required: \"credentials\" or \"defaultCredentialsChain\"",
            ));
        }
        Some(_) => {
            return Err(ConnectorError::config(
                "authentication.type",
                "must be \"credentials\" or \"defaultCredentialsChain\"",
            ));
        }
    }
    let access_key = required_string(fields, "accessKey", "authentication.accessKey")?;
    let secret_key = required_string(fields, "secretKey", "authentication.secretKey")?;
    if access_key
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ConnectorError::config(
            "authentication.accessKey",
            "must not contain spaces or control characters",
        ));
    }
    if secret_key.chars().any(char::is_control) {
        return Err(ConnectorError::config(
            "authentication.secretKey",
            "must not contain control characters",
        ));
    }
    let session_token = optional_string(fields, "sessionToken", "authentication.sessionToken")?
        .filter(|t| !t.is_empty());
    if session_token
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control))
    {
        return Err(ConnectorError::config(
            "authentication.sessionToken",
            "must not contain control characters",
        ));
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

fn parse_operation(input: Fields, format: ValueFormat) -> Result<Operation, ConnectorError> {
    let group = optional_string(input, "operationGroup", "input.operationGroup")?;
    let (name, field) = match group.as_deref() {
        Some("tableOperation" | "table") => operation_name(input, "tableOperation")?,
        Some("itemOperation" | "item") => operation_name(input, "itemOperation")?,
        None if input.contains_key("type") => operation_name(input, "type")?,
        None => {
            return Err(ConnectorError::config(
                "input.operationGroup",
                "is required: \"tableOperation\" or \"itemOperation\"",
            ));
        }
        Some(_) => {
            return Err(ConnectorError::config(
                "input.operationGroup",
                "must be \"tableOperation\" or \"itemOperation\"",
            ));
        }
    };
    let is_table_op = matches!(
        name.as_str(),
        "createTable" | "deleteTable" | "describeTable" | "scanTable"
    );
    let is_item_op = matches!(
        name.as_str(),
        "addItem" | "deleteItem" | "getItem" | "updateItem"
    );
    match group.as_deref() {
        Some("tableOperation" | "table") if is_item_op => {
            return Err(ConnectorError::config(
                &field,
                format!("{name} is an item operation: use operationGroup \"itemOperation\""),
            ));
        }
        Some("itemOperation" | "item") if is_table_op => {
            return Err(ConnectorError::config(
                &field,
                format!("{name} is a table operation: use operationGroup \"tableOperation\""),
            ));
        }
        _ => {}
    }
    let allow = |extra: &[&str]| reject_unknown(input, "input", &[INPUT_COMMON, extra].concat());
    let table_name = || table_name(input);
    Ok(match name.as_str() {
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
            allow(&[
                "tableName",
                "filterExpression",
                "projectionExpression",
                "expressionAttributeNames",
                "expressionAttributeValues",
            ])?;
            Operation::ScanTable(ScanTable {
                table_name: table_name()?,
                filter_expression: non_empty_string(input, "filterExpression")?,
                projection_expression: non_empty_string(input, "projectionExpression")?,
                expression_attribute_names: attribute_names(input)?,
                expression_attribute_values: optional_map(input, "expressionAttributeValues")?
                    .map(|m| attribute_map(&m, format, "input.expressionAttributeValues"))
                    .transpose()?,
            })
        }
        "addItem" => {
            allow(&["tableName", "item"])?;
            let item = required_map(input, "item")?;
            Operation::AddItem {
                table_name: table_name()?,
                item: attribute_map(&item, format, "input.item")?,
            }
        }
        "deleteItem" | "getItem" => {
            allow(&["tableName", "primaryKeyComponents"])?;
            let table_name = table_name()?;
            let key = primary_key(input, format)?;
            if name == "getItem" {
                Operation::GetItem { table_name, key }
            } else {
                Operation::DeleteItem { table_name, key }
            }
        }
        "updateItem" => {
            allow(&[
                "tableName",
                "primaryKeyComponents",
                "keyAttributes",
                "attributeAction",
            ])?;
            let table_name = table_name()?;
            let key = primary_key(input, format)?;
            let action_text = required_string(input, "attributeAction", "input.attributeAction")?;
            let action = if action_text.eq_ignore_ascii_case("put") {
                AttributeAction::Put
            } else if action_text.eq_ignore_ascii_case("delete") {
                AttributeAction::Delete
            } else {
                return Err(ConnectorError::config(
                    "input.attributeAction",
                    "must be PUT or DELETE",
                ));
            };
            let raw = required_map(input, "keyAttributes")?;
            if raw.is_empty() {
                return Err(ConnectorError::config(
                    "input.keyAttributes",
                    "must name at least one attribute",
                ));
            }
            if let Some(k) = raw.keys().find(|k| key.contains_key(*k)) {
                return Err(ConnectorError::config(
                    format!("input.keyAttributes.{k}"),
                    "is part of the primary key, which updateItem cannot change",
                ));
            }
            let attributes = match action {
                AttributeAction::Put => attribute_map(&raw, format, "input.keyAttributes")?,
                // Only the names matter when removing attributes.
                AttributeAction::Delete => check_names(raw, "input.keyAttributes")?,
            };
            Operation::UpdateItem {
                table_name,
                key,
                attributes,
                action,
            }
        }
        other => {
            return Err(ConnectorError::config(
                &field,
                format!(
                    "unknown operation {other:?}: expected createTable, deleteTable, describeTable, scanTable, addItem, deleteItem, getItem or updateItem"
                ),
            ));
        }
    })
}

fn operation_name(input: Fields, key: &str) -> Result<(String, String), ConnectorError> {
    let field = format!("input.{key}");
    // The older form names the operation in input.type.
    let name = match optional_string(input, key, &field)? {
        Some(name) => name,
        None => optional_string(input, "type", "input.type")?
            .ok_or_else(|| ConnectorError::config(&field, "is required"))?,
    };
    Ok((name, field))
}

fn parse_create_table(input: Fields) -> Result<CreateTable, ConnectorError> {
    let table_name = table_name(input)?;
    let partition = KeyAttribute {
        name: attribute_name(input, "partitionKey")?,
        role: key_role(input, "partitionKeyRole")?.unwrap_or(KeyRole::Hash),
        key_type: key_type(input, "partitionKeyType")?.ok_or_else(|| {
            ConnectorError::config("input.partitionKeyType", "is required: B, N or S")
        })?,
    };
    let mut key_schema = vec![partition];
    if let Some(sort_name) = non_empty_string(input, "sortKey")? {
        check_attribute_name(&sort_name, "input.sortKey")?;
        key_schema.push(KeyAttribute {
            name: sort_name,
            role: key_role(input, "sortKeyRole")?.unwrap_or(KeyRole::Range),
            key_type: key_type(input, "sortKeyType")?.ok_or_else(|| {
                ConnectorError::config("input.sortKeyType", "is required with sortKey: B, N or S")
            })?,
        });
        if key_schema[0].name == key_schema[1].name {
            return Err(ConnectorError::config(
                "input.sortKey",
                "must differ from partitionKey",
            ));
        }
        if key_schema[0].role == key_schema[1].role {
            return Err(ConnectorError::config(
                "input.sortKeyRole",
                "one key must be HASH and the other RANGE",
            ));
        }
        key_schema.sort_by_key(|k| k.role != KeyRole::Hash);
    } else if key_schema[0].role != KeyRole::Hash {
        return Err(ConnectorError::config(
            "input.partitionKeyRole",
            "a table's only key must be HASH",
        ));
    }
    let mode = match optional_string(input, "billingModeStr", "input.billingModeStr")? {
        Some(mode) => Some((mode, "input.billingModeStr")),
        None => optional_string(input, "billingMode", "input.billingMode")?
            .map(|m| (m, "input.billingMode")),
    };
    let billing = match mode {
        Some((m, _)) if m.eq_ignore_ascii_case("PAY_PER_REQUEST") => Billing::PayPerRequest,
        Some((m, field)) if !m.eq_ignore_ascii_case("PROVISIONED") => {
            return Err(ConnectorError::config(
                field,
                "must be PROVISIONED or PAY_PER_REQUEST",
            ));
        }
        _ => Billing::Provisioned {
            read: capacity(input, "readCapacityUnits")?,
            write: capacity(input, "writeCapacityUnits")?,
        },
    };
    Ok(CreateTable {
        table_name,
        key_schema,
        billing,
        deletion_protection: optional_bool(
            input,
            "deletionProtection",
            "input.deletionProtection",
        )?
        .unwrap_or(false),
    })
}

fn capacity(input: Fields, key: &str) -> Result<u64, ConnectorError> {
    let field = format!("input.{key}");
    match optional_u64(input, key, &field)? {
        Some(n) if (1..=40_000).contains(&n) => Ok(n),
        Some(_) => Err(ConnectorError::config(field, "must be between 1 and 40000")),
        None => Err(ConnectorError::config(
            field,
            "is required for billing mode PROVISIONED",
        )),
    }
}

fn key_role(input: Fields, key: &str) -> Result<Option<KeyRole>, ConnectorError> {
    let field = format!("input.{key}");
    Ok(match non_empty_string(input, key)? {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("HASH") => Some(KeyRole::Hash),
        Some(s) if s.eq_ignore_ascii_case("RANGE") => Some(KeyRole::Range),
        Some(_) => return Err(ConnectorError::config(field, "must be HASH or RANGE")),
    })
}

fn key_type(input: Fields, key: &str) -> Result<Option<KeyType>, ConnectorError> {
    let field = format!("input.{key}");
    Ok(match non_empty_string(input, key)?.as_deref() {
        None => None,
        Some("B" | "b") => Some(KeyType::Binary),
        Some("N" | "n") => Some(KeyType::Number),
        Some("S" | "s") => Some(KeyType::String),
        Some(_) => return Err(ConnectorError::config(field, "must be B, N or S")),
    })
}

fn table_name(input: Fields) -> Result<String, ConnectorError> {
    let name = required_string(input, "tableName", "input.tableName")?;
    let valid_chars = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if !(3..=255).contains(&name.len()) || !valid_chars {
        return Err(ConnectorError::config(
            "input.tableName",
            "must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'",
        ));
    }
    Ok(name)
}

fn attribute_name(input: Fields, key: &str) -> Result<String, ConnectorError> {
    let field = format!("input.{key}");
    let name = required_string(input, key, &field)?;
    check_attribute_name(&name, &field)?;
    Ok(name)
}

fn check_attribute_name(name: &str, field: &str) -> Result<(), ConnectorError> {
    if name.is_empty() || name.len() > 255 {
        return Err(ConnectorError::config(field, "must be 1 to 255 bytes long"));
    }
    Ok(())
}

fn check_names(map: Map<String, Value>, path: &str) -> Result<Map<String, Value>, ConnectorError> {
    for name in map.keys() {
        check_attribute_name(name, &format!("{path}.{name}"))?;
    }
    Ok(map)
}

fn primary_key(input: Fields, format: ValueFormat) -> Result<Map<String, Value>, ConnectorError> {
    const FIELD: &str = "input.primaryKeyComponents";
    let raw = required_map(input, "primaryKeyComponents")?;
    if raw.is_empty() || raw.len() > 2 {
        return Err(ConnectorError::config(
            FIELD,
            "must hold the partition key and, for tables with one, the sort key",
        ));
    }
    let key = attribute_map(&raw, format, FIELD)?;
    for (name, value) in &key {
        let tag = value
            .as_object()
            .and_then(|m| m.keys().next())
            .map(String::as_str);
        if !matches!(tag, Some("S" | "N" | "B")) {
            return Err(ConnectorError::config(
                format!("{FIELD}.{name}"),
                "key attributes must be strings, numbers or binary",
            ));
        }
    }
    Ok(key)
}

fn attribute_names(input: Fields) -> Result<Option<Map<String, Value>>, ConnectorError> {
    let Some(names) = optional_map(input, "expressionAttributeNames")? else {
        return Ok(None);
    };
    for (placeholder, name) in &names {
        let field = format!("input.expressionAttributeNames.{placeholder}");
        if !placeholder.starts_with('#') || placeholder.len() < 2 {
            return Err(ConnectorError::config(
                field,
                "placeholders must start with '#'",
            ));
        }
        if name.as_str().is_none_or(str::is_empty) {
            return Err(ConnectorError::config(
                field,
                "must be a non-empty attribute name",
            ));
        }
    }
    Ok(Some(names))
}

fn attribute_map(
    map: &Map<String, Value>,
    format: ValueFormat,
    path: &str,
) -> Result<Map<String, Value>, ConnectorError> {
    value::to_attribute_map(map, format, path)
        .map_err(|e| ConnectorError::config(e.path, e.message))
}

fn reject_unknown(map: Fields, path: &str, known: &[&str]) -> Result<(), ConnectorError> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let field = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            Err(ConnectorError::config(
                field,
                format!("unknown field; expected one of: {}", known.join(", ")),
            ))
        }
    }
}

fn object_field<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<&'a Map<String, Value>, ConnectorError> {
    match map.get(key) {
        Some(Value::Object(inner)) => Ok(inner),
        None | Some(Value::Null) => Err(ConnectorError::config(field, "is required")),
        Some(_) => Err(ConnectorError::config(field, "must be an object")),
    }
}

fn optional_string(map: Fields, key: &str, field: &str) -> Result<Option<String>, ConnectorError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ConnectorError::config(field, "must be a string")),
    }
}

fn required_string(map: Fields, key: &str, field: &str) -> Result<String, ConnectorError> {
    match optional_string(map, key, field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(ConnectorError::config(field, "must not be empty")),
        None => Err(ConnectorError::config(field, "is required")),
    }
}

fn non_empty_string(map: Fields, key: &str) -> Result<Option<String>, ConnectorError> {
    Ok(optional_string(map, key, &format!("input.{key}"))?.filter(|s| !s.trim().is_empty()))
}

fn optional_bool(map: Fields, key: &str, field: &str) -> Result<Option<bool>, ConnectorError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ConnectorError::config(field, "must be true or false")),
    }
}

fn optional_u64(map: Fields, key: &str, field: &str) -> Result<Option<u64>, ConnectorError> {
    let text = match map.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_str().to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => return Err(ConnectorError::config(field, "must be a whole number")),
    };
    text.parse::<u64>()
        .map(Some)
        .map_err(|_| ConnectorError::config(field, "must be a whole number"))
}

/// A map given as a JSON object or as a string holding one.
fn optional_map(map: Fields, key: &str) -> Result<Option<Map<String, Value>>, ConnectorError> {
    let field = format!("input.{key}");
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(inner)) => Ok(Some(inner.clone())),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(inner)) => Ok(Some(inner)),
            Ok(_) => Err(ConnectorError::config(field, "must be a JSON object")),
            Err(e) => Err(ConnectorError::config(
                field,
                format!("is not valid JSON: {e}"),
            )),
        },
        Some(_) => Err(ConnectorError::config(field, "must be a JSON object")),
    }
}

fn required_map(map: Fields, key: &str) -> Result<Map<String, Value>, ConnectorError> {
    optional_map(map, key)?
        .ok_or_else(|| ConnectorError::config(format!("input.{key}"), "is required"))
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
                attributes: json!({"n": {"S": "2"}}).as_object().unwrap().clone(),
                action: AttributeAction::Put,
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
