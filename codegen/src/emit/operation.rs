//! One module per operation: request, builder, response, error enum,
//! metadata, and the runtime trait impls.

use super::types::{collect_structs, field_ident, ident, struct_ident};
use super::{errors, request, response};
use crate::model::{AccessLevel, Operation, Role};
use crate::naming;
use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module(op: &Operation, api_version: &str) -> TokenStream {
    let req = format_ident!("{}", naming::request_type(&op.name));
    let builder = format_ident!("{}", naming::builder_type(&op.name));
    let resp = format_ident!("{}", naming::response_type(&op.name));
    let err = format_ident!("{}", naming::error_type(&op.name));
    let name = &op.name;

    // Request and its nested types.
    let req_doc = format!("Request of `{name}`: {}\n\n{}", op.title, op.description);
    let mut req_structs = Vec::new();
    collect_structs(&op.parameters, &mut req_structs);
    let nested_req = req_structs.iter().map(|m| {
        let doc = m
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` object.", struct_ident(m)));
        request::struct_def(&struct_ident(m), &doc, &m.fields, false)
    });
    let req_def = request::struct_def(&req, &req_doc, &op.parameters, true);

    // Builder.
    let dry_run_param = op.parameters.iter().find(|p| p.role == Some(Role::DryRun));
    let setters = op
        .parameters
        .iter()
        .filter(|p| p.role != Some(Role::DryRun))
        .map(|m| request::setter(m, quote!(self.request)));
    let builder_doc = format!(
        "Builds a [`{req}`]; `build()` validates it. From [`crate::Client`], `send()` sends it."
    );

    // Response and its nested types.
    let resp_doc = op
        .response
        .description
        .clone()
        .unwrap_or_else(|| format!("Response of `{name}`."));
    let resp_doc = format!("Response of `{name}`: {resp_doc}");
    let mut resp_structs = Vec::new();
    collect_structs(&op.response.fields, &mut resp_structs);
    let nested_resp = resp_structs.iter().map(|m| {
        let doc = m
            .description
            .clone()
            .unwrap_or_else(|| format!("The `{}` object.", struct_ident(m)));
        response::struct_def(&struct_ident(m), &doc, &m.fields)
    });
    let resp_def = response::struct_def(&resp, &resp_doc, &op.response.fields);

    // Errors.
    let err_doc = format!("Errors of `{name}`: one variant per documented code, the service-wide codes, and `Unknown`.");
    let table = errors::table(&format_ident!("ERRORS"), &op.errors);
    let err_def = errors::enum_def(&err, &err_doc, &format_ident!("ERRORS"), &op.errors, true);

    // Metadata.
    let meta = meta(op, api_version);
    let arn_fns = arn_fns(op);

    let idem = op.parameters.iter().find(|p| p.role == Some(Role::IdempotencyToken)).map(|p| {
        let f = field_ident(p);
        quote! {
            fn idempotency_token_mut(&mut self) -> Option<&mut Option<String>> { Some(&mut self.#f) }
        }
    });
    let dry = dry_run_param.map(|p| {
        let f = field_ident(p);
        quote! {
            fn is_dry_run(&self) -> bool { self.#f == Some(true) }
            fn set_dry_run(&mut self, on: bool) -> bool { self.#f = if on { Some(true) } else { None }; true }
        }
    });
    let dry_send = dry_run_param.map(|_| {
        quote! {
            /// Asks the service to only pre-check the request (DryRun):
            /// `Ok` means every check passed and nothing was changed.
            pub async fn dry_run(self) -> Result<alb_runtime::DryRunPassed, alb_runtime::SdkError<#err>> {
                self.client.dry_run(self.request).await
            }
        }
    });

    let paginated = op.pagination.as_ref().map(|p| {
        let token = field_ident(
            op.parameters
                .iter()
                .find(|m| m.name.as_deref() == Some(&p.input_token))
                .expect("checked"),
        );
        let out_token = field_ident(
            op.response
                .fields
                .iter()
                .find(|m| m.name.as_deref() == Some(&p.output_token))
                .expect("checked"),
        );
        let items_m = op
            .response
            .fields
            .iter()
            .find(|m| m.name.as_deref() == Some(&p.items))
            .expect("checked");
        let items = field_ident(items_m);
        let item_ty = super::types::rust_type(items_m.items.as_deref().expect("checked"));
        let size = match &p.page_size {
            Some(s) => {
                let f = field_ident(
                    op.parameters
                        .iter()
                        .find(|m| m.name.as_deref() == Some(s.as_str()))
                        .expect("checked"),
                );
                quote!(fn set_page_size(&mut self, size: i32) { self.#f = Some(size); })
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

            impl #builder<alb_runtime::Core> {
                /// Pages of results, following `NextToken` until the last page.
                pub fn into_paginator(self) -> alb_runtime::Paginator<#req> {
                    alb_runtime::Paginator::new(self.client, self.request)
                }
            }
        }
    });

    quote! {
        #meta
        #arn_fns
        #table
        #req_def
        #(#nested_req)*

        impl #req {
            /// A builder for this request.
            pub fn builder() -> #builder { #builder::default() }

            /// Every violation of the spec's constraints, at once.
            pub fn validate(&self) -> Result<(), alb_runtime::ValidationError> {
                let mut v = alb_runtime::Validator::new();
                self.validate_into(&mut v);
                v.finish(#name)
            }
        }

        #[doc = #builder_doc]
        #[derive(Debug, Clone, Default)]
        pub struct #builder<C = ()> {
            request: #req,
            client: C,
        }

        impl<C> #builder<C> {
            #(#setters)*

            /// The request as built so far.
            pub fn as_request(&self) -> &#req { &self.request }

            /// Validates and returns the request; every violation is listed.
            pub fn build(self) -> Result<#req, alb_runtime::ValidationError> {
                self.request.validate()?;
                Ok(self.request)
            }
        }

        impl #builder<alb_runtime::Core> {
            pub(crate) fn with_client(client: alb_runtime::Core) -> Self {
                Self { request: #req::default(), client }
            }

            /// Validates the request (no I/O when it is invalid), then sends it.
            pub async fn send(self) -> Result<#resp, alb_runtime::SdkError<#err>> {
                self.client.send(self.request).await
            }

            #dry_send
        }

        #resp_def
        #(#nested_resp)*
        #err_def

        impl alb_runtime::Operation for #req {
            type Output = #resp;
            type Error = #err;
            const META: &'static alb_runtime::OperationMeta = &META;
            fn validate(&self) -> Result<(), alb_runtime::ValidationError> { #req::validate(self) }
            fn write_params(&self, params: &mut alb_runtime::Params) { self.write_wire("", params) }
            #idem
            #dry
        }

        #[cfg(feature = "server")]
        impl alb_runtime::FromParams for #req {
            fn from_params(params: &alb_runtime::ParamMap) -> Result<Self, alb_runtime::ValidationError> {
                let mut v = alb_runtime::Validator::new();
                let request = Self::read_wire(params, "", &mut v);
                request.validate_into(&mut v);
                v.finish(#name)?;
                Ok(request)
            }
        }

        #paginated
    }
}

fn meta(op: &Operation, api_version: &str) -> TokenStream {
    let name = &op.name;
    let rate = match &op.rate_limit {
        Some(r) => {
            let (a, b) = (r.requests, r.per_seconds);
            quote!(Some(alb_runtime::RateLimit { requests: #a, per_seconds: #b }))
        }
        None => quote!(None),
    };
    let is_async = op.asynchronous.is_some();
    let action = &op.ram.action;
    let level = format_ident!(
        "{}",
        match op.ram.access_level {
            AccessLevel::Create => "Create",
            AccessLevel::Read => "Read",
            AccessLevel::List => "List",
            AccessLevel::Update => "Update",
            AccessLevel::Delete => "Delete",
        }
    );
    let resources = op.ram.resources.iter().map(|r| {
        let (t, arn, req) = (&r.resource_type, &r.arn, r.required);
        quote!(alb_runtime::RamResource { resource_type: #t, arn_template: #arn, required: #req },)
    });
    let keys = &op.ram.condition_keys;
    let role = |role: Role| match op.parameters.iter().find(|p| p.role == Some(role)) {
        Some(p) => {
            let n = p.name.as_deref().unwrap_or_default();
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let (idem, dry) = (role(Role::IdempotencyToken), role(Role::DryRun));
    let mut doc = format!("What the spec says about `{name}`: {}.", op.title);
    if let Some(a) = &op.asynchronous {
        doc.push_str(&format!(
            "\n\nAsynchronous: {} Progress: `{}` ({} -> {}).",
            a.description,
            a.status_operation,
            a.pending_states.join(", "),
            a.success_states.join(", ")
        ));
    }
    if let Some(r) = &op.rate_limit {
        doc.push_str(&format!(
            "\n\nRate limit: {} requests per {} seconds.",
            r.requests, r.per_seconds
        ));
    }
    if !op.history.is_empty() {
        doc.push_str("\n\nChange history:");
        for h in &op.history {
            doc.push_str(&format!("\n- {}: {}", h.date, h.change));
        }
    }
    for n in &op.notes {
        doc.push_str("\n\nNote: ");
        doc.push_str(n);
    }
    quote! {
        #[doc = #doc]
        pub static META: alb_runtime::OperationMeta = alb_runtime::OperationMeta {
            name: #name,
            api_version: #api_version,
            rate_limit: #rate,
            is_async: #is_async,
            ram: alb_runtime::RamMeta {
                action: #action,
                access_level: alb_runtime::AccessLevel::#level,
                resources: &[#(#resources)*],
                condition_keys: &[#(#keys),*],
            },
            idempotency_param: #idem,
            dry_run_param: #dry,
        };
    }
}

/// `load_balancer_arn(region_id, account_id, loadbalancer_id)` per RAM resource.
fn arn_fns(op: &Operation) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let fns = op.ram.resources.iter().enumerate().filter_map(|(i, r)| {
        let fname = format!("{}_arn", r.resource_type.to_snake_case());
        if !seen.insert(fname.clone()) {
            return None;
        }
        let f = ident(&fname);
        let ph = crate::check::placeholders(&r.arn);
        let args: Vec<_> = ph.iter().map(|p| ident(&naming::field_name(p))).collect();
        let names: Vec<&String> = ph.iter().collect();
        let doc = format!(
            "ARN of the `{}` resource `{}` is authorized on: `{}`.",
            r.resource_type, op.ram.action, r.arn
        );
        Some(quote! {
            #[doc = #doc]
            pub fn #f(#(#args: &str),*) -> String {
                META.ram.resources[#i].arn(&[#((#names, #args)),*])
            }
        })
    });
    quote!(#(#fns)*)
}
