//! Credentials of the RAM role attached to an ECS instance, from the instance
//! metadata service (IMDS), in token-protected (IMDSv2) mode.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::cache::{CachedProvider, DEFAULT_REFRESH_WINDOW};
use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

/// The metadata service address on ECS instances.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";

const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
/// The official packages ask for 6-hour metadata tokens.
const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(21_600);
/// The official Python package uses 1 s connect and 1 s read timeouts.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// Credentials of an ECS instance's RAM role.
///
/// Each refresh: `PUT /latest/api/token` (header
/// `X-aliyun-ecs-metadata-token-ttl-seconds`) for a metadata token; when no
/// role name was given, `GET /latest/meta-data/ram/security-credentials/` to
/// discover it; then `GET /latest/meta-data/ram/security-credentials/<role>`
/// with header `X-aliyun-ecs-metadata-token`, whose JSON carries
/// `Code == "Success"`, `AccessKeyId`, `AccessKeySecret`, `SecurityToken`
/// and `Expiration`.
///
/// The result is cached and refreshed before expiry (see
/// [`CachedProvider`]); concurrent callers share one refresh.
///
/// Unlike the official package this never falls back to IMDSv1 (requests
/// without a token): if the token request fails, the provider fails.
///
/// Provider name: `ecs_ram_role`.
#[derive(Debug)]
pub struct EcsRamRoleProvider {
    cache: CachedProvider<EcsFetcher>,
}

impl EcsRamRoleProvider {
    /// Settings start from the defaults: endpoint
    /// [`DEFAULT_METADATA_ENDPOINT`], role discovered, short timeouts.
    pub fn builder() -> EcsRamRoleProviderBuilder {
        EcsRamRoleProviderBuilder::default()
    }

    /// The role name, if one was configured (otherwise it is discovered).
    pub fn role_name(&self) -> Option<&str> {
        self.cache.inner().role_name.as_deref()
    }

    /// The metadata service base URL.
    pub fn endpoint(&self) -> &str {
        &self.cache.inner().endpoint
    }

    /// Drops the cached credentials: the next call fetches anew.
    pub fn invalidate(&self) {
        self.cache.invalidate();
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.cache.provide()
    }
}

/// Builder for [`EcsRamRoleProvider`].
#[derive(Debug, Clone)]
pub struct EcsRamRoleProviderBuilder {
    endpoint: String,
    role_name: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    token_ttl: Duration,
    refresh_window: Duration,
}

impl Default for EcsRamRoleProviderBuilder {
    fn default() -> Self {
        EcsRamRoleProviderBuilder {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_string(),
            role_name: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            token_ttl: DEFAULT_TOKEN_TTL,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }
}

impl EcsRamRoleProviderBuilder {
    /// The RAM role name; when unset (or empty) it is discovered from the
    /// metadata service.
    pub fn role_name(mut self, role_name: impl Into<String>) -> Self {
        let name = role_name.into();
        self.role_name = (!name.is_empty()).then_some(name);
        self
    }

    /// Metadata service base URL, e.g. `http://127.0.0.1:8080` in tests.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// Timeout of opening each connection to the metadata service.
    /// Default 1 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of each whole HTTP request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Lifetime requested for the metadata token (whole seconds, 1..=21600).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// Refresh once less than this remains before expiry.
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Checks the settings and builds the provider. No request is sent yet.
    pub fn build(self) -> Result<EcsRamRoleProvider, CredentialsError> {
        const WHERE: &str = "ECS RAM role provider settings";
        let endpoint = self.endpoint.trim_end_matches('/').to_string();
        match reqwest::Url::parse(&endpoint) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => {
                return Err(CredentialsError::invalid(
                    WHERE,
                    Some("endpoint".into()),
                    "not an http(s) URL",
                ))
            }
        }
        if let Some(role) = &self.role_name {
            if !valid_role_name(role) {
                return Err(CredentialsError::invalid(
                    WHERE,
                    Some("role_name".into()),
                    "only letters, digits, `.`, `-` and `_` are allowed",
                ));
            }
        }
        let ttl = self.token_ttl.as_secs();
        if !(1..=21_600).contains(&ttl) {
            return Err(CredentialsError::invalid(
                WHERE,
                Some("token_ttl".into()),
                "must be between 1 and 21600 seconds",
            ));
        }
        let client = http_client(self.connect_timeout, self.timeout)
            .map_err(|reason| CredentialsError::invalid(WHERE, None, reason))?;
        let fetcher = EcsFetcher {
            endpoint,
            role_name: self.role_name,
            token_ttl_secs: ttl,
            client,
        };
        Ok(EcsRamRoleProvider {
            cache: CachedProvider::new(fetcher).with_refresh_window(self.refresh_window),
        })
    }
}

