//! Hand-written runtime of the Alibaba Cloud ALB SDK.
//!
//! The generated crate (`alb-sdk`) depends on this one for everything that
//! is not per-operation: wire parameters, validation, error metadata,
//! signing, credentials, transport, retries and rate limiting.

pub mod credentials;
pub mod operation;
pub mod params;
pub mod service_error;
pub mod validation;

pub use credentials::{Credentials, Secret};
pub use operation::{
    render_arn, AccessLevel, FromParams, Operation, OperationMeta, RamMeta, RamResource, RateLimit,
};
pub use params::{ParamMap, Params};
pub use service_error::{ErrorMetadata, OperationError};
pub use validation::{PathSegment, Rule, ValidationError, Validator, Violation};
