//! A short-lived cache of name lookups, shared by every invocation of one host.
//!
//! Without it every request to a named endpoint (every call to real DynamoDB) runs
//! `getaddrinfo` on tokio's blocking pool before the connection pool is even asked, though the
//! answer is the same for all of them (BENCHMARKS.md). Cached answers go through the same
//! address check as fresh ones ([`super::Egress::check`]), so a cache changes when a name is
//! looked up, never what it may connect to. Answers are kept for [`DNS_CACHE_TTL`], short enough
//! that a changed record is followed within seconds; failures are not kept.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Resolve;

/// How long an answer is reused.
pub const DNS_CACHE_TTL: Duration = Duration::from_secs(5);

/// Names kept at most: wildcard rules let tenants ask for many names, and the cache must not
/// grow with them. When full, expired answers go first, then all.
pub const DNS_CACHE_CAPACITY: usize = 1024;

type Answers = HashMap<(String, u16), (Instant, Vec<SocketAddr>)>;

/// A [`Resolve`] that reuses `inner`'s answers for `ttl`.
#[derive(Debug)]
pub struct CachingResolver<R> {
    inner: R,
    ttl: Duration,
    answers: Arc<Mutex<Answers>>,
}

impl<R: Resolve> CachingResolver<R> {
    /// Caches `inner`'s answers for `ttl`.
    pub fn new(inner: R, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            answers: Arc::default(),
        }
    }

    /// A kept answer for `key` that is still fresh.
    fn fresh(&self, key: &(String, u16)) -> Option<Vec<SocketAddr>> {
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let (at, addresses) = answers.get(key)?;
        (at.elapsed() < self.ttl).then(|| addresses.clone())
    }
}

/// Keeps `addresses` for `key`, making room first when the cache is full.
fn keep(answers: &Mutex<Answers>, ttl: Duration, key: (String, u16), addresses: Vec<SocketAddr>) {
    let mut answers = answers.lock().unwrap_or_else(|e| e.into_inner());
    if answers.len() >= DNS_CACHE_CAPACITY && !answers.contains_key(&key) {
        answers.retain(|_, (at, _)| at.elapsed() < ttl);
        if answers.len() >= DNS_CACHE_CAPACITY {
            answers.clear();
        }
    }
    answers.insert(key, (Instant::now(), addresses));
}

