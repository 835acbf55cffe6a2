//! Reading DynamoDB's answer: the status and the error it describes, the body's CRC32, then the
//! body as a tree ([`read_response`]) or by a decoder of the operation's own ([`read_decoded`]).

use serde_json::Value;

use super::http::HttpResponse;
use crate::error::{self, ConnectorError};

/// An answer read by a decoder of its own, or (where the decoder left it) as a tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<T> {
    /// What the decoder made of the body.
    Decoded(T),
    /// The body as [`read_response`] reads it.
    Tree(Value),
}

/// Reads DynamoDB's answer with `decode`, checked as [`read_response`] checks it (status,
/// CRC32); a body `decode` leaves (`None`) is read by [`read_response`], with its errors.
pub fn read_decoded<T>(
    response: &HttpResponse,
    decode: impl Fn(&[u8]) -> Option<T>,
) -> Result<Answer<T>, ConnectorError> {
    check_response(response)?;
    match decode(&response.body) {
        Some(decoded) => Ok(Answer::Decoded(decoded)),
        None => parse_body(response).map(Answer::Tree),
    }
}

/// Reads DynamoDB's answer: the JSON body of a 200, or the error it describes.
pub fn read_response(response: &HttpResponse) -> Result<Value, ConnectorError> {
    check_response(response)?;
    parse_body(response)
}

fn request_id(response: &HttpResponse) -> Option<String> {
    response
        .header("x-amzn-requestid")
        .or_else(|| response.header("x-amz-request-id"))
        .map(str::to_string)
}

/// A 200 whose body is whole, or the error the answer describes.
fn check_response(response: &HttpResponse) -> Result<(), ConnectorError> {
    if response.status != 200 {
        return Err(error::from_error_response(
            response.status,
            request_id(response),
            &response.body,
        ));
    }
    // DynamoDB sends the CRC32 of the body; a mismatch means it was damaged on the way.
    if let Some(expected) = response.header("x-amz-crc32") {
        let actual = super::crc32::crc32(&response.body);
        if expected.trim().parse::<u32>().ok() != Some(actual) {
            return Err(ConnectorError::Execution {
                code: "Crc32Mismatch".into(),
                message: format!("the body's CRC32 is {actual}, but x-amz-crc32 says {expected}"),
                http_status: response.status,
                request_id: request_id(response),
                retryable: true,
                attempts: 1,
                details: None,
            });
        }
    }
    Ok(())
}

/// A checked answer's body as a JSON object.
fn parse_body(response: &HttpResponse) -> Result<Value, ConnectorError> {
    let invalid = |message: String| ConnectorError::Execution {
        code: "InvalidResponse".into(),
        message,
        http_status: response.status,
        request_id: request_id(response),
        retryable: true,
        attempts: 1,
        details: None,
    };
    // An action without output may answer nothing: an empty body (botocore reads it as `{}`),
    // or, from dynalite, `""`.
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice(&response.body) {
        // Every answer of the JSON protocol is an object; the operations index into it.
        Ok(Value::Object(answer)) => Ok(Value::Object(answer)),
        Ok(Value::Null) => Ok(Value::Object(Default::default())),
        Ok(Value::String(s)) if s.is_empty() => Ok(Value::Object(Default::default())),
        Ok(_) => Err(invalid("DynamoDB's answer is not a JSON object".into())),
        Err(e) => Err(invalid(format!("DynamoDB's answer is not valid JSON: {e}"))),
    }
}
