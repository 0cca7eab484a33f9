//! Rust names and types from the resolved model.

use crate::ir::{Api, MemberIr, TypeIr};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// An identifier; `r#type` becomes a raw identifier. Names come from the
/// checker, which only lets through names that make identifiers.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

pub fn field(m: &MemberIr) -> Ident {
    ident(&m.ident)
}

/// `crate::types::Tag`.
pub fn shape_path(api: &Api, id: usize) -> TokenStream {
    let name = format_ident!("{}", api.shapes[id].name);
    quote!(crate::types::#name)
}

/// The Rust type of a value (no `Option`): `String`, `i32`, `Vec<Tag>`, ...
pub fn value_type(api: &Api, ty: &TypeIr) -> TokenStream {
    match ty {
        TypeIr::String(_) => quote!(String),
        TypeIr::Integer(r) if r.int64 => quote!(i64),
        TypeIr::Integer(_) => quote!(i32),
        TypeIr::Number => quote!(f64),
        TypeIr::Boolean => quote!(bool),
        TypeIr::Enum { shape, .. } | TypeIr::Struct(shape) => shape_path(api, *shape),
        TypeIr::List(l) => {
            let item = value_type(api, &l.item);
            quote!(Vec<#item>)
        }
    }
}

/// The type of a struct field: lists are `Vec<_>` (empty when absent),
/// everything else `Option<_>`.
pub fn field_type(api: &Api, ty: &TypeIr) -> TokenStream {
    let v = value_type(api, ty);
    match ty {
        TypeIr::List(_) => v,
        _ => quote!(Option<#v>),
    }
}
