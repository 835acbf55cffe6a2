//! Reading AWS's XML answers (STS results, XML error bodies) with `roxmltree`: a checked
//! parser, so a hostile or damaged body is an error, never a wrong value.

use roxmltree::{Document, Node, ParsingOptions};

/// Bound on the elements of one answer: STS's largest is a few dozen.
const NODES_LIMIT: u32 = 10_000;

/// Parses `text` as an XML document; `None` when it is not one. DTDs (and so entity
/// expansion) are refused.
pub fn parse(text: &str) -> Option<Document<'_>> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).ok()
}

/// The child element of `node` with the local name `name` (namespaces ignored).
pub fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// The text of the element at `path` below `node`, trimmed; `None` when an element is missing.
pub fn text_at(node: Node, path: &[&str]) -> Option<String> {
    let mut at = node;
    for name in path {
        at = child(at, name)?;
    }
    Some(at.text().unwrap_or_default().trim().to_string())
}

/// AWS's XML error: the first `<Error>` element with a `<Code>`, wherever the protocol puts it
/// (`ErrorResponse/Error` for query services, `Response/Errors/Error` for EC2-style ones, the
/// root for S3-style ones): its code and message.
pub fn error_code_and_message(text: &str) -> Option<(String, String)> {
    let doc = parse(text)?;
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("Error") && child(*n, "Code").is_some())?;
    let code = text_at(error, &["Code"]).filter(|c| !c.is_empty())?;
    let message = text_at(error, &["Message"]).unwrap_or_default();
    Some((code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_error_bodies_give_their_code_and_message() {
        let cases = [
            (
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &amp; never</Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
                Some(("AccessDenied", "not & never")),
            ),
            (
                "<?xml version=\"1.0\"?>\n<Error>\n <Code>SlowDown</Code>\n</Error>",
                Some(("SlowDown", "")),
            ),
            (
                "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>m</Message></Error></Errors></ErrorResponse>",
                Some(("AccessDenied", "m")),
            ),
            // A code in the wrong place, an empty code, text that is not XML, a DTD.
            ("<Other><Code>X</Code></Other>", None),
            ("<Error><Code> </Code></Error>", None),
            ("<html>Service Unavailable", None),
            (
                "<!DOCTYPE e [<!ENTITY a \"aaaa\">]><Error><Code>&a;</Code></Error>",
                None,
            ),
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
    fn paths_are_followed_by_local_name() {
        let doc = parse(r#"<a xmlns="urn:x"><b><c> v </c></b></a>"#).unwrap();
        assert_eq!(
            text_at(doc.root_element(), &["b", "c"]).as_deref(),
            Some("v")
        );
        assert_eq!(text_at(doc.root_element(), &["b", "d"]), None);
    }
}
