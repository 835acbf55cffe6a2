//! A whole request: its envelope and its operation, read and checked, then run.

use serde_json::Value;

use crate::error::ConnectorError;
use crate::input::authentication::check_web_identity_token;
use crate::input::{Auth, Envelope, read_envelope};
use crate::ops::registry::read_operation;
use crate::ops::{Completed, Context, Operation};
use crate::wire::sts::AssumeRoleWithWebIdentity;
use crate::wire::{Client, Credentials, Platform, Transport};

/// A checked request: who signs, where it goes, what it does.
#[derive(Debug)]
pub struct Request {
    /// Authentication, configuration and options.
    pub envelope: Envelope,
    /// The operation's name in the registry, its result's default `action`.
    pub name: &'static str,
    /// What to do.
    pub operation: Box<dyn Operation>,
}

/// Reads and checks a request given as JSON text: through the fast reader
/// ([`crate::fast_request`]) when it takes the request, else through the checking reader.
pub fn parse_request_json(text: &str) -> Result<Request, ConnectorError> {
    match crate::fast_request::read_fast(text) {
        Some(request) => Ok(request),
        None => parse_checked_json(text),
    }
}

/// Reads and checks a request given as JSON text through the checking reader, which names
/// the field of every problem.
pub(crate) fn parse_checked_json(text: &str) -> Result<Request, ConnectorError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ConnectorError::Configuration {
        field: None,
        message: format!("the request is not valid JSON: {e}"),
    })?;
    parse_request(&value)
}

/// Reads and checks a request given as a JSON value.
pub fn parse_request(value: &Value) -> Result<Request, ConnectorError> {
    let (envelope, input) = read_envelope(value)?;
    let (name, operation) = read_operation(input, envelope.value_format)?;
    Ok(Request {
        envelope,
        name,
        operation,
    })
}

/// Runs a checked request to the end; returns its result, `{"action": ..., "status": "OK",
/// "response": ...}` once written ([`Completed::to_json_text`]). It takes the request, so its
/// keys, region and endpoints move into the client instead of being copied.
pub fn execute<P: Platform>(
    request: Request,
    platform: &mut P,
) -> Result<Completed, ConnectorError> {
    let Request {
        mut envelope,
        name,
        operation,
    } = request;
    let mut transport = Transport::new(platform as &mut dyn Platform, envelope.retry);
    let auth = std::mem::replace(&mut envelope.auth, Auth::DefaultChain);
    let credentials = credentials_for(auth, &envelope, &mut transport)?;
    let client = Client::with_endpoints(
        transport,
        credentials,
        envelope.region,
        envelope.endpoint,
        envelope.streams_endpoint,
    );
    let mut context = Context {
        client,
        output: envelope.output,
        wait_timeout: envelope.wait_timeout,
        consumed: Default::default(),
    };
    let outcome = operation.run(&mut context)?;
    Ok(outcome.completed(name))
}

/// The credentials that sign the invocation's DynamoDB calls under `auth` (the envelope's,
/// moved out of it): given, from the sandbox's environment, or a role's from STS (one STS call;
/// when it fails, nothing goes to DynamoDB).
fn credentials_for(
    auth: Auth,
    envelope: &Envelope,
    transport: &mut Transport<'_, dyn Platform + '_>,
) -> Result<Credentials, ConnectorError> {
    match auth {
        Auth::Static(credentials) => Ok(credentials),
        Auth::DefaultChain => environment_keys("defaultCredentialsChain", transport),
        Auth::AssumeRole { call, caller } => {
            let caller = match caller {
                Some(keys) => keys,
                None => environment_keys("assumeRole", transport)?,
            };
            envelope.sts().assume_role(transport, &caller, &call)
        }
        Auth::WebIdentity { session, token } => {
            let token = match token {
                Some(token) => token.0,
                None => environment_token(transport)?,
            };
            let call = AssumeRoleWithWebIdentity { session, token };
            envelope
                .sts()
                .assume_role_with_web_identity(transport, &call)
        }
    }
}

fn environment_keys(
    kind: &str,
    transport: &mut Transport<'_, dyn Platform + '_>,
) -> Result<Credentials, ConnectorError> {
    let platform = transport.platform();
    Credentials::from_environment(kind, |name| platform.env(name))
}

