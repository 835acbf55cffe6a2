//! Waiting for a table to settle after createTable, deleteTable and updateTable.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::ops::Context;

/// What a wait waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableGoal {
    /// The table is ACTIVE.
    Active,
    /// The table is gone.
    Gone,
}

/// Polls DescribeTable until the table is ACTIVE (returning its description) or gone,
/// for at most `timeout`.
pub(crate) fn wait_for_table(
    context: &mut Context<'_>,
    table_name: &str,
    goal: TableGoal,
) -> Result<Value, ConnectorError> {
    let timeout = context.wait_timeout;
    let mut waited = Duration::ZERO;
    let mut interval = Duration::from_millis(50);
    loop {
        let status = match context.call("DescribeTable", &json!({ "TableName": table_name })) {
            Ok(mut answer) => {
                let table = answer["Table"].take();
                if goal == TableGoal::Active && table["TableStatus"] == "ACTIVE" {
                    return Ok(table);
                }
                table["TableStatus"]
                    .as_str()
                    .unwrap_or("UNKNOWN")
                    .to_string()
            }
            Err(ConnectorError::Execution { code, .. })
                if goal == TableGoal::Gone && code == "ResourceNotFoundException" =>
            {
                return Ok(Value::Null);
            }
            Err(e) => return Err(e),
        };
        if waited >= timeout {
            let wanted = if goal == TableGoal::Active {
                "ACTIVE"
            } else {
                "deleted"
            };
            return Err(ConnectorError::Execution {
                code: "WaitTimeout".into(),
                message: format!(
                    "table {table_name} is still {status} after {} ms; it did not become {wanted} (raise input.waitTimeoutMs)",
                    waited.as_millis()
                ),
                http_status: 200,
                request_id: None,
                retryable: true,
                attempts: 1,
                details: None,
            });
        }
        let pause = interval.min(timeout - waited);
        context.client.platform().sleep(pause);
        waited += pause;
        interval = (interval * 2).min(Duration::from_secs(1));
    }
}
