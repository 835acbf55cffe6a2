//! `ddb-bench serve-load`: GetItem over HTTP against the canned server, through
//! `ddb-connector serve` (every rule on: a tenant's token, its egress rules, rate and
//! concurrency limits, metrics, the JSON log) and through stock `wasmtime serve`, beside the
//! in-process pooled host, in one run: requests at 8 and 64 in flight, none lost, p50 / p99,
//! and the server process's CPU per request.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;

use crate::measure::{cpu_time, percentile};
use crate::peers::Target;

/// The token of the benchmark's tenant (its hash is in the configuration).
const TOKEN: &str = "bench-token";

/// One load run's result.
struct Load {
    requests: usize,
    ok: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    cpu_per_request: Duration,
}

impl Load {
    fn line(&self, name: &str, concurrency: usize) -> String {
        format!(
            "| {name} | {concurrency} | {} | {} | {:.0} | {:.2} | {:.2} | {:.0} |",
            self.requests,
            self.requests - self.ok,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3,
            self.cpu_per_request.as_secs_f64() * 1e6,
        )
    }
}

/// A server child process; killed when dropped.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Runs the comparison: `requests` GetItems at each concurrency, through each server.
pub fn serve_load(component: &Path, requests: usize) -> Result<(), String> {
    let canned = crate::canned_process::Server::start()?;
    let target = Target::canned(format!("http://127.0.0.1:{}", canned.1));
    let body = target.request(serde_json::json!({
        "operationGroup": "itemOperation", "itemOperation": "getItem",
        "tableName": target.table, "primaryKeyComponents": {"id": crate::canned_server::KEY},
    }));
    let servers = [
        ("ddb-connector serve", start_ours(component, canned.1, "")?),
        (
            "ddb-connector serve, 1 thread",
            start_ours(component, canned.1, "worker_threads = 1\n")?,
        ),
        ("wasmtime serve (stock)", start_stock(component)?),
    ];
    let host = Arc::new(
        ddb_connector_host::ConnectorHost::from_file(
            component,
            crate::hosts::loopback(Default::default()),
        )
        .map_err(|e| format!("{e:#}"))?,
    );
    println!(
        "| server | in flight | requests | lost | requests/s | p50 ms | p99 ms | server CPU µs/request |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let runtime = crate::runtimes::two_workers()?;
    for concurrency in [8, 64] {
        for (name, (process, address)) in &servers {
            let pid = Some(process.0.id());
            let load = runtime.block_on(http_load(address, pid, &body, concurrency, requests))?;
            println!("{}", load.line(name, concurrency));
        }
        let pooled = runtime.block_on(in_process(&host, &body, concurrency, requests))?;
        println!("{}", pooled.line("in-process pooled host", concurrency));
    }
    Ok(())
}

fn ours_config(canned_port: u16, extra: &str) -> String {
    use sha2::Digest as _;
    let hash: String = sha2::Sha256::digest(TOKEN.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "listen = \"127.0.0.1:0\"\n{extra}allow_outbound = [\"http://127.0.0.1:{canned_port}\"]\n\
         [tenants.bench]\ntoken_sha256 = \"{hash}\"\nallow_outbound = [\"http://127.0.0.1:{canned_port}\"]\n\
         max_concurrent = 128\nrequests_per_second = 1000000.0\n"
    )
}

/// `ddb-connector serve` (beside this binary, or `DDB_CONNECTOR_CLI`) and its address.
/// `extra`: more top-level keys of its configuration.
fn start_ours(
    component: &Path,
    canned_port: u16,
    extra: &str,
) -> Result<(ServerProcess, String), String> {
    let binary = std::env::var_os("DDB_CONNECTOR_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_exe()
                .unwrap_or_default()
                .with_file_name("ddb-connector")
        });
    let config = std::env::temp_dir().join(format!(
        "ddb-bench-serve-{}-{}.toml",
        std::process::id(),
        extra.len()
    ));
    std::fs::write(&config, ours_config(canned_port, extra)).map_err(|e| e.to_string())?;
    let mut child = Command::new(&binary)
        .args(["serve", "--config"])
        .arg(&config)
        .env("DDB_CONNECTOR_COMPONENT", component)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", binary.display()))?;
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let child = ServerProcess(child);
    let mut line = String::new();
    let address = loop {
        line.clear();
        if stderr.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("ddb-connector serve stopped before listening".into());
        }
        let value: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if value["message"] == "listening" {
            break value["listen"].as_str().unwrap_or_default().to_string();
        }
    };
    // Its log (a line per request) is drained, as a log shipper would.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Ok((child, address))
}

