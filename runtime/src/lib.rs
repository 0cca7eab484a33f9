#![deny(missing_docs)]
//! Hand-written runtime of the Alibaba Cloud ALB SDK.
//!
//! The generated crate (`alb-sdk`) depends on this one for everything that
//! is not per-operation: wire parameters, validation, error metadata,
//! signing, credentials, transport, retries, rate limiting, and the engines
//! behind generated waiters and paginators.

pub mod client;
mod clock;
pub mod credentials;
pub mod operation;
pub mod paginator;
pub mod params;
pub mod ram;
pub mod redact;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
pub mod service_error;
pub mod signing;
pub mod validation;
pub mod waiter;
pub mod wire;

pub use client::{
    Config, ConfigBuilder, ConfigError, Core, DecodeError, DryRunPassed, Endpoint, RateLimitError,
    RateLimitMode, RateLimitSource, RedirectError, RetryPolicy, SdkError, Stub, TimeoutError,
    TimeoutKind, Timeouts, TransportError,
};
pub use credentials::{Credentials, Secret};
pub use operation::{
    render_arn, AccessLevel, Operation, OperationMeta, RamMeta, RamResource, RateLimit,
    SupportsDryRun,
};
pub use paginator::{Pages, Paginated, Paginator};
pub use params::{ParamMap, Skeleton};
pub use service_error::{ErrorCodeInfo, ErrorMetadata, OperationError};
pub use signing::{sign, SignatureVersion, SignedRequest, SigningInput};
pub use validation::{validate, PathSegment, Rule, ValidationError, Validator, Violation};
pub use waiter::{
    MissingInput, Observed, Progress, WaitOutcome, WaitPolicy, WaitResult, Waiter, WaiterError,
};
