//! The things measured: a wasm component in the host (ours, or the AWS SDK built for
//! wasm32-wasip2), and the native AWS SDK for Rust. boto3 runs out of process (`boto3_bench.py`).

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use ddb_connector_host::{ConnectorHost, Tenant};
use serde_json::{Value, json};

use crate::canned_server::{KEY, item_plain};

/// A DynamoDB-compatible server and what to call it with.
#[derive(Debug, Clone)]
pub struct Target {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Table read and written (partition key `id`, a string).
    pub table: String,
}

impl Target {
    /// The canned server at `endpoint`: the credentials and table every canned run uses.
    pub fn canned(endpoint: String) -> Self {
        Target {
            endpoint,
            access_key: "AKIDBENCHMARK".into(),
            secret_key: "benchmark-secret".into(),
            table: "bench".into(),
        }
    }

    /// The connector's request JSON for `input` against this target.
    pub fn request(&self, input: Value) -> String {
        json!({
            "authentication": {"type": "credentials", "accessKey": self.access_key, "secretKey": self.secret_key},
            "configuration": {"region": "us-east-1", "endpoint": self.endpoint},
            "input": input,
        })
        .to_string()
    }
}

/// The calls compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// GetItem of the 1 KB item.
    GetItem,
    /// PutItem of the 1 KB item.
    PutItem,
}

impl Op {
    /// Both, in report order.
    pub const ALL: [Op; 2] = [Op::GetItem, Op::PutItem];

    /// DynamoDB's name of the call.
    pub fn name(self) -> &'static str {
        match self {
            Op::GetItem => "GetItem",
            Op::PutItem => "PutItem",
        }
    }
}

/// One way of making the calls.
pub enum Peer {
    /// A component exporting `connectors:dynamodb/connector`, a fresh instance per call.
    Component {
        /// The host it runs in.
        host: Arc<ConnectorHost>,
        /// The getItem request JSON.
        get: String,
        /// The addItem request JSON.
        put: String,
    },
    /// aws-sdk-dynamodb, one client for all calls.
    NativeSdk {
        /// The client.
        client: aws_sdk_dynamodb::Client,
        /// The table.
        table: String,
        /// The item PutItem writes.
        item: HashMap<String, AttributeValue>,
    },
}

/// What one call reports beyond success.
#[derive(Debug, Default, Clone, Copy)]
pub struct CallReport {
    /// Linear memory high-water of the instance, for components.
    pub memory_high_water: Option<usize>,
    /// Wasm fuel the call used (about one unit per wasm instruction), for components.
    pub fuel: Option<u64>,
}

impl Peer {
    /// A component peer for `target`.
    pub fn component(host: Arc<ConnectorHost>, target: &Target) -> Self {
        Peer::Component {
            host,
            get: target.request(
                json!({"operationGroup": "itemOperation", "itemOperation": "getItem",
                                 "tableName": target.table, "primaryKeyComponents": {"id": KEY}}),
            ),
            put: target.request(
                json!({"operationGroup": "itemOperation", "itemOperation": "addItem",
                                 "tableName": target.table, "item": item_plain()}),
            ),
        }
    }

    /// The component in `host` making one call with `input` against `target`, for both ops.
    pub fn component_with(host: Arc<ConnectorHost>, target: &Target, input: Value) -> Self {
        let request = target.request(input);
        Peer::Component {
            host,
            get: request.clone(),
            put: request,
        }
    }

    /// The native SDK for `target`, configured as its documentation shows, endpoint overridden;
    /// with `ca_pem`, its https client trusts that CA (and only that).
    pub fn native_sdk(target: &Target, ca_pem: Option<&[u8]>) -> Self {
        use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
        let mut config = aws_sdk_dynamodb::Config::builder();
        if let Some(pem) = ca_pem {
            use aws_smithy_http_client::tls;
            let context = tls::TlsContext::builder()
                .with_trust_store(tls::TrustStore::empty().with_pem_certificate(pem.to_vec()))
                .build()
                .expect("a valid CA");
            let client = aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::AwsLc,
                ))
                .tls_context(context)
                .build_https();
            config = config.http_client(client);
        }
        let config = config
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&target.endpoint)
            .credentials_provider(Credentials::new(
                &target.access_key,
                &target.secret_key,
                None,
                None,
                "benchmark",
            ))
            .build();
        let item = match item_plain() {
            Value::Object(map) => map
                .into_iter()
                .map(|(name, value)| {
                    let value = match value {
                        Value::String(s) => AttributeValue::S(s),
                        Value::Bool(b) => AttributeValue::Bool(b),
                        other => AttributeValue::N(other.to_string()),
                    };
                    (name, value)
                })
                .collect(),
            _ => unreachable!("the item is an object"),
        };
        Peer::NativeSdk {
            client: aws_sdk_dynamodb::Client::from_conf(config),
            table: target.table.clone(),
            item,
        }
    }

    /// Makes one call and checks its answer.
    pub async fn call(&self, op: Op) -> Result<CallReport, String> {
        match self {
            Peer::Component { host, get, put } => {
                let request = if op == Op::GetItem { get } else { put };
                call_component(host, request, op).await
            }
            Peer::NativeSdk {
                client,
                table,
                item,
            } => call_native(client, table, item, op).await,
        }
    }
}

/// Invokes the component in `host` with `request` (the JSON of `op`) and checks its answer.
async fn call_component(host: &ConnectorHost, request: &str, op: Op) -> Result<CallReport, String> {
    let invocation = host
        .execute_json(request, &Tenant::default())
        .await
        .map_err(|e| format!("{e:#}"))?;
    let answer = invocation.result.map_err(|e| e.to_string())?;
    let expected = if op == Op::GetItem {
        // The item's 960-character payload (`{"S": ...}`: getItem answers in
        // DynamoDB's typed form), checked in place: this runs inside the timing.
        answer
            .split_once(r#""payload":{"S":""#)
            .and_then(|(_, rest)| rest.as_bytes().get(..=960))
            .is_some_and(|p| p[960] == b'"' && p[..960].iter().all(|&b| b == b'x'))
    } else {
        answer.contains(r#""status":"OK""#)
    };
    if !expected {
        return Err(format!("unexpected answer: {answer:.200}"));
    }
    Ok(CallReport {
        memory_high_water: Some(invocation.memory_high_water),
        fuel: Some(invocation.fuel_consumed),
    })
}

/// Makes `op` through the native SDK's `client` on `table` (PutItem writes `item`) and checks
/// GetItem's answer.
async fn call_native(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    item: &HashMap<String, AttributeValue>,
    op: Op,
) -> Result<CallReport, String> {
    match op {
        Op::GetItem => {
            let output = client
                .get_item()
                .table_name(table)
                .key("id", AttributeValue::S(KEY.into()))
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
            let payload = output
                .item()
                .and_then(|item| item.get("payload")?.as_s().ok());
            if payload.map(String::len) != Some(960) {
                return Err(format!("unexpected item: {:?}", output.item()));
            }
        }
        Op::PutItem => {
            client
                .put_item()
                .table_name(table)
                .set_item(Some(item.clone()))
                .send()
                .await
                .map_err(|e| format!("{e:?}"))?;
        }
    }
    Ok(CallReport::default())
}
