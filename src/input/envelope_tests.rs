use serde_json::{Value, json};

use super::*;
use crate::wire::Credentials;

const ARN: &str = "arn:aws:iam::123456789012:role/tenants/tenant-a";

/// A getItem request around `authentication`, `configuration` and `awsCredential` (absent when
/// null).
fn request(authentication: Value, configuration: Value, credential: Value) -> Value {
    let mut request = json!({
        "authentication": authentication,
        "configuration": configuration,
        "input": {"operationGroup": "itemOperation", "itemOperation": "getItem"},
    });
    if authentication.is_null() {
        request.as_object_mut().unwrap().remove("authentication");
    }
    if !credential.is_null() {
        request["awsCredential"] = credential;
    }
    request
}

fn envelope(request: Value) -> Result<Envelope, ConnectorError> {
    read_envelope(&request).map(|(envelope, _)| envelope)
}

fn field_of(result: Result<Envelope, ConnectorError>) -> String {
    match result {
        Err(ConnectorError::Configuration { field, .. }) => field.unwrap_or_default(),
        other => panic!("not a configuration error: {other:?}"),
    }
}

fn keys(access_key: &str) -> Auth {
    Auth::Static(Credentials {
        access_key: access_key.into(),
        secret_key: "s".into(),
        session_token: None,
    })
}

#[test]
fn a_credential_replaces_the_inline_authentication_and_region_and_keeps_the_endpoint() {
    let envelope = envelope(request(
        json!({"type": "credentials", "accessKey": "INLINE", "secretKey": "s"}),
        json!({"endpoint": "http://127.0.0.1:5000"}),
        json!({"authentication": {"type": "credentials", "accessKey": "SHARED", "secretKey": "s"},
               "region": "eu-west-3"}),
    ))
    .unwrap();
    assert_eq!(envelope.auth, keys("SHARED"));
    assert_eq!(envelope.region, "eu-west-3");
    assert_eq!(envelope.endpoint.url(), "http://127.0.0.1:5000/");
}

#[test]
fn configuration_region_overrides_the_credentials_region() {
    let credential =
        json!({"authentication": {"type": "defaultCredentialsChain"}, "region": "eu-west-3"});
    let overridden = envelope(request(
        Value::Null,
        json!({"region": "ap-south-1"}),
        credential.clone(),
    ))
    .unwrap();
    assert_eq!(overridden.region, "ap-south-1");
    assert_eq!(overridden.endpoint, default_endpoint("ap-south-1"));
    // A blank override (a form's empty field) leaves the credential's region.
    let blank = envelope(request(Value::Null, json!({"region": " "}), credential)).unwrap();
    assert_eq!(blank.region, "eu-west-3");
}

#[test]
fn beside_a_credential_configuration_may_be_left_out() {
    // Template 12 hides region and endpoint once a credential is chosen: no configuration at all.
    let mut request = request(
        Value::Null,
        json!({}),
        json!({"authentication": {"type": "defaultCredentialsChain"}, "region": "eu-west-3"}),
    );
    request.as_object_mut().unwrap().remove("configuration");
    let envelope = envelope(request).unwrap();
    assert_eq!(envelope.region, "eu-west-3");
    assert_eq!(envelope.endpoint, default_endpoint("eu-west-3"));
    let inline = json!({"authentication": {"type": "defaultCredentialsChain"}, "input": {}});
    assert_eq!(
        field_of(read_envelope(&inline).map(|(e, _)| e)),
        "configuration"
    );
}

#[test]
fn a_credential_holds_each_of_the_four_authentication_types() {
    let read = |authentication: Value| {
        let credential = json!({"authentication": authentication, "region": "us-east-1"});
        envelope(request(Value::Null, json!({}), credential)).map(|e| e.auth)
    };
    let static_keys = read(json!({"accessKey": "SHARED", "secretKey": "s"})).unwrap();
    assert_eq!(static_keys, keys("SHARED"));
    let chain = read(json!({"type": "defaultCredentialsChain"})).unwrap();
    assert_eq!(chain, Auth::DefaultChain);
    let role = read(json!({"type": "assumeRole", "roleArn": ARN, "externalId": "tenant-a"}));
    let Ok(Auth::AssumeRole { call, caller: None }) = role else {
        panic!("{role:?}")
    };
    assert_eq!(
        (call.session.role_arn.as_str(), call.external_id.as_deref()),
        (ARN, Some("tenant-a"))
    );
    let web = read(json!({"type": "webIdentity", "roleArn": ARN, "webIdentityToken": "tok.en"}));
    assert!(
        matches!(web, Ok(Auth::WebIdentity { token: Some(_), .. })),
        "{web:?}"
    );
}