/// Stock `wasmtime serve -S cli` (`DDB_TEST_WASMTIME_CLI`, or the one scripts/env.sh installs).
fn start_stock(component: &Path) -> Result<(ServerProcess, String), String> {
    let binary = std::env::var_os("DDB_TEST_WASMTIME_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::args::root_dir().join(".tools/wasmtime-cli/bin/wasmtime"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut child = Command::new(&binary)
        .args(["serve", "-S", "cli", "--addr", &address])
        .arg(component)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", binary.display()))?;
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let child = ServerProcess(child);
    let mut line = String::new();
    while !line.contains("Serving HTTP") {
        line.clear();
        if stderr.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("wasmtime serve stopped before serving".into());
        }
    }
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Ok((child, address))
}

/// User + system CPU time of process `pid`, from /proc.
fn process_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, f)| f)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum());
    // SAFETY: sysconf reads a constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_nanos(ticks * 1_000_000_000 / per_second)
}

/// `requests` POSTs of `body` to `address`, `concurrency` keep-alive connections at once.
async fn http_load(
    address: &str,
    pid: Option<u32>,
    body: &str,
    concurrency: usize,
    requests: usize,
) -> Result<Load, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let body = Bytes::from(body.to_string());
    let cpu_before = pid.map(process_cpu).unwrap_or_default();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            tokio::spawn(connection(
                address.to_string(),
                body.clone(),
                next.clone(),
                requests,
            ))
        })
        .collect();
    let mut samples = Vec::with_capacity(requests);
    let mut ok = 0;
    for worker in workers {
        let (times, good) = worker.await.map_err(|e| e.to_string())??;
        samples.extend(times);
        ok += good;
    }
    let elapsed = started.elapsed();
    let cpu = pid
        .map(process_cpu)
        .unwrap_or_default()
        .saturating_sub(cpu_before);
    Ok(summary(samples, ok, elapsed, cpu))
}

fn summary(mut samples: Vec<Duration>, ok: usize, elapsed: Duration, cpu: Duration) -> Load {
    samples.sort();
    let requests = samples.len();
    Load {
        requests,
        ok,
        elapsed,
        p50: percentile(&samples, 0.5),
        p99: percentile(&samples, 0.99),
        cpu_per_request: cpu / requests.max(1) as u32,
    }
}

/// One keep-alive connection taking requests until `requests` were taken; a closed
/// connection is opened again. Returns each request's time and how many answered 200.
async fn connection(
    address: String,
    body: Bytes,
    next: Arc<AtomicUsize>,
    requests: usize,
) -> Result<(Vec<Duration>, usize), String> {
    let mut times = Vec::new();
    let mut ok = 0;
    let mut sender = None;
    while next.fetch_add(1, Ordering::Relaxed) < requests {
        if sender.is_none() {
            let stream = tokio::net::TcpStream::connect(&address)
                .await
                .map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let (s, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            sender = Some(s);
        }
        let request = http::Request::post("/")
            .header("host", &address)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .body(Full::new(body.clone()))
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        let answer = match sender
            .as_mut()
            .expect("connected")
            .send_request(request)
            .await
        {
            Ok(response) => {
                let status = response.status();
                let whole = response.into_body().collect().await.is_ok();
                whole && status == 200
            }
            Err(_) => false,
        };
        times.push(started.elapsed());
        ok += usize::from(answer);
        if !answer {
            sender = None;
        }
    }
    Ok((times, ok))
}

/// The same GetItems in this process's pooled host, `concurrency` at once.
async fn in_process(
    host: &Arc<ddb_connector_host::ConnectorHost>,
    body: &str,
    concurrency: usize,
    requests: usize,
) -> Result<Load, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = cpu_time();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (host, next, body) = (host.clone(), next.clone(), body.to_string());
            tokio::spawn(async move {
                let tenant = ddb_connector_host::Tenant::default();
                let (mut times, mut ok) = (Vec::new(), 0);
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let started = Instant::now();
                    let answered = host.execute_json(&body, &tenant).await;
                    times.push(started.elapsed());
                    ok += usize::from(answered.is_ok_and(|i| i.result.is_ok()));
                }
                (times, ok)
            })
        })
        .collect();
    let mut samples = Vec::with_capacity(requests);
    let mut ok = 0;
    for worker in workers {
        let (times, good) = worker.await.map_err(|e| e.to_string())?;
        samples.extend(times);
        ok += good;
    }
    let elapsed = started.elapsed();
    Ok(summary(samples, ok, elapsed, cpu_time() - cpu_before))
}
