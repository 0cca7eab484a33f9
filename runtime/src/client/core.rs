//! The call engine: validate, fill the idempotency token, rate-limit, sign,
//! send, retry, decode. Generated code calls [`Core::send`] and friends.

use super::config::{Config, ConfigError};
use super::error::{
    DecodeError, DryRunPassed, NoServiceError, RedirectError, SdkError, TimeoutError, TimeoutKind,
    TransportError,
};
use super::rate_limit::RateLimiter;
use crate::credentials::ProvideCredentials;
use crate::operation::{Operation, OperationMeta};
use crate::service_error::{ErrorCodeInfo, ErrorMetadata, OperationError};
use crate::signing::{self, SigningInput};
use crate::validation::ValidationError;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Responses larger than this are refused (a decode error), not buffered.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// The User-Agent of a core built directly ([`Core::new`]): this runtime's
/// version stands for the SDK's too (see [`user_agent_for`]).
pub fn user_agent(suffix: Option<&str>) -> String {
    user_agent_for(env!("CARGO_PKG_VERSION"), suffix)
}

/// The User-Agent: the SDK (the generated crate) and its version, the
/// platform, this runtime and its version, then `suffix`
/// ([`Config::user_agent_suffix`]).
pub fn user_agent_for(sdk_version: &str, suffix: Option<&str>) -> String {
    let mut ua = format!(
        "alb-sdk-rust/{sdk_version} ({}; {}) alb-runtime/{}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(s) = suffix {
        ua.push(' ');
        ua.push_str(s);
    }
    ua
}

/// Shared client state: configuration, connection pool, credentials and
/// rate limiters. Cloning is cheap and shares everything.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    base_url: String,
    /// `base_url` + `/`, parsed once: each request clones it and sets the
    /// query, instead of reqwest parsing a whole URL string per request.
    /// `None` if it does not parse: requests then go the old way, and
    /// reqwest reports the error per call, as it always did.
    base: Option<reqwest::Url>,
    host: String,
    transport: Transport,
    credentials: Arc<dyn ProvideCredentials>,
    limiter: RateLimiter,
    user_agent: String,
}

/// Where calls go: the service over HTTPS, or a stub in the process.
enum Transport {
    Http(reqwest::Client),
    Stub(Arc<dyn Stub>),
}

/// A stand-in for the service, for tests of code that uses the client:
/// it answers each call in the process, with no network. The generated
/// crate implements it for any implementation of its server trait
/// (`alb_sdk::Client::from_stub`), so a test writes only the operations it
/// needs.
///
/// A call reaches the stub after the client's own work (validation, the
/// idempotency token, the rate limiter), as the wire parameters a real
/// endpoint would receive; its answer goes through the same decoding,
/// error mapping and retry decisions as a real one.
pub trait Stub: Send + Sync + 'static {
    /// The answer to `action` with these wire parameters: the JSON object
    /// the service would send, or its error.
    fn call(
        &self,
        action: &'static str,
        params: crate::ParamMap,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<serde_json::Value, ErrorMetadata>> + Send + '_>,
    >;
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &self.inner.base_url)
            .field("config", &self.inner.config)
            .finish()
    }
}

/// What one attempt ended with.
enum Attempt {
    /// A 2xx answer: its status and body.
    Done(u16, Vec<u8>),
    DryRun(DryRunPassed),
    Retry {
        failure: Failure,
        retry_after: Option<Duration>,
    },
    Fail(Failure),
}

/// Why a call failed, before the operation's error type is known: the
/// engine is not generic, so it is compiled once, not once per operation.
pub(crate) enum Failure {
    /// A structured error answer of the service.
    Service(ErrorMetadata),
    /// Anything else (transport, timeout, decode, credentials, ...).
    Other(SdkError<NoServiceError>),
}

