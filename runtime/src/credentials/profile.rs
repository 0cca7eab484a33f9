//! The Alibaba Cloud CLI profile file, `~/.aliyun/config.json`.
//!
//! ```json
//! { "current": "default",
//!   "profiles": [
//!     { "name": "default", "mode": "AK", "access_key_id": "...",
//!       "access_key_secret": "...", "region_id": "cn-hangzhou" },
//!     { "name": "sts", "mode": "StsToken", "access_key_id": "...",
//!       "access_key_secret": "...", "sts_token": "...", "region_id": "..." } ] }
//! ```

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::env::{vars, Env};
use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

const SUPPORTED_MODES: &str = "AK, StsToken";

/// Credentials from a profile of the CLI file `~/.aliyun/config.json`.
///
/// The profile is the one named at construction, else
/// `ALIBABA_CLOUD_PROFILE`, else the file's `current`. Modes `AK` and
/// `StsToken` are supported; other modes (`RamRoleArn`, `EcsRamRole`,
/// `OIDC`, `CloudSSO`, ...) give [`CredentialsError::Unsupported`] naming the
/// profile. `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true` disables the file.
///
/// Like the official package, the file is read once: the first credentials
/// loaded are kept (a failed load is retried on the next call).
///
/// Provider names: `cli_profile/static_ak`, `cli_profile/static_sts`.
#[derive(Debug)]
pub struct CliProfileProvider {
    path: Option<PathBuf>,
    profile_name: Option<String>,
    disabled: bool,
    loaded: Mutex<Option<Credentials>>,
}

impl Default for CliProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CliProfileProvider {
    /// Uses the real environment and home directory.
    pub fn new() -> Self {
        Self::from_env(&Env::process())
    }

    /// Uses `env` for `HOME`, `ALIBABA_CLOUD_PROFILE` and
    /// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED`.
    pub fn from_env(env: &Env) -> Self {
        CliProfileProvider {
            path: env
                .home_dir()
                .map(|home| home.join(".aliyun").join("config.json")),
            profile_name: env.get(vars::PROFILE),
            disabled: env.is_true(vars::CLI_PROFILE_DISABLED),
            loaded: Mutex::new(None),
        }
    }

    /// Reads this file instead of `~/.aliyun/config.json`.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Selects this profile (overrides `ALIBABA_CLOUD_PROFILE` and `current`).
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        self.profile_name = (!name.is_empty()).then_some(name);
        self
    }

    /// The file read, when a home directory (or explicit path) is known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Reads the file and returns the selected profile's credentials, without
    /// caching.
    pub fn load(&self) -> Result<Credentials, CredentialsError> {
        let (path, config) = self.read()?;
        let location = path.display().to_string();
        let (name, profile) = select_profile(&config, &location, self.profile_name.as_deref())?;
        profile_credentials(&location, &name, profile)
    }

    /// The `region_id` of the selected profile, whatever its mode.
    ///
    /// `Ok(None)` when the file is disabled, missing, or has no such profile
    /// or no region; an error when the file is malformed.
    pub fn region_id(&self) -> Result<Option<String>, CredentialsError> {
        let (path, config) = match self.read() {
            Ok(found) => found,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let location = path.display().to_string();
        let (name, profile) = match select_profile(&config, &location, self.profile_name.as_deref())
        {
            Ok(found) => found,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        optional_str(&location, &name, profile, "region_id")
    }

    fn read(&self) -> Result<(&Path, Value), CredentialsError> {
        if self.disabled {
            return Err(CredentialsError::not_found(format!(
                "CLI profile file (disabled by {}=true)",
                vars::CLI_PROFILE_DISABLED
            )));
        }
        let path = self.path.as_deref().ok_or_else(|| {
            CredentialsError::not_found("CLI profile file (home directory unknown)")
        })?;
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::not_found(format!(
                    "CLI profile file {} (does not exist)",
                    path.display()
                )))
            }
            Err(e) => {
                return Err(CredentialsError::invalid(
                    path.display().to_string(),
                    None,
                    format!("cannot read the file: {e}"),
                ))
            }
        };
        // Syntax errors from serde_json give a position, never the input.
        let config: Value = serde_json::from_str(&text).map_err(|e| {
            CredentialsError::invalid(
                path.display().to_string(),
                None,
                format!("malformed JSON: {e}"),
            )
        })?;
        Ok((path, config))
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let cached = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let result = match cached {
            Some(creds) => Ok(creds),
            None => self.load().inspect(|creds| {
                *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) = Some(creds.clone());
            }),
        };
        Box::pin(std::future::ready(result))
    }
}

/// The region of the CLI profile selected by `env` (`ALIBABA_CLOUD_PROFILE`,
/// else `current`) in `~/.aliyun/config.json`, if any. Problems with the file
/// are logged at debug level and give `None`.
pub fn cli_profile_region(env: &Env) -> Option<String> {
    match CliProfileProvider::from_env(env).region_id() {
        Ok(region) => region,
        Err(e) => {
            tracing::debug!(error = %e, "cannot read the region from the CLI profile file");
            None
        }
    }
}

