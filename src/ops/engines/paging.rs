//! Paged reads (Scan and Query): the paging fields they share, and the loop that follows
//! pages within the caps.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::input::fields::attribute_map;
use crate::ops::{Context, set};
use crate::value::{self, ValueFormat};
use crate::wire::body_bytes;

/// Checked paging of a Scan or Query.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Paging {
    /// Items per page (DynamoDB's `Limit`).
    pub limit: Option<u64>,
    /// Where to resume.
    pub exclusive_start_key: Option<Map<String, Value>>,
    /// Stop after this many items.
    pub max_items: Option<u64>,
    /// Stop after this many pages.
    pub max_pages: Option<u64>,
    /// Stop once the items held reach this many bytes (of DynamoDB's JSON).
    pub max_bytes: u64,
}

/// Default bound on the bytes of items (their parsed size, `value::held_size`) one Scan or
/// Query holds before it stops and returns `lastEvaluatedKey`.
pub(crate) const DEFAULT_MAX_RESULT_BYTES: u64 = 8 << 20;
/// The largest bound a request may set: with the page being read and the result being written
/// beside it, more would not fit the host's default 64 MiB of linear memory.
pub(crate) const MAX_RESULT_BYTES: u64 = 16 << 20;

/// Paging fields of scanTable and query (see [`Paging`]).
pub(crate) const PAGING_FIELDS: &[&str] = &[
    field::LIMIT,
    field::EXCLUSIVE_START_KEY,
    field::MAX_ITEMS,
    field::MAX_PAGES,
    field::MAX_RESULT_BYTES,
];

/// Paging fields. `exclusiveStartKey` is always DynamoDB-typed: it is what a previous result's
/// `lastEvaluatedKey` (always typed) said, passed back unchanged.
pub(crate) fn read_paging(input: Fields) -> Result<Paging, ConnectorError> {
    let exclusive_start_key = match input.map(field::EXCLUSIVE_START_KEY)? {
        Some(raw) if raw.is_empty() => None,
        Some(raw) => Some(attribute_map(
            &raw,
            ValueFormat::Typed,
            &input.field(field::EXCLUSIVE_START_KEY),
        )?),
        None => None,
    };
    Ok(Paging {
        limit: input.u64_in(field::LIMIT, 1..=1_000_000)?,
        exclusive_start_key,
        max_items: input.u64_in(field::MAX_ITEMS, 1..=u64::from(u32::MAX))?,
        max_pages: input.u64_in(field::MAX_PAGES, 1..=u64::from(u32::MAX))?,
        max_bytes: input
            .u64_in(field::MAX_RESULT_BYTES, 1024..=MAX_RESULT_BYTES)?
            .unwrap_or(DEFAULT_MAX_RESULT_BYTES),
    })
}

/// What a paged Scan or Query collected: its items, each as `T` (a tree, or its text).
pub(crate) struct Pages<T = Value> {
    /// The items of every page.
    pub items: Vec<T>,
    count: u64,
    scanned_count: u64,
    pages: u64,
    last_evaluated_key: Option<Value>,
}

impl<T> Pages<T> {
    /// `count`, `scannedCount`, `pages`, `lastEvaluatedKey`, `hasMore`.
    pub fn summary(&self) -> Value {
        json!({
            "count": self.count,
            "scannedCount": self.scanned_count,
            "pages": self.pages,
            "lastEvaluatedKey": self.last_evaluated_key,
            "hasMore": self.last_evaluated_key.is_some(),
        })
    }
}

/// Appends the items' texts to `text` as a JSON array, its room reserved at its exact length:
/// `join` copied into a text grown by doubling held the joined items beside a buffer of twice
/// their size, and left holes that the result's text could not reuse.
pub(crate) fn push_items(text: &mut String, items: &[String]) {
    text.reserve_exact(items_length(items));
    text.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(item);
    }
    text.push(']');
}

/// The length of the items' JSON array: their texts, the commas between, the brackets.
pub(crate) fn items_length(items: &[String]) -> usize {
    items.iter().map(String::len).sum::<usize>() + items.len().max(1) + 1
}

/// One page's answer as the loop reads it: `Count`, `ScannedCount` (0 when not a whole
/// number), the bytes its items hold as trees, `LastEvaluatedKey` (null when none), the items.
pub(crate) struct Page<T> {
    pub count: u64,
    pub scanned_count: u64,
    pub held_bytes: u64,
    pub last_evaluated_key: Value,
    pub items: Vec<T>,
}

