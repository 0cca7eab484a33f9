//! The spec format, as serde types. Unknown keys are rejected everywhere
//! (`deny_unknown_fields`); specs/README.md documents every key.

use serde::Deserialize;
use std::collections::BTreeMap;

/// `service.yaml`: facts that hold for every operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub product: String,
    pub name: String,
    pub api_version: String,
    pub protocol: Protocol,
    pub http_method: String,
    pub endpoints: Endpoints,
    pub signature: Signature,
    pub ram: ServiceRam,
    #[serde(default)]
    pub common_errors: Vec<ErrorCode>,
    /// Every operation the API has, spec file or not.
    pub known_operations: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Rpc,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    pub public: String,
    pub vpc: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub default: SignatureVersion,
    pub supported: Vec<SignatureVersion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureVersion {
    V1,
    V3,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRam {
    pub service: String,
    /// ARN placeholder name -> what it stands for.
    pub placeholders: BTreeMap<String, String>,
}

/// `operations/<Name>.yaml`: one API operation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    pub name: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub deprecated: bool,
    #[serde(default)]
    pub related_operations: Vec<String>,
    #[serde(default)]
    pub parameters: Vec<Member>,
    pub response: Response,
    #[serde(default, rename = "async")]
    pub asynchronous: Option<Async>,
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    pub ram: Ram,
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub waiters: Vec<Waiter>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Free-form remarks, e.g. where two sources disagree and which won.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Type {
    String,
    Integer,
    Boolean,
    Array,
    Object,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntFormat {
    Int32,
    Int64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// ClientToken: filled automatically, reused on every retry.
    IdempotencyToken,
    /// DryRun: the service only pre-checks the request.
    DryRun,
}

/// A scalar written in YAML (`example: true`, `default: 60`), kept as text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

/// A request parameter, an object field, a response field or a list item.
/// List items (`items:`) have no name; everything else has one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default)]
    pub format: Option<IntFormat>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub example: Option<Scalar>,
    #[serde(default)]
    pub default: Option<Scalar>,
    /// Operations whose results supply this value.
    #[serde(default)]
    pub values_from: Vec<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub deprecated: bool,
    // string constraints
    #[serde(default)]
    pub min_length: Option<u64>,
    #[serde(default)]
    pub max_length: Option<u64>,
    #[serde(default)]
    pub allowed_values: Vec<String>,
    #[serde(default)]
    pub ascii_only: bool,
    // integer constraints
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    // array
    #[serde(default)]
    pub min_items: Option<u64>,
    #[serde(default)]
    pub max_items: Option<u64>,
    #[serde(default)]
    pub items: Option<Box<Member>>,
    // object
    #[serde(default)]
    pub struct_name: Option<String>,
    #[serde(default)]
    pub fields: Vec<Member>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<Member>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Async {
    /// Response field carrying the job ID.
    pub job_id_field: String,
    pub description: String,
    /// The operation that shows the job's progress.
    pub status_operation: String,
    #[serde(default)]
    pub pending_states: Vec<String>,
    #[serde(default)]
    pub success_states: Vec<String>,
    #[serde(default)]
    pub failure_states: Vec<String>,
    /// The generated waiter that waits for this operation's job (a name in
    /// some operation's `waiters`).
    #[serde(default)]
    pub waiter: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub per_seconds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AccessLevel {
    Create,
    Read,
    List,
    Update,
    Delete,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ram {
    pub action: String,
    pub access_level: AccessLevel,
    #[serde(default)]
    pub resources: Vec<RamResource>,
    #[serde(default)]
    pub condition_keys: Vec<String>,
    #[serde(default)]
    pub related_actions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RamResource {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub arn: String,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: String,
    pub http_status: u16,
    /// Message template; `%s` marks a value the service fills in.
    pub message: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Retrying the same request later may succeed.
    #[serde(default)]
    pub retryable: bool,
}

/// NextToken/MaxResults listing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Request parameter carrying the token of the page to fetch.
    pub input_token: String,
    /// Response field carrying the token of the next page.
    pub output_token: String,
    /// Request parameter setting the page size.
    #[serde(default)]
    pub page_size: Option<String>,
    /// Response field (a list) holding the page's items.
    pub items: String,
}

/// A generated waiter: poll an operation until a state is reached.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// UpperCamel name; the client method is `wait_until_<snake name>`.
    pub name: String,
    pub description: String,
    /// The operation to poll.
    pub operation: String,
    /// Poll-request parameters, each from a path into this operation's request.
    #[serde(default)]
    pub input: Vec<WaiterInput>,
    /// Response list to look at (`Certificates`); absent: the state is a
    /// top-level response field.
    #[serde(default)]
    pub items: Option<String>,
    /// Only items whose `field` is among the values at `in` (a path into
    /// this operation's request) count; each such value must reach a state.
    #[serde(default, rename = "match")]
    pub matcher: Option<WaiterMatch>,
    /// Field holding the state (inside each item, or top-level).
    pub state: String,
    pub success: Vec<String>,
    #[serde(default)]
    pub failure: Vec<String>,
    #[serde(default)]
    pub pending: Vec<String>,
    /// What a matched value that is missing from the list means.
    #[serde(default)]
    pub absent: Option<Outcome>,
    pub delay: WaiterDelay,
    pub timeout_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterInput {
    /// Parameter of the polled operation.
    pub to: String,
    /// Path into this operation's request: `ListenerId`, `Certificates[].CertificateId`.
    pub from: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterMatch {
    pub field: String,
    #[serde(rename = "in")]
    pub values_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failure,
    Pending,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterDelay {
    pub initial_ms: u64,
    pub max_ms: u64,
    #[serde(default = "default_multiplier")]
    pub multiplier: f64,
}

fn default_multiplier() -> f64 {
    2.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub date: String,
    pub change: String,
}
