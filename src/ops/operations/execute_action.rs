//! executeAction: any DynamoDB or DynamoDB Streams API action by name, with its JSON body as
//! given; the response is the service's JSON answer. Only names of the two APIs are sent (the
//! list is botocore's service models, `dynamodb/2012-08-10` and `dynamodbstreams/2012-08-10`).

use serde_json::{Map, Value};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;
use crate::wire::Api;

/// Every API action of DynamoDB.
pub(crate) const DYNAMODB_ACTIONS: &[&str] = &[
    "BatchExecuteStatement",
    "BatchGetItem",
    "BatchWriteItem",
    "CancelBulkOperation",
    "CreateBackup",
    "CreateGlobalTable",
    "CreateTable",
    "DeleteBackup",
    "DeleteItem",
    "DeleteResourcePolicy",
    "DeleteTable",
    "DescribeBackup",
    "DescribeBulkOperation",
    "DescribeContinuousBackups",
    "DescribeContributorInsights",
    "DescribeEndpoints",
    "DescribeExport",
    "DescribeGlobalTable",
    "DescribeGlobalTableSettings",
    "DescribeImport",
    "DescribeKinesisStreamingDestination",
    "DescribeLimits",
    "DescribeTable",
    "DescribeTableReplicaAutoScaling",
    "DescribeTimeToLive",
    "DisableKinesisStreamingDestination",
    "EnableKinesisStreamingDestination",
    "ExecuteStatement",
    "ExecuteTransaction",
    "ExportTableToPointInTime",
    "GetItem",
    "GetResourcePolicy",
    "ImportTable",
    "ListBackups",
    "ListBulkOperations",
    "ListContributorInsights",
    "ListExports",
    "ListGlobalTables",
    "ListImports",
    "ListTables",
    "ListTagsOfResource",
    "PutItem",
    "PutResourcePolicy",
    "Query",
    "RestoreTableFromBackup",
    "RestoreTableToPointInTime",
    "Scan",
    "SearchVectors",
    "StartBulkPutItems",
    "TagResource",
    "TransactGetItems",
    "TransactWriteItems",
    "UntagResource",
    "UpdateContinuousBackups",
    "UpdateContributorInsights",
    "UpdateGlobalTable",
    "UpdateGlobalTableSettings",
    "UpdateItem",
    "UpdateKinesisStreamingDestination",
    "UpdateTable",
    "UpdateTableReplicaAutoScaling",
    "UpdateTimeToLive",
];

/// Every API action of DynamoDB Streams.
pub(crate) const STREAMS_ACTIONS: &[&str] = &[
    "DescribeStream",
    "GetRecords",
    "GetShardIterator",
    "ListStreams",
];

/// Input of executeAction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExecuteAction {
    /// The API the action belongs to.
    pub api: Api,
    /// The action's name, such as `TagResource`.
    pub action: &'static str,
    /// Its JSON body, sent as given.
    pub body: Value,
}

impl ReadOperation for ExecuteAction {
    const NAME: &'static str = "executeAction";

    const FIELDS: &'static [&'static [&'static str]] = &[&[field::ACTION, field::REQUEST]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        let name = input.required_string(field::ACTION)?;
        let (api, action) = find_action(&name).ok_or_else(|| {
            let hint = DYNAMODB_ACTIONS
                .iter()
                .chain(STREAMS_ACTIONS)
                .find(|a| a.eq_ignore_ascii_case(name.trim()))
                .map(|a| format!(" (did you mean {a}?)"))
                .unwrap_or_default();
            input.error(
                field::ACTION,
                format!("is not an API action of DynamoDB or DynamoDB Streams{hint}"),
            )
        })?;
        let body = input.map(field::REQUEST)?.unwrap_or_else(Map::new);
        Ok(Self {
            api,
            action,
            body: Value::Object(body),
        })
    }
}

