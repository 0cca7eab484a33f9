//! Typed values to flattened wire pairs.

use crate::params::{ParamMap, Skeleton};
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// A value that has no wire form (a map, a tuple variant): generated types
/// never contain one, so this is a bug in hand-written code, reported as a
/// value rather than a panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerError(pub String);

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot flatten the request: {}", self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerError(msg.to_string())
    }
}

/// The flattened pairs of `value`, in field order.
pub fn to_params<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, SerError> {
    let mut out = Vec::new();
    write_params(value, &mut out, &mut Skeleton::default())?;
    Ok(out)
}

/// The flattened pairs of `value` with what they cannot show (list
/// lengths, objects present): the client validates against both.
pub fn to_param_map<T: Serialize + ?Sized>(value: &T) -> Result<ParamMap, SerError> {
    let mut out = Vec::new();
    let mut skeleton = Skeleton::default();
    write_params(value, &mut out, &mut skeleton)?;
    Ok(ParamMap::with_skeleton(out, skeleton))
}

/// Appends the flattened pairs of `value` to `out`, and its lists and
/// objects to `skeleton`.
pub fn write_params<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<(String, String)>,
    skeleton: &mut Skeleton,
) -> Result<(), SerError> {
    let mut key = String::new();
    value.serialize(Flat {
        out,
        skeleton,
        key: &mut key,
        top: true,
        item: false,
    })
}

/// Serializes one value at `key` (the full wire key so far).
struct Flat<'a> {
    out: &'a mut Vec<(String, String)>,
    skeleton: &'a mut Skeleton,
    key: &'a mut String,
    /// The request itself: its fields have no prefix.
    top: bool,
    /// A list item: its presence is the list's length, not an entry of
    /// the skeleton's objects.
    item: bool,
}

impl Flat<'_> {
    fn push(self, value: String) -> Result<(), SerError> {
        if self.top {
            return Err(SerError("a scalar cannot be a whole request".into()));
        }
        self.out.push((self.key.clone(), value));
        Ok(())
    }
}

fn unsupported(what: &str) -> SerError {
    SerError(format!("{what} has no RPC wire form"))
}

/// Scalars written with their `Display` form.
macro_rules! display {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<(), SerError> {
            self.push(v.to_string())
        }
    )*};
}

