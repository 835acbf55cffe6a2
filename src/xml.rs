//! Reading AWS's XML answers (STS results, XML error bodies) with `quick-xml`'s pull reader:
//! a checked parser (mismatched tags are errors; a DTD or an entity other than XML's five is
//! refused, never expanded), so a hostile or damaged body is an error, never a wrong value.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Bound on the depth of elements: AWS's answers are a few levels deep.
const MAX_DEPTH: usize = 32;

/// What one path has found: the first element whose path ends with it, while it is open.
#[derive(Clone, Default)]
struct Slot {
    text: Option<String>,
    /// The depth of that element while it is open.
    open_at: Option<usize>,
}

/// The walk through one document: where it is, and what each path has found.
struct Walk<'s> {
    suffixes: &'s [&'s [&'s str]],
    path: Vec<String>,
    slots: Vec<Slot>,
    root_seen: bool,
}

impl Walk<'_> {
    /// An element starts (`open`) or is empty; `None` past the depth bound or at a second root.
    fn element(&mut self, name: &[u8], open: bool) -> Option<()> {
        let second_root = self.path.is_empty() && std::mem::replace(&mut self.root_seen, true);
        if second_root || self.path.len() == MAX_DEPTH {
            return None;
        }
        self.path.push(std::str::from_utf8(name).ok()?.to_string());
        for (slot, suffix) in self.slots.iter_mut().zip(self.suffixes) {
            if slot.text.is_none() && ends_with(&self.path, suffix) {
                slot.text = Some(String::new());
                slot.open_at = open.then_some(self.path.len());
            }
        }
        if !open {
            self.path.pop();
        }
        Some(())
    }

    fn end(&mut self) -> Option<()> {
        for slot in &mut self.slots {
            if slot.open_at == Some(self.path.len()) {
                slot.open_at = None;
            }
        }
        self.path.pop().map(drop)
    }

    /// Appends `text` to each slot whose element directly holds it.
    fn text(&mut self, text: &str) {
        for slot in &mut self.slots {
            if slot.open_at == Some(self.path.len())
                && let Some(found) = &mut slot.text
            {
                found.push_str(text);
            }
        }
    }
}

/// For each path of `suffixes` (local names, innermost last, namespaces ignored), the text of
/// the first element whose path from the root ends with it; `None` when `text` is not one
/// well-formed XML document.
pub fn texts(text: &str, suffixes: &[&[&str]]) -> Option<Vec<Option<String>>> {
    let mut reader = Reader::from_str(text);
    let mut walk = Walk {
        suffixes,
        path: Vec::new(),
        slots: vec![Slot::default(); suffixes.len()],
        root_seen: false,
    };
    loop {
        match reader.read_event().ok()? {
            Event::Start(element) => walk.element(element.local_name().into_inner(), true)?,
            Event::Empty(element) => walk.element(element.local_name().into_inner(), false)?,
            Event::End(_) => walk.end()?,
            Event::Text(t) => walk.text(&t.decode().ok()?),
            Event::CData(t) => walk.text(&t.decode().ok()?),
            Event::GeneralRef(reference) => {
                let mut buffer = [0u8; 4];
                let resolved = match reference.resolve_char_ref().ok()? {
                    Some(c) => c.encode_utf8(&mut buffer),
                    None => resolve_predefined_entity(&reference.decode().ok()?)?,
                };
                walk.text(resolved);
            }
            Event::DocType(_) => return None,
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    (walk.root_seen && walk.path.is_empty()).then(|| {
        walk.slots
            .into_iter()
            .map(|slot| slot.text.map(|t| t.trim().to_string()))
            .collect()
    })
}

/// Whether `path` ends with the local names of `suffix`.
fn ends_with(path: &[String], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && path[path.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a == b)
}

/// AWS's XML error: the code and message of its `<Error>` element, wherever the protocol puts
/// it (`ErrorResponse/Error` for query services, `…/Errors/Error` for EC2-style ones, the root
/// for S3-style ones).
pub fn error_code_and_message(text: &str) -> Option<(String, String)> {
    let mut found = texts(text, &[&["Error", "Code"], &["Error", "Message"]])?.into_iter();
    let code = found.next()?.filter(|c| !c.is_empty())?;
    let message = found.next()?.unwrap_or_default();
    Some((code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_error_bodies_give_their_code_and_message() {
        let cases = [
            (
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &amp; &#x263A; <![CDATA[<never>]]></Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
                Some(("AccessDenied", "not & ☺ <never>")),
            ),
            (
                "<?xml version=\"1.0\"?>\n<Error>\n <Code>SlowDown</Code>\n</Error>",
                Some(("SlowDown", "")),
            ),
            (
                "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>m</Message></Error></Errors></ErrorResponse>",
                Some(("AccessDenied", "m")),
            ),
            // The first error counts; a second does not add to it.
            (
                "<R><Error><Code>A</Code></Error><Error><Code>B</Code></Error></R>",
                Some(("A", "")),
            ),
            // A code in the wrong place, an empty code, text that is not XML, a DTD, an unknown
            // entity, mismatched or unclosed tags, two roots.
            ("<Other><Code>X</Code></Other>", None),
            ("<Error><Code> </Code></Error>", None),
            ("<html>Service Unavailable", None),
            (
                "<!DOCTYPE e [<!ENTITY a \"aaaa\">]><Error><Code>&a;</Code></Error>",
                None,
            ),
            ("<Error><Code>&a;</Code></Error>", None),
            ("<Error><Code>X</Message></Error>", None),
            ("<Error><Code>X</Code>", None),
            ("<Error><Code>X</Code></Error><Error/>", None),
        ];
        for (body, expected) in cases {
            let got = error_code_and_message(body);
            assert_eq!(
                got.as_ref().map(|(c, m)| (c.as_str(), m.as_str())),
                expected,
                "{body}"
            );
        }
    }

    #[test]
    fn paths_match_by_local_name_and_suffix() {
        let doc = r#"<a:x xmlns:a="urn:x"><a:b><c> v </c><d/></a:b></a:x>"#;
        assert_eq!(
            texts(doc, &[&["b", "c"], &["b", "d"], &["x", "c"], &["c"]]),
            Some(vec![
                Some("v".into()),
                Some(String::new()),
                None,
                Some("v".into())
            ])
        );
        let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        assert_eq!(texts(&deep, &[&["a"]]), None);
    }
}
