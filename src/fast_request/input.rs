//! The `input` of the operations this path reads, as one struct of every field they take; each
//! operation takes a request only when every field it gives is one of that operation's
//! [`ReadOperation::FIELDS`], the list the checking reader refuses any other field by.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::input::Fields;
use crate::input::checks::{check_key_names, check_key_values, check_table_name};
use crate::input::field;
use crate::ops::ReadOperation;
use crate::value::{ValueFormat, into_attribute_map};

pub(super) type Attributes = Map<String, Value>;

/// A field as the request gives it: absent, or present, `null` included (the checking reader
/// rejects a field an operation does not take even when it is null).
#[derive(Default)]
pub(super) enum Given<T> {
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
    pub(super) fn is_absent(&self) -> bool {
        matches!(self, Given::Absent)
    }

    pub(super) fn value(&self) -> Option<&T> {
        match self {
            Given::Present(Some(value)) => Some(value),
            _ => None,
        }
    }
}

/// The `input` of the operations this path reads: the common fields it takes, and the
/// operations' own. Read as a [`StrictInput`](super::strict::StrictInput), so refusing an
/// unknown member costs little.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct HotInput<'a> {
    pub operation_group: &'a str,
    pub item_operation: &'a str,
    #[serde(default, borrow)]
    pub value_format: Given<&'a str>,
    #[serde(default, borrow)]
    pub output_format: Given<&'a str>,
    #[serde(default, borrow)]
    pub table_name: Given<&'a str>,
    #[serde(default)]
    pub primary_key_components: Given<Attributes>,
    #[serde(default)]
    pub item: Given<Attributes>,
    #[serde(default, borrow)]
    pub projection_expression: Given<&'a str>,
    #[serde(default)]
    pub consistent_read: Given<bool>,
    #[serde(default, borrow)]
    pub condition_expression: Given<&'a str>,
    #[serde(default)]
    pub expression_attribute_names: Given<Attributes>,
    #[serde(default)]
    pub expression_attribute_values: Given<Attributes>,
    #[serde(default, borrow)]
    pub return_values: Given<&'a str>,
    #[serde(default, borrow)]
    pub return_values_on_condition_check_failure: Given<&'a str>,
    #[serde(default, borrow)]
    pub return_consumed_capacity: Given<&'a str>,
    #[serde(default, borrow)]
    pub update_expression: Given<&'a str>,
    #[serde(default)]
    pub key_attributes: Given<Attributes>,
    #[serde(default, borrow)]
    pub attribute_action: Given<&'a str>,
    #[serde(default)]
    pub request_items: Given<Attributes>,
    #[serde(default, borrow)]
    pub index_name: Given<&'a str>,
    #[serde(default, borrow)]
    pub key_condition_expression: Given<&'a str>,
    #[serde(default, borrow)]
    pub filter_expression: Given<&'a str>,
    #[serde(default)]
    pub scan_index_forward: Given<bool>,
    #[serde(default, borrow)]
    pub select: Given<&'a str>,
    #[serde(default)]
    pub limit: Given<u64>,
    #[serde(default)]
    pub exclusive_start_key: Given<Attributes>,
    #[serde(default)]
    pub max_items: Given<u64>,
    #[serde(default)]
    pub max_pages: Given<u64>,
    #[serde(default)]
    pub max_result_bytes: Given<u64>,
}

/// The operations' own fields [`HotInput`] reads; a field's bit in a mask is its index here.
const OWN_FIELDS: [&str; 25] = [
    field::TABLE_NAME,
    field::PRIMARY_KEY_COMPONENTS,
    field::ITEM,
    field::PROJECTION_EXPRESSION,
    field::CONSISTENT_READ,
    field::CONDITION_EXPRESSION,
    field::EXPRESSION_ATTRIBUTE_NAMES,
    field::EXPRESSION_ATTRIBUTE_VALUES,
    field::RETURN_VALUES,
    field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
    field::RETURN_CONSUMED_CAPACITY,
    field::UPDATE_EXPRESSION,
    field::KEY_ATTRIBUTES,
    field::ATTRIBUTE_ACTION,
    field::REQUEST_ITEMS,
    field::INDEX_NAME,
    field::KEY_CONDITION_EXPRESSION,
    field::FILTER_EXPRESSION,
    field::SCAN_INDEX_FORWARD,
    field::SELECT,
    field::LIMIT,
    field::EXCLUSIVE_START_KEY,
    field::MAX_ITEMS,
    field::MAX_PAGES,
    field::MAX_RESULT_BYTES,
];

