//! The cap on what one request may hold, checked before anything is parsed.
//!
//! Reading a request builds a tree of JSON values, and each small value costs far more memory
//! and CPU than the bytes that wrote it (BENCHMARKS.md, "Request size"). So a request is
//! bounded twice: in bytes, and in JSON elements (values and object keys), counted by a scan
//! that allocates nothing.

use crate::error::ConnectorError;

/// The largest request accepted, in bytes of JSON: room for the largest legitimate one (a
/// batch of 25 writes of 400 KB items, base64 binary included) with its JSON overhead.
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

/// The most JSON elements (values and object keys) a request may hold.
pub const MAX_JSON_ELEMENTS: usize = 100_000;

/// Elements in `text`: every `{`, `[`, `,` and `:` outside strings, plus one. At least the
/// number of values and keys of a valid document; text that is not JSON is counted all the
/// same and refused later by the parser. Strings, most of a request's bytes, are skipped with
/// `memchr` to their next quote or backslash rather than byte by byte.
pub fn json_elements(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 1;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        at += 1;
        match byte {
            b'"' => match string_end(bytes, at) {
                Some(end) => at = end,
                // Unterminated: the parser refuses it.
                None => break,
            },
            b'{' | b'[' | b',' | b':' => count += 1,
            _ => {}
        }
    }
    count
}

/// Where the string whose content starts at `start` ends (just past its closing quote).
fn string_end(bytes: &[u8], mut start: usize) -> Option<usize> {
    loop {
        let offset = memchr::memchr2(b'"', b'\\', bytes.get(start..)?)?;
        let found = start + offset;
        if bytes[found] == b'"' {
            return Some(found + 1);
        }
        // A backslash: the next byte is escaped, whatever it is.
        start = found + 2;
    }
}

/// Checks a request's whole text, alone, before it is parsed: its elements are counted only
/// when it is long enough to hold too many, since each element past the first takes a byte of
/// its own (`{`, `[`, `,` or `:`), so a shorter text cannot exceed the budget.
pub fn check_request(text: &str, field: &str) -> Result<(), ConnectorError> {
    if text.len() < MAX_JSON_ELEMENTS {
        return Ok(());
    }
    ElementBudget::default().check(text, field)
}

/// What is left of one request's budget of JSON elements: the typed entry point reads several
/// JSON fields, and together they get one budget. One value per request, passed down.
#[derive(Debug)]
pub struct ElementBudget {
    left: usize,
}

impl Default for ElementBudget {
    fn default() -> Self {
        Self {
            left: MAX_JSON_ELEMENTS,
        }
    }
}

impl ElementBudget {
    /// Checks a JSON text's size before it is parsed, and takes its elements from the budget;
    /// `field` names it in the error.
    pub fn check(&mut self, text: &str, field: &str) -> Result<(), ConnectorError> {
        if text.len() > MAX_REQUEST_BYTES {
            return Err(ConnectorError::config(
                field,
                format!(
                    "is {} bytes, over the limit of {MAX_REQUEST_BYTES} bytes",
                    text.len()
                ),
            ));
        }
        self.spend(json_elements(text), field)
    }

    /// Takes `elements` from the budget.
    pub fn spend(&mut self, elements: usize, field: &str) -> Result<(), ConnectorError> {
        self.left = self.left.checked_sub(elements).ok_or_else(|| {
            ConnectorError::config(
                field,
                format!(
                    "holds more than {MAX_JSON_ELEMENTS} JSON elements (values and keys): split \
                     the work across requests"
                ),
            )
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_counted_outside_strings_only() {
        assert_eq!(json_elements("1"), 1);
        assert_eq!(json_elements(r#"{"a":1}"#), 3);
        assert_eq!(json_elements(r#"[1,2,3]"#), 4);
        assert_eq!(json_elements(r#"{"a,b:{[":"x\"],:"}"#), 3);
        assert_eq!(json_elements(r#"["\\",","]"#), 3);
        // Escapes at the end of the text, and unterminated strings, stop the count cleanly.
        assert_eq!(json_elements(r#"[1,"ab\"#), 3);
        assert_eq!(json_elements(r#"[1,"ab\""#), 3);
        assert_eq!(json_elements(r#"[1,"ab"#), 3);
        assert_eq!(json_elements(r#"[1,"a\\",2]"#), 4);
    }

    #[test]
    fn the_budget_is_shared_by_the_texts_of_one_request() {
        let mut budget = ElementBudget::default();
        assert!(budget.spend(MAX_JSON_ELEMENTS - 1, "a").is_ok());
        let error = budget.spend(2, "input.item").unwrap_err();
        assert!(
            matches!(&error, ConnectorError::Configuration { field: Some(f), .. } if f == "input.item")
        );
        assert!(
            ElementBudget::default()
                .spend(MAX_JSON_ELEMENTS, "a")
                .is_ok()
        );
        let big = format!("[{}1]", "1,".repeat(MAX_JSON_ELEMENTS));
        assert!(ElementBudget::default().check(&big, "request").is_err());
        assert!(ElementBudget::default().check("[1,2]", "request").is_ok());
    }

    #[test]
    fn a_request_short_enough_to_skip_the_count_cannot_exceed_the_budget() {
        // The densest text: one structural byte per element past the first (not JSON, but
        // counted all the same).
        let densest = |elements: usize| format!("[{}", ",".repeat(elements - 2));
        let longest_skipped = densest(MAX_JSON_ELEMENTS);
        assert_eq!(json_elements(&longest_skipped), MAX_JSON_ELEMENTS);
        assert_eq!(longest_skipped.len(), MAX_JSON_ELEMENTS - 1);
        assert!(check_request(&longest_skipped, "request").is_ok());
        let over = densest(MAX_JSON_ELEMENTS + 1);
        assert_eq!(over.len(), MAX_JSON_ELEMENTS);
        assert!(check_request(&over, "request").is_err());
        let over_in_bytes = " ".repeat(MAX_REQUEST_BYTES + 1);
        assert!(check_request(&over_in_bytes, "request").is_err());
    }
}
