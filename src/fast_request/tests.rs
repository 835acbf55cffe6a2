//! The fast reader against the checking reader: on every request of the hostile corpus, of the
//! docs and of the variations below, it declines, or it gives the same envelope and operation
//! and the same call goes out.

use serde_json::{Value, json};

use super::*;
use crate::request::{execute, parse_checked_json};
use crate::wire::testing::answer;
use crate::wire::{HttpRequest, HttpResponse, Platform, SendError};
use std::time::{Duration, SystemTime};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether the fast reader took `text`; when it did, the checking reader agrees on everything.
fn agrees(text: &str) -> bool {
    let Some(fast) = read_fast(text) else {
        return false;
    };
    let checked = parse_checked_json(text).unwrap_or_else(|e| {
        panic!("taken by the fast reader, refused by the checking one ({e}): {text}")
    });
    assert_eq!(fast.envelope, checked.envelope, "{text}");
    assert_eq!(fast.name, checked.name, "{text}");
    let operation = |r: &Request| format!("{:?}", r.operation);
    assert_eq!(operation(&fast), operation(&checked), "{text}");
    assert_eq!(sent(fast), sent(checked), "{text}");
    true
}

/// Whether the reader of the operations it reads itself took `text` (not the registry's reader
/// of any other `input`).
fn hot(text: &str) -> bool {
    serde_json::from_str::<Hot>(text)
        .ok()
        .and_then(|mut hot| read_hot(&mut hot))
        .is_some()
}

/// The HTTP requests each one sends (the body bytes, signed the same way), each answered `{}`.
fn sent(request: Request) -> Vec<HttpRequest> {
    let mut platform = Answers {
        sent: Vec::new(),
        clock: Duration::ZERO,
    };
    let _ = execute(request, &mut platform);
    platform.sent
}

/// Answers `{}` to a few calls, then fails them (an operation that waits or pages ends).
struct Answers {
    sent: Vec<HttpRequest>,
    clock: Duration,
}

impl Platform for Answers {
    fn send(&mut self, request: &HttpRequest, _: Duration) -> Result<HttpResponse, SendError> {
        self.sent.push(request.clone());
        self.clock += Duration::from_millis(1);
        if self.sent.len() > 8 {
            return Err(SendError::permanent("enough"));
        }
        answer(200, &[], "{}")
    }
    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000) + self.clock
    }
    fn monotonic(&self) -> Duration {
        self.clock
    }
    fn sleep(&mut self, duration: Duration) {
        self.clock += duration;
    }
    fn random_u64(&mut self) -> u64 {
        0
    }
    fn env(&self, _: &str) -> Option<String> {
        None
    }
}

fn whole(input: Value) -> String {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDEXAMPLE", "secretKey": "secret"},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"},
        "input": input,
    })
    .to_string()
}

