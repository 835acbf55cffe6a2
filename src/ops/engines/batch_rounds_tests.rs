//! The batch bodies written straight from the entries are byte for byte those the tree gave:
//! each sent body is compared with the tree's writing of the same chunk (the code it replaced).

use serde_json::{Map, Value, json};

use crate::ops::Operation;
use crate::ops::engines::consumed_capacity::ReturnConsumedCapacity;
use crate::ops::operations::batch_get_items::{BatchGetItems, BatchGetTable};
use crate::ops::operations::batch_write_items::BatchWriteItems;
use crate::ops::testing::{context, read};
use crate::wire::body_bytes;
use crate::wire::testing::{Scripted, answer};

/// The tree's `{"table": [entries]}` of `(table, entry)` pairs.
fn tree_grouped(pairs: &[(String, Value)]) -> Map<String, Value> {
    let mut grouped = Map::new();
    for (table, entry) in pairs {
        let list = grouped.entry(table.clone()).or_insert_with(|| json!([]));
        list.as_array_mut().unwrap().push(entry.clone());
    }
    grouped
}

/// A BatchWriteItem body as the tree wrote it.
fn tree_write_body(pairs: &[(String, Value)], asked: Option<ReturnConsumedCapacity>) -> Vec<u8> {
    let mut body = json!({ "RequestItems": tree_grouped(pairs) });
    ReturnConsumedCapacity::apply(asked, &mut body);
    body_bytes(&body).unwrap()
}

/// A BatchGetItem body as the tree wrote it.
fn tree_get_body(
    tables: &[BatchGetTable],
    pairs: &[(String, Value)],
    asked: Option<ReturnConsumedCapacity>,
) -> Vec<u8> {
    let mut request_items = Map::new();
    for (table, keys) in tree_grouped(pairs) {
        let mut spec = json!({});
        if let Some(found) = tables.iter().find(|t| t.table_name == table) {
            found.options.apply(&mut spec);
        }
        spec["Keys"] = keys;
        request_items.insert(table, spec);
    }
    let mut body = json!({ "RequestItems": request_items });
    ReturnConsumedCapacity::apply(asked, &mut body);
    body_bytes(&body).unwrap()
}

fn ok(body: &str) -> Result<crate::wire::HttpResponse, crate::wire::SendError> {
    answer(200, &[], body)
}

