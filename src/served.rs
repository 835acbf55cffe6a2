//! The served form's rules: what an HTTP request to the component's `wasi:http/incoming-handler`
//! gets back. Pure, so that it is tested natively; `wasm/served.rs` only moves bytes.
//!
//! - `POST /` with the request JSON as body: `200` and the result JSON.
//! - A connector error: its JSON (`{"error": {"kind": …}}`, as the command-line runner prints
//!   it) with `400` (configuration), `502` (connection) or the status of [`execution_status`].
//! - Another method on `/`: `405` (with `Allow: POST`); another path: `404`.
//! - A body over [`MAX_BODY_BYTES`]: `413`, and nothing of it is parsed.
//!
//! An answer never holds the request's secrets: errors name fields, never their values.

use serde_json::{Value, json};

use crate::error::ConnectorError;
use crate::wire::Platform;

/// The largest request body the served form reads: the connector's request-size cap.
pub const MAX_BODY_BYTES: usize = crate::MAX_REQUEST_BYTES;

/// What an HTTP request asks of the served form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `POST /`: run the request in the body.
    Execute,
    /// `/` with a method other than POST.
    MethodNotAllowed,
    /// Any other path.
    NotFound,
}

/// The route of `method` (as the HTTP request line spells it) and `path_with_query`.
pub fn route(method: &str, path_with_query: &str) -> Route {
    let path = path_with_query.split('?').next().unwrap_or_default();
    match (path, method) {
        ("/" | "", "POST") => Route::Execute,
        ("/" | "", _) => Route::MethodNotAllowed,
        _ => Route::NotFound,
    }
}

/// An HTTP answer: status, JSON body, and the headers beyond `Content-Type: application/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The JSON text of the body.
    pub body: String,
    /// Extra headers (`Allow` on a 405).
    pub headers: Vec<(&'static str, &'static str)>,
}

impl Answer {
    fn json(status: u16, body: &Value) -> Self {
        Self::text(status, body.to_string())
    }

    fn text(status: u16, body: String) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }
}

/// The answer to a request that is not `POST /`.
pub fn refusal(route: Route) -> Answer {
    let error = |code: &str, message: &str| json!({"error": {"kind": "http", "code": code, "message": message}});
    match route {
        Route::MethodNotAllowed => Answer {
            headers: vec![("allow", "POST")],
            ..Answer::json(
                405,
                &error("MethodNotAllowed", "send the request JSON with POST /"),
            )
        },
        _ => Answer::json(404, &error("NotFound", "the connector is served at POST /")),
    }
}

/// The answer to a body of `size` bytes (or more) over [`MAX_BODY_BYTES`].
pub fn too_large(size: usize) -> Answer {
    let error = ConnectorError::config(
        "request",
        format!(
            "the request body is at least {size} bytes, over the limit of {MAX_BODY_BYTES} bytes"
        ),
    );
    Answer::json(413, &error.to_json())
}

/// The answer when the request body could not be read (the client went away mid-body).
pub fn unreadable_body() -> Answer {
    let error = ConnectorError::config("request", "the request body could not be read");
    Answer::json(400, &error.to_json())
}

/// Runs the request in `body` and answers with its result or its error.
pub fn execute<P: Platform>(body: &[u8], platform: &mut P) -> Answer {
    let outcome = match std::str::from_utf8(body) {
        Ok(text) => crate::execute_json(text, platform),
        Err(_) => Err(ConnectorError::config(
            "request",
            "the request body is not UTF-8 text",
        )),
    };
    match outcome {
        Ok(result) => Answer::text(200, result),
        Err(error) => Answer::json(error_status(&error), &error.to_json()),
    }
}

/// The HTTP status of a connector error.
pub fn error_status(error: &ConnectorError) -> u16 {
    match error {
        ConnectorError::Configuration { .. } => 400,
        ConnectorError::Connection { .. } => 502,
        ConnectorError::Execution {
            http_status,
            retryable,
            ..
        } => execution_status(*http_status, *retryable),
    }
}