#[test]
fn the_hostile_corpus_is_declined_or_read_the_same() {
    let mut paths: Vec<_> = std::fs::read_dir(format!("{ROOT}/tests/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.ends_with("expected.json"))
        .collect();
    paths.sort();
    assert!(paths.len() > 300, "{} corpus files", paths.len());
    // Every corpus request is refused by the checking reader, so the fast reader must decline
    // each (`agrees` fails on one it takes).
    let taken = paths
        .iter()
        .filter(|path| agrees(&std::fs::read_to_string(path).unwrap()))
        .count();
    assert_eq!(taken, 0);
}

/// The requests in README.md's and docs/*.md's json blocks (a bare `input` put in an envelope).
fn docs_requests() -> Vec<String> {
    let mut texts = vec![std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap()];
    for entry in std::fs::read_dir(format!("{ROOT}/docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            texts.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let mut requests = Vec::new();
    for text in &texts {
        for block in text.split("```json").skip(1) {
            let block = block.split("```").next().unwrap_or_default();
            for paragraph in block.split("\n\n") {
                let request = paragraph.split('→').next().unwrap_or_default();
                match serde_json::from_str::<Value>(request) {
                    Ok(v) if v.get("input").is_some() => requests.push(v.to_string()),
                    Ok(v) if v.get("operationGroup").is_some() => requests.push(whole(v)),
                    _ => {}
                }
            }
        }
    }
    requests
}

#[test]
fn the_docs_examples_are_declined_or_read_the_same() {
    let requests = docs_requests();
    assert!(requests.len() >= 25, "{} docs requests", requests.len());
    let taken = requests.iter().filter(|text| agrees(text)).count();
    // All but the few with other authentication or configuration.
    assert!(
        taken >= 20,
        "the fast reader took {taken} of the docs' requests"
    );
}

/// Fields every item operation takes or refuses, given right and wrong.
fn item_extras() -> Vec<Value> {
    vec![
        json!({}),
        json!({"valueFormat": "TYPED", "primaryKeyComponents": {"id": {"N": "1"}}, "item": {"id": {"S": "a"}}}),
        json!({"valueFormat": "typed"}),
        json!({"valueFormat": null, "outputFormat": "Plain"}),
        json!({"outputFormat": "xml"}),
        json!({"projectionExpression": "#a", "expressionAttributeNames": {"#a": "x"}, "consistentRead": true, "returnConsumedCapacity": "total"}),
        json!({"consistentRead": "true"}),
        json!({"returnConsumedCapacity": "SOME"}),
        json!({"conditionExpression": "attribute_not_exists(id)", "expressionAttributeValues": {":v": 1}, "returnValues": "all_old", "returnValuesOnConditionCheckFailure": "ALL_OLD"}),
        json!({"returnValues": "ALL_NEW"}),
        json!({"expressionAttributeNames": {"a": "x"}}),
        json!({"expressionAttributeValues": {"v": 1}}),
        json!({"item": null}),
        json!({"primaryKeyComponents": null}),
        json!({"item": "{\"id\": 1}"}),
        json!({"primaryKeyComponents": {"id": 1, "s": 2, "t": 3}}),
        json!({"primaryKeyComponents": {"id": true}}),
        json!({"item": {"": 1}}),
        json!({"item": {"n": 1.000000000000000000000000000000000000001}}),
        json!({"tableName": " x "}),
        json!({"tableName": "a\u{e9}bc"}),
        json!({"tableName": "ab"}),
        json!({"tableName": "or\\ders"}),
        json!({"waitTimeoutMs": 5}),
        json!({"tableOperation": "describeTable"}),
        json!({"type": "getItem"}),
        json!({"itemOperation": "deleteItem"}),
        json!({"operationGroup": "tableOperation"}),
    ]
}

fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| json!([inner]))
}

/// Values at the limits of the conversion, as an item's or as the attributes updateItem puts.
fn value_extras(field: &str) -> Vec<Value> {
    let long_name = "n".repeat(64 * 1024 + 1);
    [
        json!({"deep": nested(31)}),
        json!({"deep": nested(32)}),
        json!({"deep": {"m": nested(31)}}),
        json!({"m": {"": true, "s": "\u{0}"}}),
        json!({long_name.clone(): 1}),
        json!({"m": {long_name.clone(): 1}}),
        json!({"n": "1e999", "x": 1e125, "y": -0.0}),
        json!({"x": 1e126}),
    ]
    .into_iter()
    .map(|value| json!({field: value}))
    .collect()
}

/// updateItem's own fields, given right and wrong.
fn update_extras() -> Vec<Value> {
    let key_attributes = |value: Value| json!({"keyAttributes": value});
    let action = |value: Value| json!({"attributeAction": value});
    let expression = |value: Value| json!({"updateExpression": value});
    let mut extras = vec![
        expression(json!("")),
        expression(json!(" ")),
        expression(json!(null)),
        expression(json!("SET a = :v".repeat(409) + "xxxxxx")),
        expression(json!("SET a = :v".repeat(409) + "xxxxxxx")),
        expression(json!("SET \"a\" = :v")),
        expression(json!(5)),
        json!({"updateExpression": "SET a = :v", "keyAttributes": null, "attributeAction": null}),
        json!({"updateExpression": "SET a = :v", "attributeAction": "PUT"}),
        json!({"updateExpression": "SET a = :v", "keyAttributes": {"a": 1}}),
        key_attributes(json!({})),
        key_attributes(json!(null)),
        key_attributes(json!({"id": 1})),
        key_attributes(json!({"s": null, "x": 1})),
        key_attributes(json!({"": 1})),
        key_attributes(json!({"a".repeat(255): null})),
        key_attributes(json!({"a".repeat(256): null})),
        key_attributes(json!("{\"n\": 1}")),
        key_attributes(json!({"#a0": 1, "a.b": [1, {"c": null}], "size": "x"})),
        key_attributes(json!({"n": {"S": "x"}})),
        json!({"valueFormat": "typed", "primaryKeyComponents": {"id": {"S": "a"}}, "keyAttributes": {"n": {"N": "1"}}}),
        json!({"valueFormat": "typed", "keyAttributes": {"n": 1}}),
        action(json!("put")),
        action(json!("Delete")),
        action(json!(" put")),
        action(json!("")),
        action(json!("REPLACE")),
        action(json!(null)),
        action(json!(true)),
        json!({"returnValues": "updated_new", "returnValuesOnConditionCheckFailure": "none"}),
        json!({"returnValues": "UPDATED_OLDER"}),
        json!({"expressionAttributeNames": {"#a0": "x"}, "expressionAttributeValues": {":v1": 1}}),
        json!({"expressionAttributeValues": {":v0": 1}}),
    ];
    extras.extend(value_extras("keyAttributes"));
    extras
}

/// `base` with `extra`'s fields set, as a whole request.
fn merged(base: &Value, extra: &Value) -> String {
    let mut input = base.clone();
    let fields = input.as_object_mut().unwrap();
    fields.extend(extra.as_object().unwrap().clone());
    whole(input)
}

#[test]
fn variations_are_declined_or_read_the_same() {
    let get = json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": 1}});
    let add = json!({"operationGroup": "item", "itemOperation": "addItem", "tableName": "orders", "item": {"id": "a", "n": [1, {"b": null}]}});
    let delete = json!({"operationGroup": "itemOperation", "itemOperation": "deleteItem", "tableName": "orders", "primaryKeyComponents": {"id": "a", "s": 2}});
    let updates = [
        json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders", "primaryKeyComponents": {"id": 1},
            "updateExpression": "SET #n = :n", "expressionAttributeNames": {"#n": "n"}, "expressionAttributeValues": {":n": 43}}),
        json!({"operationGroup": "item", "itemOperation": "updateItem", "tableName": "orders", "primaryKeyComponents": {"id": "a", "s": 2},
            "keyAttributes": {"n": 43, "flag": false, "m": {"l": [1, null]}}, "attributeAction": "PUT"}),
        json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders", "primaryKeyComponents": {"id": "a"},
            "keyAttributes": {"old": null, "x": {"y": 1}}, "attributeAction": "delete", "conditionExpression": "attribute_exists(id)"}),
    ];
    let mut extras = item_extras();
    extras.extend(value_extras("item"));
    extras.extend(update_extras());
    let (mut taken, mut updates_taken) = (0, 0);
    for extra in &extras {
        for base in [&get, &add, &delete] {
            taken += usize::from(agrees(&merged(base, extra)));
        }
        for base in &updates {
            updates_taken += usize::from(agrees(&merged(base, extra)));
        }
    }
    assert!(taken >= 5, "the fast reader took {taken} variations");
    // Most fields given right are taken, in each form.
    assert!(
        updates_taken >= 60,
        "the fast reader took {updates_taken} updateItem variations"
    );
}

