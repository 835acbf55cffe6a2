//! executeStatement: one PartiQL statement (ExecuteStatement); answers its items and the
//! `nextToken` to continue with.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::{Context, Operation, Outcome, ReadOperation, set};
use crate::value::{self, ValueFormat};

/// DynamoDB's limit on a PartiQL statement.
const MAX_STATEMENT_BYTES: usize = 8192;

/// Input of executeStatement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExecuteStatement {
    /// The statement.
    pub statement: String,
    /// `?` parameters, as attribute values.
    pub parameters: Option<Vec<Value>>,
    /// Strongly consistent read.
    pub consistent_read: Option<bool>,
    /// Where to continue.
    pub next_token: Option<String>,
    /// Items to evaluate.
    pub limit: Option<u64>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

impl ReadOperation for ExecuteStatement {
    const NAME: &'static str = "executeStatement";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::STATEMENT,
        field::PARAMETERS,
        field::CONSISTENT_READ,
        field::NEXT_TOKEN,
        field::LIMIT,
        field::RETURN_CONSUMED_CAPACITY,
    ]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        let statement = input.required_string(field::STATEMENT)?;
        if statement.len() > MAX_STATEMENT_BYTES {
            return Err(input.error(
                field::STATEMENT,
                "exceeds DynamoDB's PartiQL limit of 8192 bytes",
            ));
        }
        Ok(Self {
            statement,
            parameters: read_parameters(input, format)?,
            consistent_read: input.bool(field::CONSISTENT_READ)?,
            next_token: input.non_empty_string(field::NEXT_TOKEN)?,
            limit: input.u64_in(field::LIMIT, 1..=1_000_000)?,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

/// `parameters`: a list of values, each converted to an attribute value.
fn read_parameters(
    input: Fields,
    format: ValueFormat,
) -> Result<Option<Vec<Value>>, ConnectorError> {
    input
        .list(field::PARAMETERS)?
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, v)| {
                    let path = format!("{}[{i}]", input.field(field::PARAMETERS));
                    match format {
                        ValueFormat::Plain => value::from_plain(v, &path, 1),
                        ValueFormat::Typed => value::check_typed(v, &path, 1),
                    }
                    .map_err(|e| ConnectorError::config(e.path, e.message))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
}

impl Operation for ExecuteStatement {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut body = json!({ "Statement": self.statement });
        set(&mut body, "Parameters", &self.parameters);
        set(&mut body, "ConsistentRead", &self.consistent_read);
        set(&mut body, "NextToken", &self.next_token);
        set(&mut body, "Limit", &self.limit);
        ReturnConsumedCapacity::apply(self.return_consumed_capacity, &mut body);
        let mut answer = context.call("ExecuteStatement", &body)?;
        let found = match answer["Items"].take() {
            Value::Array(found) => found,
            _ => Vec::new(),
        };
        let response =
            json!({ "items": context.items(found), "nextToken": answer["NextToken"].take() });
        let asked = self.return_consumed_capacity;
        Ok(with_consumed_capacity(
            Outcome::new(response),
            asked,
            context,
            Shape::OneTable,
        ))
    }
}
