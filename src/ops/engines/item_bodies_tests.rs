use serde_json::{Value, json};

use super::*;
use crate::ops::engines::write_options::apply_write_options;
use crate::ops::table_body;

fn map(value: Value) -> Attributes {
    value.as_object().unwrap().clone()
}

fn tree_bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).unwrap()
}

#[test]
fn get_item_bodies_are_the_trees_bytes() {
    let key = map(json!({"id": {"S": "a\"b\u{1}"}, "n": {"N": "1e5"}}));
    let full = ReadOptions {
        filter_expression: Some("f".into()),
        projection_expression: Some("#a, b".into()),
        expression_attribute_names: Some(map(json!({"#a": "x"}))),
        expression_attribute_values: Some(map(json!({":v": {"N": "1"}}))),
        consistent_read: Some(false),
        select: Some("COUNT".into()),
        return_consumed_capacity: Some(ReturnConsumedCapacity::Indexes),
    };
    let cases = [
        ReadOptions::default(),
        full,
        ReadOptions {
            consistent_read: Some(true),
            return_consumed_capacity: Some(ReturnConsumedCapacity::Total),
            ..ReadOptions::default()
        },
    ];
    for options in cases {
        let mut tree = table_body("orders", "Key", Value::Object(key.clone()));
        options.apply(&mut tree);
        let bytes = get_item_body("orders", &key, &options).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(tree_bytes(&tree)).unwrap()
        );
    }
}

#[test]
fn put_and_delete_item_bodies_are_the_trees_bytes() {
    let item = map(json!({"id": {"S": "x"}, "m": {"M": {"z": {"NULL": true}, "a": {"L": []}}}}));
    let full = WriteOptions {
        condition_expression: Some("attribute_not_exists(id)".into()),
        expression_attribute_names: Some(map(json!({"#a": "x"}))),
        expression_attribute_values: Some(map(json!({":v": {"BOOL": true}}))),
        return_values: Some("ALL_OLD".into()),
        return_item_on_condition_failure: true,
        return_consumed_capacity: Some(ReturnConsumedCapacity::Total),
    };
    let no_return = WriteOptions {
        return_values: None,
        ..full.clone()
    };
    for options in [WriteOptions::default(), full, no_return] {
        let mut tree = table_body("t-1.x", "Item", Value::Object(item.clone()));
        apply_write_options(&mut tree, &options, None);
        let bytes = put_item_body("t-1.x", &item, &options).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(tree_bytes(&tree)).unwrap()
        );
        let mut tree = table_body("t-1.x", "Key", Value::Object(item.clone()));
        apply_write_options(&mut tree, &options, Some("ALL_OLD"));
        let bytes = delete_item_body("t-1.x", &item, &options).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(tree_bytes(&tree)).unwrap()
        );
    }
}
