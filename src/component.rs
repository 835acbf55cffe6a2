//! The WIT glue: exports `connectors:dynamodb/connector`. The typed `execute` is rewritten
//! into the JSON request shape, so both entry points share one reader and one set of checks.

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::wasi_platform::WasiPlatform;

wit_bindgen::generate!({
    world: "dynamodb-connector",
    path: "wit",
    with: {
        "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
        "wasi:http/types@0.2.12": wasip2::http::types,
        "wasi:io/streams@0.2.12": wasip2::io::streams,
        "wasi:io/poll@0.2.12": wasip2::io::poll,
        "wasi:io/error@0.2.12": wasip2::io::error,
        "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
        "wasi:clocks/wall-clock@0.2.12": wasip2::clocks::wall_clock,
        "wasi:random/random@0.2.12": wasip2::random::random,
        "wasi:cli/environment@0.2.12": wasip2::cli::environment,
    },
});

use connectors::dynamodb::types as wit;
use exports::connectors::dynamodb::connector::Guest;

struct Component;

export!(Component);

impl Guest for Component {
    fn execute(request: wit::Request) -> Result<wit::Response, wit::ConnectorError> {
        let json_request = to_json_request(request).map_err(to_wit_error)?;
        let request = crate::input::parse_request(&json_request).map_err(to_wit_error)?;
        let mut result =
            crate::operation::execute(&request, &mut WasiPlatform).map_err(to_wit_error)?;
        Ok(wit::Response {
            action: result["action"].as_str().unwrap_or_default().to_string(),
            status: "OK".to_string(),
            response_json: result["response"].take().to_string(),
        })
    }

    fn execute_json(request: String) -> Result<String, wit::ConnectorError> {
        crate::execute_json(&request, &mut WasiPlatform)
            .map(|result| result.to_string())
            .map_err(to_wit_error)
    }
}

fn to_wit_error(error: ConnectorError) -> wit::ConnectorError {
    match error {
        ConnectorError::Configuration { field, message } => {
            wit::ConnectorError::Configuration(wit::ConfigurationError { field, message })
        }
        ConnectorError::Connection { message, attempts } => {
            wit::ConnectorError::Connection(wit::ConnectionError { message, attempts })
        }
        ConnectorError::Execution {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
        } => wit::ConnectorError::Execution(wit::ExecutionError {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
        }),
    }
}

/// A JSON field that the WIT record carries as JSON text.
fn json_text(text: &str, field: &str) -> Result<Value, ConnectorError> {
    serde_json::from_str(text)
        .map_err(|e| ConnectorError::config(field, format!("is not valid JSON: {e}")))
}

fn to_json_request(request: wit::Request) -> Result<Value, ConnectorError> {
    let authentication = match request.authentication {
        wit::Authentication::Credentials(c) => json!({
            "type": "credentials",
            "accessKey": c.access_key,
            "secretKey": c.secret_key,
            "sessionToken": c.session_token,
        }),
        wit::Authentication::DefaultCredentialsChain => {
            json!({ "type": "defaultCredentialsChain" })
        }
    };
    let configuration = json!({
        "region": request.configuration.region,
        "endpoint": request.configuration.endpoint,
    });
    let mut input = Map::new();
    let mut put = |k: &str, v: Value| {
        input.insert(k.to_string(), v);
    };
    let key_type = |t: wit::KeyType| match t {
        wit::KeyType::Binary => "B",
        wit::KeyType::Number => "N",
        wit::KeyType::String => "S",
    };
    let key_role = |r: wit::KeyRole| match r {
        wit::KeyRole::Hash => "HASH",
        wit::KeyRole::Range => "RANGE",
    };
    let (group, name) = match request.operation {
        wit::Operation::CreateTable(c) => {
            put("tableName", json!(c.table_name));
            put("partitionKey", json!(c.partition_key));
            put(
                "partitionKeyRole",
                json!(c.partition_key_role.map(key_role)),
            );
            put("partitionKeyType", json!(key_type(c.partition_key_type)));
            put("sortKey", json!(c.sort_key));
            put("sortKeyRole", json!(c.sort_key_role.map(key_role)));
            put("sortKeyType", json!(c.sort_key_type.map(key_type)));
            put("readCapacityUnits", json!(c.read_capacity_units));
            put("writeCapacityUnits", json!(c.write_capacity_units));
            put(
                "billingModeStr",
                json!(c.billing_mode.map(|m| match m {
                    wit::BillingMode::Provisioned => "PROVISIONED",
                    wit::BillingMode::PayPerRequest => "PAY_PER_REQUEST",
                })),
            );
            put("deletionProtection", json!(c.deletion_protection));
            ("tableOperation", "createTable")
        }
        wit::Operation::DeleteTable(table) => {
            put("tableName", json!(table));
            ("tableOperation", "deleteTable")
        }
        wit::Operation::DescribeTable(table) => {
            put("tableName", json!(table));
            ("tableOperation", "describeTable")
        }
        wit::Operation::ScanTable(s) => {
            put("tableName", json!(s.table_name));
            put("filterExpression", json!(s.filter_expression));
            put("projectionExpression", json!(s.projection_expression));
            if let Some(names) = s.expression_attribute_names_json {
                put(
                    "expressionAttributeNames",
                    json_text(&names, "input.expressionAttributeNames")?,
                );
            }
            if let Some(values) = s.expression_attribute_values_json {
                put(
                    "expressionAttributeValues",
                    json_text(&values, "input.expressionAttributeValues")?,
                );
            }
            ("tableOperation", "scanTable")
        }
        wit::Operation::AddItem(a) => {
            put("tableName", json!(a.table_name));
            put("item", json_text(&a.item_json, "input.item")?);
            ("itemOperation", "addItem")
        }
        wit::Operation::DeleteItem(k) => {
            put("tableName", json!(k.table_name));
            put(
                "primaryKeyComponents",
                json_text(&k.primary_key_components_json, "input.primaryKeyComponents")?,
            );
            ("itemOperation", "deleteItem")
        }
        wit::Operation::GetItem(k) => {
            put("tableName", json!(k.table_name));
            put(
                "primaryKeyComponents",
                json_text(&k.primary_key_components_json, "input.primaryKeyComponents")?,
            );
            ("itemOperation", "getItem")
        }
        wit::Operation::UpdateItem(u) => {
            put("tableName", json!(u.table_name));
            put(
                "primaryKeyComponents",
                json_text(&u.primary_key_components_json, "input.primaryKeyComponents")?,
            );
            put(
                "keyAttributes",
                json_text(&u.key_attributes_json, "input.keyAttributes")?,
            );
            put(
                "attributeAction",
                json!(match u.attribute_action {
                    wit::AttributeAction::Put => "PUT",
                    wit::AttributeAction::Delete => "DELETE",
                }),
            );
            ("itemOperation", "updateItem")
        }
    };
    put("operationGroup", json!(group));
    put(group, json!(name));
    put(
        "valueFormat",
        json!(match request.options.value_format {
            wit::ValueFormat::Plain => "plain",
            wit::ValueFormat::Typed => "typed",
        }),
    );
    put(
        "outputFormat",
        json!(match request.options.output_format {
            wit::OutputFormat::Typed => "typed",
            wit::OutputFormat::Plain => "plain",
        }),
    );
    put("waitTimeoutMs", json!(request.options.wait_timeout_ms));
    Ok(json!({ "authentication": authentication, "configuration": configuration, "input": input }))
}