/// `AWS_WEB_IDENTITY_TOKEN` (the SDKs read a file; a sandbox has none, so the host passes the
/// token itself).
fn environment_token(
    transport: &mut Transport<'_, dyn Platform + '_>,
) -> Result<String, ConnectorError> {
    let field = "authentication.webIdentityToken";
    let token = transport
        .platform()
        .env("AWS_WEB_IDENTITY_TOKEN")
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            ConnectorError::config(
                field,
                "is required: not given, and AWS_WEB_IDENTITY_TOKEN is not set in the connector's environment",
            )
        })?;
    check_web_identity_token(&token)
        .map_err(|m| ConnectorError::config(field, format!("(AWS_WEB_IDENTITY_TOKEN) {m}")))?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::engines::write_options::WriteOptions;
    use crate::ops::operations::describe_table::DescribeTable;
    use crate::ops::operations::update_item::{AttributeAction, Update, UpdateItem};
    use crate::ops::testing::{error_field, request};
    use crate::wire::{Credentials, default_endpoint};
    use serde_json::json;

    /// The request's operation, as its `Debug` text (the operation and every field read).
    fn operation(request: &Request) -> String {
        format!("{:?}", request.operation)
    }

    #[test]
    fn reads_every_operation_in_both_forms() {
        let cases = [
            json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"}),
            json!({"operationGroup": "table", "type": "describeTable", "tableName": "orders"}),
        ];
        for input in cases {
            let req = parse_request(&request(input)).unwrap();
            let expected = DescribeTable {
                table_name: "orders".into(),
            };
            assert_eq!(operation(&req), format!("{expected:?}"));
            assert_eq!(req.envelope.endpoint.url(), "http://127.0.0.1:8000/");
        }
        let req = parse_request(&request(json!({
            "operationGroup": "itemOperation", "itemOperation": "updateItem", "tableName": "orders",
            "primaryKeyComponents": "{\"id\": 1}", "keyAttributes": {"n": "2"}, "attributeAction": "put",
        })))
        .unwrap();
        let expected = UpdateItem {
            table_name: "orders".into(),
            key: json!({"id": {"N": "1"}}).as_object().unwrap().clone(),
            update: Update::Attributes {
                attributes: json!({"n": {"S": "2"}}).as_object().unwrap().clone(),
                action: AttributeAction::Put,
            },
            options: WriteOptions::default(),
        };
        assert_eq!(operation(&req), format!("{expected:?}"));
    }

    #[test]
    fn bad_requests_name_the_field() {
        let table = |extra: Value| {
            let mut input = json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"});
            input
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            request(input)
        };
        let mut no_region = table(json!({}));
        no_region["configuration"]
            .as_object_mut()
            .unwrap()
            .remove("region");
        let mut bad_scheme = table(json!({}));
        bad_scheme["configuration"]["endpoint"] = json!("ftp://127.0.0.1:8000");
        let mut userinfo = table(json!({}));
        userinfo["configuration"]["endpoint"] = json!("http://user:pw@127.0.0.1:8000");
        let mut no_secret = table(json!({}));
        no_secret["authentication"]
            .as_object_mut()
            .unwrap()
            .remove("secretKey");
        let cases = [
            (no_region, "configuration.region"),
            (bad_scheme, "configuration.endpoint"),
            (userinfo, "configuration.endpoint"),
            (no_secret, "authentication.secretKey"),
            (table(json!({"tableName": "x"})), "input.tableName"),
            (table(json!({"tableName": "bad name!"})), "input.tableName"),
            (table(json!({"tableName": 42})), "input.tableName"),
            (
                table(json!({"tableOperation": "dropTable"})),
                "input.tableOperation",
            ),
            (table(json!({"tabelName": "orders"})), "input.tabelName"),
            (
                table(json!({"operationGroup": "other"})),
                "input.operationGroup",
            ),
            (
                table(json!({"tableOperation": "getItem"})),
                "input.tableOperation",
            ),
            (
                request(
                    json!({"operationGroup": "itemOperation", "itemOperation": "addItem", "tableName": "orders", "item": "{oops"}),
                ),
                "input.item",
            ),
            (
                request(
                    json!({"operationGroup": "itemOperation", "itemOperation": "getItem", "tableName": "orders", "primaryKeyComponents": {"id": [1]}}),
                ),
                "input.primaryKeyComponents.id",
            ),
            (
                request(
                    json!({"operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders", "partitionKey": "id", "partitionKeyType": "N"}),
                ),
                "input.readCapacityUnits",
            ),
        ];
        for (req, field) in cases {
            assert_eq!(error_field(&req), field, "{req}");
        }
    }

    #[test]
    fn attribute_names_are_checked_against_dynamodb_limits() {
        let long = "a".repeat(70_000);
        let at_limit = "b".repeat(64 * 1024);
        let item = |item: Value| {
            request(
                json!({"operationGroup": "itemOperation", "itemOperation": "addItem",
                           "tableName": "orders", "item": item}),
            )
        };
        let get = |key: Value| {
            request(
                json!({"operationGroup": "itemOperation", "itemOperation": "getItem",
                           "tableName": "orders", "primaryKeyComponents": key}),
            )
        };
        let scan_names = |name: &str| {
            request(
                json!({"operationGroup": "tableOperation", "tableOperation": "scanTable",
                           "tableName": "orders", "expressionAttributeNames": {"#n": name}}),
            )
        };
        assert_eq!(
            error_field(&item(json!({"id": 1, long.clone(): 1}))),
            "input.item"
        );
        assert_eq!(
            error_field(&item(json!({"id": 1, "m": {long.clone(): 1}}))),
            "input.item.m"
        );
        assert!(parse_request(&item(json!({"id": 1, at_limit.clone(): 1}))).is_ok());
        assert_eq!(
            error_field(&get(json!({"k".repeat(256): 1}))),
            "input.primaryKeyComponents"
        );
        assert!(parse_request(&get(json!({"k".repeat(255): 1}))).is_ok());
        assert_eq!(
            error_field(&scan_names(&long)),
            "input.expressionAttributeNames.#n"
        );
        assert!(parse_request(&scan_names(&at_limit)).is_ok());
        // The error quotes the name's start, not 70,000 characters of it.
        let err = parse_request(&item(json!({"id": 1, long.clone(): 1}))).unwrap_err();
        assert!(err.to_string().len() < 400, "{}", err.to_string().len());
    }

    #[test]
    fn errors_never_echo_the_secret() {
        let mut req = request(json!({"operationGroup": "bogus"}));
        req["authentication"]["secretKey"] = json!("TOPSECRET\u{7}");
        let err = parse_request(&req).unwrap_err();
        assert!(!format!("{err:?}{err}").contains("TOPSECRET"));
        let creds = Credentials {
            access_key: "AK".into(),
            secret_key: "TOPSECRET".into(),
            session_token: Some("TOKENSECRET".into()),
        };
        assert!(!format!("{creds:?}").contains("SECRET"));
    }

    #[test]
    fn default_endpoints_follow_the_partition() {
        assert_eq!(
            default_endpoint("eu-west-1").url(),
            "https://dynamodb.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            default_endpoint("cn-north-1").url(),
            "https://dynamodb.cn-north-1.amazonaws.com.cn/"
        );
    }

    #[test]
    fn streams_go_to_their_endpoint_or_the_configured_one() {
        let input = json!({"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": "orders"});
        let streams_of = |configuration: Value| {
            let mut req = request(input.clone());
            req["configuration"] = configuration;
            parse_request(&req).unwrap().envelope.streams_endpoint.url()
        };
        assert_eq!(
            streams_of(json!({"region": "eu-west-1"})),
            "https://streams.dynamodb.eu-west-1.amazonaws.com/"
        );
        assert_eq!(
            streams_of(json!({"region": "cn-north-1"})),
            "https://streams.dynamodb.cn-north-1.amazonaws.com.cn/"
        );
        assert_eq!(
            streams_of(json!({"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"})),
            "http://127.0.0.1:8000/"
        );
        assert_eq!(
            streams_of(
                json!({"region": "us-east-1", "endpoint": "http://127.0.0.1:8000",
                              "streamsEndpoint": "https://streams.example.com"})
            ),
            "https://streams.example.com/"
        );
        let mut bad = request(input.clone());
        bad["configuration"]["streamsEndpoint"] = json!("ftp://x");
        assert_eq!(error_field(&bad), "configuration.streamsEndpoint");
    }
}
