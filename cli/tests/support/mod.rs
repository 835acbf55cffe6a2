//! What the `serve` tests share: the real binary started with a configuration file, a small
//! HTTP/1.1 client, and a counting loopback server.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use sha2::Digest as _;

const BINARY: &str = env!("CARGO_BIN_EXE_ddb-connector");

/// moto, as scripts/env.sh started it.
pub struct Moto {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

fn required_env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run the tests with scripts/test.sh"))
}

pub fn moto() -> Moto {
    Moto {
        endpoint: required_env("DDB_TEST_MOTO_ENDPOINT"),
        access_key: required_env("DDB_TEST_MOTO_ACCESS_KEY"),
        secret_key: required_env("DDB_TEST_MOTO_SECRET_KEY"),
    }
}

pub fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

pub fn sha256_hex(token: &str) -> String {
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A private directory of this test run (the `.cwasm` cache must not be writable by others).
fn private_dir(name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::DirBuilderExt as _;
    let dir = std::env::temp_dir()
        .join(format!("ddb-serve-tests-{}", std::process::id()))
        .join(name);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .unwrap();
    dir
}

/// One HTTP answer: status, head (lowercase), body.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}: ");
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(|v| v.trim().to_string())
    }
}

/// One HTTP/1.1 exchange on a new connection.
pub fn exchange(address: &str, head: &str, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!("{head}Host: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) and close before taking the whole body.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    Answer {
        status: head[9..12].parse().unwrap(),
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn authorization_line(authorization: Option<&str>) -> String {
    authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default()
}

pub fn post_to(address: &str, authorization: Option<&str>, body: &str) -> Answer {
    let head = format!(
        "POST / HTTP/1.1\r\n{}Content-Type: application/json\r\nContent-Length: {}\r\n",
        authorization_line(authorization),
        body.len()
    );
    exchange(address, &head, body.as_bytes())
}

/// Runs the binary with `config` to its end: (exit status, stderr).
pub fn run_with_config(config: &str) -> (Option<i32>, String) {
    let dir = private_dir("bad");
    let path = dir.join(format!("{}.toml", sha256_hex(config)));
    std::fs::write(&path, config).unwrap();
    let output = Command::new(BINARY)
        .arg("serve")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// The server's log and exit status.
pub struct Log {
    pub status: Option<i32>,
    pub text: String,
}

/// `ddb-connector serve` with a configuration, on a free loopback port.
pub struct Serve {
    child: Child,
    pub address: String,
    /// `metrics_listen`'s address, when the configuration sets one.
    pub metrics_address: Option<String>,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Serve {
    /// Starts the server (the compiled component cached across the run's servers) and waits
    /// for its `listening` line.
    pub fn start(config: &str) -> Self {
        let cache = private_dir("cache");
        let config = format!(
            "compiled_cache = {:?}\n{config}",
            cache.display().to_string()
        );
        let path = private_dir("configs").join(format!("{}.toml", sha256_hex(&config)));
        std::fs::write(&path, &config).unwrap();
        let mut child = Command::new(BINARY)
            .arg("serve")
            .arg("--config")
            .arg(&path)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let log = Arc::new(Mutex::new(String::new()));
        let (listening, address) = mpsc::channel();
        let kept = log.clone();
        let reader = std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(&line)
                    && value["message"] == "listening"
                {
                    let address = |key: &str| value[key].as_str().unwrap_or_default().to_string();
                    let _ = listening.send((address("listen"), address("metrics_listen")));
                }
                kept.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let (address, metrics_address) = address
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
        Self {
            child,
            address,
            metrics_address: Some(metrics_address).filter(|a| !a.is_empty()),
            log,
            reader: Some(reader),
        }
    }

    pub fn post(&self, authorization: Option<&str>, body: &str) -> Answer {
        post_to(&self.address, authorization, body)
    }

    /// A request with `request_line`, optional authorization and a declared body.
    pub fn exchange(&self, request_line: &str, authorization: Option<&str>, body: &[u8]) -> Answer {
        let head = format!(
            "{request_line}\r\n{}Content-Length: {}\r\n",
            authorization_line(authorization),
            body.len()
        );
        exchange(&self.address, &head, body)
    }

    /// `POST /` with a chunked body (no declared length).
    pub fn chunked(&self, authorization: Option<&str>, body: &[u8]) -> Answer {
        let head = format!(
            "POST / HTTP/1.1\r\n{}Transfer-Encoding: chunked\r\n",
            authorization_line(authorization)
        );
        let mut chunked = Vec::new();
        for chunk in body.chunks(1000) {
            chunked.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
            chunked.extend(chunk);
            chunked.extend(b"\r\n");
        }
        chunked.extend(b"0\r\n\r\n");
        exchange(&self.address, &head, &chunked)
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Stops the server (SIGTERM) and returns its log and exit status.
    pub fn stop(mut self) -> Log {
        self.terminate();
        let status = wait(&mut self.child, Duration::from_secs(30));
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let text = self.log.lock().unwrap().clone();
        Log { status, text }
    }
}

fn wait(child: &mut Child, timeout: Duration) -> Option<i32> {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("serve did not stop within {timeout:?}");
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback HTTP/1.1 server (127.0.0.1 and, where there is IPv6, ::1, on one port) that
/// counts the connections it accepts, keeps each request's text, and answers every request
/// 200 with `body` after `delay`, closing the connection.
pub struct Counter {
    pub port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Counter {
    pub fn start(body: Vec<u8>, delay: Duration) -> Self {
        let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = v4.local_addr().unwrap().port();
        let v6 = TcpListener::bind(("::1", port)).ok();
        let counter = Self {
            port,
            connections: Arc::default(),
            requests: Arc::default(),
        };
        for listener in std::iter::once(v4).chain(v6) {
            let (connections, requests, body) = (
                counter.connections.clone(),
                counter.requests.clone(),
                body.clone(),
            );
            std::thread::spawn(move || {
                for stream in listener.incoming().map_while(Result::ok) {
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (requests, body) = (requests.clone(), body.clone());
                    std::thread::spawn(move || answer(stream, &requests, &body, delay));
                }
            });
        }
        counter
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, requests: &Mutex<Vec<String>>, body: &[u8], delay: Duration) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while request_length(&buffer).is_none() {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend(&chunk[..n]),
        }
    }
    requests
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&buffer).to_string());
    std::thread::sleep(delay);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn request_length(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap_or(0));
    (buffer.len() >= head_end + length).then_some(head_end + length)
}
