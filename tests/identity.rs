//! Tenant identity: roles assumed through STS inside the sandbox, end to end on moto with
//! signatures and IAM verified. moto checks the caller's signature and `sts:AssumeRole`
//! permission, the role's trust policy (its `StringEquals sts:ExternalId` condition), the
//! temporary key's session token, and the role's permissions on every DynamoDB call.
//!
//! What moto cannot do, and what stands in for it:
//! - a trust policy with an ExternalId condition still lets a call *without* ExternalId through
//!   (a moto limit; real STS refuses it), so no test relies on that refusal;
//! - with IAM checks on, moto cannot answer an unsigned call, and `AssumeRoleWithWebIdentity` is
//!   unsigned: the web identity tests use the fault server as STS, answering with real
//!   temporary credentials of a moto role (which moto then checks on every DynamoDB call). moto
//!   would not check the token anyway;
//! - STS throttling and 5xx come from the fault server.

mod common;

use std::sync::OnceLock;

use common::fault_server::{Fault, FaultServer, Received};
use common::{Server, boto_items, host, item_op, moto, support_script, table_op, unique_table};
use ddb_connector_host::{ConnectorError, EgressPolicy, Invocation, Tenant, wit};
use serde_json::{Value, json};

/// The roles `tests/support/moto_roles.py` made for this run.
struct Roles {
    external_id: String,
    with_dynamodb: String,
    without_dynamodb: String,
    web_identity: String,
}

fn moto_roles(args: &[&str]) -> Value {
    support_script("moto_roles.py", &moto(), args)
}

fn roles() -> &'static Roles {
    static ROLES: OnceLock<Roles> = OnceLock::new();
    ROLES.get_or_init(|| {
        let made = moto_roles(&["setup", &std::process::id().to_string()]);
        let text = |key: &str| made[key].as_str().unwrap().to_string();
        Roles {
            external_id: text("externalId"),
            with_dynamodb: text("withDynamodb"),
            without_dynamodb: text("withoutDynamodb"),
            web_identity: text("webIdentity"),
        }
    })
}

/// Temporary credentials of the DynamoDB role, asked of moto's STS by boto3.
fn temporary_credentials() -> Value {
    let roles = roles();
    let issued = moto_roles(&["assume", &roles.with_dynamodb, &roles.external_id]);
    for secret in ["secretKey", "sessionToken"] {
        common::record_secret(issued[secret].as_str().expect("an STS-issued secret"));
    }
    issued
}

/// `authentication` for the DynamoDB role, the caller's keys given.
fn assume_role(role_arn: &str, external_id: &str) -> Value {
    let server = moto();
    json!({
        "type": "assumeRole", "roleArn": role_arn, "externalId": external_id,
        "roleSessionName": "identity-tests", "durationSeconds": 900,
        "accessKey": server.access_key, "secretKey": server.secret_key,
    })
}

/// A request to moto's DynamoDB with `authentication`, STS at `sts` (moto by default).
fn request(authentication: Value, sts: Option<&str>, input: Value) -> Value {
    let server = moto();
    json!({
        "authentication": authentication,
        "configuration": {
            "region": "us-east-1", "endpoint": server.endpoint,
            "stsEndpoint": sts.unwrap_or(&server.endpoint),
        },
        "input": input,
    })
}

async fn invoke(request: &Value, tenant: &Tenant) -> Invocation<String> {
    host()
        .execute_json(&request.to_string(), tenant)
        .await
        .expect("the host runs the component without trapping")
}

/// The result as JSON, after checking that no secret of `secrets` is in it.
fn outcome(invocation: Invocation<String>, secrets: &[&str]) -> Result<Value, ConnectorError> {
    let shown = match &invocation.result {
        Ok(text) => text.clone(),
        Err(error) => format!("{error:?} {error}"),
    };
    for secret in secrets {
        assert!(!shown.contains(secret), "a secret appears in {shown}");
    }
    invocation
        .result
        .map(|text| serde_json::from_str(&text).expect("JSON"))
}

fn execution(result: Result<Value, ConnectorError>) -> (String, Option<Value>) {
    match result {
        Err(ConnectorError::Execution { code, details, .. }) => (code, details.map(|d| *d)),
        other => panic!("expected an execution error, got {other:?}"),
    }
}

