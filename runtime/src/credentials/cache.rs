//! Caching of expiring credentials, refreshed shortly before they expire.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime};

use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

/// Default refresh window: credentials are refreshed once less than this
/// remains before their expiry.
///
/// The official Python package treats credentials as stale 15 minutes before
/// expiry; we refresh later (3 minutes) so that short-lived STS credentials
/// (15 minutes is the STS minimum) are not refetched on every call. Use
/// [`CachedProvider::with_refresh_window`] to change it.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(3 * 60);

/// After a failed refresh while the cached credentials are still valid, the
/// cached ones are served for this long before another refresh is tried.
pub const FAILED_REFRESH_BACKOFF: Duration = Duration::from_secs(10);

/// Wraps a provider and caches what it returns.
///
/// - Credentials without an expiry are cached for good.
/// - Credentials are refreshed when less than the refresh window remains.
/// - Concurrent callers share one refresh: one caller fetches while the
///   others wait on a `tokio::sync::Mutex`, then all get its outcome (the
///   new credentials, or its error).
/// - If a refresh fails while the cached credentials have not yet expired,
///   those are returned (a warning is logged) and the next attempt waits
///   [`FAILED_REFRESH_BACKOFF`].
/// - Credentials that are already expired when fetched give
///   [`CredentialsError::Expired`].
#[derive(Debug)]
pub struct CachedProvider<P> {
    inner: P,
    refresh_window: Duration,
    state: RwLock<State>,
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct State {
    credentials: Option<Credentials>,
    /// Outcome of the most recent refresh, when it failed.
    last_error: Option<CredentialsError>,
    /// Bumped by every completed refresh attempt.
    generation: u64,
    /// After a failed refresh: serve valid cached credentials until then.
    retry_not_before: Option<Instant>,
}

impl State {
    fn usable(&self, window: Duration) -> Option<Credentials> {
        let creds = self.credentials.as_ref()?;
        let Some(expiry) = creds.expiry() else {
            return Some(creds.clone());
        };
        let remaining = expiry
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO);
        if remaining.is_zero() {
            return None;
        }
        let backing_off = self.retry_not_before.is_some_and(|t| Instant::now() < t);
        (remaining > window || backing_off).then(|| creds.clone())
    }
}