impl Failure {
    fn into_sdk<E: OperationError>(self) -> SdkError<E> {
        match self {
            Failure::Service(meta) => SdkError::Service(E::from_metadata(meta)),
            Failure::Other(e) => e.cast(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Failure::Service(m) => m.to_string(),
            Failure::Other(e) => e.to_string(),
        }
    }
}

/// What a successful call produced: a body to decode, or a passed DryRun.
enum Success {
    /// The 2xx status and the body.
    Body(u16, Vec<u8>),
    DryRun(DryRunPassed),
}

impl Core {
    /// A core for `config`: checks the endpoint and that credentials are
    /// configured, and builds the HTTP client. No I/O: credentials are
    /// first fetched by the first call.
    ///
    /// The User-Agent names this runtime's version as the SDK's; a
    /// generated client uses [`Core::for_sdk`] with its own.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        Self::for_sdk(config, env!("CARGO_PKG_VERSION"))
    }

    /// [`Core::new`] for a generated SDK of version `sdk_version`, which
    /// its User-Agent names ([`user_agent_for`]).
    pub fn for_sdk(config: Config, sdk_version: &str) -> Result<Self, ConfigError> {
        let base_url = config.base_url()?;
        let host = base_url
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_string())
            .ok_or_else(|| ConfigError::InvalidEndpoint(base_url.clone()))?;
        let credentials = config
            .credentials
            .clone()
            .ok_or(ConfigError::MissingCredentials)?;
        let user_agent = user_agent_for(sdk_version, config.user_agent_suffix.as_deref());
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .user_agent(user_agent.clone())
            // A signed request (and its STS token header) must never travel
            // to another address: a 3xx is an error value, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        let base = reqwest::Url::parse(&format!("{base_url}/")).ok();
        Ok(Self {
            inner: Arc::new(Inner {
                limiter: RateLimiter::new(config.rate_limit.clone()),
                config,
                base_url,
                base,
                host,
                transport: Transport::Http(http),
                credentials,
                user_agent,
            }),
        })
    }

    /// A core whose calls go to `stub` instead of the network. `config`
    /// gives the retry policy, the rate limits and the call timeout; its
    /// endpoint, credentials and per-attempt HTTP timeouts are not used.
    pub fn from_stub(config: Config, stub: Arc<dyn Stub>) -> Self {
        let user_agent = user_agent(config.user_agent_suffix.as_deref());
        Self {
            inner: Arc::new(Inner {
                limiter: RateLimiter::new(config.rate_limit.clone()),
                config,
                base_url: "stub://".into(),
                base: None,
                host: "stub".into(),
                transport: Transport::Stub(stub),
                // A stub never looks at them.
                credentials: Arc::new(crate::credentials::Credentials::new("stub", "stub")),
                user_agent,
            }),
        }
    }

    /// Configuration from the environment: region from
    /// `ALIBABA_CLOUD_REGION_ID` or the CLI profile, endpoint from
    /// `ALIBABA_CLOUD_ALB_ENDPOINT`, credentials from the default chain.
    pub async fn from_env() -> Result<Self, ConfigError> {
        Self::new(Config::from_env())
    }

    /// The configuration this core was made from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends a request and returns its output.
    pub async fn send<O: Operation>(
        &self,
        mut request: O,
    ) -> Result<O::Output, SdkError<O::Error>> {
        if let Some(flag) = request.dry_run_mut() {
            *flag = None;
        }
        let params = prepare(&mut request)?;
        match self
            .execute(O::META, O::Error::CODES, O::Error::COMMON, params)
            .await
        {
            Ok(Success::Body(status, body)) => {
                let mut output = decode::<O::Output>(status, &body).map_err(Failure::into_sdk)?;
                request.complete(&mut output);
                Ok(output)
            }
            Ok(Success::DryRun(passed)) => Err(SdkError::Decode(DecodeError {
                http_status: 400,
                request_id: passed.request_id,
                reason: "the service answered DryRunOperation to a request that was not a dry run"
                    .into(),
            })),
            Err(f) => Err(f.into_sdk()),
        }
    }

    /// Sends the request as a DryRun: `Ok` when every check passed.
    pub async fn dry_run<O: Operation>(
        &self,
        mut request: O,
    ) -> Result<DryRunPassed, SdkError<O::Error>> {
        match request.dry_run_mut() {
            Some(flag) => *flag = Some(true),
            None => {
                return Err(SdkError::Config(format!(
                    "{} has no DryRun parameter",
                    O::META.name
                )))
            }
        }
        let params = prepare(&mut request)?;
        match self
            .execute(O::META, O::Error::CODES, O::Error::COMMON, params)
            .await
        {
            Ok(Success::DryRun(passed)) => Ok(passed),
            Ok(Success::Body(status, _)) => Err(SdkError::Decode(DecodeError {
                http_status: status,
                request_id: None,
                reason:
                    "the service acted on a DryRun request instead of answering DryRunOperation"
                        .into(),
            })),
            Err(f) => Err(f.into_sdk()),
        }
    }

    /// The whole call, for any operation: rate limit, attempts, retries,
    /// the call timeout.
    async fn execute(
        &self,
        meta: &'static OperationMeta,
        codes: &'static [&'static ErrorCodeInfo],
        common: &'static [&'static ErrorCodeInfo],
        params: Prepared,
    ) -> Result<Success, Failure> {
        let safe_to_resend = params.idempotent || meta.is_read_only() || params.dry_run;
        let span = tracing::info_span!(
            "alb.call",
            operation = meta.name,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty
        );
        let started = Instant::now();
        let timeouts = self.inner.config.timeouts;
        // Attempts started so far, for the call timeout's error.
        let attempts_started = AtomicU32::new(0);
        let call = async {
            self.inner
                .limiter
                .acquire(meta.name, meta.rate_limit, started + timeouts.call)
                .await
                .map_err(|e| Failure::Other(SdkError::RateLimited(e)))?;
            let policy = &self.inner.config.retry;
            let mut attempt = 1u32;
            loop {
                attempts_started.store(attempt, Ordering::Relaxed);
                let credentials = self
                    .inner
                    .credentials
                    .provide()
                    .await
                    .map_err(|e| Failure::Other(SdkError::Credentials(e)))?;
                let outcome = self
                    .attempt(
                        meta,
                        codes,
                        common,
                        &params.pairs,
                        &credentials,
                        safe_to_resend,
                    )
                    .instrument(tracing::debug_span!(
                        "alb.attempt",
                        operation = meta.name,
                        attempt,
                        status = tracing::field::Empty,
                        request_id = tracing::field::Empty
                    ))
                    .await;
                let (failure, retry_after) = match outcome {
                    Attempt::Done(status, body) => {
                        tracing::Span::current().record("attempts", attempt);
                        return Ok(Success::Body(status, body));
                    }
                    Attempt::DryRun(p) => return Ok(Success::DryRun(p)),
                    Attempt::Fail(f) => return Err(with_attempts(f, attempt)),
                    Attempt::Retry {
                        failure,
                        retry_after,
                    } => (failure, retry_after),
                };
                let delay = policy.delay(attempt, retry_after);
                let over_budget = policy.budget.is_some_and(|b| started.elapsed() + delay > b)
                    || started.elapsed() + delay > timeouts.call;
                if attempt >= policy.max_attempts || over_budget {
                    tracing::Span::current().record("attempts", attempt);
                    return Err(with_attempts(failure, attempt));
                }
                tracing::debug!(operation = meta.name, attempt, delay_ms = delay.as_millis() as u64, error = %failure.describe(), "retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        };
        match tokio::time::timeout(timeouts.call, call.instrument(span)).await {
            Ok(r) => r,
            Err(_) => Err(Failure::Other(SdkError::Timeout(TimeoutError {
                kind: TimeoutKind::Call,
                after: timeouts.call,
                attempts: attempts_started.load(Ordering::Relaxed),
            }))),
        }
    }

    async fn attempt(
        &self,
        meta: &'static OperationMeta,
        codes: &'static [&'static ErrorCodeInfo],
        common: &'static [&'static ErrorCodeInfo],
        params: &[(String, String)],
        credentials: &crate::credentials::Credentials,
        safe_to_resend: bool,
    ) -> Attempt {
        let http = match &self.inner.transport {
            Transport::Http(http) => http,
            Transport::Stub(stub) => {
                let answer = stub
                    .call(meta.name, crate::ParamMap::new(params.iter().cloned()))
                    .await;
                return match answer {
                    Ok(value) => match serde_json::to_vec(&value) {
                        Ok(body) if value.is_object() => Attempt::Done(200, body),
                        _ => Attempt::Fail(decode_failure(
                            200,
                            None,
                            "the stub's answer is not a JSON object".into(),
                        )),
                    },
                    Err(meta_err) => classify(meta_err, codes, common, None),
                };
            }
        };
        let request = match self.http_request(http, meta, params, credentials) {
            Ok(r) => r,
            Err(e) => return transport_failure(e, safe_to_resend, self.inner.config.timeouts),
        };
        let response = match http.execute(request).await {
            Ok(r) => r,
            Err(e) => return transport_failure(e, safe_to_resend, self.inner.config.timeouts),
        };
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = super::retry::server_retry_after(
            header("x-acs-retry-after").as_deref(),
            header("retry-after").as_deref(),
            std::time::SystemTime::now(),
        );
        if (300..400).contains(&status) {
            let location = header("location").map(|l| crate::redact::redact(&l).into_owned());
            return Attempt::Fail(Failure::Other(SdkError::Redirect(RedirectError {
                http_status: status,
                location,
            })));
        }
        let body = match read_body(response).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return Attempt::Fail(decode_failure(
                    status,
                    None,
                    format!("the response body is larger than {MAX_RESPONSE_BYTES} bytes"),
                ))
            }
            Err(BodyError::Transport(e)) => {
                return transport_failure(e, safe_to_resend, self.inner.config.timeouts)
            }
        };

        if (200..300).contains(&status) {
            // Every documented response is an object; serde would also map
            // a JSON array onto the struct's fields, in order.
            if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
                return Attempt::Fail(decode_failure(
                    status,
                    None,
                    "the body is not a JSON object".into(),
                ));
            }
            // Only a subscriber sees the span: without one, no second parse.
            let span = tracing::Span::current();
            if !span.is_disabled() {
                if let Some(id) = request_id_of(&body) {
                    span.record("request_id", id.as_str());
                }
            }
            return Attempt::Done(status, body);
        }

        let meta_err = match ErrorMetadata::from_body(status, &body) {
            Ok(m) => redact_credentials(m, credentials),
            Err(bad) => {
                let failure = decode_failure(status, request_id_of(&body), bad.reason);
                // A gateway's HTML 5xx: the service may or may not have acted.
                return if status >= 500 && status != 501 && safe_to_resend {
                    Attempt::Retry {
                        failure,
                        retry_after,
                    }
                } else {
                    Attempt::Fail(failure)
                };
            }
        };
        classify(meta_err, codes, common, retry_after)
    }

    /// The HTTP request of one attempt, as handed to the HTTP client: a
    /// fresh timestamp and nonce, signed, the URL and the headers.
    fn http_request(
        &self,
        http: &reqwest::Client,
        meta: &'static OperationMeta,
        params: &[(String, String)],
        credentials: &crate::credentials::Credentials,
    ) -> Result<reqwest::Request, reqwest::Error> {
        use reqwest::header::{HeaderName, HeaderValue};
        let timestamp = crate::clock::timestamp(std::time::SystemTime::now());
        let nonce = signing::nonce();
        let mut wire = signing::sign_wire(
            self.inner.config.signature_version,
            &SigningInput {
                action: meta.name,
                api_version: meta.api_version,
                host: &self.inner.host,
                params,
                credentials,
                timestamp: &timestamp,
                nonce: &nonce,
                user_agent: &self.inner.user_agent,
            },
        );
        let timeout = self.inner.config.timeouts.attempt;
        // `host` is the URL's authority; the user agent is the HTTP
        // client's default header, set to the same value in `Core::new`.
        let sent = |name: &str| name != "host" && name != "user-agent";
        let fast = self.inner.base.as_ref().and_then(|base| {
            let mut url = base.clone();
            url.set_query((!wire.query.is_empty()).then_some(wire.query.as_str()));
            let mut request = reqwest::Request::new(reqwest::Method::POST, url);
            let headers = request.headers_mut();
            headers.reserve(wire.headers.len());
            for (name, value) in &mut wire.headers {
                if !sent(name) {
                    continue;
                }
                let value = match value {
                    // A constant needs no copy (from_static would panic
                    // on what from_str refuses, so check first).
                    signing::HeaderValue::Static(v) if header_safe(v) => {
                        Ok(HeaderValue::from_static(v))
                    }
                    signing::HeaderValue::Static(v) => HeaderValue::from_str(v),
                    signing::HeaderValue::Borrowed(v) => HeaderValue::from_str(v),
                    // Moved, not copied.
                    signing::HeaderValue::Owned(v) => HeaderValue::try_from(std::mem::take(v)),
                }
                .ok()?;
                headers.insert(HeaderName::from_static(name), value);
            }
            // hyper omits the length of an empty body; a POST should carry
            // it (RFC 9110 8.6), and the official SDKs send `content-length: 0`.
            headers.insert(
                reqwest::header::CONTENT_LENGTH,
                HeaderValue::from_static("0"),
            );
            *request.timeout_mut() = Some(timeout);
            Some(request)
        });
        if let Some(request) = fast {
            return Ok(request);
        }
        // A value a header cannot carry, or a base URL that does not parse:
        // reqwest's builder says why, as an error of this attempt.
        let url = if wire.query.is_empty() {
            format!("{}/", self.inner.base_url)
        } else {
            format!("{}/?{}", self.inner.base_url, wire.query)
        };
        let mut req = http.post(url).timeout(timeout);
        for (name, value) in &wire.headers {
            if sent(name) {
                req = req.header(*name, value.as_str());
            }
        }
        req.header(reqwest::header::CONTENT_LENGTH, "0").build()
    }

    /// The request-path benchmark's entry (`bench/benches/request.rs`), not
    /// an API: what a call does before the network, once, with these
    /// credentials: validate and flatten `request`, then build the HTTP
    /// request of its first attempt.
    #[doc(hidden)]
    pub fn prepare_http_request<O: Operation>(
        &self,
        mut request: O,
        credentials: &crate::credentials::Credentials,
    ) -> Result<reqwest::Request, SdkError<O::Error>> {
        let Transport::Http(http) = &self.inner.transport else {
            return Err(SdkError::Config("a stub sends no HTTP request".into()));
        };
        if let Some(flag) = request.dry_run_mut() {
            *flag = None;
        }
        let params = prepare(&mut request)?;
        self.http_request(http, O::META, &params.pairs, credentials)
            .map_err(|e| SdkError::Config(describe(&e.without_url())))
    }

    /// Polls a waiter until it reaches a final state (see [`crate::waiter`]).
    pub async fn wait<W: crate::waiter::Waiter>(
        &self,
        input: &W::Input,
        policy: Option<crate::waiter::WaitPolicy>,
    ) -> Result<
        <W::Poll as Operation>::Output,
        crate::waiter::WaiterError<<W::Poll as Operation>::Error>,
    > {
        crate::waiter::wait::<W>(self, input, policy.unwrap_or_else(W::default_policy)).await
    }
}