fn table_input(table: &str, operation: &str, extra: Value) -> Value {
    let mut input = table_op(operation, extra);
    input["tableName"] = json!(table);
    input
}

/// An item operation's input; `table` empty for those that name their tables themselves.
fn item_input(table: &str, operation: &str, extra: Value) -> Value {
    let mut input = item_op(operation, extra);
    if !table.is_empty() {
        input["tableName"] = json!(table);
    }
    input
}

/// Every operation class, each invocation assuming the role with the right ExternalId; boto3
/// (the caller's own keys) reads back what was written.
#[tokio::test]
async fn the_right_external_id_serves_every_operation_class() {
    let roles = roles();
    let server = moto();
    let auth = assume_role(&roles.with_dynamodb, &roles.external_id);
    let table = unique_table("identity");
    let steps = [
        table_input(
            &table,
            "createTable",
            json!({
                "partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST",
            }),
        ),
        item_input(&table, "addItem", json!({"item": {"id": "a", "n": 1}})),
        item_input(
            &table,
            "updateItem",
            json!({
                "primaryKeyComponents": {"id": "a"}, "keyAttributes": {"n": 2}, "attributeAction": "PUT",
            }),
        ),
        item_input(
            "",
            "batchWriteItems",
            json!({"requestItems": {table.clone(): [
            {"put": {"id": "b"}}, {"put": {"id": "c"}}]}}),
        ),
        item_input(
            "",
            "transactWriteItems",
            json!({"transactItems": [
            {"put": {"tableName": table, "item": {"id": "d"}}}]}),
        ),
        item_input(
            &table,
            "query",
            json!({
            "keyConditionExpression": "id = :id", "expressionAttributeValues": {":id": "b"}}),
        ),
        item_input(
            "",
            "executeStatement",
            json!({"statement": format!("SELECT * FROM \"{table}\"")}),
        ),
        item_input(
            &table,
            "getItem",
            json!({"primaryKeyComponents": {"id": "a"}}),
        ),
        table_input(&table, "scanTable", json!({})),
        item_input(
            &table,
            "deleteItem",
            json!({"primaryKeyComponents": {"id": "c"}}),
        ),
    ];
    let mut results = Vec::new();
    for input in steps {
        let invocation = invoke(
            &request(auth.clone(), None, input.clone()),
            &Tenant::default(),
        )
        .await;
        assert!(invocation.http_requests >= 2, "STS, then DynamoDB");
        let value = outcome(invocation, &[&server.secret_key])
            .unwrap_or_else(|e| panic!("{input} failed: {e}"));
        results.push(value);
    }
    assert_eq!(
        results[5]["response"]["items"][0]["id"],
        json!({"S": "b"}),
        "{}",
        results[5]
    );
    assert_eq!(
        results[7]["response"]["n"],
        json!({"N": "2"}),
        "{}",
        results[7]
    );
    assert_eq!(
        results[8]["response"].as_array().map(Vec::len),
        Some(4),
        "{}",
        results[8]
    );
    assert_eq!(
        boto_items(&server, &table),
        [
            json!({"id": {"S": "a"}, "n": {"N": "2"}}),
            json!({"id": {"S": "b"}}),
            json!({"id": {"S": "d"}}),
        ]
    );
    let gone = invoke(
        &request(auth, None, table_input(&table, "deleteTable", json!({}))),
        &Tenant::default(),
    )
    .await;
    assert!(outcome(gone, &[]).is_ok());
}

/// A wrong ExternalId: STS's AccessDenied, marked as STS's, and DynamoDB (here the fault server,
/// which counts) sees nothing.
#[tokio::test]
async fn a_wrong_external_id_is_access_denied_and_nothing_reaches_dynamodb() {
    let roles = roles();
    let server = moto();
    let dynamodb = FaultServer::start(vec![Fault::Answer(200, vec![], "{}".into())]).await;
    let mut request = request(
        assume_role(&roles.with_dynamodb, "tenant-b-guessing"),
        None,
        table_input("any", "describeTable", json!({})),
    );
    request["configuration"]["endpoint"] = json!(dynamodb.url);
    let invocation = invoke(&request, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 1);
    let (code, details) = execution(outcome(invocation, &[&server.secret_key]));
    assert_eq!(code, "AccessDenied", "{details:?}");
    assert_eq!(details.unwrap()["service"], "sts");
    assert_eq!(dynamodb.counts(), (0, 0));
}