fn select_profile<'a>(
    config: &'a Value,
    location: &str,
    wanted: Option<&str>,
) -> Result<(String, &'a Map<String, Value>), CredentialsError> {
    let root = config.as_object().ok_or_else(|| {
        CredentialsError::invalid(location, None, "the top level is not an object")
    })?;
    let name = match wanted {
        Some(name) => name.to_string(),
        None => match root.get("current") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(CredentialsError::not_found(format!(
                    "CLI profile file {location} (no `current` profile and {} not set)",
                    vars::PROFILE
                )))
            }
            Some(_) => {
                return Err(CredentialsError::invalid(
                    location,
                    Some("current".into()),
                    "not a string",
                ))
            }
        },
    };
    let profiles = match root.get("profiles") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(list)) => &list[..],
        Some(_) => {
            return Err(CredentialsError::invalid(
                location,
                Some("profiles".into()),
                "not an array",
            ))
        }
    };
    let found = profiles
        .iter()
        .filter_map(Value::as_object)
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()));
    match found {
        Some(profile) => Ok((name, profile)),
        None => Err(CredentialsError::not_found(format!(
            "CLI profile `{name}` in {location} (no such profile)"
        ))),
    }
}

fn profile_credentials(
    location: &str,
    name: &str,
    profile: &Map<String, Value>,
) -> Result<Credentials, CredentialsError> {
    let mode = optional_str(location, name, profile, "mode")?;
    match mode.as_deref() {
        Some("AK") => {
            let id = required_str(location, name, profile, "access_key_id")?;
            let secret = required_str(location, name, profile, "access_key_secret")?;
            Ok(Credentials::new(id, secret).with_provider("cli_profile/static_ak"))
        }
        Some("StsToken") => {
            let id = required_str(location, name, profile, "access_key_id")?;
            let secret = required_str(location, name, profile, "access_key_secret")?;
            let token = required_str(location, name, profile, "sts_token")?;
            Ok(Credentials::new(id, secret)
                .with_security_token(token)
                .with_provider("cli_profile/static_sts"))
        }
        Some(other) => Err(CredentialsError::Unsupported {
            location: location.to_string(),
            profile: name.to_string(),
            kind: "mode",
            value: other.to_string(),
            supported: SUPPORTED_MODES,
        }),
        None => Err(CredentialsError::invalid(
            location,
            Some(key_path(name, "mode")),
            "missing",
        )),
    }
}

fn key_path(profile: &str, key: &str) -> String {
    format!("profiles[name={profile}].{key}")
}

/// A string field; `None` when absent, null or empty. Errors never quote the value.
fn optional_str(
    location: &str,
    profile: &str,
    obj: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, CredentialsError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(CredentialsError::invalid(
            location,
            Some(key_path(profile, key)),
            "not a string",
        )),
    }
}

fn required_str(
    location: &str,
    profile: &str,
    obj: &Map<String, Value>,
    key: &str,
) -> Result<String, CredentialsError> {
    optional_str(location, profile, obj, key)?.ok_or_else(|| {
        CredentialsError::invalid(location, Some(key_path(profile, key)), "missing or empty")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str, wanted: Option<&str>) -> Result<Credentials, CredentialsError> {
        let v: Value = serde_json::from_str(json).unwrap();
        let (name, p) = select_profile(&v, "cfg.json", wanted)?;
        profile_credentials("cfg.json", &name, p)
    }

    #[test]
    fn ak_and_sts_modes() {
        let json = r#"{"current":"a","profiles":[
            {"name":"a","mode":"AK","access_key_id":"id-a","access_key_secret":"sec-a"},
            {"name":"b","mode":"StsToken","access_key_id":"id-b","access_key_secret":"sec-b","sts_token":"tok-b"}]}"#;
        let a = parse(json, None).unwrap();
        assert_eq!(a.access_key_id(), "id-a");
        assert_eq!(a.provider(), "cli_profile/static_ak");
        let b = parse(json, Some("b")).unwrap();
        assert_eq!(b.security_token(), Some("tok-b"));
        assert_eq!(b.provider(), "cli_profile/static_sts");
    }

    #[test]
    fn errors_name_profile_and_key_never_value() {
        let json = r#"{"current":"a","profiles":[
            {"name":"a","mode":"AK","access_key_id":"id-a","access_key_secret":12345},
            {"name":"s","mode":"StsToken","access_key_id":"id","access_key_secret":"topsecret"},
            {"name":"r","mode":"RamRoleArn","access_key_id":"id","access_key_secret":"topsecret"},
            {"name":"n","access_key_secret":"topsecret"}]}"#;
        let e = parse(json, None).unwrap_err();
        assert!(
            e.to_string().contains("profiles[name=a].access_key_secret"),
            "{e}"
        );
        assert!(!format!("{e}{e:?}").contains("12345"));
        let e = parse(json, Some("s")).unwrap_err();
        assert!(e.to_string().contains("sts_token"), "{e}");
        let e = parse(json, Some("r")).unwrap_err();
        assert!(matches!(e, CredentialsError::Unsupported { .. }));
        assert!(
            e.to_string().contains("`r`") && e.to_string().contains("RamRoleArn"),
            "{e}"
        );
        let e = parse(json, Some("n")).unwrap_err();
        assert!(e.to_string().contains("mode"), "{e}");
        let e = parse(json, Some("zzz")).unwrap_err();
        assert!(e.is_not_found() && e.to_string().contains("zzz"), "{e}");
        for e in [
            parse(json, Some("s")).unwrap_err(),
            parse(json, Some("r")).unwrap_err(),
            parse(json, Some("n")).unwrap_err(),
        ] {
            assert!(!format!("{e}{e:?}").contains("topsecret"));
        }
    }

    #[test]
    fn no_current_is_not_found() {
        let e = parse(r#"{"profiles":[]}"#, None).unwrap_err();
        assert!(e.is_not_found(), "{e}");
        let e = parse(r#"{"current":7}"#, None).unwrap_err();
        assert!(matches!(e, CredentialsError::InvalidConfig { .. }), "{e}");
        let e = parse(r#"[1]"#, None).unwrap_err();
        assert!(matches!(e, CredentialsError::InvalidConfig { .. }), "{e}");
    }
}
