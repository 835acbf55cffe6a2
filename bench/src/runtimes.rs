//! The tokio runtimes the measurements run on.

use tokio::runtime::Runtime;

/// One thread: the per-call sweeps, startups, scans and `loop`.
pub fn current_thread() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// Two worker threads: the throughput sweeps and `serve-load`.
pub fn two_workers() -> Result<Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}