/// Each query field given well, blank, null, of another type, at and past its bounds.
fn query_variations() -> Vec<Value> {
    let long = |n: usize| "x".repeat(n);
    vec![
        json!({"indexName": "by-status"}),
        json!({"indexName": ""}),
        json!({"indexName": "  "}),
        json!({"indexName": null}),
        json!({"indexName": "ab"}),
        json!({"indexName": "by status"}),
        json!({"indexName": 5}),
        json!({"keyConditionExpression": ""}),
        json!({"keyConditionExpression": " "}),
        json!({"keyConditionExpression": null}),
        json!({"keyConditionExpression": long(4096)}),
        json!({"keyConditionExpression": long(4097)}),
        json!({"keyConditionExpression": ["id = :id"]}),
        json!({"filterExpression": "n > :id"}),
        json!({"filterExpression": ""}),
        json!({"filterExpression": long(4097)}),
        json!({"scanIndexForward": true}),
        json!({"scanIndexForward": "false"}),
        json!({"scanIndexForward": null}),
        json!({"scanIndexForward": 0}),
        json!({"select": "count"}),
        json!({"select": "SPECIFIC_ATTRIBUTES", "projectionExpression": "id"}),
        json!({"select": "SOME"}),
        json!({"select": " "}),
        json!({"select": null}),
        json!({"limit": 1}),
        json!({"limit": 0}),
        json!({"limit": 1_000_000}),
        json!({"limit": 1_000_001}),
        json!({"limit": "5"}),
        json!({"limit": " "}),
        json!({"limit": 1.5}),
        json!({"limit": -1}),
        json!({"limit": null}),
        json!({"limit": 7, "maxItems": 3}),
        json!({"maxItems": 4_294_967_295_u64}),
        json!({"maxItems": 4_294_967_296_u64}),
        json!({"maxItems": 0}),
        json!({"maxPages": 1}),
        json!({"maxPages": 0}),
        json!({"maxPages": null}),
        json!({"maxResultBytes": 1023}),
        json!({"maxResultBytes": 1024}),
        json!({"maxResultBytes": 16_777_216}),
        json!({"maxResultBytes": 16_777_217}),
        json!({"exclusiveStartKey": {"id": {"S": "k"}, "s": {"N": "1"}}}),
        json!({"exclusiveStartKey": {}}),
        json!({"exclusiveStartKey": null}),
        json!({"exclusiveStartKey": {"id": "k"}}),
        json!({"exclusiveStartKey": "{\"id\": {\"S\": \"k\"}}"}),
        json!({"exclusiveStartKey": {"id": {"S": "k", "N": "1"}}}),
        json!({"exclusiveStartKey": {"id": {"N": "abc"}}}),
        json!({"exclusiveStartKey": {"id": {"M": {"x": {"BOOL": true}}}}}),
        json!({"exclusiveStartKey": []}),
        json!({"valueFormat": "typed", "expressionAttributeValues": {":id": {"S": "a"}, ":a": {"N": "1"}, ":n": {"N": "2"}}}),
        json!({"valueFormat": "typed"}),
        json!({"outputFormat": "typed", "returnConsumedCapacity": "indexes"}),
        json!({"projectionExpression": "#a", "expressionAttributeNames": {"#a": "x"}, "consistentRead": true}),
        json!({"expressionAttributeNames": {"#a": ""}}),
        json!({"expressionAttributeValues": {"id": 1}}),
        json!({"expressionAttributeValues": null}),
        json!({"consistentRead": "true"}),
        json!({"returnValues": "ALL_OLD"}),
        json!({"conditionExpression": "id = :id"}),
        json!({"primaryKeyComponents": {"id": 1}}),
        json!({"segment": 0}),
    ]
}

