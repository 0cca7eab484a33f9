//! Received wire pairs to typed values (the server side).
//!
//! Values are read at the keys the flattening rules give; a field is present
//! when its key, or a key below it (`Field.1`, `Field.Sub`), was received.
//! Booleans are `true`/`false` in any letter case (the official Python SDK
//! sends `True`/`False`). The schema check runs first and reports every bad
//! value with its path; this deserializer then fails only on a bug.

use crate::params::ParamMap;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;

/// A received value that does not fit the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(pub String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// A typed request from received parameters.
pub fn from_params<T: DeserializeOwned>(params: &ParamMap) -> Result<T, DeError> {
    T::deserialize(Node {
        params,
        key: String::new(),
    })
}

/// The value at `key` (the request itself when `key` is empty).
struct Node<'p> {
    params: &'p ParamMap,
    key: String,
}

impl<'p> Node<'p> {
    fn child(&self, name: &str) -> Node<'p> {
        let key = if self.key.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.key)
        };
        Node {
            params: self.params,
            key,
        }
    }

    fn present(&self) -> bool {
        self.params.get(&self.key).is_some() || self.params.has_children(&self.key)
    }

    fn value(&self) -> Result<&'p str, DeError> {
        self.params
            .get(&self.key)
            .ok_or_else(|| DeError(format!("{}: no value", self.key)))
    }

    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, DeError> {
        let v = self.value()?;
        v.trim()
            .parse()
            .map_err(|_| DeError(format!("{}: `{v}` is not a valid {what}", self.key)))
    }
}

macro_rules! parse_as {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            visitor.$visit(self.parse::<$ty>(stringify!($ty))?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.params.get(&self.key) {
            Some(v) => visitor.visit_str(v),
            None => Err(DeError(format!(
                "{}: the shape of this value is not known",
                self.key
            ))),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let v = self.value()?;
        if v.eq_ignore_ascii_case("true") {
            visitor.visit_bool(true)
        } else if v.eq_ignore_ascii_case("false") {
            visitor.visit_bool(false)
        } else {
            Err(DeError(format!("{}: `{v}` is not a boolean", self.key)))
        }
    }

    parse_as! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
        deserialize_char => visit_char: char,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.value()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.value()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_bytes(self.value()?.as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.present() {
            visitor.visit_some(self)
        } else {
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let indices = self.params.indices(&self.key);
        visitor.visit_seq(Items {
            node: self,
            indices: indices.into_iter(),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DeError> {
        Err(DeError(format!("{}: maps have no wire form", self.key)))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_map(Fields {
            node: self,
            fields: fields.iter(),
            current: None,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(self.value()?.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// The items of a list, at the 1-based indices that were received.
struct Items<'p> {
    node: Node<'p>,
    indices: std::vec::IntoIter<usize>,
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.indices.next() {
            None => Ok(None),
            Some(i) => seed.deserialize(self.node.child(&i.to_string())).map(Some),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.indices.len())
    }
}

/// The fields of an object that were received.
struct Fields<'p> {
    node: Node<'p>,
    fields: std::slice::Iter<'static, &'static str>,
    current: Option<Node<'p>>,
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for name in self.fields.by_ref() {
            let child = self.node.child(name);
            if child.present() {
                self.current = Some(child);
                return seed.deserialize((*name).into_deserializer()).map(Some);
            }
        }
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.current.take() {
            Some(node) => seed.deserialize(node),
            None => Err(DeError("a value without a key".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize, Default, Clone)]
    #[serde(rename_all = "PascalCase")]
    struct Cert {
        certificate_id: Option<String>,
        is_default: Option<bool>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize, Default, Clone)]
    #[serde(rename_all = "PascalCase")]
    struct Req {
        listener_id: Option<String>,
        certificates: Option<Vec<Cert>>,
        listener_port: Option<i32>,
        ids: Option<Vec<String>>,
        dry_run: Option<bool>,
        big: Option<i64>,
        tag: Option<String>,
    }

    fn map(pairs: &[(&str, &str)]) -> ParamMap {
        ParamMap::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn reads_what_the_flattening_writes() {
        let req = Req {
            listener_id: Some("lsn-1".into()),
            certificates: Some(vec![
                Cert {
                    certificate_id: Some("c1".into()),
                    is_default: None,
                },
                Cert {
                    certificate_id: Some("c2".into()),
                    is_default: Some(true),
                },
            ]),
            listener_port: Some(443),
            ids: Some(vec!["a".into(), "b".into()]),
            dry_run: Some(false),
            big: Some(1 << 40),
            tag: None,
        };
        let pairs = crate::wire::to_params(&req).unwrap();
        let back: Req = from_params(&ParamMap::new(pairs)).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn official_sdk_forms_and_sparse_input() {
        let back: Req = from_params(&map(&[
            ("DryRun", "True"),
            ("Ids.1", "x"),
            ("Ids.10", "z"),
            ("Ids.2", "y"),
            ("TagKey", "not mine"),
            ("Unknown", "ignored"),
        ]))
        .unwrap();
        assert_eq!(back.dry_run, Some(true));
        assert_eq!(back.ids, Some(vec!["x".into(), "y".into(), "z".into()]));
        assert_eq!(back.tag, None);
        assert_eq!(back.listener_id, None);
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(from_params::<Req>(&map(&[("ListenerPort", "eighty")])).is_err());
        assert!(from_params::<Req>(&map(&[("DryRun", "yes")])).is_err());
        assert!(from_params::<Req>(&map(&[("ListenerPort", "99999999999")])).is_err());
    }
}
