use serde_json::{Value, json};

use super::*;

fn read(auth: Value) -> Result<Auth, ConnectorError> {
    let map = auth.as_object().unwrap().clone();
    read_auth(Fields::new(&map, "authentication"))
}

fn field_of(error: ConnectorError) -> String {
    match error {
        ConnectorError::Configuration { field, .. } => field.unwrap_or_default(),
        other => panic!("not a configuration error: {other:?}"),
    }
}

const ARN: &str = "arn:aws:iam::123456789012:role/tenants/tenant-a";

#[test]
fn assume_role_reads_every_field_with_sts_defaults() {
    let minimal = read(json!({"type": "assumeRole", "roleArn": ARN})).unwrap();
    assert_eq!(
        minimal,
        Auth::AssumeRole {
            call: AssumeRole {
                session: RoleSession {
                    role_arn: ARN.into(),
                    session_name: DEFAULT_SESSION_NAME.into(),
                    duration_seconds: 900,
                },
                external_id: None,
                policy: None,
            },
            caller: None,
        }
    );
    let full = read(json!({
        "type": "assumeRole", "roleArn": ARN, "externalId": "tenant-a:7f3e", "roleSessionName": "wf@tenant-a",
        "durationSeconds": "3600", "policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}",
        "accessKey": "AKIDCALLER", "secretKey": "s", "sessionToken": "t",
    }))
    .unwrap();
    let Auth::AssumeRole { call, caller } = full else {
        panic!("{full:?}")
    };
    assert_eq!(call.external_id.as_deref(), Some("tenant-a:7f3e"));
    assert_eq!(call.session.session_name, "wf@tenant-a");
    assert_eq!(call.session.duration_seconds, 3600);
    // The policy goes to STS as compact JSON; its members' order is the map's (sorted).
    let policy: serde_json::Value = serde_json::from_str(call.policy.as_deref().unwrap()).unwrap();
    assert_eq!(policy, json!({"Version": "2012-10-17", "Statement": []}));
    assert_eq!(caller.unwrap().session_token.as_deref(), Some("t"));
}

#[test]
fn web_identity_reads_its_token_and_hides_it() {
    let auth = read(
        json!({"type": "webIdentity", "roleArn": ARN, "webIdentityToken": "eyJ.secret.token"}),
    )
    .unwrap();
    assert!(!format!("{auth:?}").contains("eyJ"));
    let Auth::WebIdentity { session, token } = auth else {
        panic!()
    };
    assert_eq!(session.duration_seconds, 900);
    assert_eq!(token.unwrap().0, "eyJ.secret.token");
    let from_environment = read(json!({"type": "webIdentity", "roleArn": ARN})).unwrap();
    assert!(matches!(
        from_environment,
        Auth::WebIdentity { token: None, .. }
    ));
}

#[test]
fn bad_role_fields_name_the_field() {
    let cases = [
        (json!({"type": "assumeRole"}), "authentication.roleArn"),
        (
            json!({"type": "assumeRole", "roleArn": "arn:aws:iam::123456789012:user/bob"}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": "arn:aws:iam::12345:role/r"}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": "arn:aws:s3::123456789012:role/r"}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": "arn:aws:iam::123456789012:role/"}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": "arn:aws:iam::123456789012:role/a b"}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": format!("arn:aws:iam::123456789012:role/{}", "r".repeat(65))}),
            "authentication.roleArn",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "externalId": "x"}),
            "authentication.externalId",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "externalId": "a b"}),
            "authentication.externalId",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "externalId": "e".repeat(1225)}),
            "authentication.externalId",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "roleSessionName": "a"}),
            "authentication.roleSessionName",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "roleSessionName": "has:colon"}),
            "authentication.roleSessionName",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "durationSeconds": 899}),
            "authentication.durationSeconds",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "durationSeconds": 43201}),
            "authentication.durationSeconds",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "policy": "not json"}),
            "authentication.policy",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "policy": {"Statement": "x".repeat(2048)}}),
            "authentication.policy",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "accessKey": "AKID"}),
            "authentication.secretKey",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "sessionToken": "t"}),
            "authentication.sessionToken",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "webIdentityToken": "tttt"}),
            "authentication.webIdentityToken",
        ),
        (
            json!({"type": "webIdentity", "roleArn": ARN, "webIdentityToken": "ab"}),
            "authentication.webIdentityToken",
        ),
        (
            json!({"type": "webIdentity", "roleArn": ARN, "webIdentityToken": "a\nbcd"}),
            "authentication.webIdentityToken",
        ),
        (
            json!({"type": "webIdentity", "roleArn": ARN, "externalId": "tenant-a"}),
            "authentication.externalId",
        ),
        (json!({"type": "webIdentity"}), "authentication.roleArn"),
        (json!({"type": "assumeRoles"}), "authentication.type"),
    ];
    for (auth, field) in cases {
        let error = read(auth.clone()).expect_err(&auth.to_string());
        assert_eq!(field_of(error), field, "{auth}");
    }
}

#[test]
fn role_arns_of_every_partition_and_path_pass() {
    for arn in [
        "arn:aws:iam::123456789012:role/r",
        "arn:aws-cn:iam::123456789012:role/service-role/r+=,.@-_",
        "arn:aws-us-gov:iam::123456789012:role/a/b/c/name",
    ] {
        assert_eq!(check_role_arn(arn), Ok(()), "{arn}");
    }
}

#[test]
fn key_types_keep_their_old_rules() {
    let keys = read(json!({"accessKey": "AKID", "secretKey": "s"})).unwrap();
    assert!(matches!(keys, Auth::Static(_)));
    // A form that switched to the environment may still send the keys' fields.
    let chain = read(json!({"type": "defaultCredentialsChain", "accessKey": ""})).unwrap();
    assert_eq!(chain, Auth::DefaultChain);
    let error =
        read(json!({"type": "credentials", "accessKey": "AKID", "secretKey": "s", "roleArn": ARN}))
            .unwrap_err();
    assert_eq!(field_of(error), "authentication.roleArn");
}

#[test]
fn header_values_are_bounded_and_the_error_names_the_field() {
    use crate::wire::http::MAX_HEADER_VALUE_BYTES;
    let at = "t".repeat(MAX_HEADER_VALUE_BYTES);
    let over = "t".repeat(MAX_HEADER_VALUE_BYTES + 1);
    assert!(read(json!({"accessKey": at, "secretKey": "s", "sessionToken": at})).is_ok());
    for (auth, field) in [
        (
            json!({"accessKey": "AKID", "secretKey": "s", "sessionToken": over}),
            "authentication.sessionToken",
        ),
        (
            json!({"accessKey": over, "secretKey": "s"}),
            "authentication.accessKey",
        ),
        (
            json!({"type": "assumeRole", "roleArn": ARN, "accessKey": "AKID", "secretKey": "s", "sessionToken": over}),
            "authentication.sessionToken",
        ),
    ] {
        let error = read(auth).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(&(MAX_HEADER_VALUE_BYTES + 1).to_string()),
            "{text}"
        );
        assert!(!text.contains("tttt"), "the value is not echoed: {text}");
        assert_eq!(field_of(error), field);
    }
}
