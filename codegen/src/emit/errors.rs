//! The error catalogue (`errors.rs`: one static per code, the common list,
//! `CommonError`) and each operation's error enum. The behaviour of every
//! enum (code, status, template, retryable, ...) is the runtime's
//! `OperationError` default methods, driven by the enum's table.

use crate::ir::{Api, ErrorIr, OperationIr};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn variant_doc(e: &ErrorIr, remark: Option<&str>) -> String {
    let retried = if e.retryable { ", retried" } else { "" };
    let mut d = format!(
        "`{}` (HTTP {}{retried}): {}",
        e.code, e.http_status, e.description
    );
    if let Some(r) = remark {
        d.push(' ');
        d.push_str(r);
    }
    d.push_str(&format!(" Message: `{}`.", e.message));
    d
}

/// `errors.rs`.
pub fn catalogue(api: &Api) -> TokenStream {
    let statics = api.errors.iter().map(|e| {
        let name = format_ident!("{}", e.static_name);
        let (code, status, msg, retry) = (&e.code, e.http_status, &e.message, e.retryable);
        let doc = format!("`{code}`: {}", e.description);
        quote! {
            #[doc = #doc]
            pub static #name: ErrorCodeInfo = ErrorCodeInfo::new(#code, #status, #msg, #retry);
        }
    });
    let common: Vec<Ident> = api
        .common_errors
        .iter()
        .map(|id| format_ident!("{}", api.errors[*id].static_name))
        .collect();
    let common_enum = enum_def(
        api,
        &format_ident!("CommonError"),
        "Errors any operation may return (service.yaml `common_errors`).",
        &api.common_errors
            .iter()
            .map(|id| (*id, None))
            .collect::<Vec<_>>(),
        false,
    );
    quote! {
        use alb_runtime::ErrorCodeInfo;

        #(#statics)*

        /// The codes any operation may return.
        pub static COMMON: &[&ErrorCodeInfo] = &[#(&#common),*];

        #common_enum
    }
}

/// An operation's error enum.
pub fn operation_enum(api: &Api, op: &OperationIr) -> TokenStream {
    let name = format_ident!("{}Error", op.name);
    let doc = format!(
        "Errors of `{}`: one variant per documented code, the service-wide codes (`Common`), and `Unknown`.\n\nCode, HTTP status, message template and whether it is retried come from the runtime's `OperationError` trait (`use alb_sdk::prelude::*`).",
        op.name
    );
    enum_def(api, &name, &doc, &op.errors, true)
}

fn enum_def(
    api: &Api,
    name: &Ident,
    doc: &str,
    codes: &[(usize, Option<String>)],
    operation: bool,
) -> TokenStream {
    let errors: Vec<&ErrorIr> = codes.iter().map(|(id, _)| &api.errors[*id]).collect();
    let variants: Vec<Ident> = errors
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let docs = codes
        .iter()
        .map(|(id, remark)| variant_doc(&api.errors[*id], remark.as_deref()));
    let wires: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let statics: Vec<Ident> = errors
        .iter()
        .map(|e| format_ident!("{}", e.static_name))
        .collect();
    let is_methods = errors.iter().zip(&variants).map(|(e, v)| {
        let m = format_ident!("{}", e.is_method);
        let d = format!("Whether this is `{}`.", e.code);
        quote! { #[doc = #d] pub fn #m(&self) -> bool { matches!(self, Self::#v(_)) } }
    });
    let (common_variant, common_meta, fallback, common_table) = if operation {
        (
            quote! {
                /// A service-wide error (throttling, signature, permissions, ...).
                Common(crate::errors::CommonError),
            },
            quote!(Self::Common(c) => alb_runtime::OperationError::metadata(c),),
            quote! {
                match crate::errors::CommonError::try_from_metadata(meta) {
                    Ok(c) => Self::Common(c),
                    Err(meta) => Self::Unknown(meta),
                }
            },
            quote!(
                const COMMON: &'static [&'static alb_runtime::ErrorCodeInfo] =
                    crate::errors::COMMON;
            ),
        )
    } else {
        (quote!(), quote!(), quote!(Self::Unknown(meta)), quote!())
    };
    let try_from = (!operation).then(|| {
        quote! {
            impl #name {
                /// The matching variant, or the metadata back when the code is not a common one.
                pub fn try_from_metadata(meta: alb_runtime::ErrorMetadata) -> Result<Self, alb_runtime::ErrorMetadata> {
                    Ok(match meta.code.as_str() {
                        #(#wires => Self::#variants(meta),)*
                        _ => return Err(meta),
                    })
                }
            }
        }
    });
    let table_prefix = if operation {
        quote!(crate::errors::)
    } else {
        quote!()
    };
    let helpers = (!errors.is_empty()).then(|| quote!(impl #name { #(#is_methods)* }));
    // No documented codes: the fallback alone, not a match with one arm.
    let from_metadata = if wires.is_empty() {
        fallback.clone()
    } else {
        quote! {
            match meta.code.as_str() {
                #(#wires => Self::#variants(meta),)*
                _ => #fallback,
            }
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #variants(alb_runtime::ErrorMetadata), )*
            #common_variant
            /// A code this SDK does not know; its metadata is kept whole.
            Unknown(alb_runtime::ErrorMetadata),
        }

        #helpers
        #try_from

        impl alb_runtime::OperationError for #name {
            const CODES: &'static [&'static alb_runtime::ErrorCodeInfo] = &[#(&#table_prefix #statics),*];
            #common_table
            fn from_metadata(meta: alb_runtime::ErrorMetadata) -> Self {
                #from_metadata
            }
            fn metadata(&self) -> &alb_runtime::ErrorMetadata {
                match self {
                    #(Self::#variants(m))|* | Self::Unknown(m) => m,
                    #common_meta
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(alb_runtime::OperationError::metadata(self), f)
            }
        }

        impl std::error::Error for #name {}
    }
}