#[test]
fn query_numbers_and_strings_as_written_are_declined_or_read_the_same() {
    let base = whole(
        json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
        "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1}, "limit": 25}),
    );
    let mut queries = 0;
    for (from, to) in [
        ("\"limit\":25", "\"limit\":25"),
        ("\"limit\":25", "\"limit\":-0"),
        ("\"limit\":25", "\"limit\":2.5e1"),
        ("\"limit\":25", "\"limit\":25.0"),
        ("\"limit\":25", "\"limit\":18446744073709551616"),
        ("\"limit\":25", "\"limit\":25,\"limit\":26"),
        ("id = :id", "id = \\u003aid"),
        ("\"orders\"", "\"ord\\u0065rs\""),
    ] {
        let text = base.replace(from, to);
        assert!(base.contains(from), "{from}");
        agrees(&text);
        queries += usize::from(hot(&text));
    }
    assert_eq!(queries, 1);
}

#[test]
fn query_variations_are_declined_or_read_the_same() {
    let query = json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders", "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1}});
    let page = json!({"operationGroup": "item", "itemOperation": "query", "tableName": "orders", "indexName": "by-at",
        "keyConditionExpression": "id = :id AND #a > :a", "filterExpression": "size(n) > :n", "expressionAttributeNames": {"#a": "at"},
        "expressionAttributeValues": {":id": "k", ":a": 5, ":n": 1}, "scanIndexForward": false, "select": "ALL_PROJECTED_ATTRIBUTES",
        "limit": 25, "exclusiveStartKey": {"id": {"S": "k"}, "at": {"N": "4"}}, "maxItems": 30, "maxPages": 2, "maxResultBytes": 4096});
    let mut extras = item_extras();
    extras.extend(query_variations());
    let mut queries = 0;
    for extra in &extras {
        for base in [&query, &page] {
            let text = merged(base, extra);
            agrees(&text);
            queries += usize::from(hot(&text));
        }
    }
    assert!(queries >= 60, "the query reader took {queries} variations");
}

