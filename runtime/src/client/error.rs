//! The one error type of a call.

use crate::credentials::CredentialsError;
use crate::service_error::OperationError;
use crate::validation::ValidationError;
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call.
///
/// A failure the client retries (see [`RetryPolicy`](crate::RetryPolicy))
/// is returned once the policy's attempts, its budget or the call timeout
/// run out; any other is returned at once.
#[derive(Debug)]
#[non_exhaustive]
pub enum SdkError<E> {
    /// The request broke the spec's constraints (or could not be flattened
    /// into wire parameters). Checked before anything else: nothing was
    /// sent, no credentials were fetched, no rate-limit slot was taken.
    Validation(ValidationError),
    /// The service answered with a structured error (a JSON body with a
    /// `Code`, any HTTP status): the operation's error enum. Returned at
    /// once for a code that is not retried, after the last attempt for one
    /// that is (a code the spec marks retryable, as it does throttling, or
    /// a 5xx other than 501; [`SdkError::is_throttling`] tells throttling).
    Service(E),
    /// The request could not be sent, or the response not read to its end,
    /// for a reason other than a timeout (connection refused or reset, DNS,
    /// TLS, a body cut off). [`TransportError::maybe_sent`] says whether
    /// the service may have acted; a write without an idempotency token
    /// that may have been sent is not retried.
    Transport(TransportError),
    /// A limit of [`Timeouts`](crate::Timeouts) ran out: connecting, one
    /// attempt, or the whole call ([`TimeoutError::kind`]).
    Timeout(TimeoutError),
    /// The credentials provider gave no usable credentials (not configured,
    /// malformed, fetch failed, expired). Asked before each attempt; not
    /// retried.
    Credentials(CredentialsError),
    /// The response is not what the operation documents: a 2xx body that
    /// is not a JSON object or does not fit the output type, a body larger
    /// than [`MAX_RESPONSE_BYTES`](crate::client::MAX_RESPONSE_BYTES), an
    /// error status without an Alibaba JSON error (a gateway's HTML page),
    /// or a DryRun answer that does not match the request.
    Decode(DecodeError),
    /// A [`Paginator`](crate::Paginator) received a next-page token it had
    /// already received: the stream yields this error and ends instead of
    /// looping forever.
    PaginationLoop {
        /// The `Action` of the listing.
        operation: &'static str,
        /// The token seen twice.
        token: String,
    },
    /// The endpoint answered with a redirect (HTTP 3xx). A signed request is
    /// never re-sent elsewhere: the redirect is reported, not followed, and
    /// not retried.
    Redirect(RedirectError),
    /// The client-side rate limiter (the operation's documented quota, or
    /// the configured one) would delay the call past its deadline (its
    /// start plus `Timeouts::call`); nothing was sent.
    RateLimited(RateLimitError),
    /// The call cannot be made as asked: [`Core::dry_run`](crate::Core::dry_run)
    /// on an operation without a DryRun parameter (generated builders
    /// offer `dry_run()` only where there is one). A bad client
    /// configuration is a [`ConfigError`](crate::ConfigError) of
    /// [`Core::new`](crate::Core::new) instead.
    Config(String),
}

impl<E: OperationError> SdkError<E> {
    /// The operation's typed error, if the service answered with one.
    pub fn service_error(&self) -> Option<&E> {
        match self {
            SdkError::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The operation's typed error, by value, or the error back.
    pub fn into_service_error(self) -> Result<E, Self> {
        match self {
            SdkError::Service(e) => Ok(e),
            other => Err(other),
        }
    }

    /// The RequestId of the failed call, where the service gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SdkError::Service(e) => e.request_id(),
            SdkError::Decode(d) => d.request_id.as_deref(),
            _ => None,
        }
    }

    /// The service's error code, if there is one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().map(|e| e.code())
    }

    /// Whether the service throttled the call (a `Throttling*` code), after
    /// the retry policy's attempts.
    pub fn is_throttling(&self) -> bool {
        self.code().is_some_and(|c| c.starts_with("Throttling"))
    }
}

/// The service-error slot of an error produced before the operation's type
/// is known (the call engine is compiled once for every operation).
#[derive(Debug)]
pub enum NoServiceError {}

