use serde_json::json;

use super::*;
use crate::ops::engines::paging::collect_pages;
use crate::ops::operations::query::Query;
use crate::ops::testing::{context, read};
use crate::ops::{Operation, Outcome};
use crate::wire::testing::{Scripted, answer};

fn query(extra: Value) -> Query {
    let mut input = json!({"operationGroup": "itemOperation", "itemOperation": "query",
        "tableName": "orders", "keyConditionExpression": "id = :id",
        "expressionAttributeValues": {":id": 1}, "returnConsumedCapacity": "TOTAL"});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    read(input)
}

/// query's result text over the pages `bodies`, in `output`: as it runs, and the tree's way
/// (every page read whole, its items rendered from the trees).
fn both_ways(bodies: &[&str], output: OutputFormat, extra: Value) -> (String, String, usize) {
    let script = || Scripted::new(bodies.iter().map(|b| answer(200, &[], b)).collect());
    let asked = query(extra);
    let mut platform = script();
    let mut streamed = context(&mut platform);
    streamed.output = output;
    let text = asked.run(&mut streamed).unwrap();
    let text = text.completed("query").to_json_text();
    let mut platform = script();
    let mut tree = context(&mut platform);
    tree.output = output;
    let pages = collect_pages(&mut tree, "Query", &asked.body(), &asked.paging).unwrap();
    let mut response = pages.summary();
    response["items"] = tree.items(pages.items);
    let outcome = Outcome::new(response).with(
        "consumedCapacity",
        tree.consumed
            .to_value(crate::ops::engines::consumed_capacity::Shape::OneTable),
    );
    let calls = platform.sent.len();
    (text, outcome.completed("query").to_json_text(), calls)
}

#[test]
fn query_results_are_the_trees_over_pages_decoded_or_not() {
    let item = |id: u32, pad: usize| {
        format!(
            r#"{{"pad":{{"S":"{}"}},"id":{{"N":"{id}"}},"m":{{"M":{{"z":{{"NULL":true}},"a":{{"NS":["1","2.0"]}}}}}}}}"#,
            "p".repeat(pad)
        )
    };
    let page = |items: &[String], last: Option<u32>, extra: &str| {
        let last = last.map_or(String::new(), |id| {
            format!(r#","LastEvaluatedKey":{{"id":{{"N":"{id}"}}}}"#)
        });
        format!(
            r#"{{"Items":[{}],"Count":{},"ScannedCount":{}{last}{extra},"ConsumedCapacity":{{"TableName":"orders","CapacityUnits":0.5}}}}"#,
            items.join(","),
            items.len(),
            items.len() + 1
        )
    };
    let big: Vec<String> = (0..3).map(|i| item(i, 600)).collect();
    let pages = [
        page(&big, Some(3), ""),
        page(
            &[item(4, 1), r#"{"é\n":{"S":"\u00e9"}}"#.into()],
            Some(5),
            r#","Other":[1]"#,
        ),
        // Left to the tree: a bare item (plain), an item given twice.
        page(&[r#""bare""#.into()], Some(6), ""),
        r#"{"Items":[],"Items":[],"Count":0}"#.to_string(),
        page(&[], None, ""),
    ];
    let bodies: Vec<&str> = pages.iter().map(String::as_str).collect();
    for output in [OutputFormat::Typed, OutputFormat::Plain] {
        for extra in [
            json!({}),
            json!({"maxResultBytes": 1024}),
            json!({"maxItems": 4}),
        ] {
            let (streamed, tree, calls) = both_ways(&bodies, output, extra.clone());
            assert_eq!(streamed, tree, "{output:?} {extra}");
            assert!(calls >= 1);
        }
    }
    // The weight paging caps is the tree's, to the byte.
    for body in &pages[..2] {
        let decoded = decode(body.as_bytes(), OutputFormat::Plain).unwrap();
        let tree = Page::of_tree(serde_json::from_str(body).unwrap());
        assert_eq!(decoded.page.held_bytes, tree.held_bytes, "{body}");
        assert!(tree.held_bytes > 0);
    }
    assert!(decode(pages[2].as_bytes(), OutputFormat::Plain).is_none());
    assert!(decode(pages[3].as_bytes(), OutputFormat::Typed).is_none());
}

#[test]
fn scan_results_are_the_trees_too() {
    use crate::ops::operations::scan_table::ScanTable;
    let bodies = [
        r#"{"Items":[{"b":{"S":"x"},"a":{"N":"007"}}],"Count":1,"ScannedCount":1,"LastEvaluatedKey":{"a":{"N":"7"}}}"#,
        r#"{"Items":[{"l":{"L":[{"BOOL":true},{"B":"AA=="}]}}],"Count":1,"ScannedCount":2}"#,
        r#"{"Items":[],"Count":0,"ScannedCount":0}"#,
    ];
    let scan: ScanTable = read(json!({"operationGroup": "tableOperation",
        "tableOperation": "scanTable", "tableName": "orders"}));
    for output in [OutputFormat::Typed, OutputFormat::Plain] {
        for script in [&bodies[..2], &bodies[2..]] {
            let platform = || Scripted::new(script.iter().map(|b| answer(200, &[], b)).collect());
            let mut p = platform();
            let mut streamed = context(&mut p);
            streamed.output = output;
            let text = scan
                .run(&mut streamed)
                .unwrap()
                .completed("scanTable")
                .to_json_text();
            let mut p = platform();
            let mut tree = context(&mut p);
            tree.output = output;
            let pages = collect_pages(&mut tree, "Scan", &scan.body(), &scan.paging).unwrap();
            let summary = pages.summary();
            let response = match pages.items.is_empty() {
                true => Value::Null,
                false => tree.items(pages.items),
            };
            let outcome = Outcome::new(response)
                .with_response_as("items")
                .with("paging", summary);
            assert_eq!(
                text,
                outcome.completed("scanTable").to_json_text(),
                "{output:?}"
            );
        }
    }
}