#[test]
fn envelope_variations_are_declined_or_read_the_same() {
    let input = json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": "k"}});
    let auths = [
        json!({"type": "credentials", "accessKey": "AK", "secretKey": "SK", "sessionToken": "T"}),
        json!({"accessKey": "AK", "secretKey": "SK", "sessionToken": " "}),
        json!({"type": null, "accessKey": "AK", "secretKey": "SK", "sessionToken": null}),
        json!({"type": "credentials", "accessKey": "A K", "secretKey": "SK"}),
        json!({"type": "credentials", "accessKey": "AK", "secretKey": "S\u{1}K"}),
        json!({"type": "credentials", "accessKey": "AK", "secretKey": "SK", "sessionToken": "\u{7}"}),
        json!({"type": "credentials", "accessKey": " ", "secretKey": "SK"}),
        json!({"type": "credentials", "accessKey": "AK".repeat(5000), "secretKey": "SK"}),
        json!({"type": "credentials", "accessKey": "AK", "secretKey": "SK", "region": "eu-west-1"}),
        json!({"type": "defaultCredentialsChain"}),
        json!({"type": "Credentials", "accessKey": "AK", "secretKey": "SK"}),
    ];
    let configs = [
        json!({"region": "eu-west-1"}),
        json!({"region": "cn-north-1", "endpoint": null}),
        json!({"region": "us-east-1", "endpoint": "HTTPS://Example.COM:443"}),
        json!({"region": "us-east-1", "endpoint": "http://127.0.0.1:8000/path"}),
        json!({"region": "US-EAST-1"}),
        json!({"region": "us-east-1", "maxAttempts": 2}),
    ];
    let mut taken = 0;
    for auth in &auths {
        for config in &configs {
            let request = json!({"authentication": auth, "configuration": config, "input": input});
            taken += usize::from(agrees(&request.to_string()));
        }
    }
    assert!(taken >= 10, "the fast reader took {taken} envelopes");
}

