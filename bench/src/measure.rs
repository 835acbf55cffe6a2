//! Timing loops: per-call latency with CPU time, and throughput at a given concurrency.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// CPU time (user + system) this process has used so far, all threads.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the struct it is given and nothing else.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Latency of sequential calls.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    /// Calls timed (after warm-up).
    pub calls: usize,
    /// Median.
    pub p50: Duration,
    /// 99th percentile.
    pub p99: Duration,
    /// Process CPU time per call.
    pub cpu: Duration,
}

/// The `p`-quantile of sorted samples (nearest rank).
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Times `calls` calls of `call` one after another, after `warmup` untimed ones. A failed call
/// ends the measurement with its error: a peer that fails fast must not look fast.
pub async fn latency<F, Fut>(warmup: usize, calls: usize, mut call: F) -> Result<Latency, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    for _ in 0..warmup {
        call().await?;
    }
    let mut samples = Vec::with_capacity(calls);
    let cpu_before = cpu_time();
    for _ in 0..calls {
        let started = Instant::now();
        call().await?;
        samples.push(started.elapsed());
    }
    let cpu = (cpu_time() - cpu_before) / calls.max(1) as u32;
    samples.sort();
    Ok(Latency {
        calls,
        p50: percentile(&samples, 0.5),
        p99: percentile(&samples, 0.99),
        cpu,
    })
}

/// Calls per second with `concurrency` calls in flight for `duration`, on the current
/// (multi-threaded) runtime. Fails with the first failed call's error.
pub async fn throughput<F, Fut>(
    concurrency: usize,
    duration: Duration,
    call: F,
) -> Result<f64, String>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let call = Arc::new(call);
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (call, done, stop) = (call.clone(), done.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    call().await?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<(), String>(())
            })
        })
        .collect();
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.map_err(|e| e.to_string())??;
    }
    let elapsed = started.elapsed();
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64())
}
