use serde_json::json;

use super::*;
use crate::error::ConnectorError;
use crate::ops::operations::get_item::GetItem;
use crate::ops::testing::{context, read};
use crate::ops::{Operation, Outcome, render_item};
use crate::wire::read_response;
use crate::wire::testing::{Scripted, answer};

fn get_item(extra: Value) -> GetItem {
    let mut input = json!({"operationGroup": "itemOperation", "itemOperation": "getItem",
        "tableName": "orders", "primaryKeyComponents": {"id": 1}});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    read(input)
}

/// getItem's result text for DynamoDB's answer `body`, in `output`.
fn result_text(body: &str, output: OutputFormat, extra: Value) -> Result<String, ConnectorError> {
    // Enough answers for every retry of a bad one.
    let mut platform = Scripted::new(vec![answer(200, &[], body); 5]);
    let mut context = context(&mut platform);
    context.output = output;
    let outcome = get_item(extra).run(&mut context)?;
    Ok(outcome.completed("getItem").to_json_text())
}

/// The result text of the tree's way: the answer read whole, its item rendered.
fn tree_text(body: &str, output: OutputFormat) -> String {
    let mut answer = read_response(&answer(200, &[], body).unwrap()).unwrap();
    let item = render_item(answer["Item"].take(), output);
    Outcome::new(item).completed("getItem").to_json_text()
}

#[test]
fn the_result_is_the_trees_whichever_way_the_answer_is_read() {
    let decoded = [
        r#"{"Item":{"b":{"S":"x"},"a":{"N":"1.50"},"m":{"M":{"z":{"NULL":true},"y":{"SS":["q"]}}}}}"#,
        r#"{"ConsumedCapacity":{"TableName":"orders","CapacityUnits":0.5},"Item":{"id":{"N":"1"}}}"#,
        r#"{}"#,
        r#"{"Item":null}"#,
        r#"{"Other":[1,{"x":2}],"Item":{"é\n":{"B":"AA=="}}}"#,
    ];
    let left_to_the_tree = [
        r#"{"Item":{"a":{"S":"1"}},"Item":{"b":{"S":"2"}}}"#,
        r#"{"\u0049tem":{"a":{"S":"1"}}}"#,
        r#"{"Item":{"a":{"S":"1","N":"2"}}}"#,
        r#"{"Item":{"n":{"N":7}}}"#,
        r#"{"Item":"text"}"#,
        r#"{"ConsumedCapacity":{},"ConsumedCapacity":{}}"#,
        "",
        r#""""#,
        "null",
    ];
    for output in [OutputFormat::Typed, OutputFormat::Plain] {
        for body in decoded {
            assert!(decode(body.as_bytes(), "Item", output).is_some(), "{body}");
        }
        for (i, body) in left_to_the_tree.iter().enumerate() {
            // Typed output copies several type keys and a bare value as they are.
            let plain_only = [2, 4].contains(&i);
            if output == OutputFormat::Typed && plain_only {
                assert!(decode(body.as_bytes(), "Item", output).is_some(), "{body}");
                continue;
            }
            assert_eq!(decode(body.as_bytes(), "Item", output), None, "{body}");
        }
        for body in decoded.iter().chain(&left_to_the_tree) {
            let text = result_text(body, output, json!({})).unwrap();
            assert_eq!(text, tree_text(body, output), "{output:?} {body}");
        }
    }
}

#[test]
fn a_bad_answer_is_the_same_error_and_a_damaged_one_is_retried() {
    for body in ["{", "[1]", r#"{"Item":{"a":}"#] {
        let mut platform = Scripted::new(vec![answer(200, &[], body); 5]);
        let tree = context(&mut platform)
            .call("GetItem", &json!({}))
            .unwrap_err();
        let error = result_text(body, OutputFormat::Plain, json!({})).unwrap_err();
        assert_eq!(error.to_string(), tree.to_string(), "{body}");
    }
    let body = r#"{"Item":{"id":{"N":"1"}}}"#;
    let good = crc32fast::hash(body.as_bytes()).to_string();
    let mut platform = Scripted::new(vec![
        answer(200, &[("x-amz-crc32", "12345")], body),
        answer(200, &[("x-amz-crc32", &good)], body),
    ]);
    let outcome = get_item(json!({}))
        .run(&mut context(&mut platform))
        .unwrap();
    assert_eq!(platform.sent.len(), 2);
    assert_eq!(outcome.response, json!({"id": {"N": "1"}}));
}

#[test]
fn the_consumed_capacity_of_a_decoded_answer_is_counted() {
    let body = r#"{"Item":{"id":{"N":"1"}},"ConsumedCapacity":{"TableName":"orders","CapacityUnits":0.5,"Table":{"CapacityUnits":0.5}}}"#;
    let text = result_text(
        body,
        OutputFormat::Plain,
        json!({"returnConsumedCapacity": "INDEXES"}),
    );
    assert_eq!(
        text.unwrap(),
        r#"{"action":"getItem","status":"OK","response":{"id":1},"consumedCapacity":{"capacityUnits":0.5,"table":{"capacityUnits":0.5},"tableName":"orders"}}"#
    );
}
