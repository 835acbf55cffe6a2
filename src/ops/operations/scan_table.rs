//! scanTable: Scan, following pages within the caps. The response is Camunda's (the items, or
//! `null` when there are none); `items`, the field Camunda's documentation gives, carries the
//! same value beside it (written from the one tree, not a copy), and so do the paging facts.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::page_answer::text_page;
use crate::ops::engines::paging::{
    PAGING_FIELDS, Paging, collect_pages_with, items_length, push_items, read_paging,
};
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::{Context, Operation, Outcome, ReadOperation, set};
use crate::value::ValueFormat;

/// Input of scanTable.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ScanTable {
    /// Table name.
    pub table_name: String,
    /// Index to scan instead of the table.
    pub index_name: Option<String>,
    /// Parallel scan: this segment of `total_segments`.
    pub segment: Option<(u64, u64)>,
    /// Filter, projection, placeholders, consistency, select, consumed capacity.
    pub options: ReadOptions,
    /// Paging and caps.
    pub paging: Paging,
}

impl ReadOperation for ScanTable {
    const NAME: &'static str = "scanTable";

    const FIELDS: &'static [&'static [&'static str]] = &[
        &[
            field::TABLE_NAME,
            field::INDEX_NAME,
            field::FILTER_EXPRESSION,
            field::PROJECTION_EXPRESSION,
            field::EXPRESSION_ATTRIBUTE_NAMES,
            field::EXPRESSION_ATTRIBUTE_VALUES,
            field::CONSISTENT_READ,
            field::SEGMENT,
            field::TOTAL_SEGMENTS,
            field::SELECT,
            field::RETURN_CONSUMED_CAPACITY,
        ],
        PAGING_FIELDS,
    ];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        let segment = read_segment(input)?;
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            index_name: input.index_name(field::INDEX_NAME)?,
            segment,
            options: ReadOptions::read(input, format)?,
            paging: read_paging(input)?,
        })
    }
}

/// Parallel scan: `segment` of `totalSegments`, both or neither.
fn read_segment(input: Fields) -> Result<Option<(u64, u64)>, ConnectorError> {
    match (
        input.u64_in(field::SEGMENT, 0..=999_999)?,
        input.u64_in(field::TOTAL_SEGMENTS, 1..=1_000_000)?,
    ) {
        (Some(s), Some(t)) if s < t => Ok(Some((s, t))),
        (Some(_), Some(_)) => Err(input.error(field::SEGMENT, "must be less than totalSegments")),
        (None, None) => Ok(None),
        (Some(_), None) => Err(input.error(field::TOTAL_SEGMENTS, "is required with segment")),
        (None, Some(_)) => Err(input.error(field::SEGMENT, "is required with totalSegments")),
    }
}

impl ScanTable {
    /// The Scan body, without paging.
    pub fn body(&self) -> Value {
        let mut body = json!({ "TableName": self.table_name });
        set(&mut body, "IndexName", &self.index_name);
        self.options.apply(&mut body);
        if let Some((segment, total)) = self.segment {
            body["Segment"] = json!(segment);
            body["TotalSegments"] = json!(total);
        }
        body
    }
}

/// Room beside the items for the result's other members (action, status, paging).
const RESULT_MEMBERS_ROOM: usize = 1024;

impl Operation for ScanTable {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let pages = collect_pages_with(context, "Scan", &self.body(), &self.paging, text_page)?;
        let summary = pages.summary();
        // Camunda's shape: the items, or null when there are none.
        let response = if pages.items.is_empty() {
            "null".to_string()
        } else {
            // Room for the result, which holds the response twice: written in this buffer
            // (`into_json_text`), it needs no second one.
            let room = 2 * items_length(&pages.items) + RESULT_MEMBERS_ROOM;
            let mut text = String::with_capacity(room);
            push_items(&mut text, &pages.items);
            text
        };
        drop(pages);
        // Camunda's documentation names the result's `items`; its code returns `response`.
        // Both are written from one text: a copy would double the guest's largest memory.
        let outcome = Outcome::rendered(response)
            .with_response_as("items")
            .with("paging", summary);
        let asked = self.options.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::OneTable,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Beside;
    use crate::ops::testing::{context, read};
    use crate::wire::testing::{Scripted, answer};

    #[test]
    fn items_carry_the_response_both_when_found_and_when_none() {
        let scan: ScanTable = read(json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders"}));
        let mut platform = Scripted::new(vec![
            answer(
                200,
                &[],
                r#"{"Items":[{"id":{"N":"1"}}],"Count":1,"ScannedCount":1}"#,
            ),
            answer(200, &[], r#"{"Items":[],"Count":0,"ScannedCount":0}"#),
        ]);
        let found = scan.run(&mut context(&mut platform)).unwrap();
        let found = found.into_result("scanTable");
        assert_eq!(found["response"], json!([{"id": {"N": "1"}}]));
        assert_eq!(found["items"], found["response"]);
        let none = scan.run(&mut context(&mut platform)).unwrap();
        let none = none.into_result("scanTable");
        assert_eq!(
            (&none["response"], &none["items"]),
            (&Value::Null, &Value::Null)
        );
        assert!(none.as_object().unwrap().contains_key("items"));
    }

    #[test]
    fn the_text_repeats_the_items_that_the_outcome_holds_once() {
        let scan: ScanTable = read(json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders"}));
        let page = r#"{"Items":[{"id":{"N":"1"}},{"id":{"N":"2"}}],"Count":2,"ScannedCount":2}"#;
        let mut platform = Scripted::new(vec![answer(200, &[], page)]);
        let outcome = scan.run(&mut context(&mut platform)).unwrap();
        // The only tree of the items is the response; `items` names it.
        assert_eq!(
            outcome.response,
            json!([{"id": {"N": "1"}}, {"id": {"N": "2"}}])
        );
        assert_eq!(outcome.beside[0], ("items".to_string(), Beside::Response));
        assert_eq!(outcome.beside.len(), 2);
        assert_eq!(outcome.beside[1].0, "paging");
        let text = outcome.completed("scanTable").to_json_text();
        let result: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(result["items"], result["response"]);
        // The result's members in their order (the text's, not a parsed map's).
        let at = |member: &str| text.find(&format!("\"{member}\":")).unwrap();
        let members = ["action", "status", "response", "items", "paging"];
        assert!(
            members.windows(2).all(|pair| at(pair[0]) < at(pair[1])),
            "{text}"
        );
        let items = r#"[{"id":{"N":"1"}},{"id":{"N":"2"}}]"#;
        assert!(text.contains(&format!(r#""response":{items},"items":{items},"paging":"#)));
    }

    #[test]
    fn scan_body_carries_every_option() {
        let scan: ScanTable = read(json!({
            "operationGroup": "tableOperation", "tableOperation": "scanTable", "tableName": "orders",
            "filterExpression": "#p > :min", "projectionExpression": "id, #p",
            "expressionAttributeNames": "{\"#p\": \"price\"}", "expressionAttributeValues": {":min": 5},
            "segment": 1, "totalSegments": "4", "consistentRead": true, "select": "count", "indexName": "by-price",
        }));
        assert_eq!(
            scan.body(),
            json!({
                "TableName": "orders",
                "IndexName": "by-price",
                "FilterExpression": "#p > :min",
                "ProjectionExpression": "id, #p",
                "ExpressionAttributeNames": {"#p": "price"},
                "ExpressionAttributeValues": {":min": {"N": "5"}},
                "ConsistentRead": true,
                "Select": "COUNT",
                "Segment": 1,
                "TotalSegments": 4,
            })
        );
    }
}