/// STS grants the role, but the role may not use DynamoDB: DynamoDB's own access error.
#[tokio::test]
async fn a_role_without_dynamodb_permission_gets_dynamodb_access_error() {
    let roles = roles();
    let request = request(
        assume_role(&roles.without_dynamodb, &roles.external_id),
        None,
        table_input("any", "describeTable", json!({})),
    );
    let invocation = invoke(&request, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 2);
    let (code, details) = execution(outcome(invocation, &[]));
    assert!(code.starts_with("AccessDenied"), "{code}");
    assert_ne!(
        details.and_then(|d| d.get("service").cloned()),
        Some(json!("sts"))
    );
}

/// moto refuses a temporary key without its session token; the same key with it works. So the
/// assumeRole runs above, which moto accepted, did send the token.
#[tokio::test]
async fn temporary_keys_are_refused_without_their_session_token() {
    let temporary = temporary_credentials();
    let keys = |token: Option<&Value>| {
        json!({
            "type": "credentials", "accessKey": temporary["accessKey"],
            "secretKey": temporary["secretKey"], "sessionToken": token,
        })
    };
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let secret = temporary["secretKey"].as_str().unwrap();
    let without = invoke(&request(keys(None), None, list.clone()), &Tenant::default()).await;
    let (code, _) = execution(outcome(without, &[secret]));
    assert_eq!(code, "InvalidClientTokenId");
    let with = invoke(
        &request(keys(Some(&temporary["sessionToken"])), None, list),
        &Tenant::default(),
    )
    .await;
    assert!(outcome(with, &[secret]).is_ok());
}

/// The keys that call STS may come from the sandbox's environment; without them, a
/// configuration error and nothing is sent.
#[tokio::test]
async fn the_caller_keys_can_come_from_the_environment() {
    let roles = roles();
    let server = moto();
    let auth = json!({"type": "assumeRole", "roleArn": roles.with_dynamodb, "externalId": roles.external_id});
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let tenant = Tenant {
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), server.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), server.secret_key.clone()),
        ],
        ..Tenant::default()
    };
    let invocation = invoke(&request(auth.clone(), None, list.clone()), &tenant).await;
    assert_eq!(invocation.http_requests, 2);
    assert!(outcome(invocation, &[&server.secret_key]).is_ok());

    let bare = invoke(&request(auth, None, list), &Tenant::default()).await;
    assert_eq!(bare.http_requests, 0);
    match bare.result {
        Err(ConnectorError::Configuration { field, message }) => {
            assert_eq!(field.as_deref(), Some("authentication"));
            assert!(
                message.contains("assumeRole: AWS_ACCESS_KEY_ID"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The STS answer `credentials` would get for `action`.
fn sts_answer(action: &str, credentials: &Value) -> Fault {
    let body = format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
         <Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>{}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
         </{action}Result></{action}Response>",
        credentials["accessKey"].as_str().unwrap(),
        credentials["secretKey"].as_str().unwrap(),
        credentials["sessionToken"].as_str().unwrap(),
    );
    Fault::Answer(200, vec![("x-amzn-requestid", "sts-1".into())], body)
}

/// A web identity token made for this run (recorded as a secret).
fn web_token() -> String {
    format!(
        "eyJhbGciOi.{}.c2lnbmF0dXJl",
        common::test_secret("web-identity-token")
    )
}

/// The form parameters of a request STS received.
fn form(received: &Received) -> Vec<(String, String)> {
    form_urlencoded::parse(&received.body)
        .into_owned()
        .collect()
}

/// The value of `key` in `form`, if sent.
fn param<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Web identity, the token given and from the environment, with the default session and a
/// chosen one: STS gets one unsigned call with the token and the session's name and duration;
/// moto checks the credentials it answered on the DynamoDB call.
#[tokio::test]
async fn web_identity_sends_the_token_unsigned_and_signs_dynamodb_with_the_answer() {
    let roles = roles();
    let temporary = temporary_credentials();
    let secret = temporary["secretKey"].as_str().unwrap();
    let token = web_token();
    let answer = sts_answer("AssumeRoleWithWebIdentity", &temporary);
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let given =
        json!({"type": "webIdentity", "roleArn": roles.web_identity, "webIdentityToken": token});
    let from_environment = json!({"type": "webIdentity", "roleArn": roles.web_identity});
    let mut chosen = given.clone();
    chosen["roleSessionName"] = json!("tenant-7.web@payments");
    chosen["durationSeconds"] = json!(7200);
    let environment = Tenant {
        env: vec![("AWS_WEB_IDENTITY_TOKEN".into(), token.clone())],
        ..Tenant::default()
    };
    let cases = [
        (given, Tenant::default(), "ddb-connector", "900"),
        (from_environment, environment, "ddb-connector", "900"),
        (chosen, Tenant::default(), "tenant-7.web@payments", "7200"),
    ];
    for (auth, tenant, session_name, duration) in cases {
        let sts = FaultServer::start(vec![answer.clone()]).await;
        let invocation = invoke(&request(auth, Some(&sts.url), list.clone()), &tenant).await;
        assert!(outcome(invocation, &[secret, &token]).is_ok());
        let received = sts.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].header("authorization"), None);
        let form = form(&received[0]);
        assert_eq!(param(&form, "Action"), Some("AssumeRoleWithWebIdentity"));
        assert_eq!(param(&form, "RoleArn"), Some(roles.web_identity.as_str()));
        assert_eq!(param(&form, "WebIdentityToken"), Some(token.as_str()));
        assert_eq!(param(&form, "RoleSessionName"), Some(session_name));
        assert_eq!(param(&form, "DurationSeconds"), Some(duration));
    }
}

/// A session policy narrowing the role to reading one table.
fn session_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:ListTables"],
            "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        }],
    })
}

