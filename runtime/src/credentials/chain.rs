//! The default credentials chain.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::cache::DEFAULT_REFRESH_WINDOW;
use super::ecs::{EcsRamRoleProvider, DEFAULT_METADATA_ENDPOINT};
use super::env::{vars, Env, EnvProvider};
use super::ini::IniFileProvider;
use super::profile::CliProfileProvider;
use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::uri::CredentialsUriProvider;
use super::Credentials;

const NONE: usize = usize::MAX;

/// The default chain, in the official order (alibabacloud-credentials 1.x,
/// `DefaultCredentialsProvider`):
///
/// 1. environment variables (`ALIBABA_CLOUD_ACCESS_KEY_ID`, ...);
/// 2. the CLI profile file `~/.aliyun/config.json`;
/// 3. the credentials file `~/.alibabacloud/credentials.ini`;
/// 4. the ECS instance RAM role (metadata service);
/// 5. the credentials URI, when `ALIBABA_CLOUD_CREDENTIALS_URI` is set.
///
/// Deviations from the official package:
/// - The OIDC role provider (which the official chain tries right after the
///   environment when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`
///   and `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are set) is not implemented.
/// - The ECS RAM role is tried only when `ALIBABA_CLOUD_ECS_METADATA` (the
///   role name) is set, and never when `ALIBABA_CLOUD_ECS_METADATA_DISABLED`
///   is `true`. The official chain asks the metadata service whenever it is
///   not disabled, discovering the role; we do not send traffic to
///   100.100.100.200 off ECS unless asked to.
/// - The ECS provider requires a metadata token (IMDSv2): no IMDSv1 fallback.
/// - Only the CLI profile modes `AK` and `StsToken` and the INI types
///   `access_key` and `ecs_ram_role` are supported.
///
/// As in the official package, every source's failure is recorded and the
/// next one is tried; when none succeeds, [`CredentialsError::NotFound`]
/// lists each source and why it gave nothing. Once a source has succeeded it
/// is used directly on later calls (its errors are then returned as they
/// are), which the official package calls "reuse last provider".
///
/// Credentials from the chain have the provider name `default/<source>`
/// (e.g. `default/env`, `default/cli_profile/static_ak`), as in the official
/// package; the SDK sends it as `x-acs-credentials-provider`.
#[derive(Debug)]
pub struct DefaultCredentialsChain {
    providers: Vec<(&'static str, Box<dyn ProvideCredentials>)>,
    skipped: Vec<String>,
    reuse_last_provider: bool,
    last: AtomicUsize,
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultCredentialsChain {
    /// The chain over the real process environment and home directory.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder reading the real environment and home directory until
    /// told otherwise.
    pub fn builder() -> DefaultCredentialsChainBuilder {
        DefaultCredentialsChainBuilder::default()
    }

    /// Names of the sources in the order they are tried (`env`,
    /// `cli_profile`, `profile`, `ecs_ram_role`, `credential_uri`).
    pub fn sources(&self) -> Vec<&'static str> {
        self.providers.iter().map(|(name, _)| *name).collect()
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let last = self.last.load(Ordering::Acquire);
        if self.reuse_last_provider && last != NONE {
            let creds = self.providers[last].1.provide().await?;
            return Ok(in_chain(creds));
        }
        let mut tried = Vec::new();
        for (i, (name, provider)) in self.providers.iter().enumerate() {
            match provider.provide().await {
                Ok(creds) => {
                    self.last.store(i, Ordering::Release);
                    tracing::debug!(source = name, "credentials found");
                    return Ok(in_chain(creds));
                }
                Err(CredentialsError::NotFound { tried: t }) => {
                    tried.extend(t.into_iter().map(|t| format!("{name}: {t}")));
                }
                Err(e) => {
                    tracing::debug!(source = name, error = %e, "credentials source failed");
                    tried.push(format!("{name}: {e}"));
                }
            }
        }
        tried.extend(self.skipped.iter().cloned());
        Err(CredentialsError::NotFound { tried })
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

/// `default/<name>`, as the official chain names its credentials (the
/// provider name is a `&'static str`, hence the table).
fn in_chain(creds: Credentials) -> Credentials {
    let name = match creds.provider() {
        "env" => "default/env",
        "cli_profile/static_ak" => "default/cli_profile/static_ak",
        "cli_profile/static_sts" => "default/cli_profile/static_sts",
        "profile/static_ak" => "default/profile/static_ak",
        "profile/ecs_ram_role" => "default/profile/ecs_ram_role",
        "ecs_ram_role" => "default/ecs_ram_role",
        "credential_uri" => "default/credential_uri",
        other => other,
    };
    creds.with_provider(name)
}

/// Builder for [`DefaultCredentialsChain`]: every input the chain reads can
/// be replaced, so it can be tested without the real environment or home.
#[derive(Debug, Clone)]
pub struct DefaultCredentialsChainBuilder {
    env: Env,
    cli_profile_path: Option<PathBuf>,
    credentials_file: Option<PathBuf>,
    profile_name: Option<String>,
    ecs_metadata_endpoint: String,
    refresh_window: Duration,
    reuse_last_provider: bool,
}

impl Default for DefaultCredentialsChainBuilder {
    fn default() -> Self {
        DefaultCredentialsChainBuilder {
            env: Env::process(),
            cli_profile_path: None,
            credentials_file: None,
            profile_name: None,
            ecs_metadata_endpoint: DEFAULT_METADATA_ENDPOINT.to_string(),
            refresh_window: DEFAULT_REFRESH_WINDOW,
            reuse_last_provider: true,
        }
    }
}

impl DefaultCredentialsChainBuilder {
    /// Where variables (and `HOME`) are read from; default: the process.
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// The CLI profile file instead of `~/.aliyun/config.json`.
    pub fn cli_profile_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.cli_profile_path = Some(path.into());
        self
    }

    /// The INI credentials file instead of `ALIBABA_CLOUD_CREDENTIALS_FILE`
    /// or `~/.alibabacloud/credentials.ini`.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// The profile for both files, instead of `ALIBABA_CLOUD_PROFILE`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// The ECS metadata service base URL (default `http://100.100.100.200`).
    pub fn ecs_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.ecs_metadata_endpoint = endpoint.into();
        self
    }

    /// Refresh window for the ECS and URI providers.
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Whether a source that succeeded once is used directly afterwards
    /// (default `true`, as in the official package).
    pub fn reuse_last_provider(mut self, reuse: bool) -> Self {
        self.reuse_last_provider = reuse;
        self
    }

    /// Builds the chain. Nothing is read or fetched yet; the ECS and URI
    /// sources are included or not according to the environment now.
    pub fn build(self) -> DefaultCredentialsChain {
        let env = &self.env;
        let mut providers: Vec<(&'static str, Box<dyn ProvideCredentials>)> = Vec::new();
        let mut skipped = Vec::new();

        providers.push(("env", Box::new(EnvProvider::with_env(env.clone()))));

        let mut cli = CliProfileProvider::from_env(env);
        if let Some(path) = &self.cli_profile_path {
            cli = cli.with_path(path);
        }
        if let Some(name) = &self.profile_name {
            cli = cli.with_profile_name(name);
        }
        providers.push(("cli_profile", Box::new(cli)));

        let ecs_settings = EcsRamRoleProvider::builder()
            .endpoint(self.ecs_metadata_endpoint.clone())
            .refresh_window(self.refresh_window);

        let mut ini = IniFileProvider::from_env(env).with_ecs_settings(ecs_settings.clone());
        if let Some(path) = &self.credentials_file {
            ini = ini.with_path(path);
        }
        if let Some(name) = &self.profile_name {
            ini = ini.with_profile_name(name);
        }
        providers.push(("profile", Box::new(ini)));

        if env.is_true(vars::ECS_METADATA_DISABLED) {
            skipped.push(format!(
                "ecs_ram_role: disabled by {}=true",
                vars::ECS_METADATA_DISABLED
            ));
        } else if let Some(role) = env.get(vars::ECS_METADATA) {
            let provider: Box<dyn ProvideCredentials> = match ecs_settings.role_name(role).build() {
                Ok(p) => Box::new(p),
                Err(e) => Box::new(Broken(env_error(vars::ECS_METADATA, e))),
            };
            providers.push(("ecs_ram_role", provider));
        } else {
            skipped.push(format!(
                "ecs_ram_role: skipped ({} not set)",
                vars::ECS_METADATA
            ));
        }

        if let Some(uri) = env.get(vars::CREDENTIALS_URI) {
            let provider: Box<dyn ProvideCredentials> = match CredentialsUriProvider::builder(uri)
                .refresh_window(self.refresh_window)
                .build()
            {
                Ok(p) => Box::new(p),
                Err(e) => Box::new(Broken(env_error(vars::CREDENTIALS_URI, e))),
            };
            providers.push(("credential_uri", provider));
        } else {
            skipped.push(format!(
                "credential_uri: skipped ({} not set)",
                vars::CREDENTIALS_URI
            ));
        }

        DefaultCredentialsChain {
            providers,
            skipped,
            reuse_last_provider: self.reuse_last_provider,
            last: AtomicUsize::new(NONE),
        }
    }
}

/// A misconfigured source that was given through the environment.
fn env_error(var: &str, e: CredentialsError) -> CredentialsError {
    match e {
        CredentialsError::InvalidConfig { reason, .. } => {
            CredentialsError::invalid("environment", Some(var.to_string()), reason)
        }
        other => other,
    }
}

/// A source that could not be built: it reports why on every call.
#[derive(Debug)]
struct Broken(CredentialsError);

impl ProvideCredentials for Broken {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(Err(self.0.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_home() -> Env {
        Env::from_map([("HOME", "/nonexistent/alb-sdk-test-home")])
    }

    #[test]
    fn ecs_only_when_role_name_set() {
        let chain = DefaultCredentialsChain::builder().env(empty_home()).build();
        assert_eq!(chain.sources(), ["env", "cli_profile", "profile"]);

        let env = Env::from_map([
            ("HOME", "/nonexistent"),
            (vars::ECS_METADATA, "role"),
            (vars::CREDENTIALS_URI, "http://127.0.0.1:1/x"),
        ]);
        let chain = DefaultCredentialsChain::builder().env(env).build();
        assert_eq!(
            chain.sources(),
            [
                "env",
                "cli_profile",
                "profile",
                "ecs_ram_role",
                "credential_uri"
            ]
        );

        let env = Env::from_map([
            (vars::ECS_METADATA, "role"),
            (vars::ECS_METADATA_DISABLED, "TRUE"),
        ]);
        let chain = DefaultCredentialsChain::builder().env(env).build();
        assert_eq!(chain.sources(), ["env", "cli_profile", "profile"]);
    }

    #[tokio::test]
    async fn nothing_found_lists_sources() {
        let chain = DefaultCredentialsChain::builder().env(empty_home()).build();
        let err = chain.provide().await.unwrap_err();
        let CredentialsError::NotFound { tried } = &err else {
            panic!("{err:?}")
        };
        let text = tried.join("\n");
        for want in [
            "env: environment variables",
            "cli_profile: CLI profile file /nonexistent/alb-sdk-test-home/.aliyun/config.json",
            "profile: credentials file /nonexistent/alb-sdk-test-home/.alibabacloud/credentials.ini",
            "ecs_ram_role: skipped",
            "credential_uri: skipped",
        ] {
            assert!(text.contains(want), "missing {want:?} in {text}");
        }
    }

    #[tokio::test]
    async fn bad_uri_in_env_is_reported() {
        let env = Env::from_map([(vars::CREDENTIALS_URI, "not a url topsecret")]);
        let chain = DefaultCredentialsChain::builder().env(env).build();
        let err = chain.provide().await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("credential_uri: invalid credentials configuration in environment, key `ALIBABA_CLOUD_CREDENTIALS_URI`"), "{text}");
        assert!(!text.contains("topsecret"));
    }

    #[test]
    fn chain_names() {
        let c = in_chain(Credentials::new("a", "b").with_provider("env"));
        assert_eq!(c.provider(), "default/env");
        let c = in_chain(Credentials::new("a", "b").with_provider("custom"));
        assert_eq!(c.provider(), "custom");
    }
}
