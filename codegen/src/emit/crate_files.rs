//! The crate's own files: Cargo.toml, lib.rs, the generic request builder
//! and the root re-exports.

use super::{preamble, CrateOptions, GeneratedFile};
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::PathBuf;

pub fn cargo_toml(api: &Api, opts: &CrateOptions) -> GeneratedFile {
    let mut s = preamble(&format!("{}/service.yaml", opts.spec_label), "#");
    s.push_str(&format!(
        r#"[package]
name = "{package}"
description = "Alibaba Cloud {name} SDK (API {version}), generated from a YAML spec."
version = "0.1.0"
edition = "2021"
rust-version = "1.85"
license = "Apache-2.0"
documentation = "https://docs.rs/{package}"
keywords = ["alibaba-cloud", "aliyun", "alb", "load-balancer", "sdk"]
categories = ["api-bindings", "network-programming"]
{readme}
[lib]
name = "{lib}"

[package.metadata.docs.rs]
all-features = true

[features]
default = []
# The server side (wire parsing, the service trait, dispatch): for emulators.
server = ["dep:serde_json", "alb-runtime/server"]

[dependencies]
alb-runtime = {{ version = "0.1.0", path = "{runtime}" }}
serde = "1"
serde_json = {{ version = "1", optional = true }}

[dev-dependencies]
# The guide's examples (doc tests).
tokio = {{ version = "1", features = ["rt", "macros", "time"] }}
"#,
        package = opts.package,
        name = api.name,
        version = api.api_version,
        lib = opts.package.replace('-', "_"),
        runtime = opts.runtime_path,
        readme = if api.guide.is_some() {
            "readme = \"README.md\"\n"
        } else {
            ""
        },
    ));
    GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: s,
    }
}

/// `builder.rs`: the one builder type; each operation's module adds its
/// setters to `RequestBuilder<ItsRequest, C>`.
pub fn builder() -> TokenStream {
    quote! {
        /// A request being built. `C` is `()` for a request built on its own
        /// (`XRequest::builder()...build()`), or the [`crate::Client`] that
        /// will send it (`client.x()...send()`).
        #[derive(Debug, Clone, Default)]
        pub struct RequestBuilder<R, C = ()> {
            pub(crate) request: R,
            client: C,
        }

        impl<R: alb_runtime::Operation + Default> RequestBuilder<R, crate::Client> {
            pub(crate) fn with_client(client: crate::Client) -> Self {
                Self { request: R::default(), client }
            }
        }

        impl<R: alb_runtime::Operation, C> RequestBuilder<R, C> {
            /// The request as built so far.
            pub fn as_request(&self) -> &R { &self.request }

            /// The request as built so far, to change in place.
            pub fn request_mut(&mut self) -> &mut R { &mut self.request }

            /// Validates and returns the request; every violation is listed.
            pub fn build(self) -> Result<R, alb_runtime::ValidationError> {
                self.request.validate()?;
                Ok(self.request)
            }
        }

        impl<R: alb_runtime::Operation> RequestBuilder<R, crate::Client> {
            /// Validates the request (no I/O when it is invalid), then sends it.
            pub async fn send(self) -> Result<R::Output, alb_runtime::SdkError<R::Error>> {
                self.client.core().send(self.request).await
            }
        }

        impl<R: alb_runtime::SupportsDryRun> RequestBuilder<R, crate::Client> {
            /// Asks the service to only pre-check the request (DryRun):
            /// `Ok` means every check passed and nothing was changed.
            pub async fn dry_run(self) -> Result<alb_runtime::DryRunPassed, alb_runtime::SdkError<R::Error>> {
                self.client.core().dry_run(self.request).await
            }
        }

        impl<R: alb_runtime::Paginated> RequestBuilder<R, crate::Client> {
            /// Pages of results, following `NextToken` until the last page.
            pub fn into_paginator(self) -> alb_runtime::Paginator<R> {
                alb_runtime::Paginator::new(self.client.core().clone(), self.request)
            }
        }
    }
}

