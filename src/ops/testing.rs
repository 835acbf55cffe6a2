//! Test support: read an operation from its `input` fields through the whole reader, and run
//! one against a scripted platform.

use serde_json::{Value, json};

use super::registry::read_operation;
use super::{Context, Operation, ReadOperation};
use crate::error::ConnectorError;
use crate::input::read_envelope;
use crate::wire::testing::Scripted;
use crate::wire::{Client, Credentials, Platform, parse_endpoint};

/// A request around `input`, with static credentials and a loopback endpoint.
pub(crate) fn request(input: Value) -> Value {
    json!({
        "authentication": {"type": "credentials", "accessKey": "AKIDEXAMPLE", "secretKey": "s3cr3t"},
        "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:8000"},
        "input": input,
    })
}

/// What the reader makes of `request`: the operation's name and the operation.
fn read_request(request: &Value) -> Result<(&'static str, Box<dyn Operation>), ConnectorError> {
    let (envelope, input) = read_envelope(request)?;
    read_operation(input, envelope.value_format)
}

/// The operation `input` describes, as its own type: the whole reader accepts it as `T`, and
/// `T`'s reader gives it.
pub(crate) fn read<T: ReadOperation>(input: Value) -> T {
    let request = request(input);
    let (name, _) = read_request(&request).unwrap();
    assert_eq!(name, T::NAME, "the input names another operation");
    let (envelope, input) = read_envelope(&request).unwrap();
    T::read(input, envelope.value_format).unwrap()
}

/// The field a request's configuration error names.
pub(crate) fn error_field(request: &Value) -> String {
    match read_request(request) {
        Err(ConnectorError::Configuration { field, .. }) => field.unwrap_or_default(),
        Ok((name, _)) => panic!("expected a configuration error, got {name}"),
        Err(other) => panic!("expected a configuration error, got {other:?}"),
    }
}

/// A context whose calls go to `platform`, with typed output.
pub(crate) fn context(platform: &mut Scripted) -> Context<'_> {
    let credentials = Credentials {
        access_key: "AK".into(),
        secret_key: "SK".into(),
        session_token: None,
    };
    let endpoint = parse_endpoint("http://127.0.0.1:9").unwrap();
    let client = Client::new(
        platform as &mut dyn Platform,
        credentials,
        "us-east-1".into(),
        endpoint,
        Default::default(),
    );
    Context {
        client,
        output: Default::default(),
        wait_timeout: Default::default(),
        consumed: Default::default(),
    }
}
