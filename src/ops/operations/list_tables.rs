//! listTables: ListTables, following pages unless a `limit` asks for one page.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::{Context, Operation, Outcome, ReadOperation, set};
use crate::value::ValueFormat;

/// Input of listTables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListTables {
    /// Where to resume.
    pub exclusive_start_table_name: Option<String>,
    /// At most this many names (one page when set).
    pub limit: Option<u64>,
}

impl ReadOperation for ListTables {
    const NAME: &'static str = "listTables";

    const FIELDS: &'static [&'static [&'static str]] =
        &[&[field::EXCLUSIVE_START_TABLE_NAME, field::LIMIT]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        Ok(Self {
            exclusive_start_table_name: input.index_name(field::EXCLUSIVE_START_TABLE_NAME)?,
            limit: input.u64_in(field::LIMIT, 1..=100)?,
        })
    }
}

impl Operation for ListTables {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut start = self.exclusive_start_table_name.clone();
        let mut names = Vec::new();
        loop {
            let mut body = json!({});
            set(&mut body, "ExclusiveStartTableName", &start);
            set(&mut body, "Limit", &self.limit);
            let mut page = context.call("ListTables", &body)?;
            if let Value::Array(found) = page["TableNames"].take() {
                names.extend(found);
            }
            start = page["LastEvaluatedTableName"].as_str().map(str::to_string);
            // With a limit the caller pages; without, every page is followed.
            if start.is_none() || self.limit.is_some() {
                let response = json!({ "tableNames": names, "lastEvaluatedTableName": start });
                return Ok(Outcome::new(response));
            }
        }
    }
}
