//! Client-side rate limiting from the spec's documented quotas: a token
//! bucket per operation, shared by every clone of a client.

use super::error::{RateLimitError, RateLimitSource};
use crate::operation::RateLimit;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a client limits its own request rate.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RateLimitMode {
    /// Each operation's documented quota (e.g. 200 per 60 s).
    #[default]
    FromSpec,
    /// The same quota for every operation.
    Fixed(RateLimit),
    /// No client-side limit.
    Off,
}

#[derive(Debug)]
struct Bucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    fn new(limit: RateLimit) -> Self {
        let capacity = f64::from(limit.requests.max(1));
        Self {
            capacity,
            tokens: capacity,
            per_second: capacity / f64::from(limit.per_seconds.max(1)),
            last: Instant::now(),
        }
    }

    /// Takes a token, or says how long until one is available.
    fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }
}

/// Shared limiter state (cloning shares it).
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    mode: RateLimitMode,
    buckets: Arc<Mutex<HashMap<&'static str, Bucket>>>,
}

impl RateLimiter {
    /// A limiter applying `mode`. Each operation's bucket starts full: a
    /// burst of its whole quota may go at once, then requests are spaced
    /// `per_seconds / requests` apart.
    pub fn new(mode: RateLimitMode) -> Self {
        Self {
            mode,
            buckets: Arc::default(),
        }
    }

    fn limit_for(&self, documented: Option<RateLimit>) -> Option<(RateLimit, RateLimitSource)> {
        match &self.mode {
            RateLimitMode::FromSpec => documented.map(|l| (l, RateLimitSource::Documented)),
            RateLimitMode::Fixed(l) => Some((*l, RateLimitSource::Configured)),
            RateLimitMode::Off => None,
        }
    }

    /// Waits until `operation` may send one more request. When the next
    /// slot is later than `deadline`, answers at once with what happened
    /// (no token is taken) instead of sleeping into a timeout.
    pub async fn acquire(
        &self,
        operation: &'static str,
        documented: Option<RateLimit>,
        deadline: Instant,
    ) -> Result<(), RateLimitError> {
        let Some((limit, source)) = self.limit_for(documented) else {
            return Ok(());
        };
        loop {
            let now = Instant::now();
            let wait = {
                let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
                let bucket = buckets
                    .entry(operation)
                    .or_insert_with(|| Bucket::new(limit));
                match bucket.try_take(now) {
                    Ok(()) => return Ok(()),
                    Err(wait) => wait,
                }
            };
            if now + wait > deadline {
                return Err(RateLimitError {
                    operation,
                    limit,
                    source,
                    wait,
                    remaining: deadline.saturating_duration_since(now),
                });
            }
            tracing::debug!(
                operation,
                wait_ms = wait.as_millis() as u64,
                "client-side rate limit: waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_refills() {
        let mut b = Bucket::new(RateLimit {
            requests: 3,
            per_seconds: 3,
        });
        let t0 = b.last;
        for _ in 0..3 {
            assert!(b.try_take(t0).is_ok());
        }
        let wait = b.try_take(t0).unwrap_err();
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(b.try_take(t0 + Duration::from_secs(1)).is_ok());
    }
}