impl<'a> ser::Serializer for Flat<'a> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Impossible<(), SerError>;
    type SerializeTupleStruct = Impossible<(), SerError>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Impossible<(), SerError>;
    type SerializeStruct = Struct<'a>;
    type SerializeStructVariant = Impossible<(), SerError>;

    fn serialize_bool(self, v: bool) -> Result<(), SerError> {
        self.push(if v { "true" } else { "false" }.to_string())
    }
    display! {
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_f32: f32,
        serialize_f64: f64,
        serialize_char: char,
        serialize_str: &str,
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), SerError> {
        Err(unsupported("a byte string"))
    }
    fn serialize_none(self) -> Result<(), SerError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), SerError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), SerError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), SerError> {
        self.push(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, SerError> {
        if self.top {
            return Err(SerError("a list cannot be a whole request".into()));
        }
        let base = self.key.len();
        Ok(Seq {
            out: self.out,
            skeleton: self.skeleton,
            key: self.key,
            base,
            next: 1,
        })
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(unsupported("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(unsupported("an enum with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(unsupported("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Struct<'a>, SerError> {
        if !self.top && !self.item {
            self.skeleton.record_object(self.key);
        }
        let base = self.key.len();
        Ok(Struct {
            out: self.out,
            skeleton: self.skeleton,
            key: self.key,
            base,
            top: self.top,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(unsupported("an enum with data"))
    }
}

/// A list: items at `key.1`, `key.2`, ... (an item that flattens to
/// nothing still takes its index, as in the official SDKs).
struct Seq<'a> {
    out: &'a mut Vec<(String, String)>,
    skeleton: &'a mut Skeleton,
    key: &'a mut String,
    base: usize,
    next: usize,
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        use std::fmt::Write as _;
        self.key.truncate(self.base);
        let _ = write!(self.key, ".{}", self.next);
        self.next += 1;
        let r = value.serialize(Flat {
            out: self.out,
            skeleton: self.skeleton,
            key: self.key,
            top: false,
            item: true,
        });
        self.key.truncate(self.base);
        r
    }
    fn end(self) -> Result<(), SerError> {
        if self.next > 1 {
            self.skeleton.record_list(self.key, self.next - 1);
        }
        Ok(())
    }
}

/// An object: fields at `key.Field` (`Field` for the request itself).
struct Struct<'a> {
    out: &'a mut Vec<(String, String)>,
    skeleton: &'a mut Skeleton,
    key: &'a mut String,
    base: usize,
    top: bool,
}

impl ser::SerializeStruct for Struct<'_> {
    type Ok = ();
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.key.truncate(self.base);
        if !self.top {
            self.key.push('.');
        }
        self.key.push_str(name);
        let r = value.serialize(Flat {
            out: self.out,
            skeleton: self.skeleton,
            key: self.key,
            top: false,
            item: false,
        });
        self.key.truncate(self.base);
        r
    }
    fn skip_field(&mut self, _: &'static str) -> Result<(), SerError> {
        Ok(())
    }
    fn end(self) -> Result<(), SerError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Cert {
        certificate_id: Option<String>,
        is_default: Option<bool>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Inner {
        values: Option<Vec<String>>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Req {
        listener_id: Option<String>,
        certificates: Option<Vec<Cert>>,
        listener_port: Option<i32>,
        #[serde(rename = "XForwardedForSLBIdEnabled")]
        slb: Option<bool>,
        nested: Option<Inner>,
        tag: Option<Vec<Cert>>,
        empty: Option<Vec<String>>,
        absent: Option<String>,
    }

    #[test]
    fn flattens_like_the_official_sdk() {
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
            slb: Some(false),
            nested: Some(Inner {
                values: Some(vec!["a".into(), "b".into()]),
            }),
            tag: Some(vec![]),
            empty: Some(vec![]),
            absent: None,
        };
        let pairs = to_params(&req).unwrap();
        let shown: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            shown,
            [
                "ListenerId=lsn-1",
                "Certificates.1.CertificateId=c1",
                "Certificates.2.CertificateId=c2",
                "Certificates.2.IsDefault=true",
                "ListenerPort=443",
                "XForwardedForSLBIdEnabled=false",
                "Nested.Values.1=a",
                "Nested.Values.2=b",
            ]
        );
    }

    #[test]
    fn the_skeleton_shows_what_the_pairs_cannot() {
        let req = Req {
            listener_id: None,
            certificates: Some(vec![
                Cert {
                    certificate_id: None,
                    is_default: None,
                },
                Cert {
                    certificate_id: Some("c2".into()),
                    is_default: None,
                },
            ]),
            listener_port: None,
            slb: None,
            nested: Some(Inner { values: None }),
            tag: None,
            empty: Some(vec![]),
            absent: None,
        };
        let m = to_param_map(&req).unwrap();
        assert_eq!(m.len(), 1);
        // An empty item and an empty object are still there.
        assert!(m.has_children("Certificates.1") && m.has_children("Certificates.2"));
        assert!(!m.has_children("Certificates.3") && !m.has_children("Certificates.x"));
        assert!(m.has_children("Nested") && !m.has_children("Empty"));
        assert_eq!(m.indices("Certificates"), vec![1, 2]);
    }

    #[test]
    fn what_has_no_wire_form_is_an_error() {
        let mut m = std::collections::BTreeMap::new();
        m.insert("a", 1);
        assert!(to_params(&m).is_err());
        assert!(to_params(&5).is_err());
        assert!(to_params(&vec![1]).is_err());
    }
}
