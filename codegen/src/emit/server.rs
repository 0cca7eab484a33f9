//! The server side (feature `server`): one trait method per operation and
//! a dispatcher that parses, validates and renders through the runtime.

use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let (req, resp, err) = (
            format_ident!("{}Request", op.name),
            format_ident!("{}Response", op.name),
            format_ident!("{}Error", op.name),
        );
        let name = &op.name;
        let doc = format!("Handles `{name}`. The default answers that the operation is not implemented.");
        quote! {
            #[doc = #doc]
            fn #m(&self, ctx: &alb_runtime::server::RequestContext, request: crate::#req)
                -> impl std::future::Future<Output = Result<crate::#resp, crate::#err>> + Send {
                let _ = (ctx, request);
                async move { Err(crate::#err::Unknown(alb_runtime::server::not_implemented(#name))) }
            }
        }
    });
    let arms = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let name = &op.name;
        quote! {
            #name => {
                let request = alb_runtime::server::parse_request(params)?;
                let output = service.#m(ctx, request).await.map_err(|e| alb_runtime::OperationError::metadata(&e).clone())?;
                alb_runtime::server::render(&output)
            }
        }
    });
    let names = api.operations.iter().map(|op| op.name.as_str());
    quote! {
        /// One method per operation; implement those you serve.
        pub trait Service: Send + Sync + 'static {
            #(#methods)*
        }

        /// The `Action` names this crate can dispatch.
        pub static ACTIONS: &[&str] = &[#(#names),*];

        /// Parses and validates the wire parameters of `action`, calls the
        /// matching method and renders its output as JSON; errors come back as
        /// the metadata to answer with (code, message, HTTP status).
        pub async fn dispatch<S: Service>(
            service: &S,
            ctx: &alb_runtime::server::RequestContext,
            action: &str,
            params: &alb_runtime::ParamMap,
        ) -> Result<serde_json::Value, alb_runtime::ErrorMetadata> {
            match action {
                #(#arms)*
                _ => Err(alb_runtime::server::unknown_action(action)),
            }
        }
    }
}