/// Whether `HeaderValue::from_static` accepts `v` (visible ASCII, space, tab).
fn header_safe(v: &str) -> bool {
    v.bytes().all(|b| b == b'\t' || (b' '..0x7f).contains(&b))
}

/// A request ready to send: its sorted wire parameters, checked.
struct Prepared {
    pairs: Vec<(String, String)>,
    idempotent: bool,
    dry_run: bool,
}

/// Fills the idempotency token (one per call, reused by every attempt, so
/// retries stay idempotent), flattens and validates: no I/O when invalid.
fn prepare<O: Operation>(request: &mut O) -> Result<Prepared, SdkError<O::Error>> {
    let idempotent = match request.idempotency_token_mut() {
        Some(slot) => {
            if slot.is_none() {
                *slot = Some(uuid::Uuid::new_v4().to_string());
            }
            true
        }
        None => false,
    };
    let dry_run = request.dry_run_mut().is_some_and(|f| *f == Some(true));
    let params = request
        .to_params()
        .map_err(|e| SdkError::Validation(ValidationError::unflattenable(O::META.name, e)))?;
    crate::validation::validate(O::META.input, &params, O::META.name, false)
        .map_err(SdkError::Validation)?;
    Ok(Prepared {
        pairs: params.into_vec(),
        idempotent,
        dry_run,
    })
}