pub fn exports(api: &Api) -> TokenStream {
    let mods = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let (req, builder, resp, err) = (
            format_ident!("{}Request", op.name),
            format_ident!("{}RequestBuilder", op.name),
            format_ident!("{}Response", op.name),
            format_ident!("{}Error", op.name),
        );
        quote! {
            pub use crate::operations::#m;
            pub use crate::operations::#m::{#req, #builder, #resp, #err};
        }
    });
    quote! {
        pub use crate::builder::RequestBuilder;
        pub use crate::client::Client;
        pub use crate::errors::CommonError;
        #(#mods)*

        /// The runtime this crate is built on (config, errors, credentials).
        pub use alb_runtime as runtime;
        pub use alb_runtime::{Config, Credentials, DryRunPassed, SdkError, SignatureVersion, WaitPolicy, WaiterError};
    }
}

/// `README.md`: the spec's guide, which is also the crate's docs.
pub fn readme(api: &Api, opts: &CrateOptions) -> Option<GeneratedFile> {
    let guide = api.guide.as_ref()?;
    let mut s = preamble(&format!("{}/guide.md", opts.spec_label), "<!--");
    // An HTML comment per line: invisible on crates.io and in rustdoc.
    s = s.lines().map(|l| format!("{l} -->\n")).collect();
    s.push_str(guide);
    Some(GeneratedFile {
        path: PathBuf::from("README.md"),
        contents: s,
    })
}

/// The crate root's inner attributes, as text (the item printer lays out
/// items, not a file's inner attributes): the docs (the guide, when the
/// spec has one), missing docs denied, clippy off for generated code.
pub fn lib_attributes(api: &Api) -> String {
    let mut out = String::new();
    if api.guide.is_some() {
        out.push_str("#![doc = include_str!(\"../README.md\")]\n");
    } else {
        let doc = format!(
            "Alibaba Cloud {} ({}) SDK, API version {}.\n\nGenerated from the YAML spec by `cargo xtask codegen`: every operation has a\nrequest type with a validating builder, a response type, an error enum and\nmetadata (rate limit, RAM action, request schema); shapes shared by\noperations are in [`types`]. [`Client`] sends requests; the hand-written\nruntime (`alb_runtime`) signs, validates, retries and rate-limits them.",
            api.name,
            api.product.to_uppercase(),
            api.api_version
        );
        for line in doc.lines() {
            out.push_str(if line.is_empty() { "//!\n" } else { "//! " });
            if !line.is_empty() {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out.push_str("#![deny(missing_docs)]\n#![allow(clippy::all)]\n\n");
    out
}

pub fn lib(api: &Api) -> TokenStream {
    let doc = format!(
        "Alibaba Cloud {} ({}) SDK, API version {}.\n\nGenerated from the YAML spec by `cargo xtask codegen`: every operation has a\nrequest type with a validating builder, a response type, an error enum and\nmetadata (rate limit, RAM action, request schema); shapes shared by\noperations are in [`types`]. [`Client`] sends requests; the hand-written\nruntime (`alb_runtime`) signs, validates, retries and rate-limits them.",
        api.name,
        api.product.to_uppercase(),
        api.api_version
    );
    let version = &api.api_version;
    let product = &api.product;
    let _ = doc;
    quote! {

        // Generated files are laid out by prettyplease, not rustfmt:
        // `cargo fmt` must leave them as codegen wrote them.
        #[rustfmt::skip]
        mod builder;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        pub mod errors;
        #[rustfmt::skip]
        mod exports;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        pub mod ram;
        #[cfg(feature = "server")]
        #[rustfmt::skip]
        pub mod server;
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        pub mod waiters;

        pub use exports::*;

        /// The API version every operation of this crate speaks.
        pub const API_VERSION: &str = #version;
        /// The product code.
        pub const PRODUCT: &str = #product;

        /// The traits that give errors, requests and waiters their methods:
        /// `use alb_sdk::prelude::*;`.
        pub mod prelude {
            pub use alb_runtime::{Operation, OperationError, Paginated, Waiter};
        }
    }
}
