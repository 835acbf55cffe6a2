//! Test support: read an operation from its `input` fields through the whole request reader.

use serde_json::{Value, json};

use super::Operation;
use crate::error::ConnectorError;
use crate::request::parse_request;

/// A request around `input`, with static credentials and a loopback endpoint.
pub(crate) fn request(input: Value) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDEXAMPLE", "secretKey": "s3cr3t"},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"},
        "input": input,
    })
}

/// The operation `input` describes, as its own type.
pub(crate) fn read<T: Operation>(input: Value) -> T {
    let operation: Box<dyn std::any::Any> = parse_request(&request(input)).unwrap().operation;
    *operation
        .downcast::<T>()
        .expect("the input names another operation")
}

/// The field a request's configuration error names.
pub(crate) fn error_field(request: &Value) -> String {
    match parse_request(request) {
        Err(ConnectorError::Configuration { field, .. }) => field.unwrap_or_default(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}