impl<P: ProvideCredentials> CachedProvider<P> {
    /// Caches `inner` with the [`DEFAULT_REFRESH_WINDOW`].
    pub fn new(inner: P) -> Self {
        CachedProvider {
            inner,
            refresh_window: DEFAULT_REFRESH_WINDOW,
            state: RwLock::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// Refresh once less than `window` remains before expiry.
    pub fn with_refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// How long before expiry credentials are refreshed.
    pub fn refresh_window(&self) -> Duration {
        self.refresh_window
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Drops the cached credentials: the next call fetches anew.
    pub fn invalidate(&self) {
        let mut state = self.write();
        state.credentials = None;
        state.last_error = None;
        state.retry_not_before = None;
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let seen = {
            let state = self.read();
            if let Some(creds) = state.usable(self.refresh_window) {
                return Ok(creds);
            }
            state.generation
        };

        let _refreshing = self.refresh.lock().await;
        {
            // Someone else refreshed while we waited: share their outcome.
            let state = self.read();
            if let Some(creds) = state.usable(self.refresh_window) {
                return Ok(creds);
            }
            if state.generation != seen {
                if let Some(err) = &state.last_error {
                    return Err(err.clone());
                }
            }
        }

        let fetched = self
            .inner
            .provide()
            .await
            .and_then(|creds| match creds.expiry() {
                Some(expiry) if expiry <= SystemTime::now() => Err(CredentialsError::Expired {
                    provider: creds.provider(),
                }),
                _ => Ok(creds),
            });

        let mut state = self.write();
        state.generation += 1;
        match fetched {
            Ok(creds) => {
                if creds
                    .expiry()
                    .and_then(|e| e.duration_since(SystemTime::now()).ok())
                    .is_some_and(|remaining| remaining <= self.refresh_window)
                {
                    tracing::debug!(
                        provider = creds.provider(),
                        "fetched credentials expire within the refresh window; they will be refetched on next use"
                    );
                }
                state.credentials = Some(creds.clone());
                state.last_error = None;
                state.retry_not_before = None;
                Ok(creds)
            }
            Err(err) => {
                state.last_error = Some(err.clone());
                let still_valid = state
                    .credentials
                    .as_ref()
                    .filter(|c| c.expiry().is_none_or(|e| e > SystemTime::now()))
                    .cloned();
                match still_valid {
                    Some(creds) => {
                        tracing::warn!(
                            provider = creds.provider(),
                            error = %err,
                            "refreshing credentials failed; using the cached ones until they expire"
                        );
                        state.retry_not_before = Some(Instant::now() + FAILED_REFRESH_BACKOFF);
                        Ok(creds)
                    }
                    None => Err(err),
                }
            }
        }
    }
}

impl<P: ProvideCredentials> ProvideCredentials for CachedProvider<P> {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    /// Returns the queued results in order, counting calls; sleeps a little
    /// so that concurrent callers overlap.
    #[derive(Debug, Default)]
    struct Scripted {
        calls: AtomicUsize,
        results: Mutex<Vec<Result<Credentials, CredentialsError>>>,
    }

    impl Scripted {
        fn new(results: Vec<Result<Credentials, CredentialsError>>) -> Self {
            let mut results = results;
            results.reverse();
            Scripted {
                calls: AtomicUsize::new(0),
                results: Mutex::new(results),
            }
        }
        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl ProvideCredentials for Scripted {
        fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                self.results
                    .lock()
                    .unwrap()
                    .pop()
                    .unwrap_or_else(|| Err(CredentialsError::not_found("script exhausted")))
            })
        }
    }

    fn expiring_in(secs: u64, id: &str) -> Credentials {
        Credentials::new(id, "secret")
            .with_security_token("token")
            .with_expiry(SystemTime::now() + Duration::from_secs(secs))
    }

    fn fail() -> CredentialsError {
        CredentialsError::fetch("http://127.0.0.1/x", Some(500), "boom")
    }

    #[tokio::test]
    async fn caches_until_refresh_window() {
        let p = CachedProvider::new(Scripted::new(vec![
            Ok(expiring_in(3600, "a")),
            Ok(expiring_in(3600, "b")),
        ]));
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        assert_eq!(p.inner().calls(), 1);
        p.invalidate();
        assert_eq!(p.provide().await.unwrap().access_key_id(), "b");
        assert_eq!(p.inner().calls(), 2);
    }

    #[tokio::test]
    async fn refreshes_inside_window() {
        let p = CachedProvider::new(Scripted::new(vec![
            Ok(expiring_in(60, "a")),
            Ok(expiring_in(3600, "b")),
        ]));
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        assert_eq!(p.provide().await.unwrap().access_key_id(), "b");
        assert_eq!(p.provide().await.unwrap().access_key_id(), "b");
        assert_eq!(p.inner().calls(), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh() {
        let p = Arc::new(CachedProvider::new(Scripted::new(vec![Ok(expiring_in(
            3600, "a",
        ))])));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().access_key_id(), "a");
        }
        assert_eq!(p.inner().calls(), 1);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_failure() {
        let p = Arc::new(CachedProvider::new(Scripted::new(vec![Err(fail())])));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().is_err());
        }
        assert_eq!(p.inner().calls(), 1);
    }

    #[tokio::test]
    async fn failed_refresh_falls_back_to_valid_cache() {
        let p = CachedProvider::new(Scripted::new(vec![Ok(expiring_in(60, "a")), Err(fail())]));
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        // Refresh fails, but "a" is still valid for a minute.
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        // Backing off: no new attempt.
        assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        assert_eq!(p.inner().calls(), 2);
    }

    #[tokio::test]
    async fn expired_on_arrival_is_an_error() {
        let creds = Credentials::new("id", "secret")
            .with_expiry(SystemTime::now() - Duration::from_secs(5))
            .with_provider("test");
        let p = CachedProvider::new(Scripted::new(vec![Ok(creds)]));
        assert_eq!(
            p.provide().await.unwrap_err(),
            CredentialsError::Expired { provider: "test" }
        );
    }

    #[tokio::test]
    async fn no_expiry_is_cached_for_good() {
        let p = CachedProvider::new(Scripted::new(vec![Ok(Credentials::new("a", "s"))]))
            .with_refresh_window(Duration::from_secs(1_000_000));
        for _ in 0..3 {
            assert_eq!(p.provide().await.unwrap().access_key_id(), "a");
        }
        assert_eq!(p.inner().calls(), 1);
    }
}