/// The status of an execution error, from DynamoDB's: its own for a client error (`400`,
/// `403`, `404`…), `429` for throttling (DynamoDB says 400 and retryable), `502` when DynamoDB
/// failed (5xx) or answered what no HTTP client error says, and `504` for a table wait that
/// ran out of time (an error the connector makes, with DynamoDB's last status, 200).
pub fn execution_status(dynamodb_status: u16, retryable: bool) -> u16 {
    match dynamodb_status {
        400 if retryable => 429,
        400..=499 => dynamodb_status,
        200..=299 => 504,
        _ => 502,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::testing::{Scripted, answer};

    #[test]
    fn routes_post_slash_and_refuses_the_rest() {
        assert_eq!(route("POST", "/"), Route::Execute);
        assert_eq!(route("POST", "/?tenant=a"), Route::Execute);
        assert_eq!(route("GET", "/"), Route::MethodNotAllowed);
        assert_eq!(route("post", "/"), Route::MethodNotAllowed);
        assert_eq!(route("POST", "/execute"), Route::NotFound);
        assert_eq!(route("GET", "/../"), Route::NotFound);
        let refused = refusal(Route::MethodNotAllowed);
        assert_eq!(
            (refused.status, refused.headers),
            (405, vec![("allow", "POST")])
        );
        assert_eq!(refusal(Route::NotFound).status, 404);
    }

    #[test]
    fn each_error_kind_has_its_status() {
        let configuration = ConnectorError::config("input.tableName", "is required");
        let connection = ConnectorError::Connection {
            message: "refused".into(),
            attempts: 3,
        };
        assert_eq!(error_status(&configuration), 400);
        assert_eq!(error_status(&connection), 502);
        assert_eq!(execution_status(400, false), 400);
        assert_eq!(execution_status(403, false), 403);
        assert_eq!(execution_status(400, true), 429);
        assert_eq!(execution_status(500, true), 502);
        assert_eq!(execution_status(503, true), 502);
        assert_eq!(execution_status(200, true), 504);
        assert_eq!(execution_status(302, false), 502);
    }

    /// This run's secret (process and clock: distinctive), recorded under
    /// `$DDB_TEST_LOG_DIR/secrets` for the scan of every output in scripts/test.sh.
    static SECRET: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let secret = format!("served-secret-{}-{nanos:x}", std::process::id());
        if let Ok(logs) = std::env::var("DDB_TEST_LOG_DIR") {
            let dir = std::path::Path::new(&logs).join("secrets");
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("served-{}.txt", std::process::id()));
            std::fs::write(file, format!("{secret}\n")).unwrap();
        }
        secret
    });

    fn describe_request(table: &str) -> String {
        json!({
            "authentication": {"type": "credentials", "accessKey": "AKIDSERVED", "secretKey": SECRET.as_str()},
            "configuration": {"region": "us-east-1", "endpoint": "http://127.0.0.1:9"},
            "input": {"operationGroup": "tableOperation", "tableOperation": "describeTable", "tableName": table},
        })
        .to_string()
    }

    #[test]
    fn a_result_is_200_and_an_execution_error_keeps_its_status() {
        let found = answer(
            200,
            &[],
            r#"{"Table": {"TableName": "orders", "TableStatus": "ACTIVE"}}"#,
        );
        let missing = answer(
            400,
            &[],
            r#"{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "no"}"#,
        );
        let ok = execute(
            describe_request("orders").as_bytes(),
            &mut Scripted::new(vec![found]),
        );
        assert_eq!(ok.status, 200, "{}", ok.body);
        let result: Value = serde_json::from_str(&ok.body).unwrap();
        assert_eq!(result["response"]["TableName"], "orders");

        let error = execute(
            describe_request("missing").as_bytes(),
            &mut Scripted::new(vec![missing]),
        );
        assert_eq!(error.status, 400);
        let body: Value = serde_json::from_str(&error.body).unwrap();
        assert_eq!(body["error"]["code"], "ResourceNotFoundException");
        assert!(!error.body.contains(SECRET.as_str()));
    }

    #[test]
    fn bad_bodies_are_configuration_errors_that_echo_nothing() {
        let not_json = format!("{{\"secretKey\": \"{}\", ", *SECRET);
        let not_utf8 = [b'{', 0xff, 0xfe, b'}'];
        let unknown_field = describe_request("orders").replace("tableName", "tabelName");
        for body in [
            not_json.as_bytes(),
            &not_utf8,
            unknown_field.as_bytes(),
            b"",
        ] {
            let refused = execute(body, &mut Scripted::new(vec![]));
            assert_eq!(refused.status, 400, "{}", refused.body);
            let error: Value = serde_json::from_str(&refused.body).unwrap();
            assert_eq!(error["error"]["kind"], "configuration");
            assert!(!refused.body.contains(SECRET.as_str()), "{}", refused.body);
        }
        let large = too_large(MAX_BODY_BYTES + 1);
        assert_eq!(large.status, 413);
        assert!(
            large.body.contains("\"field\":\"request\""),
            "{}",
            large.body
        );
    }
}