/// STS throttling and 5xx are retried like DynamoDB's; when every attempt fails, the error is
/// STS's and DynamoDB sees nothing.
#[tokio::test]
async fn sts_throttling_and_server_errors_are_retried() {
    let roles = roles();
    let temporary = temporary_credentials();
    let throttled = Fault::Answer(
        400,
        vec![],
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>".into(),
    );
    let unavailable = Fault::Answer(503, vec![], String::new());
    let sts = FaultServer::start(vec![
        throttled,
        unavailable.clone(),
        sts_answer("AssumeRole", &temporary),
    ])
    .await;
    let mut auth = assume_role(&roles.with_dynamodb, &roles.external_id);
    auth["roleSessionName"] = json!("tenant-42=payments,eu@example.com");
    auth["durationSeconds"] = json!(3600);
    auth["policy"] = session_policy();
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let invocation = invoke(
        &request(auth.clone(), Some(&sts.url), list.clone()),
        &Tenant::default(),
    )
    .await;
    assert!(outcome(invocation, &[]).is_ok());
    assert_eq!(sts.counts().1, 3);
    // Every attempt is the same signed AssumeRole, with every parameter the request gave.
    for received in sts.received() {
        assert!(
            received
                .header("authorization")
                .is_some_and(|a| a.contains("/us-east-1/sts/aws4_request")),
            "{received:?}"
        );
        let form = form(&received);
        assert_eq!(param(&form, "Action"), Some("AssumeRole"));
        assert_eq!(param(&form, "RoleArn"), Some(roles.with_dynamodb.as_str()));
        assert_eq!(param(&form, "ExternalId"), Some(roles.external_id.as_str()));
        let session = param(&form, "RoleSessionName");
        assert_eq!(session, Some("tenant-42=payments,eu@example.com"));
        assert_eq!(param(&form, "DurationSeconds"), Some("3600"));
        let policy: Value = serde_json::from_str(param(&form, "Policy").expect("a Policy"))
            .expect("the Policy is JSON");
        assert_eq!(policy, session_policy());
    }

    let down = FaultServer::start(vec![unavailable]).await;
    let dynamodb = FaultServer::start(vec![Fault::Answer(200, vec![], "{}".into())]).await;
    let mut request = request(auth, Some(&down.url), list);
    request["configuration"]["endpoint"] = json!(dynamodb.url);
    let invocation = invoke(&request, &Tenant::default()).await;
    let attempts = match &invocation.result {
        Err(ConnectorError::Execution { attempts, .. }) => *attempts,
        other => panic!("{other:?}"),
    };
    let (code, details) = execution(outcome(invocation, &[]));
    assert_eq!((code.as_str(), attempts), ("Http503", 3));
    assert_eq!(details.unwrap()["service"], "sts");
    assert_eq!(down.counts().1, 3);
    assert_eq!(dynamodb.counts(), (0, 0));
}

