//! Per-operation error enums and the service-wide `CommonError`.

use crate::model::ErrorCode;
use crate::naming;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn variant(e: &ErrorCode) -> Ident {
    format_ident!("{}", naming::variant_name(&e.code))
}

fn variant_doc(e: &ErrorCode) -> String {
    let mut d = format!("`{}` (HTTP {}): {}", e.code, e.http_status, e.message);
    if let Some(desc) = &e.description {
        d.push_str("\n\n");
        d.push_str(desc);
    }
    if e.retryable {
        d.push_str("\n\nRetryable.");
    }
    d
}

/// The static table of documented codes (`ERRORS`).
pub fn table(name: &Ident, errors: &[ErrorCode]) -> TokenStream {
    let rows = errors.iter().map(|e| {
        let (code, status, msg, retry) = (&e.code, e.http_status, &e.message, e.retryable);
        quote!(alb_runtime::ErrorCodeInfo { code: #code, http_status: #status, message: #msg, retryable: #retry },)
    });
    quote! {
        /// Every documented error code, with its HTTP status and message template.
        pub static #name: &[alb_runtime::ErrorCodeInfo] = &[ #(#rows)* ];
    }
}

/// A generated error enum. `common` is `Some` for operation enums, whose
/// service-wide codes go to a `Common(CommonError)` variant.
pub fn enum_def(
    name: &Ident,
    doc: &str,
    table_name: &Ident,
    errors: &[ErrorCode],
    operation: bool,
) -> TokenStream {
    let variants: Vec<Ident> = errors.iter().map(variant).collect();
    let docs = errors.iter().map(variant_doc);
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let is_methods = errors.iter().map(|e| {
        let m = format_ident!("{}", naming::is_method_name(&e.code));
        let v = variant(e);
        let d = format!("Whether this is `{}`.", e.code);
        quote! { #[doc = #d] pub fn #m(&self) -> bool { matches!(self, Self::#v(_)) } }
    });
    let retryable: Vec<&Ident> = errors
        .iter()
        .zip(&variants)
        .filter(|(e, _)| e.retryable)
        .map(|(_, v)| v)
        .collect();
    let indices: Vec<usize> = (0..errors.len()).collect();

    let (common_variant, common_meta, common_from, common_retry, common_template) = if operation {
        (
            quote! {
                /// A service-wide error (throttling, signature, permissions, ...).
                Common(crate::common_errors::CommonError),
            },
            quote!(Self::Common(c) => c.metadata(),),
            quote! {
                match crate::common_errors::CommonError::try_from_metadata(meta) {
                    Ok(c) => Self::Common(c),
                    Err(meta) => Self::Unknown(meta),
                }
            },
            quote!(Self::Common(c) => c.is_retryable(),),
            quote!(Self::Common(c) => c.message_template(),),
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(Self::Unknown(meta)),
            quote!(),
            quote!(),
        )
    };
    let try_from = if operation {
        quote!()
    } else {
        quote! {
            /// The matching variant, or the metadata back when the code is not a common one.
            pub fn try_from_metadata(meta: alb_runtime::ErrorMetadata) -> Result<Self, alb_runtime::ErrorMetadata> {
                Ok(match meta.code.as_str() {
                    #(#codes => Self::#variants(meta),)*
                    _ => return Err(meta),
                })
            }
        }
    };

    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #variants(alb_runtime::ErrorMetadata), )*
            #common_variant
            /// A code this SDK does not know; its metadata is kept whole.
            Unknown(alb_runtime::ErrorMetadata),
        }

        impl #name {
            #(#is_methods)*
            #try_from

            /// The documented message template (`%s` marks a value), if the code is documented.
            pub fn message_template(&self) -> Option<&'static str> {
                match self {
                    #(Self::#variants(_) => Some(#table_name[#indices].message),)*
                    #common_template
                    Self::Unknown(_) => None,
                }
            }

            /// The values that filled the template's `%s` slots, in order.
            pub fn template_args(&self) -> Option<Vec<String>> {
                alb_runtime::service_error::template_args(self.message_template()?, &self.metadata().message)
            }

            /// Builds the documented error for `code` with its status and the
            /// template filled with `args` (for servers such as the emulator).
            pub fn from_code(code: &str, args: &[&str]) -> Self {
                <Self as alb_runtime::OperationError>::from_metadata(alb_runtime::service_error::documented(#table_name, code, args))
            }

            /// The facts of the error (code, message, status, RequestId, ...).
            pub fn metadata(&self) -> &alb_runtime::ErrorMetadata {
                match self {
                    #(Self::#variants(m) => m,)*
                    #common_meta
                    Self::Unknown(m) => m,
                }
            }

            pub fn code(&self) -> &str { &self.metadata().code }
            pub fn http_status(&self) -> u16 { self.metadata().http_status }
            pub fn request_id(&self) -> Option<&str> { self.metadata().request_id.as_deref() }

            /// Whether retrying may succeed (the spec's `retryable` codes and
            /// the service-wide throttling and availability codes).
            pub fn is_retryable(&self) -> bool {
                match self {
                    #(Self::#retryable(_) => true,)*
                    #common_retry
                    other => alb_runtime::service_error::is_common_retryable_code(other.code()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.metadata(), f)
            }
        }

        impl std::error::Error for #name {}

        impl alb_runtime::OperationError for #name {
            fn from_metadata(meta: alb_runtime::ErrorMetadata) -> Self {
                match meta.code.as_str() {
                    #(#codes => Self::#variants(meta),)*
                    _ => #common_from,
                }
            }
            fn metadata(&self) -> &alb_runtime::ErrorMetadata { #name::metadata(self) }
            fn is_retryable(&self) -> bool { #name::is_retryable(self) }
        }
    }
}
