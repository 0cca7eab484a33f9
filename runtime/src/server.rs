//! Helpers for the generated server side (the emulator): reading typed
//! values off the wire and the standard error answers.

// Errors are the answer itself (`ErrorMetadata`); the cold path needs no box.
#![allow(clippy::result_large_err)]

use crate::operation::Operation;
use crate::params::ParamMap;
use crate::service_error::ErrorMetadata;
use crate::validation::{Rule, ValidationError};

/// What a server knows about the request being handled.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: String,
    pub access_key_id: String,
    pub region: Option<String>,
}

/// Checks received parameters against the operation's schema (every
/// violation at once, types and list indices included), then reads the
/// typed request: what every generated server method receives.
pub fn parse_request<O>(params: &ParamMap) -> Result<O, ErrorMetadata>
where
    O: Operation + serde::de::DeserializeOwned,
{
    crate::validation::validate(O::META.input, params, O::META.name, true)
        .map_err(|e| invalid_parameter(&e))?;
    crate::wire::from_params::<O>(params).map_err(|e| {
        invalid_parameter(&ValidationError {
            operation: O::META.name,
            violations: vec![crate::validation::Violation {
                path: Vec::new(),
                rule: Rule::Type { expected: "value" },
            }],
        })
        .with_detail(&e.to_string())
    })
}

/// Renders an output as the service's JSON answer: absent values are left
/// out (the service omits them; a `null` list would trouble clients).
pub fn render<T: serde::Serialize>(output: &T) -> Result<serde_json::Value, ErrorMetadata> {
    let mut value = serde_json::to_value(output).map_err(|e| internal_error(&e.to_string()))?;
    prune_nulls(&mut value);
    Ok(value)
}

fn prune_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

trait WithDetail {
    fn with_detail(self, detail: &str) -> Self;
}

impl WithDetail for ErrorMetadata {
    fn with_detail(mut self, detail: &str) -> Self {
        self.message.push_str(" (");
        self.message.push_str(detail);
        self.message.push(')');
        self
    }
}

fn error(code: &str, status: u16, message: String) -> ErrorMetadata {
    ErrorMetadata {
        code: code.into(),
        message,
        http_status: status,
        ..Default::default()
    }
}

/// HTTP 400 answer to a request that breaks the spec, listing every violation.
pub fn invalid_parameter(e: &ValidationError) -> ErrorMetadata {
    let missing = e.violations.iter().find(|v| v.rule == Rule::Required);
    match (missing, e.violations.len()) {
        (Some(v), 1) => error(
            "MissingParameter",
            400,
            format!("The input parameter \"{}\" that is mandatory for processing this request is not supplied.", v.wire_name()),
        ),
        _ => {
            let list: Vec<String> = e.violations.iter().map(|v| format!("{} {}", v.wire_name(), v.rule)).collect();
            error("InvalidParameter", 400, format!("Invalid parameter, please check the parameter input: {}", list.join("; ")))
        }
    }
}

pub fn unknown_action(action: &str) -> ErrorMetadata {
    error(
        "InvalidAction.NotFound",
        404,
        format!("Specified api is not found, please check your url and method. Action: {action}"),
    )
}

pub fn not_implemented(action: &str) -> ErrorMetadata {
    error(
        "OperationNotSupported",
        501,
        format!("The operation {action} is not implemented by this server."),
    )
}

pub fn internal_error(detail: &str) -> ErrorMetadata {
    error(
        "InternalError",
        500,
        format!("The request processing has failed due to some unknown error: {detail}"),
    )
}
