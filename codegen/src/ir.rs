//! The resolved model the checker returns and the emitters consume: every
//! reference (shape, error code, common parameter, polled operation, path)
//! already points at what it names, and every Rust name is derived. The
//! emitters never look anything up by name.

use crate::model::{AccessLevel, Outcome, Role, WaiterDelay};
use std::path::PathBuf;

/// The operation the job waiter polls (`JobIds` in, `Jobs[].{Id, Status,
/// ErrorCode, ErrorMessage}` out).
pub const JOB_OPERATION: &str = "ListAsynJobs";

/// Index into [`Api::shapes`].
pub type ShapeId = usize;
/// Index into [`Api::errors`].
pub type ErrorId = usize;
/// Index into [`Api::operations`].
pub type OpId = usize;

#[derive(Debug, Clone)]
pub struct Api {
    pub product: String,
    pub name: String,
    pub api_version: String,
    pub ram_service: String,
    /// The catalogue, sorted by code.
    pub errors: Vec<ErrorIr>,
    /// Codes any operation may return.
    pub common_errors: Vec<ErrorId>,
    /// Named shapes (from shapes/) and inline objects and enums (from
    /// operations), sorted by Rust name.
    pub shapes: Vec<ShapeIr>,
    /// Sorted by name.
    pub operations: Vec<OperationIr>,
    /// Sorted by name.
    pub resource_types: Vec<ResourceTypeIr>,
    /// The emulator's resource model (resources.yaml).
    pub model: ModelIr,
    /// The crate's user guide (guide.md), Markdown.
    pub guide: Option<String>,
}

/// resources.yaml, checked.
#[derive(Debug, Clone, Default)]
pub struct ModelIr {
    pub resources: Vec<crate::model::ResourceDecl>,
    pub external: Vec<crate::model::ExternalDecl>,
}

