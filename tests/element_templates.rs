//! The element templates, filled in as a Modeler user would and run on moto (signatures
//! verified) through our host, the variables built as Zeebe builds them
//! (`element_templates/modeler.rs`):
//! - every version of Camunda's own DynamoDB template (npm `@camunda/connectors-element-templates`,
//!   pinned in tools/element-templates): its eight operations with inline authentication, and in
//!   versions 10 to 12 with a saved `awsCredential` (template 12: with and without its region
//!   override);
//! - ours (`element-templates/dynamodb-connector.json`): every operation of the registry with
//!   every field the connector takes, and Camunda's properties kept as Camunda's latest template
//!   has them, so a process can switch templates without losing values.
//!
//! Needs what scripts/test.sh installs and starts.

mod common;
#[path = "element_templates/forms.rs"]
mod forms;
#[path = "element_templates/modeler.rs"]
mod modeler;

use common::{Server, invoke, moto, unique_table};
use ddb_connector_host::{ConnectorError, Tenant, wit};
use forms::Entry;
use serde_json::{Value, json};

const CAMUNDA_TEMPLATES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tools/element-templates/node_modules/@camunda/connectors-element-templates/src/element-templates/aws-dynamodb-outbound-connector.json"
);
const OUR_TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../element-templates/dynamodb-connector.json"
);

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (scripts/test.sh installs tools/element-templates)")
    });
    serde_json::from_str(&text).expect("a template is JSON")
}

/// Camunda's versions 2 to 12, oldest first.
fn camunda_templates() -> Vec<Value> {
    let Value::Array(mut templates) = read_json(CAMUNDA_TEMPLATES) else {
        panic!("Camunda's file is an array of template versions")
    };
    templates.sort_by_key(|t| t["version"].as_u64());
    let versions: Vec<u64> = templates
        .iter()
        .filter_map(|t| t["version"].as_u64())
        .collect();
    assert_eq!(versions, (2..=12).collect::<Vec<_>>());
    templates
}

fn has_binding(template: &Value, binding: &str) -> bool {
    template["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["binding"]["name"] == binding)
}

/// A saved credential as Camunda binds it: the credential template's properties
/// (`authentication.type`, keys, `region`) as one object.
fn saved_credential(server: &Server, region: &str) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": server.access_key, "secretKey": server.secret_key},
        "region": region,
    })
}

/// Fills in `op` and runs it: the result, or the connector's error. `endpoint`: put in the
/// variables as an operator would (Camunda's templates have no field for it).
async fn run_form(
    template: &Value,
    entries: &[Entry],
    endpoint: Option<&str>,
) -> (Value, Result<Value, ConnectorError>) {
    let filled = modeler::fill(template, entries);
    let mut variables = filled.variables;
    if let Some(endpoint) = endpoint {
        let configuration = variables
            .as_object_mut()
            .unwrap()
            .entry("configuration")
            .or_insert_with(|| json!({}));
        configuration["endpoint"] = json!(endpoint);
    }
    let invocation = invoke(&variables).await;
    let result = invocation
        .result
        .map(|text| serde_json::from_str(&text).expect("JSON"));
    (
        json!({"variables": variables, "missing": filled.missing_required}),
        result,
    )
}

/// Camunda's eight on a new table, each filled in with `auth` beside it, every required field
/// that exists filled.
async fn camunda_eight(template: &Value, auth: &[Entry]) {
    let server = moto();
    let version = &template["version"];
    let table = unique_table("camunda-template");
    for op in forms::CAMUNDA_SEQUENCE {
        let mut entries = forms::choose(template, op);
        entries.extend(auth.iter().cloned());
        entries.extend(forms::camunda_fields(op, &table));
        let (filled, result) = run_form(template, &entries, Some(&server.endpoint)).await;
        let missing = &filled["missing"];
        assert_eq!(
            *missing,
            json!([]),
            "version {version} {op}: required fields left empty"
        );
        let result = result.unwrap_or_else(|e| {
            panic!(
                "version {version} {op} failed: {e}\nvariables: {}",
                redacted(&filled, &server)
            )
        });
        assert!(
            !result.to_string().contains(&server.secret_key),
            "the secret leaked"
        );
        forms::check_camunda_result(op, &table, &result);
    }
}

