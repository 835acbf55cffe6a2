//! Amazon DynamoDB connector, as a WebAssembly component.
//!
//! A request (JSON, Camunda's connector shape, or the typed WIT record) is read and checked
//! by [`input`], run by [`operation`] as DynamoDB JSON-protocol calls that [`client`] builds,
//! [`signing`] signs and the host's `wasi:http/outgoing-handler` sends; [`value`] converts
//! item values exactly and [`error`] gives every failure one of three kinds.
//!
//! All of it but the thin wasm glue (`component`, `wasi_platform`) is free of I/O and runs
//! natively in unit tests.

pub mod client;
pub mod error;
pub mod fields;
pub mod input;
pub mod operation;
pub mod signing;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod component;
#[cfg(target_arch = "wasm32")]
mod wasi_platform;

pub use client::Platform;
pub use error::ConnectorError;

/// The largest request accepted, in bytes of JSON: room for the largest legitimate one (a
/// batch of 25 writes of 400 KB items, base64 binary included) with its JSON overhead. Larger
/// requests are refused before they are parsed, so that no request can exhaust the sandbox's
/// memory on the way to a clear error.
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

/// Runs one request given as JSON text; returns `{"action": ..., "status": "OK", "response": ...}`.
pub fn execute_json<P: Platform>(
    request: &str,
    platform: &mut P,
) -> Result<serde_json::Value, ConnectorError> {
    if request.len() > MAX_REQUEST_BYTES {
        return Err(ConnectorError::Configuration {
            field: Some("request".into()),
            message: format!(
                "the request is {} bytes, over the limit of {MAX_REQUEST_BYTES} bytes",
                request.len()
            ),
        });
    }
    let request = input::parse_request_json(request)?;
    operation::execute(&request, platform)
}
