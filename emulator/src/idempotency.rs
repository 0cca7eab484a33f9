//! `ClientToken` idempotency: the same token (for the same access key and
//! action) within 24 hours answers the first call's response again without
//! acting again. A token reused with different parameters is refused.
//!
//! Which operations take a token comes from the spec
//! (`OperationMeta::idempotency_param`).
//!
//! The store is bounded: past [`CAPACITY`] tokens the oldest is forgotten
//! (a retry that late would act again), so a long-running emulator does not
//! grow without end. Responses are kept serialized and parameters as a
//! hash: a few hundred bytes per token.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alb_runtime::{ErrorMetadata, OperationMeta};

/// How long a token is remembered.
pub const WINDOW: Duration = Duration::from_secs(24 * 60 * 60);
/// How many tokens are remembered at most (minutes of calls at the
/// emulator's full speed; Alibaba's clients retry within seconds).
pub const CAPACITY: usize = 100_000;

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
    /// Hash of the request's API parameters ([`fingerprint`]).
    fingerprint: u64,
    /// The first answer, serialized (a `Value` tree is several times larger).
    response: String,
    /// Which push into `Store::order` stored it.
    seq: u64,
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
    store: Mutex<Store>,
}

/// Entries by key, and keys in the order they were stored: expiry and
/// eviction take from the front, so each call costs O(1) amortized.
#[derive(Default)]
struct Store {
    entries: HashMap<Arc<Key>, Entry>,
    order: VecDeque<(Instant, u64, Arc<Key>)>,
    next_seq: u64,
}

impl Store {
    fn evict(&mut self, now: Instant, capacity: usize) {
        while let Some((at, _, _)) = self.order.front() {
            let expired = now.duration_since(*at) >= WINDOW;
            if !expired && self.order.len() <= capacity {
                break;
            }
            if let Some((_, seq, key)) = self.order.pop_front() {
                // Only if the entry is still the one that push stored.
                if self.entries.get(&key).is_some_and(|e| e.seq == seq) {
                    self.entries.remove(&key);
                }
            }
        }
    }
}

fn hash(fingerprint: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    fingerprint.hash(&mut h);
    h.finish()
}

impl Idempotency {
    /// Held from the lookup until the response is stored.
    pub async fn gate(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.gate.lock().await
    }

    fn store_mut(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn lookup(&self, key: &Key, fingerprint: &str) -> Lookup {
        let mut store = self.store_mut();
        store.evict(Instant::now(), CAPACITY);
        match store.entries.get(key) {
            None => Lookup::Miss,
            Some(e) if e.fingerprint == hash(fingerprint) => {
                match serde_json::from_str(&e.response) {
                    Ok(v) => Lookup::Hit(v),
                    Err(_) => Lookup::Miss,
                }
            }
            Some(_) => Lookup::Mismatch,
        }
    }

    pub fn store(&self, key: Key, fingerprint: String, response: serde_json::Value) {
        self.store_with_capacity(key, &fingerprint, &response, Instant::now(), CAPACITY);
    }

    fn store_with_capacity(
        &self,
        key: Key,
        fingerprint: &str,
        response: &serde_json::Value,
        at: Instant,
        capacity: usize,
    ) {
        let mut store = self.store_mut();
        let seq = store.next_seq;
        store.next_seq += 1;
        let entry = Entry {
            fingerprint: hash(fingerprint),
            response: response.to_string(),
            seq,
        };
        let key = Arc::new(key);
        store.order.push_back((at, seq, key.clone()));
        store.entries.insert(key, entry);
        store.evict(at, capacity);
    }

    /// Tokens remembered now.
    pub fn len(&self) -> usize {
        self.store_mut().entries.len()
    }

    /// Whether no token is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

    fn key(token: &str) -> Key {
        Key {
            access_key_id: "ak".into(),
            action: "A".into(),
            client_token: token.into(),
        }
    }

    #[test]
    fn the_oldest_tokens_are_forgotten_past_capacity() {
        let i = Idempotency::default();
        let now = Instant::now();
        let v = serde_json::json!({"RequestId": "r"});
        for n in 0..10 {
            i.store_with_capacity(key(&n.to_string()), "x", &v, now, 4);
        }
        assert_eq!(i.len(), 4);
        assert_eq!(i.lookup(&key("0"), "x"), Lookup::Miss);
        assert_eq!(i.lookup(&key("9"), "x"), Lookup::Hit(v.clone()));
        // A token stored again keeps its newest entry when the old one's
        // turn to be evicted comes.
        i.store_with_capacity(key("6"), "x", &v, now, 4);
        i.store_with_capacity(key("a"), "x", &v, now, 4);
        i.store_with_capacity(key("b"), "x", &v, now, 4);
        assert_eq!(i.lookup(&key("6"), "x"), Lookup::Hit(v));
    }

    #[test]
    fn tokens_expire_after_the_window() {
        let i = Idempotency::default();
        let Some(long_ago) = Instant::now().checked_sub(WINDOW + Duration::from_secs(1)) else {
            return; // the monotonic clock started less than a day ago
        };
        let v = serde_json::json!({});
        i.store_with_capacity(key("old"), "x", &v, long_ago, CAPACITY);
        i.store(key("new"), "x".into(), v.clone());
        assert_eq!(i.lookup(&key("old"), "x"), Lookup::Miss);
        assert_eq!(i.lookup(&key("new"), "x"), Lookup::Hit(v));
        assert_eq!(i.len(), 1);
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
