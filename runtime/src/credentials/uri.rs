//! Credentials served as JSON by a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`).

use std::fmt;
use std::time::Duration;

use super::cache::{CachedProvider, DEFAULT_REFRESH_WINDOW};
use super::ecs::{http_client, parse_session_credentials, send};
use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

/// The official Python package uses 5 s connect and 10 s read timeouts.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Credentials from `GET <uri>`, whose JSON body carries `Code == "Success"`,
/// `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration`
/// (`%Y-%m-%dT%H:%M:%SZ`). Cached and refreshed before expiry like
/// [`EcsRamRoleProvider`](super::EcsRamRoleProvider).
///
/// Errors show the URI without its query string or user info.
///
/// Provider name: `credential_uri`.
#[derive(Debug)]
pub struct CredentialsUriProvider {
    cache: CachedProvider<UriFetcher>,
}

impl CredentialsUriProvider {
    /// A provider for `uri` with default timeouts and refresh window.
    pub fn new(uri: impl Into<String>) -> Result<Self, CredentialsError> {
        Self::builder(uri).build()
    }

    /// A builder for `uri`, starting from the defaults (5 s to connect,
    /// 10 s per request, [`DEFAULT_REFRESH_WINDOW`](super::DEFAULT_REFRESH_WINDOW)).
    pub fn builder(uri: impl Into<String>) -> CredentialsUriProviderBuilder {
        CredentialsUriProviderBuilder {
            uri: uri.into(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            refresh_window: DEFAULT_REFRESH_WINDOW,
        }
    }

    /// Drops the cached credentials: the next call fetches anew.
    pub fn invalidate(&self) {
        self.cache.invalidate();
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.cache.provide()
    }
}

/// Builder for [`CredentialsUriProvider`].
#[derive(Clone)]
pub struct CredentialsUriProviderBuilder {
    uri: String,
    connect_timeout: Duration,
    timeout: Duration,
    refresh_window: Duration,
}

impl fmt::Debug for CredentialsUriProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsUriProviderBuilder")
            .field("uri", &super::provider::redact_url(&self.uri))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("refresh_window", &self.refresh_window)
            .finish()
    }
}

impl CredentialsUriProviderBuilder {
    /// Timeout of opening the connection. Default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of the whole HTTP request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Refresh once less than this remains before expiry.
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Checks the URI (an http or https URL) and builds the provider. No
    /// request is sent yet.
    pub fn build(self) -> Result<CredentialsUriProvider, CredentialsError> {
        const WHERE: &str = "credentials URI provider settings";
        match reqwest::Url::parse(&self.uri) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            // The parse error text never quotes the input.
            Ok(_) => {
                return Err(CredentialsError::invalid(
                    WHERE,
                    Some("uri".into()),
                    "not an http(s) URL",
                ))
            }
            Err(e) => {
                return Err(CredentialsError::invalid(
                    WHERE,
                    Some("uri".into()),
                    format!("not a URL: {e}"),
                ))
            }
        }
        let client = http_client(self.connect_timeout, self.timeout)
            .map_err(|reason| CredentialsError::invalid(WHERE, None, reason))?;
        Ok(CredentialsUriProvider {
            cache: CachedProvider::new(UriFetcher {
                uri: self.uri,
                client,
            })
            .with_refresh_window(self.refresh_window),
        })
    }
}

struct UriFetcher {
    uri: String,
    client: reqwest::Client,
}

impl fmt::Debug for UriFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UriFetcher")
            .field("uri", &super::provider::redact_url(&self.uri))
            .finish_non_exhaustive()
    }
}

impl UriFetcher {
    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let body = send(
            self.client.get(&self.uri),
            &self.uri,
            "credentials URI request failed",
        )
        .await?;
        parse_session_credentials(&body, &self.uri, "credential_uri")
    }
}

impl ProvideCredentials for UriFetcher {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_uri_without_quoting_it() {
        for bad in ["ftp://h/x?token=topsecret", "topsecret", "http://"] {
            let err = CredentialsUriProvider::new(bad).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("topsecret"), "{text}");
            assert!(matches!(err, CredentialsError::InvalidConfig { .. }));
        }
        let p = CredentialsUriProvider::new("http://127.0.0.1:1/creds?token=topsecret").unwrap();
        let dbg = format!("{p:?}");
        assert!(!dbg.contains("topsecret"), "{dbg}");
    }
}