// A failure is the cold path and is moved once: no box needed.
#[allow(clippy::result_large_err)]
fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice::<T>(body).map_err(|e| {
        decode_failure(
            status,
            request_id_of(body),
            format!(
                "the body does not match the documented response: {}",
                crate::redact::redact(&e.to_string())
            ),
        )
    })
}

fn decode_failure(http_status: u16, request_id: Option<String>, reason: String) -> Failure {
    Failure::Other(SdkError::Decode(DecodeError {
        http_status,
        request_id,
        reason,
    }))
}

/// Masks the caller's own token and secret wherever the service echoed them.
fn redact_credentials(
    mut meta: ErrorMetadata,
    credentials: &crate::credentials::Credentials,
) -> ErrorMetadata {
    let token = credentials.security_token();
    let secret = credentials.access_key_secret();
    let secrets: Vec<&str> = token.into_iter().chain([secret]).collect();
    meta.message = crate::redact::redact_values(&meta.message, &secrets);
    meta.recommend = meta
        .recommend
        .map(|r| crate::redact::redact_values(&r, &secrets));
    meta
}

/// A timeout error counts every attempt of the call, not just its own.
fn with_attempts(failure: Failure, attempts: u32) -> Failure {
    match failure {
        Failure::Other(SdkError::Timeout(t)) => {
            Failure::Other(SdkError::Timeout(TimeoutError { attempts, ..t }))
        }
        other => other,
    }
}

