#[test]
fn held_size_counts_the_parsed_form_not_the_wire_size() {
    let small: Value = serde_json::from_str(
        r#"{"id": {"N": "42"}, "payload": {"S": "0000000000000000000000000000000000000000000000000000000000000000000000000042"}}"#,
    )
    .unwrap();
    let wire = small.to_string().len();
    assert!(
        held_size(&small) > 5 * wire,
        "{} vs {wire}",
        held_size(&small)
    );
    let page = Value::Array(vec![small.clone(); 10]);
    assert!(held_size(&page) >= 10 * held_size(&small));
}

use super::*;
use serde_json::json;

fn plain(v: Value) -> Value {
    from_plain(&v, "v", 1).unwrap()
}

#[test]
fn plain_values_map_to_their_dynamodb_types() {
    let cases = [
        (json!("x"), json!({"S": "x"})),
        (json!(3), json!({"N": "3"})),
        (json!(-0.5), json!({"N": "-0.5"})),
        (json!(true), json!({"BOOL": true})),
        (json!(null), json!({"NULL": true})),
        (json!([1, "a"]), json!({"L": [{"N": "1"}, {"S": "a"}]})),
        (
            json!({"k": {"n": 1}}),
            json!({"M": {"k": {"M": {"n": {"N": "1"}}}}}),
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(plain(input.clone()), expected, "input {input}");
        assert_eq!(to_plain(&expected), input, "back from {expected}");
    }
}

#[test]
fn thirty_eight_digit_numbers_keep_every_digit_both_ways() {
    let text = r#"{"n": 12345678901234567890123456789012345678, "f": 0.12345678901234567890123456789012345678}"#;
    let map: Map<String, Value> = serde_json::from_str(text).unwrap();
    let typed = to_attribute_map(&map, ValueFormat::Plain, "item").unwrap();
    assert_eq!(
        typed["n"],
        json!({"N": "12345678901234567890123456789012345678"})
    );
    assert_eq!(
        typed["f"],
        json!({"N": "0.12345678901234567890123456789012345678"})
    );
    let back = serde_json::to_string(&Value::Object(plain_map(&typed))).unwrap();
    assert!(
        back.contains("12345678901234567890123456789012345678,"),
        "{back}"
    );
    assert!(
        back.contains("0.12345678901234567890123456789012345678"),
        "{back}"
    );
}

#[test]
fn numbers_are_checked_against_dynamodb_rules() {
    for ok in [
        "0",
        "-0",
        "1E+125",
        "9.9999999999999999999999999999999999999E+125",
        "1E-130",
        "100000000000000000000000000000000000000000",
        "0.000",
    ] {
        assert!(check_number(ok, "n").is_ok(), "{ok}");
    }
    for bad in [
        "",
        "abc",
        "1.2.3",
        "1E+126",
        "1E-131",
        "123456789012345678901234567890123456789",
        "--1",
        "1e",
        "0x10",
        "NaN",
    ] {
        assert!(check_number(bad, "n").is_err(), "{bad}");
    }
}

#[test]
fn typed_values_keep_binary_and_sets() {
    let input = json!({
        "b": {"B": "AAEC/w=="},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", 2, "12345678901234567890123456789012345678"]},
        "bs": {"BS": ["AA==", "AQ=="]},
        "l": {"L": [{"NULL": true}, {"BOOL": false}]},
    });
    let typed = to_attribute_map(input.as_object().unwrap(), ValueFormat::Typed, "item").unwrap();
    assert_eq!(
        typed["ns"],
        json!({"NS": ["1", "2", "12345678901234567890123456789012345678"]})
    );
    assert_eq!(typed["b"], json!({"B": "AAEC/w=="}));
    let plain = plain_map(&typed);
    assert_eq!(plain["ss"], json!(["a", "b"]));
    assert_eq!(plain["b"], json!("AAEC/w=="));
    assert_eq!(plain["l"], json!([null, false]));
}

#[test]
fn typed_errors_name_the_path() {
    let cases = [
        (json!({"x": {"SS": []}}), "item.x", "empty sets"),
        (json!({"x": {"B": "not base64!"}}), "item.x", "base64"),
        (json!({"x": {"S": "a", "N": "1"}}), "item.x", "exactly one"),
        (json!({"x": {"Q": "a"}}), "item.x", "unknown type"),
        (
            json!({"x": {"L": [{"NS": ["1", "1"]}]}}),
            "item.x[0][1]",
            "duplicates",
        ),
        (json!({"x": "bare"}), "item.x", "one type key"),
    ];
    for (input, path, message) in cases {
        let err =
            to_attribute_map(input.as_object().unwrap(), ValueFormat::Typed, "item").unwrap_err();
        assert_eq!(err.path, path, "{input}");
        assert!(err.message.contains(message), "{input}: {}", err.message);
    }
}

#[test]
fn nesting_is_limited_to_32_levels() {
    let mut deep = json!(1);
    for _ in 0..32 {
        deep = json!([deep]);
    }
    assert!(from_plain(&deep, "v", 1).is_ok());
    let too_deep = json!([deep]);
    let err = from_plain(&too_deep, "v", 1).unwrap_err();
    assert!(err.message.contains("32 levels"), "{}", err.message);
}
