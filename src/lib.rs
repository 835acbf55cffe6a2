//! Amazon DynamoDB connector, as a WebAssembly component.
//!
//! Dependencies run one way, from the top of this list to the bottom:
//!
//! - `wasm` (wasm32 only): the WIT bindings, the typed request mapped to the JSON one, errors
//!   mapped back, and the wasi:http [`Platform`].
//! - [`served`]: the served form's HTTP rules (routes, statuses, body cap) over [`execute_json`].
//! - [`request`]: a whole request, read ([`input`] + [`ops::registry`]) and run.
//! - [`ops`]: one file per operation, the engines they share, and the registry that lists them.
//! - [`input`]: the request reader: the envelope and a field reader that names paths.
//! - [`wire`]: one DynamoDB call: endpoint, credentials, HTTP, retry, signing, the client.
//! - [`value`] (exact attribute values), [`error`] (the three error kinds) and [`xml`] (AWS's XML
//!   answers), used by all.
//!
//! All of it but `wasm` is free of I/O and runs natively in unit tests.

pub mod error;
mod fast_request;
pub mod input;
pub mod ops;
pub mod request;
pub mod served;
pub mod value;
pub mod wire;
pub mod xml;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::ConnectorError;
pub use input::request_size::{self, MAX_REQUEST_BYTES};
pub use request::{Request, execute, parse_request, parse_request_json};
pub use wire::Platform;

/// Runs one request given as JSON text; returns the JSON text of its result,
/// `{"action": ..., "status": "OK", "response": ...}`, written straight from the outcome (never
/// a second tree of it).
pub fn execute_json<P: Platform>(
    request: &str,
    platform: &mut P,
) -> Result<String, ConnectorError> {
    request_size::check_request(request, "request")?;
    let request = parse_request_json(request)?;
    Ok(execute(request, platform)?.into_json_text())
}

/// The unit tests see the map type the component ships with.
#[cfg(test)]
mod shipped_features {
    /// The component builds serde_json without `preserve_order` (objects are sorted maps); a
    /// test build that unifies it in (the host enables it) would test another map type.
    #[test]
    fn serde_json_objects_are_sorted_maps_as_in_the_component() {
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(r#"{"b": 1, "a": 2}"#).unwrap();
        assert_eq!(
            object.keys().collect::<Vec<_>>(),
            ["a", "b"],
            "preserve_order is enabled in this build: run the guest's tests alone, `cargo test -p ddb-connector`"
        );
    }
}