impl fmt::Display for NoServiceError {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl std::error::Error for NoServiceError {}

impl SdkError<NoServiceError> {
    /// The same error with the operation's error type.
    pub fn cast<E>(self) -> SdkError<E> {
        match self {
            SdkError::Validation(v) => SdkError::Validation(v),
            SdkError::Service(never) => match never {},
            SdkError::Transport(t) => SdkError::Transport(t),
            SdkError::Timeout(t) => SdkError::Timeout(t),
            SdkError::Credentials(c) => SdkError::Credentials(c),
            SdkError::Decode(d) => SdkError::Decode(d),
            SdkError::PaginationLoop { operation, token } => {
                SdkError::PaginationLoop { operation, token }
            }
            SdkError::Redirect(r) => SdkError::Redirect(r),
            SdkError::RateLimited(r) => SdkError::RateLimited(r),
            SdkError::Config(m) => SdkError::Config(m),
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::Validation(v) => write!(f, "{v}"),
            SdkError::Service(e) => write!(f, "service error: {e}"),
            SdkError::Transport(t) => write!(f, "transport error: {t}"),
            SdkError::Timeout(t) => write!(f, "{t}"),
            SdkError::Credentials(c) => write!(f, "credentials error: {c}"),
            SdkError::Decode(d) => write!(f, "{d}"),
            SdkError::PaginationLoop { operation, token } => {
                write!(f, "{operation} returned the page token `{token}` twice; stopped to avoid looping forever")
            }
            SdkError::Redirect(r) => write!(f, "{r}"),
            SdkError::RateLimited(r) => write!(f, "{r}"),
            SdkError::Config(m) => write!(f, "configuration error: {m}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SdkError::Validation(v) => Some(v),
            SdkError::Service(e) => Some(e),
            SdkError::Transport(t) => Some(t),
            SdkError::Timeout(t) => Some(t),
            SdkError::Credentials(c) => Some(c),
            SdkError::Decode(d) => Some(d),
            SdkError::Redirect(r) => Some(r),
            SdkError::RateLimited(r) => Some(r),
            _ => None,
        }
    }
}

/// A request that did not get a response.
#[derive(Debug)]
pub struct TransportError {
    /// What failed and why, without the URL (it carries the signed query).
    pub message: String,
    /// Whether the request may have reached the server (`false` only when
    /// no connection was made).
    pub maybe_sent: bool,
    /// The HTTP client's error, its URL removed.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Which limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Opening a connection took longer than `Timeouts::connect`.
    Connect,
    /// One HTTP exchange took longer than `Timeouts::attempt`.
    Attempt,
    /// The whole call (rate-limit wait, attempts, backoff) took longer
    /// than `Timeouts::call`.
    Call,
}

/// A call that ran out of time. A connect or attempt timeout is retried
/// like a transport error, and reported once retries run out.
#[derive(Debug, Clone)]
pub struct TimeoutError {
    /// Which limit ran out.
    pub kind: TimeoutKind,
    /// That limit as configured (not a measured time).
    pub after: Duration,
    /// Attempts started in the call, the last one included (0 when the
    /// call timed out before its first attempt).
    pub attempts: u32,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "an attempt",
            TimeoutKind::Call => "the call",
        };
        write!(
            f,
            "timed out: {what} took longer than {:?} (after {} attempt(s))",
            self.after, self.attempts
        )
    }
}

impl std::error::Error for TimeoutError {}

/// A response that is not what the operation documents.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The HTTP status of the response (given as 200 for any 2xx body that
    /// does not fit the output type).
    pub http_status: u16,
    /// The `RequestId` of the body, when one could be read.
    pub request_id: Option<String>,
    /// What is wrong with the response.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the response (HTTP {}): {}",
            self.http_status, self.reason
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [RequestId: {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A DryRun request passed every check; the service changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunPassed {
    /// The `RequestId` of the service's `DryRunOperation` answer.
    pub request_id: Option<String>,
    /// The service's message.
    pub message: String,
}

/// An HTTP 3xx answer. Nothing was sent to the `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectError {
    /// The 3xx status.
    pub http_status: u16,
    /// The `Location` header as received (secret query values masked).
    pub location: Option<String>,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the endpoint answered HTTP {} (a redirect to {}); a signed request is not re-sent to another address: check the endpoint URL",
            self.http_status,
            self.location.as_deref().unwrap_or("no Location")
        )
    }
}

impl std::error::Error for RedirectError {}

/// Where the limit the client applied to itself comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitSource {
    /// The operation's documented quota (`RateLimitMode::FromSpec`).
    Documented,
    /// `RateLimitMode::Fixed`.
    Configured,
}

/// The client-side rate limiter refused to wait past the call's deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitError {
    /// The `Action` of the call.
    pub operation: &'static str,
    /// The quota the limiter applied.
    pub limit: crate::operation::RateLimit,
    /// Where that quota comes from.
    pub source: RateLimitSource,
    /// How long the next request slot is away.
    pub wait: Duration,
    /// What was left of the call's time when the limiter was asked.
    pub remaining: Duration,
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.source {
            RateLimitSource::Documented => "the documented quota of",
            RateLimitSource::Configured => "the configured limit of",
        };
        write!(
            f,
            "client-side rate limiter: {} is limited to {} {} request(s) per {} s; the next slot is {:.1} s away, past the call deadline ({:.1} s left). Space the calls out, raise Timeouts::call, or change Config::builder().rate_limit(RateLimitMode::Fixed(..) or RateLimitMode::Off)",
            self.operation,
            which,
            self.limit.requests,
            self.limit.per_seconds,
            self.wait.as_secs_f64(),
            self.remaining.as_secs_f64()
        )
    }
}

impl std::error::Error for RateLimitError {}
