//! Request side: structs, builders' setters, validation, wire writing and
//! (behind the `server` feature) wire parsing.

use super::types::{field_ident, member_doc, opt_i64, opt_u64, rust_type, struct_ident, wire};
use crate::model::{Member, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// A request-side struct (top-level request or nested object).
pub fn struct_def(
    name: &proc_macro2::Ident,
    doc: &str,
    fields: &[Member],
    top_level: bool,
) -> TokenStream {
    let defs = fields.iter().map(|m| {
        let f = field_ident(m);
        let ty = rust_type(m);
        let doc = member_doc(m);
        quote! { #[doc = #doc] pub #f: Option<#ty>, }
    });
    let ctor = if top_level {
        quote!()
    } else {
        constructor(name, fields)
    };
    let validate = validate_fn(fields);
    let write = write_fn(fields);
    let parse = parse_fn(fields);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }

        impl #name {
            #ctor
            #validate
            #write
            #parse
        }
    }
}

/// `Certificate::new(certificate_id)` plus one chaining setter per field.
fn constructor(name: &proc_macro2::Ident, fields: &[Member]) -> TokenStream {
    let required: Vec<&Member> = fields.iter().filter(|m| m.required).collect();
    // Required lists are taken whole: a `Vec` of items.
    let args = required.iter().map(|m| {
        let f = field_ident(m);
        let ty = if m.ty == Type::Array {
            rust_type(m)
        } else {
            arg_type(m)
        };
        quote!(#f: #ty)
    });
    let inits = required.iter().map(|m| {
        let f = field_ident(m);
        let conv = if m.ty == Type::Array {
            quote!(#f)
        } else {
            arg_conv(m, quote!(#f))
        };
        quote!(#f: Some(#conv),)
    });
    let doc = format!(
        "A new `{name}` with its required fields{}.",
        if required.is_empty() {
            " (it has none)"
        } else {
            ""
        }
    );
    let setters = fields.iter().map(|m| setter(m, quote!(self)));
    quote! {
        #[doc = #doc]
        #[allow(clippy::new_without_default)]
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits)* ..Default::default() }
        }
        #(#setters)*
    }
}

/// The argument type of a setter: `impl Into<String>` for strings, the item for lists.
fn arg_type(m: &Member) -> TokenStream {
    match m.ty {
        Type::String => quote!(impl Into<String>),
        Type::Array => {
            let item = m.items.as_deref().expect("checked");
            if item.ty == Type::String {
                quote!(impl Into<String>)
            } else {
                rust_type(item)
            }
        }
        _ => rust_type(m),
    }
}

fn arg_conv(m: &Member, v: TokenStream) -> TokenStream {
    match m.ty {
        Type::String => quote!(#v.into()),
        _ => v,
    }
}

/// A chaining setter on `target` (`self` for nested structs, `self.request` for builders).
/// Lists append one item per call; `set_<name>` replaces the whole value.
pub fn setter(m: &Member, target: TokenStream) -> TokenStream {
    let f = field_ident(m);
    let plain = crate::naming::plain(&f.to_string()).to_string();
    let set = quote::format_ident!("set_{}", plain);
    let ty = rust_type(m);
    let arg = arg_type(m);
    let doc = member_doc(m);
    let set_doc = format!("Sets or clears `{}`.", wire(m));
    let body = match m.ty {
        Type::Array => {
            let item = m.items.as_deref().expect("checked");
            let conv = if item.ty == Type::String {
                quote!(v.into())
            } else {
                quote!(v)
            };
            let add_doc = format!("{doc}\n\nAppends one item; call again to add more.");
            quote! {
                #[doc = #add_doc]
                pub fn #f(mut self, v: #arg) -> Self {
                    #target.#f.get_or_insert_with(Vec::new).push(#conv);
                    self
                }
            }
        }
        Type::String => quote! {
            #[doc = #doc]
            pub fn #f(mut self, v: #arg) -> Self { #target.#f = Some(v.into()); self }
        },
        _ => quote! {
            #[doc = #doc]
            pub fn #f(mut self, v: #arg) -> Self { #target.#f = Some(v); self }
        },
    };
    quote! {
        #body
        #[doc = #set_doc]
        pub fn #set(mut self, v: Option<#ty>) -> Self { #target.#f = v; self }
    }
}

fn validate_fn(fields: &[Member]) -> TokenStream {
    let checks: Vec<TokenStream> = fields.iter().filter(|m| m.required || has_checks(m)).map(|m| {
        let f = field_ident(m);
        let name = wire(m);
        let checks = value_checks(m, name, quote!(value));
        let missing = if m.required {
            quote!(None => v.violation(#name, alb_runtime::Rule::Required),)
        } else {
            quote!(None => {})
        };
        // A required string must also be non-empty: the service treats an
        // empty value as missing.
        let empty = if m.required && m.ty == Type::String {
            quote!(Some(value) if value.is_empty() => v.violation(#name, alb_runtime::Rule::Required),)
        } else {
            quote!()
        };
        quote! {
            match &self.#f {
                #empty
                Some(value) => { #checks }
                #missing
            }
        }
    }).collect();
    let unused = checks.is_empty().then(|| quote!(let _ = v;));
    quote! {
        /// Checks every constraint of the spec, recording each violation.
        pub fn validate_into(&self, v: &mut alb_runtime::Validator) {
            #unused
            #(#checks)*
        }
    }
}

/// Whether a present value of `m` can break any constraint.
fn has_checks(m: &Member) -> bool {
    match m.ty {
        Type::String => {
            m.min_length.is_some()
                || m.max_length.is_some()
                || m.ascii_only
                || !m.allowed_values.is_empty()
        }
        Type::Integer => m.minimum.is_some() || m.maximum.is_some(),
        Type::Boolean => false,
        Type::Object => m.fields.iter().any(|f| f.required || has_checks(f)),
        Type::Array => {
            m.min_items.is_some()
                || m.max_items.is_some()
                || m.items.as_deref().is_some_and(has_checks)
        }
    }
}

/// Checks of one present value. `field` is the wire name the violation is
/// reported under ("" for a list item: the current path).
fn value_checks(m: &Member, field: &str, value: TokenStream) -> TokenStream {
    match m.ty {
        Type::String => {
            let mut out = TokenStream::new();
            if m.min_length.is_some() || m.max_length.is_some() {
                let (lo, hi) = (opt_u64(m.min_length), opt_u64(m.max_length));
                out.extend(quote!(v.length(#field, #value, #lo, #hi);));
            }
            if m.ascii_only {
                out.extend(quote!(v.ascii(#field, #value);));
            }
            if !m.allowed_values.is_empty() {
                let allowed = &m.allowed_values;
                out.extend(quote!(v.allowed(#field, #value, &[#(#allowed),*]);));
            }
            if out.is_empty() {
                quote!(let _ = #value;)
            } else {
                out
            }
        }
        Type::Integer => {
            if m.minimum.is_some() || m.maximum.is_some() {
                let (lo, hi) = (opt_i64(m.minimum), opt_i64(m.maximum));
                quote!(v.range(#field, i64::from(*#value), #lo, #hi);)
            } else {
                quote!(let _ = #value;)
            }
        }
        Type::Boolean => quote!(let _ = #value;),
        // A list item is already on the path; a field pushes its name.
        Type::Object if field.is_empty() => quote!(#value.validate_into(v);),
        Type::Object => quote! {
            v.push_field(#field);
            #value.validate_into(v);
            v.pop();
        },
        Type::Array => {
            let item = m.items.as_deref().expect("checked");
            let (lo, hi) = (opt_u64(m.min_items), opt_u64(m.max_items));
            let item_checks = value_checks(item, "", quote!(item));
            quote! {
                v.items(#field, #value.len(), #lo, #hi);
                v.push_field(#field);
                for (i, item) in #value.iter().enumerate() {
                    v.push_index(i);
                    #item_checks
                    v.pop();
                }
                v.pop();
            }
        }
    }
}

fn write_fn(fields: &[Member]) -> TokenStream {
    let unused = fields.is_empty().then(|| quote!(let _ = (prefix, params);));
    let writes = fields.iter().map(|m| {
        let f = field_ident(m);
        let name = wire(m);
        let w = write_value(m, quote!([prefix, #name].concat()), quote!(value));
        quote! { if let Some(value) = &self.#f { #w } }
    });
    quote! {
        /// Appends the flattened wire parameters (`Prefix.Name.1.Field`).
        pub(crate) fn write_wire(&self, prefix: &str, params: &mut alb_runtime::Params) {
            #unused
            #(#writes)*
        }
    }
}

fn write_value(m: &Member, key: TokenStream, value: TokenStream) -> TokenStream {
    match m.ty {
        Type::String => quote!(params.push(#key, #value.as_str());),
        Type::Boolean => quote!(params.push_bool(#key, *#value);),
        Type::Integer => quote!(params.push_display(#key, #value);),
        Type::Object => quote!(#value.write_wire(&[#key.as_str(), "."].concat(), params);),
        Type::Array => {
            let item = m.items.as_deref().expect("checked");
            let w = match item.ty {
                // `Name.1.` directly, not `Name.1` then `.`.
                Type::Object => quote!(item.write_wire(&format!("{base}.{}.", i + 1), params);),
                _ => write_value(item, quote!(format!("{base}.{}", i + 1)), quote!(item)),
            };
            quote! {
                let base: String = #key;
                for (i, item) in #value.iter().enumerate() { #w }
            }
        }
    }
}

fn parse_fn(fields: &[Member]) -> TokenStream {
    // Only non-string values can fail to parse.
    let unused = if fields.is_empty() {
        Some(quote!(let _ = (params, prefix, v);))
    } else {
        fields
            .iter()
            .all(|m| m.ty == Type::String)
            .then(|| quote!(let _ = v;))
    };
    let reads = fields.iter().map(|m| {
        let f = field_ident(m);
        let name = wire(m);
        let r = read_value(m, name, quote!([prefix, #name].concat()));
        quote!(#f: #r,)
    });
    quote! {
        /// Reads the fields from received wire parameters (server side);
        /// values that do not parse are recorded as violations.
        #[cfg(feature = "server")]
        pub(crate) fn read_wire(params: &alb_runtime::ParamMap, prefix: &str, v: &mut alb_runtime::Validator) -> Self {
            #unused
            Self { #(#reads)* }
        }
    }
}

/// An expression of type `Option<T>` reading one member at `key`.
fn read_value(m: &Member, field: &str, key: TokenStream) -> TokenStream {
    match m.ty {
        Type::String => quote!(params.get(&#key).map(str::to_string)),
        Type::Boolean => quote!(alb_runtime::server::read_bool(params, &#key, #field, v)),
        Type::Integer => {
            let ty = rust_type(m);
            quote!(alb_runtime::server::read_int::<#ty>(params, &#key, #field, v))
        }
        Type::Object => {
            let s = struct_ident(m);
            quote! {{
                let key: String = #key;
                if params.has_prefix(&key) {
                    v.push_field(#field);
                    let value = #s::read_wire(params, &[key.as_str(), "."].concat(), v);
                    v.pop();
                    Some(value)
                } else { None }
            }}
        }
        Type::Array => {
            let item = m.items.as_deref().expect("checked");
            let read_item = match item.ty {
                Type::Object => {
                    let s = struct_ident(item);
                    quote!(out.push(#s::read_wire(params, &format!("{base}.{n}."), v));)
                }
                _ => {
                    let r = read_value(item, "", quote!(format!("{base}.{n}")));
                    quote!(if let Some(item) = #r { out.push(item); })
                }
            };
            quote! {{
                let base: String = #key;
                let indices = params.indices(&base);
                if indices.is_empty() { None } else {
                    v.push_field(#field);
                    if indices.iter().enumerate().any(|(i, n)| *n != i + 1) {
                        v.violation_here(alb_runtime::Rule::ListIndices);
                    }
                    let mut out = Vec::with_capacity(indices.len());
                    for (i, n) in indices.iter().enumerate() {
                        v.push_index(i);
                        #read_item
                        v.pop();
                    }
                    v.pop();
                    Some(out)
                }
            }}
        }
    }
}
