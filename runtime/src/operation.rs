//! What generated code declares about each operation, and the trait the
//! client's call engine drives.

use crate::params::{ParamMap, Params};
use crate::service_error::OperationError;
use crate::validation::ValidationError;
use serde::de::DeserializeOwned;

/// A documented request quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub per_seconds: u32,
}

/// RAM access level of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    Create,
    Read,
    List,
    Update,
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

/// A resource type an action is authorized on, with its ARN template
/// (`acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RamResource {
    pub resource_type: &'static str,
    pub arn_template: &'static str,
    pub required: bool,
}

impl RamResource {
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
    pub action: &'static str,
    pub access_level: AccessLevel,
    pub resources: &'static [RamResource],
    pub condition_keys: &'static [&'static str],
}

/// Everything the runtime needs to know about an operation, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The `Action` wire name.
    pub name: &'static str,
    pub api_version: &'static str,
    pub rate_limit: Option<RateLimit>,
    /// Returns a JobId and finishes in the background.
    pub is_async: bool,
    pub ram: RamMeta,
    /// Wire name of the idempotency token parameter (ClientToken), if any.
    pub idempotency_param: Option<&'static str>,
    /// Wire name of the dry-run parameter, if any.
    pub dry_run_param: Option<&'static str>,
}

/// Implemented by every generated request type.
pub trait Operation: Clone + Send + Sync + 'static {
    type Output: DeserializeOwned + Send + 'static;
    type Error: OperationError;

    const META: &'static OperationMeta;

    /// Every violation of the spec's constraints, at once.
    fn validate(&self) -> Result<(), ValidationError>;

    /// Flattened wire parameters, in a stable order.
    fn write_params(&self, params: &mut Params);

    /// The idempotency token slot, for operations that have one.
    fn idempotency_token_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }

    /// Whether this request only asks for a pre-check.
    fn is_dry_run(&self) -> bool {
        false
    }

    /// Turns the dry-run flag on or off; `false` if the operation has none.
    fn set_dry_run(&mut self, _on: bool) -> bool {
        false
    }

    fn to_params(&self) -> Params {
        let mut p = Params::new();
        self.write_params(&mut p);
        p
    }
}

/// Server side: parse a typed request out of received wire parameters.
pub trait FromParams: Sized {
    fn from_params(params: &ParamMap) -> Result<Self, ValidationError>;
}
