//! Rust types, docs and per-member code shared by request and response emission.

use crate::model::{IntFormat, Member, Type};
use crate::naming;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

pub fn field_ident(m: &Member) -> Ident {
    ident(&naming::field_name(wire(m)))
}

pub fn wire(m: &Member) -> &str {
    m.name.as_deref().unwrap_or("")
}

pub fn struct_ident(m: &Member) -> Ident {
    format_ident!("{}", m.struct_name.as_deref().unwrap_or("Unnamed"))
}

/// The Rust type of a member's value (without the `Option`).
pub fn rust_type(m: &Member) -> TokenStream {
    match m.ty {
        Type::String => quote!(String),
        Type::Boolean => quote!(bool),
        Type::Integer => match m.format {
            Some(IntFormat::Int64) => quote!(i64),
            _ => quote!(i32),
        },
        Type::Array => {
            let item = rust_type(m.items.as_deref().expect("checked: arrays have items"));
            quote!(Vec<#item>)
        }
        Type::Object => {
            let s = struct_ident(m);
            quote!(#s)
        }
    }
}

/// Every object type reachable from `members`, depth first, in spec order.
pub fn collect_structs<'m>(members: &'m [Member], out: &mut Vec<&'m Member>) {
    for m in members {
        collect_member(m, out);
    }
}

fn collect_member<'m>(m: &'m Member, out: &mut Vec<&'m Member>) {
    match m.ty {
        Type::Object => {
            out.push(m);
            collect_structs(&m.fields, out);
        }
        Type::Array => {
            if let Some(item) = m.items.as_deref() {
                collect_member(item, out);
            }
        }
        _ => {}
    }
}

/// Rustdoc for a member: description, then the facts a caller needs.
pub fn member_doc(m: &Member) -> String {
    let mut doc = m
        .description
        .clone()
        .unwrap_or_else(|| format!("The `{}` field.", wire(m)));
    let mut facts = Vec::new();
    if !wire(m).is_empty() {
        facts.push(format!("Wire name: `{}`.", wire(m)));
    }
    if m.required {
        facts.push("Required.".to_string());
    }
    let c = constraint_text(m);
    if !c.is_empty() {
        facts.push(format!("Constraints: {c}."));
    }
    if let Some(d) = &m.default {
        facts.push(format!("Default: `{d}`."));
    }
    if let Some(e) = &m.example {
        facts.push(format!("Example: `{e}`."));
    }
    if !m.values_from.is_empty() {
        facts.push(format!("Values come from: {}.", m.values_from.join(", ")));
    }
    if m.deprecated {
        facts.push("Deprecated.".to_string());
    }
    if !facts.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&facts.join(" "));
    }
    for note in &m.notes {
        doc.push_str("\n\nNote: ");
        doc.push_str(note);
    }
    doc
}

fn constraint_text(m: &Member) -> String {
    let mut c = Vec::new();
    if let Some(v) = m.min_items {
        c.push(format!("at least {v} item(s)"));
    }
    if let Some(v) = m.max_items {
        c.push(format!("at most {v} item(s)"));
    }
    if let Some(v) = m.min_length {
        c.push(format!("length >= {v}"));
    }
    if let Some(v) = m.max_length {
        c.push(format!("length <= {v}"));
    }
    if let Some(v) = m.minimum {
        c.push(format!(">= {v}"));
    }
    if let Some(v) = m.maximum {
        c.push(format!("<= {v}"));
    }
    if m.ascii_only {
        c.push("ASCII only".to_string());
    }
    if !m.allowed_values.is_empty() {
        c.push(format!("one of {}", m.allowed_values.join(", ")));
    }
    c.join(", ")
}

pub fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

pub fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}
