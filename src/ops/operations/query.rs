//! query: Query, following pages within the caps; answers the items with the paging facts.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::page_answer::text_page;
use crate::ops::engines::paging::{PAGING_FIELDS, Paging, collect_pages_with, read_paging};
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::{Context, Operation, Outcome, ReadOperation, set};
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
    /// The Query body, without paging.
    pub fn body(&self) -> Value {
        let mut body = json!({ "TableName": self.table_name, "KeyConditionExpression": self.key_condition_expression });
        set(&mut body, "IndexName", &self.index_name);
        self.options.apply(&mut body);
        set(&mut body, "ScanIndexForward", &self.scan_index_forward);
        body
    }
}

impl Operation for Query {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let pages = collect_pages_with(context, "Query", self.body(), &self.paging, text_page)?;
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

/// The response's text: the summary's members and `items` (the items' texts), in name order
/// as the tree of them would be written.
fn response_text(summary: Value, items: &[String]) -> String {
    let mut members = match summary {
        Value::Object(members) => members,
        other => return other.to_string(),
    };
    members.insert("items".into(), Value::Null);
    let mut text = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(name).expect("a name writes"));
        text.push(':');
        if name == "items" {
            text.push('[');
            text.push_str(&items.join(","));
            text.push(']');
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
}
