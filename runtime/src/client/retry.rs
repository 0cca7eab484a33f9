//! Retry policy: which failures to retry and how long to wait.

use std::time::Duration;

/// Exponential backoff with full jitter, bounded by attempts, a max delay
/// and an overall time budget. On by default.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// No new attempt starts once this much time has passed since the call began.
    pub budget: Option<Duration>,
    /// Randomize each delay in [0, delay] (full jitter); off gives exact delays.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            budget: Some(Duration::from_secs(60)),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    pub fn with_budget(mut self, budget: Option<Duration>) -> Self {
        self.budget = budget;
        self
    }

    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The delay before retry number `retry` (1-based), honouring a
    /// server-requested `retry_after` when it is longer.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        let base = if self.jitter {
            exp.mul_f64(rand::random::<f64>())
        } else {
            exp
        };
        match retry_after {
            Some(ra) => ra.max(base),
            None => base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default()
            .with_jitter(false)
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(p.delay(1, None), Duration::from_millis(100));
        assert_eq!(p.delay(2, None), Duration::from_millis(200));
        assert_eq!(p.delay(3, None), Duration::from_millis(350));
        assert_eq!(p.delay(30, None), Duration::from_millis(350));
        assert_eq!(
            p.delay(1, Some(Duration::from_millis(900))),
            Duration::from_millis(900)
        );
        let j = p.clone().with_jitter(true);
        for _ in 0..100 {
            assert!(j.delay(2, None) <= Duration::from_millis(200));
        }
    }
}
