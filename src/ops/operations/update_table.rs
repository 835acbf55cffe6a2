//! updateTable: UpdateTable (billing, capacity, deletion protection) and/or UpdateTimeToLive,
//! then wait until the table is ACTIVE again.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::billing::{Billing, read_billing_mode, read_provisioned, set_billing};
use crate::ops::engines::table_wait::{TableGoal, wait_for_table};
use crate::ops::{Context, Operation, Outcome, ReadOperation, set};
use crate::value::ValueFormat;

/// Billing, protection and TTL changes of updateTable.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct UpdateTable {
    /// Table name.
    pub table_name: String,
    /// New billing mode and capacity.
    pub billing: Option<Billing>,
    /// Turn deletion protection on or off.
    pub deletion_protection: Option<bool>,
    /// TTL attribute and whether TTL is on.
    pub time_to_live: Option<(String, bool)>,
}

impl ReadOperation for UpdateTable {
    const NAME: &'static str = "updateTable";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TABLE_NAME,
        field::BILLING_MODE_STR,
        field::BILLING_MODE,
        field::READ_CAPACITY_UNITS,
        field::WRITE_CAPACITY_UNITS,
        field::DELETION_PROTECTION,
        field::TIME_TO_LIVE_ATTRIBUTE,
        field::TIME_TO_LIVE_ENABLED,
    ]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        let billing = match read_billing_mode(input)? {
            None if input.has(field::READ_CAPACITY_UNITS)
                || input.has(field::WRITE_CAPACITY_UNITS) =>
            {
                Some(read_provisioned(input)?)
            }
            None => None,
            Some(Billing::PayPerRequest) => Some(Billing::PayPerRequest),
            Some(Billing::Provisioned { .. }) => Some(read_provisioned(input)?),
        };
        let time_to_live = match (
            input.non_empty_string(field::TIME_TO_LIVE_ATTRIBUTE)?,
            input.bool(field::TIME_TO_LIVE_ENABLED)?,
        ) {
            (Some(attribute), enabled) => Some((attribute, enabled.unwrap_or(true))),
            (None, Some(_)) => {
                return Err(input.error(
                    field::TIME_TO_LIVE_ATTRIBUTE,
                    "is required with timeToLiveEnabled",
                ));
            }
            (None, None) => None,
        };
        let update = Self {
            table_name: input.table_name(field::TABLE_NAME)?,
            billing,
            deletion_protection: input.bool(field::DELETION_PROTECTION)?,
            time_to_live,
        };
        if update.billing.is_none()
            && update.deletion_protection.is_none()
            && update.time_to_live.is_none()
        {
            return Err(input.error(
                field::TABLE_NAME,
                "updateTable needs something to change: billingModeStr, capacity units, deletionProtection or timeToLiveAttribute",
            ));
        }
        Ok(update)
    }
}

impl Operation for UpdateTable {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let mut time_to_live = Value::Null;
        if self.billing.is_some() || self.deletion_protection.is_some() {
            let mut body = json!({ "TableName": self.table_name });
            if let Some(billing) = self.billing {
                set_billing(&mut body, billing);
            }
            set(
                &mut body,
                "DeletionProtectionEnabled",
                &self.deletion_protection,
            );
            context.call("UpdateTable", &body)?;
        }
        if let Some((attribute, enabled)) = &self.time_to_live {
            let body = json!({
                "TableName": self.table_name,
                "TimeToLiveSpecification": { "AttributeName": attribute, "Enabled": enabled },
            });
            time_to_live =
                context.call("UpdateTimeToLive", &body)?["TimeToLiveSpecification"].take();
        }
        let table = wait_for_table(context, &self.table_name, TableGoal::Active)?;
        Ok(Outcome::new(
            json!({ "table": table, "timeToLive": time_to_live }),
        ))
    }
}