#[test]
fn every_field_it_reads_is_spelt_as_the_checking_reader_spells_it() {
    let get = json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders",
        "valueFormat": "plain", "outputFormat": "plain", "primaryKeyComponents": {"id": 1},
        "projectionExpression": "#a", "expressionAttributeNames": {"#a": "x"}, "consistentRead": true,
        "returnConsumedCapacity": "TOTAL"});
    let add = json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders",
        "item": {"id": 1}, "conditionExpression": "#a <> :v", "expressionAttributeNames": {"#a": "x"},
        "expressionAttributeValues": {":v": 2}, "returnValues": "ALL_OLD",
        "returnValuesOnConditionCheckFailure": "ALL_OLD", "returnConsumedCapacity": "INDEXES"});
    let delete = json!({"operationGroup": "itemOperation", "itemOperation": "deleteItem", "tableName": "orders",
        "primaryKeyComponents": {"id": 1}, "conditionExpression": "#a <> :v", "expressionAttributeNames": {"#a": "x"},
        "expressionAttributeValues": {":v": 2}, "returnValues": "NONE",
        "returnValuesOnConditionCheckFailure": "ALL_OLD", "returnConsumedCapacity": "INDEXES"});
    assert!(agrees(&whole(delete)));
    let mut request: Value = serde_json::from_str(&whole(get)).unwrap();
    request["authentication"]["sessionToken"] = json!("token");
    assert!(agrees(&request.to_string()));
    assert!(agrees(&whole(add)));
    let update = json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
        "primaryKeyComponents": {"id": 1}, "updateExpression": "SET #a = :v", "conditionExpression": "#a <> :v",
        "expressionAttributeNames": {"#a": "x"}, "expressionAttributeValues": {":v": 2}, "returnValues": "ALL_NEW",
        "returnValuesOnConditionCheckFailure": "ALL_OLD", "returnConsumedCapacity": "INDEXES"});
    assert!(agrees(&whole(update)));
    let attributes = json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
        "primaryKeyComponents": {"id": 1}, "keyAttributes": {"n": 2}, "attributeAction": "PUT"});
    assert!(agrees(&whole(attributes)));
    // Through the operation reader: another operation, or a field the hot reader does not take.
    let others = [
        json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders", "waitTimeoutMs": 5}),
        json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
            "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1}, "limit": "5"}),
        json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders",
            "primaryKeyComponents": "{\"id\": 1}", "consistentRead": "true"}),
    ];
    for input in others {
        assert!(agrees(&whole(input)));
    }
}

#[test]
fn the_requests_own_operation_group_is_checked_the_same() {
    // Camunda's templates 2 to 6 bind the group at the top too, the operation in `input.type`.
    for (group, taken) in [
        ("item", true),
        ("table", true),
        ("items", false),
        ("", false),
    ] {
        for input in [
            json!({"type": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": 1}}),
            json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": 1}}),
        ] {
            let mut request: Value = serde_json::from_str(&whole(input)).unwrap();
            request["operationGroup"] = json!(group);
            assert_eq!(agrees(&request.to_string()), taken, "{request}");
        }
    }
}

/// Every member of `value` (by its path of keys and indexes), the root excluded.
fn paths(value: &Value, at: &mut Vec<Value>, found: &mut Vec<Vec<Value>>) {
    let children: Vec<(Value, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (json!(k), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (json!(i), v))
            .collect(),
        _ => return,
    };
    for (step, child) in children {
        at.push(step);
        found.push(at.clone());
        paths(child, at, found);
        at.pop();
    }
}

fn member<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        _ => &mut v[step.as_u64().unwrap() as usize],
    })
}

/// Values each member is replaced by.
fn replacements() -> Vec<Value> {
    let mut pool = vec![
        json!(null),
        json!(""),
        json!(" "),
        json!(0),
        json!(-1),
        json!(1.5),
        json!("true"),
        json!(true),
        json!({}),
        json!([]),
        json!("x\u{0}y"),
        json!("typed"),
        json!("ALL_NEW"),
        json!({"S": "a"}),
        json!({"id": 1}),
        json!("getItem"),
        json!("a".repeat(300)),
    ];
    pool.extend([json!("PUT"), json!("delete"), json!("SET a = :v")]);
    pool
}

/// `input`'s variations as whole requests: each member replaced by each of `pool`, or each
/// object given one more member.
fn mutations(input: Value, pool: &[Value]) -> Vec<String> {
    let mut request: Value = serde_json::from_str(&whole(input)).unwrap();
    request["authentication"]["sessionToken"] = json!("token");
    let mut found = Vec::new();
    paths(&request, &mut Vec::new(), &mut found);
    let mut texts = Vec::new();
    for path in &found {
        for replacement in pool {
            let mut mutated = request.clone();
            *member(&mut mutated, path) = replacement.clone();
            texts.push(mutated.to_string());
        }
        let mut added = request.clone();
        if let Some(map) = member(&mut added, path).as_object_mut() {
            map.insert("zzz".into(), json!(null));
            texts.push(added.to_string());
        }
    }
    texts
}

