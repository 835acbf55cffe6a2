//! A request read in one pass from its text into borrowed structs, without the tree of the
//! whole request, when its envelope is the common one: static keys, a region, an optional
//! endpoint. The hot item operations (getItem, addItem, deleteItem) are read here too; any other
//! operation's `input` is read by the checking reader's operation reader. This path accepts only
//! what the checking reader ([`crate::request::parse_request`]) accepts and builds the same request
//! through the same checks; anything else (an unknown field, another type, a check failing, an
//! escaped string) declines, and the checking reader then reads the request and gives its exact
//! error.

use std::time::Duration;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::input::authentication::{check_key_pair, check_session_token};

use crate::input::envelope::{
    DEFAULT_WAIT_TIMEOUT, check_region, output_format, read_options, root_group_is_valid,
    value_format,
};
use crate::input::field::{self, auth_type};
use crate::input::fields::{check_item_size, check_key, check_table_name};
use crate::input::{Auth, Envelope, Fields, OutputFormat};
use crate::ops::engines::read_options::ReadOptions;
use crate::ops::engines::write_options::read_write_options;
use crate::ops::operations::{add_item::AddItem, delete_item::DeleteItem, get_item::GetItem};
use crate::ops::registry::read_operation;
use crate::ops::{Operation, ReadOperation};
use crate::request::Request;
use crate::value::{ValueFormat, into_attribute_map};
use crate::wire::{
    Credentials, RetryPolicy, default_endpoint, default_streams_endpoint, parse_endpoint,
};

type Attributes = Map<String, Value>;

/// A request whose only top-level members are these.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Hot<'a> {
    #[serde(borrow)]
    authentication: HotAuth<'a>,
    /// Camunda's templates 2 to 6 bind the group here too.
    #[serde(rename = "operationGroup")]
    operation_group: Option<&'a str>,
    #[serde(borrow)]
    configuration: HotConfig<'a>,
    #[serde(borrow)]
    input: HotInput<'a>,
}

/// A request of any operation with the envelope this path reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnyOperation<'a> {
    #[serde(borrow)]
    authentication: HotAuth<'a>,
    /// Camunda's templates 2 to 6 bind the group here too.
    #[serde(rename = "operationGroup")]
    operation_group: Option<&'a str>,
    #[serde(borrow)]
    configuration: HotConfig<'a>,
    input: Attributes,
}

/// Static keys (`null` is absent, as for the checking reader).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HotAuth<'a> {
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    access_key: &'a str,
    secret_key: &'a str,
    session_token: Option<&'a str>,
}

/// A region, and an endpoint or the region's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HotConfig<'a> {
    region: &'a str,
    endpoint: Option<&'a str>,
}

/// A field as the request gives it: absent, or present, `null` included (the checking reader
/// rejects a field an operation does not take even when it is null).
#[derive(Default)]
enum Given<T> {
    #[default]
    Absent,
    Present(Option<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Given<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Given::Present)
    }
}

impl<T> Given<T> {
    fn is_absent(&self) -> bool {
        matches!(self, Given::Absent)
    }

    fn value(&self) -> Option<&T> {
        match self {
            Given::Present(Some(value)) => Some(value),
            _ => None,
        }
    }
}

/// The `input` of getItem, addItem or deleteItem: the common fields this path takes, and the
/// operations' own.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HotInput<'a> {
    operation_group: &'a str,
    item_operation: &'a str,
    #[serde(default, borrow)]
    value_format: Given<&'a str>,
    #[serde(default, borrow)]
    output_format: Given<&'a str>,
    #[serde(default, borrow)]
    table_name: Given<&'a str>,
    #[serde(default)]
    primary_key_components: Given<Attributes>,
    #[serde(default)]
    item: Given<Attributes>,
    #[serde(default, borrow)]
    projection_expression: Given<&'a str>,
    #[serde(default)]
    consistent_read: Given<bool>,
    #[serde(default, borrow)]
    condition_expression: Given<&'a str>,
    #[serde(default)]
    expression_attribute_names: Given<Attributes>,
    #[serde(default)]
    expression_attribute_values: Given<Attributes>,
    #[serde(default, borrow)]
    return_values: Given<&'a str>,
    #[serde(default, borrow)]
    return_values_on_condition_check_failure: Given<&'a str>,
    #[serde(default, borrow)]
    return_consumed_capacity: Given<&'a str>,
}

