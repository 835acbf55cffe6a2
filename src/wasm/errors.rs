//! The connector's errors as the WIT `connector-error`.

use super::wit;
use crate::error::ConnectorError;

/// The WIT form of `error`; `details` travel as JSON text.
pub fn to_wit_error(error: ConnectorError) -> wit::ConnectorError {
    match error {
        ConnectorError::Configuration { field, message } => {
            wit::ConnectorError::Configuration(wit::ConfigurationError { field, message })
        }
        ConnectorError::Connection { message, attempts } => {
            wit::ConnectorError::Connection(wit::ConnectionError { message, attempts })
        }
        ConnectorError::Execution {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
            details,
        } => wit::ConnectorError::Execution(wit::ExecutionError {
            code,
            message,
            http_status,
            request_id,
            retryable,
            attempts,
            details_json: details.map(|d| d.to_string()),
        }),
    }
}