/// Runs `operation` on `answers`; the bodies it sent, as text.
fn sent_bodies(operation: &dyn Operation, answers: Vec<&str>) -> (Value, Vec<String>) {
    let mut p = Scripted::new(answers.into_iter().map(ok).collect());
    let outcome = operation.run(&mut context(&mut p)).unwrap();
    let result = outcome.into_result("x");
    let bodies = p
        .sent
        .iter()
        .map(|(r, _)| String::from_utf8(r.body.clone()).unwrap());
    (result, bodies.collect())
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

fn pairs(table: &str, entries: &[Value]) -> Vec<(String, Value)> {
    entries
        .iter()
        .map(|e| (table.to_string(), e.clone()))
        .collect()
}

#[test]
fn batch_write_bodies_are_the_trees_bytes() {
    let nested = json!({"m": {"b": [1, "two", null, {"x": true}]}, "n": -1.5e3, "s": "é\"\\\n"});
    for (format, put) in [
        ("plain", nested.clone()),
        (
            "typed",
            json!({"id": {"S": "a"}, "set": {"NS": ["1", "2"]}, "bin": {"B": "AAE="}}),
        ),
    ] {
        let op: BatchWriteItems = read(json!({
            "operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
            "valueFormat": format, "returnConsumedCapacity": "indexes",
            "requestItems": {
                "zeta": [{"put": put}, {"delete": if format == "plain" { json!({"id": 1}) } else { json!({"id": {"N": "1"}}) }}],
                "alpha": (0..27).map(|i| json!({"put": {"id": {"S": format!("k{i}")}}})).collect::<Vec<_>>(),
            },
        }));
        let all: Vec<(String, Value)> = op
            .writes
            .iter()
            .map(|w| (w.table_name.clone(), w.request.clone()))
            .collect();
        let back = json!({"PutRequest": {"Item": {"id": {"S": "k3"}}}});
        let left = json!({"UnprocessedItems": {"zeta": [back], "other": [{"DeleteRequest": {"Key": {"k": {"S": "v"}}}}], "bad": 7}});
        let (result, bodies) = sent_bodies(&op, vec![&left.to_string(), "{}", "{}"]);
        let asked = Some(ReturnConsumedCapacity::Indexes);
        let retried = [
            pairs(
                "other",
                &[json!({"DeleteRequest": {"Key": {"k": {"S": "v"}}}})],
            ),
            pairs(
                "zeta",
                &[json!({"PutRequest": {"Item": {"id": {"S": "k3"}}}})],
            ),
        ]
        .concat();
        let expected =
            [&all[..25], &all[25..], &retried[..]].map(|c| text(tree_write_body(c, asked)));
        assert_eq!(bodies, expected, "{format}");
        assert_eq!(result["response"]["processedCount"], 29, "{format}");
    }
}

#[test]
fn batch_write_reports_what_stays_unprocessed_as_the_tree_did() {
    let op: BatchWriteItems = read(json!({
        "operationGroup": "itemOperation", "itemOperation": "batchWriteItems",
        "requestItems": {"orders": [{"put": {"id": 1}}, {"delete": {"id": 2}}]},
    }));
    let left = r#"{"UnprocessedItems":{"orders":[{"DeleteRequest":{"Key":{"id":{"N":"2"}}}}],"b":[{"X":1}]}}"#;
    let (result, bodies) = sent_bodies(&op, vec![left; 9]);
    let first = pairs(
        "orders",
        &op.writes
            .iter()
            .map(|w| w.request.clone())
            .collect::<Vec<_>>(),
    );
    let again = [
        pairs("b", &[json!({"X": 1})]),
        pairs(
            "orders",
            &[json!({"DeleteRequest": {"Key": {"id": {"N": "2"}}}})],
        ),
    ]
    .concat();
    assert_eq!(bodies[0], text(tree_write_body(&first, None)));
    assert!(
        bodies[1..]
            .iter()
            .all(|b| *b == text(tree_write_body(&again, None)))
    );
    assert_eq!(
        result["response"],
        json!({"processedCount": 0, "unprocessedCount": 2, "unprocessedItems": tree_grouped(&again)})
    );
}

#[test]
fn batch_get_bodies_are_the_trees_bytes() {
    let op: BatchGetItems = read(json!({
        "operationGroup": "itemOperation", "itemOperation": "batchGetItems",
        "returnConsumedCapacity": "TOTAL",
        "requestItems": {
            "people": {"keys": (0..70).map(|i| json!({"id": i, "sk": "x"})).collect::<Vec<_>>(),
                       "projectionExpression": "#n, id", "expressionAttributeNames": {"#n": "name"},
                       "consistentRead": true},
            "cars": {"keys": (0..50).map(|i| json!({"vin": format!("v{i}")})).collect::<Vec<_>>()},
        },
    }));
    let all: Vec<(String, Value)> = op
        .tables
        .iter()
        .flat_map(|t| pairs(&t.table_name, &t.keys))
        .collect();
    let key = json!({"id": {"N": "3"}, "sk": {"S": "x"}});
    let left = json!({
        "Responses": {"people": [{"id": {"N": "1"}}], "nobody": [{"id": {"N": "2"}}]},
        "UnprocessedKeys": {"people": {"Keys": [key], "ConsistentRead": true}, "ghost": {"Keys": [{"g": {"S": "1"}}]}, "odd": 3}
    });
    let (result, bodies) = sent_bodies(&op, vec![&left.to_string(), "{}", "{}"]);
    let retried = [
        pairs("ghost", &[json!({"g": {"S": "1"}})]),
        pairs("people", &[key]),
    ]
    .concat();
    let asked = Some(ReturnConsumedCapacity::Total);
    let expected =
        [&all[..100], &all[100..], &retried[..]].map(|c| text(tree_get_body(&op.tables, c, asked)));
    assert_eq!(bodies, expected);
    assert_eq!(
        result["response"]["responses"],
        json!({"cars": [], "people": [{"id": {"N": "1"}}]})
    );
}
