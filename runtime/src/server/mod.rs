//! Helpers for the generated server side (the emulator): reading typed
//! values off the wire and the standard error answers.

// Errors are the answer itself (`ErrorMetadata`); the cold path needs no box.
#![allow(clippy::result_large_err)]

pub mod model;

use crate::operation::{Operation, OperationMeta};
use crate::params::ParamMap;
use crate::service_error::{ErrorCodeInfo, ErrorMetadata, OperationError};
use crate::validation::{Rule, ValidationError};

/// What a server knows about the request being handled.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The `RequestId` the answer carries.
    pub request_id: String,
    /// The caller's AccessKey ID, once the signature is checked (empty
    /// before).
    pub access_key_id: String,
    /// The region the server plays, if it plays one.
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

/// One call, for a server that handles every operation the same way (the
/// emulator's engine): the request validated and parsed as the typed
/// request would be, then as JSON with wire names.
#[derive(Debug)]
pub struct JsonCall<'a> {
    /// The request's context.
    pub ctx: &'a RequestContext,
    /// The operation called.
    pub meta: &'static OperationMeta,
    /// The codes the operation documents.
    pub codes: &'static [&'static ErrorCodeInfo],
    /// The service-wide codes any operation may return.
    pub common: &'static [&'static ErrorCodeInfo],
    /// The typed request as a JSON object with wire names, absent fields
    /// as `null`.
    pub request: serde_json::Value,
}

impl JsonCall<'_> {
    /// Whether the operation documents `code` (its own or a common one).
    pub fn documents(&self, code: &str) -> bool {
        self.codes.iter().chain(self.common).any(|e| e.code == code)
    }
}

/// A refusal: a catalogue code and the values of its message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The error code (`ResourceNotFound.Listener`).
    pub code: String,
    /// The values of the template's `%s` slots, in order.
    pub args: Vec<String>,
}

impl Refusal {
    /// A refusal with `code` and its template values.
    pub fn new<S: Into<String>>(
        code: impl Into<String>,
        args: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            code: code.into(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }
}

/// A server that answers every operation as JSON.
pub trait JsonService: Send + Sync {
    /// The answer's fields by wire name (fields the response does not have
    /// are dropped), or a refusal.
    fn call(&self, call: JsonCall<'_>) -> Result<serde_json::Value, Refusal>;
}

/// Serves one operation through a [`JsonService`]: validates and parses the
/// request as its typed form (so the JSON is what a typed server would
/// see), calls the service, and renders the answer through the typed
/// response (so it has the response's fields and types only). A refusal
/// becomes the operation's documented error, else the catalogue's entry
/// for the code (`catalogue`), else a 400 with the code.
pub fn handle_json<O>(
    service: &dyn JsonService,
    ctx: &RequestContext,
    params: &ParamMap,
    catalogue: &[&ErrorCodeInfo],
) -> Result<serde_json::Value, ErrorMetadata>
where
    O: Operation + serde::de::DeserializeOwned,
    O::Output: serde::Serialize,
{
    let request: O = parse_request(params)?;
    let request = serde_json::to_value(&request).map_err(|e| internal_error(&e.to_string()))?;
    let call = JsonCall {
        ctx,
        meta: O::META,
        codes: <O::Error as OperationError>::CODES,
        common: <O::Error as OperationError>::COMMON,
        request,
    };
    match service.call(call) {
        Ok(value) => {
            let output: O::Output = serde_json::from_value(value).map_err(|e| {
                internal_error(&format!("the answer does not fit {}: {e}", O::META.name))
            })?;
            render(&output)
        }
        Err(refusal) => Err(refusal_metadata::<O::Error>(&refusal, catalogue)),
    }
}

fn refusal_metadata<E: OperationError>(r: &Refusal, catalogue: &[&ErrorCodeInfo]) -> ErrorMetadata {
    let args: Vec<&str> = r.args.iter().map(String::as_str).collect();
    if crate::service_error::lookup(E::CODES, E::COMMON, &r.code).is_some() {
        return E::from_code(&r.code, &args).metadata().clone();
    }
    match catalogue.iter().find(|e| e.code == r.code) {
        Some(e) => ErrorMetadata {
            code: e.code.to_string(),
            message: crate::service_error::render_template(e.message, &args),
            http_status: e.http_status,
            ..Default::default()
        },
        None => error(&r.code, 400, args.join(" ")),
    }
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

/// HTTP 404 `InvalidAction.NotFound`: the server has no operation named
/// `action`, as the service answers.
pub fn unknown_action(action: &str) -> ErrorMetadata {
    error(
        "InvalidAction.NotFound",
        404,
        format!("Specified api is not found, please check your url and method. Action: {action}"),
    )
}

/// HTTP 501 `OperationNotSupported`: the operation exists but this server
/// (or test stub) does not implement it. Never retried by the client.
pub fn not_implemented(action: &str) -> ErrorMetadata {
    error(
        "OperationNotSupported",
        501,
        format!("The operation {action} is not implemented by this server (or stub)."),
    )
}

/// HTTP 500 `InternalError`, with `detail` in the message: a bug of the
/// server. The client retries it, as any 5xx but 501.
pub fn internal_error(detail: &str) -> ErrorMetadata {
    error(
        "InternalError",
        500,
        format!("The request processing has failed due to some unknown error: {detail}"),
    )
}
