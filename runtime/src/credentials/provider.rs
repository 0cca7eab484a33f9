//! The provider trait every credentials source implements, and its error type.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use super::Credentials;

/// A boxed, `Send` future: what [`ProvideCredentials::provide`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of [`Credentials`]: static keys, environment, files, the ECS
/// metadata service, a credentials URI, or a chain of those.
///
/// Implementations that fetch over the network cache their result (see
/// [`CachedProvider`](super::CachedProvider)), so calling `provide` before
/// every request is cheap.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns credentials that are valid now.
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// Static credentials (an AccessKey pair, optionally with an STS token) are
/// their own provider. Credentials whose expiry has passed give
/// [`CredentialsError::Expired`].
impl ProvideCredentials for Credentials {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = match self.expiry() {
            Some(expiry) if expiry <= SystemTime::now() => Err(CredentialsError::Expired {
                provider: self.provider(),
            }),
            _ => Ok(self.clone()),
        };
        Box::pin(std::future::ready(result))
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide()
    }
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Box<P> {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide()
    }
}

/// Why credentials could not be provided.
///
/// No variant ever carries a secret: messages name files, keys, environment
/// variables and URLs (with query string and user info removed), never values
/// read from them. `Debug` and `Display` are therefore safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No credentials were found; `tried` says which sources were looked at
    /// and why each gave nothing.
    #[error("no credentials found; tried: {}", Tried(.tried))]
    NotFound {
        /// What was looked at and why it gave nothing, one entry per
        /// source (the chain prefixes each with the source's name).
        tried: Vec<String>,
    },

    /// A configuration source exists but is malformed or incomplete.
    /// `location` is a file path (or `environment`), `key` the offending key
    /// when there is one.
    #[error("invalid credentials configuration in {location}{}: {reason}", Key(.key))]
    InvalidConfig {
        /// The file path, `environment`, or the provider whose builder
        /// settings are wrong.
        location: String,
        /// The offending key or variable, when there is one.
        key: Option<String>,
        /// What is wrong with it.
        reason: String,
    },

    /// A profile uses a mode (CLI `config.json`) or type (`credentials.ini`)
    /// this SDK does not implement.
    #[error(
        "unsupported credentials {kind} `{value}` for profile `{profile}` in {location} (supported: {supported})"
    )]
    Unsupported {
        /// The file path.
        location: String,
        /// The profile's name.
        profile: String,
        /// `mode` (CLI profile) or `type` (credentials.ini).
        kind: &'static str,
        /// The mode or type the profile names (`RamRoleArn`).
        value: String,
        /// The values that are supported, comma-separated.
        supported: &'static str,
    },

    /// Fetching credentials over HTTP failed: connection error, timeout,
    /// non-200 status, or an unusable response.
    #[error("failed to fetch credentials from {url}{}: {reason}", Status(.status))]
    FetchFailed {
        /// The URL, without query string or user info.
        url: String,
        /// The HTTP status, when a response arrived.
        status: Option<u16>,
        /// What failed.
        reason: String,
    },

    /// The credentials obtained have already expired.
    #[error("credentials from `{provider}` have expired")]
    Expired {
        /// The name of the provider that produced them.
        provider: &'static str,
    },
}

impl CredentialsError {
    /// True for [`CredentialsError::NotFound`]: the source is simply not configured.
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }

    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        CredentialsError::NotFound {
            tried: vec![what.into()],
        }
    }

    pub(crate) fn invalid(
        location: impl Into<String>,
        key: Option<String>,
        reason: impl Into<String>,
    ) -> Self {
        CredentialsError::InvalidConfig {
            location: location.into(),
            key,
            reason: reason.into(),
        }
    }

    pub(crate) fn fetch(url: &str, status: Option<u16>, reason: impl Into<String>) -> Self {
        CredentialsError::FetchFailed {
            url: redact_url(url),
            status,
            reason: reason.into(),
        }
    }
}

struct Tried<'a>(&'a [String]);

impl fmt::Display for Tried<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(no sources)");
        }
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(t)?;
        }
        Ok(())
    }
}

struct Key<'a>(&'a Option<String>);

impl fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(k) => write!(f, ", key `{k}`"),
            None => Ok(()),
        }
    }
}

struct Status<'a>(&'a Option<u16>);

impl fmt::Display for Status<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, " (HTTP {s})"),
            None => Ok(()),
        }
    }
}

/// A URL fit for error messages: user info, query string and fragment are
/// dropped, since a credentials URI may carry a token in them.
pub(crate) fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let had_query = u.query().is_some();
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            let mut s = u.to_string();
            if had_query {
                s.push_str("?…");
            }
            s
        }
        Err(_) => "(unparsable URL)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_url_drops_query_and_userinfo() {
        assert_eq!(
            redact_url("http://user:pw@127.0.0.1:8080/creds?token=abc#x"),
            "http://127.0.0.1:8080/creds?…"
        );
        assert_eq!(redact_url("http://h/p"), "http://h/p");
        assert_eq!(redact_url("not a url secret"), "(unparsable URL)");
    }

    #[test]
    fn display_formats() {
        let e = CredentialsError::NotFound {
            tried: vec!["a".into(), "b".into()],
        };
        assert_eq!(e.to_string(), "no credentials found; tried: a; b");
        let e = CredentialsError::invalid("/x/config.json", Some("profiles".into()), "bad");
        assert_eq!(
            e.to_string(),
            "invalid credentials configuration in /x/config.json, key `profiles`: bad"
        );
        let e = CredentialsError::fetch("http://h/p?q=1", Some(404), "not found");
        assert_eq!(
            e.to_string(),
            "failed to fetch credentials from http://h/p?… (HTTP 404): not found"
        );
    }

    #[tokio::test]
    async fn static_credentials_provide_themselves() {
        let c = Credentials::new("id", "secret").with_security_token("tok");
        let got = c.provide().await.unwrap();
        assert_eq!(got, c);
        let expired = Credentials::new("id", "secret")
            .with_expiry(SystemTime::now() - std::time::Duration::from_secs(1));
        assert!(matches!(
            expired.provide().await,
            Err(CredentialsError::Expired { .. })
        ));
        let shared: Arc<dyn ProvideCredentials> = Arc::new(c.clone());
        assert_eq!(shared.provide().await.unwrap(), c);
    }
}