/// The request, when this path reads it; `None` declines.
pub(crate) fn read_fast(text: &str) -> Option<Request> {
    match serde_json::from_str::<Hot>(text) {
        Ok(hot) => read_hot(hot).or_else(|| read_any(text)),
        Err(_) => read_any(text),
    }
}

/// Any operation, its `input` read by the checking reader's operation reader; only the
/// envelope is read here.
fn read_any(text: &str) -> Option<Request> {
    let any: AnyOperation = serde_json::from_str(text).ok()?;
    let input = Fields::new(&any.input, field::INPUT);
    let options = read_options(input).ok()?;
    let (name, operation) = read_operation(input, options.0).ok()?;
    check_root_group(any.operation_group)?;
    let envelope = envelope(&any.authentication, &any.configuration, options)?;
    Some(Request {
        envelope,
        name,
        operation,
    })
}

/// A getItem, addItem or deleteItem this path reads; `None` declines.
fn read_hot(mut hot: Hot) -> Option<Request> {
    let input = &mut hot.input;
    if !matches!(input.operation_group, "itemOperation" | "item") {
        return None;
    }
    let format = value_format(input.value_format.value().copied())?;
    let (name, operation): (&'static str, Box<dyn Operation>) = match input.item_operation {
        GetItem::NAME => (GetItem::NAME, Box::new(get_item(input, format)?)),
        AddItem::NAME => (AddItem::NAME, Box::new(add_item(input, format)?)),
        DeleteItem::NAME => (DeleteItem::NAME, Box::new(delete_item(input, format)?)),
        _ => return None,
    };
    let output = output_format(hot.input.output_format.value().copied())?;
    let options = (format, output, DEFAULT_WAIT_TIMEOUT);
    check_root_group(hot.operation_group)?;
    let envelope = envelope(&hot.authentication, &hot.configuration, options)?;
    Some(Request {
        envelope,
        name,
        operation,
    })
}

/// The request's own `operationGroup`, when given, is one of its values.
fn check_root_group(group: Option<&str>) -> Option<()> {
    group.is_none_or(root_group_is_valid).then_some(())
}

/// The envelope through the checking reader's checks, for what this path takes: static keys,
/// a region and an optional endpoint, the formats; the rest at its defaults.
fn envelope(
    auth: &HotAuth,
    config: &HotConfig,
    (value_format, output, wait_timeout): (ValueFormat, OutputFormat, Duration),
) -> Option<Envelope> {
    if !matches!(auth.kind, None | Some(auth_type::CREDENTIALS)) {
        return None;
    }
    let not_blank = |s: &&str| !s.trim().is_empty();
    let access_key = Some(auth.access_key).filter(not_blank)?;
    let secret_key = Some(auth.secret_key).filter(not_blank)?;
    check_key_pair(access_key, secret_key).ok()?;
    let session_token = auth.session_token.filter(not_blank);
    check_session_token(access_key, session_token).ok()?;
    check_region(config.region, field::REGION).ok()?;
    let region = config.region.to_string();
    let (endpoint, streams_endpoint) = match config.endpoint {
        Some(url) => {
            let endpoint = parse_endpoint(url).ok()?;
            (endpoint.clone(), endpoint)
        }
        None => (default_endpoint(&region), default_streams_endpoint(&region)),
    };
    let credentials = Credentials {
        access_key: access_key.to_string(),
        secret_key: secret_key.to_string(),
        session_token: session_token.map(str::to_string),
    };
    Some(Envelope {
        auth: Auth::Static(credentials),
        region,
        endpoint,
        streams_endpoint,
        sts_endpoint: None,
        value_format,
        output,
        wait_timeout,
        retry: RetryPolicy::default(),
    })
}

