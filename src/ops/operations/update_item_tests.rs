use serde_json::{Map, Value, json};

use super::*;
use crate::ops::engines::consumed_capacity::ReturnConsumedCapacity;
use crate::ops::engines::write_options::apply_write_options;
use crate::ops::testing::read;

/// The UpdateItem body as a tree, as the connector built it before writing it without one: the
/// reference the written bytes are compared with.
fn tree_body(
    table_name: &str,
    key: &Map<String, Value>,
    update: &Update,
    options: &WriteOptions,
) -> Result<Value, ConnectorError> {
    let mut body = json!({ "TableName": table_name, "Key": key });
    apply_write_options(&mut body, options, Some("ALL_NEW"));
    match update {
        Update::Expression(expression) => body["UpdateExpression"] = json!(expression),
        Update::Attributes { attributes, action } => {
            let mut clauses = Vec::with_capacity(attributes.len());
            for (i, (name, value)) in attributes.iter().enumerate() {
                let (name_placeholder, value_placeholder) = (format!("#a{i}"), format!(":v{i}"));
                add_placeholder(
                    &mut body,
                    "ExpressionAttributeNames",
                    &name_placeholder,
                    Value::String(name.clone()),
                )?;
                match action {
                    AttributeAction::Put => {
                        add_placeholder(
                            &mut body,
                            "ExpressionAttributeValues",
                            &value_placeholder,
                            value.clone(),
                        )?;
                        clauses.push(format!("{name_placeholder} = {value_placeholder}"));
                    }
                    AttributeAction::Delete => clauses.push(name_placeholder),
                }
            }
            let verb = match action {
                AttributeAction::Put => "SET",
                AttributeAction::Delete => "REMOVE",
            };
            body["UpdateExpression"] = json!(format!("{verb} {}", clauses.join(", ")));
        }
    }
    Ok(body)
}

fn add_placeholder(
    body: &mut Value,
    map: &str,
    placeholder: &str,
    value: Value,
) -> Result<(), ConnectorError> {
    if body.get(map).is_none() {
        body[map] = json!({});
    }
    let members = body[map]
        .as_object_mut()
        .expect("placeholder maps are objects");
    if members.contains_key(placeholder) {
        let field = if map == "ExpressionAttributeNames" {
            field::EXPRESSION_ATTRIBUTE_NAMES
        } else {
            field::EXPRESSION_ATTRIBUTE_VALUES
        };
        return Err(ConnectorError::config(
            format!("input.{field}.{placeholder}"),
            "is reserved for keyAttributes; choose another placeholder",
        ));
    }
    members.insert(placeholder.to_string(), value);
    Ok(())
}

/// The body the connector sends, read back as a tree.
fn sent(
    table_name: &str,
    key: &Map<String, Value>,
    update: &Update,
    options: &WriteOptions,
) -> Result<Value, ConnectorError> {
    let clause = update.clause(options)?;
    let bytes = update_item_body(table_name, key, &clause, options)?;
    Ok(serde_json::from_slice(&bytes).unwrap())
}

#[test]
fn update_item_body_uses_placeholders_and_merges_conditions() {
    let UpdateItem {
        table_name,
        key,
        update,
        options,
    } = read(json!({
        "operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
        "primaryKeyComponents": {"id": 1}, "keyAttributes": {"size": 2, "a.b": "x"}, "attributeAction": "PUT",
        "conditionExpression": "#s < :max", "expressionAttributeNames": {"#s": "size"},
        "expressionAttributeValues": {":max": 10}, "returnValues": "updated_old",
    }));
    assert_eq!(
        sent(&table_name, &key, &update, &options).unwrap(),
        json!({
            "TableName": "orders",
            "Key": {"id": {"N": "1"}},
            "ConditionExpression": "#s < :max",
            // Placeholders are numbered in the attributes' order: sorted by name.
            "ExpressionAttributeNames": {"#s": "size", "#a0": "a.b", "#a1": "size"},
            "ExpressionAttributeValues": {":max": {"N": "10"}, ":v0": {"S": "x"}, ":v1": {"N": "2"}},
            "ReturnValues": "UPDATED_OLD",
            "UpdateExpression": "SET #a0 = :v0, #a1 = :v1",
        })
    );
    let Update::Attributes { attributes, .. } = &update else {
        panic!()
    };
    let removal = Update::Attributes {
        attributes: attributes.clone(),
        action: AttributeAction::Delete,
    };
    let removal = sent(&table_name, &key, &removal, &WriteOptions::default()).unwrap();
    assert_eq!(removal["UpdateExpression"], "REMOVE #a0, #a1");
    assert!(removal.get("ExpressionAttributeValues").is_none());
    let clash = WriteOptions {
        expression_attribute_values: Some(json!({":v0": {"N": "1"}}).as_object().unwrap().clone()),
        ..WriteOptions::default()
    };
    let err = sent(&table_name, &key, &update, &clash).unwrap_err();
    assert!(
        matches!(err, ConnectorError::Configuration { field: Some(f), .. } if f == "input.expressionAttributeValues.:v0")
    );
}

