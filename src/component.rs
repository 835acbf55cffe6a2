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
        crate::request_size::reset_budget();
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
            details,
        } => wit::ConnectorError::Execution(wit::ExecutionError {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
            details_json: details.map(|d| d.to_string()),
        }),
    }
}

/// Puts a field that the WIT record carries as JSON text, parsed.
fn put_json(
    put: &mut impl FnMut(&str, Value),
    key: &str,
    text: Option<String>,
) -> Result<(), ConnectorError> {
    if let Some(text) = text {
        crate::request_size::check(&text, &format!("input.{key}"))?;
        let value = serde_json::from_str(&text).map_err(|e| {
            ConnectorError::config(format!("input.{key}"), format!("is not valid JSON: {e}"))
        })?;
        put(key, value);
    }
    Ok(())
}

fn put_paging(
    put: &mut impl FnMut(&str, Value),
    paging: wit::Paging,
) -> Result<(), ConnectorError> {
    put("limit", json!(paging.limit));
    put_json(put, "exclusiveStartKey", paging.exclusive_start_key_json)?;
    put("maxItems", json!(paging.max_items));
    put("maxPages", json!(paging.max_pages));
    put("maxResultBytes", json!(paging.max_result_bytes));
    Ok(())
}

fn put_write_options(
    put: &mut impl FnMut(&str, Value),
    write: wit::WriteOptions,
) -> Result<(), ConnectorError> {
    put("conditionExpression", json!(write.condition_expression));
    put_json(
        put,
        "expressionAttributeNames",
        write.expression_attribute_names_json,
    )?;
    put_json(
        put,
        "expressionAttributeValues",
        write.expression_attribute_values_json,
    )?;
    put("returnValues", json!(write.return_values));
    put(
        "returnValuesOnConditionCheckFailure",
        json!(write.return_values_on_condition_check_failure),
    );
    Ok(())
}

fn billing_mode(mode: wit::BillingMode) -> &'static str {
    match mode {
        wit::BillingMode::Provisioned => "PROVISIONED",
        wit::BillingMode::PayPerRequest => "PAY_PER_REQUEST",
    }
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
        "maxAttempts": request.configuration.max_attempts,
        "timeoutMs": request.configuration.timeout_ms,
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
            put("billingModeStr", json!(c.billing_mode.map(billing_mode)));
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
            put("indexName", json!(s.index_name));
            put("filterExpression", json!(s.filter_expression));
            put("projectionExpression", json!(s.projection_expression));
            put_json(
                &mut put,
                "expressionAttributeNames",
                s.expression_attribute_names_json,
            )?;
            put_json(
                &mut put,
                "expressionAttributeValues",
                s.expression_attribute_values_json,
            )?;
            put("consistentRead", json!(s.consistent_read));
            put("segment", json!(s.segment));
            put("totalSegments", json!(s.total_segments));
            put("select", json!(s.select));
            put_paging(&mut put, s.paging)?;
            ("tableOperation", "scanTable")
        }
        wit::Operation::ListTables(l) => {
            put(
                "exclusiveStartTableName",
                json!(l.exclusive_start_table_name),
            );
            put("limit", json!(l.limit));
            ("tableOperation", "listTables")
        }
        wit::Operation::UpdateTable(u) => {
            put("tableName", json!(u.table_name));
            put("billingModeStr", json!(u.billing_mode.map(billing_mode)));
            put("readCapacityUnits", json!(u.read_capacity_units));
            put("writeCapacityUnits", json!(u.write_capacity_units));
            put("deletionProtection", json!(u.deletion_protection));
            put("timeToLiveAttribute", json!(u.time_to_live_attribute));
            put("timeToLiveEnabled", json!(u.time_to_live_enabled));
            ("tableOperation", "updateTable")
        }
        wit::Operation::AddItem(a) => {
            put("tableName", json!(a.table_name));
            put_json(&mut put, "item", Some(a.item_json))?;
            put_write_options(&mut put, a.write)?;
            ("itemOperation", "addItem")
        }
        wit::Operation::DeleteItem(d) => {
            put("tableName", json!(d.table_name));
            put_json(
                &mut put,
                "primaryKeyComponents",
                Some(d.primary_key_components_json),
            )?;
            put_write_options(&mut put, d.write)?;
            ("itemOperation", "deleteItem")
        }
        wit::Operation::GetItem(g) => {
            put("tableName", json!(g.table_name));
            put_json(
                &mut put,
                "primaryKeyComponents",
                Some(g.primary_key_components_json),
            )?;
            put("projectionExpression", json!(g.projection_expression));
            put_json(
                &mut put,
                "expressionAttributeNames",
                g.expression_attribute_names_json,
            )?;
            put("consistentRead", json!(g.consistent_read));
            ("itemOperation", "getItem")
        }
        wit::Operation::UpdateItem(u) => {
            put("tableName", json!(u.table_name));
            put_json(
                &mut put,
                "primaryKeyComponents",
                Some(u.primary_key_components_json),
            )?;
            match u.update {
                wit::ItemUpdate::Attributes(a) => {
                    put_json(&mut put, "keyAttributes", Some(a.key_attributes_json))?;
                    put(
                        "attributeAction",
                        json!(match a.attribute_action {
                            wit::AttributeAction::Put => "PUT",
                            wit::AttributeAction::Delete => "DELETE",
                        }),
                    );
                }
                wit::ItemUpdate::Expression(e) => put("updateExpression", json!(e)),
            }
            put_write_options(&mut put, u.write)?;
            ("itemOperation", "updateItem")
        }
        wit::Operation::Query(q) => {
            put("tableName", json!(q.table_name));
            put("indexName", json!(q.index_name));
            put("keyConditionExpression", json!(q.key_condition_expression));
            put("filterExpression", json!(q.filter_expression));
            put("projectionExpression", json!(q.projection_expression));
            put_json(
                &mut put,
                "expressionAttributeNames",
                q.expression_attribute_names_json,
            )?;
            put_json(
                &mut put,
                "expressionAttributeValues",
                q.expression_attribute_values_json,
            )?;
            put("scanIndexForward", json!(q.scan_index_forward));
            put("consistentRead", json!(q.consistent_read));
            put("select", json!(q.select));
            put_paging(&mut put, q.paging)?;
            ("itemOperation", "query")
        }
        wit::Operation::BatchGetItems(items) => {
            put_json(&mut put, "requestItems", Some(items))?;
            ("itemOperation", "batchGetItems")
        }
        wit::Operation::BatchWriteItems(items) => {
            put_json(&mut put, "requestItems", Some(items))?;
            ("itemOperation", "batchWriteItems")
        }
        wit::Operation::TransactWriteItems(t) => {
            put_json(&mut put, "transactItems", Some(t.transact_items_json))?;
            put("clientRequestToken", json!(t.client_request_token));
            ("itemOperation", "transactWriteItems")
        }
        wit::Operation::TransactGetItems(items) => {
            put_json(&mut put, "transactItems", Some(items))?;
            ("itemOperation", "transactGetItems")
        }
        wit::Operation::ExecuteStatement(e) => {
            put("statement", json!(e.statement));
            put_json(&mut put, "parameters", e.parameters_json)?;
            put("consistentRead", json!(e.consistent_read));
            put("nextToken", json!(e.next_token));
            put("limit", json!(e.limit));
            ("itemOperation", "executeStatement")
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