/// getItem's fields through getItem's checks; none of the others' may be there.
fn get_item(input: &HotInput, format: ValueFormat) -> Option<GetItem> {
    let foreign = [
        input.item.is_absent(),
        input.condition_expression.is_absent(),
        input.expression_attribute_values.is_absent(),
        input.return_values.is_absent(),
        input.return_values_on_condition_check_failure.is_absent(),
    ];
    if foreign.contains(&false) {
        return None;
    }
    let options = options(input, |fields| ReadOptions::read(fields, format).ok())?;
    Some(GetItem {
        table_name: table_name(input)?,
        key: key(input, format)?,
        options,
    })
}

/// deleteItem's fields through deleteItem's checks; none of the others' may be there.
fn delete_item(input: &HotInput, format: ValueFormat) -> Option<DeleteItem> {
    let foreign = [
        input.item.is_absent(),
        input.projection_expression.is_absent(),
        input.consistent_read.is_absent(),
    ];
    if foreign.contains(&false) {
        return None;
    }
    let options = options(input, |fields| {
        read_write_options(fields, format, &["NONE", "ALL_OLD"]).ok()
    })?;
    Some(DeleteItem {
        table_name: table_name(input)?,
        key: key(input, format)?,
        options,
    })
}

/// `primaryKeyComponents`, an object, through the key check.
fn key(input: &HotInput, format: ValueFormat) -> Option<Attributes> {
    let raw_key = input.primary_key_components.value()?;
    check_key(raw_key, format, "").ok()
}

/// addItem's fields through addItem's checks; none of the others' may be there.
fn add_item(input: &mut HotInput, format: ValueFormat) -> Option<AddItem> {
    let foreign = [
        input.primary_key_components.is_absent(),
        input.projection_expression.is_absent(),
        input.consistent_read.is_absent(),
    ];
    if foreign.contains(&false) {
        return None;
    }
    let Given::Present(Some(item)) = std::mem::take(&mut input.item) else {
        return None;
    };
    let item = into_attribute_map(item, format)?;
    check_item_size(&item, "").ok()?;
    let options = options(input, |fields| {
        read_write_options(fields, format, &["NONE", "ALL_OLD"]).ok()
    })?;
    Some(AddItem {
        table_name: table_name(input)?,
        item,
        options,
    })
}

/// `tableName`: a string that passes the table name check (so it is not blank either).
fn table_name(input: &HotInput) -> Option<String> {
    let name = input.table_name.value()?;
    check_table_name(name).ok()?;
    Some(name.to_string())
}

/// The options given, read by `read` from an `input` holding only them (the option readers
/// read nothing else, and treat null as absent).
fn options<T>(input: &HotInput, read: impl FnOnce(Fields) -> Option<T>) -> Option<T> {
    let mut given = Map::new();
    let strings = [
        (field::PROJECTION_EXPRESSION, &input.projection_expression),
        (field::CONDITION_EXPRESSION, &input.condition_expression),
        (field::RETURN_VALUES, &input.return_values),
        (
            field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
            &input.return_values_on_condition_check_failure,
        ),
        (
            field::RETURN_CONSUMED_CAPACITY,
            &input.return_consumed_capacity,
        ),
    ];
    for (key, value) in strings {
        if let Some(value) = value.value() {
            given.insert(key.into(), Value::from(*value));
        }
    }
    let maps = [
        (
            field::EXPRESSION_ATTRIBUTE_NAMES,
            &input.expression_attribute_names,
        ),
        (
            field::EXPRESSION_ATTRIBUTE_VALUES,
            &input.expression_attribute_values,
        ),
    ];
    for (key, value) in maps {
        if let Some(value) = value.value() {
            given.insert(key.into(), Value::Object(value.clone()));
        }
    }
    if let Some(consistent) = input.consistent_read.value() {
        given.insert(field::CONSISTENT_READ.into(), Value::Bool(*consistent));
    }
    read(Fields::new(&given, field::INPUT))
}

#[cfg(test)]
#[path = "fast_request_tests.rs"]
mod tests;