fn map(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

/// More than ten attributes (so `#a10` sorts before `#a2`), names and values needing escapes.
fn escaped_attributes() -> Map<String, Value> {
    let mut attributes = map(json!({
        "a.b": {"S": "x\"y\\z"}, "size": {"N": "1e5"}, "quote\"d": {"NULL": true},
        "line\nbreak": {"M": {"z\u{1}": {"BOOL": false}}}, "\u{1f}ctl": {"L": [{"S": "\u{7f}é"}]},
        "é": {"B": "AAE="}, "emoji\u{1f600}": {"SS": ["a", "b"]}, "back\\slash": {"NS": ["1"]},
    }));
    for i in 0..5 {
        attributes.insert(format!("k{i}"), json!({"S": format!("v{i}")}));
    }
    attributes
}

/// Write options with placeholders that sort among the added ones, and every other option.
fn interleaved_options() -> WriteOptions {
    WriteOptions {
        condition_expression: Some("attribute_exists(#a) AND #a05 <> :w".into()),
        expression_attribute_names: Some(map(
            json!({"#a": "x", "#a05": "y", "#a1z": "z\"q", "#b": "w", "#\u{1}": "c"}),
        )),
        expression_attribute_values: Some(map(
            json!({":a": {"S": "1"}, ":v00": {"N": "2"}, ":v9x": {"S": "\n"}, ":w": {"NULL": true}}),
        )),
        return_values: Some("UPDATED_OLD".into()),
        return_item_on_condition_failure: true,
        return_consumed_capacity: Some(ReturnConsumedCapacity::Indexes),
    }
}

/// Options with placeholders the attribute form takes: a name, a value, and both (the first
/// attribute's value before the second's name).
fn clashing_options() -> [WriteOptions; 3] {
    let names = |value| Some(map(value));
    [
        WriteOptions {
            expression_attribute_names: names(json!({"#a1": "x"})),
            ..WriteOptions::default()
        },
        WriteOptions {
            expression_attribute_values: names(json!({":v0": {"N": "1"}})),
            ..WriteOptions::default()
        },
        WriteOptions {
            expression_attribute_names: names(json!({"#a1": "x"})),
            expression_attribute_values: names(json!({":v0": {"N": "1"}})),
            ..WriteOptions::default()
        },
    ]
}

#[test]
fn update_item_bodies_are_the_trees_bytes() {
    let key = map(json!({"id": {"S": "k\"1"}, "n": {"N": "2"}}));
    let attributes = escaped_attributes();
    let updates = [
        Update::Expression("SET #a = :w, \"b\\c\" = :v00".into()),
        Update::Attributes {
            attributes: attributes.clone(),
            action: AttributeAction::Put,
        },
        Update::Attributes {
            attributes,
            action: AttributeAction::Delete,
        },
    ];
    let empty_maps = WriteOptions {
        expression_attribute_names: Some(Map::new()),
        expression_attribute_values: Some(Map::new()),
        ..WriteOptions::default()
    };
    let mut options = vec![WriteOptions::default(), interleaved_options(), empty_maps];
    options.extend(clashing_options());
    for update in &updates {
        for options in &options {
            let written = update.clause(options).and_then(|clause| {
                let bytes = update_item_body("t-1.x", &key, &clause, options)?;
                Ok(String::from_utf8(bytes).unwrap())
            });
            let tree = tree_body("t-1.x", &key, update, options)
                .map(|tree| serde_json::to_string(&tree).unwrap());
            match (written, tree) {
                (Ok(written), Ok(tree)) => assert_eq!(written, tree),
                (Err(written), Err(tree)) => {
                    assert_eq!(format!("{written:?}"), format!("{tree:?}"))
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn placeholder_numbers_come_in_the_order_of_their_texts() {
    for n in [0, 1, 2, 9, 10, 11, 12, 20, 99, 100, 101, 1000, 1234] {
        let mut expected: Vec<usize> = (0..n).collect();
        expected.sort_by_key(|i| i.to_string());
        assert_eq!(in_text_order(n).collect::<Vec<_>>(), expected, "{n}");
    }
}

#[test]
fn placeholders_are_their_prefix_and_number() {
    for i in [0, 1, 9, 10, 99, 100, 12345, usize::MAX] {
        assert_eq!(placeholder("#a", i), format!("#a{i}"));
        let mut text = String::from("SET ");
        assert_eq!(push_placeholder(&mut text, ":v", i), format!(":v{i}"));
        assert_eq!(text, format!("SET :v{i}"));
    }
}