/// The mask of the [`OWN_FIELDS`] among `fields`, found when compiling.
const fn mask_of(fields: &[&[&str]]) -> u32 {
    let mut mask = 0;
    let mut bit = 0;
    while bit < OWN_FIELDS.len() {
        let mut group = 0;
        while group < fields.len() {
            let mut i = 0;
            while i < fields[group].len() {
                if same(fields[group][i], OWN_FIELDS[bit]) {
                    mask |= 1 << bit;
                }
                i += 1;
            }
            group += 1;
        }
        bit += 1;
    }
    mask
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The fields `Op` reads, as a mask of [`OWN_FIELDS`].
struct Takes<Op>(std::marker::PhantomData<Op>);

impl<Op: ReadOperation> Takes<Op> {
    const MASK: u32 = mask_of(Op::FIELDS);
}

/// A raw primary key through the key checks, converted by moving it (the checking reader's
/// `check_key` converts a copy).
pub(super) fn moved_key(raw: Attributes, format: ValueFormat) -> Option<Attributes> {
    check_key_names(&raw, "").ok()?;
    let key = into_attribute_map(raw, format)?;
    check_key_values(&key, "").ok()?;
    Some(key)
}

impl HotInput<'_> {
    /// Whether each of [`OWN_FIELDS`] is absent, in its order.
    fn absent(&self) -> [bool; OWN_FIELDS.len()] {
        [
            self.table_name.is_absent(),
            self.primary_key_components.is_absent(),
            self.item.is_absent(),
            self.projection_expression.is_absent(),
            self.consistent_read.is_absent(),
            self.condition_expression.is_absent(),
            self.expression_attribute_names.is_absent(),
            self.expression_attribute_values.is_absent(),
            self.return_values.is_absent(),
            self.return_values_on_condition_check_failure.is_absent(),
            self.return_consumed_capacity.is_absent(),
            self.update_expression.is_absent(),
            self.key_attributes.is_absent(),
            self.attribute_action.is_absent(),
            self.request_items.is_absent(),
            self.index_name.is_absent(),
            self.key_condition_expression.is_absent(),
            self.filter_expression.is_absent(),
            self.scan_index_forward.is_absent(),
            self.select.is_absent(),
            self.limit.is_absent(),
            self.exclusive_start_key.is_absent(),
            self.max_items.is_absent(),
            self.max_pages.is_absent(),
            self.max_result_bytes.is_absent(),
        ]
    }

    /// The mask of the [`OWN_FIELDS`] the request gives (`null` included).
    fn given(&self) -> u32 {
        let absent = self.absent();
        (0..absent.len()).fold(0, |mask, bit| mask | (u32::from(!absent[bit]) << bit))
    }

    /// Whether every field the request gives is one `Op` reads.
    pub(super) fn takes_only<Op: ReadOperation>(&self) -> bool {
        self.given() & !Takes::<Op>::MASK == 0
    }

    /// `tableName`: a string that passes the table name check (so it is not blank either).
    pub(super) fn table_name(&self) -> Option<String> {
        let name = self.table_name.value()?;
        check_table_name(name).ok()?;
        Some(name.to_string())
    }

    /// `primaryKeyComponents`, an object, moved out of the request through [`moved_key`].
    pub(super) fn key(&mut self, format: ValueFormat) -> Option<Attributes> {
        let Given::Present(Some(raw)) = std::mem::take(&mut self.primary_key_components) else {
            return None;
        };
        moved_key(raw, format)
    }

    /// The options given, read by `read` from an `input` holding only them (the option readers
    /// read nothing else, and treat null as absent); the placeholder maps are moved into it.
    pub(super) fn options<T>(&mut self, read: impl FnOnce(Fields) -> Option<T>) -> Option<T> {
        let mut given = Map::new();
        let strings = [
            (field::PROJECTION_EXPRESSION, &self.projection_expression),
            (field::CONDITION_EXPRESSION, &self.condition_expression),
            (field::RETURN_VALUES, &self.return_values),
            (
                field::RETURN_VALUES_ON_CONDITION_CHECK_FAILURE,
                &self.return_values_on_condition_check_failure,
            ),
            (
                field::RETURN_CONSUMED_CAPACITY,
                &self.return_consumed_capacity,
            ),
            (field::FILTER_EXPRESSION, &self.filter_expression),
            (field::SELECT, &self.select),
        ];
        for (key, value) in strings {
            if let Some(value) = value.value() {
                given.insert(key.into(), Value::from(*value));
            }
        }
        let maps = [
            (
                field::EXPRESSION_ATTRIBUTE_NAMES,
                &mut self.expression_attribute_names,
            ),
            (
                field::EXPRESSION_ATTRIBUTE_VALUES,
                &mut self.expression_attribute_values,
            ),
        ];
        for (key, value) in maps {
            if let Given::Present(Some(value)) = std::mem::take(value) {
                given.insert(key.into(), Value::Object(value));
            }
        }
        if let Some(consistent) = self.consistent_read.value() {
            given.insert(field::CONSISTENT_READ.into(), Value::Bool(*consistent));
        }
        read(Fields::new(&given, field::INPUT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::operations::{
        add_item::AddItem, get_item::GetItem, query::Query, update_item::UpdateItem,
    };

    /// Each field given alone sets its own bit: `absent` lists the fields in `OWN_FIELDS`' order.
    #[test]
    fn each_field_given_alone_sets_its_own_bit() {
        for (bit, name) in OWN_FIELDS.iter().enumerate() {
            let text = format!(
                r#"{{"operationGroup": "item", "itemOperation": "getItem", "{name}": null}}"#
            );
            let input: HotInput = serde_json::from_str(&text).unwrap();
            assert_eq!(input.given(), 1 << bit, "{name}");
        }
    }

    #[test]
    fn a_member_it_does_not_read_refuses_the_input() {
        use super::super::strict::StrictInput;
        let read = |text: &str| serde_json::from_str::<StrictInput>(text).is_ok();
        let get = r#""operationGroup": "item", "itemOperation": "getItem", "tableName": "t""#;
        assert!(read(&format!("{{{get}}}")));
        assert!(read(&format!(
            r#"{{{get}, "valueFormat": null, "limit": null}}"#
        )));
        assert!(!read(&format!(r#"{{{get}, "zzz": null}}"#)));
        assert!(!read(&format!(r#"{{"zzz": {{"a": [1]}}, {get}}}"#)));
        assert!(!read(&format!(r#"{{{get}, "tableName": "u"}}"#)));
        let mut every = String::from(r#"{"operationGroup": "item", "itemOperation": "getItem""#);
        for name in OWN_FIELDS.iter().chain(&["valueFormat", "outputFormat"]) {
            every.push_str(&format!(r#", "{name}": null"#));
        }
        assert!(read(&format!("{every}}}")), "{every}");
        assert!(!read(r#"{"operationGroup": "item"}"#));
    }

    #[test]
    fn an_operations_mask_is_the_fields_it_reads() {
        let get = Takes::<GetItem>::MASK;
        assert_eq!(get.count_ones(), 6);
        assert_eq!(Takes::<AddItem>::MASK.count_ones(), 8);
        assert_eq!(Takes::<UpdateItem>::MASK.count_ones(), 11);
        // Every field query reads is one of OWN_FIELDS.
        let query_fields = Query::FIELDS
            .iter()
            .map(|fields| fields.len())
            .sum::<usize>();
        assert_eq!(Takes::<Query>::MASK.count_ones() as usize, query_fields);
        for (bit, name) in OWN_FIELDS.iter().enumerate() {
            let reads = GetItem::FIELDS.iter().any(|fields| fields.contains(name));
            assert_eq!(get & (1 << bit) != 0, reads, "{name}");
        }
    }
}