/// How many of `input`'s [`mutations`] the fast reader took; it agrees on each.
fn mutations_taken(input: Value, pool: &[Value]) -> usize {
    let texts = mutations(input, pool);
    texts.iter().filter(|text| agrees(text)).count()
}

#[test]
fn every_query_member_replaced_or_added_is_declined_or_read_the_same() {
    let query = json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
        "indexName": "by-at", "keyConditionExpression": "id = :id", "filterExpression": "#a > :a",
        "expressionAttributeNames": {"#a": "at"}, "expressionAttributeValues": {":id": "k", ":a": 1},
        "scanIndexForward": true, "select": "COUNT", "consistentRead": false, "limit": 10,
        "exclusiveStartKey": {"id": {"S": "k"}, "at": {"N": "2"}}, "maxItems": 5, "maxPages": 3,
        "maxResultBytes": 2048, "returnConsumedCapacity": "TOTAL"});
    let mut queries = 0;
    for text in mutations(query, &replacements()) {
        agrees(&text);
        queries += usize::from(hot(&text));
    }
    assert!(queries >= 150, "the query reader took {queries} mutations");
}

#[test]
fn every_member_replaced_or_added_is_declined_or_read_the_same() {
    let inputs = [
        json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders",
            "primaryKeyComponents": {"id": 1, "s": "a"}, "projectionExpression": "#a",
            "expressionAttributeNames": {"#a": "x"}, "consistentRead": true, "returnConsumedCapacity": "TOTAL"}),
        json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders",
            "item": {"id": 1, "l": [1, "a", {"m": null}]}, "conditionExpression": "#a <> :v",
            "expressionAttributeNames": {"#a": "x"}, "expressionAttributeValues": {":v": 2},
            "returnValues": "ALL_OLD", "returnValuesOnConditionCheckFailure": "ALL_OLD"}),
        json!({"operationGroup": "item", "itemOperation": "deleteItem", "tableName": "orders",
            "primaryKeyComponents": {"id": "k"}, "valueFormat": "plain", "outputFormat": "plain"}),
        json!({"operationGroup": "itemOperation", "itemOperation": "query", "tableName": "orders",
            "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": 1}}),
        batch_write(),
        batch_get(),
    ];
    let updates = [
        json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": {"id": 1, "s": "a"}, "updateExpression": "SET #a = :v",
            "conditionExpression": "#a <> :v", "expressionAttributeNames": {"#a": "x"},
            "expressionAttributeValues": {":v": 2}, "returnValues": "UPDATED_NEW",
            "returnValuesOnConditionCheckFailure": "ALL_OLD", "returnConsumedCapacity": "TOTAL"}),
        json!({"operationGroup": "item", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": {"id": "k"}, "keyAttributes": {"n": 1, "l": [1, "a", {"m": null}]},
            "attributeAction": "PUT", "valueFormat": "plain", "outputFormat": "plain"}),
        json!({"operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": {"id": "k"}, "keyAttributes": {"old": null, "x": {"y": 1}},
            "attributeAction": "DELETE", "returnValues": "all_old"}),
    ];
    let pool = replacements();
    let taken: usize = inputs.into_iter().map(|i| mutations_taken(i, &pool)).sum();
    assert!(taken >= 100, "the fast reader took {taken} mutations");
    let updates_taken: usize = updates.into_iter().map(|i| mutations_taken(i, &pool)).sum();
    assert!(
        updates_taken >= 300,
        "the fast reader took {updates_taken} updateItem mutations"
    );
}

fn batch_write() -> Value {
    json!({"operationGroup": "itemOperation", "itemOperation": "batchWriteItems", "returnConsumedCapacity": "INDEXES",
        "requestItems": {"orders": [{"put": {"id": 1, "l": [1, {"m": null}]}}, {"delete": {"id": "k", "s": 2}}],
                         "other": [{"put": {"id": "x"}, "delete": null}]}})
}

