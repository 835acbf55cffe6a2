//! transactWriteItems: TransactWriteItems with an idempotency token (generated when the request
//! gives none); answers the token, so a retry of the whole request can reuse it.

use serde_json::json;

use crate::error::ConnectorError;
use crate::input::Fields;
use crate::input::field;
use crate::ops::engines::consumed_capacity::{
    ReturnConsumedCapacity, Shape, with_consumed_capacity,
};
use crate::ops::engines::transact_items::read_transact_items;
use crate::ops::{Context, Operation, Outcome, ReadOperation};
use crate::value::ValueFormat;
use crate::wire::Platform;

/// Input of transactWriteItems.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TransactWriteItems {
    /// Up to 100 Put / Update / Delete / ConditionCheck items, in DynamoDB's shape.
    pub items: Vec<serde_json::Value>,
    /// Idempotency token (generated when absent).
    pub client_request_token: Option<String>,
    /// `ReturnConsumedCapacity` (per table).
    pub return_consumed_capacity: Option<ReturnConsumedCapacity>,
}

impl ReadOperation for TransactWriteItems {
    const NAME: &'static str = "transactWriteItems";

    const FIELDS: &'static [&'static [&'static str]] = &[&[
        field::TRANSACT_ITEMS,
        field::CLIENT_REQUEST_TOKEN,
        field::RETURN_CONSUMED_CAPACITY,
    ]];

    fn read(input: Fields, format: ValueFormat) -> Result<Self, ConnectorError> {
        let token = input.non_empty_string(field::CLIENT_REQUEST_TOKEN)?;
        if token.as_ref().is_some_and(|t| t.len() > 36) {
            return Err(input.error(field::CLIENT_REQUEST_TOKEN, "must be at most 36 characters"));
        }
        Ok(Self {
            items: read_transact_items(input, format, true)?,
            client_request_token: token,
            return_consumed_capacity: ReturnConsumedCapacity::read(input)?,
        })
    }
}

impl Operation for TransactWriteItems {
    fn run(&self, context: &mut Context<'_>) -> Result<Outcome, ConnectorError> {
        let token = self
            .client_request_token
            .clone()
            .unwrap_or_else(|| idempotency_token(context.client.platform()));
        let mut body = json!({ "TransactItems": self.items, "ClientRequestToken": token });
        ReturnConsumedCapacity::apply(self.return_consumed_capacity, &mut body);
        context.call("TransactWriteItems", &body)?;
        let outcome = Outcome::new(json!({ "clientRequestToken": token }));
        let asked = self.return_consumed_capacity;
        Ok(with_consumed_capacity(
            outcome,
            asked,
            context,
            Shape::PerTable,
        ))
    }
}

/// A version 4 UUID, for `ClientRequestToken`.
fn idempotency_token(platform: &mut dyn Platform) -> String {
    let (high, low) = (platform.random_u64(), platform.random_u64());
    let high = (high & !0xF000) | 0x4000; // version 4
    let low = (low & !(0xC << 60)) | (0x8 << 60); // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn idempotency_tokens_are_version_4_uuids() {
        struct Fixed(u64);
        impl Platform for Fixed {
            fn send(
                &mut self,
                _: &crate::wire::HttpRequest,
                _: Duration,
            ) -> Result<crate::wire::HttpResponse, crate::wire::SendError> {
                Err(crate::wire::SendError::transient("offline"))
            }
            fn now(&self) -> std::time::SystemTime {
                std::time::SystemTime::UNIX_EPOCH
            }
            fn monotonic(&self) -> Duration {
                Duration::ZERO
            }
            fn sleep(&mut self, _: Duration) {}
            fn random_u64(&mut self) -> u64 {
                self.0 = self
                    .0
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                self.0
            }
            fn env(&self, _: &str) -> Option<String> {
                None
            }
        }
        let token = idempotency_token(&mut Fixed(7));
        assert_eq!(token.len(), 36);
        assert_eq!(&token[14..15], "4");
        assert!(matches!(&token[19..20], "8" | "9" | "a" | "b"), "{token}");
        assert_ne!(token, idempotency_token(&mut Fixed(8)));
    }
}
