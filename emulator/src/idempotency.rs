//! `ClientToken` idempotency: the same token (for the same access key and
//! action) within 24 hours answers the first call's response again without
//! acting again. A token reused with different parameters is refused.
//!
//! Which operations take a token comes from the spec
//! (`OperationMeta::idempotency_param`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use alb_runtime::{ErrorMetadata, OperationMeta};

/// How long a token is remembered.
pub const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The metadata of an operation of the SDK (the generated list of every
/// operation in the spec).
pub fn meta(action: &str) -> Option<&'static OperationMeta> {
    alb_sdk::ram::operation(action)
}

/// Parameters that are not part of what a call asks for: the common
/// (signature) parameters, the token itself and DryRun.
pub const NON_API_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
    "RegionId",
    "ClientToken",
    "DryRun",
];

/// The request a token stands for: its API parameters, sorted.
pub fn fingerprint(params: &alb_runtime::ParamMap) -> String {
    let mut out = String::new();
    for (k, v) in params.iter().filter(|(k, _)| !NON_API_PARAMS.contains(k)) {
        out.push_str(k);
        out.push('=');
        out.push_str(v);
        out.push('\n');
    }
    out
}

/// The answer to `IdempotentParameterMismatch`.
pub fn mismatch() -> ErrorMetadata {
    ErrorMetadata {
        code: "IdempotentParameterMismatch".into(),
        message: "The request uses the same client token as a previous, but non-identical request."
            .into(),
        http_status: 400,
        ..Default::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub access_key_id: String,
    pub action: String,
    pub client_token: String,
}

struct Entry {
    fingerprint: String,
    response: serde_json::Value,
    at: Instant,
}

/// What a token lookup found.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    Miss,
    Hit(serde_json::Value),
    Mismatch,
}

/// Remembered responses, plus a gate that serializes token-bearing calls so
/// that two concurrent attempts of one call cannot both act.
#[derive(Default)]
pub struct Idempotency {
    gate: tokio::sync::Mutex<()>,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl Idempotency {
    /// Held from the lookup until the response is stored.
    pub async fn gate(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.gate.lock().await
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn lookup(&self, key: &Key, fingerprint: &str) -> Lookup {
        let now = Instant::now();
        let mut entries = self.entries();
        entries.retain(|_, e| now.duration_since(e.at) < WINDOW);
        match entries.get(key) {
            None => Lookup::Miss,
            Some(e) if e.fingerprint == fingerprint => Lookup::Hit(e.response.clone()),
            Some(_) => Lookup::Mismatch,
        }
    }

    pub fn store(&self, key: Key, fingerprint: String, response: serde_json::Value) {
        self.entries().insert(
            key,
            Entry {
                fingerprint,
                response,
                at: Instant::now(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_know_which_calls_take_a_token() {
        assert!(meta("AssociateAdditionalCertificatesWithListener")
            .unwrap()
            .idempotency_param
            .is_some());
        assert!(meta("ListListeners").unwrap().idempotency_param.is_none());
        assert!(meta("Nope").is_none());
        for action in alb_sdk::server::ACTIONS {
            assert!(meta(action).is_some(), "{action}");
        }
    }

    #[test]
    fn hit_miss_mismatch() {
        let i = Idempotency::default();
        let key = Key {
            access_key_id: "ak".into(),
            action: "A".into(),
            client_token: "t".into(),
        };
        assert_eq!(i.lookup(&key, "x"), Lookup::Miss);
        i.store(key.clone(), "x".into(), serde_json::json!({"JobId": "j"}));
        assert_eq!(
            i.lookup(&key, "x"),
            Lookup::Hit(serde_json::json!({"JobId": "j"}))
        );
        assert_eq!(i.lookup(&key, "y"), Lookup::Mismatch);
    }

    #[test]
    fn fingerprint_ignores_token_and_signature() {
        let a = alb_runtime::ParamMap::new([
            ("ListenerId".to_string(), "l".to_string()),
            ("ClientToken".to_string(), "t1".to_string()),
            ("Signature".to_string(), "s1".to_string()),
        ]);
        let b = alb_runtime::ParamMap::new([
            ("ListenerId".to_string(), "l".to_string()),
            ("ClientToken".to_string(), "t2".to_string()),
            ("Signature".to_string(), "s2".to_string()),
        ]);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), "ListenerId=l\n");
    }
}
