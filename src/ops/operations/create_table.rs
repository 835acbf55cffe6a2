//! createTable: CreateTable, then wait until the table is ACTIVE; answers its description.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::billing::{Billing, read_billing_mode, read_provisioned, set_billing};
use crate::ops::engines::table_wait::{TableGoal, wait_for_table};
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;

/// Input of createTable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateTable {
    /// Table name.
    pub table_name: String,
    /// One or two key attributes.
    pub key_schema: Vec<KeyAttribute>,
    /// Billing mode and capacity.
    pub billing: Billing,
    /// Whether the table is protected from deletion.
    pub deletion_protection: bool,
}

/// Key attribute type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    /// `B`
    Binary,
    /// `N`
    Number,
    /// `S`
    String,
}

impl KeyType {
    /// DynamoDB's name of the type.
    pub fn code(self) -> &'static str {
        match self {
            Self::Binary => "B",
            Self::Number => "N",
            Self::String => "S",
        }
    }
}

/// Role of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRole {
    /// Partition key.
    Hash,
    /// Sort key.
    Range,
}

impl KeyRole {
    /// DynamoDB's name of the role.
    pub fn code(self) -> &'static str {
        match self {
            Self::Hash => "HASH",
            Self::Range => "RANGE",
        }
    }
}

/// One attribute of a key schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyAttribute {
    /// Attribute name.
    pub name: String,
    /// HASH or RANGE.
    pub role: KeyRole,
    /// B, N or S.
    pub key_type: KeyType,
}

impl ReadOperation for CreateTable {
    const NAME: &'static str = "createTable";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TABLE_NAME,
        field::PARTITION_KEY,
        field::PARTITION_KEY_ROLE,
        field::PARTITION_KEY_TYPE,
        field::SORT_KEY,
        field::SORT_KEY_ROLE,
        field::SORT_KEY_TYPE,
        field::READ_CAPACITY_UNITS,
        field::WRITE_CAPACITY_UNITS,
        field::BILLING_MODE_STR,
        field::BILLING_MODE,
        field::DELETION_PROTECTION,
    ]];

    fn read(input: Fields, _: ValueFormat) -> Result<Self, ConnectorError> {
        let table_name = input.table_name(field::TABLE_NAME)?;
        let partition = KeyAttribute {
            name: attribute_name(input, field::PARTITION_KEY)?,
            role: key_role(input, field::PARTITION_KEY_ROLE)?.unwrap_or(KeyRole::Hash),
            key_type: key_type(input, field::PARTITION_KEY_TYPE)?
                .ok_or_else(|| input.error(field::PARTITION_KEY_TYPE, "is required: B, N or S"))?,
        };
        let mut key_schema = vec![partition];
        if input.non_empty_string(field::SORT_KEY)?.is_some() {
            key_schema.push(KeyAttribute {
                name: attribute_name(input, field::SORT_KEY)?,
                role: key_role(input, field::SORT_KEY_ROLE)?.unwrap_or(KeyRole::Range),
                key_type: key_type(input, field::SORT_KEY_TYPE)?.ok_or_else(|| {
                    input.error(field::SORT_KEY_TYPE, "is required with sortKey: B, N or S")
                })?,
            });
            if key_schema[0].name == key_schema[1].name {
                return Err(input.error(field::SORT_KEY, "must differ from partitionKey"));
            }
            if key_schema[0].role == key_schema[1].role {
                return Err(input.error(
                    field::SORT_KEY_ROLE,
                    "one key must be HASH and the other RANGE",
                ));
            }
            key_schema.sort_by_key(|k| k.role != KeyRole::Hash);
        } else if key_schema[0].role != KeyRole::Hash {
            return Err(input.error(field::PARTITION_KEY_ROLE, "a table's only key must be HASH"));
        }
        let billing = match read_billing_mode(input)? {
            Some(Billing::PayPerRequest) => Billing::PayPerRequest,
            _ => read_provisioned(input)?,
        };
        Ok(CreateTable {
            table_name,
            key_schema,
            billing,
            deletion_protection: input.bool(field::DELETION_PROTECTION)?.unwrap_or(false),
        })
    }
}

