//! Wire parameters: the flattened `Name.1.Field=value` pairs of an RPC call,
//! sorted by key, as both the client (before validating and signing) and a
//! server (after receiving) see them.

/// Flattened parameters sorted by key; a key given twice keeps its last
/// value (the official SDKs build their query as a dictionary, and a
/// server reads the body after the query).
///
/// Keys follow Alibaba's RPC flattening: lists are 1-based
/// (`Certificates.1.CertificateId`, `ListenerIds.2`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParamMap {
    pairs: Vec<(String, String)>,
    /// What the client's flattening saw but the pairs cannot show: every
    /// list's length and every object that is present, even when they
    /// flatten to nothing (an item with no value set). `None` for received
    /// parameters, where only the keys tell.
    skeleton: Option<Skeleton>,
}

/// List lengths and present objects, by wire key: what the client's
/// flattening records ([`crate::wire::write_params`]), for
/// [`ParamMap::with_skeleton`].
///
/// Sorted vectors rather than tree maps: a request has a handful of each,
/// and a tree per request cost an allocation per node (and its code in
/// every build).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skeleton {
    /// Length of every non-empty list (`Tags` → 2), by key.
    lists: Vec<(String, usize)>,
    /// Every nested object that is present in a field
    /// (`HealthCheckConfig`, `Rules.1.RuleConditions.2.HeaderConfig`); an
    /// object that is a list item (`Tags.1`) is present when its list is
    /// that long.
    objects: Vec<String>,
}

impl Skeleton {
    /// Records the list at `key` with `len` items.
    pub fn record_list(&mut self, key: &str, len: usize) {
        self.lists.push((key.to_owned(), len));
    }

    /// Records the object at `key` as present.
    pub fn record_object(&mut self, key: &str) {
        self.objects.push(key.to_owned());
    }

    /// Sorts by key for the lookups below (recorded in field order); a
    /// list recorded twice keeps its later length.
    fn sort(&mut self) {
        // Stable, so that `dedup_by` (which hands (later, kept)) sees the
        // later length first.
        self.lists.sort_by(|a, b| a.0.cmp(&b.0));
        self.lists.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        self.objects.sort_unstable();
        self.objects.dedup();
    }

    /// The length of the list at `key`, if one was recorded (sorted).
    fn list_len(&self, key: &str) -> Option<usize> {
        let i = self
            .lists
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()?;
        Some(self.lists[i].1)
    }

    /// Whether the object at `key` was recorded as present (sorted).
    fn has_object(&self, key: &str) -> bool {
        self.objects
            .binary_search_by(|k| k.as_str().cmp(key))
            .is_ok()
    }
}