/// The API and the canonical name of the action `name`, if it is one.
pub(crate) fn find_action(name: &str) -> Option<(Api, &'static str)> {
    let find = |actions: &[&'static str]| actions.iter().copied().find(|a| *a == name);
    find(DYNAMODB_ACTIONS)
        .map(|a| (Api::DynamoDb, a))
        .or_else(|| find(STREAMS_ACTIONS).map(|a| (Api::Streams, a)))
}

impl Operation for ExecuteAction {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let answer = context.client.call_api(self.api, self.action, &self.body)?;
        Ok(Outcome::new(answer))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ops::testing::{context, error_field, read, request};
    use crate::wire::testing::{Scripted, answer};

    fn input(group: &str, action: Value, body: Value) -> Value {
        let mut input = json!({"operationGroup": group, "action": action, "request": body});
        let key = if group == "tableOperation" {
            "tableOperation"
        } else {
            "itemOperation"
        };
        input[key] = json!("executeAction");
        input
    }

    #[test]
    fn sends_the_body_as_given_to_the_api_the_action_belongs_to() {
        let tag: ExecuteAction = read(input(
            "tableOperation",
            json!("TagResource"),
            json!({"ResourceArn": "arn:x", "Tags": [{"Key": "k", "Value": "v"}]}),
        ));
        assert_eq!((tag.api, tag.action), (Api::DynamoDb, "TagResource"));
        // JSON text works as well as an object, in either group.
        let records: ExecuteAction = read(input(
            "itemOperation",
            json!("GetRecords"),
            json!("{\"ShardIterator\": \"it\", \"Limit\": 5}"),
        ));
        assert_eq!(records.body, json!({"ShardIterator": "it", "Limit": 5}));
        let mut platform = Scripted::new(vec![
            answer(200, &[], "{}"),
            answer(200, &[], r#"{"Records":[],"NextShardIterator":"next"}"#),
        ]);
        let mut context = context(&mut platform);
        let tagged = tag.run(&mut context).unwrap();
        let read_records = records.run(&mut context).unwrap();
        drop(context);
        assert_eq!(tagged.into_result("executeAction")["response"], json!({}));
        assert_eq!(
            read_records.into_result("executeAction")["response"]["NextShardIterator"],
            "next"
        );
        let targets: Vec<String> = platform
            .sent
            .iter()
            .map(|(r, _)| {
                r.headers
                    .iter()
                    .find(|(n, _)| *n == "x-amz-target")
                    .unwrap()
                    .1
                    .clone()
            })
            .collect();
        assert_eq!(
            targets,
            [
                "DynamoDB_20120810.TagResource",
                "DynamoDBStreams_20120810.GetRecords"
            ]
        );
        let sent: Value = serde_json::from_slice(&platform.sent[0].0.body).unwrap();
        assert_eq!(sent["Tags"][0]["Key"], "k");
    }

    #[test]
    fn unknown_actions_and_bad_bodies_are_named() {
        for action in [
            json!("DropEverything"),
            json!("tagresource"),
            json!(""),
            json!(5),
            json!("GetItem "),
        ] {
            let req = request(input("tableOperation", action.clone(), json!({})));
            assert_eq!(error_field(&req), "input.action", "{action}");
        }
        let mut no_action = input("itemOperation", json!("GetItem"), json!({}));
        no_action.as_object_mut().unwrap().remove("action");
        assert_eq!(error_field(&request(no_action)), "input.action");
        for body in [json!([1]), json!("{oops"), json!(7)] {
            let req = request(input("itemOperation", json!("GetItem"), body.clone()));
            assert_eq!(error_field(&req), "input.request", "{body}");
        }
        let hint = crate::request::parse_request(&request(input(
            "tableOperation",
            json!("tagresource"),
            json!({}),
        )))
        .unwrap_err();
        assert!(
            hint.to_string().contains("did you mean TagResource?"),
            "{hint}"
        );
    }
}