/// STS calls pass the same egress policy as DynamoDB calls: a tenant allowed only its DynamoDB
/// endpoint cannot reach an STS elsewhere (a connection error, the STS server sees nothing).
#[tokio::test]
async fn sts_calls_pass_the_egress_policy() {
    let roles = roles();
    let server = moto();
    let sts = FaultServer::start(vec![Fault::Answer(500, vec![], String::new())]).await;
    let tenant = Tenant {
        outbound: Some(EgressPolicy::rules([server.endpoint.as_str()]).unwrap()),
        ..Tenant::default()
    };
    let auth = assume_role(&roles.with_dynamodb, &roles.external_id);
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let invocation = invoke(&request(auth, Some(&sts.url), list), &tenant).await;
    assert_eq!(invocation.denied_requests, 1);
    match invocation.result {
        Err(ConnectorError::Connection { attempts, .. }) => assert_eq!(attempts, 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(sts.counts(), (0, 0));
}

/// The typed WIT entry point has both role cases: assumeRole with the caller's keys from the
/// environment, and webIdentity with its token (STS the fault server, as above).
#[tokio::test]
async fn the_typed_entry_point_assumes_roles_too() {
    let roles = roles();
    let server = moto();
    let temporary = temporary_credentials();
    let sts = FaultServer::start(vec![sts_answer("AssumeRoleWithWebIdentity", &temporary)]).await;
    let request = |authentication, sts_endpoint: &str| wit::Request {
        authentication,
        configuration: wit::Configuration {
            streams_endpoint: None,
            region: "us-east-1".into(),
            endpoint: Some(server.endpoint.clone()),
            sts_endpoint: Some(sts_endpoint.into()),
            max_attempts: None,
            timeout_ms: None,
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
        aws_credential: None,
    };
    let assume = wit::Authentication::AssumeRole(wit::AssumeRoleAuthentication {
        role_arn: roles.with_dynamodb.clone(),
        external_id: Some(roles.external_id.clone()),
        role_session_name: Some("typed".into()),
        duration_seconds: Some(1800),
        policy: None,
        caller: None,
    });
    let web = wit::Authentication::WebIdentity(wit::WebIdentityAuthentication {
        role_arn: roles.web_identity.clone(),
        web_identity_token: Some(web_token()),
        role_session_name: None,
        duration_seconds: None,
    });
    let tenant = Tenant {
        env: vec![
            ("AWS_ACCESS_KEY_ID".into(), server.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), server.secret_key.clone()),
        ],
        ..Tenant::default()
    };
    for (authentication, sts_endpoint) in
        [(assume, server.endpoint.as_str()), (web, sts.url.as_str())]
    {
        let invocation = host()
            .execute(request(authentication, sts_endpoint), &tenant)
            .await
            .unwrap();
        assert_eq!(invocation.http_requests, 2);
        let response = invocation.result.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (response.action.as_str(), response.status.as_str()),
            ("listTables", "OK")
        );
    }
    assert_eq!(sts.counts().1, 1);
}

/// `request` with `authentication` moved into an `awsCredential` (Camunda 8.10's saved
/// credential) and the region taken from it: `configuration` keeps only the endpoints.
fn in_credential(mut request: Value) -> Value {
    let authentication = request.as_object_mut().unwrap().remove("authentication");
    request["configuration"]
        .as_object_mut()
        .unwrap()
        .remove("region");
    request["awsCredential"] = json!({"authentication": authentication, "region": "us-east-1"});
    request
}

/// assumeRole and webIdentity inside an `awsCredential`: the right ExternalId serves DynamoDB
/// through the role (a role without DynamoDB rights gets DynamoDB's access error, so the role's
/// keys and not the caller's signed it), a wrong one is refused by STS and DynamoDB sees nothing;
/// web identity sends the credential's token to STS unsigned and signs with the answer.
#[tokio::test]
async fn roles_inside_an_aws_credential_are_assumed() {
    let roles = roles();
    let server = moto();
    let list = json!({"operationGroup": "tableOperation", "tableOperation": "listTables"});
    let right = in_credential(request(
        assume_role(&roles.with_dynamodb, &roles.external_id),
        None,
        list.clone(),
    ));
    let invocation = invoke(&right, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 2, "STS, then DynamoDB");
    let listed = outcome(invocation, &[&server.secret_key]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed["status"], "OK", "{listed}");

    let describe = table_input("any", "describeTable", json!({}));
    let no_rights = in_credential(request(
        assume_role(&roles.without_dynamodb, &roles.external_id),
        None,
        describe.clone(),
    ));
    let invocation = invoke(&no_rights, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 2);
    let (code, details) = execution(outcome(invocation, &[&server.secret_key]));
    assert!(code.starts_with("AccessDenied"), "{code}");
    assert_ne!(
        details.and_then(|d| d.get("service").cloned()),
        Some(json!("sts"))
    );

    let dynamodb = FaultServer::start(vec![Fault::Answer(200, vec![], "{}".into())]).await;
    let mut wrong = in_credential(request(
        assume_role(&roles.with_dynamodb, "tenant-b-guessing"),
        None,
        describe,
    ));
    wrong["configuration"]["endpoint"] = json!(dynamodb.url);
    let invocation = invoke(&wrong, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 1);
    let (code, details) = execution(outcome(invocation, &[&server.secret_key]));
    assert_eq!(code, "AccessDenied", "{details:?}");
    assert_eq!(details.unwrap()["service"], "sts");
    assert_eq!(dynamodb.counts(), (0, 0));
    web_identity_inside_a_credential(roles, list).await;
}

/// webIdentity inside an `awsCredential`: the credential's token goes to STS (the fault server
/// answering real moto credentials) unsigned, and DynamoDB is signed with the answer.
async fn web_identity_inside_a_credential(roles: &Roles, list: Value) {
    let temporary = temporary_credentials();
    let token = web_token();
    let sts = FaultServer::start(vec![sts_answer("AssumeRoleWithWebIdentity", &temporary)]).await;
    let web =
        json!({"type": "webIdentity", "roleArn": roles.web_identity, "webIdentityToken": token});
    let web = in_credential(request(web, Some(&sts.url), list));
    let invocation = invoke(&web, &Tenant::default()).await;
    assert_eq!(invocation.http_requests, 2);
    let secret = temporary["secretKey"].as_str().unwrap();
    let listed = outcome(invocation, &[secret, &token]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed["status"], "OK", "{listed}");
    let received = sts.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("authorization"), None);
    let form = form(&received[0]);
    assert_eq!(param(&form, "Action"), Some("AssumeRoleWithWebIdentity"));
    assert_eq!(param(&form, "RoleArn"), Some(roles.web_identity.as_str()));
    assert_eq!(param(&form, "WebIdentityToken"), Some(token.as_str()));
}

