//! deleteTable: DeleteTable, then wait until the table is gone. Its `action` is Camunda's,
//! `delete Table [<name>]`.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::table_wait::{TableGoal, wait_for_table};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of deleteTable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeleteTable {
    /// Table name.
    pub table_name: String,
}

impl ReadOperation for DeleteTable {
    const NAME: &'static str = "deleteTable";

    const FIELDS: &'static [&'static [&'static str]] = &[&[field::TABLE_NAME]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            table_name: input.table_name(field::TABLE_NAME)?,
        })
    }
}

impl Operation for DeleteTable {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        context.call("DeleteTable", &json!({ "TableName": self.table_name }))?;
        wait_for_table(context, &self.table_name, TableGoal::Gone)?;
        let mut outcome = Outcome::new(Value::Null);
        outcome.action = Some(format!("delete Table [{}]", self.table_name));
        Ok(outcome)
    }
}
