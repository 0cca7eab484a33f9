//! Waiters: one unit struct per declared waiter, implementing
//! `alb_runtime::Waiter`; the polling loop itself is in the runtime.

use super::types::field_ident;
use crate::check::resolve_path;
use crate::load::Spec;
use crate::model::{Member, Operation, Outcome, Type, Waiter};
use crate::naming;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn waiter_impl(spec: &Spec, owner: &Operation, w: &Waiter) -> TokenStream {
    let polled = spec
        .operations
        .iter()
        .map(|(_, o)| o)
        .find(|o| o.name == w.operation)
        .expect("checked: polled operation exists");
    let name = format_ident!("{}", w.name);
    let wname = &w.name;
    let input_ty = op_path(&owner.name, &naming::request_type(&owner.name));
    let poll_ty = op_path(&polled.name, &naming::request_type(&polled.name));
    let poll_out = op_path(&polled.name, &naming::response_type(&polled.name));
    let (success, failure, pending) = (&w.success, &w.failure, &w.pending);
    let absent = match w.absent {
        None => quote!(None),
        Some(Outcome::Success) => quote!(Some(alb_runtime::WaitOutcome::Success)),
        Some(Outcome::Failure) => quote!(Some(alb_runtime::WaitOutcome::Failure)),
        Some(Outcome::Pending) => quote!(Some(alb_runtime::WaitOutcome::Pending)),
    };
    let (initial, max, mult, timeout) = (
        w.delay.initial_ms,
        w.delay.max_ms,
        w.delay.multiplier,
        w.timeout_seconds,
    );

    let assigns = w.input.iter().map(|i| {
        let target = polled
            .parameters
            .iter()
            .find(|m| m.name.as_deref() == Some(i.to.as_str()))
            .expect("checked");
        let f = field_ident(target);
        let values = values_at(&owner.parameters, &i.from, quote!(input));
        if target.ty == Type::Array {
            quote!(request.#f = Some(#values).filter(|v: &Vec<String>| !v.is_empty());)
        } else {
            quote!(request.#f = #values.into_iter().next();)
        }
    });

    let observe = match (&w.items, &w.matcher) {
        (Some(items), Some(m)) => {
            let list = field_ident(find(&polled.response.fields, items));
            let item_fields = &find(&polled.response.fields, items)
                .items
                .as_deref()
                .expect("checked")
                .fields;
            let key = field_ident(find(item_fields, &m.field));
            let state = field_ident(find(item_fields, &w.state));
            let wanted = values_at(&owner.parameters, &m.values_at, quote!(input));
            quote! {
                let wanted: Vec<String> = #wanted;
                wanted.into_iter().map(|key| {
                    let state = output.#list.iter()
                        .find(|item| item.#key.as_deref() == Some(key.as_str()))
                        .map(|item| item.#state.clone().unwrap_or_default());
                    alb_runtime::Observed { key: Some(key), state }
                }).collect()
            }
        }
        (Some(items), None) => {
            let list = field_ident(find(&polled.response.fields, items));
            let item_fields = &find(&polled.response.fields, items)
                .items
                .as_deref()
                .expect("checked")
                .fields;
            let state = field_ident(find(item_fields, &w.state));
            quote! {
                let _ = input;
                output.#list.iter().map(|item| alb_runtime::Observed {
                    key: None,
                    state: Some(item.#state.clone().unwrap_or_default()),
                }).collect()
            }
        }
        (None, _) => {
            let state = field_ident(find(&polled.response.fields, &w.state));
            quote! {
                let _ = input;
                vec![alb_runtime::Observed { key: None, state: output.#state.clone() }]
            }
        }
    };
    let doc = format!(
        "Waiter `{wname}`: {}\n\nPolls `{}`.",
        w.description, polled.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #name;

        impl alb_runtime::Waiter for #name {
            type Input = #input_ty;
            type Poll = #poll_ty;
            const NAME: &'static str = #wname;
            const SUCCESS: &'static [&'static str] = &[#(#success),*];
            const FAILURE: &'static [&'static str] = &[#(#failure),*];
            const PENDING: &'static [&'static str] = &[#(#pending),*];
            const ABSENT: Option<alb_runtime::WaitOutcome> = #absent;

            fn default_policy() -> alb_runtime::WaitPolicy {
                alb_runtime::WaitPolicy::new(
                    std::time::Duration::from_millis(#initial),
                    std::time::Duration::from_millis(#max),
                    #mult,
                    std::time::Duration::from_secs(#timeout),
                )
            }

            fn poll_request(input: &#input_ty) -> #poll_ty {
                let mut request = #poll_ty::default();
                #(#assigns)*
                request
            }

            fn observe(input: &#input_ty, output: &#poll_out) -> Vec<alb_runtime::Observed> {
                #observe
            }
        }
    }
}

fn op_path(op: &str, ty: &str) -> TokenStream {
    let m = format_ident!("{}", naming::module_name(op));
    let t = format_ident!("{}", ty);
    quote!(crate::operations::#m::#t)
}

fn find<'m>(members: &'m [Member], name: &str) -> &'m Member {
    members
        .iter()
        .find(|m| m.name.as_deref() == Some(name))
        .expect("checked")
}

/// An expression of type `Vec<String>`: every string at `path` under `root`.
fn values_at(members: &[Member], path: &str, root: TokenStream) -> TokenStream {
    let steps = resolve_path(members, path).expect("checked: path resolves");
    let mut body = quote!();
    // Build from the leaf outwards.
    for (i, step) in steps.iter().enumerate().rev() {
        let v = format_ident!("v{}", i);
        let inner = if i + 1 == steps.len() {
            if step.each {
                quote!(for s in #v { out.push(s.clone()); })
            } else {
                quote!(out.push(#v.clone());)
            }
        } else if step.each {
            let it = format_ident!("it{}", i);
            let next = body.clone();
            quote!(for #it in #v { #next })
        } else {
            body.clone()
        };
        let holder = if i == 0 {
            root.clone()
        } else if steps[i - 1].each {
            let it = format_ident!("it{}", i - 1);
            quote!(#it)
        } else {
            let p = format_ident!("v{}", i - 1);
            quote!(#p)
        };
        let f = field_ident(step.member);
        body = quote!(if let Some(#v) = &#holder.#f { #inner });
    }
    quote!({
        let mut out: Vec<String> = Vec::new();
        #body
        out
    })
}
