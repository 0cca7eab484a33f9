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
    /// Parameters several operations take with the same rules
    /// (ClientToken, DryRun, NextToken, MaxResults); operations refer to
    /// them with `common:`.
    #[serde(default)]
    pub common_parameters: Vec<Member>,
    /// Codes (in errors.yaml) any operation may return.
    #[serde(default)]
    pub common_errors: Vec<String>,
    /// Every operation the API has, spec file or not.
    pub known_operations: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
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
    /// RAM resource types and the ARN of one resource of each type.
    #[serde(default)]
    pub resource_types: BTreeMap<String, ResourceType>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceType {
    /// `acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}`.
    pub arn: String,
    pub description: String,
}

/// `errors.yaml`: the catalogue, each code written once.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub errors: Vec<ErrorCode>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    pub code: String,
    pub http_status: u16,
    /// Message template; `%s` marks a value the service fills in.
    pub message: String,
    pub description: String,
    /// Retrying the same request later may succeed: the client retries it.
    #[serde(default)]
    pub retryable: bool,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// `shapes/<Name>.yaml`: a named type (an object or an enum) or a named set
/// of scalar constraints, declared once for the whole service. Its `name`
/// and `description` are required; `required` and `role` do not apply.
pub type Shape = Member;

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
    /// Rules between top-level parameters.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub response: Response,
    #[serde(default, rename = "async")]
    pub asynchronous: Option<Async>,
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    pub ram: Ram,
    /// Codes of errors.yaml this operation documents.
    #[serde(default)]
    pub errors: Vec<ErrorRef>,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Free-form remarks, e.g. where two sources disagree and which won.
    #[serde(default)]
    pub notes: Vec<String>,
    /// What the emulator does for it (resources.yaml's model).
    #[serde(default)]
    pub emulator: Option<EmulatorBinding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Type {
    String,
    Integer,
    /// A floating-point number (`f64`), for the few response fields the
    /// service sends as decimals (e.g. capacity units).
    Number,
    Boolean,
    Array,
    Object,
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

/// A request parameter, an object field, a response field, a list item or
/// a shape's body. List items (`items:`) and shapes have no name.
///
/// Its type comes from exactly one of `type` (declared here), `shape` (a
/// shape of shapes/) or `common` (a common parameter of service.yaml).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub ty: Option<Type>,
    #[serde(default)]
    pub shape: Option<String>,
    #[serde(default)]
    pub common: Option<String>,
    /// Integers: `int32` (default) or `int64`. Strings: `ipv4`, `ipv6`,
    /// `ip`, `cidr`, `ip_or_cidr`, `domain`, `url`.
    #[serde(default)]
    pub format: Option<String>,
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
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// An enum: the value must be one of these. A string member with
    /// `allowed_values` names its Rust enum with `enum_name`.
    #[serde(default)]
    pub allowed_values: Vec<EnumValue>,
    #[serde(default)]
    pub enum_name: Option<String>,
    #[serde(default)]
    pub ascii_only: bool,
    #[serde(default)]
    pub first_char: Option<CharSet>,
    #[serde(default)]
    pub allowed_chars: Option<CharSet>,
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    #[serde(default)]
    pub not_contains: Vec<String>,
    // integer constraints
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    // array
    #[serde(default)]
    pub min_items: Option<u32>,
    #[serde(default)]
    pub max_items: Option<u32>,
    #[serde(default)]
    pub items: Option<Box<Member>>,
    // object
    #[serde(default)]
    pub struct_name: Option<String>,
    #[serde(default)]
    pub fields: Vec<Member>,
    /// Rules between this object's fields.
    #[serde(default)]
    pub conditions: Vec<Condition>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Deserializes a YAML string with `from_str`, a mapping as `M`: the
/// mapping keeps serde_yaml's key paths and unknown-key errors, which
/// `#[serde(untagged)]` would hide.
macro_rules! string_or_map {
    ($ty:ident, $expecting:literal, |$s:ident| $from_str:expr, |$m:ident: $map_ty:ty| $from_map:expr) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, $s: &str) -> Result<$ty, E> {
                        $from_str
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$ty, A::Error> {
                        let $m: $map_ty = Deserialize::deserialize(
                            serde::de::value::MapAccessDeserializer::new(map),
                        )?;
                        Ok($from_map)
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

string_or_map!(
    EnumValue,
    "a value, or a mapping with `value` and `description`",
    |s| Ok(EnumValue::Plain(s.to_string())),
    |m: DescribedValue| EnumValue::Described(m)
);
string_or_map!(
    ErrorRef,
    "an error code, or a mapping with `code` and `description`",
    |s| Ok(ErrorRef::Code(s.to_string())),
    |m: DescribedError| ErrorRef::Described(m)
);
string_or_map!(
    WaiterDecl,
    "`job`, or a waiter mapping",
    |s| if s == "job" {
        Ok(WaiterDecl::Job)
    } else {
        Err(E::custom(format!(
            "unknown waiter `{s}`: write `job` or a waiter mapping"
        )))
    },
    |m: Waiter| WaiterDecl::State(Box::new(m))
);

/// One allowed value: `HTTP`, or `{ value: HTTP, description: ... }`.
#[derive(Debug, Clone, PartialEq)]
pub enum EnumValue {
    Plain(String),
    Described(DescribedValue),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribedValue {
    pub value: String,
    pub description: String,
}

impl EnumValue {
    pub fn value(&self) -> &str {
        match self {
            EnumValue::Plain(v) => v,
            EnumValue::Described(d) => &d.value,
        }
    }

    pub fn description(&self) -> Option<&str> {
        match self {
            EnumValue::Plain(_) => None,
            EnumValue::Described(d) => Some(&d.description),
        }
    }
}

/// Characters a string may hold: classes plus listed characters.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharSet {
    /// `letter`, `upper`, `lower`, `digit`, `cjk`.
    #[serde(default)]
    pub classes: Vec<CharClass>,
    /// Further characters, e.g. `._-`.
    #[serde(default)]
    pub extra: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CharClass {
    Letter,
    Upper,
    Lower,
    Digit,
    Cjk,
}

/// A rule between fields of one object (or top-level parameters): one key
/// of `required_if`, `exclusive`, `one_required` (serde_yaml writes enums
/// as YAML tags, so this is a mapping of optional keys, checked to hold
/// exactly one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// `field` is required when `when` has one of the values in `is`
    /// (whenever `when` is given, if `is` is left out).
    #[serde(default)]
    pub required_if: Option<RequiredIf>,
    /// At most one of these may be given.
    #[serde(default)]
    pub exclusive: Option<Vec<String>>,
    /// At least one of these must be given.
    #[serde(default)]
    pub one_required: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredIf {
    pub field: String,
    pub when: String,
    #[serde(default, rename = "is")]
    pub values: Vec<Scalar>,
}

/// A reference to a catalogue code, with what it means for this operation.
#[derive(Debug, Clone)]
pub enum ErrorRef {
    Code(String),
    Described(DescribedError),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribedError {
    pub code: String,
    /// When this operation answers the code (added to the catalogue's text).
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl ErrorRef {
    pub fn code(&self) -> &str {
        match self {
            ErrorRef::Code(c) => c,
            ErrorRef::Described(d) => &d.code,
        }
    }

    pub fn description(&self) -> Option<&str> {
        match self {
            ErrorRef::Code(_) => None,
            ErrorRef::Described(d) => d.description.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<Member>,
}

/// The operation answers before its work is done; a job finishes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Async {
    pub description: String,
    /// Response field carrying the job ID (`JobId` when the response has
    /// one; some asynchronous calls answer without a job).
    #[serde(default)]
    pub job_id_field: Option<String>,
    /// How to wait for the work: the resource's state, or the job
    /// (`waiter: job`, also what an absent `waiter` means).
    #[serde(default)]
    pub waiter: Option<WaiterDecl>,
}

#[derive(Debug, Clone)]
pub enum WaiterDecl {
    /// `job`: poll ListAsynJobs with the JobId.
    Job,
    State(Box<Waiter>),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub per_seconds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum AccessLevel {
    #[serde(alias = "create")]
    Create,
    #[serde(alias = "read", alias = "get")]
    Read,
    #[serde(alias = "list")]
    List,
    #[serde(alias = "update")]
    Update,
    #[serde(alias = "delete")]
    Delete,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Create => "Create",
            AccessLevel::Read => "Read",
            AccessLevel::List => "List",
            AccessLevel::Update => "Update",
            AccessLevel::Delete => "Delete",
        }
    }
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
    /// A resource type of service.yaml `ram.resource_types`, or `*`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The ARN, when it is not the type's (a wildcard such as
    /// `loadbalancer/*`, or `*`).
    #[serde(default)]
    pub arn: Option<String>,
    /// `true`/`false`, or absent when the documentation does not say.
    #[serde(default)]
    pub required: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub date: String,
    pub change: String,
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

/// A waiter on the state of a resource: poll an operation until a state
/// is reached. Keys are checked (and every missing one reported) by the
/// checker, not by serde.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// UpperCamel name (`ListenerCreated`), used in docs and errors.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The operation to poll.
    #[serde(default)]
    pub poll: Option<String>,
    /// Poll-request parameters, each from `request.<path>` or
    /// `response.<path>` of the asynchronous operation.
    #[serde(default)]
    pub input: Vec<WaiterInput>,
    /// Response list to look at (`Listeners`); absent: the state is a
    /// top-level response field.
    #[serde(default)]
    pub items: Option<String>,
    /// Only items whose `field` is among the values at `in` (a
    /// `request.`/`response.` path) count; each value must reach a state.
    #[serde(default, rename = "match")]
    pub matcher: Option<WaiterMatch>,
    /// Field holding the state (inside each item, or top-level).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub success: Vec<String>,
    #[serde(default)]
    pub failure: Vec<String>,
    #[serde(default)]
    pub pending: Vec<String>,
    /// What a matched value that is missing from the list means.
    #[serde(default)]
    pub absent: Option<Outcome>,
    /// How often to poll; absent: `WaitPolicy::default()`'s delays.
    #[serde(default)]
    pub delay: Option<WaiterDelay>,
    /// How long to wait in all; absent: `WaitPolicy::default()`'s.
    #[serde(default)]
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterInput {
    /// Parameter of the polled operation.
    pub to: String,
    /// `request.ListenerId`, `request.Certificates[].CertificateId`,
    /// `response.AclId`.
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

/// `resources.yaml`: the resource model the emulator serves the API from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceModel {
    #[serde(default)]
    pub resources: Vec<ResourceDecl>,
    /// Things the API refers to but does not own, found in the emulator's world.
    #[serde(default)]
    pub external: Vec<ExternalDecl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceDecl {
    pub name: String,
    pub description: String,
    /// Wire name of the identifier.
    pub id: String,
    pub id_prefix: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub states: Option<StatesDecl>,
    #[serde(default)]
    pub tag_type: Option<String>,
    #[serde(default)]
    pub children: Vec<ChildDecl>,
    /// Record fields set on creation; `{id}`, `{region}`, `{now}` are filled in.
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatesDecl {
    #[serde(default)]
    pub creating: Option<String>,
    pub ready: String,
    #[serde(default)]
    pub updating: Option<String>,
    #[serde(default)]
    pub deleting: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildDecl {
    /// Path in the record (`AclConfig.AclRelations`).
    pub path: String,
    pub key: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub adding: Option<String>,
    #[serde(default)]
    pub ready: Option<String>,
    #[serde(default)]
    pub removing: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalDecl {
    pub field: String,
    pub kind: String,
    pub not_found: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// An operation's `emulator:` binding.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorBinding {
    pub verb: VerbDecl,
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub ids: Option<String>,
    #[serde(default)]
    pub child: Option<String>,
    #[serde(default)]
    pub transition: Option<TransitionDecl>,
    /// Field path -> value: a literal, `$Field` for a request field, or `null`.
    #[serde(default)]
    pub set: BTreeMap<String, serde_yaml::Value>,
    #[serde(default)]
    pub hooks: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerbDecl {
    Create,
    Get,
    List,
    Update,
    Delete,
    Transition,
    Add,
    Remove,
    ListChildren,
    Tag,
    Untag,
    ListTagResources,
    ListTagKeys,
    ListTagValues,
    Regions,
    Zones,
    Jobs,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionDecl {
    pub from: Vec<String>,
    pub via: String,
    pub to: String,
}