#[test]
fn errors_in_a_credential_name_its_fields() {
    let with = |credential: Value, configuration: Value| {
        field_of(envelope(request(Value::Null, configuration, credential)))
    };
    let chain = json!({"type": "defaultCredentialsChain"});
    let cases = [
        (json!("shared"), json!({}), "awsCredential"),
        (
            json!({"region": "us-east-1"}),
            json!({}),
            "awsCredential.authentication",
        ),
        (
            json!({"authentication": chain, "region": "us-east-1", "endpoint": "x"}),
            json!({}),
            "awsCredential.endpoint",
        ),
        (
            json!({"authentication": chain}),
            json!({}),
            "awsCredential.region",
        ),
        (
            json!({"authentication": chain, "region": ""}),
            json!({}),
            "awsCredential.region",
        ),
        (
            json!({"authentication": chain, "region": "Nowhere 1"}),
            json!({}),
            "awsCredential.region",
        ),
        (
            json!({"authentication": chain, "region": "us-east-1"}),
            json!({"region": "Nowhere 1"}),
            "configuration.region",
        ),
        (
            json!({"authentication": {"type": "credentials", "accessKey": "A"}, "region": "us-east-1"}),
            json!({}),
            "awsCredential.authentication.secretKey",
        ),
        (
            json!({"authentication": {"type": "assumeRole", "roleArn": "arn:nope"}, "region": "us-east-1"}),
            json!({}),
            "awsCredential.authentication.roleArn",
        ),
        (
            json!({"authentication": {"type": "basic"}, "region": "us-east-1"}),
            json!({}),
            "awsCredential.authentication.type",
        ),
    ];
    for (credential, configuration, field) in cases {
        assert_eq!(
            with(credential.clone(), configuration),
            field,
            "{credential}"
        );
    }
}

#[test]
fn a_credential_region_that_is_not_text_is_refused_even_when_overridden() {
    let chain = json!({"type": "defaultCredentialsChain"});
    for region in [
        json!(5),
        json!({"name": "eu-west-3"}),
        json!(["eu-west-3"]),
        json!(true),
    ] {
        let credential = json!({"authentication": chain, "region": region});
        for configuration in [json!({"region": "ap-south-1"}), json!({})] {
            let result = envelope(request(
                Value::Null,
                configuration.clone(),
                credential.clone(),
            ));
            assert_eq!(
                field_of(result),
                "awsCredential.region",
                "{credential} with {configuration}"
            );
        }
    }
}

#[test]
fn an_inline_legacy_region_that_is_not_text_is_refused_even_when_overridden() {
    for region in [
        json!(5),
        json!({"name": "eu-west-3"}),
        json!([]),
        json!(false),
    ] {
        let auth = json!({"type": "defaultCredentialsChain", "region": region});
        let result = envelope(request(
            auth.clone(),
            json!({"region": "ap-south-1"}),
            Value::Null,
        ));
        assert_eq!(field_of(result), "authentication.region", "{auth}");
    }
}

#[test]
fn with_a_credential_the_inline_authentication_is_not_read() {
    // Camunda 8.10's templates 10 and 11 keep the inline form beside the credential: a user who
    // picks a credential may leave its keys empty.
    let half_filled = envelope(request(
        json!({"type": "credentials"}),
        json!({"region": "us-east-1"}),
        json!({"authentication": {"type": "defaultCredentialsChain"}, "region": "us-east-1"}),
    ))
    .unwrap();
    assert_eq!(half_filled.auth, Auth::DefaultChain);
}

#[test]
fn without_a_credential_the_inline_authentication_is_required_as_before() {
    let missing = envelope(request(
        Value::Null,
        json!({"region": "us-east-1"}),
        Value::Null,
    ));
    assert_eq!(field_of(missing), "authentication");
    let inline = envelope(request(
        json!({"type": "credentials", "accessKey": "INLINE", "secretKey": "s", "region": "eu-west-1"}),
        json!({}),
        Value::Null,
    ))
    .unwrap();
    assert_eq!(
        (inline.auth, inline.region.as_str()),
        (keys("INLINE"), "eu-west-1")
    );
    // A null credential (an unset variable) is no credential.
    let mut null_credential = request(
        json!({"accessKey": "INLINE", "secretKey": "s"}),
        json!({"region": "us-east-1"}),
        Value::Null,
    );
    null_credential["awsCredential"] = Value::Null;
    assert_eq!(envelope(null_credential).unwrap().auth, keys("INLINE"));
}

#[test]
fn camunda_templates_2_to_6_operation_group_beside_input_is_accepted() {
    let mut old_form = request(
        json!({"accessKey": "INLINE", "secretKey": "s"}),
        json!({"region": "us-east-1"}),
        Value::Null,
    );
    old_form["operationGroup"] = json!("item");
    assert_eq!(envelope(old_form.clone()).unwrap().auth, keys("INLINE"));
    old_form["operationGroup"] = json!("items");
    assert_eq!(field_of(envelope(old_form)), "operationGroup");
}