impl CreateTable {
    /// The CreateTable body.
    pub fn body(&self) -> Value {
        let mut definitions: Vec<Value> = Vec::new();
        let mut schema: Vec<Value> = Vec::new();
        for key in &self.key_schema {
            definitions
                .push(json!({ "AttributeName": key.name, "AttributeType": key.key_type.code() }));
            schema.push(json!({ "AttributeName": key.name, "KeyType": key.role.code() }));
        }
        let mut body = json!({
            "TableName": self.table_name,
            "AttributeDefinitions": definitions,
            "KeySchema": schema,
            "DeletionProtectionEnabled": self.deletion_protection,
        });
        set_billing(&mut body, self.billing);
        body
    }
}

impl Operation for CreateTable {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        context.call("CreateTable", &self.body())?;
        let table = wait_for_table(context, &self.table_name, TableGoal::Active)?;
        Ok(Outcome::new(table))
    }
}

fn key_role(input: Fields, key: &str) -> Result<Option<KeyRole>, ConnectorError> {
    Ok(match input.non_empty_string(key)? {
        None => None,
        Some(s) if s.eq_ignore_ascii_case("HASH") => Some(KeyRole::Hash),
        Some(s) if s.eq_ignore_ascii_case("RANGE") => Some(KeyRole::Range),
        Some(_) => return Err(input.error(key, "must be HASH or RANGE")),
    })
}

fn key_type(input: Fields, key: &str) -> Result<Option<KeyType>, ConnectorError> {
    Ok(match input.non_empty_string(key)?.as_deref() {
        None => None,
        Some("B" | "b") => Some(KeyType::Binary),
        Some("N" | "n") => Some(KeyType::Number),
        Some("S" | "s") => Some(KeyType::String),
        Some(_) => return Err(input.error(key, "must be B, N or S")),
    })
}

fn attribute_name(input: Fields, key: &str) -> Result<String, ConnectorError> {
    let name = input.required_string(key)?;
    if name.len() > 255 {
        return Err(input.error(key, "must be 1 to 255 bytes long"));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::read;

    #[test]
    fn create_table_reads_keys_billing_and_lenient_scalars() {
        let create: CreateTable = read(json!({
            "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
            "partitionKey": "id", "partitionKeyRole": "HASH", "partitionKeyType": "N",
            "sortKey": "at", "sortKeyRole": "RANGE", "sortKeyType": "S",
            "readCapacityUnits": "5", "writeCapacityUnits": 7, "billingModeStr": "PROVISIONED",
            "deletionProtection": "true",
        }));
        assert_eq!(create.billing, Billing::Provisioned { read: 5, write: 7 });
        assert!(create.deletion_protection);
        assert_eq!(create.key_schema[1].name, "at");
        assert_eq!(create.key_schema[1].key_type, KeyType::String);
    }

    #[test]
    fn create_table_body_has_schema_and_billing() {
        let create: CreateTable = read(json!({
            "operationGroup": "tableOperation", "tableOperation": "createTable", "tableName": "orders",
            "partitionKey": "at", "partitionKeyRole": "RANGE", "partitionKeyType": "S",
            "sortKey": "id", "sortKeyRole": "HASH", "sortKeyType": "N",
            "billingModeStr": "PAY_PER_REQUEST", "deletionProtection": true,
        }));
        assert_eq!(
            create.body(),
            json!({
                "TableName": "orders",
                "AttributeDefinitions": [
                    {"AttributeName": "id", "AttributeType": "N"},
                    {"AttributeName": "at", "AttributeType": "S"},
                ],
                "KeySchema": [
                    {"AttributeName": "id", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "BillingMode": "PAY_PER_REQUEST",
                "DeletionProtectionEnabled": true,
            })
        );
    }
}
