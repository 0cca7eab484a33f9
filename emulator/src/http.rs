//! The HTTP front: one handler for every request on `/`.
//!
//! Order of work for a call: read the parameters (query string, then a
//! form body), find the action (`x-acs-action` or `Action`), refuse an
//! unknown one, check the API version, authenticate, apply faults, look
//! up the `ClientToken`, dispatch to the generated server code, answer JSON
//! with a `RequestId`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alb_runtime::server::RequestContext;
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{ErrorMetadata, ParamMap};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::auth::{common_error, Incoming, NonceStore};
use crate::engine::Engine;
use crate::engine::Model;
use crate::faults::{Fault, FaultHandle};
use crate::idempotency::{self, Idempotency, Lookup};

/// Largest request body read; a larger one is refused.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Requests remembered for [`crate::RunningEmulator::requests`].
pub const REQUEST_LOG_CAPACITY: usize = 10_000;
/// Unauthenticated inspection endpoint: the current state as JSON.
pub const STATE_PATH: &str = "/_emulator/state";

/// The HTML page a gateway answers with on 502.
pub const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n";

/// One request, as the emulator saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub request_id: String,
    pub method: String,
    pub action: Option<String>,
    pub access_key_id: Option<String>,
    pub signature_version: Option<SignatureVersion>,
    pub client_token: Option<String>,
    /// 0 when the connection was dropped without an answer.
    pub http_status: u16,
    /// The error code answered, if any.
    pub code: Option<String>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// Answered from the idempotency cache (the operation did not act again).
    pub replayed: bool,
}

/// Everything the handler shares.
pub(crate) struct Shared {
    pub model: Arc<Mutex<Model>>,
    pub engine: Engine,
    pub nonces: Mutex<NonceStore>,
    pub idempotency: Idempotency,
    pub faults: FaultHandle,
    pub log: Mutex<VecDeque<RequestRecord>>,
    pub region: String,
    pub body_timeout: std::time::Duration,
}

impl Shared {
    fn record(&self, rec: RequestRecord) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() >= REQUEST_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(rec);
    }
}

/// Marks a response whose connection must be closed without answering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(STATE_PATH, axum::routing::get(state_handler))
        .fallback(handle)
        .with_state(shared)
}

async fn state_handler(State(shared): State<Arc<Shared>>) -> Response {
    let snapshot = {
        let mut m = shared.model.lock().unwrap_or_else(|p| p.into_inner());
        m.settle(Instant::now());
        m.snapshot()
    };
    json_response(StatusCode::OK, &snapshot.to_json(), None)
}

fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

fn json_response(status: StatusCode, body: &str, request_id: Option<&str>) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        h.insert("x-acs-request-id", id);
    }
    resp
}

/// Alibaba's error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
pub(crate) fn error_body(meta: &ErrorMetadata, request_id: &str, region: &str) -> String {
    serde_json::json!({
        "RequestId": request_id,
        "HostId": format!("alb.{region}.aliyuncs.com"),
        "Code": meta.code,
        "Message": meta.message,
        "Recommend": format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Alb&requestId={request_id}",
            meta.code
        ),
    })
    .to_string()
}

fn error_response(meta: &ErrorMetadata, request_id: &str, region: &str) -> Response {
    let status = StatusCode::from_u16(meta.http_status)
        .ok()
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::BAD_REQUEST);
    json_response(
        status,
        &error_body(meta, request_id, region),
        Some(request_id),
    )
}

/// A new request ID (upper-case UUID, as the service's).
pub(crate) fn new_request_id() -> String {
    request_id()
}

/// 500 `InternalError` for a handler that panicked (a bug, never bad input).
pub(crate) fn panic_response(detail: &str) -> Response {
    tracing::error!(detail, "handler panicked");
    let meta = alb_runtime::server::internal_error("the emulator failed unexpectedly");
    error_response(&meta, &request_id(), crate::DEFAULT_REGION)
}

fn fault_response(fault: &Fault, request_id: &str, region: &str) -> Response {
    match fault {
        Fault::Throttling { retry_after_ms } => {
            let mut resp =
                error_response(&common_error("Throttling.User", &[]), request_id, region);
            if let Some(ms) = retry_after_ms {
                if let Ok(v) = HeaderValue::from_str(&ms.to_string()) {
                    resp.headers_mut().insert("x-acs-retry-after", v);
                }
            }
            resp
        }
        Fault::ServiceUnavailable => {
            error_response(&common_error("ServiceUnavailable", &[]), request_id, region)
        }
        Fault::InternalError => {
            error_response(&common_error("InternalError", &[]), request_id, region)
        }
        Fault::Html502 => {
            let mut resp = (StatusCode::BAD_GATEWAY, HTML_502).into_response();
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            resp
        }
        Fault::DropConnection => {
            let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            resp.extensions_mut().insert(DropConnection);
            resp
        }
        // Never replacements: they delay the call or fail its job.
        Fault::Slow { .. } | Fault::JobFails { .. } => StatusCode::OK.into_response(),
    }
}