/// The filled-in variables, for a failure message, without the secret.
fn redacted(filled: &Value, server: &Server) -> String {
    filled
        .to_string()
        .replace(&server.secret_key, "** redacted **")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_camunda_template_runs_its_eight_operations_with_inline_authentication() {
    let server = moto();
    for template in camunda_templates() {
        let auth = [
            ("authentication.accessKey", json!(server.access_key)),
            ("authentication.secretKey", json!(server.secret_key)),
            ("configuration.region", json!("us-east-1")),
        ];
        camunda_eight(&template, &auth).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn camunda_templates_10_to_12_run_their_eight_operations_with_a_saved_credential() {
    let server = moto();
    let with_credential: Vec<Value> = camunda_templates()
        .into_iter()
        .filter(|t| has_binding(t, "awsCredential"))
        .collect();
    let versions: Vec<&Value> = with_credential.iter().map(|t| &t["version"]).collect();
    assert_eq!(versions, [10, 11, 12]);
    for template in &with_credential {
        let mut auth = vec![("awsCredential", saved_credential(&server, "us-east-1"))];
        if template["version"] != 12 {
            // 10 and 11 keep the inline form beside the credential, region required: a user
            // fills the region and may leave stale keys there, which must not be used.
            auth.push(("configuration.region", json!("us-east-1")));
            auth.push(("authentication.accessKey", json!("AKIDSTALEINLINEKEY")));
            auth.push((
                "authentication.secretKey",
                json!(common::test_secret("stale-inline")),
            ));
        }
        camunda_eight(template, &auth).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn camunda_template_12s_region_override_applies_over_the_credentials_region() {
    let server = moto();
    let template = camunda_templates().pop().unwrap();
    // moto keeps tables per region: the table is found in the override's region only.
    let credential = saved_credential(&server, "eu-west-1");
    let overridden = [
        ("awsCredential", credential.clone()),
        ("configuration.region", json!("us-east-1")),
    ];
    camunda_eight(&template, &overridden).await;
    let table = unique_table("camunda-region");
    let create = |auth: &[Entry]| {
        let mut entries = forms::choose(&template, "createTable");
        entries.extend(auth.iter().cloned());
        entries.extend(forms::camunda_fields("createTable", &table));
        entries
    };
    let (_, created) = run_form(&template, &create(&overridden), Some(&server.endpoint)).await;
    created.expect("created in us-east-1");
    let mut describe = forms::choose(&template, "describeTable");
    describe.push(("awsCredential", credential));
    describe.extend(forms::camunda_fields("describeTable", &table));
    let (_, in_credential_region) = run_form(&template, &describe, Some(&server.endpoint)).await;
    match in_credential_region {
        Err(ConnectorError::Execution { code, .. }) => {
            assert_eq!(code, "ResourceNotFoundException")
        }
        other => panic!("without the override the credential's eu-west-1 applies: {other:?}"),
    }
    let mut delete = forms::choose(&template, "deleteTable");
    delete.extend(overridden.iter().cloned());
    delete.extend(forms::camunda_fields("deleteTable", &table));
    run_form(&template, &delete, Some(&server.endpoint))
        .await
        .1
        .expect("deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_request_with_an_aws_credential_runs_on_it() {
    let server = moto();
    let keys = |access_key: &str, secret_key: &str| {
        wit::Authentication::Credentials(wit::StaticCredentials {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            session_token: None,
        })
    };
    let request = wit::Request {
        // Ignored beside the credential: wrong keys would fail moto's signature check.
        authentication: keys("AKIDSTALEINLINEKEY", &common::test_secret("stale-inline")),
        configuration: wit::Configuration {
            region: String::new(),
            endpoint: Some(server.endpoint.clone()),
            sts_endpoint: None,
            max_attempts: Some(2),
            timeout_ms: Some(10_000),
            streams_endpoint: None,
        },
        operation: wit::Operation::ListTables(wit::ListTables {
            exclusive_start_table_name: None,
            limit: Some(1),
        }),
        options: wit::Options {
            value_format: wit::ValueFormat::Plain,
            output_format: wit::OutputFormat::Plain,
            wait_timeout_ms: None,
            return_consumed_capacity: None,
        },
        aws_credential: Some(wit::AwsCredential {
            authentication: keys(&server.access_key, &server.secret_key),
            region: Some("us-east-1".into()),
        }),
    };
    let invocation = common::host()
        .execute(request, &Tenant::default())
        .await
        .unwrap();
    let response = invocation.result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.action, "listTables");
}

/// Properties compared with Camunda's, besides the texts shown to the user.
const COMPARED: [&str; 8] = [
    "binding",
    "type",
    "condition",
    "optional",
    "constraints",
    "feel",
    "value",
    "configurationTemplate",
];

#[test]
fn our_template_keeps_the_properties_of_camundas_latest_template() {
    let ours = read_json(OUR_TEMPLATE);
    let camunda = camunda_templates().pop().unwrap();
    let our_properties = ours["properties"].as_array().unwrap();
    let mut ids: Vec<&str> = our_properties
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "property ids are unique");
    for theirs in camunda["properties"].as_array().unwrap() {
        if theirs["binding"]["type"] != "zeebe:input" {
            continue;
        }
        let id = theirs["id"].as_str().unwrap();
        let our = our_properties
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("Camunda's property {id} is missing"));
        for key in COMPARED {
            // Camunda's endpoint is Hidden, without a value: ours is a field one can fill.
            if id == "configuration.endpoint" && ["type", "feel"].contains(&key) {
                continue;
            }
            assert_eq!(our.get(key), theirs.get(key), "{id}: {key}");
        }
        // Ours may offer more choices (operations, authentication types), never fewer.
        for choice in theirs["choices"].as_array().into_iter().flatten() {
            let offered = our["choices"].as_array().unwrap();
            assert!(
                offered.iter().any(|c| c["value"] == choice["value"]),
                "{id}: {choice}"
            );
        }
    }
    // The saved credential is shared by every AWS connector: the same, besides help texts.
    assert_eq!(
        without_help(&ours["configurationTemplates"]),
        without_help(&camunda["configurationTemplates"])
    );
}

/// `value` without its `description` and `tooltip` members, at every depth.
fn without_help(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(k, _)| !["description", "tooltip"].contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), without_help(v)))
            .collect(),
        Value::Array(items) => items.iter().map(without_help).collect(),
        other => other.clone(),
    }
}

