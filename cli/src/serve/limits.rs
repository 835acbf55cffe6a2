//! Admission: a tenant's request rate and concurrency (over either: 429), and the host's slots
//! (none free within the queue timeout: 503). Each refusal says when to retry.

use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::config::{Rate, TenantSettings};

/// Why a request is not run now, and after how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The tenant's rate: 429.
    Rate { retry_after: Duration },
    /// The tenant's concurrency: 429.
    Concurrency,
    /// The host's slots, past the queue timeout: 503.
    Saturated,
}

impl Refused {
    /// The status of the answer.
    pub(crate) fn status(self) -> http::StatusCode {
        match self {
            Self::Rate { .. } | Self::Concurrency => http::StatusCode::TOO_MANY_REQUESTS,
            Self::Saturated => http::StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// `Retry-After`, in whole seconds (at least 1).
    pub(crate) fn retry_after_seconds(self) -> u64 {
        match self {
            Self::Rate { retry_after } => retry_after.as_secs_f64().ceil().max(1.0) as u64,
            Self::Concurrency | Self::Saturated => 1,
        }
    }

    /// The `code` of the answer's error JSON.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Rate { .. } => "RateLimited",
            Self::Concurrency => "ConcurrencyLimited",
            Self::Saturated => "Saturated",
        }
    }
}

/// One tenant's limits.
pub(crate) struct TenantLimits {
    rate: Option<DefaultDirectRateLimiter>,
    slots: Option<Arc<Semaphore>>,
}

impl TenantLimits {
    pub(crate) fn new(tenant: &TenantSettings) -> Self {
        Self {
            rate: tenant.rate.map(|rate| RateLimiter::direct(quota(rate))),
            slots: tenant
                .max_concurrent
                .map(|n| Arc::new(Semaphore::new(n.get() as usize))),
        }
    }

    /// Admits one request, or says why not; the permit is held until the request ends.
    pub(crate) fn admit(&self) -> Result<Option<OwnedSemaphorePermit>, Refused> {
        if let Some(rate) = &self.rate {
            rate.check().map_err(|not_until| Refused::Rate {
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
            })?;
        }
        match &self.slots {
            Some(slots) => slots
                .clone()
                .try_acquire_owned()
                .map(Some)
                .map_err(|_| Refused::Concurrency),
            None => Ok(None),
        }
    }
}

fn quota(rate: Rate) -> Quota {
    // One request every 1/rate seconds, `burst` at once. A rate so high that the period rounds
    // to nothing is no limit worth keeping: one per nanosecond.
    let period = Duration::from_secs_f64(1.0 / rate.per_second).max(Duration::from_nanos(1));
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(rate.burst))
        .allow_burst(rate.burst)
}

/// The host's slots: `max_concurrent` invocations at once, all tenants.
pub(crate) struct HostSlots {
    slots: Arc<Semaphore>,
    queue_timeout: Duration,
}

impl HostSlots {
    pub(crate) fn new(max_concurrent: u32, queue_timeout: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max_concurrent as usize)),
            queue_timeout,
        }
    }

    /// A slot, waiting at most the queue timeout.
    pub(crate) async fn acquire(&self) -> Result<OwnedSemaphorePermit, Refused> {
        match tokio::time::timeout(self.queue_timeout, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Refused::Saturated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn limited(rate: Option<Rate>, max_concurrent: Option<u32>) -> TenantLimits {
        TenantLimits::new(&TenantSettings {
            name: "t".into(),
            token_sha256: [0; 32],
            sandbox: Default::default(),
            max_concurrent: max_concurrent.and_then(NonZeroU32::new),
            rate,
        })
    }

    #[test]
    fn a_burst_is_admitted_then_the_rate_refuses_with_a_retry_after() {
        let rate = Rate {
            per_second: 0.5,
            burst: NonZeroU32::new(3).unwrap(),
        };
        let limits = limited(Some(rate), None);
        for _ in 0..3 {
            limits.admit().unwrap();
        }
        let refused = limits.admit().unwrap_err();
        assert!(matches!(refused, Refused::Rate { .. }), "{refused:?}");
        assert_eq!(refused.status(), 429);
        // One request every two seconds: retry in (up to) two.
        assert!(
            (1..=2).contains(&refused.retry_after_seconds()),
            "{refused:?}"
        );
    }

    #[test]
    fn concurrency_is_the_permits_held() {
        let limits = limited(None, Some(2));
        let first = limits.admit().unwrap();
        let _second = limits.admit().unwrap();
        assert_eq!(limits.admit().unwrap_err(), Refused::Concurrency);
        drop(first);
        assert!(limits.admit().is_ok());
    }

    #[tokio::test]
    async fn the_host_refuses_after_the_queue_timeout() {
        let slots = HostSlots::new(1, Duration::from_millis(20));
        let held = slots.acquire().await.unwrap();
        assert_eq!(slots.acquire().await.unwrap_err(), Refused::Saturated);
        assert_eq!(Refused::Saturated.status(), 503);
        drop(held);
        assert!(slots.acquire().await.is_ok());
    }
}
