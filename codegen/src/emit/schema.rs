//! The static validation tables (`alb_runtime::schema`) of requests and
//! request-side shapes: data, not code, checked by the runtime.

use super::rust::shape_path;
use crate::ir::{Api, CharsIr, ConditionIr, IntRules, MemberIr, ShapeKind, StrRules, TypeIr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn chars(c: &Option<CharsIr>) -> TokenStream {
    match c {
        None => quote!(Chars::new(0, "")),
        Some(c) => {
            let classes: Vec<TokenStream> = c
                .classes
                .iter()
                .map(|k| {
                    let k = format_ident!("{}", k);
                    quote!(Chars::#k)
                })
                .collect();
            let classes = if classes.is_empty() {
                quote!(0)
            } else {
                quote!(#(#classes)|*)
            };
            let extra = &c.extra;
            quote!(Chars::new(#classes, #extra))
        }
    }
}

fn string(r: &StrRules, allowed: TokenStream) -> TokenStream {
    let mut calls = Vec::new();
    if r.min_len.is_some() || r.max_len.is_some() {
        let (min, max) = (opt_u32(r.min_len), opt_u32(r.max_len));
        calls.push(quote!(len(#min, #max)));
    }
    if r.ascii_only {
        calls.push(quote!(ascii()));
    }
    if !allowed.is_empty() {
        calls.push(quote!(one_of(#allowed)));
    }
    if r.first.is_some() {
        let v = chars(&r.first);
        calls.push(quote!(first(#v)));
    }
    if r.chars.is_some() {
        let v = chars(&r.chars);
        calls.push(quote!(chars(#v)));
    }
    if let Some(f) = r.format {
        let f = format_ident!("{}", f);
        calls.push(quote!(format(Format::#f)));
    }
    if !r.not_prefixes.is_empty() {
        let p = &r.not_prefixes;
        calls.push(quote!(not_prefixes(&[#(#p),*])));
    }
    if !r.not_contains.is_empty() {
        let p = &r.not_contains;
        calls.push(quote!(not_contains(&[#(#p),*])));
    }
    if calls.is_empty() {
        return quote!(STR);
    }
    quote!(Ty::Str(&Str::ANY #(.#calls)*))
}

fn integer(r: &IntRules) -> TokenStream {
    let base = if r.int64 {
        quote!(Int::I64)
    } else {
        quote!(Int::I32)
    };
    match (r.min, r.max) {
        (None, None) if r.int64 => quote!(INT64),
        (None, None) => quote!(INT32),
        _ => {
            let (min, max) = (opt_i64(r.min), opt_i64(r.max));
            quote!(Ty::Int(&#base.range(#min, #max)))
        }
    }
}

/// The `schema::Ty` of a value.
pub fn ty(api: &Api, t: &TypeIr) -> TokenStream {
    match t {
        TypeIr::String(r) => string(r, TokenStream::new()),
        TypeIr::Integer(r) => integer(r),
        TypeIr::Boolean => quote!(Ty::Bool),
        TypeIr::Number => quote!(Ty::Number),
        TypeIr::Enum { shape, allowed } => {
            let all = match &api.shapes[*shape].kind {
                ShapeKind::Enum { values } => values.iter().map(|v| v.value.as_str()).collect(),
                _ => Vec::new(),
            };
            let path = shape_path(api, *shape);
            let list = if all == allowed.iter().map(String::as_str).collect::<Vec<_>>() {
                quote!(#path::VALUES)
            } else {
                quote!(&[#(#allowed),*])
            };
            string(&StrRules::default(), list)
        }
        TypeIr::Struct(id) => {
            let m = format_ident!("{}", api.shapes[*id].module);
            quote!(Ty::Object(&crate::types::#m::SCHEMA))
        }
        TypeIr::List(l) => {
            let item = ty(api, &l.item);
            let (min, max) = (opt_u32(l.min_items), opt_u32(l.max_items));
            quote!(Ty::List(&List { item: #item, min_items: #min, max_items: #max }))
        }
    }
}

/// `static NAME: Object = Object::new("Type", &[fields]).with_conditions(..)`.
pub fn object(
    api: &Api,
    name: &proc_macro2::Ident,
    type_name: &str,
    fields: &[MemberIr],
    conditions: &[ConditionIr],
    public: bool,
) -> TokenStream {
    let fields = fields.iter().map(|f| {
        let wire = &f.wire;
        let t = ty(api, &f.ty);
        let mut field = quote!(Field::new(#wire, #t));
        if f.required {
            field = quote!(#field.required());
        }
        if let Some(d) = &f.default {
            field = quote!(#field.default_value(#d));
        }
        field
    });
    let conditions: Vec<TokenStream> = conditions
        .iter()
        .map(|c| match c {
            ConditionIr::RequiredIf {
                field,
                when,
                values,
            } => quote!(Condition::RequiredIf { field: #field, when: #when, values: &[#(#values),*] }),
            ConditionIr::Exclusive(names) => quote!(Condition::Exclusive(&[#(#names),*])),
            ConditionIr::OneRequired(names) => quote!(Condition::OneRequired(&[#(#names),*])),
        })
        .collect();
    let with = if conditions.is_empty() {
        quote!()
    } else {
        quote!(.with_conditions(&[#(#conditions),*]))
    };
    let vis = if public { quote!(pub) } else { quote!() };
    let doc =
        format!("What a `{type_name}` may hold: fields and constraints, checked by the runtime.");
    quote! {
        #[doc = #doc]
        #vis static #name: Object = Object::new(#type_name, &[#(#fields),*])#with;
    }
}