fn is_true(v: Option<&str>) -> bool {
    matches!(v, Some("true" | "True" | "TRUE"))
}

fn simple_error(code: &str, status: u16, message: &str) -> ErrorMetadata {
    ErrorMetadata {
        code: code.into(),
        message: message.into(),
        http_status: status,
        ..Default::default()
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let id = request_id();
    let mut rec = RequestRecord {
        request_id: id.clone(),
        method: method.to_string(),
        action: None,
        access_key_id: None,
        signature_version: None,
        client_token: None,
        http_status: 0,
        code: None,
        fault: None,
        replayed: false,
    };
    let resp = process(&shared, &method, &uri, &headers, body, &mut rec).await;
    let dropped = resp.extensions().get::<DropConnection>().is_some();
    rec.http_status = if dropped { 0 } else { resp.status().as_u16() };
    tracing::info!(
        request_id = %rec.request_id,
        action = rec.action.as_deref().unwrap_or("-"),
        status = rec.http_status,
        code = rec.code.as_deref().unwrap_or("-"),
        fault = ?rec.fault,
        replayed = rec.replayed,
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    shared.record(rec);
    resp
}

async fn process(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
    rec: &mut RequestRecord,
) -> Response {
    let id = rec.request_id.clone();
    let region = shared.region.as_str();
    let fail = |rec: &mut RequestRecord, meta: ErrorMetadata| {
        rec.code = Some(meta.code.clone());
        error_response(&meta, &rec.request_id, region)
    };

    if method != Method::POST && method != Method::GET {
        return fail(
            rec,
            simple_error(
                "UnsupportedHTTPMethod",
                405,
                "The HTTP method is not supported: use POST or GET.",
            ),
        );
    }
    if uri.path() != "/" {
        return fail(rec, alb_runtime::server::unknown_action(uri.path()));
    }
    let body = match tokio::time::timeout(
        shared.body_timeout,
        axum::body::to_bytes(body, MAX_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Err(_) => {
            return fail(
                rec,
                simple_error(
                    "RequestTimeout",
                    408,
                    "The request body did not arrive in time.",
                ),
            )
        }
        Ok(Err(_)) => {
            return fail(
                rec,
                simple_error(
                    "RequestEntityTooLarge",
                    413,
                    "The request body is too large or could not be read.",
                ),
            )
        }
    };
    let query = crate::wire::parse_pairs(uri.query().unwrap_or_default().as_bytes());
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let form = if is_form {
        crate::wire::parse_pairs(&body)
    } else {
        Vec::new()
    };
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // Query first, then the body: a later value wins.
    let params = ParamMap::new(query.iter().chain(form.iter()).cloned());
    let header = |name: &str| {
        header_pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };

    // Routing takes only what the signature covers: V1 signs the
    // parameters, so its Action and Version come from them and headers are
    // ignored (Alibaba's V1 clients send unsigned x-acs-action/-version
    // headers beside them); V3 signs the x-acs-* headers, which
    // authentication requires to be in SignedHeaders.
    let v3 = header("authorization").is_some();
    let signed_value = |header_name: &str, param: &str| {
        if v3 {
            header(header_name).or_else(|| params.get(param))
        } else {
            params.get(param)
        }
    };
    let Some(action) = signed_value("x-acs-action", "Action")
        .filter(|a| !a.is_empty())
        .map(str::to_string)
    else {
        return fail(rec, common_error("MissingParameter", &["Action"]));
    };
    rec.action = Some(action.clone());
    let ctx = RequestContext {
        request_id: id.clone(),
        access_key_id: String::new(),
        region: Some(shared.region.clone()),
    };
    if !alb_sdk::server::ACTIONS.contains(&action.as_str()) {
        // The generated dispatcher's answer to an operation it does not know.
        return fail(rec, alb_runtime::server::unknown_action(&action));
    }
    match signed_value("x-acs-version", "Version") {
        None => return fail(rec, common_error("MissingParameter", &["Version"])),
        Some(v) if v != crate::API_VERSION => {
            return fail(
                rec,
                simple_error(
                    "InvalidVersion",
                    400,
                    "Specified parameter Version is not valid.",
                ),
            )
        }
        Some(_) => {}
    }
    // Answers are JSON: `Format=JSON` in any case is fine (Alibaba's older
    // clients send it); XML, which the real service can render, is refused
    // plainly rather than answered in the wrong format.
    if let Some(format) = params.get("Format").filter(|f| !f.is_empty()) {
        if !format.eq_ignore_ascii_case("json") {
            return fail(
                rec,
                simple_error(
                    "InvalidParameter",
                    400,
                    &format!("The emulator answers JSON only: Format={format} is not supported (omit Format or send Format=JSON)."),
                ),
            );
        }
    }

    let keys = shared
        .model
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .access_keys
        .clone();
    let incoming = Incoming {
        method: method.as_str(),
        query: &query,
        form: &form,
        headers: &header_pairs,
        body: &body,
    };
    let caller = match crate::auth::authenticate(
        &incoming,
        &keys,
        &shared.nonces,
        time::OffsetDateTime::now_utc(),
    ) {
        Ok(c) => c,
        Err(e) => return fail(rec, e),
    };
    rec.access_key_id = Some(caller.access_key_id.clone());
    rec.signature_version = Some(caller.signature_version);
    let client_token = params
        .get("ClientToken")
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    rec.client_token = client_token.clone();
    let ctx = RequestContext {
        access_key_id: caller.access_key_id.clone(),
        ..ctx
    };

    let decision = shared.faults.decide(&action, &id);
    if decision.delay_ms > 0 {
        rec.fault = Some(Fault::Slow {
            ms: decision.delay_ms,
        });
        tokio::time::sleep(Duration::from_millis(decision.delay_ms)).await;
    }
    if let Some(fault) = decision.before {
        rec.code = fault_code(&fault);
        let resp = fault_response(&fault, &id, region);
        rec.fault = Some(fault);
        return resp;
    }

    // The jobs this request starts fail (the mark is the request's own, so
    // concurrent calls are not affected).
    let job_failure = decision.job_failure.clone();
    if let Some(failure) = &job_failure {
        rec.fault = Some(Fault::JobFails {
            code: failure.code.clone(),
            message: failure.message.clone(),
        });
        let mut m = shared.model.lock().unwrap_or_else(|p| p.into_inner());
        m.failing_requests.push((id.clone(), failure.clone()));
    }
    let token_key = client_token
        .filter(|_| {
            idempotency::meta(&action).is_some_and(|m| m.idempotency_param.is_some())
                && !is_true(params.get("DryRun"))
        })
        .map(|token| idempotency::Key {
            access_key_id: caller.access_key_id.clone(),
            action: action.clone(),
            client_token: token,
        });
    let result = match token_key {
        None => alb_sdk::server::dispatch_json(&shared.engine, &ctx, &action, &params),
        Some(key) => {
            let _gate = shared.idempotency.gate().await;
            let fingerprint = idempotency::fingerprint(&params);
            match shared.idempotency.lookup(&key, &fingerprint) {
                Lookup::Hit(v) => {
                    rec.replayed = true;
                    Ok(v)
                }
                Lookup::Mismatch => Err(idempotency::mismatch()),
                Lookup::Miss => {
                    let r = alb_sdk::server::dispatch_json(&shared.engine, &ctx, &action, &params);
                    if let Ok(v) = &r {
                        shared.idempotency.store(key, fingerprint, v.clone());
                    }
                    r
                }
            }
        }
    };

    if job_failure.is_some() {
        let mut m = shared.model.lock().unwrap_or_else(|p| p.into_inner());
        m.failing_requests.retain(|(r, _)| r != &id);
    }
    if let Some(fault) = decision.after {
        rec.code = fault_code(&fault);
        let resp = fault_response(&fault, &id, region);
        rec.fault = Some(fault);
        return resp;
    }
    match result {
        Ok(mut value) => {
            if let Some(obj) = value.as_object_mut() {
                obj.insert("RequestId".into(), serde_json::Value::String(id.clone()));
            }
            json_response(StatusCode::OK, &value.to_string(), Some(&id))
        }
        Err(e) => fail(rec, e),
    }
}

fn fault_code(fault: &Fault) -> Option<String> {
    match fault {
        Fault::Throttling { .. } => Some("Throttling.User".into()),
        Fault::ServiceUnavailable => Some("ServiceUnavailable".into()),
        Fault::InternalError => Some("InternalError".into()),
        Fault::Html502 | Fault::DropConnection | Fault::Slow { .. } | Fault::JobFails { .. } => {
            None
        }
    }
}
