//! The [`Platform`] of the sandbox: `wasi:http/outgoing-handler` for requests, WASI clocks,
//! random and environment for the rest. Kept thin: everything it does is plumbing.

use std::time::{Duration, SystemTime};

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    Fields, IncomingResponse, Method, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasip2::io::streams::{InputStream, StreamError};

use crate::wire::{HttpRequest, HttpResponse, Platform, SendError};

/// Per-attempt timeouts handed to the host's HTTP client.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(30);
const BETWEEN_BYTES_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response buffer reserved up front from a declared Content-Length.
const MAX_PRESIZED_BODY: usize = 4 << 20;
/// What a read of a response body asks for once the declared length is in (or none was).
const MIN_READ: usize = 64 << 10;

/// The component's view of its sandbox.
pub struct WasiPlatform;

impl Platform for WasiPlatform {
    fn send(
        &mut self,
        request: &HttpRequest,
        timeout: Duration,
    ) -> Result<HttpResponse, SendError> {
        let outgoing = outgoing_request(request)?;
        let body = outgoing
            .body()
            .map_err(|()| SendError::transient("the request body could not be opened"))?;
        // Start the request before writing the body, so a refusal is reported as what it is.
        let authority = request.authority.as_str();
        let pending = outgoing_handler::handle(outgoing, Some(request_options(timeout)))
            .map_err(|e| describe(&e, authority))?;
        let write_result = write_body(body, &request.body);
        pending.subscribe().block();
        let response = match pending.get() {
            Some(Ok(Ok(response))) => response,
            Some(Ok(Err(code))) => return Err(describe(&code, authority)),
            Some(Err(())) | None => return Err(SendError::transient("the host lost the response")),
        };
        // A write failure with a response in hand means the server answered early: read it.
        let _ = write_result;
        read_response(response)
    }

    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn monotonic(&self) -> Duration {
        Duration::from_nanos(wasip2::clocks::monotonic_clock::now())
    }

    fn sleep(&mut self, duration: Duration) {
        wasip2::clocks::monotonic_clock::subscribe_duration(duration.as_nanos() as u64).block();
    }

    fn random_u64(&mut self) -> u64 {
        wasip2::random::random::get_random_u64()
    }

    fn env(&self, name: &str) -> Option<String> {
        wasip2::cli::environment::get_environment()
            .into_iter()
            .find_map(|(k, v)| (k == name).then_some(v))
    }
}

/// `POST /` to the request's scheme and authority, with its headers.
fn outgoing_request(request: &HttpRequest) -> Result<OutgoingRequest, SendError> {
    // Appended one by one from borrowed text: `from_list` takes owned pairs, a copy of every
    // header made only to be copied again into the host.
    let fields = Fields::new();
    for (name, value) in &request.headers {
        fields
            .append(name, value.as_bytes())
            .map_err(|e| SendError::permanent(format!("invalid request header: {e:?}")))?;
    }
    let outgoing = OutgoingRequest::new(fields);
    let set = [
        outgoing.set_method(&Method::Post).is_ok(),
        outgoing
            .set_scheme(Some(if request.https {
                &Scheme::Https
            } else {
                &Scheme::Http
            }))
            .is_ok(),
        outgoing.set_authority(Some(&request.authority)).is_ok(),
        outgoing.set_path_with_query(Some("/")).is_ok(),
    ];
    if set.contains(&false) {
        return Err(SendError::permanent(format!(
            "the host rejected the request line for {}",
            request.authority
        )));
    }
    Ok(outgoing)
}

/// The per-attempt timeouts, each bounded by what is left of the call's `timeout`. Options a
/// host does not support are left at its defaults.
fn request_options(timeout: Duration) -> RequestOptions {
    let options = RequestOptions::new();
    let nanos =
        |limit: Duration| limit.min(timeout).max(Duration::from_millis(1)).as_nanos() as u64;
    let _ = options.set_connect_timeout(Some(nanos(CONNECT_TIMEOUT)));
    let _ = options.set_first_byte_timeout(Some(nanos(FIRST_BYTE_TIMEOUT)));
    let _ = options.set_between_bytes_timeout(Some(nanos(BETWEEN_BYTES_TIMEOUT)));
    options
}