/// The connector's fields of `op`, from its "unknown field; expected one of" message.
async fn connector_fields(op: &str, group: &str) -> Vec<String> {
    let server = moto();
    let input = json!({"operationGroup": group, group: op, "notAField": 1});
    let invocation = invoke(&common::request(&server, input)).await;
    let Err(ConnectorError::Configuration { message, .. }) = invocation.result else {
        panic!("{op}: an unknown field is a configuration error")
    };
    let (_, list) = message
        .split_once("expected one of: ")
        .unwrap_or_else(|| panic!("{op}: {message}"));
    list.split(", ").map(String::from).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn our_template_offers_every_operation_with_every_field_it_takes() {
    let ours = read_json(OUR_TEMPLATE);
    let mut offered = Vec::new();
    for op in forms::OUR_SEQUENCE {
        let choice = forms::choose(&ours, op);
        let group = choice[0].1.as_str().unwrap().to_string();
        offered.push(op);
        let mut in_template: Vec<String> = modeler::existing_bindings(&ours, &choice)
            .into_iter()
            .filter_map(|b| b.strip_prefix("input.").map(String::from))
            .collect();
        in_template.sort();
        let other_group = if group == "tableOperation" {
            "itemOperation"
        } else {
            "tableOperation"
        };
        // The older forms' names are read but not offered: input.type, createTable's and
        // updateTable's billingMode beside billingModeStr.
        let mut taken: Vec<String> = connector_fields(op, &group)
            .await
            .into_iter()
            .filter(|f| !["type", "billingMode", other_group].contains(&f.as_str()))
            .collect();
        taken.sort();
        assert_eq!(
            in_template, taken,
            "{op}: the template's fields and the connector's"
        );
    }
    let registry: Vec<&str> = ddb_connector::ops::registry::OPERATIONS
        .iter()
        .map(|e| e.name)
        .collect();
    offered.sort();
    let mut registry_sorted = registry.clone();
    registry_sorted.sort();
    assert_eq!(
        offered, registry_sorted,
        "the template offers every operation"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_runs_from_our_template() {
    let server = moto();
    let ours = read_json(OUR_TEMPLATE);
    let table = unique_table("our-template");
    let inline = [
        ("authentication.accessKey", json!(server.access_key)),
        ("authentication.secretKey", json!(server.secret_key)),
        ("configuration.region", json!("us-east-1")),
        ("configuration.endpoint", json!(server.endpoint)),
        ("input.outputFormat", json!("typed")),
    ];
    for op in forms::OUR_SEQUENCE {
        let mut entries = forms::choose(&ours, op);
        entries.extend(inline.iter().cloned());
        entries.extend(forms::our_fields(op, &table));
        let (filled, result) = run_form(&ours, &entries, None).await;
        assert_eq!(
            filled["missing"],
            json!([]),
            "{op}: required fields left empty"
        );
        let result = result.unwrap_or_else(|e| {
            panic!(
                "{op} failed: {e}\nvariables: {}",
                redacted(&filled, &server)
            )
        });
        forms::check_our_result(op, &table, &result);
    }
    // A saved credential in our template: region and endpoint beside it.
    let mut entries = forms::choose(&ours, "listTables");
    entries.push(("awsCredential", saved_credential(&server, "us-east-1")));
    entries.push(("configuration.endpoint", json!(server.endpoint)));
    let (_, listed) = run_form(&ours, &entries, None).await;
    assert_eq!(
        listed.expect("listTables on the credential")["action"],
        "listTables"
    );
}