fn batch_get() -> Value {
    json!({"operationGroup": "item", "itemOperation": "batchGetItems", "returnConsumedCapacity": "total",
        "requestItems": {"orders": {"keys": [{"id": 1}, {"id": "k", "s": 2}], "projectionExpression": "#a",
                                    "expressionAttributeNames": {"#a": "x"}, "consistentRead": true},
                         "other": {"keys": [{"id": "x"}]}}})
}

#[test]
fn batch_variations_are_declined_or_read_the_same() {
    let item = |v: Value| json!({"orders": [{"put": v}]});
    let key = |v: Value| json!({"orders": {"keys": [v]}});
    let write_items = [
        json!({}),
        json!(null),
        json!("{\"orders\": [{\"put\": {\"id\": 1}}]}"),
        json!({"orders": []}),
        json!({"orders": {}}),
        json!({"ab": [{"put": {"id": 1}}]}),
        json!({"or ders": [{"put": {"id": 1}}]}),
        json!({"orders": [{"put": {"id": 1}, "delete": {"id": 1}}]}),
        json!({"orders": [{"put": null, "delete": null}]}),
        json!({"orders": [{"put": {"id": 1}, "zzz": null}]}),
        json!({"orders": [{"put": "{\"id\": 1}"}]}),
        json!({"orders": [{"delete": "{\"id\": 1}"}]}),
        json!({"orders": [{"delete": {"id": 1, "a": 2, "b": 3}}]}),
        json!({"orders": [{"delete": {"id": [1]}}]}),
        json!({"orders": [{"delete": {"id": {"S": "a"}}}]}),
        json!({"orders": [7]}),
        item(json!({"id": {"S": "a"}, "n": {"N": "1"}})),
        item(json!({"": 1})),
        item(json!({"n": 1.000000000000000000000000000000000000001})),
        item(json!({"big": "x".repeat(400 * 1024)})),
        item(json!({"m": {"S": "a", "N": "1"}})),
    ];
    let get_items = [
        json!({}),
        json!({"orders": []}),
        json!({"orders": {"keys": []}}),
        json!({"orders": {"keys": null}}),
        json!({"orders": {}}),
        json!({"orders": {"keys": "[{\"id\": 1}]"}}),
        json!({"orders": {"keys": [{"id": 1}], "select": "COUNT"}}),
        json!({"orders": {"keys": [{"id": 1}], "consistentRead": "true", "projectionExpression": " "}}),
        json!({"orders": {"keys": [{"id": 1}], "expressionAttributeNames": {"a": "x"}}}),
        json!({"ab": {"keys": [{"id": 1}]}}),
        key(json!({"id": {"S": "a"}})),
        key(json!({"id": true})),
        key(json!([1])),
        key(json!({})),
    ];
    let extras = [
        json!({}),
        json!({"valueFormat": "typed"}),
        json!({"returnConsumedCapacity": "SOME"}),
        json!({"returnConsumedCapacity": null, "outputFormat": "plain"}),
        json!({"tableName": "orders"}),
        json!({"waitTimeoutMs": 5}),
    ];
    // Taken by the batch readers of this path, not only through the operation reader.
    assert!(hot(&whole(batch_write())) && hot(&whole(batch_get())));
    let mut taken = 0;
    for (base, variants) in [
        (batch_write(), &write_items[..]),
        (batch_get(), &get_items[..]),
    ] {
        for request_items in variants.iter().chain([&base["requestItems"]]) {
            for extra in &extras {
                let mut input = base.clone();
                input["requestItems"] = request_items.clone();
                input
                    .as_object_mut()
                    .unwrap()
                    .extend(extra.as_object().unwrap().clone());
                let text = whole(input);
                taken += usize::from(agrees(&text) && hot(&text));
            }
        }
    }
    assert!(taken >= 10, "the batch readers took {taken} variations");
}
