//! Environment lookups and the environment-variable credentials provider.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

/// Names of the environment variables the providers read (the official
/// Alibaba Cloud credentials packages use the same names).
pub mod vars {
    /// AccessKey ID.
    pub const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    /// AccessKey secret.
    pub const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    /// STS security token, for temporary credentials.
    pub const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
    /// Profile name, for both `~/.aliyun/config.json` and `credentials.ini`.
    pub const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
    /// `true` disables the CLI profile file `~/.aliyun/config.json`.
    pub const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
    /// Path of the INI credentials file (default `~/.alibabacloud/credentials.ini`).
    pub const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
    /// ECS RAM role name; the default chain asks the metadata service only when set.
    pub const ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
    /// `true` disables the ECS metadata service entirely.
    pub const ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
    /// URL that serves credentials as JSON.
    pub const CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
}

/// Where environment variables come from: the real process environment, or a
/// fixed map (tests, embedding). Empty values count as unset.
///
/// `Debug` shows variable names only, never values.
#[derive(Clone, Default)]
pub struct Env {
    map: Option<Arc<HashMap<String, String>>>,
}

impl Env {
    /// The real process environment, read at each lookup.
    pub fn process() -> Self {
        Env { map: None }
    }

    /// A fixed set of variables; nothing else is visible (not even `HOME`
    /// unless it is in the map).
    pub fn from_map<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env {
            map: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
        }
    }

    /// The value of `key`, or `None` when unset, empty or not valid UTF-8.
    pub fn get(&self, key: &str) -> Option<String> {
        let value = match &self.map {
            None => std::env::var(key).ok(),
            Some(map) => map.get(key).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }

    /// True when `key` is set to `true` (any case), the official packages'
    /// convention for switches such as `ALIBABA_CLOUD_ECS_METADATA_DISABLED`.
    pub fn is_true(&self, key: &str) -> bool {
        self.get(key)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory as the official package finds it: `HOME`, then
    /// `USERPROFILE`, then `HOMEDRIVE` + `HOMEPATH`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = self.get("HOME") {
            return Some(PathBuf::from(home));
        }
        if let Some(home) = self.get("USERPROFILE") {
            return Some(PathBuf::from(home));
        }
        let path = self.get("HOMEPATH")?;
        match self.get("HOMEDRIVE") {
            Some(drive) if !path.contains(':') => Some(PathBuf::from(format!("{drive}{path}"))),
            _ => Some(PathBuf::from(path)),
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.map {
            None => f.write_str("Env::Process"),
            Some(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                f.debug_struct("Env::Map").field("keys", &keys).finish()
            }
        }
    }
}

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`,
/// `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, optionally,
/// `ALIBABA_CLOUD_SECURITY_TOKEN`. Variables are read at each call.
///
/// Provider name: `env`.
#[derive(Debug, Clone, Default)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// Reads the real process environment.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads the given environment.
    pub fn with_env(env: Env) -> Self {
        EnvProvider { env }
    }

    /// Reads the variables now.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.get(vars::ACCESS_KEY_ID);
        let secret = self.env.get(vars::ACCESS_KEY_SECRET);
        match (id, secret) {
            (None, None) => Err(CredentialsError::not_found(format!(
                "environment variables {} and {} (not set)",
                vars::ACCESS_KEY_ID,
                vars::ACCESS_KEY_SECRET
            ))),
            (None, Some(_)) => Err(CredentialsError::invalid(
                "environment",
                Some(vars::ACCESS_KEY_ID.to_string()),
                format!("not set or empty while {} is set", vars::ACCESS_KEY_SECRET),
            )),
            (Some(_), None) => Err(CredentialsError::invalid(
                "environment",
                Some(vars::ACCESS_KEY_SECRET.to_string()),
                format!("not set or empty while {} is set", vars::ACCESS_KEY_ID),
            )),
            (Some(id), Some(secret)) => {
                let mut creds = Credentials::new(id, secret).with_provider("env");
                if let Some(token) = self.env.get(vars::SECURITY_TOKEN) {
                    creds = creds.with_security_token(token);
                }
                Ok(creds)
            }
        }
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(self.load()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_env_treats_empty_as_unset() {
        let env = Env::from_map([("A", "1"), ("B", "")]);
        assert_eq!(env.get("A").as_deref(), Some("1"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C"), None);
    }

    #[test]
    fn env_debug_hides_values() {
        let env = Env::from_map([(vars::ACCESS_KEY_SECRET, "very-secret-value")]);
        let dbg = format!("{env:?} {:?}", EnvProvider::with_env(env.clone()));
        assert!(!dbg.contains("very-secret-value"), "{dbg}");
        assert!(dbg.contains(vars::ACCESS_KEY_SECRET));
    }

    #[test]
    fn home_dir_lookup_order() {
        let env = Env::from_map([("HOME", "/h"), ("USERPROFILE", "/u")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from("/h")));
        let env = Env::from_map([("HOMEDRIVE", "C:"), ("HOMEPATH", "\\Users\\x")]);
        assert_eq!(env.home_dir(), Some(PathBuf::from("C:\\Users\\x")));
        assert_eq!(
            Env::from_map::<[(&str, &str); 0], _, _>([]).home_dir(),
            None
        );
    }

    #[test]
    fn is_true_is_case_insensitive() {
        let env = Env::from_map([("X", "TRUE"), ("Y", "yes")]);
        assert!(env.is_true("X"));
        assert!(!env.is_true("Y"));
        assert!(!env.is_true("Z"));
    }

    #[test]
    fn loads_ak_and_sts() {
        let p = EnvProvider::with_env(Env::from_map([
            (vars::ACCESS_KEY_ID, "id"),
            (vars::ACCESS_KEY_SECRET, "sec"),
        ]));
        let c = p.load().unwrap();
        assert_eq!(
            (c.access_key_id(), c.access_key_secret(), c.security_token()),
            ("id", "sec", None)
        );
        assert_eq!(c.provider(), "env");

        let p = EnvProvider::with_env(Env::from_map([
            (vars::ACCESS_KEY_ID, "id"),
            (vars::ACCESS_KEY_SECRET, "sec"),
            (vars::SECURITY_TOKEN, "tok"),
        ]));
        assert_eq!(p.load().unwrap().security_token(), Some("tok"));
    }

    #[test]
    fn missing_or_partial() {
        let p = EnvProvider::with_env(Env::from_map([("OTHER", "x")]));
        assert!(p.load().unwrap_err().is_not_found());
        let p = EnvProvider::with_env(Env::from_map([(vars::ACCESS_KEY_ID, "id")]));
        let err = p.load().unwrap_err();
        assert!(matches!(err, CredentialsError::InvalidConfig { .. }));
        assert!(err.to_string().contains(vars::ACCESS_KEY_SECRET));
    }
}
