//! Small helpers over JSON records: dotted paths (`AclConfig.AclRelations`),
//! merging a request into a record, matching items by key fields.

use serde_json::{Map, Value};

/// The value at `path` (`A.B.C`), if every step is an object that has it.
pub fn get<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, step| cur.get(step))
}

/// The value at `path`, creating objects on the way.
pub fn get_mut<'v>(v: &'v mut Value, path: &str) -> &'v mut Value {
    let mut cur = v;
    for step in path.split('.') {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        cur = cur
            .as_object_mut()
            .expect("an object")
            .entry(step.to_string())
            .or_insert(Value::Null);
    }
    cur
}

/// Sets `path` to `value` (objects on the way are created).
pub fn set(v: &mut Value, path: &str, value: Value) {
    *get_mut(v, path) = value;
}

/// Removes the field at `path`.
pub fn remove(v: &mut Value, path: &str) {
    match path.rsplit_once('.') {
        Some((parent, last)) => {
            if let Some(Value::Object(m)) = get_mut_existing(v, parent) {
                m.remove(last);
            }
        }
        None => {
            if let Value::Object(m) = v {
                m.remove(path);
            }
        }
    }
}

fn get_mut_existing<'v>(v: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    path.split('.').try_fold(v, |cur, step| cur.get_mut(step))
}

/// The list at `path` (created empty when absent or not a list).
pub fn list_mut<'v>(v: &'v mut Value, path: &str) -> &'v mut Vec<Value> {
    let slot = get_mut(v, path);
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    slot.as_array_mut().expect("a list")
}

/// The items of the list at `path` (none when absent).
pub fn list<'v>(v: &'v Value, path: &str) -> &'v [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Writes `from`'s fields into `into`: objects merge field by field, other
/// values (lists included) replace; `null` leaves the old value.
pub fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                if v.is_null() {
                    continue;
                }
                match a.get_mut(k) {
                    Some(old) if old.is_object() && v.is_object() => merge(old, v),
                    _ => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (into, from) if !from.is_null() => *into = from.clone(),
        _ => {}
    }
}

/// Drops `null` fields at every depth (a typed request serialises absent
/// values as `null`).
pub fn prune(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(prune);
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Drops what a request did not send: `null` fields and empty lists, at
/// every depth. The typed request renders absent values as `null` and
/// absent lists as `[]` (the wire form cannot send an empty list: a list is
/// its `Name.1`, `Name.2`, ... parameters), so an update must not read an
/// empty list as "clear it".
pub fn prune_request(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null() && x.as_array().is_none_or(|a| !a.is_empty()));
            m.values_mut().for_each(prune_request);
        }
        Value::Array(items) => items.iter_mut().for_each(prune_request),
        _ => {}
    }
}

/// A value as text (strings as they are, numbers and booleans printed).
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The key of an item: its `key` fields as text, or the item itself for a
/// list of scalars (`key` empty).
pub fn key_of(item: &Value, key: &[&str]) -> Vec<String> {
    if key.is_empty() {
        return vec![text(item).unwrap_or_default()];
    }
    key.iter()
        .map(|k| item.get(*k).and_then(text).unwrap_or_default())
        .collect()
}

/// Whether `item` matches `probe` on the key fields `probe` has (a probe
/// without Port matches the server on any port).
pub fn matches_key(item: &Value, probe: &Value, key: &[&str]) -> bool {
    if key.is_empty() {
        return text(item) == text(probe);
    }
    key.iter().all(|k| match probe.get(*k) {
        None | Some(Value::Null) => true,
        Some(p) => item.get(*k).and_then(text) == text(p),
    })
}

/// `Ids` -> `Id`, `Names` -> `Name`, `Entries` -> `Entry`: the record field
/// a list filter matches.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_string()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_merge_and_keys() {
        let mut v = json!({"A": {"B": 1}, "L": [1]});
        set(&mut v, "A.C.D", json!(true));
        assert_eq!(get(&v, "A.C.D"), Some(&json!(true)));
        remove(&mut v, "A.B");
        assert_eq!(get(&v, "A.B"), None);
        merge(&mut v, &json!({"A": {"E": 2}, "L": [2, 3], "N": null}));
        assert_eq!(v, json!({"A": {"C": {"D": true}, "E": 2}, "L": [2, 3]}));
        list_mut(&mut v, "X.Y").push(json!(1));
        assert_eq!(list(&v, "X.Y").len(), 1);
        let item = json!({"ServerId": "i-1", "Port": 80});
        assert!(matches_key(
            &item,
            &json!({"ServerId": "i-1"}),
            &["ServerId", "Port"]
        ));
        assert!(!matches_key(
            &item,
            &json!({"ServerId": "i-1", "Port": 81}),
            &["ServerId", "Port"]
        ));
        assert_eq!(key_of(&item, &["ServerId", "Port"]), ["i-1", "80"]);
        assert_eq!(singular("AclIds"), "AclId");
        assert_eq!(singular("AclEntries"), "AclEntry");
    }
}
