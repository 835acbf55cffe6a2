//! describeTimeToLive: DescribeTimeToLive; answers the table's TimeToLiveDescription
//! (`TimeToLiveStatus` and, once set, `AttributeName`).

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of describeTimeToLive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DescribeTimeToLive {
    /// Table name.
    pub table_name: String,
}

impl ReadOperation for DescribeTimeToLive {
    const NAME: &'static str = "describeTimeToLive";

    const FIELDS: &'static [&'static [&'static str]] = &[&[field::TABLE_NAME]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
        })
    }
}

impl DescribeTimeToLive {
    /// The DescribeTimeToLive body.
    pub fn body(&self) -> Value {
        json!({ "TableName": self.table_name })
    }
}

impl Operation for DescribeTimeToLive {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut answer = context.call("DescribeTimeToLive", &self.body())?;
        Ok(Outcome::new(answer["TimeToLiveDescription"].take()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::{context, error_field, read, request};
    use crate::wire::testing::{Scripted, answer};

    fn input(table: Value) -> Value {
        json!({"operationGroup": "tableOperation", "tableOperation": "describeTimeToLive", "tableName": table})
    }

    #[test]
    fn reads_the_table_name_and_answers_the_description() {
        let describe: DescribeTimeToLive = read(input(json!("orders")));
        assert_eq!(describe.body(), json!({"TableName": "orders"}));
        let mut platform = Scripted::new(vec![answer(
            200,
            &[],
            r#"{"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expires"}}"#,
        )]);
        let outcome = describe.run(&mut context(&mut platform)).unwrap();
        assert_eq!(
            outcome.into_result("describeTimeToLive"),
            json!({"action": "describeTimeToLive", "status": "OK",
                   "response": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}})
        );
        let sent = &platform.sent[0].0;
        assert!(sent.headers.contains(&(
            "x-amz-target",
            "DynamoDB_20120810.DescribeTimeToLive".into()
        )));
    }

    #[test]
    fn a_bad_table_name_or_an_unknown_field_is_named() {
        assert_eq!(error_field(&request(input(json!("x")))), "input.tableName");
        let mut extra = input(json!("orders"));
        extra["timeToLiveAttribute"] = json!("expires");
        assert_eq!(error_field(&request(extra)), "input.timeToLiveAttribute");
        let mut item_group = input(json!("orders"));
        item_group["operationGroup"] = json!("itemOperation");
        item_group["itemOperation"] = json!("describeTimeToLive");
        assert_eq!(error_field(&request(item_group)), "input.itemOperation");
    }
}
