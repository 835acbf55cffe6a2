//! updateItem: UpdateItem, from Camunda's attribute form (`keyAttributes` with
//! `attributeAction`) or an `updateExpression`; answers `{"Attributes": ...}`, by default the
//! item after the update.

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::attribute_map;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::write_options::{
    WRITE_OPTION_FIELDS, WriteOptions, apply_write_options, read_write_options,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation, Response};
use crate::value::ValueFormat;
use crate::wire::body_bytes;

/// Every `ReturnValues` updateItem takes.
pub(crate) const RETURN_VALUES: &[&str] =
    &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"];

/// Input of updateItem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UpdateItem {
    /// Table name.
    pub table_name: String,
    /// Primary key.
    pub key: Map<String, Value>,
    /// What to change.
    pub update: Update,
    /// Condition and return values.
    pub options: WriteOptions,
}

/// How updateItem changes the item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Update {
    /// Camunda's form: put or delete the listed attributes.
    Attributes {
        /// Attributes to set (values) or remove (names only).
        attributes: Map<String, Value>,
        /// Put or delete.
        action: AttributeAction,
    },
    /// An update expression (SET / REMOVE / ADD / DELETE).
    Expression(String),
}

/// What updateItem does with the attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttributeAction {
    /// Set each attribute.
    Put,
    /// Remove each attribute.
    Delete,
}

impl ReadOperation for UpdateItem {
    const NAME: &'static str = "updateItem";

    const FIELDS: &'static [&'static [&'static str]] = &[
        &[
            field::TABLE_NAME,
            field::PRIMARY_KEY_COMPONENTS,
            field::KEY_ATTRIBUTES,
            field::ATTRIBUTE_ACTION,
            field::UPDATE_EXPRESSION,
        ],
        WRITE_OPTION_FIELDS,
    ];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        let table_name = input.table_name(field::TABLE_NAME)?;
        let key = input.primary_key(field::PRIMARY_KEY_COMPONENTS, format)?;
        let update = match input.expression(field::UPDATE_EXPRESSION)? {
            Some(expression) => {
                if input.has(field::KEY_ATTRIBUTES) || input.has(field::ATTRIBUTE_ACTION) {
                    return Err(input.error(
                        field::UPDATE_EXPRESSION,
                        "give either updateExpression or keyAttributes with attributeAction, not both",
                    ));
                }
                Update::Expression(expression)
            }
            None => attribute_update(input, &key, format)?,
        };
        Ok(Self {
            table_name,
            key,
            update,
            options: read_write_options(input, format, RETURN_VALUES)?,
        })
    }
}

fn attribute_update(
    input: Fields,
    key: &Map<String, Value>,
    format: ValueFormat,
) -> Result<Update, ConnectorError> {
    let action_text = input.required_string(field::ATTRIBUTE_ACTION)?;
    let action = AttributeAction::named(&action_text)
        .ok_or_else(|| input.error(field::ATTRIBUTE_ACTION, "must be PUT or DELETE"))?;
    let raw = input.required_map(field::KEY_ATTRIBUTES)?;
    let path = input.field(field::KEY_ATTRIBUTES);
    check_attribute_names(&raw, key, action, &path)?;
    let attributes = match action {
        AttributeAction::Put => attribute_map(&raw, format, &path)?,
        // Only the names matter when removing attributes.
        AttributeAction::Delete => raw,
    };
    Ok(Update::Attributes { attributes, action })
}

impl AttributeAction {
    /// The action `text` names (any case), if any.
    pub(crate) fn named(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case(field::PUT) {
            Some(Self::Put)
        } else if text.eq_ignore_ascii_case(field::DELETE) {
            Some(Self::Delete)
        } else {
            None
        }
    }
}

/// Checks the names of the attribute form's `raw` attributes, found at `path`: at least one,
/// none of the key's, and each 1 to 255 bytes when removing them (their values are not read
/// then, so the value conversion does not check their names).
pub(crate) fn check_attribute_names(
    raw: &Map<String, Value>,
    key: &Map<String, Value>,
    action: AttributeAction,
    path: &str,
) -> Result<(), ConnectorError> {
    if raw.is_empty() {
        return Err(ConnectorError::config(
            path,
            "must name at least one attribute",
        ));
    }
    if let Some(k) = raw.keys().find(|k| key.contains_key(*k)) {
        return Err(ConnectorError::config(
            format!("{path}.{k}"),
            "is part of the primary key, which updateItem cannot change",
        ));
    }
    if action == AttributeAction::Delete
        && let Some(name) = raw.keys().find(|n| n.is_empty() || n.len() > 255)
    {
        return Err(ConnectorError::config(
            format!("{path}.{name}"),
            "must be 1 to 255 bytes long",
        ));
    }
    Ok(())
}

impl Operation for UpdateItem {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let body = update_item_body(&self.table_name, &self.key, &self.update, &self.options)?;
        let outcome = match context.call_for_item("UpdateItem", body_bytes(&body)?, "Attributes")? {
            Response::Text(item) => Outcome::rendered(format!("{{\"Attributes\":{item}}}")),
            Response::Tree(item) => Outcome::new(json!({ "Attributes": item })),
        };
        let asked = self.options.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::OneTable,
        ))
    }
}

/// The UpdateItem body. Camunda's attribute form becomes `SET #a0 = :v0, ...` or
/// `REMOVE #a0, ...` through placeholders, so reserved words and dots in names are safe; it
/// returns the item after the update unless the request asks otherwise.
pub(crate) fn update_item_body(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::read;

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
            update_item_body(&table_name, &key, &update, &options).unwrap(),
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
        let removal =
            update_item_body(&table_name, &key, &removal, &WriteOptions::default()).unwrap();
        assert_eq!(removal["UpdateExpression"], "REMOVE #a0, #a1");
        assert!(removal.get("ExpressionAttributeValues").is_none());
        let clash = WriteOptions {
            expression_attribute_values: Some(
                json!({":v0": {"N": "1"}}).as_object().unwrap().clone(),
            ),
            ..WriteOptions::default()
        };
        let err = update_item_body(&table_name, &key, &update, &clash).unwrap_err();
        assert!(
            matches!(err, ConnectorError::Configuration { field: Some(f), .. } if f == "input.expressionAttributeValues.:v0")
        );
    }
}
