//! The shared credentials file, `~/.alibabacloud/credentials.ini`.
//!
//! ```ini
//! [default]
//! type = access_key
//! access_key_id = ...
//! access_key_secret = ...
//!
//! [ecs]
//! type = ecs_ram_role
//! role_name = MyEcsRole
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::ecs::{EcsRamRoleProvider, EcsRamRoleProviderBuilder};
use super::env::{vars, Env};
use super::provider::{BoxFuture, CredentialsError, ProvideCredentials};
use super::Credentials;

const SUPPORTED_TYPES: &str = "access_key, ecs_ram_role";
const DEFAULT_PROFILE: &str = "default";

/// Credentials from a section of `~/.alibabacloud/credentials.ini` (path
/// overridden by `ALIBABA_CLOUD_CREDENTIALS_FILE`), the section named by
/// `ALIBABA_CLOUD_PROFILE` or `default`, as the official package does.
///
/// Supported `type`s: `access_key` (`access_key_id`, `access_key_secret`)
/// and `ecs_ram_role` (`role_name`, else `ALIBABA_CLOUD_ECS_METADATA`, else
/// discovered from the metadata service). Other types (`ram_role_arn`,
/// `oidc_role_arn`, `rsa_key_pair`) give [`CredentialsError::Unsupported`].
///
/// The file is read once; the section's provider is kept (an ECS provider
/// keeps its own cache).
///
/// Provider names: `profile/static_ak`, `profile/ecs_ram_role`.
#[derive(Debug)]
pub struct IniFileProvider {
    path: Option<PathBuf>,
    profile_name: String,
    env_role_name: Option<String>,
    ecs_disabled: bool,
    ecs: EcsRamRoleProviderBuilder,
    loaded: Mutex<Option<Arc<Loaded>>>,
}

#[derive(Debug)]
enum Loaded {
    Static(Credentials),
    Ecs(Box<EcsRamRoleProvider>),
}

impl Default for IniFileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl IniFileProvider {
    /// Uses the real environment and home directory.
    pub fn new() -> Self {
        Self::from_env(&Env::process())
    }

    /// Uses `env` for `HOME`, `ALIBABA_CLOUD_CREDENTIALS_FILE`,
    /// `ALIBABA_CLOUD_PROFILE`, `ALIBABA_CLOUD_ECS_METADATA` and
    /// `ALIBABA_CLOUD_ECS_METADATA_DISABLED`.
    pub fn from_env(env: &Env) -> Self {
        let path = env
            .get(vars::CREDENTIALS_FILE)
            .map(PathBuf::from)
            .or_else(|| {
                env.home_dir()
                    .map(|home| home.join(".alibabacloud").join("credentials.ini"))
            });
        IniFileProvider {
            path,
            profile_name: env
                .get(vars::PROFILE)
                .unwrap_or_else(|| DEFAULT_PROFILE.to_string()),
            env_role_name: env.get(vars::ECS_METADATA),
            ecs_disabled: env.is_true(vars::ECS_METADATA_DISABLED),
            ecs: EcsRamRoleProvider::builder(),
            loaded: Mutex::new(None),
        }
    }

    /// Reads this file.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads this section (instead of `ALIBABA_CLOUD_PROFILE` or `default`).
    pub fn with_profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = name.into();
        self
    }

    /// Settings (endpoint, timeouts, refresh window) for an `ecs_ram_role`
    /// section; the role name comes from the file.
    pub fn with_ecs_settings(mut self, builder: EcsRamRoleProviderBuilder) -> Self {
        self.ecs = builder;
        self
    }

    /// The file read, when known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn load(&self) -> Result<Loaded, CredentialsError> {
        let path = self.path.as_deref().ok_or_else(|| {
            CredentialsError::not_found("credentials file (home directory unknown)")
        })?;
        let location = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::not_found(format!(
                    "credentials file {location} (does not exist)"
                )))
            }
            Err(e) => {
                return Err(CredentialsError::invalid(
                    location,
                    None,
                    format!("cannot read the file: {e}"),
                ))
            }
        };
        let sections = parse_ini(&text, &location)?;
        let name = &self.profile_name;
        let section = sections.get(name).ok_or_else(|| {
            CredentialsError::not_found(format!(
                "credentials file {location} (no section [{name}])"
            ))
        })?;
        let key = |k: &str| format!("[{name}].{k}");
        let get = |k: &str| section.get(k).filter(|v| !v.is_empty()).cloned();
        match get("type").as_deref() {
            Some("access_key") => {
                let id = get("access_key_id").ok_or_else(|| {
                    CredentialsError::invalid(
                        &location,
                        Some(key("access_key_id")),
                        "missing or empty",
                    )
                })?;
                let secret = get("access_key_secret").ok_or_else(|| {
                    CredentialsError::invalid(
                        &location,
                        Some(key("access_key_secret")),
                        "missing or empty",
                    )
                })?;
                Ok(Loaded::Static(
                    Credentials::new(id, secret).with_provider("profile/static_ak"),
                ))
            }
            Some("ecs_ram_role") => {
                if self.ecs_disabled {
                    return Err(CredentialsError::invalid(
                        &location,
                        Some(key("type")),
                        format!(
                            "ecs_ram_role, but the metadata service is disabled by {}=true",
                            vars::ECS_METADATA_DISABLED
                        ),
                    ));
                }
                let mut builder = self.ecs.clone();
                if let Some(role) = get("role_name").or_else(|| self.env_role_name.clone()) {
                    builder = builder.role_name(role);
                }
                let provider = builder.build().map_err(|e| match e {
                    CredentialsError::InvalidConfig { key: k, reason, .. } => {
                        CredentialsError::invalid(
                            &location,
                            Some(key(k.as_deref().unwrap_or("role_name"))),
                            reason,
                        )
                    }
                    other => other,
                })?;
                Ok(Loaded::Ecs(Box::new(provider)))
            }
            Some(other) => Err(CredentialsError::Unsupported {
                location,
                profile: name.clone(),
                kind: "type",
                value: other.to_string(),
                supported: SUPPORTED_TYPES,
            }),
            None => Err(CredentialsError::invalid(
                location,
                Some(key("type")),
                "missing",
            )),
        }
    }

    async fn get(&self) -> Result<Credentials, CredentialsError> {
        let cached = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let loaded = match cached {
            Some(loaded) => loaded,
            None => {
                let loaded = Arc::new(self.load()?);
                *self.loaded.lock().unwrap_or_else(|e| e.into_inner()) = Some(loaded.clone());
                loaded
            }
        };
        match &*loaded {
            Loaded::Static(creds) => Ok(creds.clone()),
            Loaded::Ecs(provider) => provider
                .provide()
                .await
                .map(|c| c.with_provider("profile/ecs_ram_role")),
        }
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.get())
    }
}