fn valid_role_name(name: &str) -> bool {
    !name.is_empty()
        && !name.bytes().all(|b| b == b'.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// One uncached fetch from the metadata service.
struct EcsFetcher {
    endpoint: String,
    role_name: Option<String>,
    token_ttl_secs: u64,
    client: reqwest::Client,
}

impl fmt::Debug for EcsFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsFetcher")
            .field("endpoint", &self.endpoint)
            .field("role_name", &self.role_name)
            .field("token_ttl_secs", &self.token_ttl_secs)
            .finish_non_exhaustive()
    }
}

impl EcsFetcher {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token_url = format!("{}{}", self.endpoint, TOKEN_PATH);
        let token = send(
            self.client
                .put(&token_url)
                .header(TOKEN_TTL_HEADER, self.token_ttl_secs.to_string()),
            &token_url,
            "metadata token request failed",
        )
        .await?;
        let token = String::from_utf8(token)
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                CredentialsError::fetch(&token_url, Some(200), "empty or non-UTF-8 metadata token")
            })?;

        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => {
                let url = format!("{}{}", self.endpoint, CREDENTIALS_PATH);
                let body = send(
                    self.client.get(&url).header(TOKEN_HEADER, &token),
                    &url,
                    "RAM role discovery failed",
                )
                .await?;
                let body = String::from_utf8_lossy(&body);
                let role = body.lines().map(str::trim).find(|l| !l.is_empty());
                match role {
                    Some(role) if valid_role_name(role) => role.to_string(),
                    Some(_) => {
                        return Err(CredentialsError::fetch(
                            &url,
                            Some(200),
                            "the metadata service returned an invalid RAM role name",
                        ))
                    }
                    None => {
                        return Err(CredentialsError::fetch(
                            &url,
                            Some(200),
                            "no RAM role is attached to this instance",
                        ))
                    }
                }
            }
        };

        let url = format!("{}{}{}", self.endpoint, CREDENTIALS_PATH, role);
        let body = send(
            self.client.get(&url).header(TOKEN_HEADER, &token),
            &url,
            "fetching RAM role credentials failed",
        )
        .await?;
        parse_session_credentials(&body, &url, "ecs_ram_role")
    }
}

impl ProvideCredentials for EcsFetcher {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

/// A reqwest client for credential endpoints: short timeouts, no proxy from
/// the environment (the official packages do not use one either), no
/// redirects (the metadata token must not travel elsewhere).
pub(crate) fn http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", error_chain(e)))
}

/// Sends `request`; a 200 answer gives its body, anything else an error
/// naming `url` (redacted) and the status. Bodies are never quoted in errors.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    url: &str,
    what: &str,
) -> Result<Vec<u8>, CredentialsError> {
    let response = request
        .send()
        .await
        .map_err(|e| CredentialsError::fetch(url, None, format!("{what}: {}", error_chain(e))))?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(CredentialsError::fetch(
            url,
            Some(status.as_u16()),
            format!("{what}: unexpected HTTP status"),
        ));
    }
    let body = response.bytes().await.map_err(|e| {
        CredentialsError::fetch(
            url,
            Some(status.as_u16()),
            format!("{what}: reading the body: {}", error_chain(e)),
        )
    })?;
    Ok(body.to_vec())
}

