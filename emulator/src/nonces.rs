//! Signature nonces seen recently, for replay protection: bounded in time
//! (a nonce older than the timestamp window cannot be replayed anyway) and
//! in count, so that memory stays flat under sustained load.
//!
//! Each entry is a keyed 64-bit hash of (access key, nonce) and the time it
//! was seen, in a hash set plus a queue in arrival order: about 60 bytes an
//! entry, whatever the nonce's length. When the count cap is reached the
//! oldest entries go first (counted in [`NonceStore::evicted`] and logged),
//! which only matters at rates beyond cap / retention (by default
//! 500,000 / 31 min, about 270 requests a second, sustained).

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// How long a nonce is remembered: a replay older than this is refused for
/// its timestamp anyway (15 minutes of skew either way, plus a margin).
pub const NONCE_RETENTION: Duration = Duration::from_secs(31 * 60);

/// Default cap on remembered nonces.
pub const DEFAULT_NONCE_CAPACITY: usize = 500_000;

/// Bytes an entry costs, roughly (set slot and control byte at 7/8 load,
/// plus its queue slot): for reporting, not accounting.
pub const APPROX_BYTES_PER_ENTRY: usize = 60;

#[derive(Debug)]
pub struct NonceStore {
    seen: HashSet<u64, NoHash>,
    order: VecDeque<(Instant, u64)>,
    keys: std::collections::hash_map::RandomState,
    capacity: usize,
    evicted: u64,
}

impl Default for NonceStore {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_NONCE_CAPACITY)
    }
}

impl NonceStore {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            seen: HashSet::with_hasher(NoHash),
            order: VecDeque::new(),
            keys: Default::default(),
            capacity: capacity.max(1),
            evicted: 0,
        }
    }

    fn key(&self, access_key_id: &str, nonce: &str) -> u64 {
        self.keys.hash_one((access_key_id, nonce))
    }

    /// Records `nonce` for `access_key_id`; `false` if it was seen already.
    pub fn insert(&mut self, access_key_id: &str, nonce: &str, now: Instant) -> bool {
        while let Some(&(at, k)) = self.order.front() {
            if now.saturating_duration_since(at) < NONCE_RETENTION {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&k);
        }
        let key = self.key(access_key_id, nonce);
        if self.seen.contains(&key) {
            return false;
        }
        if self.order.len() >= self.capacity {
            if self.evicted == 0 {
                tracing::warn!(
                    capacity = self.capacity,
                    "nonce store full: the oldest nonces are forgotten early"
                );
            }
            if let Some((_, k)) = self.order.pop_front() {
                self.seen.remove(&k);
                self.evicted += 1;
            }
        }
        self.seen.insert(key);
        self.order.push_back((now, key));
        true
    }

    /// Nonces remembered now.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Nonces forgotten before their time because the store was full.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The memory the entries take, roughly.
    pub fn approx_bytes(&self) -> usize {
        self.seen.capacity() * 9 + self.order.capacity() * 24
    }
}

/// The keys are hashes already: use them as they are.
#[derive(Debug, Clone, Copy, Default)]
struct NoHash;

impl BuildHasher for NoHash {
    type Hasher = Identity;
    fn build_hasher(&self) -> Identity {
        Identity(0)
    }
}

struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_caught_and_old_entries_forgotten() {
        let mut n = NonceStore::default();
        let t0 = Instant::now();
        assert!(n.insert("a", "x", t0));
        assert!(!n.insert("a", "x", t0 + Duration::from_secs(60)));
        assert!(n.insert("b", "x", t0));
        assert!(n.insert("a", "x", t0 + NONCE_RETENTION + Duration::from_secs(1)));
        // The expired entries went; the fresh one stays.
        assert_eq!(n.len(), 1);
    }

    #[test]
    fn count_and_memory_stay_bounded_under_sustained_load() {
        let mut n = NonceStore::with_capacity(10_000);
        let t0 = Instant::now();
        for i in 0..200_000u32 {
            // 1,000 requests a second, for 200 s: all within the retention.
            let at = t0 + Duration::from_millis(u64::from(i));
            assert!(n.insert("ak", &format!("nonce-{i:040}"), at));
        }
        assert_eq!(n.len(), 10_000);
        assert_eq!(n.evicted(), 190_000);
        assert!(
            n.approx_bytes() < 10_000 * 2 * APPROX_BYTES_PER_ENTRY,
            "{}",
            n.approx_bytes()
        );
        // The newest are still caught.
        assert!(!n.insert(
            "ak",
            &format!("nonce-{:040}", 199_999),
            t0 + Duration::from_secs(200)
        ));
    }

    #[test]
    fn the_default_store_holds_a_retention_window_of_modest_load() {
        let mut n = NonceStore::default();
        let t0 = Instant::now();
        // 100 requests a second for the whole 31 minutes: 186,000 nonces.
        for i in 0..186_000u64 {
            assert!(n.insert("ak", &i.to_string(), t0 + Duration::from_millis(i * 10)));
        }
        assert_eq!(n.evicted(), 0);
        assert!(n.approx_bytes() < 186_000 * 2 * APPROX_BYTES_PER_ENTRY);
    }
}
