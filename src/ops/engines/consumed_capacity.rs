//! `returnConsumedCapacity`, which every item read and write takes, and the sum of the
//! `ConsumedCapacity` DynamoDB reports over one invocation's calls (pages, batch rounds and
//! chunks), answered beside the response as `consumedCapacity`.
//!
//! The sum keeps DynamoDB's shape (per table: units, the table's share, each index's), with the
//! member names in the result's camelCase, as Camunda's (AWS SDK v1) `ConsumedCapacity` is
//! written: `tableName`, `capacityUnits`, `readCapacityUnits`, `writeCapacityUnits`, `table`,
//! `localSecondaryIndexes`, `globalSecondaryIndexes`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::{Context, Outcome};

/// What consumed capacity to report (`NONE`, the default, reports nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum ReturnConsumedCapacity {
    /// Per table.
    Total,
    /// Per table, with the table's and each index's share.
    Indexes,
}

impl ReturnConsumedCapacity {
    /// Reads `returnConsumedCapacity`: `NONE`, `TOTAL` or `INDEXES`, any case.
    pub fn read(input: Fields) -> Result<Option<Self>, ConnectorError> {
        let Some(value) = input.non_empty_string(field::RETURN_CONSUMED_CAPACITY)? else {
            return Ok(None);
        };
        match value.to_ascii_uppercase().as_str() {
            "NONE" => Ok(None),
            "TOTAL" => Ok(Some(Self::Total)),
            "INDEXES" => Ok(Some(Self::Indexes)),
            _ => Err(input.error(
                field::RETURN_CONSUMED_CAPACITY,
                "must be NONE, TOTAL or INDEXES",
            )),
        }
    }

    /// Asks DynamoDB for it in `body` when `asked`.
    pub fn apply(asked: Option<Self>, body: &mut Value) {
        let name = match asked {
            None => return,
            Some(Self::Total) => "TOTAL",
            Some(Self::Indexes) => "INDEXES",
        };
        body["ReturnConsumedCapacity"] = json!(name);
    }
}

/// How an operation answers its sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One table's (an object, or `null` when DynamoDB reported none), as GetItem, Query or
    /// ExecuteStatement report it.
    OneTable,
    /// A list, one entry per table, as BatchGetItem or TransactWriteItems report it.
    PerTable,
}

/// Capacity units: the total and its read and write parts, each when DynamoDB reported it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Units {
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_capacity_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    write_capacity_units: Option<f64>,
}

impl Units {
    /// Adds DynamoDB's `{"CapacityUnits", "ReadCapacityUnits", "WriteCapacityUnits"}`.
    fn add(&mut self, reported: &Map<String, Value>) {
        // DynamoDB's units are doubles (0.5 for an eventually consistent read unit).
        let add = |sum: &mut Option<f64>, key: &str| {
            if let Some(units) = reported.get(key).and_then(Value::as_f64) {
                *sum = Some(sum.unwrap_or(0.0) + units);
            }
        };
        add(&mut self.capacity_units, "CapacityUnits");
        add(&mut self.read_capacity_units, "ReadCapacityUnits");
        add(&mut self.write_capacity_units, "WriteCapacityUnits");
    }
}

/// One table's sum.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TableCapacity {
    table_name: String,
    #[serde(flatten)]
    total: Units,
    #[serde(skip_serializing_if = "Option::is_none")]
    table: Option<Units>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    local_secondary_indexes: BTreeMap<String, Units>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    global_secondary_indexes: BTreeMap<String, Units>,
}

impl TableCapacity {
    fn add(&mut self, reported: &Map<String, Value>) {
        self.total.add(reported);
        if let Some(Value::Object(table)) = reported.get("Table") {
            self.table.get_or_insert_with(Units::default).add(table);
        }
        let indexes = [
            ("LocalSecondaryIndexes", &mut self.local_secondary_indexes),
            ("GlobalSecondaryIndexes", &mut self.global_secondary_indexes),
        ];
        for (key, sums) in indexes {
            let Some(Value::Object(reported)) = reported.get(key) else {
                continue;
            };
            for (index, units) in reported {
                if let Value::Object(units) = units {
                    sums.entry(index.clone()).or_default().add(units);
                }
            }
        }
    }
}

/// The capacity an invocation's calls consumed, per table in the order first reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ConsumedCapacity {
    tables: Vec<TableCapacity>,
}

impl ConsumedCapacity {
    /// Adds what one answer reports: its `ConsumedCapacity`, an object or a list of them
    /// (anything else, or none, adds nothing).
    pub fn add(&mut self, answer: &Value) {
        self.add_reported(answer.get("ConsumedCapacity"));
    }

    /// Adds an answer's `ConsumedCapacity`, read apart from the answer.
    pub fn add_reported(&mut self, reported: Option<&Value>) {
        match reported {
            Some(Value::Object(one)) => self.add_table(one),
            Some(Value::Array(many)) => many
                .iter()
                .filter_map(Value::as_object)
                .for_each(|one| self.add_table(one)),
            _ => {}
        }
    }

    fn add_table(&mut self, reported: &Map<String, Value>) {
        let name = reported.get("TableName").and_then(Value::as_str);
        let name = name.unwrap_or_default();
        let position = match self.tables.iter().position(|t| t.table_name == name) {
            Some(position) => position,
            None => {
                self.tables.push(TableCapacity {
                    table_name: name.to_string(),
                    ..TableCapacity::default()
                });
                self.tables.len() - 1
            }
        };
        self.tables[position].add(reported);
    }

    /// The sum in `shape`.
    pub fn to_value(&self, shape: Shape) -> Value {
        let value = match shape {
            Shape::OneTable => serde_json::to_value(self.tables.first()),
            Shape::PerTable => serde_json::to_value(&self.tables),
        };
        value.expect("units and names serialize")
    }
}

