//! Waiters: one unit struct per state waiter (what to poll, how to read
//! the state) and the job waiter over ListAsynJobs; the polling loop is the
//! runtime's. An asynchronous operation's response gets `wait()`.

use super::rust::ident;
use crate::ir::{
    Api, ObserveIr, OperationIr, PathStep, Source, StateWaiterIr, ValuePath, WaiterIr,
};
use crate::model::Outcome;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The operation the job waiter polls.
const JOB_OP: &str = crate::ir::JOB_OPERATION;

fn paths(w: &StateWaiterIr) -> Vec<&ValuePath> {
    let mut out: Vec<&ValuePath> = w.inputs.iter().map(|i| &i.from).collect();
    if let ObserveIr::Matched { values, .. } = &w.observe {
        out.push(values);
    }
    out
}

/// Whether some input comes from the request (which the response then
/// keeps, set by `send()`).
pub fn needs_request(w: &StateWaiterIr) -> bool {
    paths(w).iter().any(|p| p.source == Source::Request)
}

/// An expression of type `Vec<String>`: every value at `steps` under
/// `root`, read with plain loops (iterator chains per waiter cost compile
/// time for nothing).
fn values_at(root: TokenStream, steps: &[PathStep]) -> TokenStream {
    fn nest(var: TokenStream, steps: &[PathStep]) -> TokenStream {
        match steps.split_first() {
            None => quote!(read::push(&mut out, #var);),
            Some((step, rest)) => {
                let f = ident(&step.ident);
                let inner = nest(quote!(v), rest);
                if step.each {
                    quote!(for v in &#var.#f { #inner })
                } else {
                    quote!(if let Some(v) = &#var.#f { #inner })
                }
            }
        }
    }
    let body = nest(root, steps);
    quote!({ let mut out = Vec::new(); #body out })
}

/// The distinct request paths a waiter reads, in order: what the response
/// keeps of the request (`wait_input.vN`).
fn request_paths(w: &StateWaiterIr) -> Vec<&ValuePath> {
    let mut out: Vec<&ValuePath> = Vec::new();
    for p in paths(w) {
        if p.source == Source::Request && !out.iter().any(|q| q.text == p.text) {
            out.push(p);
        }
    }
    out
}

/// The values at a path of the asynchronous call: from the response
/// itself, or from what it kept of the request (`wait_input.vN`).
fn source_values(w: &StateWaiterIr, path: &ValuePath) -> TokenStream {
    match path.source {
        Source::Response => values_at(quote!(input), &path.steps),
        Source::Request => {
            let index = request_paths(w)
                .iter()
                .position(|p| p.text == path.text)
                .unwrap_or(0);
            let v = format_ident!("v{}", index);
            quote!(input.wait_input.as_ref().map(|w| w.#v.clone()).unwrap_or_default())
        }
    }
}

fn outcome(o: Option<Outcome>) -> TokenStream {
    match o {
        None => quote!(None),
        Some(Outcome::Success) => quote!(Some(alb_runtime::WaitOutcome::Success)),
        Some(Outcome::Failure) => quote!(Some(alb_runtime::WaitOutcome::Failure)),
        Some(Outcome::Pending) => quote!(Some(alb_runtime::WaitOutcome::Pending)),
    }
}

/// `crate::XRequest` (operation types are re-exported at the root).
fn op_type(op: &OperationIr, suffix: &str) -> TokenStream {
    let t = format_ident!("{}{}", op.name, suffix);
    quote!(crate::#t)
}

/// `default_policy()` when the waiter sets delays or a timeout of its own
/// (otherwise the trait's default, `WaitPolicy::default()`).
fn policy(w: &StateWaiterIr) -> Option<TokenStream> {
    if w.delay.is_none() && w.timeout_seconds.is_none() {
        return None;
    }
    let mut p = quote!(alb_runtime::WaitPolicy::default());
    if let Some(d) = &w.delay {
        let (initial, max, mult) = (d.initial_ms, d.max_ms, d.multiplier);
        p = quote!(#p.with_delays(std::time::Duration::from_millis(#initial), std::time::Duration::from_millis(#max)).with_multiplier(#mult));
    }
    if let Some(t) = w.timeout_seconds {
        p = quote!(#p.with_timeout(std::time::Duration::from_secs(#t)));
    }
    Some(quote!(fn default_policy() -> alb_runtime::WaitPolicy { #p }))
}

fn state_waiter(api: &Api, owner: &OperationIr, w: &StateWaiterIr) -> TokenStream {
    let poll = &api.operations[w.poll];
    let name = format_ident!("{}", w.name);
    let wname = &w.name;
    let input_ty = op_type(owner, "Response");
    let poll_ty = op_type(poll, "Request");
    let poll_out = op_type(poll, "Response");
    let (success, failure, pending) = (&w.success, &w.failure, &w.pending);
    let absent = outcome(w.absent);
    let policy = policy(w);

    let assigns = w.inputs.iter().map(|i| {
        let to = ident(&i.to);
        let wire = &i.to_wire;
        let values = source_values(w, &i.from);
        if i.to_list {
            quote!(request.#to = read::many(#values, #wire, &mut missing);)
        } else {
            quote!(request.#to = read::one(#values, #wire, &mut missing);)
        }
    });

    let observe = match &w.observe {
        ObserveIr::Field { state } => {
            let s = ident(&state.ident);
            quote!(vec![alb_runtime::Observed::new(None, read::text(&output.#s))])
        }
        ObserveIr::Items { list, state } => {
            let (l, s) = (ident(list), ident(&state.ident));
            quote!(read::each(&mut output.#l.iter().map(|item| read::text(&item.#s))))
        }
        ObserveIr::Matched {
            list,
            key,
            state,
            values,
        } => {
            let (l, k, s) = (ident(list), ident(&key.ident), ident(&state.ident));
            let wanted = source_values(w, values);
            quote!(read::matched(#wanted, &mut output.#l.iter().map(|item| (read::text(&item.#k), read::text(&item.#s)))))
        }
    };
    let uses_input = !matches!(w.observe, ObserveIr::Field { .. } | ObserveIr::Items { .. });
    let input_arg = if uses_input {
        quote!(input)
    } else {
        quote!(_input)
    };

    let input_struct = needs_request(w).then(|| {
        let t = format_ident!("{}Input", w.name);
        let req = op_type(owner, "Request");
        let request_paths = request_paths(w);
        let fields: Vec<proc_macro2::Ident> = (0..request_paths.len())
            .map(|i| format_ident!("v{}", i))
            .collect();
        let docs = request_paths
            .iter()
            .map(|p| format!("The values at `{}`.", p.text));
        let inits = request_paths.iter().zip(&fields).map(|(p, f)| {
            let v = values_at(quote!(request), &p.steps);
            quote!(#f: #v,)
        });
        let doc = format!(
            "What waiter `{}` needs from the `{}` request.",
            w.name, owner.name
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #t { #( #[doc = #docs] pub(crate) #fields: Vec<String>, )* }

            impl From<&#req> for #t {
                fn from(request: &#req) -> Self { Self { #(#inits)* } }
            }
        }
    });

    let doc = format!(
        "Waiter `{wname}`: {}\n\nPolls `{}`; success: {}; failure: {}; pending: {}.",
        w.description,
        poll.name,
        list(success),
        list(failure),
        list(pending)
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct #name;

        #input_struct

        impl alb_runtime::Waiter for #name {
            type Input = #input_ty;
            type Poll = #poll_ty;
            const NAME: &'static str = #wname;
            const SUCCESS: &'static [&'static str] = &[#(#success),*];
            const FAILURE: &'static [&'static str] = &[#(#failure),*];
            const PENDING: &'static [&'static str] = &[#(#pending),*];
            const ABSENT: Option<alb_runtime::WaitOutcome> = #absent;

            #policy

            fn poll_request(input: &#input_ty) -> Result<#poll_ty, alb_runtime::MissingInput> {
                let mut request = #poll_ty::default();
                let mut missing: Vec<&'static str> = Vec::new();
                #(#assigns)*
                alb_runtime::MissingInput::check(missing)?;
                Ok(request)
            }

            fn observe(#input_arg: &#input_ty, output: &#poll_out) -> Vec<alb_runtime::Observed> {
                #observe
            }
        }
    }
}

fn list(states: &[String]) -> String {
    if states.is_empty() {
        "-".into()
    } else {
        states.join(", ")
    }
}

/// The job waiter: ListAsynJobs polled with one JobId.
fn job_waiter(api: &Api) -> Option<TokenStream> {
    let jobs = api.operations.iter().find(|o| o.name == JOB_OP)?;
    let req = op_type(jobs, "Request");
    let resp = op_type(jobs, "Response");
    Some(quote! {
        /// Waiter `JobFinished`: polls ListAsynJobs with one JobId until the
        /// job is `Succeeded`; `Failed` ends the wait with the job's error code
        /// and message. A job not listed yet counts as still running.
        #[derive(Debug, Clone, Copy, Default)]
        pub struct JobFinished;

        impl alb_runtime::Waiter for JobFinished {
            type Input = String;
            type Poll = #req;
            const NAME: &'static str = "JobFinished";
            const SUCCESS: &'static [&'static str] = &["Succeeded"];
            const FAILURE: &'static [&'static str] = &["Failed"];
            const PENDING: &'static [&'static str] = &["Processing"];
            const ABSENT: Option<alb_runtime::WaitOutcome> = Some(alb_runtime::WaitOutcome::Pending);

            fn poll_request(job_id: &String) -> Result<#req, alb_runtime::MissingInput> {
                alb_runtime::MissingInput::check(if job_id.is_empty() { vec!["JobIds"] } else { vec![] })?;
                let mut request = #req::default();
                request.job_ids = vec![job_id.clone()];
                Ok(request)
            }

            fn observe(job_id: &String, output: &#resp) -> Vec<alb_runtime::Observed> {
                let job = output.jobs.iter().find(|j| j.id.as_deref() == Some(job_id.as_str()));
                let mut seen = alb_runtime::Observed::new(
                    Some(job_id.clone()),
                    job.map(|j| j.status.as_ref().map(ToString::to_string).unwrap_or_default()),
                );
                if let Some(j) = job.filter(|j| j.error_code.is_some() || j.error_message.is_some()) {
                    seen.detail = Some(format!(
                        "{}: {}",
                        j.error_code.as_deref().unwrap_or("-"),
                        j.error_message.as_deref().unwrap_or("-")
                    ));
                }
                vec![seen]
            }
        }
    })
}

/// `waiters.rs`.
pub fn module(api: &Api) -> TokenStream {
    let states =
        api.operations
            .iter()
            .filter_map(|op| match op.asynchronous.as_ref().map(|a| &a.waiter) {
                Some(WaiterIr::State(w)) => Some(state_waiter(api, op, w)),
                _ => None,
            });
    let job = job_waiter(api);
    quote!(use alb_runtime::waiter::read; #(#states)* #job)
}

/// `wait()` and `wait_with()` on an asynchronous operation's response.
pub fn wait_methods(api: &Api, op: &OperationIr) -> Option<TokenStream> {
    let a = op.asynchronous.as_ref()?;
    let resp = format_ident!("{}Response", op.name);
    let (waiter, input, out, err, doc) = match &a.waiter {
        WaiterIr::State(w) => {
            let poll = &api.operations[w.poll];
            let t = format_ident!("{}", w.name);
            (
                quote!(crate::waiters::#t),
                quote!(self),
                op_type(poll, "Response"),
                op_type(poll, "Error"),
                format!(
                    "Waits until the work of this call is done (waiter `{}`): {}\n\nPolls `{}` with the waiter's default policy; `Err` if a failure state is reached, the policy's timeout passes, or a poll fails for good.",
                    w.name, w.description, poll.name
                ),
            )
        }
        WaiterIr::Job => {
            let jobs = api.operations.iter().find(|o| o.name == JOB_OP)?;
            let job_id = ident(a.job_id_field.as_deref()?);
            (
                quote!(crate::waiters::JobFinished),
                quote!(&self.#job_id.clone().unwrap_or_default()),
                op_type(jobs, "Response"),
                op_type(jobs, "Error"),
                "Waits until the job of this call has finished: polls ListAsynJobs with its JobId until the job is `Succeeded`; `Failed` gives the job's error code and message.".to_string(),
            )
        }
    };
    let docw = "[`Self::wait`] with an explicit polling policy.";
    let _ = (out, err);
    Some(quote! {
        impl #resp {
            #[doc = #doc]
            pub async fn wait(&self, client: &crate::Client) -> alb_runtime::WaitResult<#waiter> {
                client.core().wait::<#waiter>(#input, None).await
            }
            #[doc = #docw]
            pub async fn wait_with(&self, client: &crate::Client, policy: alb_runtime::WaitPolicy) -> alb_runtime::WaitResult<#waiter> {
                client.core().wait::<#waiter>(#input, Some(policy)).await
            }
        }
    })
}
