//! One module per operation: metadata, the request with its setters and
//! schema, the response, the error enum. Only what differs per operation;
//! the behaviour is generic code in the runtime and in `builder.rs`.

use super::docs::{member_doc, notes};
use super::errors;
use super::rust::{field, ident, value_type};
use super::schema;
use super::types::{codec, derives, fields, setter, Need};
use crate::ir::{Api, OperationIr, TypeIr, WaiterIr};
use crate::model::Role;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module_doc(op: &OperationIr) -> String {
    let mut doc = format!("`{}`: {}\n\n{}", op.name, op.title, op.description);
    if let Some(a) = &op.asynchronous {
        doc.push_str(&format!("\n\nAsynchronous: {}", a.description));
        match &a.waiter {
            WaiterIr::Job => doc.push_str(&format!(
                "\n\nWait for it with [`crate::{}Response::wait`] (polls ListAsynJobs with the JobId).",
                op.name
            )),
            WaiterIr::State(w) => doc.push_str(&format!(
                "\n\nWait for it with [`crate::{}Response::wait`] (waiter `{}`: {}).",
                op.name, w.name, w.description
            )),
        }
    }
    if let Some((n, s)) = op.rate_limit {
        doc.push_str(&format!("\n\nRate limit: {n} requests per {s} seconds."));
    }
    if op.deprecated {
        doc.push_str("\n\nDeprecated by the service.");
    }
    if !op.related.is_empty() {
        doc.push_str(&format!("\n\nRelated: {}.", op.related.join(", ")));
    }
    if !op.history.is_empty() {
        doc.push_str("\n\nChange history:");
        for (date, change) in &op.history {
            doc.push_str(&format!("\n- {date}: {change}"));
        }
    }
    doc.push_str(&notes(&op.notes));
    doc
}

/// `operations/mod.rs`.
pub fn index(api: &Api) -> TokenStream {
    let mods = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let doc = format!("`{}`: {}", op.name, op.title);
        quote! { #[doc = #doc] pub mod #m; }
    });
    quote!(#(#mods)*)
}

