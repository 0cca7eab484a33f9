//! The client side: configuration, the call engine, errors, retries and
//! rate limiting.

mod config;
mod core;
mod error;
mod rate_limit;
mod retry;

pub use self::core::{user_agent, user_agent_for, Core, Stub, MAX_RESPONSE_BYTES};
pub use config::{
    Config, ConfigBuilder, ConfigError, Endpoint, Timeouts, ENDPOINT_ENV, PUBLIC_ENDPOINT,
    REGION_ENV, VPC_ENDPOINT,
};
pub use error::{
    DecodeError, DryRunPassed, NoServiceError, RateLimitError, RateLimitSource, RedirectError,
    SdkError, TimeoutError, TimeoutKind, TransportError,
};
pub use rate_limit::{RateLimitMode, RateLimiter};
pub use retry::RetryPolicy;
