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
    pub connect: Duration,
    /// One HTTP exchange.
    pub attempt: Duration,
    /// The whole call, retries and waits included.
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
    pub region: Option<String>,
    pub endpoint: Endpoint,
    pub credentials: Option<Arc<dyn ProvideCredentials>>,
    pub signature_version: SignatureVersion,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
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
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: Config::default(),
        }
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> Result<String, ConfigError> {
        let pattern = match &self.endpoint {
            Endpoint::Url(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
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
    pub fn signature_version(mut self, v: SignatureVersion) -> Self {
        self.config.signature_version = v;
        self
    }
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.config.timeouts = t;
        self
    }
    pub fn retry(mut self, r: RetryPolicy) -> Self {
        self.config.retry = r;
        self
    }
    pub fn rate_limit(mut self, r: RateLimitMode) -> Self {
        self.config.rate_limit = r;
        self
    }
    pub fn user_agent_suffix(mut self, s: impl Into<String>) -> Self {
        self.config.user_agent_suffix = Some(s.into());
        self
    }
    pub fn build(self) -> Config {
        self.config
    }
}

/// A configuration that cannot make a client.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no region: set one with Config::builder().region(..), ALIBABA_CLOUD_REGION_ID or the CLI profile's region_id")]
    MissingRegion,
    #[error("invalid region `{0}`")]
    InvalidRegion(String),
    #[error("invalid endpoint URL `{0}`: it must start with http:// or https://")]
    InvalidEndpoint(String),
    #[error("no credentials provider configured")]
    MissingCredentials,
    #[error("cannot build the HTTP client: {0}")]
    Http(String),
}
