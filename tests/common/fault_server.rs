//! A loopback HTTP/1.1 server that answers from a script, for what moto and dynalite cannot be
//! made to do (throttle, reset, hang, truncate, close after n answers). It counts the
//! connections it accepted and the whole HTTP requests it read, separately, and keeps every
//! request, so a test can bound both and check what was sent.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status, extra headers and body (with a correct Content-Length).
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering (a TCP reset).
    Reset,
    /// Read the request and never answer.
    Hang,
    /// Answer 200 with the body one byte every `Duration`.
    Slow(String, Duration),
    /// Promise `usize` bytes of body, send this much of it, close.
    Truncated(usize, String),
}

/// One whole HTTP request as the server read it.
#[derive(Clone, Debug)]
pub struct Received {
    /// Which accepted connection (0, 1, …) carried it.
    pub connection: usize,
    pub method: String,
    pub path: String,
    /// Names lowercase, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When its last byte was read.
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    /// Connections whose client closed them (read to the end), not the server.
    closed_by_client: AtomicUsize,
    requests: Mutex<Vec<Received>>,
    /// When the answer to request n was written whole.
    answered: Mutex<HashMap<usize, Instant>>,
}

/// The server: request n (counted over all connections) gets `script[n]`, the last entry
/// repeating.
pub struct FaultServer {
    pub url: String,
    seen: Arc<Seen>,
}

impl FaultServer {
    /// Every answer closes its connection, and says so (`connection: close`).
    pub async fn start(script: Vec<Fault>) -> Self {
        Self::listen(script, Some(1), true).await
    }

    /// Connections stay open for the next request; with `answers_per_connection` the server
    /// closes each after that many answers without saying so beforehand, as a server closing
    /// an idle connection does.
    pub async fn start_keep_alive(
        script: Vec<Fault>,
        answers_per_connection: Option<usize>,
    ) -> Self {
        Self::listen(script, answers_per_connection, false).await
    }

    async fn listen(
        script: Vec<Fault>,
        answers_per_connection: Option<usize>,
        announce_close: bool,
    ) -> Self {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Seen::default());
        let (shared, script) = (seen.clone(), Arc::new(script));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let id = shared.connections.fetch_add(1, Ordering::SeqCst);
                let connection = Connection {
                    id,
                    seen: shared.clone(),
                    script: script.clone(),
                    answers_per_connection,
                    announce_close,
                };
                tokio::spawn(connection.serve(stream));
            }
        });
        Self { url, seen }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }

    /// Whole HTTP requests read so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.seen.requests.lock().unwrap().clone()
    }

    /// (connections, whole HTTP requests).
    pub fn counts(&self) -> (usize, usize) {
        (self.connections(), self.received().len())
    }

    /// Connections the client closed while the server waited for a request.
    pub fn closed_by_client(&self) -> usize {
        self.seen.closed_by_client.load(Ordering::SeqCst)
    }

    /// When the answer to request `n` (counted over all connections) was written whole.
    pub fn answered_at(&self, n: usize) -> Option<Instant> {
        self.seen.answered.lock().unwrap().get(&n).copied()
    }
}

struct Connection {
    id: usize,
    seen: Arc<Seen>,
    script: Arc<Vec<Fault>>,
    answers_per_connection: Option<usize>,
    announce_close: bool,
}

impl Connection {
    async fn serve(self, mut stream: TcpStream) {
        let mut buffer = Vec::new();
        let mut answered = 0;
        loop {
            let Some(request) = read_request(&mut stream, &mut buffer, self.id).await else {
                self.seen.closed_by_client.fetch_add(1, Ordering::SeqCst);
                break;
            };
            let (n, fault) = {
                let mut requests = self.seen.requests.lock().unwrap();
                requests.push(request);
                let n = requests.len() - 1;
                (n, self.script[n.min(self.script.len() - 1)].clone())
            };
            if let Fault::Reset = fault {
                // Linger zero makes the close a TCP reset (and keeps the drop from blocking,
                // which is what the deprecation warns of); no FIN first.
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                return;
            }
            answered += 1;
            let last = self.answers_per_connection.is_some_and(|n| answered >= n);
            let open = answer(&mut stream, fault, last && self.announce_close).await;
            self.seen.answered.lock().unwrap().insert(n, Instant::now());
            if !open || last {
                break;
            }
        }
        let _ = stream.shutdown().await;
    }
}

/// Reads one whole request (head, then Content-Length bytes of body) from `stream`, keeping
/// what follows it in `buffer`; `None` when the peer closed first.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<Received> {
    let mut chunk = [0u8; 16384];
    let used = loop {
        if let Some(used) = super::request_length(buffer) {
            break used;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let whole: Vec<u8> = buffer.drain(..used).collect();
    let head_end = whole.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&whole[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let (method, path) = (request_line.next(), request_line.next());
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Received {
        connection,
        method: method.unwrap_or_default().to_string(),
        path: path.unwrap_or_default().to_string(),
        headers,
        body: whole[head_end + 4..].to_vec(),
        at: Instant::now(),
    })
}

fn head(status: u16, length: usize, extra: &[(&str, String)], last: bool) -> String {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {length}\r\nx-amzn-requestid: fault-1\r\n"
    );
    if last {
        head.push_str("connection: close\r\n");
    }
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head + "\r\n"
}

/// Plays `fault` (`last`: saying the connection closes after it); whether the connection can
/// carry another request.
async fn answer(stream: &mut TcpStream, fault: Fault, last: bool) -> bool {
    match fault {
        Fault::Answer(status, headers, body) => {
            let text = format!("{}{body}", head(status, body.len(), &headers, last));
            stream.write_all(text.as_bytes()).await.is_ok()
        }
        Fault::Reset => unreachable!("a reset is played by the connection"),
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            false
        }
        Fault::Slow(body, pause) => {
            let crc = [("x-amz-crc32", crc(&body))];
            if stream
                .write_all(head(200, body.len(), &crc, last).as_bytes())
                .await
                .is_err()
            {
                return false;
            }
            for byte in body.bytes() {
                tokio::time::sleep(pause).await;
                if stream.write_all(&[byte]).await.is_err() {
                    return false;
                }
            }
            true
        }
        Fault::Truncated(promised, sent) => {
            let text = format!("{}{sent}", head(200, promised, &[], true));
            let _ = stream.write_all(text.as_bytes()).await;
            false
        }
    }
}

/// CRC-32 (IEEE) of `body` as DynamoDB's `x-amz-crc32` gives it: written here, independent of
/// the guest's implementation.
pub fn crc(body: &str) -> String {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in body.bytes() {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    (!crc).to_string()
}
