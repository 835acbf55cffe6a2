//! `wasi:http/incoming-handler`: the served form's glue. It reads the method, the path and the
//! body (never more than the cap), and writes what [`crate::served`] answers.

use std::io::{Read as _, Write as _};

use wasip2::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

use super::exports::wasi::http::incoming_handler::Guest;
use super::platform::WasiPlatform;
use crate::served::{self, Answer, MAX_BODY_BYTES, Route};

impl Guest for super::Component {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        let answer = match served::route(&method_name(&request.method()), &path) {
            Route::Execute => match read_body(&request) {
                Ok(body) => served::execute(&body, &mut WasiPlatform),
                Err(answer) => answer,
            },
            refused => served::refusal(refused),
        };
        respond(response_out, &answer);
    }
}

fn method_name(method: &Method) -> String {
    match method {
        Method::Get => "GET".into(),
        Method::Head => "HEAD".into(),
        Method::Post => "POST".into(),
        Method::Put => "PUT".into(),
        Method::Delete => "DELETE".into(),
        Method::Connect => "CONNECT".into(),
        Method::Options => "OPTIONS".into(),
        Method::Trace => "TRACE".into(),
        Method::Patch => "PATCH".into(),
        Method::Other(other) => other.clone(),
    }
}

/// The body, or the answer that refuses it: a declared or actual size over the cap is a 413,
/// and reading stops one byte past the cap.
fn read_body(request: &IncomingRequest) -> Result<Vec<u8>, Answer> {
    let declared = request
        .headers()
        .get("content-length")
        .first()
        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok());
    if let Some(size) = declared.filter(|&n| n > MAX_BODY_BYTES) {
        return Err(served::too_large(size));
    }
    let incoming = request.consume().map_err(|()| served::unreadable_body())?;
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(MAX_BODY_BYTES));
    {
        let stream = incoming.stream().map_err(|()| served::unreadable_body())?;
        let mut capped = stream.take(MAX_BODY_BYTES as u64 + 1);
        if capped.read_to_end(&mut body).is_err() {
            return Err(served::unreadable_body());
        }
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(served::too_large(body.len()));
    }
    Ok(body)
}

fn respond(response_out: ResponseOutparam, answer: &Answer) {
    let mut headers: Vec<(String, Vec<u8>)> =
        vec![("content-type".into(), b"application/json".to_vec())];
    headers.extend(
        answer
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())),
    );
    let fields = Fields::from_list(&headers).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    let _ = response.set_status_code(answer.status);
    let Ok(body) = response.body() else { return };
    ResponseOutparam::set(response_out, Ok(response));
    if let Ok(mut stream) = body.write() {
        // A client that went away is not the connector's error: nothing more to do.
        let _ = stream.write_all(answer.body.as_bytes());
        let _ = stream.flush();
    }
    let _ = OutgoingBody::finish(body, None);
}
