//! A DynamoDB stand-in that answers from memory: fixed answers for GetItem and PutItem (and
//! the other item calls `ddb-bench loop --input` makes), and a generated table for Scan. It
//! costs next to nothing per request, so what is measured is the client. HTTP/1.1 keep-alive, `x-amz-crc32` on every body, as DynamoDB sends them.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// The partition key every benchmark call reads and writes.
pub const KEY: &str = "k1";
/// Items a scan table holds when its name does not say (`scan-<count>` says).
const DEFAULT_SCAN_ITEMS: u64 = 100_000;
/// Items in one scan page when the request gives no `Limit` (about 1 MB, as DynamoDB pages).
const SCAN_PAGE: u64 = 10_000;

/// The 1 KB item of the GetItem and PutItem calls, as plain JSON.
pub fn item_plain() -> Value {
    json!({"id": KEY, "n": 42, "flag": true, "payload": "x".repeat(960)})
}

/// The same item in DynamoDB's typed JSON.
pub fn item_typed() -> Value {
    json!({
        "id": {"S": KEY},
        "n": {"N": "42"},
        "flag": {"BOOL": true},
        "payload": {"S": "x".repeat(960)},
    })
}

/// Serves on `listener` until the process ends; over TLS when given an acceptor.
pub async fn serve(listener: TcpListener, tls: Option<tokio_rustls::TlsAcceptor>) {
    let get_item = Bytes::from(json!({"Item": item_typed()}).to_string());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        stream.set_nodelay(true).ok();
        let get_item = get_item.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(stream, get_item).await;
                    }
                }
                None => serve_connection(stream, get_item).await,
            }
        });
    }
}

async fn serve_connection<S>(stream: S, get_item: Bytes)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request| {
        let get_item = get_item.clone();
        async move { Ok::<_, Infallible>(answer(request, get_item).await) }
    });
    hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await
        .ok();
}

/// A TLS acceptor for the certificate and key PEM files in `dir` (see [`make_certificates`]).
pub fn tls_acceptor(dir: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("server.pem: {e}"))?;
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key"))
        .map_err(|e| format!("server.key: {e}"))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
}

/// Writes a throwaway CA (`ca.pem`) and a certificate it signs for 127.0.0.1 and localhost
/// (`server.pem`, `server.key`) into `dir`.
pub fn make_certificates(dir: &std::path::Path) -> Result<(), String> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let err = |e: rcgen::Error| e.to_string();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ddb-bench CA");
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(err)?).map_err(err)?;
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .map_err(err)?;
    let key = KeyPair::generate().map_err(err)?;
    let certificate = leaf.signed_by(&key, &ca).map_err(err)?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, text) in [
        ("ca.pem", ca.pem()),
        ("server.pem", certificate.pem()),
        ("server.key", key.serialize_pem()),
    ] {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

async fn answer(request: Request<hyper::body::Incoming>, get_item: Bytes) -> Response<Full<Bytes>> {
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return reply(400, Bytes::from_static(b"{}")),
    };
    match target.strip_prefix("DynamoDB_20120810.") {
        Some("GetItem") => reply(200, get_item),
        Some("PutItem" | "DeleteItem") => reply(200, Bytes::from_static(b"{}")),
        Some(other @ ("UpdateItem" | "Query" | "BatchGetItem" | "BatchWriteItem")) => {
            reply(200, Bytes::from(other_answer(other).to_string()))
        }
        Some("Scan") => reply(200, Bytes::from(scan_page(&body).to_string())),
        _ => reply(
            400,
            Bytes::from(
                json!({"__type": "com.amazonaws.dynamodb.v20120810#UnknownOperationException",
                       "message": format!("the canned server does not answer {target:?}")})
                .to_string(),
            ),
        ),
    }
}

/// The answer of `ddb-bench loop --input`'s other item calls: the 1 KB item wherever the call
/// returns items, nothing unprocessed.
fn other_answer(call: &str) -> Value {
    match call {
        "UpdateItem" => json!({"Attributes": item_typed()}),
        "Query" => json!({"Items": [item_typed()], "Count": 1, "ScannedCount": 1}),
        "BatchGetItem" => json!({"Responses": {"bench": [item_typed()]}, "UnprocessedKeys": {}}),
        _ => json!({"UnprocessedItems": {}}),
    }
}

/// One page of the table `scan-<count>`: items `id` 0..count, each about 100 bytes.
fn scan_page(body: &[u8]) -> Value {
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let total = request["TableName"]
        .as_str()
        .and_then(|name| name.strip_prefix("scan-")?.parse().ok())
        .unwrap_or(DEFAULT_SCAN_ITEMS);
    let start = request["ExclusiveStartKey"]["id"]["N"]
        .as_str()
        .and_then(|n| n.parse::<u64>().ok())
        .map_or(0, |last| last + 1);
    let limit = request["Limit"].as_u64().unwrap_or(SCAN_PAGE);
    let end = total.min(start + limit);
    let items: Vec<Value> = (start..end)
        .map(|i| json!({"id": {"N": i.to_string()}, "payload": {"S": format!("{i:0>80}")}}))
        .collect();
    let mut page = json!({"Items": items, "Count": end - start, "ScannedCount": end - start});
    if end < total {
        page["LastEvaluatedKey"] = json!({"id": {"N": (end - 1).to_string()}});
    }
    page
}

fn reply(status: u16, body: Bytes) -> Response<Full<Bytes>> {
    let crc = crc32fast::hash(&body);
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .header(
            "x-amzn-requestid",
            "CANNED0000000000000000000000000000000000000000000000",
        )
        .header("x-amz-crc32", crc.to_string())
        .body(Full::new(body))
        .expect("a valid response")
}
