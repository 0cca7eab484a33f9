//! Wire parameters: the flattened `Name.1.Field=value` pairs of an RPC call.

use std::collections::BTreeMap;

/// Flattened request parameters in the order the request wrote them.
///
/// Keys follow Alibaba's RPC flattening: lists are 1-based
/// (`Certificates.1.CertificateId`, `ListenerIds.2`), booleans are
/// `true`/`false`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    pub fn push_bool(&mut self, key: impl Into<String>, value: bool) {
        self.push(key, if value { "true" } else { "false" });
    }

    pub fn push_display(&mut self, key: impl Into<String>, value: impl std::fmt::Display) {
        self.push(key, value.to_string());
    }

    /// The value of `key`, if the request wrote it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<(String, String)> {
        self.0
    }

    /// The pairs sorted by key, the order both signature versions use.
    pub fn sorted(&self) -> Vec<(String, String)> {
        let mut v = self.0.clone();
        v.sort();
        v
    }
}

impl From<Vec<(String, String)>> for Params {
    fn from(v: Vec<(String, String)>) -> Self {
        Self(v)
    }
}

/// Received wire parameters, for the server side (the emulator): typed
/// requests are parsed out of it by generated code.
#[derive(Debug, Clone, Default)]
pub struct ParamMap(BTreeMap<String, String>);

impl ParamMap {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Whether any key is `prefix` or starts with `prefix.`.
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.0
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .any(|(k, _)| k.len() == prefix.len() || k.as_bytes()[prefix.len()] == b'.')
    }

    /// The 1-based list indices present under `prefix` (`prefix.N` or
    /// `prefix.N.Field`), sorted and deduplicated.
    pub fn indices(&self, prefix: &str) -> Vec<usize> {
        let dotted = format!("{prefix}.");
        let mut out: Vec<usize> = self
            .0
            .range(dotted.clone()..)
            .take_while(|(k, _)| k.starts_with(&dotted))
            .filter_map(|(k, _)| k[dotted.len()..].split('.').next()?.parse().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}