pub fn module(api: &Api, op: &OperationIr) -> TokenStream {
    let req = format_ident!("{}Request", op.name);
    let builder = format_ident!("{}RequestBuilder", op.name);
    let resp = format_ident!("{}Response", op.name);
    let err = format_ident!("{}Error", op.name);

    let reexports = op
        .uses_shapes
        .iter()
        .filter(|id| !matches!(api.shapes[**id].kind, crate::ir::ShapeKind::Scalar { .. }))
        .map(|id| {
            let t = format_ident!("{}", api.shapes[*id].name);
            quote!(pub use crate::types::#t;)
        });
    let meta = meta(api, op);
    let input = schema::object(
        api,
        &format_ident!("INPUT"),
        &req.to_string(),
        &op.params,
        &op.conditions,
        false,
    );

    let req_doc = format!("Request of `{}`: {}\n\nBuild it with [`crate::Client::{}`] (or [`{req}::builder`]); `send()` validates it first, with no I/O when it is invalid.", op.name, op.title, op.module);
    let req_fields = fields(api, &op.params);
    let setters = op
        .params
        .iter()
        .filter(|p| p.role != Some(Role::DryRun))
        .map(|m| setter(api, m, quote!(self.request)));
    let builder_doc = format!(
        "Builds a [`{req}`]: setters here, `send()`/`build()` on [`crate::RequestBuilder`]."
    );

    let idem = op.role_param(Role::IdempotencyToken).map(|p| {
        let f = field(p);
        quote!(fn idempotency_token_mut(&mut self) -> Option<&mut Option<String>> { Some(&mut self.#f) })
    });
    let dry = op.role_param(Role::DryRun).map(|p| {
        let f = field(p);
        quote!(fn dry_run_mut(&mut self) -> Option<&mut Option<bool>> { Some(&mut self.#f) })
    });
    let dry_marker = op
        .role_param(Role::DryRun)
        .map(|_| quote!(impl alb_runtime::SupportsDryRun for #req {}));
    let complete = op.asynchronous.as_ref().and_then(|a| match &a.waiter {
        WaiterIr::State(w) if super::waiters::needs_request(w) => Some(quote! {
            fn complete(&self, output: &mut #resp) { output.wait_input = Some(self.into()); }
        }),
        _ => None,
    });

    let paginated = op.pagination.as_ref().map(|p| {
        let token = ident(&p.token_param);
        let out_token = ident(&p.output_token);
        let items = ident(&p.items);
        let item_ty = value_type(api, &p.item_ty);
        let size = match &p.page_size_param {
            Some((s, int64)) => {
                let f = ident(s);
                let conv = if *int64 {
                    quote!(i64::from(size))
                } else {
                    quote!(size)
                };
                quote!(fn set_page_size(&mut self, size: i32) { self.#f = Some(#conv); })
            }
            None => quote!(
                fn set_page_size(&mut self, _size: i32) {}
            ),
        };
        quote! {
            impl alb_runtime::Paginated for #req {
                type Item = #item_ty;
                fn set_page_token(&mut self, token: Option<String>) { self.#token = token; }
                #size
                fn next_page_token(output: &#resp) -> Option<&str> { output.#out_token.as_deref() }
                fn into_items(output: #resp) -> Vec<#item_ty> { output.#items }
            }
        }
    });

    let resp_doc = format!("Response of `{}`: {}", op.name, op.response_doc);
    let resp_derives = derives();
    let resp_fields = fields(api, &op.response);
    let req_codec = codec(&req, &op.params, Need::Always, Need::Server);
    let resp_codec = codec(&resp, &op.response, Need::Server, Need::Always);
    let wait_field = op.asynchronous.as_ref().and_then(|a| match &a.waiter {
        WaiterIr::State(w) if super::waiters::needs_request(w) => {
            let t = format_ident!("{}Input", w.name);
            Some(quote! {
                /// What the waiter needs from the request (set by `send()`).
                pub(crate) wait_input: Option<crate::waiters::#t>,
            })
        }
        _ => None,
    });
    let wait = super::waiters::wait_methods(api, op);
    let err_def = errors::operation_enum(api, op);

    let _ = member_doc;
    quote! {
        use alb_runtime::schema::*;
        #(#reexports)*

        #meta
        #input

        #[doc = #req_doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #req { #req_fields }
        #req_codec

        impl #req {
            /// A builder for this request (without a client: `build()` it).
            pub fn builder() -> #builder { Default::default() }
        }

        #[doc = #builder_doc]
        pub type #builder<C = ()> = crate::RequestBuilder<#req, C>;

        impl<C> #builder<C> { #(#setters)* }

        impl alb_runtime::Operation for #req {
            type Output = #resp;
            type Error = #err;
            const META: &'static alb_runtime::OperationMeta = &META;
            #idem
            #dry
            #complete
        }
        #dry_marker
        #paginated

        #[doc = #resp_doc]
        #resp_derives
        pub struct #resp { #resp_fields #wait_field }
        #resp_codec
        #wait

        #err_def
    }
}

fn meta(api: &Api, op: &OperationIr) -> TokenStream {
    let name = &op.name;
    let rate = match op.rate_limit {
        Some((a, b)) => quote!(Some(alb_runtime::RateLimit { requests: #a, per_seconds: #b })),
        None => quote!(None),
    };
    let is_async = op.asynchronous.is_some();
    let deprecated = op.deprecated;
    let action = &op.ram.action;
    let level = format_ident!("{}", op.ram.access_level.as_str());
    let resources = op.ram.resources.iter().map(|r| {
        let (t, arn) = (&r.resource_type, &r.arn);
        let req = match r.required {
            Some(b) => quote!(Some(#b)),
            None => quote!(None),
        };
        // The type's own ARN is written once, in ram.rs.
        let arn = match api
            .resource_types
            .iter()
            .find(|rt| &rt.name == t && &rt.arn == arn)
        {
            Some(rt) => {
                let c = format_ident!("{}", rt.function.to_uppercase());
                quote!(crate::ram::#c)
            }
            None => quote!(#arn),
        };
        quote!(alb_runtime::RamResource::new(#t, #arn, #req))
    });
    let keys = &op.ram.condition_keys;
    let role = |role: Role| match op.role_param(role) {
        Some(p) => {
            let n = &p.wire;
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let (idem, dry) = (role(Role::IdempotencyToken), role(Role::DryRun));
    let doc = format!("What the spec says about `{name}` (rate limit, RAM, request schema).");
    let _ = TypeIr::Boolean;
    quote! {
        #[doc = #doc]
        pub static META: alb_runtime::OperationMeta = alb_runtime::OperationMeta {
            name: #name,
            api_version: crate::API_VERSION,
            rate_limit: #rate,
            is_async: #is_async,
            deprecated: #deprecated,
            ram: alb_runtime::RamMeta {
                action: #action,
                access_level: alb_runtime::AccessLevel::#level,
                resources: &[#(#resources),*],
                condition_keys: &[#(#keys),*],
            },
            input: &INPUT,
            idempotency_param: #idem,
            dry_run_param: #dry,
        };
    }
}
