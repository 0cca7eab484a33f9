//! A local Alibaba Cloud Application Load Balancer (ALB) emulator.
//!
//! The wire side (parsing and validating parameters, typed requests and
//! responses, documented error codes) is the SDK's generated server code
//! (`alb_sdk::server`); this crate adds what a real endpoint does around it:
//!
//! * HTTP on `/` (POST or GET, parameters in the query string and in an
//!   `application/x-www-form-urlencoded` body), JSON answers, a `RequestId`
//!   on every answer ([`http`]);
//! * authentication with signature V1 (`HMAC-SHA1`) and V3
//!   (`ACS3-HMAC-SHA256`), timestamps and nonces ([`auth`]);
//! * a generic engine ([`engine`]) that serves every operation from the
//!   spec's resource model (resources.yaml and each operation's
//!   `emulator:` binding), over records of every resource type, the world
//!   around them ([`world`]) and asynchronous jobs; business rules are
//!   small named hooks;
//! * `ClientToken` idempotency ([`idempotency`]) and fault injection
//!   ([`faults`]).
//!
//! ```no_run
//! # async fn demo() {
//! let emulator = alb_emulator::Emulator::builder().start().await.unwrap();
//! println!("{}", emulator.base_url());
//! emulator.shutdown().await;
//! # }
//! ```

pub mod auth;
pub mod engine;
pub mod faults;
pub mod http;
pub mod idempotency;
pub mod nonces;
mod rejections;
pub mod server;
pub mod state;
mod wire;
pub mod world;

pub use engine::store::{CertificateView, JobView};
pub use faults::{Fault, FaultConfig, FaultHandle, FaultRule, FiredFault, Phase, Trigger};
pub use server::{Emulator, EmulatorBuilder, RequestRecord, RunningEmulator, StartError};
pub use state::{
    AccessKey, CertificateBinding, ListenerState, LoadBalancerState, ServerCertificate, StateFile,
    Tag,
};

/// Access key ID accepted by the default state.
pub const DEFAULT_ACCESS_KEY_ID: &str = "LTAI5tEmulatorTestKey";
/// Secret of [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "EmulatorTestSecret0123456789abcd";
/// Region the emulator answers for unless the state says otherwise.
pub const DEFAULT_REGION: &str = "cn-hangzhou";
/// Delay of asynchronous jobs unless configured otherwise.
pub const DEFAULT_JOB_DELAY_MS: u64 = 2000;

/// The load balancer of the default state.
pub const DEFAULT_LOAD_BALANCER_ID: &str = "alb-emulator0001";
/// The HTTPS listener of the default state (port 443).
pub const DEFAULT_HTTPS_LISTENER_ID: &str = "lsn-emulatorhttps01";
/// The HTTP listener of the default state (port 80).
pub const DEFAULT_HTTP_LISTENER_ID: &str = "lsn-emulatorhttp001";
/// Default certificate of [`DEFAULT_HTTPS_LISTENER_ID`].
pub const DEFAULT_CERTIFICATE_ID: &str = "cert-default-0001";
/// How many additional server certificates (`cert-0001` ...) the default state has.
pub const DEFAULT_SERVER_CERTIFICATES: usize = 30;
/// The server group of the default state's listeners.
pub const DEFAULT_SERVER_GROUP_ID: &str = "sgp-emulator0001";
/// Certificate quota of a load balancer unless the state says otherwise.
pub const DEFAULT_CERTIFICATE_QUOTA: u32 = 25;
/// Listener quota of a load balancer unless the state says otherwise.
pub const DEFAULT_LISTENER_QUOTA: u32 = 50;
/// The API version the emulator speaks.
pub const API_VERSION: &str = alb_sdk::API_VERSION;
