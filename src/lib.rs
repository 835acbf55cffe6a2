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
pub mod request_size;
pub mod signing;
pub mod value;

#[cfg(target_arch = "wasm32")]
mod component;
#[cfg(target_arch = "wasm32")]
mod wasi_platform;

pub use client::Platform;
pub use error::ConnectorError;
pub use request_size::MAX_REQUEST_BYTES;

/// Runs one request given as JSON text; returns `{"action": ..., "status": "OK", "response": ...}`.
pub fn execute_json<P: Platform>(
    request: &str,
    platform: &mut P,
) -> Result<serde_json::Value, ConnectorError> {
    request_size::reset_budget();
    request_size::check(request, "request")?;
    let request = input::parse_request_json(request)?;
    operation::execute(&request, platform)
}
