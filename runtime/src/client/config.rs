//! Client configuration: region, endpoint, credentials, signing, timeouts,
//! retries and rate limiting.

use super::rate_limit::RateLimitMode;
use super::retry::RetryPolicy;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::signing::SignatureVersion;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Public endpoint pattern of ALB.
pub const PUBLIC_ENDPOINT: &str = "alb.{region}.aliyuncs.com";
/// Endpoint reachable from inside a VPC.
pub const VPC_ENDPOINT: &str = "alb-vpc.{region}.aliyuncs.com";
/// Environment variable naming the region.
pub const REGION_ENV: &str = "ALIBABA_CLOUD_REGION_ID";
/// Environment variable with an explicit endpoint URL (proxies, the emulator).
pub const ENDPOINT_ENV: &str = "ALIBABA_CLOUD_ALB_ENDPOINT";

/// Timeouts of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a connection (TCP and TLS). Default 5 s.
    pub connect: Duration,
    /// One HTTP exchange, from sending the request to the end of the
    /// response body. Default 10 s.
    pub attempt: Duration,
    /// The whole call, retries and waits included (the rate limiter's too).
    /// Default 60 s.
    pub call: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(10),
            call: Duration::from_secs(60),
        }
    }
}

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `https://alb.{region}.aliyuncs.com`.
    Public,
    /// `https://alb-vpc.{region}.aliyuncs.com`.
    Vpc,
    /// An explicit base URL, `http://127.0.0.1:8080` or `https://proxy.example`.
    Url(String),
}

/// Everything a client needs. Build with [`Config::builder`].
#[derive(Clone)]
pub struct Config {
    /// Region ID (`cn-hangzhou`) of the endpoint; required unless
    /// `endpoint` is an explicit URL, which ignores it. Default none.
    pub region: Option<String>,
    /// Where requests go. Default [`Endpoint::Public`].
    pub endpoint: Endpoint,
    /// Where the signing keys come from; [`Core::new`](crate::Core::new)
    /// refuses a configuration without one. Default none.
    pub credentials: Option<Arc<dyn ProvideCredentials>>,
    /// How requests are signed. Default [`SignatureVersion::V3`].
    pub signature_version: SignatureVersion,
    /// Connect, attempt and call timeouts. Default [`Timeouts::default`].
    pub timeouts: Timeouts,
    /// Which failures are retried, how often and how long apart. Default
    /// [`RetryPolicy::default`].
    pub retry: RetryPolicy,
    /// The client-side rate limit. Default [`RateLimitMode::FromSpec`].
    pub rate_limit: RateLimitMode,
    /// Appended to the User-Agent.
    pub user_agent_suffix: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            region: None,
            endpoint: Endpoint::Public,
            credentials: None,
            signature_version: SignatureVersion::V3,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            rate_limit: RateLimitMode::FromSpec,
            user_agent_suffix: None,
        }
    }
}

impl Config {
    /// The configuration from the environment (what
    /// [`Core::from_env`](crate::Core::from_env) uses): region from
    /// `ALIBABA_CLOUD_REGION_ID` or the CLI profile, endpoint from
    /// `ALIBABA_CLOUD_ALB_ENDPOINT`, credentials from the default chain
    /// (first resolved by the first call), the rest the defaults.
    pub fn from_env() -> Self {
        use crate::credentials::{DefaultCredentialsChain, Env};
        let env = Env::process();
        let mut config = Config {
            region: env.get(REGION_ENV).filter(|r| !r.is_empty()),
            ..Config::default()
        };
        if config.region.is_none() {
            config.region = crate::credentials::cli_profile_region(&env);
        }
        if let Some(url) = env.get(ENDPOINT_ENV).filter(|u| !u.is_empty()) {
            config.endpoint = Endpoint::Url(url);
        }
        config.credentials = Some(Arc::new(DefaultCredentialsChain::new()));
        config
    }

    /// A builder starting from the defaults ([`Config::default`]).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config::default(),
        }
    }

    /// The base URL requests are sent to: the explicit URL without its
    /// trailing `/`, or `https://` and the region's host. Fails on a URL
    /// that is not http(s), or a missing or malformed region.
    pub fn base_url(&self) -> Result<String, ConfigError> {
        let pattern = match &self.endpoint {
            Endpoint::Url(url) => {
                let host = url
                    .strip_prefix("http://")
                    .or_else(|| url.strip_prefix("https://"))
                    .map(|rest| rest.split('/').next().unwrap_or_default());
                if host.is_none_or(str::is_empty) {
                    return Err(ConfigError::InvalidEndpoint(url.clone()));
                }
                return Ok(url.trim_end_matches('/').to_string());
            }
            Endpoint::Public => PUBLIC_ENDPOINT,
            Endpoint::Vpc => VPC_ENDPOINT,
        };
        let region = self.region.as_deref().ok_or(ConfigError::MissingRegion)?;
        if region.is_empty()
            || !region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(ConfigError::InvalidRegion(region.to_string()));
        }
        Ok(format!("https://{}", pattern.replace("{region}", region)))
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The region ID (`cn-hangzhou`) whose endpoint requests go to.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }
    /// Use the VPC endpoint `alb-vpc.{region}.aliyuncs.com`.
    pub fn vpc_endpoint(mut self) -> Self {
        self.config.endpoint = Endpoint::Vpc;
        self
    }
    /// Send to an explicit base URL (http or https), e.g. the emulator.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint = Endpoint::Url(url.into());
        self
    }
    /// Static AccessKey (or STS) credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(Arc::new(credentials));
        self
    }
    /// Any credentials provider (the default chain, ECS RAM role, ...).
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.config.credentials = Some(provider);
        self
    }
    /// The signature algorithm (default V3, as in the official SDKs).
    pub fn signature_version(mut self, v: SignatureVersion) -> Self {
        self.config.signature_version = v;
        self
    }
    /// Connect, attempt and call timeouts.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.config.timeouts = t;
        self
    }
    /// The retry policy ([`RetryPolicy::disabled`] to never retry).
    pub fn retry(mut self, r: RetryPolicy) -> Self {
        self.config.retry = r;
        self
    }
    /// The client-side rate limit ([`RateLimitMode::Off`] to send
    /// unthrottled).
    pub fn rate_limit(mut self, r: RateLimitMode) -> Self {
        self.config.rate_limit = r;
        self
    }
    /// Text appended to the User-Agent (an application name and version).
    pub fn user_agent_suffix(mut self, s: impl Into<String>) -> Self {
        self.config.user_agent_suffix = Some(s.into());
        self
    }
    /// The configuration. Nothing is checked until a client is made from
    /// it ([`Core::new`](crate::Core::new)).
    pub fn build(self) -> Config {
        self.config
    }
}

/// A configuration that cannot make a client.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The endpoint is the public or VPC one and no region is set.
    #[error("no region: set one with Config::builder().region(..), ALIBABA_CLOUD_REGION_ID or the CLI profile's region_id")]
    MissingRegion,
    /// The region is empty or holds characters other than ASCII letters,
    /// digits and `-`.
    #[error("invalid region `{0}`")]
    InvalidRegion(String),
    /// The explicit endpoint URL does not start with `http://` or
    /// `https://`.
    #[error("invalid endpoint URL `{0}`: it must start with http:// or https://")]
    InvalidEndpoint(String),
    /// The configuration has no credentials provider.
    #[error("no credentials provider configured")]
    MissingCredentials,
    /// The HTTP client could not be built (reqwest's message, e.g. the TLS
    /// backend failed to initialise).
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}
