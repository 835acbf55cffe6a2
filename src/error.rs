//! The connector's three kinds of error, and how DynamoDB's error responses become one.

use serde_json::{Map, Value, json};

/// Error codes that DynamoDB (and AWS in general) use for throttling; worth retrying.
const THROTTLING_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "BandwidthLimitExceeded",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// A connector error, of one of three kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorError {
    /// Bad or missing input; nothing was sent.
    Configuration {
        /// The request field at fault (`input.tableName`), when there is one.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The endpoint could not be reached, timed out, or the host refused the request.
    Connection {
        /// What went wrong.
        message: String,
        /// Requests attempted.
        attempts: u32,
    },
    /// DynamoDB (or what stands in front of it) answered with an error.
    Execution {
        /// DynamoDB's error code, such as `ResourceNotFoundException`.
        code: String,
        /// DynamoDB's message.
        message: String,
        /// The HTTP status of the answer.
        http_status: u16,
        /// The request id DynamoDB gave, if any.
        request_id: Option<String>,
        /// Whether the same request could succeed when retried.
        retryable: bool,
        /// Requests attempted.
        attempts: u32,
        /// What else DynamoDB said: the current `Item` of a failed condition, the
        /// `CancellationReasons` of a cancelled transaction.
        details: Option<Box<Value>>,
    },
}

impl ConnectorError {
    /// A configuration error about `field`.
    pub fn config(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Configuration {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Whether retrying the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Configuration { .. } => false,
            Self::Connection { .. } => true,
            Self::Execution { retryable, .. } => *retryable,
        }
    }

    /// Records how many requests were attempted.
    pub fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Self::Connection { attempts, .. } | Self::Execution { attempts, .. } => *attempts = n,
            Self::Configuration { .. } => {}
        }
        self
    }

    /// The error as the JSON the command-line runner prints: `{"error": {"kind": ..., ...}}`.
    pub fn to_json(&self) -> Value {
        let error = match self {
            Self::Configuration { field, message } => json!({
                "kind": "configuration",
                "code": "ConfigurationError",
                "field": field,
                "message": message,
            }),
            Self::Connection { message, attempts } => json!({
                "kind": "connection",
                "code": "ConnectionError",
                "message": message,
                "attempts": attempts,
            }),
            Self::Execution {
                code,
                message,
                http_status,
                request_id,
                retryable,
                attempts,
                details,
            } => json!({
                "kind": "execution",
                "code": code,
                "message": message,
                "httpStatus": http_status,
                "requestId": request_id,
                "retryable": retryable,
                "attempts": attempts,
                "details": details,
            }),
        };
        json!({ "error": error })
    }
}

impl std::fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Configuration {
                field: Some(field),
                message,
            } => write!(f, "configuration error in {field}: {message}"),
            Self::Configuration {
                field: None,
                message,
            } => write!(f, "configuration error: {message}"),
            Self::Connection { message, .. } => write!(f, "connection error: {message}"),
            Self::Execution {
                code,
                message,
                http_status,
                ..
            } => write!(f, "{code} (HTTP {http_status}): {message}"),
        }
    }
}

impl std::error::Error for ConnectorError {}

/// Turns an HTTP error answer into an execution error.
///
/// DynamoDB answers `{"__type": "com.amazonaws.dynamodb.v20120810#Code", "message": "..."}`;
/// what stands in front of it (a proxy, or an IAM check as moto does) may answer XML or
/// anything else, which still yields a code and a message.
pub fn from_error_response(status: u16, request_id: Option<String>, body: &[u8]) -> ConnectorError {
    // The body is parsed once; both the code and the details come from that one value.
    let json = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    };
    let (code, message) = json
        .as_ref()
        .and_then(json_code_and_message)
        .unwrap_or_else(|| parse_text_error(status, body));
    let retryable = status >= 500 || THROTTLING_CODES.contains(&code.as_str());
    ConnectorError::Execution {
        code,
        message,
        http_status: status,
        request_id,
        retryable,
        attempts: 1,
        details: json.and_then(error_details),
    }
}

/// The members of a JSON error body besides its code and message.
fn error_details(mut map: Map<String, Value>) -> Option<Box<Value>> {
    map.retain(|k, _| {
        !matches!(
            k.as_str(),
            "__type" | "message" | "Message" | "code" | "Code"
        )
    });
    (!map.is_empty()).then(|| Box::new(Value::Object(map)))
}

/// DynamoDB's `{"__type": "…#Code", "message": "…"}`; `None` when the body names no code.
fn json_code_and_message(map: &Map<String, Value>) -> Option<(String, String)> {
    let code = map
        .get("__type")
        .or_else(|| map.get("code"))
        .or_else(|| map.get("Code"))
        .and_then(Value::as_str)
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())?;
    let message = ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    Some((code, message))
}

/// AWS's XML error (`<Code>`, `<Message>`), or whatever else the body says.
fn parse_text_error(status: u16, body: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(body);
    if let Some(code_and_message) = crate::xml::error_code_and_message(&text) {
        return code_and_message;
    }
    let snippet: String = text.trim().chars().take(200).collect();
    let message = if snippet.is_empty() {
        format!("HTTP {status} with an empty body")
    } else {
        format!("HTTP {status}: {snippet}")
    };
    (format!("Http{status}"), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_give_code_message_and_retryability() {
        let cases: &[(u16, &str, &str, &str, bool)] = &[
            (
                400,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"#,
                "ResourceNotFoundException",
                "Requested resource not found",
                false,
            ),
            (
                400,
                r#"{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}"#,
                "ValidationException",
                "bad",
                false,
            ),
            (
                400,
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#,
                "ProvisionedThroughputExceededException",
                "slow down",
                true,
            ),
            (
                403,
                "<?xml version=\"1.0\"?><ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on</Message></Error><RequestId>x</RequestId></ErrorResponse>",
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match & so on",
                false,
            ),
            (
                503,
                "<html>Service Unavailable</html>",
                "Http503",
                "HTTP 503: <html>Service Unavailable</html>",
                true,
            ),
            (500, "", "Http500", "HTTP 500 with an empty body", true),
        ];
        for (status, body, code, message, retryable) in cases {
            let err = from_error_response(*status, Some("rid".into()), body.as_bytes());
            let ConnectorError::Execution {
                code: c,
                message: m,
                retryable: r,
                http_status,
                request_id,
                ..
            } = err
            else {
                panic!("not an execution error");
            };
            assert_eq!(
                (c.as_str(), m.as_str(), r),
                (*code, *message, *retryable),
                "{body}"
            );
            assert_eq!(http_status, *status);
            assert_eq!(request_id.as_deref(), Some("rid"));
        }
    }

    #[test]
    fn errors_render_as_json_with_their_kind() {
        let e = ConnectorError::config("input.tableName", "missing");
        assert_eq!(e.to_json()["error"]["kind"], "configuration");
        assert_eq!(e.to_json()["error"]["field"], "input.tableName");
        let e = ConnectorError::Connection {
            message: "refused".into(),
            attempts: 3,
        };
        assert_eq!(e.to_json()["error"]["attempts"], 3);
        assert!(e.is_retryable());
    }
}