impl Page<Value> {
    /// The page of an answer read as a tree.
    pub fn of_tree(mut page: Value) -> Self {
        let items = match page["Items"].take() {
            Value::Array(found) => found,
            _ => Vec::new(),
        };
        Page {
            count: page["Count"].as_u64().unwrap_or(0),
            scanned_count: page["ScannedCount"].as_u64().unwrap_or(0),
            held_bytes: items.iter().map(|item| value::held_size(item) as u64).sum(),
            last_evaluated_key: page["LastEvaluatedKey"].take(),
            items,
        }
    }
}

/// The body of one page of a Scan or Query: the call's own members, with `Limit` and
/// `ExclusiveStartKey` as that page asks.
pub(crate) trait PageBody {
    /// The page's body as JSON bytes.
    fn page_body(
        &self,
        limit: Option<u64>,
        start_key: Option<&Map<String, Value>>,
    ) -> Result<Vec<u8>, ConnectorError>;
}

/// A body held as a tree (scanTable's): each page's is a copy with its paging members set.
impl PageBody for Value {
    fn page_body(
        &self,
        limit: Option<u64>,
        start_key: Option<&Map<String, Value>>,
    ) -> Result<Vec<u8>, ConnectorError> {
        let mut body = self.clone();
        set(&mut body, "Limit", &limit);
        set(&mut body, "ExclusiveStartKey", &start_key);
        body_bytes(&body)
    }
}

/// Calls `operation` with `body` and reads the page as a tree (the way the tests compare
/// the operations' own readers against).
#[cfg(test)]
fn tree_page(
    context: &mut Context<'_>,
    operation: &str,
    body: Vec<u8>,
) -> Result<Page<Value>, ConnectorError> {
    Ok(Page::of_tree(context.call_bytes(operation, body)?))
}

/// [`collect_pages_with`], each page read as a tree.
#[cfg(test)]
pub(crate) fn collect_pages(
    context: &mut Context<'_>,
    operation: &str,
    base: &impl PageBody,
    paging: &Paging,
) -> Result<Pages, ConnectorError> {
    collect_pages_with(context, operation, base, paging, tree_page)
}

/// Follows pages from `paging.exclusive_start_key` until DynamoDB has no more, or a cap
/// (`maxItems`, `maxPages`, `maxResultBytes`) is reached; then `last_evaluated_key` says where
/// to resume. `Limit` never asks for more than `maxItems` still allows, so resuming sees every
/// item exactly once.
pub(crate) fn collect_pages_with<T>(
    context: &mut Context<'_>,
    operation: &str,
    base: &impl PageBody,
    paging: &Paging,
    call: impl Fn(&mut Context<'_>, &str, Vec<u8>) -> Result<Page<T>, ConnectorError>,
) -> Result<Pages<T>, ConnectorError> {
    let mut pages = Pages {
        items: Vec::new(),
        count: 0,
        scanned_count: 0,
        pages: 0,
        last_evaluated_key: None,
    };
    // The request's start key is only read, so it is lent, not copied.
    let mut start_key = paging.exclusive_start_key.as_ref().map(Cow::Borrowed);
    let mut held_bytes: u64 = 0;
    loop {
        let remaining = paging.max_items.map(|max| max - pages.count);
        let limit = match (paging.limit, remaining) {
            (Some(limit), Some(remaining)) => Some(limit.min(remaining)),
            (limit, remaining) => limit.or(remaining),
        };
        let body = base.page_body(limit, start_key.as_deref())?;
        let page = call(context, operation, body)?;
        pages.pages += 1;
        pages.count += page.count;
        pages.scanned_count += page.scanned_count;
        held_bytes += page.held_bytes;
        pages.items.extend(page.items);
        start_key = match page.last_evaluated_key {
            Value::Object(key) if !key.is_empty() => Some(Cow::Owned(key)),
            _ => None,
        };
        let capped = paging.max_items.is_some_and(|max| pages.count >= max)
            || paging.max_pages.is_some_and(|max| pages.pages >= max)
            || held_bytes >= paging.max_bytes;
        if start_key.is_none() || capped {
            pages.last_evaluated_key = start_key.map(|key| Value::Object(key.into_owned()));
            return Ok(pages);
        }
    }
}
