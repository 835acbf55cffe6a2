//! `--max-read-units-per-second`: one token bucket that every segment of the process draws
//! from. A page's cost is known only once DynamoDB reports it, so a call waits until the bucket
//! is not in debt and is charged afterwards: over any run, the units consumed are at most the
//! rate times the time, plus one second's burst, plus the pages in flight.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// The shared bucket; `None` rate: no budget.
pub struct ReadBudget {
    rate: Option<f64>,
    bucket: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl ReadBudget {
    /// A budget of `rate` read units per second (a second's worth to start with).
    pub fn new(rate: Option<f64>) -> Self {
        Self {
            rate,
            bucket: Mutex::new(Bucket {
                tokens: rate.unwrap_or(0.0),
                refilled: Instant::now(),
            }),
        }
    }

    /// Waits until the bucket is not in debt.
    pub async fn ready(&self) {
        let Some(rate) = self.rate else { return };
        loop {
            let wait = {
                let mut bucket = self.bucket.lock().await;
                bucket.refill(rate);
                if bucket.tokens > 0.0 {
                    return;
                }
                Duration::from_secs_f64((-bucket.tokens / rate).max(0.001))
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Charges what a call consumed.
    pub async fn charge(&self, units: f64) {
        let Some(rate) = self.rate else { return };
        let mut bucket = self.bucket.lock().await;
        bucket.refill(rate);
        bucket.tokens -= units;
    }
}

impl Bucket {
    fn refill(&mut self, rate: f64) {
        let now = Instant::now();
        let earned = now.duration_since(self.refilled).as_secs_f64() * rate;
        self.tokens = (self.tokens + earned).min(rate);
        self.refilled = now;
    }
}
