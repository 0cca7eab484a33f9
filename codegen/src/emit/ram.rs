//! `ram.rs`: one ARN function per RAM resource type, every operation's
//! metadata, and least-privilege policies.

use super::rust::ident;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module(api: &Api) -> TokenStream {
    let arns = api.resource_types.iter().map(|rt| {
        let f = ident(&rt.function);
        let args: Vec<proc_macro2::Ident> = rt.placeholders.iter().map(|(_, a)| ident(a)).collect();
        let names: Vec<&str> = rt.placeholders.iter().map(|(p, _)| p.as_str()).collect();
        let arn = &rt.arn;
        let c = format_ident!("{}", rt.function.to_uppercase());
        let doc = format!("ARN of a `{}` ({}): `{arn}`.", rt.name, rt.description);
        let cdoc = format!("The ARN template of a `{}`.", rt.name);
        quote! {
            #[doc = #cdoc]
            pub const #c: &str = #arn;
            #[doc = #doc]
            pub fn #f(#(#args: &str),*) -> String {
                alb_runtime::render_arn(#c, &[#((#names, #args)),*])
            }
        }
    });
    let metas = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        quote!(&crate::operations::#m::META)
    });
    quote! {
        #(#arns)*

        /// Metadata of every operation, sorted by name.
        pub static OPERATIONS: &[&alb_runtime::OperationMeta] = &[#(#metas),*];

        /// The metadata of an operation by its name (`Action`).
        pub fn operation(name: &str) -> Option<&'static alb_runtime::OperationMeta> {
            OPERATIONS.iter().copied().find(|m| m.name == name)
        }

        /// A least-privilege RAM policy document (JSON) allowing exactly
        /// `operations` on the resources of `region_id` and `account_id`
        /// (`*` for any). Resource IDs are left as `*`.
        pub fn least_privilege_policy(operations: &[&alb_runtime::OperationMeta], region_id: &str, account_id: &str) -> String {
            alb_runtime::ram::policy_document(operations, region_id, account_id)
        }
    }
}
