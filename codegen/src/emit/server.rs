//! The server side (feature `server`): one trait method per operation and
//! a dispatcher that parses, validates and renders through the runtime.

use crate::ir::{Api, BindingIr, SetIr};
use crate::model::{ResourceDecl, VerbDecl};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

fn opt(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn resource(r: &ResourceDecl) -> TokenStream {
    let (name, id, prefix) = (&r.name, &r.id, &r.id_prefix);
    let (parent, status, tag) = (opt(&r.parent), opt(&r.status), opt(&r.tag_type));
    let st = r.states.clone().unwrap_or_default();
    let ready = match &r.states {
        Some(s) => {
            let v = &s.ready;
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    let (creating, updating, deleting) = (opt(&st.creating), opt(&st.updating), opt(&st.deleting));
    let children = r.children.iter().map(|c| {
        let path = &c.path;
        let key = &c.key;
        let (cs, add, rdy, rem) = (opt(&c.status), opt(&c.adding), opt(&c.ready), opt(&c.removing));
        quote!(alb_runtime::server::model::Child { path: #path, key: &[#(#key),*], status: #cs, adding: #add, ready: #rdy, removing: #rem })
    });
    let defaults = r.defaults.iter().map(|(k, v)| quote!((#k, #v)));
    quote! {
        alb_runtime::server::model::Resource {
            name: #name, id: #id, id_prefix: #prefix, parent: #parent, status: #status,
            states: alb_runtime::server::model::States { creating: #creating, ready: #ready, updating: #updating, deleting: #deleting },
            tag_type: #tag, children: &[#(#children),*], defaults: &[#(#defaults),*],
        }
    }
}

fn verb(v: VerbDecl) -> TokenStream {
    let name = format_ident!("{}", format!("{v:?}"));
    quote!(alb_runtime::server::model::Verb::#name)
}

fn binding(op: &str, b: &BindingIr) -> TokenStream {
    let verb = verb(b.verb);
    let (resource, id, items, ids, child) = (
        opt(&b.resource),
        opt(&b.id),
        opt(&b.items),
        opt(&b.ids),
        opt(&b.child),
    );
    let transition = match &b.transition {
        Some(t) => {
            let (from, via, to) = (&t.from, &t.via, &t.to);
            quote!(Some(alb_runtime::server::model::Transition { from: &[#(#from),*], via: #via, to: #to }))
        }
        None => quote!(None),
    };
    let set = b.set.iter().map(|(path, v)| {
        let v = match v {
            SetIr::Literal(json) => quote!(alb_runtime::server::model::SetValue::Literal(#json)),
            SetIr::Request(f) => quote!(alb_runtime::server::model::SetValue::Request(#f)),
            SetIr::Remove => quote!(alb_runtime::server::model::SetValue::Remove),
        };
        quote!((#path, #v))
    });
    let hooks = &b.hooks;
    quote! {
        alb_runtime::server::model::Binding {
            operation: #op, verb: #verb, resource: #resource, id: #id, items: #items, ids: #ids, child: #child,
            transition: #transition, set: &[#(#set),*], hooks: &[#(#hooks),*],
        }
    }
}

/// The resource model and the JSON dispatcher a generic server runs on.
fn model(api: &Api) -> TokenStream {
    let resources = api.model.resources.iter().map(resource);
    let external = api.model.external.iter().map(|e| {
        let (f, k, n) = (&e.field, &e.kind, &e.not_found);
        quote!(alb_runtime::server::model::External { field: #f, kind: #k, not_found: #n })
    });
    let bindings = api
        .operations
        .iter()
        .filter_map(|op| op.binding.as_ref().map(|b| binding(&op.name, b)));
    let catalogue = api
        .errors
        .iter()
        .map(|e| format_ident!("{}", e.static_name));
    let arms = api.operations.iter().map(|op| {
        let name = &op.name;
        let req = format_ident!("{}Request", op.name);
        quote!(#name => alb_runtime::server::handle_json::<crate::#req>(service, ctx, params, MODEL.catalogue),)
    });
    quote! {
        /// The resource model a generic server (the emulator) runs on:
        /// resources.yaml and each operation's `emulator:` binding.
        pub static MODEL: alb_runtime::server::model::Model = alb_runtime::server::model::Model {
            resources: &[#(#resources),*],
            external: &[#(#external),*],
            bindings: &[#(#bindings),*],
            catalogue: &[#(&crate::errors::#catalogue),*],
        };

        /// [`dispatch`] for a server that handles every operation as JSON
        /// ([`alb_runtime::server::JsonService`]): the request is validated
        /// and parsed as its typed form, the answer rendered through the
        /// typed response.
        pub fn dispatch_json(
            service: &dyn alb_runtime::server::JsonService,
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
    let model = model(api);
    quote! {
        #model

        /// A [`Service`] as the client's stub ([`crate::Client::from_stub`]).
        struct ServiceStub<S>(S);

        impl<S: Service> alb_runtime::Stub for ServiceStub<S> {
            fn call(
                &self,
                action: &'static str,
                params: alb_runtime::ParamMap,
            ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<serde_json::Value, alb_runtime::ErrorMetadata>> + Send + '_>> {
                Box::pin(async move {
                    let ctx = alb_runtime::server::RequestContext {
                        request_id: "stub".into(),
                        access_key_id: "stub".into(),
                        region: None,
                    };
                    dispatch(&self.0, &ctx, action, &params).await
                })
            }
        }

        impl crate::Client {
            /// A client whose calls go to `service` in the process, with no
            /// network: for tests of code that uses the client. Implement
            /// the [`Service`] methods the test needs; the others answer
            /// `OperationNotSupported`. Requests are validated and sent as
            /// wire parameters, answers decoded, as with the real service.
            /// Retries and the client-side rate limit are off (see
            /// [`crate::Client::from_stub_with`] to keep them).
            pub fn from_stub<S: Service>(service: S) -> Self {
                let config = alb_runtime::Config {
                    retry: alb_runtime::RetryPolicy::disabled(),
                    rate_limit: alb_runtime::RateLimitMode::Off,
                    ..Default::default()
                };
                Self::from_stub_with(service, config)
            }

            /// [`crate::Client::from_stub`] with a configuration of its own
            /// (the retry policy, the rate limits and the call timeout
            /// apply; the endpoint, the credentials and the per-attempt
            /// HTTP timeouts are not used).
            pub fn from_stub_with<S: Service>(service: S, config: alb_runtime::Config) -> Self {
                Self::from_core(alb_runtime::Core::from_stub(config, std::sync::Arc::new(ServiceStub(service))))
            }
        }

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
