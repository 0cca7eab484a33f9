//! Credentials: the key material a call is signed with, and where it comes from.
//!
//! `Credentials` is the value; providers (environment, CLI profile, INI file,
//! ECS RAM role, default chain) live in the submodules and all implement
//! [`ProvideCredentials`].

mod cache;
mod chain;
mod ecs;
mod env;
mod ini;
mod profile;
mod provider;
mod secret;
mod uri;

pub use cache::{CachedProvider, DEFAULT_REFRESH_WINDOW, FAILED_REFRESH_BACKOFF};
pub use chain::{DefaultCredentialsChain, DefaultCredentialsChainBuilder};
pub use ecs::{EcsRamRoleProvider, EcsRamRoleProviderBuilder, DEFAULT_METADATA_ENDPOINT};
pub use env::{vars, Env, EnvProvider};
pub use ini::IniFileProvider;
pub use profile::{cli_profile_region, CliProfileProvider};
pub use provider::{BoxFuture, CredentialsError, ProvideCredentials};
pub use secret::Secret;
pub use uri::{CredentialsUriProvider, CredentialsUriProviderBuilder};

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use secret::SigningKeys;

/// An AccessKey pair, optionally with an STS security token and an expiry.
///
/// `Debug` never shows the secret or the token. Cloning is cheap (the
/// value is shared), so providers hand out clones on every call.
///
/// The HMAC key schedule of the secret (its inner and outer padded
/// states, as key material as sensitive as the secret itself) is derived
/// on first use by each signature version and kept inside the value: it
/// lives exactly as long as the credentials do and is never printed.
#[derive(Clone)]
pub struct Credentials {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiry: Option<SystemTime>,
    provider: &'static str,
    /// Derived from `access_key_secret`, which never changes after
    /// [`Credentials::new`].
    keys: SigningKeys,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&*self.inner, &*other.inner);
        Arc::ptr_eq(&self.inner, &other.inner)
            || (a.access_key_id == b.access_key_id
                && a.access_key_secret == b.access_key_secret
                && a.security_token == b.security_token
                && a.expiry == b.expiry
                && a.provider == b.provider)
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Long-term AccessKey credentials.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            inner: Arc::new(Inner {
                access_key_id: access_key_id.into(),
                access_key_secret: Secret::new(access_key_secret.into()),
                security_token: None,
                expiry: None,
                provider: "static",
                keys: SigningKeys::default(),
            }),
        }
    }

    fn inner_mut(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.inner)
    }

    /// Temporary STS credentials (AccessKey pair plus SecurityToken).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.inner_mut().security_token = Some(Secret::new(token.into()));
        self
    }

    /// When these credentials stop being valid.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.inner_mut().expiry = Some(expiry);
        self
    }

    /// Names the provider that produced these credentials (for Debug and tracing).
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.inner_mut().provider = provider;
        self
    }

    /// The AccessKey ID (not secret: it names the key).
    pub fn access_key_id(&self) -> &str {
        &self.inner.access_key_id
    }

    /// The AccessKey secret. Only signing code should read it.
    pub fn access_key_secret(&self) -> &str {
        self.inner.access_key_secret.expose()
    }

    /// The STS security token of temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.inner.security_token.as_ref().map(Secret::expose)
    }

    /// When these credentials stop being valid; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.inner.expiry
    }

    /// The name of the provider that produced them (`static`, `env`,
    /// `default/ecs_ram_role`, ...), sent as `x-acs-credentials-provider`
    /// (see [`crate::signing::credentials_provider_name`]).
    pub fn provider(&self) -> &'static str {
        self.inner.provider
    }

    /// HMAC-SHA1 keyed with `secret + "&"` (signature V1), derived once.
    pub(crate) fn hmac_sha1(&self) -> &hmac::Hmac<sha1::Sha1> {
        self.inner.keys.v1(&self.inner.access_key_secret)
    }

    /// HMAC-SHA256 keyed with the secret (signature V3), derived once.
    pub(crate) fn hmac_sha256(&self) -> &hmac::Hmac<sha2::Sha256> {
        self.inner.keys.v3(&self.inner.access_key_secret)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.inner.access_key_id)
            .field("access_key_secret", &self.inner.access_key_secret)
            .field("security_token", &self.inner.security_token)
            .field("expiry", &self.inner.expiry)
            .field("provider", &self.inner.provider)
            .finish()
    }
}
