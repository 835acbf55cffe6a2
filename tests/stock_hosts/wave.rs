//! A reader of the WAVE text `wasmtime run --invoke` prints (the WebAssembly Value Encoding),
//! for the values the connector's exports return: strings, numbers, booleans, `none` /
//! `some(…)`, `ok(…)` / `err(…)`, variant cases and records. Each becomes JSON: `some(x)` is
//! `x`, `none` is `null`, a case `name(x)` (and `ok` / `err`) is `{"name": x}`, a record an
//! object with the WIT's field names.

use serde_json::{Map, Value};

/// Reads one WAVE value; `Err` says where the text stopped making sense.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        chars: text.trim().chars().collect(),
        at: 0,
    };
    let value = reader.value()?;
    match reader.at == reader.chars.len() {
        true => Ok(value),
        false => Err(format!("trailing text at {}", reader.at)),
    }
}

struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), String> {
        self.skip_spaces();
        match self.peek() {
            Some(c) if c == wanted => {
                self.at += 1;
                Ok(())
            }
            other => Err(format!(
                "expected {wanted:?} at {}, found {other:?}",
                self.at
            )),
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_spaces();
        match self.peek() {
            Some('"') => self.string().map(Value::String),
            Some('{') => self.record(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == '%' => self.case(),
            other => Err(format!("unexpected {other:?} at {}", self.at)),
        }
    }

    fn word(&mut self) -> String {
        self.skip_spaces();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '%')
        {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn number(&mut self) -> Result<Value, String> {
        let text = self.word();
        serde_json::from_str(&text).map_err(|_| format!("bad number {text:?}"))
    }

    /// `true`, `false`, `none`, or a case with an optional payload.
    fn case(&mut self) -> Result<Value, String> {
        let name = self.word();
        match name.as_str() {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "none" => return Ok(Value::Null),
            _ => {}
        }
        self.skip_spaces();
        if self.peek() != Some('(') {
            return Ok(Value::String(name)); // an enum case or a payload-less variant case
        }
        self.expect('(')?;
        let payload = self.value()?;
        self.expect(')')?;
        Ok(match name.as_str() {
            "some" => payload,
            _ => Value::Object(Map::from_iter([(name, payload)])),
        })
    }

    fn record(&mut self) -> Result<Value, String> {
        self.expect('{')?;
        let mut fields = Map::new();
        loop {
            self.skip_spaces();
            if self.peek() == Some('}') {
                self.at += 1;
                return Ok(Value::Object(fields));
            }
            let name = self.word();
            self.expect(':')?;
            fields.insert(name.trim_start_matches('%').to_string(), self.value()?);
            self.skip_spaces();
            if self.peek() == Some(',') {
                self.at += 1;
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect('"')?;
        let mut out = String::new();
        loop {
            let c = self.peek().ok_or("unterminated string")?;
            self.at += 1;
            match c {
                '"' => return Ok(out),
                '\\' => out.push(self.escape()?),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self) -> Result<char, String> {
        let c = self.peek().ok_or("unterminated escape")?;
        self.at += 1;
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '"' | '\'' | '\\' => c,
            'u' => {
                self.expect('{')?;
                let hex = self.word();
                self.expect('}')?;
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or(format!("bad unicode escape {hex:?}"))?
            }
            other => return Err(format!("unknown escape \\{other}")),
        })
    }
}

/// A string as a WAVE string literal (for `--invoke 'execute-json("…")'`).
pub fn string_literal(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn reads_what_wasmtime_prints() {
    let text = r#"err(execution({code: "X", message: "a \"b\"\n\u{e9}", http-status: 400, request-id: some("r"), retryable: false, attempts: 1, details-json: none}))"#;
    let value = parse(text).unwrap();
    assert_eq!(value["err"]["execution"]["message"], "a \"b\"\né");
    assert_eq!(value["err"]["execution"]["http-status"], 400);
    assert_eq!(value["err"]["execution"]["request-id"], "r");
    assert_eq!(value["err"]["execution"]["details-json"], Value::Null);
    let round = string_literal("{\"a\": \"\\\\\"}\t");
    assert_eq!(
        parse(&format!("ok({round})")).unwrap()["ok"],
        "{\"a\": \"\\\\\"}\t"
    );
    assert!(parse("ok(\"unterminated").is_err());
}
