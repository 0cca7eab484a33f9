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
use std::time::SystemTime;

/// An AccessKey pair, optionally with an STS security token and an expiry.
///
/// `Debug` never shows the secret or the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: Secret,
    security_token: Option<Secret>,
    expiry: Option<SystemTime>,
    provider: &'static str,
}

impl Credentials {
    /// Long-term AccessKey credentials.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: Secret::new(access_key_secret.into()),
            security_token: None,
            expiry: None,
            provider: "static",
        }
    }

    /// Temporary STS credentials (AccessKey pair plus SecurityToken).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token.into()));
        self
    }

    /// When these credentials stop being valid.
    pub fn with_expiry(mut self, expiry: SystemTime) -> Self {
        self.expiry = Some(expiry);
        self
    }

    /// Names the provider that produced these credentials (for Debug and tracing).
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.provider = provider;
        self
    }

    /// The AccessKey ID (not secret: it names the key).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The AccessKey secret. Only signing code should read it.
    pub fn access_key_secret(&self) -> &str {
        self.access_key_secret.expose()
    }

    /// The STS security token of temporary credentials.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_ref().map(Secret::expose)
    }

    /// When these credentials stop being valid; `None` for long-term keys.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }

    /// The name of the provider that produced them (`static`, `env`,
    /// `default/ecs_ram_role`, ...), sent as `x-acs-credentials-provider`
    /// (see [`crate::signing::credentials_provider_name`]).
    pub fn provider(&self) -> &'static str {
        self.provider
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .field("expiry", &self.expiry)
            .field("provider", &self.provider)
            .finish()
    }
}
