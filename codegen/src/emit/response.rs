//! Response side: serde structs that tolerate unknown and missing fields.

use super::types::{field_ident, member_doc, rust_type, wire};
use crate::model::{Member, Type};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub fn struct_def(name: &Ident, doc: &str, fields: &[Member]) -> TokenStream {
    let defs = fields.iter().map(|m| {
        let f = field_ident(m);
        let ty = rust_type(m);
        let doc = member_doc(m);
        let rename = wire(m);
        match m.ty {
            // Lists are empty when absent, so callers can iterate directly.
            Type::Array => quote! {
                #[doc = #doc]
                #[serde(rename = #rename)]
                #[cfg_attr(feature = "server", serde(skip_serializing_if = "Vec::is_empty"))]
                pub #f: #ty,
            },
            _ => quote! {
                #[doc = #doc]
                #[serde(rename = #rename)]
                #[cfg_attr(feature = "server", serde(skip_serializing_if = "Option::is_none"))]
                pub #f: Option<#ty>,
            },
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
        #[cfg_attr(feature = "server", derive(serde::Serialize))]
        #[serde(default)]
        #[non_exhaustive]
        pub struct #name { #(#defs)* }
    }
}
