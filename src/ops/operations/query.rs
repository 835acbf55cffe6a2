//! query: Query, following pages within the caps; answers the items with the paging facts.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::engines::item_bodies::to_bytes;
use crate::ops::engines::page_answer::text_page;
use crate::ops::engines::paging::{
    PAGING_FIELDS, PageBody, Paging, collect_pages_with, items_length, push_items, read_paging,
};
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of query.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Query {
    /// Table name.
    pub table_name: String,
    /// Index to query instead of the table.
    pub index_name: Option<String>,
    /// Key condition expression.
    pub key_condition_expression: String,
    /// Ascending (default) or descending sort key order.
    pub scan_index_forward: Option<bool>,
    /// Filter, projection, placeholders, consistency, select, consumed capacity.
    pub options: ReadOptions,
    /// Paging and caps.
    pub paging: Paging,
}

impl ReadOperation for Query {
    const NAME: &'static str = "query";

    const FIELDS: &'static [&'static [&'static str]] = &[
        &[
            field::TABLE_NAME,
            field::INDEX_NAME,
            field::KEY_CONDITION_EXPRESSION,
            field::FILTER_EXPRESSION,
            field::PROJECTION_EXPRESSION,
            field::EXPRESSION_ATTRIBUTE_NAMES,
            field::EXPRESSION_ATTRIBUTE_VALUES,
            field::SCAN_INDEX_FORWARD,
            field::CONSISTENT_READ,
            field::SELECT,
            field::RETURN_CONSUMED_CAPACITY,
        ],
        PAGING_FIELDS,
    ];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            index_name: input.index_name(field::INDEX_NAME)?,
            key_condition_expression: input
                .expression(field::KEY_CONDITION_EXPRESSION)?
                .ok_or_else(|| input.error(field::KEY_CONDITION_EXPRESSION, "is required"))?,
            options: ReadOptions::read(input, format)?,
            scan_index_forward: input.bool(field::SCAN_INDEX_FORWARD)?,
            paging: read_paging(input)?,
        })
    }
}

impl Query {
    /// The Query body, without paging, as a tree: the bytes [`PageBody`] writes are its.
    #[cfg(test)]
    pub fn body(&self) -> Value {
        use crate::ops::set;
        let mut body = serde_json::json!({ "TableName": self.table_name, "KeyConditionExpression": self.key_condition_expression });
        set(&mut body, "IndexName", &self.index_name);
        self.options.apply(&mut body);
        set(&mut body, "ScanIndexForward", &self.scan_index_forward);
        body
    }
}

/// A Query body with its page's paging members. They come in the order serde_json writes an
/// object (its maps are sorted by name), so the bytes are those the tree would have given.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    consistent_read: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exclusive_start_key: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_names: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expression_attribute_values: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter_expression: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index_name: Option<&'a str>,
    key_condition_expression: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    projection_expression: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_consumed_capacity: Option<ReturnConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scan_index_forward: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<&'a str>,
    table_name: &'a str,
}

/// Each page's body written straight from the fields, without a tree.
impl PageBody for Query {
    fn page_body(
        &self,
        limit: Option<u64>,
        start_key: Option<&Map<String, Value>>,
    ) -> Result<Vec<u8>, ConnectorError> {
        let options = &self.options;
        to_bytes(&QueryBody {
            consistent_read: options.consistent_read,
            exclusive_start_key: start_key,
            expression_attribute_names: options.expression_attribute_names.as_ref(),
            expression_attribute_values: options.expression_attribute_values.as_ref(),
            filter_expression: options.filter_expression.as_deref(),
            index_name: self.index_name.as_deref(),
            key_condition_expression: &self.key_condition_expression,
            limit,
            projection_expression: options.projection_expression.as_deref(),
            return_consumed_capacity: options.return_consumed_capacity,
            scan_index_forward: self.scan_index_forward,
            select: options.select.as_deref(),
            table_name: &self.table_name,
        })
    }
}

impl Operation for Query {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let pages = collect_pages_with(context, "Query", self, &self.paging, text_page)?;
        let response = response_text(pages.summary(), &pages.items);
        let asked = self.options.return_consumed_capacity;
        Ok(with_consumed_capacity(
            Outcome::rendered(response),
            asked,
            context,
            Shape::OneTable,
        ))
    }
}

/// Room beside the items for the summary's members (counts, `hasMore`, a start key).
const SUMMARY_ROOM: usize = 256;

