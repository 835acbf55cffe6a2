//! The wasm glue, compiled only for wasm32: exports `connectors:dynamodb/connector` and, for the
//! served form, `wasi:http/incoming-handler` ([`served`]). The typed
//! `execute` is mapped to the JSON request shape ([`to_request`]), so both entry points share
//! one reader and one set of checks; errors are mapped back ([`errors`]); [`platform`] is the
//! sandbox's wasi:http, clocks, random and environment.

mod errors;
mod platform;
mod served;
mod to_envelope;
mod to_request;

use errors::to_wit_error;
use platform::WasiPlatform;

wit_bindgen::generate!({
    world: "dynamodb-connector-served",
    path: "wit",
    with: {
        "wasi:http/outgoing-handler@0.2.12": wasip2::http::outgoing_handler,
        "wasi:http/types@0.2.12": wasip2::http::types,
        "wasi:io/streams@0.2.12": wasip2::io::streams,
        "wasi:io/poll@0.2.12": wasip2::io::poll,
        "wasi:io/error@0.2.12": wasip2::io::error,
        "wasi:clocks/monotonic-clock@0.2.12": wasip2::clocks::monotonic_clock,
        "wasi:clocks/wall-clock@0.2.12": wasip2::clocks::wall_clock,
        "wasi:random/random@0.2.12": wasip2::random::random,
        "wasi:cli/environment@0.2.12": wasip2::cli::environment,
    },
});

use connectors::dynamodb::types as wit;
use exports::connectors::dynamodb::connector::Guest;

struct Component;

export!(Component);

impl Guest for Component {
    fn execute(request: wit::Request) -> Result<wit::Response, wit::ConnectorError> {
        let json_request = to_request::to_json_request(request).map_err(to_wit_error)?;
        let request = crate::parse_request(&json_request).map_err(to_wit_error)?;
        let result = crate::execute(request, &mut WasiPlatform).map_err(to_wit_error)?;
        // The response, and of the members beside it only the consumed capacity.
        let consumed =
            result
                .outcome
                .beside
                .iter()
                .find_map(|(name, member)| match (name.as_str(), member) {
                    ("consumedCapacity", crate::ops::Beside::Value(value)) => {
                        Some(value.to_string())
                    }
                    _ => None,
                });
        Ok(wit::Response {
            action: result.action,
            status: "OK".to_string(),
            response_json: result.outcome.response.to_json_text(),
            consumed_capacity_json: consumed,
        })
    }

    fn execute_json(request: String) -> Result<String, wit::ConnectorError> {
        crate::execute_json(&request, &mut WasiPlatform).map_err(to_wit_error)
    }
}