/// An operation's `emulator:` binding, checked.
#[derive(Debug, Clone)]
pub struct BindingIr {
    pub verb: crate::model::VerbDecl,
    pub resource: Option<String>,
    pub id: Option<String>,
    pub items: Option<String>,
    pub ids: Option<String>,
    pub child: Option<String>,
    pub transition: Option<crate::model::TransitionDecl>,
    pub set: Vec<(String, SetIr)>,
    pub hooks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetIr {
    /// JSON text.
    Literal(String),
    Request(String),
    Remove,
}

#[derive(Debug, Clone)]
pub struct ErrorIr {
    pub code: String,
    /// `ResourceNotFoundListener`.
    pub variant: String,
    /// `RESOURCE_NOT_FOUND_LISTENER`: the catalogue static.
    pub static_name: String,
    /// `is_resource_not_found_listener`.
    pub is_method: String,
    pub http_status: u16,
    pub message: String,
    pub description: String,
    pub retryable: bool,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ShapeIr {
    /// The spec name, which is the Rust type name (`Tag`).
    pub name: String,
    /// `tag`: the module under `types/` of a named shape.
    pub module: String,
    pub description: String,
    pub notes: Vec<String>,
    pub kind: ShapeKind,
    /// The operation that declares it inline, if it is not a named shape.
    pub owner: Option<OpId>,
    /// Where it is written: `shapes/Tag.yaml` or the owning operation's file.
    pub source: PathBuf,
    /// Used in some request (needs a schema and `Serialize`).
    pub in_request: bool,
    /// Used in some response (needs `Deserialize`).
    pub in_response: bool,
}

#[derive(Debug, Clone)]
pub enum ShapeKind {
    Struct {
        fields: Vec<MemberIr>,
        conditions: Vec<ConditionIr>,
    },
    Enum {
        values: Vec<EnumValueIr>,
    },
    /// Constraints only (`TagKey`): fields that refer to it are strings,
    /// integers or booleans with these rules. No Rust type of its own.
    Scalar {
        ty: TypeIr,
    },
}

#[derive(Debug, Clone)]
pub struct EnumValueIr {
    pub value: String,
    pub variant: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MemberIr {
    pub wire: String,
    /// `listener_id`, `r#type`.
    pub ident: String,
    pub description: Option<String>,
    pub required: bool,
    pub ty: TypeIr,
    pub role: Option<Role>,
    pub example: Option<String>,
    pub default: Option<String>,
    pub values_from: Vec<String>,
    pub deprecated: bool,
    pub notes: Vec<String>,
    /// The shape this member refers to, for its docs.
    pub shape: Option<ShapeId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeIr {
    String(StrRules),
    Integer(IntRules),
    Number,
    Boolean,
    /// A string limited to an enum's values (`allowed`: the values this
    /// use permits, possibly fewer than the enum has).
    Enum {
        shape: ShapeId,
        allowed: Vec<String>,
    },
    Struct(ShapeId),
    List(Box<ListIr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListIr {
    pub item: TypeIr,
    /// The shape the items refer to (`items: { shape: TagKey }`).
    pub item_shape: Option<ShapeId>,
    pub min_items: Option<u32>,
    pub max_items: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrRules {
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    pub ascii_only: bool,
    pub first: Option<CharsIr>,
    pub chars: Option<CharsIr>,
    /// `Ipv4`, `Cidr`, ... (the runtime's `schema::Format` variant).
    pub format: Option<&'static str>,
    pub not_prefixes: Vec<String>,
    pub not_contains: Vec<String>,
}

impl StrRules {
    pub fn is_empty(&self) -> bool {
        *self == StrRules::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CharsIr {
    /// Names of `schema::Chars` class constants: `LETTER`, `DIGIT`, ...
    pub classes: Vec<&'static str>,
    pub extra: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntRules {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub int64: bool,
}

#[derive(Debug, Clone)]
pub enum ConditionIr {
    RequiredIf {
        field: String,
        when: String,
        values: Vec<String>,
    },
    Exclusive(Vec<String>),
    OneRequired(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct OperationIr {
    pub name: String,
    /// `create_listener`: module and client method.
    pub module: String,
    pub title: String,
    pub description: String,
    pub source: PathBuf,
    pub deprecated: bool,
    pub related: Vec<String>,
    pub params: Vec<MemberIr>,
    pub conditions: Vec<ConditionIr>,
    pub response_doc: String,
    pub response: Vec<MemberIr>,
    /// Codes this operation documents, with its own remark on each.
    pub errors: Vec<(ErrorId, Option<String>)>,
    pub rate_limit: Option<(u32, u32)>,
    pub ram: RamIr,
    pub pagination: Option<PaginationIr>,
    pub asynchronous: Option<AsyncIr>,
    pub history: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// Named shapes the operation's types use, for re-export.
    pub uses_shapes: Vec<ShapeId>,
    /// What the emulator does for it.
    pub binding: Option<BindingIr>,
}

impl OperationIr {
    pub fn role_param(&self, role: Role) -> Option<&MemberIr> {
        self.params.iter().find(|p| p.role == Some(role))
    }
}

#[derive(Debug, Clone)]
pub struct RamIr {
    pub action: String,
    pub access_level: AccessLevel,
    pub resources: Vec<RamResourceIr>,
    pub condition_keys: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RamResourceIr {
    pub resource_type: String,
    pub arn: String,
    pub required: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct ResourceTypeIr {
    pub name: String,
    /// `load_balancer_arn`.
    pub function: String,
    pub arn: String,
    pub description: String,
    /// The ARN's placeholders, in order, with their argument names.
    pub placeholders: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct PaginationIr {
    pub token_param: String,
    pub page_size_param: Option<(String, bool)>,
    pub output_token: String,
    pub items: String,
    pub item_ty: TypeIr,
}

#[derive(Debug, Clone)]
pub struct AsyncIr {
    pub description: String,
    /// The response field with the JobId, if the call answers with one.
    pub job_id_field: Option<String>,
    pub waiter: WaiterIr,
}

#[derive(Debug, Clone)]
pub enum WaiterIr {
    /// ListAsynJobs polled with the JobId.
    Job,
    State(Box<StateWaiterIr>),
}

#[derive(Debug, Clone)]
pub struct StateWaiterIr {
    /// `wait_until_listener_created` (the name in snake case).
    pub name: String,
    pub description: String,
    pub poll: OpId,
    pub inputs: Vec<WaiterInputIr>,
    pub observe: ObserveIr,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub pending: Vec<String>,
    pub absent: Option<Outcome>,
    pub delay: Option<WaiterDelay>,
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct WaiterInputIr {
    /// The polled request's field.
    pub to: String,
    /// Whether `to` is a list (several values) or one value.
    pub to_list: bool,
    /// The wire name of `to`, for messages.
    pub to_wire: String,
    pub from: ValuePath,
}

/// Where values come from in the asynchronous call.
#[derive(Debug, Clone)]
pub struct ValuePath {
    pub source: Source,
    pub steps: Vec<PathStep>,
    /// `request.Certificates[].CertificateId`, for messages.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Request,
    Response,
}

#[derive(Debug, Clone)]
pub struct PathStep {
    pub ident: String,
    /// An `Option` in Rust (scalars and objects), not a `Vec`.
    pub optional: bool,
    /// Goes through every item of a list.
    pub each: bool,
    /// The leaf is an enum (its text is `as_str()`).
    pub is_enum: bool,
}

#[derive(Debug, Clone)]
pub enum ObserveIr {
    /// A top-level field of the polled response.
    Field { state: StateField },
    /// Every item of a list.
    Items { list: String, state: StateField },
    /// The items whose `key` is among the values at `values`.
    Matched {
        list: String,
        key: StateField,
        state: StateField,
        values: ValuePath,
    },
}

#[derive(Debug, Clone)]
pub struct StateField {
    pub ident: String,
    pub is_enum: bool,
}

/// Whether a type's Rust form is `Vec<_>` (lists) rather than `Option<_>`.
pub fn is_list(ty: &TypeIr) -> bool {
    matches!(ty, TypeIr::List(_))
}

/// For docs: how the polled operation, a waiter and an outcome read.
pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "success",
        Outcome::Failure => "failure",
        Outcome::Pending => "pending",
    }
}