/// A reqwest error and its sources, without the URL (which may carry a token
/// in its query string; callers report a redacted URL themselves).
fn error_chain(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut out = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Parses the JSON both the metadata service and credentials URIs return:
/// `Code` must be `Success`; `AccessKeyId`, `AccessKeySecret`,
/// `SecurityToken` and `Expiration` (`%Y-%m-%dT%H:%M:%SZ`, UTC) must be
/// present. Errors name the missing field, never a value (except `Code`).
pub(crate) fn parse_session_credentials(
    body: &[u8],
    url: &str,
    provider: &'static str,
) -> Result<Credentials, CredentialsError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        // serde_json syntax errors give a position, never the input.
        CredentialsError::fetch(url, Some(200), format!("response is not JSON: {e}"))
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| CredentialsError::fetch(url, Some(200), "response is not a JSON object"))?;
    match obj.get("Code").and_then(|c| c.as_str()) {
        Some("Success") => {}
        Some(code) => {
            let code: String = code
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .take(64)
                .collect();
            return Err(CredentialsError::fetch(
                url,
                Some(200),
                format!("response Code is `{code}`, not `Success`"),
            ));
        }
        None => {
            return Err(CredentialsError::fetch(
                url,
                Some(200),
                "response has no `Code` field",
            ))
        }
    }
    let field = |name: &str| -> Result<String, CredentialsError> {
        obj.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                CredentialsError::fetch(
                    url,
                    Some(200),
                    format!("response field `{name}` is missing, empty or not a string"),
                )
            })
    };
    let id = field("AccessKeyId")?;
    let secret = field("AccessKeySecret")?;
    let token = field("SecurityToken")?;
    let expiration = field("Expiration")?;
    let expiry = parse_expiration(&expiration).ok_or_else(|| {
        CredentialsError::fetch(
            url,
            Some(200),
            "response field `Expiration` is not a UTC timestamp like 2024-01-01T00:00:00Z",
        )
    })?;
    Ok(Credentials::new(id, secret)
        .with_security_token(token)
        .with_expiry(expiry)
        .with_provider(provider))
}

fn parse_expiration(s: &str) -> Option<SystemTime> {
    crate::clock::parse_rfc3339(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_success_response() {
        let body = br#"{"AccessKeyId":"STS.id","AccessKeySecret":"sec","SecurityToken":"tok",
            "Expiration":"2030-01-02T03:04:05Z","Code":"Success","LastUpdated":"x"}"#;
        let c = parse_session_credentials(body, "http://h/x", "ecs_ram_role").unwrap();
        assert_eq!(c.access_key_id(), "STS.id");
        assert_eq!(c.access_key_secret(), "sec");
        assert_eq!(c.security_token(), Some("tok"));
        assert_eq!(c.provider(), "ecs_ram_role");
        let want = SystemTime::UNIX_EPOCH + Duration::from_secs(1_893_553_445);
        assert_eq!(c.expiry(), Some(want));
    }

    #[test]
    fn rejects_bad_responses_without_leaking() {
        let cases: &[&[u8]] = &[
            b"not json topsecret",
            br#"["topsecret"]"#,
            br#"{"Code":"Failed","AccessKeySecret":"topsecret"}"#,
            br#"{"AccessKeySecret":"topsecret"}"#,
            br#"{"Code":"Success","AccessKeyId":"id","AccessKeySecret":"topsecret","SecurityToken":"t"}"#,
            br#"{"Code":"Success","AccessKeyId":"id","AccessKeySecret":"topsecret","SecurityToken":"t","Expiration":"soon"}"#,
            br#"{"Code":"Success","AccessKeyId":"id","AccessKeySecret":12345,"SecurityToken":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        ];
        for body in cases {
            let err = parse_session_credentials(body, "http://h/x?tok=topsecret", "x").unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("topsecret"), "{text}");
            assert!(!text.contains("12345"), "{text}");
        }
    }

    #[test]
    fn builder_validates() {
        assert!(EcsRamRoleProvider::builder()
            .endpoint("not a url")
            .build()
            .is_err());
        assert!(EcsRamRoleProvider::builder()
            .role_name("bad/role")
            .build()
            .is_err());
        assert!(EcsRamRoleProvider::builder()
            .token_ttl(Duration::from_secs(0))
            .build()
            .is_err());
        let p = EcsRamRoleProvider::builder()
            .endpoint("http://127.0.0.1:1/")
            .role_name("my-role")
            .build()
            .unwrap();
        assert_eq!(p.endpoint(), "http://127.0.0.1:1");
        assert_eq!(p.role_name(), Some("my-role"));
    }

    #[test]
    fn role_names() {
        assert!(valid_role_name("EcsRole-1.test_x"));
        assert!(!valid_role_name(""));
        assert!(!valid_role_name("a/b"));
        assert!(!valid_role_name("../x"));
        assert!(!valid_role_name(".."));
    }
}