impl<R: Resolve> Resolve for CachingResolver<R> {
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
        let key = (host.to_ascii_lowercase(), port);
        if let Some(addresses) = self.fresh(&key) {
            return Box::pin(std::future::ready(Ok(addresses)));
        }
        let lookup = self.inner.resolve(host, port);
        let (answers, ttl) = (self.answers.clone(), self.ttl);
        Box::pin(async move {
            let addresses = lookup.await?;
            if !addresses.is_empty() {
                keep(&answers, ttl, key, addresses.clone());
            }
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Answers `10.0.0.<n>` for the n-th lookup, and counts lookups; `fail.example` fails and
    /// `empty.example` has no address.
    #[derive(Debug, Default)]
    struct Counting {
        lookups: Arc<AtomicUsize>,
    }

    impl Resolve for Counting {
        fn resolve(
            &self,
            host: &str,
            port: u16,
        ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>> {
            let n = self.lookups.fetch_add(1, Ordering::SeqCst) + 1;
            let answer = match host {
                "fail.example" => Err(std::io::Error::other("no such name")),
                "empty.example" => Ok(Vec::new()),
                _ => Ok(vec![SocketAddr::from(([10, 0, 0, n as u8], port))]),
            };
            Box::pin(std::future::ready(answer))
        }
    }

    fn resolver(ttl: Duration) -> (CachingResolver<Counting>, Arc<AtomicUsize>) {
        let counting = Counting::default();
        let lookups = counting.lookups.clone();
        (CachingResolver::new(counting, ttl), lookups)
    }

    fn lookup(resolver: &impl Resolve, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        ready_now(resolver.resolve(host, port))
    }

    /// Polls a future that is ready at once (the scripted lookups are).
    fn ready_now<T>(future: Pin<Box<dyn Future<Output = T> + Send>>) -> T {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(future)
    }

    #[test]
    fn a_fresh_answer_is_reused_per_name_and_port() {
        let (cache, lookups) = resolver(Duration::from_secs(3600));
        let first = lookup(&cache, "dynamodb.example", 443).unwrap();
        assert_eq!(lookup(&cache, "dynamodb.example", 443).unwrap(), first);
        assert_eq!(lookup(&cache, "DynamoDB.Example", 443).unwrap(), first);
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
        // Another port or another name is its own lookup.
        assert_ne!(lookup(&cache, "dynamodb.example", 8443).unwrap(), first);
        lookup(&cache, "streams.example", 443).unwrap();
        assert_eq!(lookups.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn an_expired_answer_is_looked_up_again() {
        let (cache, lookups) = resolver(Duration::ZERO);
        let first = lookup(&cache, "dynamodb.example", 443).unwrap();
        let second = lookup(&cache, "dynamodb.example", 443).unwrap();
        assert_ne!(first, second);
        assert_eq!(lookups.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn failures_and_empty_answers_are_not_kept() {
        let (cache, lookups) = resolver(Duration::from_secs(3600));
        for _ in 0..2 {
            assert!(lookup(&cache, "fail.example", 443).is_err());
            assert!(lookup(&cache, "empty.example", 443).unwrap().is_empty());
        }
        assert_eq!(lookups.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let (cache, lookups) = resolver(Duration::from_secs(3600));
        for n in 0..DNS_CACHE_CAPACITY + 10 {
            lookup(&cache, &format!("name-{n}.example"), 443).unwrap();
        }
        let kept = cache.answers.lock().unwrap().len();
        assert!(kept <= DNS_CACHE_CAPACITY, "{kept} names kept");
        assert!(kept > 0);
        assert_eq!(lookups.load(Ordering::SeqCst), DNS_CACHE_CAPACITY + 10);
    }

    /// Fills the cache: the first `expired` names answered two minutes ago (their minute is
    /// over), the rest now.
    fn full_cache(expired: usize) -> (CachingResolver<Counting>, Arc<AtomicUsize>) {
        let ttl = Duration::from_secs(60);
        let (cache, lookups) = resolver(ttl);
        let now = Instant::now();
        let long_ago = now
            .checked_sub(2 * ttl)
            .expect("a monotonic clock two minutes old");
        let mut answers = cache.answers.lock().unwrap();
        for n in 0..DNS_CACHE_CAPACITY {
            let at = if n < expired { long_ago } else { now };
            let address = SocketAddr::from(([192, 0, 2, 1], 443));
            answers.insert((format!("name-{n}.example"), 443), (at, vec![address]));
        }
        drop(answers);
        (cache, lookups)
    }

    #[test]
    fn a_full_cache_drops_its_expired_answers_first() {
        let half = DNS_CACHE_CAPACITY / 2;
        let (cache, lookups) = full_cache(half);
        lookup(&cache, "new.example", 443).unwrap();
        // The fresh half stayed, the expired half went, the new answer came in.
        assert_eq!(
            cache.answers.lock().unwrap().len(),
            DNS_CACHE_CAPACITY - half + 1
        );
        for n in half..DNS_CACHE_CAPACITY {
            lookup(&cache, &format!("name-{n}.example"), 443).unwrap();
        }
        assert_eq!(
            lookups.load(Ordering::SeqCst),
            1,
            "fresh answers were dropped"
        );
    }

    #[test]
    fn a_cache_full_of_fresh_answers_is_cleared() {
        let (cache, lookups) = full_cache(0);
        lookup(&cache, "new.example", 443).unwrap();
        assert_eq!(cache.answers.lock().unwrap().len(), 1);
        lookup(&cache, "new.example", 443).unwrap();
        assert_eq!(lookups.load(Ordering::SeqCst), 1);
    }
}
