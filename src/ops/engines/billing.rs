//! Billing mode and capacity, as createTable and updateTable read and send them.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;

/// Provisioned capacity, or on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Billing {
    /// PROVISIONED with read and write capacity units.
    Provisioned {
        /// Read capacity units.
        read: u64,
        /// Write capacity units.
        write: u64,
    },
    /// PAY_PER_REQUEST.
    PayPerRequest,
}

/// `billingModeStr` (or `billingMode`): the mode, capacity not yet read.
pub(crate) fn read_billing_mode(input: Fields) -> Result<Option<Billing>, ConnectorError> {
    let (mode, key) = match input.string(field::BILLING_MODE_STR)? {
        Some(mode) => (mode, field::BILLING_MODE_STR),
        None => match input.string(field::BILLING_MODE)? {
            Some(mode) => (mode, field::BILLING_MODE),
            None => return Ok(None),
        },
    };
    if mode.eq_ignore_ascii_case("PAY_PER_REQUEST") {
        Ok(Some(Billing::PayPerRequest))
    } else if mode.eq_ignore_ascii_case("PROVISIONED") {
        Ok(Some(Billing::Provisioned { read: 0, write: 0 }))
    } else {
        Err(input.error(key, "must be PROVISIONED or PAY_PER_REQUEST"))
    }
}

/// PROVISIONED with `readCapacityUnits` and `writeCapacityUnits`, both required.
pub(crate) fn read_provisioned(input: Fields) -> Result<Billing, ConnectorError> {
    let capacity = |key: &str| {
        input
            .u64_in(key, 1..=40_000)?
            .ok_or_else(|| input.error(key, "is required for billing mode PROVISIONED"))
    };
    Ok(Billing::Provisioned {
        read: capacity(field::READ_CAPACITY_UNITS)?,
        write: capacity(field::WRITE_CAPACITY_UNITS)?,
    })
}

/// Sets `BillingMode` and, when provisioned, `ProvisionedThroughput`.
pub(crate) fn set_billing(body: &mut Value, billing: Billing) {
    match billing {
        Billing::Provisioned { read, write } => {
            body["BillingMode"] = json!("PROVISIONED");
            body["ProvisionedThroughput"] =
                json!({ "ReadCapacityUnits": read, "WriteCapacityUnits": write });
        }
        Billing::PayPerRequest => body["BillingMode"] = json!("PAY_PER_REQUEST"),
    }
}