fn transport_failure(
    e: reqwest::Error,
    safe_to_resend: bool,
    timeouts: super::config::Timeouts,
) -> Attempt {
    // The URL carries the signed query (with V1 and STS, the SecurityToken):
    // it must not reach the error's Debug, Display or source chain.
    let e = e.without_url();
    let connect = e.is_connect();
    let error = if e.is_timeout() {
        let (kind, after) = if connect {
            (TimeoutKind::Connect, timeouts.connect)
        } else {
            (TimeoutKind::Attempt, timeouts.attempt)
        };
        SdkError::Timeout(TimeoutError {
            kind,
            after,
            attempts: 1,
        })
    } else {
        SdkError::Transport(TransportError {
            message: describe(&e),
            maybe_sent: !connect,
            source: Some(Box::new(e)),
        })
    };
    // A failed connection never reached the server: always safe to retry.
    if connect || safe_to_resend {
        Attempt::Retry {
            failure: Failure::Other(error),
            retry_after: None,
        }
    } else {
        Attempt::Fail(Failure::Other(error))
    }
}

/// What a structured error answer means for the call: a passed DryRun, a
/// retry, or the end.
fn classify(
    meta_err: ErrorMetadata,
    codes: &'static [&'static ErrorCodeInfo],
    common: &'static [&'static ErrorCodeInfo],
    retry_after: Option<Duration>,
) -> Attempt {
    if let Some(id) = &meta_err.request_id {
        tracing::Span::current().record("request_id", id.as_str());
    }
    if meta_err.code == "DryRunOperation" {
        return Attempt::DryRun(DryRunPassed {
            request_id: meta_err.request_id,
            message: meta_err.message,
        });
    }
    // A structured error answer means the service did not act, so a
    // retryable code (or a 5xx) is safe to retry even without a token.
    let spec_retryable =
        crate::service_error::lookup(codes, common, &meta_err.code).is_some_and(|e| e.retryable);
    let status = meta_err.http_status;
    if super::retry::retry_service_error(status, &meta_err.code, spec_retryable) {
        Attempt::Retry {
            failure: Failure::Service(meta_err),
            retry_after,
        }
    } else {
        Attempt::Fail(Failure::Service(meta_err))
    }
}

/// reqwest's message without the URL (which carries the signed query).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the response body was cut off"
    } else if e.is_request() {
        "the request failed"
    } else {
        "HTTP error"
    };
    let mut msg = kind.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n as usize > MAX_RESPONSE_BYTES)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::with_capacity(
        response
            .content_length()
            .map_or(0, |n| n as usize)
            .min(MAX_RESPONSE_BYTES),
    );
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn request_id_of(body: &[u8]) -> Option<String> {
    #[derive(Default)]
    struct Id(Option<String>);
    impl crate::wire::DecodeFields for Id {
        const NAME: &'static str = "Response";
        const FIELDS: &'static [&'static str] = &["RequestId"];
        fn decode_field<'de, A: serde::de::MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => crate::wire::decode_slot(map, &mut self.0),
                _ => crate::wire::skip_value(map),
            }
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    crate::wire::decode_struct::<_, Id>(&mut de).ok()?.0
}