impl ParamMap {
    /// Pairs in any order, as received (see [`ParamMap::from_vec`]).
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::from_vec(pairs.into_iter().collect())
    }

    /// The client's own flattening: pairs and what they cannot show.
    pub fn with_skeleton(pairs: Vec<(String, String)>, mut skeleton: Skeleton) -> Self {
        let mut m = Self::from_vec(pairs);
        skeleton.sort();
        m.skeleton = Some(skeleton);
        m
    }

    /// Sorts in place; later duplicates win.
    pub fn from_vec(mut pairs: Vec<(String, String)>) -> Self {
        // A stable sort keeps duplicates in arrival order; keep the last.
        // The client's flattening is nearly sorted already: check first.
        if !pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            // `dedup_by` hands (later, kept): the kept entry takes the
            // later value.
            pairs.dedup_by(|later, kept| {
                if later.0 == kept.0 {
                    std::mem::swap(&mut kept.1, &mut later.1);
                    true
                } else {
                    false
                }
            });
        }
        Self {
            pairs,
            skeleton: None,
        }
    }

    /// The value at `key`, exactly as given (an empty value included).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.pairs[i].1.as_str())
    }

    /// The pairs whose key starts with `prefix` (which may end in `.`).
    fn starting_with(&self, prefix: &str) -> &[(String, String)] {
        let start = self.pairs.partition_point(|(k, _)| k.as_str() < prefix);
        let len = self.pairs[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(prefix))
            .count();
        &self.pairs[start..start + len]
    }

    /// The pairs whose key starts with `key` and a `.`, without building
    /// that prefix.
    fn below(&self, key: &str) -> &[(String, String)] {
        let under =
            |k: &str| k.len() > key.len() && k.starts_with(key) && k.as_bytes()[key.len()] == b'.';
        // Keys sort bytewise: those below `key` come after every key
        // smaller than `key.` and form one run.
        let start = self.pairs.partition_point(|(k, _)| {
            let (k, key) = (k.as_bytes(), key.as_bytes());
            let common = k.len().min(key.len());
            match k[..common].cmp(&key[..common]) {
                std::cmp::Ordering::Equal => {
                    if k.len() <= key.len() {
                        // A prefix of `key` (or `key` itself) sorts before `key.`.
                        true
                    } else {
                        k[key.len()] < b'.'
                    }
                }
                o => o.is_lt(),
            }
        });
        let len = self.pairs[start..]
            .iter()
            .take_while(|(k, _)| under(k))
            .count();
        &self.pairs[start..start + len]
    }

    /// Whether any key lies below `key` (`key.1`, `key.Field`); for the
    /// empty key, whether there is any key at all.
    pub fn has_children(&self, key: &str) -> bool {
        if key.is_empty() {
            return !self.pairs.is_empty();
        }
        if let Some(s) = &self.skeleton {
            if s.has_object(key) || s.list_len(key).is_some_and(|n| n > 0) {
                return true;
            }
            // A list item (`Tags.2`): present when its list is that long.
            if let Some((list, index)) = key.rsplit_once('.') {
                if let (Ok(index), Some(len)) = (index.parse::<usize>(), s.list_len(list)) {
                    if (1..=len).contains(&index) {
                        return true;
                    }
                }
            }
        }
        !self.below(key).is_empty()
    }

    /// Whether `key` or any key below it was given.
    pub fn has_prefix(&self, key: &str) -> bool {
        self.get(key).is_some() || self.has_children(key)
    }

    /// The 1-based list indices present under `key` (`key.N` or
    /// `key.N.Field`), sorted and deduplicated; segments that are not
    /// numbers are left out.
    pub fn indices(&self, key: &str) -> Vec<usize> {
        if let Some(n) = self.skeleton.as_ref().and_then(|s| s.list_len(key)) {
            return (1..=n).collect();
        }
        let mut out: Vec<usize> = self
            .below(key)
            .iter()
            .filter_map(|(k, _)| k[key.len() + 1..].split('.').next()?.parse().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The segments directly below `key` that are not list indices
    /// (`key.Field...` gives `Field`), sorted and deduplicated.
    pub fn child_names(&self, key: &str) -> Vec<&str> {
        let skip = if key.is_empty() { 0 } else { key.len() + 1 };
        let dotted = if key.is_empty() {
            String::new()
        } else {
            format!("{key}.")
        };
        let mut out: Vec<&str> = self
            .starting_with(&dotted)
            .iter()
            .filter_map(|(k, _)| k.get(skip..)?.split('.').next())
            .filter(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        out.dedup();
        out
    }

    /// The pairs, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The pairs, sorted by key.
    pub fn as_slice(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The pairs, sorted by key (the skeleton is dropped).
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.pairs
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there is no pair at all.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> ParamMap {
        ParamMap::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn skeleton_lookups() {
        let mut s = Skeleton::default();
        s.record_list("Tags", 2);
        s.record_object("Health");
        s.record_list("Ids", 1);
        s.record_list("Tags", 3);
        s.record_object("A.B");
        let m = ParamMap::with_skeleton(vec![], s);
        let s = m.skeleton.as_ref().unwrap();
        assert_eq!(s.list_len("Tags"), Some(3));
        assert_eq!(s.list_len("Ids"), Some(1));
        assert_eq!(s.list_len("Tag"), None);
        assert!(s.has_object("Health") && s.has_object("A.B") && !s.has_object("A"));
        assert_eq!(m.indices("Tags"), vec![1, 2, 3]);
        assert!(m.has_children("Tags.3") && !m.has_children("Tags.4"));
        assert!(m.has_children("Health") && !m.has_children("Other"));
    }

    #[test]
    fn lookups() {
        let m = map(&[
            ("Tag.2.Key", "b"),
            ("Tag.1.Key", "a"),
            ("Tag.10.Key", "c"),
            ("TagKey", "x"),
            ("A", "1"),
            ("A", "2"),
            ("Obj.Sub", "s"),
        ]);
        assert_eq!(m.get("A"), Some("2"));
        assert_eq!(m.len(), 6);
        assert_eq!(m.indices("Tag"), vec![1, 2, 10]);
        assert!(m.has_children("Tag") && !m.has_children("TagKey"));
        assert!(m.has_prefix("TagKey") && !m.has_prefix("Ta"));
        assert_eq!(m.child_names("Obj"), vec!["Sub"]);
        assert_eq!(m.child_names(""), vec!["A", "Obj", "Tag", "TagKey"]);
        assert_eq!(m.child_names("Tag.1"), vec!["Key"]);
    }
}
