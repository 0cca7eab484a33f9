//! `types/`: one file per shape (struct or enum), shared by every
//! operation that uses it, requests and responses alike.

use super::docs::{member_doc, notes};
use super::rust::{field, field_type, ident, value_type};
use super::schema;
use crate::ir::{Api, EnumValueIr, MemberIr, ShapeIr, ShapeKind, TypeIr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module doc of a shape's file.
pub fn shape_doc(shape: &ShapeIr) -> String {
    format!(
        "`{}`: {}{}",
        shape.name,
        shape.description,
        notes(&shape.notes)
    )
}

/// `pub mod tag; pub use tag::Tag;` for every type.
pub fn index(_api: &Api, shapes: &[&ShapeIr]) -> TokenStream {
    let items = shapes.iter().filter(|s| has_type(s)).map(|s| {
        let m = format_ident!("{}", s.module);
        let t = format_ident!("{}", s.name);
        let doc = format!("`{}`: {}", s.name, first_sentence(&s.description));
        quote! {
            #[doc = #doc]
            pub mod #m;
            pub use #m::#t;
        }
    });
    quote!(#(#items)*)
}

fn first_sentence(d: &str) -> &str {
    match d.find(". ") {
        Some(i) => &d[..=i],
        None => d,
    }
}

fn has_type(s: &ShapeIr) -> bool {
    !matches!(s.kind, ShapeKind::Scalar { .. })
}

/// The file of a shape, or `None` for scalar shapes (constraints only:
/// they live on in the fields that use them).
pub fn shape_file(api: &Api, shape: &ShapeIr) -> Option<TokenStream> {
    match &shape.kind {
        ShapeKind::Struct { fields, conditions } => {
            let name = format_ident!("{}", shape.name);
            let body = struct_def(api, shape, &name, fields);
            let schema = shape.in_request.then(|| {
                let s = schema::object(
                    api,
                    &format_ident!("SCHEMA"),
                    &shape.name,
                    fields,
                    conditions,
                    true,
                );
                quote!(use alb_runtime::schema::*; #s)
            });
            Some(quote!(#schema #body))
        }
        ShapeKind::Enum { values } => Some(enum_def(shape, values)),
        ShapeKind::Scalar { .. } => None,
    }
}

/// When a struct needs one direction of its wire codec.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// On the client (and so everywhere).
    Always,
    /// Only with the `server` feature (the other direction, for emulators).
    Server,
    /// Never.
    Never,
}

impl Need {
    /// `Serialize` to be sent, `Deserialize` to be received; the server
    /// side adds the other direction.
    pub fn of(used: bool, other_side: bool) -> Need {
        match (used, other_side) {
            (true, _) => Need::Always,
            (false, true) => Need::Server,
            (false, false) => Need::Never,
        }
    }

    fn attr(self) -> Option<TokenStream> {
        match self {
            Need::Always => Some(TokenStream::new()),
            Need::Server => Some(quote!(#[cfg(feature = "server")])),
            Need::Never => None,
        }
    }
}

/// The derives of a generated struct. Serde's derives are not used: their
/// expansion made most of the crate's compile time; [`codec`] writes the
/// little that differs per struct and the runtime does the rest.
pub fn derives() -> TokenStream {
    quote!(#[derive(Debug, Clone, PartialEq, Default)] #[non_exhaustive])
}

/// The fields of a struct, with docs.
pub fn fields(api: &Api, fields: &[MemberIr]) -> TokenStream {
    let defs = fields.iter().map(|m| {
        let f = field(m);
        let ty = field_type(api, &m.ty);
        let doc = member_doc(api, m);
        quote! { #[doc = #doc] pub #f: #ty, }
    });
    quote!(#(#defs)*)
}

/// `Serialize` (fields in declaration order under their wire names: the
/// flattening's order) and `Deserialize` (through
/// `alb_runtime::wire::DecodeFields`) of a struct, each where it is needed.
pub fn codec(name: &proc_macro2::Ident, members: &[MemberIr], ser: Need, de: Need) -> TokenStream {
    let struct_name = name.to_string();
    let mut out = TokenStream::new();
    if let Some(cfg) = ser.attr() {
        let n = proc_macro2::Literal::usize_unsuffixed(members.len());
        let fields = members.iter().map(|m| {
            let (f, wire) = (field(m), &m.wire);
            quote!(s.serialize_field(#wire, &self.#f)?;)
        });
        out.extend(quote! {
            #cfg
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeStruct as _;
                    #[allow(unused_mut)]
                    let mut s = s.serialize_struct(#struct_name, #n)?;
                    #(#fields)*
                    s.end()
                }
            }
        });
    }
    if let Some(cfg) = de.attr() {
        let wires = members.iter().map(|m| &m.wire);
        let arms = members.iter().enumerate().map(|(i, m)| {
            let (f, i) = (field(m), proc_macro2::Literal::usize_unsuffixed(i));
            quote!(#i => alb_runtime::wire::decode_slot(map, &mut self.#f),)
        });
        out.extend(quote! {
            #cfg
            impl alb_runtime::wire::DecodeFields for #name {
                const NAME: &'static str = #struct_name;
                const FIELDS: &'static [&'static str] = &[#(#wires),*];
                fn decode_field<'de, A: serde::de::MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error> {
                    #[allow(clippy::match_single_binding)]
                    match index {
                        #(#arms)*
                        _ => alb_runtime::wire::skip_value(map),
                    }
                }
            }
            #cfg
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    alb_runtime::wire::decode_struct(d)
                }
            }
        });
    }
    out
}

fn struct_def(
    api: &Api,
    shape: &ShapeIr,
    name: &proc_macro2::Ident,
    members: &[MemberIr],
) -> TokenStream {
    let doc = format!("{}{}", shape.description, notes(&shape.notes));
    let derives = derives();
    let defs = fields(api, members);
    let codec = codec(
        name,
        members,
        Need::of(shape.in_request, shape.in_response),
        Need::of(shape.in_response, shape.in_request),
    );
    let ctor = shape.in_request.then(|| constructor(api, name, members));
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name { #defs }
        #codec
        #ctor
    }
}

/// `Certificate::new(certificate_id)` plus one chaining setter per field.
fn constructor(api: &Api, name: &proc_macro2::Ident, members: &[MemberIr]) -> TokenStream {
    let required: Vec<&MemberIr> = members.iter().filter(|m| m.required).collect();
    let args = required.iter().map(|m| {
        let f = field(m);
        let ty = match &m.ty {
            TypeIr::List(_) => value_type(api, &m.ty),
            _ => setter_arg(api, &m.ty),
        };
        quote!(#f: #ty)
    });
    let inits = required.iter().map(|m| {
        let f = field(m);
        match &m.ty {
            TypeIr::List(_) => quote!(#f,),
            _ => quote!(#f: Some(#f.into()),),
        }
    });
    let doc = format!(
        "A new `{name}` with its required fields{}.",
        if required.is_empty() {
            " (it has none)"
        } else {
            ""
        }
    );
    let setters = members.iter().map(|m| setter(api, m, quote!(self)));
    quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits)* ..Default::default() }
            }
            #(#setters)*
        }
    }
}

/// The argument of a setter for one value: `impl Into<String>` for strings
/// and enums, the value itself otherwise.
pub fn setter_arg(api: &Api, ty: &TypeIr) -> TokenStream {
    match ty {
        TypeIr::String(_) => quote!(impl Into<String>),
        TypeIr::Enum { .. } => {
            let t = value_type(api, ty);
            quote!(impl Into<#t>)
        }
        TypeIr::List(l) => setter_arg(api, &l.item),
        _ => value_type(api, ty),
    }
}

/// A chaining setter on `target` (`self` for shapes, `self.request` for
/// builders): lists append one item per call.
pub fn setter(api: &Api, m: &MemberIr, target: TokenStream) -> TokenStream {
    let f = field(m);
    let arg = setter_arg(api, &m.ty);
    let doc = match &m.ty {
        TypeIr::List(_) => format!("Appends one item to `{}`; call again to add more.", m.wire),
        _ => format!("Sets `{}`.", m.wire),
    };
    let converted = match &m.ty {
        TypeIr::String(_) | TypeIr::Enum { .. } => quote!(v.into()),
        TypeIr::List(l) if matches!(l.item, TypeIr::String(_) | TypeIr::Enum { .. }) => {
            quote!(v.into())
        }
        _ => quote!(v),
    };
    match &m.ty {
        TypeIr::List(_) => quote! {
            #[doc = #doc]
            pub fn #f(mut self, v: #arg) -> Self { #target.#f.push(#converted); self }
        },
        _ => quote! {
            #[doc = #doc]
            pub fn #f(mut self, v: #arg) -> Self { #target.#f = Some(#converted); self }
        },
    }
}

fn enum_def(shape: &ShapeIr, values: &[EnumValueIr]) -> TokenStream {
    let name = format_ident!("{}", shape.name);
    let doc = format!(
        "{}{}\n\nA value the service adds later decodes as `Unknown`; `as_str()` gives the wire value, `From<&str>` and `FromStr` read one.",
        shape.description,
        notes(&shape.notes)
    );
    let variants: Vec<proc_macro2::Ident> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let docs = values.iter().map(|v| match &v.description {
        Some(d) => format!("`{}`: {d}", v.value),
        None => format!("`{}`.", v.value),
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #variants, )*
            /// A value this SDK does not know (yet), kept as received.
            Unknown(String),
        }

        impl #name {
            /// Every documented value, as on the wire.
            pub const VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(v) => v,
                }
            }
        }

        impl From<&str> for #name {
            fn from(v: &str) -> Self {
                match v {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            fn from(v: String) -> Self { Self::from(v.as_str()) }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(v: &str) -> Result<Self, Self::Err> { Ok(Self::from(v)) }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                alb_runtime::wire::deserialize_string(d).map(Self::from)
            }
        }
    }
}
