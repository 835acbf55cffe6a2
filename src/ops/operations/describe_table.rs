//! describeTable: DescribeTable; answers the table description.

use serde_json::json;

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of describeTable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DescribeTable {
    /// Table name.
    pub table_name: String,
}

impl ReadOperation for DescribeTable {
    const NAME: &'static str = "describeTable";

    const FIELDS: &'static [&'static [&'static str]] = &[&[field::TABLE_NAME]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
        })
    }
}

impl Operation for DescribeTable {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut answer = context.call("DescribeTable", &json!({ "TableName": self.table_name }))?;
        Ok(Outcome::new(answer["Table"].take()))
    }
}
