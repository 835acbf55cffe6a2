//! updateItem: UpdateItem, from Camunda's attribute form (`keyAttributes` with
//! `attributeAction`) or an `updateExpression`; answers `{"Attributes": ...}`, by default the
//! item after the update.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::attribute_map;
use crate::ops::engines::consumed_capacity::{Shape, with_consumed_capacity};
use crate::ops::engines::item_bodies::{UpdateClause, update_item_body};
use crate::ops::engines::write_options::{WRITE_OPTION_FIELDS, WriteOptions, read_write_options};
use crate::ops::{Context, Operation, Outcome, ReadOperation, Response};
use crate::value::ValueFormat;

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
        let clause = self.update.clause(&self.options)?;
        let body = update_item_body(&self.table_name, &self.key, &clause, &self.options)?;
        let outcome = match context.call_for_item("UpdateItem", body, "Attributes")? {
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

impl Update {
    /// This update as an UpdateItem body writes it. Camunda's attribute form becomes
    /// `SET #a0 = :v0, ...` or `REMOVE #a0, ...` through placeholders, so reserved words and dots
    /// in names are safe; the request's own placeholders must not take those names.
    pub(crate) fn clause(
        &self,
        options: &WriteOptions,
    ) -> Result<UpdateClause<'_>, ConnectorError> {
        match self {
            Update::Expression(expression) => Ok(UpdateClause {
                expression: Cow::Borrowed(expression),
                ..UpdateClause::default()
            }),
            Update::Attributes { attributes, action } => {
                attribute_clause(attributes, *action, options)
            }
        }
    }
}

/// The attribute form's clause: the expression names the attributes in their order, checking
/// each placeholder against the request's own in that order; the placeholders are listed in
/// the order of their names, the order the body's maps are written in.
fn attribute_clause<'a>(
    attributes: &'a Map<String, Value>,
    action: AttributeAction,
    options: &WriteOptions,
) -> Result<UpdateClause<'a>, ConnectorError> {
    let put = action == AttributeAction::Put;
    let mut expression = String::from(if put { "SET " } else { "REMOVE " });
    for i in 0..attributes.len() {
        if i > 0 {
            expression.push_str(", ");
        }
        let names = options.expression_attribute_names.as_ref();
        let name = push_placeholder(&mut expression, "#a", i);
        not_given(names, name, field::EXPRESSION_ATTRIBUTE_NAMES)?;
        if put {
            expression.push_str(" = ");
            let values = options.expression_attribute_values.as_ref();
            let value = push_placeholder(&mut expression, ":v", i);
            not_given(values, value, field::EXPRESSION_ATTRIBUTE_VALUES)?;
        }
    }
    let entries: Vec<(&String, &Value)> = attributes.iter().collect();
    let mut clause = UpdateClause::default();
    for i in in_text_order(entries.len()) {
        let (name, value) = entries[i];
        clause.names.push((placeholder("#a", i), name.as_str()));
        if put {
            clause.values.push((placeholder(":v", i), value));
        }
    }
    clause.expression = Cow::Owned(expression);
    Ok(clause)
}

/// The placeholder `prefix` and `i`.
fn placeholder(prefix: &str, i: usize) -> String {
    let mut text = String::with_capacity(prefix.len() + 4);
    push_placeholder(&mut text, prefix, i);
    text
}

/// Appends `prefix` and `i` in decimal to `out`, and gives what it appended; digits written by
/// hand, as the formatting machinery costs more than the rest of a placeholder's work.
fn push_placeholder<'s>(out: &'s mut String, prefix: &str, i: usize) -> &'s str {
    let start = out.len();
    out.push_str(prefix);
    let mut digits = [0u8; 20];
    let (mut rest, mut at) = (i, digits.len());
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits[at..]
        .iter()
        .for_each(|&digit| out.push(char::from(digit)));
    &out[start..]
}

/// `0..n` in the order of their decimal texts (`0, 1, 10, 11, 2, ...`), so `#a0, #a1, ...` come
/// sorted as serde_json's maps sort them, without a sort.
fn in_text_order(n: usize) -> impl Iterator<Item = usize> {
    let mut next = (n > 0).then_some(0);
    std::iter::from_fn(move || {
        let current = next?;
        next = text_successor(current, n);
        Some(current)
    })
}

/// The number after `i` among `0..n` in the order of their decimal texts.
fn text_successor(i: usize, n: usize) -> Option<usize> {
    // Longer texts with `i`'s as their start come right after it: `1` then `10`.
    if i > 0 && i.checked_mul(10).is_some_and(|longer| longer < n) {
        return Some(i * 10);
    }
    // Else the next last digit, up a level once the digits of this one are used up.
    let mut i = i;
    while i % 10 == 9 || i + 1 >= n {
        if i < 10 {
            return None;
        }
        i /= 10;
    }
    Some(i + 1)
}

/// Fails when the request's own placeholders (`given`, its field `field`) name `placeholder`.
fn not_given(
    given: Option<&Map<String, Value>>,
    placeholder: &str,
    field: &str,
) -> Result<(), ConnectorError> {
    if given.is_some_and(|members| members.contains_key(placeholder)) {
        return Err(ConnectorError::config(
            format!("input.{field}.{placeholder}"),
            "is reserved for keyAttributes; choose another placeholder",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "update_item_tests.rs"]
mod tests;
