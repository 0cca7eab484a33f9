//! Retry policy: which failures to retry and how long to wait.

use std::time::{Duration, SystemTime};

/// Exponential backoff with full jitter, bounded by attempts, a max delay
/// and an overall time budget. On by default.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry). Default 3.
    pub max_attempts: u32,
    /// Delay before the first retry (before jitter); it doubles with each
    /// further retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// Cap of the doubling delay. Default 20 s.
    pub max_backoff: Duration,
    /// No retry starts that would begin later than this after the call
    /// began (its delay included). Default 60 s.
    pub budget: Option<Duration>,
    /// Randomize each delay in [0, delay] (full jitter); off gives exact
    /// delays. Default on.
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

    /// Sets `max_attempts` (0 counts as 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the first and the largest delay; a `max` below `initial`
    /// becomes `initial`.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the time budget (`None`: only the call timeout bounds
    /// retries).
    pub fn with_budget(mut self, budget: Option<Duration>) -> Self {
        self.budget = budget;
        self
    }

    /// Turns full jitter on or off.
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
            exp.mul_f64(unit_random())
        } else {
            exp
        };
        match retry_after {
            Some(ra) => ra.max(base),
            None => base,
        }
    }
}

/// A number in `[0, 1)` for jitter. Std's `RandomState` is keyed from the
/// OS's randomness once per thread and changes key on every call, so its
/// hash is a fresh value each time: enough to spread retries, and no
/// random-number crate in every user's build.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait a server asks for: `x-acs-retry-after` (milliseconds, Alibaba's
/// header) or the standard `Retry-After` (seconds, or an HTTP date), the
/// longer of the two when both are present. Unparseable or past values are
/// ignored. How long the client is willing to wait is decided by the retry
/// loop (the budget and the call timeout), the same for both headers.
pub fn server_retry_after(
    x_acs_retry_after: Option<&str>,
    retry_after: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    let acs = x_acs_retry_after
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    let std = retry_after.and_then(|v| parse_retry_after(v, now));
    acs.max(std).filter(|d| !d.is_zero())
}

/// `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`
/// (RFC 9110 10.2.3; the IMF-fixdate form of an HTTP date).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::clock::parse_http_date(value)?;
    at.duration_since(now).ok().filter(|d| !d.is_zero())
}

/// Whether a structured service error is worth another attempt: the
/// spec's `retryable` flag for the code (its catalogue is the one place a
/// code's retry is decided; throttling codes are marked there), or a
/// server-side failure (5xx) other than 501 Not Implemented. An action the
/// endpoint does not know never becomes known by asking again.
pub fn retry_service_error(http_status: u16, code: &str, spec_retryable: bool) -> bool {
    if http_status == 501 || is_unknown_action(code) {
        return false;
    }
    spec_retryable || http_status >= 500
}

/// Codes saying that the action (or API) does not exist at this endpoint.
pub fn is_unknown_action(code: &str) -> bool {
    matches!(
        code,
        "InvalidAction.NotFound"
            | "InvalidAction"
            | "InvalidApi.NotFound"
            | "OperationNotSupported"
            | "UnsupportedOperation"
            | "NotImplemented"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_headers() {
        // 2015-10-21 07:27:30 UTC
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_450);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            None
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(
            server_retry_after(Some("1500"), Some("1"), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            server_retry_after(Some("200"), Some("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(server_retry_after(None, None, now), None);
        assert_eq!(server_retry_after(Some("0"), Some("x"), now), None);
    }

    #[test]
    fn jitter_is_uniform_enough() {
        let draws: Vec<f64> = (0..2000).map(|_| unit_random()).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let low = draws.iter().filter(|d| **d < 0.5).count();
        assert!((800..1200).contains(&low), "{low} of 2000 below 0.5");
        let p = RetryPolicy::default();
        let delays: std::collections::HashSet<Duration> =
            (0..20).map(|_| p.delay(3, None)).collect();
        assert!(delays.len() > 10, "jittered delays repeat: {delays:?}");
    }

    #[test]
    fn which_service_errors_are_retried() {
        assert!(retry_service_error(400, "Throttling.User", true));
        // The spec decides: an undocumented code is not retried on a 4xx.
        assert!(!retry_service_error(400, "Throttling.Brand.New", false));
        assert!(retry_service_error(503, "ServiceUnavailable", false));
        assert!(retry_service_error(500, "Whatever", false));
        assert!(retry_service_error(400, "IncorrectStatus.Listener", true));
        assert!(!retry_service_error(400, "IncorrectStatus.Listener", false));
        assert!(!retry_service_error(501, "OperationNotSupported", true));
        assert!(!retry_service_error(501, "InternalError", false));
        assert!(!retry_service_error(404, "InvalidAction.NotFound", false));
        assert!(!retry_service_error(500, "InvalidAction.NotFound", false));
    }

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
