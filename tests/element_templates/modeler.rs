//! A Modeler user and Zeebe, as far as a connector's variables go: the user fills in fields of
//! an element template (the conditions decide which fields exist), Zeebe turns the task's input
//! mappings into the variables the connector receives.
//!
//! - A property's value is what the user typed into it, else its template default (`value`).
//! - A property exists while its `condition` holds (`equals`, `oneOf`, `isEmpty`, `isActive`,
//!   `allMatch`), judged on the values of the properties that exist: a hidden field's value is
//!   gone, so the conditions are applied until nothing changes.
//! - Each existing `zeebe:input` property with a value is one input mapping. Zeebe takes a
//!   static value as a string and evaluates a `=` value as FEEL (here only the literals this
//!   test writes: numbers, strings, booleans, null, lists and contexts with quoted keys, which
//!   read as JSON). A Number field is a FEEL number. A dotted target (`input.tableName`) makes
//!   nested objects, merged.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// What a user entered: per binding name, the text typed in the field bound to it (a `=` text
/// is FEEL), or for a `Configuration` field the credential it stands for.
pub type Entries<'a> = &'a [(&'a str, Value)];

/// The filled-in form: the job's variables, and the required fields left empty.
#[derive(Debug)]
pub struct Filled {
    pub variables: Value,
    pub missing_required: Vec<String>,
}

/// Fills in `template` with `entries` as a Modeler user would; panics when an entry has no
/// field to go in (its field does not exist for the choices made).
pub fn fill(template: &Value, entries: Entries) -> Filled {
    let properties = input_properties(template);
    let values: Vec<Option<Value>> = properties.iter().map(|p| value_of(p, entries)).collect();
    let active = existing(&properties, &values);
    for (binding, _) in entries {
        let used = (0..properties.len())
            .any(|i| active[i] && properties[i]["binding"]["name"] == *binding);
        assert!(used, "no field bound to {binding} exists for these choices");
    }
    let mut variables = Value::Object(Map::new());
    let mut missing_required = Vec::new();
    for (i, property) in properties.iter().enumerate() {
        if !active[i] {
            continue;
        }
        let name = property["binding"]["name"].as_str().unwrap();
        if let (Some(choices), Some(value)) = (property["choices"].as_array(), &values[i]) {
            let offered = choices.iter().any(|c| c["value"] == *value);
            assert!(offered, "{value} is not a choice of {name}");
        }
        match &values[i] {
            Some(value) => set_path(&mut variables, name, zeebe_value(property, value)),
            None if property["constraints"]["notEmpty"] == true => {
                missing_required.push(property["id"].as_str().unwrap_or(name).to_string())
            }
            None => {}
        }
    }
    Filled {
        variables,
        missing_required,
    }
}

/// The bindings of the `zeebe:input` fields that exist once `entries` are made.
pub fn existing_bindings(template: &Value, entries: Entries) -> Vec<String> {
    let properties = input_properties(template);
    let values: Vec<Option<Value>> = properties.iter().map(|p| value_of(p, entries)).collect();
    let active = existing(&properties, &values);
    let mut bindings: Vec<String> = (0..properties.len())
        .filter(|&i| active[i])
        .map(|i| {
            properties[i]["binding"]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    bindings.sort();
    bindings.dedup();
    bindings
}

fn input_properties(template: &Value) -> Vec<&Value> {
    template["properties"]
        .as_array()
        .expect("a template has properties")
        .iter()
        .filter(|p| p["binding"]["type"] == "zeebe:input")
        .collect()
}

/// The user's entry for the property's binding, else its default; empty is none.
fn value_of(property: &Value, entries: Entries) -> Option<Value> {
    let binding = property["binding"]["name"].as_str()?;
    let entered = entries.iter().find(|(name, _)| *name == binding);
    // A default the template writes as a JSON boolean or number is text in the diagram.
    let default = property.get("value").map(|v| match v {
        Value::Bool(_) | Value::Number(_) => Value::String(v.to_string()),
        _ => v.clone(),
    });
    let value = entered.map(|(_, v)| v.clone()).or(default)?;
    (value != "" && !value.is_null()).then_some(value)
}

/// Which properties exist, applying the conditions until nothing changes.
fn existing(properties: &[&Value], values: &[Option<Value>]) -> Vec<bool> {
    let mut active = vec![true; properties.len()];
    for _ in 0..=properties.len() {
        let by_id: BTreeMap<&str, (bool, Option<&Value>)> = properties
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p["id"].as_str()?, (active[i], values[i].as_ref()))))
            .collect();
        let next: Vec<bool> = properties
            .iter()
            .map(|p| p.get("condition").is_none_or(|c| holds(c, &by_id)))
            .collect();
        if next == active {
            return active;
        }
        active = next;
    }
    panic!("the template's conditions do not settle")
}

fn holds(condition: &Value, by_id: &BTreeMap<&str, (bool, Option<&Value>)>) -> bool {
    if let Some(all) = condition.get("allMatch") {
        return all.as_array().unwrap().iter().all(|c| holds(c, by_id));
    }
    let id = condition["property"]
        .as_str()
        .expect("a condition names a property");
    let (exists, value) = by_id.get(id).copied().unwrap_or((false, None));
    let value = if exists { value } else { None };
    if let Some(expected) = condition.get("equals") {
        value == Some(expected)
    } else if let Some(choices) = condition.get("oneOf") {
        value.is_some_and(|v| choices.as_array().unwrap().contains(v))
    } else if let Some(empty) = condition.get("isEmpty") {
        value.is_none() == (empty == true)
    } else if let Some(should_exist) = condition.get("isActive") {
        exists == (should_exist == true)
    } else {
        panic!("a condition this test does not know: {condition}")
    }
}

/// What Zeebe makes of one input mapping's value.
fn zeebe_value(property: &Value, value: &Value) -> Value {
    match value {
        Value::String(text) => match text.strip_prefix('=') {
            Some(feel) => serde_json::from_str(feel)
                .unwrap_or_else(|e| panic!("FEEL beyond this test's literals: {feel}: {e}")),
            None if property["type"] == "Number" => {
                serde_json::from_str(text).unwrap_or_else(|_| panic!("{text:?} in a Number field"))
            }
            None => value.clone(),
        },
        // A saved credential, bound as a whole.
        _ => value.clone(),
    }
}

/// Sets `value` at the dotted `path`, making the objects on the way.
fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let object = node
            .as_object_mut()
            .expect("a binding path goes through objects");
        if parts.peek().is_none() {
            object.insert(part.to_string(), value);
            return;
        }
        node = object
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}