/// `outcome` with `consumedCapacity` beside its response when it was `asked` for: the sum of
/// what the context's calls reported. Unasked, the result keeps its shape.
pub(crate) fn with_consumed_capacity(
    outcome: Outcome,
    asked: Option<ReturnConsumedCapacity>,
    context: &Context<'_>,
    shape: Shape,
) -> Outcome {
    match asked {
        Some(_) => outcome.with("consumedCapacity", context.consumed.to_value(shape)),
        None => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operation;
    use crate::ops::operations::batch_write_items::BatchWriteItems;
    use crate::ops::operations::query::Query;
    use crate::ops::testing::{context, error_field, read, request};
    use crate::wire::testing::{Scripted, answer};

    fn query(extra: Value) -> Query {
        let mut input = json!({"operationGroup": "itemOperation", "itemOperation": "query",
            "tableName": "orders", "keyConditionExpression": "id = :id",
            "expressionAttributeValues": {":id": 1}});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        read(input)
    }

    #[test]
    fn a_query_asks_on_every_page_and_answers_the_sum() {
        let pages = [
            r#"{"Items":[],"Count":0,"ScannedCount":0,"LastEvaluatedKey":{"id":{"N":"1"}},"ConsumedCapacity":{"TableName":"orders","CapacityUnits":1.5}}"#,
            r#"{"Items":[],"Count":0,"ScannedCount":0,"ConsumedCapacity":{"TableName":"orders","CapacityUnits":0.5}}"#,
        ];
        let mut platform = Scripted::new(pages.iter().map(|p| answer(200, &[], p)).collect());
        let asked = query(json!({"returnConsumedCapacity": "total"}));
        let result = asked.run(&mut context(&mut platform)).unwrap();
        let result = result.into_result("query");
        assert_eq!(
            result["consumedCapacity"],
            json!({"tableName": "orders", "capacityUnits": 2.0})
        );
        for (sent, _) in &platform.sent {
            let body: Value = serde_json::from_slice(&sent.body).unwrap();
            assert_eq!(body["ReturnConsumedCapacity"], "TOTAL");
        }
        // Not asked: nothing is asked of DynamoDB, and the result keeps its shape.
        let mut platform = Scripted::new(vec![answer(200, &[], pages[1])]);
        let result = query(json!({"returnConsumedCapacity": "NONE"}))
            .run(&mut context(&mut platform))
            .unwrap()
            .into_result("query");
        assert!(result.get("consumedCapacity").is_none(), "{result}");
        let body: Value = serde_json::from_slice(&platform.sent[0].0.body).unwrap();
        assert!(body.get("ReturnConsumedCapacity").is_none());
    }

    #[test]
    fn batch_writes_sum_every_chunk_per_table() {
        let writes: BatchWriteItems = read(json!({
            "operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
            "returnConsumedCapacity": "INDEXES",
            "requestItems": {"orders": (0..30).map(|i| json!({"put": {"id": i}})).collect::<Vec<_>>()},
        }));
        let chunk = r#"{"ConsumedCapacity":[{"TableName":"orders","CapacityUnits":25,"Table":{"CapacityUnits":25}}]}"#;
        let mut platform = Scripted::new(vec![answer(200, &[], chunk), answer(200, &[], chunk)]);
        let result = writes.run(&mut context(&mut platform)).unwrap();
        let result = result.into_result("batchWriteItems");
        assert_eq!(
            result["consumedCapacity"],
            json!([{"tableName": "orders", "capacityUnits": 50.0, "table": {"capacityUnits": 50.0}}])
        );
        assert_eq!(result["response"]["processedCount"], 30);
    }

    #[test]
    fn a_bad_value_is_named() {
        let input = json!({"operationGroup": "itemOperation", "itemOperation": "getItem",
            "tableName": "orders", "primaryKeyComponents": {"id": 1}, "returnConsumedCapacity": "ALL"});
        assert_eq!(error_field(&request(input)), "input.returnConsumedCapacity");
        let input = json!({"operationGroup": "tableOperation", "tableOperation": "describeTable",
            "tableName": "orders", "returnConsumedCapacity": "TOTAL"});
        assert_eq!(error_field(&request(input)), "input.returnConsumedCapacity");
    }

    #[test]
    fn sums_every_answer_per_table_and_per_index() {
        let mut sum = ConsumedCapacity::default();
        sum.add(&json!({"ConsumedCapacity": {"TableName": "a", "CapacityUnits": 0.5,
            "Table": {"CapacityUnits": 0.5}, "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 1}}}}));
        sum.add(&json!({"ConsumedCapacity": [
            {"TableName": "b", "CapacityUnits": 2, "WriteCapacityUnits": 2},
            {"TableName": "a", "CapacityUnits": 1.5, "Table": {"CapacityUnits": 1},
             "GlobalSecondaryIndexes": {"g": {"CapacityUnits": 0.5}, "h": {"CapacityUnits": 3}}},
            "not an object",
        ]}));
        sum.add(&json!({"Items": []}));
        sum.add(&json!({"ConsumedCapacity": "junk"}));
        assert_eq!(
            sum.to_value(Shape::PerTable),
            json!([
                {"tableName": "a", "capacityUnits": 2.0, "table": {"capacityUnits": 1.5},
                 "globalSecondaryIndexes": {"g": {"capacityUnits": 1.5}, "h": {"capacityUnits": 3.0}}},
                {"tableName": "b", "capacityUnits": 2.0, "writeCapacityUnits": 2.0},
            ])
        );
        assert_eq!(sum.to_value(Shape::OneTable)["tableName"], "a");
        assert_eq!(
            ConsumedCapacity::default().to_value(Shape::OneTable),
            Value::Null
        );
    }
}