type Sections = HashMap<String, HashMap<String, String>>;

/// Parses INI text the way Python's `configparser` (defaults) and the official
/// credentials package read it: `[section]` headers, `key = value` or
/// `key: value` (keys lower-cased), full-line `#` / `;` comments, indented
/// continuation lines, `[DEFAULT]` values inherited by every section,
/// duplicates rejected; then, as the official package does, anything from a
/// `#` in a value on is dropped. Differences from `configparser`: `%`
/// interpolation is not performed, and section names are trimmed (`[ a ]`
/// is section `a`, where `configparser` keeps the spaces).
///
/// Errors give the line number, never the line's content.
fn parse_ini(text: &str, location: &str) -> Result<Sections, CredentialsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    // (indent of the key line) of the last key, for continuation lines.
    let mut last_key_indent: Option<usize> = None;
    let err = |line: usize, reason: &str| {
        CredentialsError::invalid(location, None, format!("line {line}: {reason}"))
    };

    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let (Some(key_indent), Some((_, entries))) = (last_key_indent, sections.last_mut()) {
            if indent > key_indent {
                if let Some((_, value)) = entries.last_mut() {
                    if !value.is_empty() {
                        value.push('\n');
                    }
                    value.push_str(trimmed);
                    continue;
                }
            }
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') && trimmed.len() > 2 {
            let name = trimmed[1..trimmed.len() - 1].trim().to_string();
            if sections.iter().any(|(n, _)| *n == name) {
                return Err(CredentialsError::invalid(
                    location,
                    Some(format!("[{name}]")),
                    format!("line {lineno}: duplicate section"),
                ));
            }
            sections.push((name, Vec::new()));
            last_key_indent = None;
            continue;
        }
        let Some(pos) = trimmed.find(['=', ':']) else {
            return Err(err(lineno, "expected `[section]` or `key = value`"));
        };
        let key = trimmed[..pos].trim().to_lowercase();
        let value = trimmed[pos + 1..].trim().to_string();
        if key.is_empty() {
            return Err(err(lineno, "empty key"));
        }
        let Some((section, entries)) = sections.last_mut() else {
            return Err(err(lineno, "key before any `[section]` header"));
        };
        if entries.iter().any(|(k, _)| *k == key) {
            return Err(CredentialsError::invalid(
                location,
                Some(format!("[{section}].{key}")),
                format!("line {lineno}: duplicate key"),
            ));
        }
        entries.push((key, value));
        last_key_indent = Some(indent);
    }

    let clean = |v: &str| match v.find('#') {
        Some(pos) => v[..pos].trim().to_string(),
        None => v.trim().to_string(),
    };
    let defaults: Vec<(String, String)> = sections
        .iter()
        .find(|(n, _)| n == "DEFAULT")
        .map(|(_, e)| e.clone())
        .unwrap_or_default();
    let mut out = Sections::new();
    for (name, entries) in sections {
        if name == "DEFAULT" {
            continue;
        }
        let mut map: HashMap<String, String> = defaults
            .iter()
            .map(|(k, v)| (k.clone(), clean(v)))
            .collect();
        for (k, v) in entries {
            map.insert(k, clean(&v));
        }
        out.insert(name, map);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_configparser() {
        let text = "\u{feff}# comment\n; other\n[DEFAULT]\nregion = cn-hangzhou\n\n[default]\nType = access_key\naccess_key_id: id # trailing\naccess_key_secret = sec\n  continued\n[ other ]\ntype=ecs_ram_role\n";
        let s = parse_ini(text, "f.ini").unwrap();
        let d = &s["default"];
        assert_eq!(d["type"], "access_key");
        assert_eq!(d["access_key_id"], "id");
        assert_eq!(d["access_key_secret"], "sec\ncontinued");
        assert_eq!(d["region"], "cn-hangzhou");
        assert_eq!(s["other"]["type"], "ecs_ram_role");
        assert_eq!(s["other"]["region"], "cn-hangzhou");
        assert!(!s.contains_key("DEFAULT"));
    }

    #[test]
    fn errors_give_line_not_content() {
        for (text, want) in [
            ("[default]\ntopsecret\n", "line 2"),
            ("access_key_secret = topsecret\n", "line 1"),
            ("[a]\nk = topsecret\nk = topsecret\n", "duplicate key"),
            ("[a]\n[a]\n", "duplicate section"),
            ("[a]\n = topsecret\n", "empty key"),
        ] {
            let e = parse_ini(text, "f.ini").unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(shown.contains(want), "{shown}");
            assert!(shown.contains("f.ini"), "{shown}");
            assert!(!shown.contains("topsecret"), "{shown}");
        }
    }
}
