//! The client: one method per operation returning its builder, and the
//! job waiter.

use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn module(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let builder = format_ident!("{}RequestBuilder", op.name);
        let doc = format!("`{}`: {}\n\n{}", op.name, op.title, op.description);
        quote! {
            #[doc = #doc]
            pub fn #m(&self) -> crate::#builder<Client> {
                crate::RequestBuilder::with_client(self.clone())
            }
        }
    });
    let job = api
        .operations
        .iter()
        .find(|o| o.name == crate::ir::JOB_OPERATION)
        .map(|jobs| {
            let resp = format_ident!("{}Response", jobs.name);
            let err = format_ident!("{}Error", jobs.name);
            quote! {
                /// Waits until the asynchronous job `job_id` (the `JobId` of any
                /// asynchronous call) has finished: polls ListAsynJobs until it is
                /// `Succeeded`; `Failed` ends the wait with the job's error code and message.
                pub async fn wait_for_job(&self, job_id: &str, policy: Option<alb_runtime::WaitPolicy>)
                    -> Result<crate::#resp, alb_runtime::WaiterError<crate::#err>> {
                    self.core.wait::<crate::waiters::JobFinished>(&job_id.to_string(), policy).await
                }
            }
        });
    quote! {
        /// A client for the service. Cheap to clone: clones share one
        /// connection pool, credentials cache and rate limiters.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: alb_runtime::Core,
        }

        impl Client {
            /// This crate's version, which the User-Agent names.
            pub const SDK_VERSION: &'static str = env!("CARGO_PKG_VERSION");

            /// A client from an explicit configuration.
            pub fn new(config: alb_runtime::Config) -> Result<Self, alb_runtime::ConfigError> {
                Ok(Self { core: alb_runtime::Core::for_sdk(config, Self::SDK_VERSION)? })
            }

            /// A client configured from the environment
            /// ([`alb_runtime::Config::from_env`]): region from
            /// `ALIBABA_CLOUD_REGION_ID` (or the CLI profile), credentials from the
            /// default chain, endpoint from `ALIBABA_CLOUD_ALB_ENDPOINT` if set.
            pub async fn from_env() -> Result<Self, alb_runtime::ConfigError> {
                Self::new(alb_runtime::Config::from_env())
            }

            /// Wraps an existing runtime core.
            pub fn from_core(core: alb_runtime::Core) -> Self { Self { core } }

            /// The runtime core (configuration, credentials, transport).
            pub fn core(&self) -> &alb_runtime::Core { &self.core }

            /// Sends a request built beforehand (validated first).
            pub async fn call<O: alb_runtime::Operation>(&self, request: O) -> Result<O::Output, alb_runtime::SdkError<O::Error>> {
                self.core.send(request).await
            }

            #job
            #(#methods)*
        }
    }
}
