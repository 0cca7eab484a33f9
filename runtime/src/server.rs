//! Helpers for the generated server side (the emulator): reading typed
//! values off the wire and the standard error answers.

use crate::params::ParamMap;
use crate::service_error::ErrorMetadata;
use crate::validation::{Rule, ValidationError, Validator};

/// What a server knows about the request being handled.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub request_id: String,
    pub access_key_id: String,
    pub region: Option<String>,
}

/// Booleans: `true`/`false` from this SDK, `True`/`False` from the official Python SDK.
pub fn read_bool(
    params: &ParamMap,
    key: &str,
    field: &'static str,
    v: &mut Validator,
) -> Option<bool> {
    let raw = params.get(key)?;
    match raw {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => {
            v.violation(
                field,
                Rule::Type {
                    expected: "boolean",
                },
            );
            None
        }
    }
}

pub fn read_int<T: std::str::FromStr>(
    params: &ParamMap,
    key: &str,
    field: &'static str,
    v: &mut Validator,
) -> Option<T> {
    let raw = params.get(key)?;
    match raw.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            v.violation(
                field,
                Rule::Type {
                    expected: "integer",
                },
            );
            None
        }
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