/// The response's text: the summary's members and `items` (the items' texts), in name order
/// as the tree of them would be written.
fn response_text(summary: Value, items: &[String]) -> String {
    let mut members = match summary {
        Value::Object(members) => members,
        other => return other.to_string(),
    };
    members.insert("items".into(), Value::Null);
    // Room for the items and a summary of the usual size at once: the members after `items`
    // would otherwise double the text to grow it (a larger summary grows it once).
    let mut text = String::with_capacity(items_length(items) + SUMMARY_ROOM);
    text.push('{');
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(name).expect("a name writes"));
        text.push(':');
        if name == "items" {
            push_items(&mut text, items);
        } else {
            text.push_str(&value.to_string());
        }
    }
    text.push('}');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::read;
    use serde_json::json;

    #[test]
    fn query_body_carries_every_option_and_paging_stays_apart() {
        let query: Query = read(json!({
            "operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
            "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1},
            "scanIndexForward": "false", "limit": 10, "exclusiveStartKey": {"id": {"N": "1"}, "at": {"S": "x"}},
        }));
        assert_eq!(
            query.body(),
            json!({
                "TableName": "orders",
                "KeyConditionExpression": "id = :id",
                "ExpressionAttributeValues": {":id": {"N": "1"}},
                "ScanIndexForward": false,
            })
        );
        assert_eq!(query.paging.limit, Some(10));
        // lastEvaluatedKey is always typed, so exclusiveStartKey is read as typed whatever valueFormat says.
        assert_eq!(
            query.paging.exclusive_start_key.unwrap()["at"],
            json!({"S": "x"})
        );
    }

    /// The bytes of a page as the engine wrote them from the tree before: the body's tree,
    /// `Limit` and `ExclusiveStartKey` set on a copy, the copy written.
    fn tree_bytes(tree: &Value, limit: Option<u64>, start: Option<&Map<String, Value>>) -> Vec<u8> {
        let mut body = tree.clone();
        crate::ops::set(&mut body, "Limit", &limit);
        crate::ops::set(
            &mut body,
            "ExclusiveStartKey",
            &start.cloned().map(Value::Object),
        );
        serde_json::to_vec(&body).unwrap()
    }

    #[test]
    fn each_page_body_is_the_bytes_of_the_tree() {
        let base = json!({"operationGroup": "itemOperation", "itemOperation": "query",
            "tableName": "orders", "keyConditionExpression": "id = :id",
            "expressionAttributeValues": {":id": "k"}});
        let shapes = [
            json!({}),
            json!({"indexName": "by-at", "scanIndexForward": true, "consistentRead": false}),
            json!({"filterExpression": "#a > :a AND contains(#t, :t)", "projectionExpression": "id, #a",
                "expressionAttributeNames": {"#a": "at", "#t": "tags"},
                "expressionAttributeValues": {":id": "k\"\\\u{1}é😀", ":a": 1.50, ":t": [1, {"m": null}]},
                "select": "specific_attributes", "returnConsumedCapacity": "indexes"}),
            json!({"select": "COUNT", "returnConsumedCapacity": "TOTAL", "scanIndexForward": "false"}),
            json!({"valueFormat": "typed", "expressionAttributeValues": {":id": {"B": "AQI="}, ":n": {"N": "12345678901234567890123456789012345678"}}}),
            json!({"keyConditionExpression": "\u{2028}id = :id\t", "returnConsumedCapacity": "NONE"}),
        ];
        let key: Map<String, Value> =
            serde_json::from_value(json!({"id": {"S": "k"}, "at": {"N": "1e2"}})).unwrap();
        for shape in shapes {
            let mut input = base.clone();
            input
                .as_object_mut()
                .unwrap()
                .extend(shape.as_object().unwrap().clone());
            let query: Query = read(input);
            let tree = query.body();
            for (limit, start) in [
                (None, None),
                (Some(25), None),
                (None, Some(&key)),
                (Some(1), Some(&key)),
            ] {
                let bytes = query.page_body(limit, start).unwrap();
                assert_eq!(
                    String::from_utf8(bytes).unwrap(),
                    String::from_utf8(tree_bytes(&tree, limit, start)).unwrap(),
                );
                // scanTable's body stays a tree; its pages are still the tree's bytes.
                assert_eq!(
                    tree.page_body(limit, start).unwrap(),
                    tree_bytes(&tree, limit, start)
                );
            }
        }
    }
}
