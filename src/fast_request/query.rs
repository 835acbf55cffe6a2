//! query through query's checks: the same field readers and check functions the checking
//! reader's `Query::read` runs, each on only what the request gave.

use serde_json::{Map, Value};

use super::input::{Given, HotInput};
use crate::input::fields::{check_expression, check_table_name, is_blank};
use crate::input::{Fields, field};
use crate::ops::engines::paging::{Paging, read_paging};
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::operations::query::Query;
use crate::value::ValueFormat;

/// query's fields through query's checks.
pub(super) fn query(input: &mut HotInput, format: ValueFormat) -> Option<Query> {
    let paging = paging(input)?;
    let options = input.options(|fields| ReadOptions::read(fields, format).ok())?;
    Some(Query {
        table_name: input.table_name()?,
        index_name: index_name(input.index_name.value().copied())?,
        key_condition_expression: key_condition(input.key_condition_expression.value().copied())?,
        scan_index_forward: input.scan_index_forward.value().copied(),
        options,
        paging,
    })
}

/// `indexName`: blank counts as absent, any other passes the table name check; the outer
/// `None` declines.
fn index_name(name: Option<&str>) -> Option<Option<String>> {
    match name {
        Some(name) if !is_blank(name) => {
            check_table_name(name).ok()?;
            Some(Some(name.to_string()))
        }
        _ => Some(None),
    }
}

/// `keyConditionExpression`: required, so blank declines too.
fn key_condition(expression: Option<&str>) -> Option<String> {
    let expression = expression.filter(|e| !is_blank(e))?;
    check_expression(expression).ok()?;
    Some(expression.to_string())
}

/// The paging fields given, read by the paging reader from an `input` holding only them (it
/// reads nothing else, and treats null as absent); the start key is moved, not copied.
fn paging(input: &mut HotInput) -> Option<Paging> {
    let mut given = Map::new();
    let numbers = [
        (field::LIMIT, &input.limit),
        (field::MAX_ITEMS, &input.max_items),
        (field::MAX_PAGES, &input.max_pages),
        (field::MAX_RESULT_BYTES, &input.max_result_bytes),
    ];
    for (key, value) in numbers {
        if let Some(number) = value.value() {
            given.insert(key.into(), Value::from(*number));
        }
    }
    if let Given::Present(Some(key)) = std::mem::take(&mut input.exclusive_start_key) {
        given.insert(field::EXCLUSIVE_START_KEY.into(), Value::Object(key));
    }
    read_paging(Fields::new(&given, field::INPUT)).ok()
}