/// Status, lowercase headers and the whole body.
fn read_response(response: IncomingResponse) -> Result<HttpResponse, SendError> {
    let status = response.status();
    let headers: Vec<(String, String)> = response
        .headers()
        .entries()
        .into_iter()
        .map(|(mut name, value)| {
            // In place: the lifted name and value are this guest's own to keep.
            name.make_ascii_lowercase();
            let value = String::from_utf8(value)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            (name, value)
        })
        .collect();
    let incoming = response
        .consume()
        .map_err(|()| SendError::transient("the response body could not be opened"))?;
    // Sized from Content-Length (capped: the header is the server's word, not a fact), so
    // the body arrives in one or two reads instead of a doubling series of small ones.
    let declared = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let body = {
        let stream = incoming
            .stream()
            .map_err(|()| SendError::transient("the response body could not be read"))?;
        read_body(&stream, declared.min(MAX_PRESIZED_BODY))?
    };
    drop(incoming);
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The whole body, read in the chunks the host hands over: the first is kept as the body, so a
/// body that comes in one chunk is never copied (`read_to_end` copies each chunk into a buffer
/// it zeroes first). `expected` is what the first read asks for, when the length is declared.
fn read_body(stream: &InputStream, expected: usize) -> Result<Vec<u8>, SendError> {
    let cut_off =
        |why: String| SendError::transient(format!("the response body was cut off: {why}"));
    let mut body: Vec<u8> = Vec::new();
    loop {
        let left = expected.saturating_sub(body.len());
        let want = if left > 0 { left } else { MIN_READ };
        match stream.blocking_read(want as u64) {
            Ok(chunk) if chunk.len() > want => {
                return Err(cut_off("more bytes read than requested".to_string()));
            }
            // An empty read ends the body, as it ends `read_to_end`.
            Ok(chunk) if chunk.is_empty() => return Ok(body),
            Ok(chunk) if body.is_empty() => body = chunk,
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(body),
            Err(StreamError::LastOperationFailed(e)) => return Err(cut_off(e.to_debug_string())),
        }
    }
}

/// The most `blocking-write-and-flush` takes in one call (wasi:io's contract).
const WRITE_AND_FLUSH_MAX: usize = 4096;

/// Writes and flushes the body in one host call per 4096 bytes (`std::io::Write` would make
/// three: check, write, flush).
fn write_body(body: OutgoingBody, bytes: &[u8]) -> Result<(), String> {
    {
        let stream = body
            .write()
            .map_err(|()| "the request body stream could not be opened".to_string())?;
        for chunk in bytes.chunks(WRITE_AND_FLUSH_MAX) {
            stream
                .blocking_write_and_flush(chunk)
                .map_err(|e| match e {
                    StreamError::Closed => "the request body stream was closed".to_string(),
                    StreamError::LastOperationFailed(e) => e.to_debug_string(),
                })?;
        }
    }
    OutgoingBody::finish(body, None).map_err(|e| format!("{e:?}"))
}

/// TLS alerts (RFC 8446 6.2) that mean the certificate was refused: the same on every attempt.
const CERTIFICATE_ALERTS: &[u8] = &[42, 43, 44, 45, 46, 48, 113, 116];

/// What the host's error means for the caller, and whether another attempt could help.
fn describe(code: &wasip2::http::types::ErrorCode, authority: &str) -> SendError {
    use wasip2::http::types::ErrorCode as E;
    match code {
        E::HttpRequestDenied => SendError::permanent(format!(
            "the host's egress policy refused {authority}: no outbound rule allows this endpoint \
             (HttpRequestDenied)"
        )),
        E::DestinationIpProhibited => SendError::permanent(format!(
            "the host's egress policy refused {authority}: it resolves to an address that is not \
             allowed (DestinationIpProhibited)"
        )),
        E::TlsCertificateError => {
            SendError::permanent(format!("the TLS certificate of {authority} was rejected"))
        }
        E::TlsAlertReceived(alert) => {
            let what = alert.alert_message.as_deref().unwrap_or("no reason given");
            let message = format!("TLS with {authority} failed: {what}");
            match alert.alert_id {
                Some(id) if CERTIFICATE_ALERTS.contains(&id) => SendError::permanent(message),
                _ => SendError::transient(message),
            }
        }
        E::TlsProtocolError => SendError::transient(format!(
            "the TLS handshake with {authority} failed (protocol error: does it serve https on \
             this port?)"
        )),
        E::ConnectionRefused => SendError::transient(format!("{authority} refused the connection")),
        E::ConnectionTimeout => {
            SendError::transient(format!("connecting to {authority} timed out"))
        }
        E::ConnectionReadTimeout | E::HttpResponseTimeout => {
            SendError::transient("timed out waiting for the response")
        }
        E::ConnectionTerminated => {
            SendError::transient("the connection was closed before the response was complete")
        }
        E::DnsError(_) => SendError::transient(format!(
            "the host name of {authority} could not be resolved"
        )),
        E::HttpResponseBodySize(_) => {
            SendError::transient("the response body exceeds the host's limit")
        }
        E::InternalError(Some(message)) => {
            SendError::transient(format!("HTTP request to {authority} failed: {message}"))
        }
        other => SendError::transient(format!("HTTP request failed: {other:?}")),
    }
}
