//! The server's log: one JSON object a line on stderr (`tracing-subscriber`'s JSON format), one
//! line per request, and startup and shutdown lines. A line never holds a token, a key, a
//! request's or an item's values: a request's line names its tenant and operation only.

use serde::Deserialize;

/// Sends `tracing`'s events to stderr as JSON lines, with their time.
pub(crate) fn init() {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
}

/// What the request's line says about one request.
#[derive(Debug, Default)]
pub(crate) struct RequestRecord {
    /// The tenant, once authenticated.
    pub(crate) tenant: Option<String>,
    /// The operation the request names (`getItem`, …), when it names one well.
    pub(crate) operation: Option<String>,
    /// HTTP requests the invocation started (each attempt of each call).
    pub(crate) attempts: u32,
    /// Of which the egress policy refused.
    pub(crate) refused: u32,
    /// Fuel the invocation used.
    pub(crate) fuel: u64,
    /// Why the host failed, when it did (a stable code, never the guest's text).
    pub(crate) failure: Option<&'static str>,
}

impl RequestRecord {
    /// Writes the request's line.
    pub(crate) fn write(&self, request_id: &str, status: u16, duration: std::time::Duration) {
        tracing::info!(
            request_id,
            tenant = self.tenant.as_deref().unwrap_or(super::metrics::NO_TENANT),
            operation = self.operation.as_deref().unwrap_or("-"),
            status,
            duration_ms = duration.as_secs_f64() * 1000.0,
            attempts = self.attempts,
            refused = self.refused,
            fuel = self.fuel,
            failure = self.failure.unwrap_or("-"),
            "request"
        );
    }
}

/// The operation a request body names (`input.tableOperation` or `input.itemOperation`),
/// read without keeping anything else of it. Only a plain name is kept: the field is the
/// caller's text, and the log must not carry what a caller put there by mistake.
pub(crate) fn operation_of(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Envelope {
        input: Option<Input>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Input {
        table_operation: Option<String>,
        item_operation: Option<String>,
    }
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    let input = envelope.input?;
    let name = input.table_operation.or(input.item_operation)?;
    let plain =
        !name.is_empty() && name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphabetic());
    plain.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operation_is_read_and_nothing_odd_is_kept() {
        let get = br#"{"authentication":{"type":"credentials","secretAccessKey":"S"},"input":{"operationGroup":"itemOperation","itemOperation":"getItem","key":{"id":{"S":"x"}}}}"#;
        assert_eq!(operation_of(get).as_deref(), Some("getItem"));
        let list =
            br#"{"input":{"operationGroup":"tableOperation","tableOperation":"listTables"}}"#;
        assert_eq!(operation_of(list).as_deref(), Some("listTables"));
        let odd = br#"{"input":{"itemOperation":"AKIA-secret value"}}"#;
        assert_eq!(operation_of(odd), None);
        assert_eq!(operation_of(b"not json"), None);
        assert_eq!(operation_of(br#"{"input":{"itemOperation":7}}"#), None);
    }
}