/// Not a test: what one STS call adds to an invocation against moto (median of 200 getItem
/// invocations with assumeRole and with the same user's keys). Run by hand:
/// `cargo test --test identity -- --ignored --nocapture sts_round_trip`.
#[tokio::test]
#[ignore]
async fn sts_round_trip_cost() {
    let roles = roles();
    let server: Server = moto();
    let table = unique_table("identity-cost");
    let keys = json!({"type": "credentials", "accessKey": server.access_key, "secretKey": server.secret_key});
    let create = table_input(
        &table,
        "createTable",
        json!({"partitionKey": "id", "partitionKeyType": "S", "billingModeStr": "PAY_PER_REQUEST"}),
    );
    assert!(
        outcome(
            invoke(&request(keys.clone(), None, create), &Tenant::default()).await,
            &[]
        )
        .is_ok()
    );
    let get = item_input(
        &table,
        "getItem",
        json!({"primaryKeyComponents": {"id": "x"}}),
    );
    let mut medians = Vec::new();
    for auth in [
        keys.clone(),
        assume_role(&roles.with_dynamodb, &roles.external_id),
    ] {
        let request = request(auth, None, get.clone());
        let mut times = Vec::new();
        for _ in 0..200 {
            let started = std::time::Instant::now();
            assert!(outcome(invoke(&request, &Tenant::default()).await, &[]).is_ok());
            times.push(started.elapsed());
        }
        times.sort();
        medians.push(times[100]);
    }
    println!(
        "getItem median: keys {:?}, assumeRole {:?}, STS adds {:?}",
        medians[0],
        medians[1],
        medians[1].saturating_sub(medians[0])
    );
}
