//! What generated code declares about each operation, and the trait the
//! client's call engine drives.

use crate::params::ParamMap;
use crate::schema::Object;
use crate::service_error::OperationError;
use crate::validation::{validate, ValidationError};
use crate::wire::SerError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A documented request quota: `requests` per `per_seconds` seconds (the
/// spec's `rate_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in each period (`requests`); also the largest burst.
    pub requests: u32,
    /// Length of the period in seconds (`per_seconds`).
    pub per_seconds: u32,
}

/// RAM access level of an action (the spec's `ram.access_level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// Creates a resource.
    Create,
    /// Reads one resource; never changes anything.
    Read,
    /// Lists resources; never changes anything.
    List,
    /// Changes a resource.
    Update,
    /// Deletes a resource.
    Delete,
}

impl AccessLevel {
    /// The level as RAM's documentation writes it (`Create`, `Read`, ...).
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

/// A resource type an action is authorized on, with its ARN template
/// (`acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamResource {
    /// The RAM resource type (`LoadBalancer`), or `*`.
    pub resource_type: &'static str,
    /// The ARN with `{#name}` placeholders: the type's ARN of service.yaml
    /// `ram.resource_types`, or the operation's own `arn` (a wildcard).
    pub arn_template: &'static str,
    /// Whether the action always names a resource of this type; `None`
    /// when the documentation does not say.
    pub required: Option<bool>,
}

impl RamResource {
    /// A resource entry, as generated code declares it.
    pub const fn new(
        resource_type: &'static str,
        arn_template: &'static str,
        required: Option<bool>,
    ) -> Self {
        Self {
            resource_type,
            arn_template,
            required,
        }
    }

    /// Renders the ARN: each `{#name}` placeholder takes the value given for
    /// `name` (case-insensitive); placeholders without a value become `*`.
    pub fn arn(&self, values: &[(&str, &str)]) -> String {
        render_arn(self.arn_template, values)
    }
}

/// See [`RamResource::arn`].
pub fn render_arn(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find("{#") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        let value = values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .unwrap_or("*");
        out.push_str(value);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// RAM authorization of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamMeta {
    /// The RAM action (`alb:CreateListener`), as in a policy's `Action`.
    pub action: &'static str,
    /// The action's access level.
    pub access_level: AccessLevel,
    /// Resource types the action is authorized on (`ram.resources`); empty
    /// when the documentation names none.
    pub resources: &'static [RamResource],
    /// Condition keys a policy may test (`alb:ListenerProtocol`).
    pub condition_keys: &'static [&'static str],
}

/// Everything the runtime needs to know about an operation, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The `Action` wire name.
    pub name: &'static str,
    /// The `Version` wire value (`2020-06-16`).
    pub api_version: &'static str,
    /// The documented quota, if any; the client limits itself to it by
    /// default ([`RateLimitMode::FromSpec`](crate::RateLimitMode::FromSpec)).
    pub rate_limit: Option<RateLimit>,
    /// Returns a JobId and finishes in the background.
    pub is_async: bool,
    /// The spec marks the operation deprecated.
    pub deprecated: bool,
    /// RAM authorization of the action.
    pub ram: RamMeta,
    /// The request's parameters and their constraints.
    pub input: &'static Object,
    /// Wire name of the idempotency token parameter (ClientToken), if any.
    pub idempotency_param: Option<&'static str>,
    /// Wire name of the dry-run parameter, if any.
    pub dry_run_param: Option<&'static str>,
}

impl OperationMeta {
    /// Reading never changes anything: safe to resend.
    pub fn is_read_only(&self) -> bool {
        matches!(self.ram.access_level, AccessLevel::Read | AccessLevel::List)
    }
}

/// Implemented by every generated request type. Everything but these
/// declarations is generic code of the runtime.
pub trait Operation: Serialize + Clone + Send + Sync + 'static {
    /// The decoded response.
    type Output: DeserializeOwned + Send + 'static;
    /// The operation's error enum (its documented codes).
    type Error: OperationError;

    /// What the spec says about the operation.
    const META: &'static OperationMeta;

    /// The idempotency token slot, for operations that have one.
    fn idempotency_token_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }

    /// The dry-run flag, for operations that have one.
    fn dry_run_mut(&mut self) -> Option<&mut Option<bool>> {
        None
    }

    /// Called with the output of a successful call: an asynchronous
    /// operation's output keeps what its waiter needs from the request.
    fn complete(&self, _output: &mut Self::Output) {}

    /// The flattened wire parameters, sorted by key.
    fn to_params(&self) -> Result<ParamMap, SerError> {
        crate::wire::to_param_map(self)
    }

    /// Every violation of the spec's constraints, at once.
    fn validate(&self) -> Result<(), ValidationError> {
        match self.to_params() {
            Ok(params) => validate(Self::META.input, &params, Self::META.name, false),
            Err(e) => Err(ValidationError::unflattenable(Self::META.name, e)),
        }
    }
}

/// Marks operations that take a DryRun parameter (their builders get
/// `dry_run()`).
pub trait SupportsDryRun: Operation {}
