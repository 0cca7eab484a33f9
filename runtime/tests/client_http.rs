//! The call engine (`Core::send`, `Core::dry_run`) against a scripted
//! HTTP/1.1 server on 127.0.0.1.
//!
//! The runtime cannot depend on the generated crate, so the operations here
//! are written by hand the way codegen writes them
//! (`generated/src/operations/associate_additional_certificates_with_listener.rs`).
//! The server records every request (method, path, query, headers, body,
//! arrival time) and answers from a script; nothing leaves the loopback
//! interface. Time is only ever asserted as a lower bound.

use std::collections::VecDeque;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use alb_runtime::client::{user_agent, MAX_RESPONSE_BYTES};
use alb_runtime::credentials::{BoxFuture, CredentialsError, ProvideCredentials};
use alb_runtime::schema::{Field, List, Object, Str, Ty, STR};
use alb_runtime::signing::{v1, v3};
use alb_runtime::{
    AccessLevel, Config, ConfigBuilder, Core, Credentials, ErrorCodeInfo, ErrorMetadata, Operation,
    OperationError, OperationMeta, RamMeta, RamResource, RateLimit, RateLimitMode, RateLimitSource,
    RetryPolicy, SdkError, SignatureVersion, TimeoutKind, Timeouts,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ------------------------------------------------------------ credentials

const AK: &str = "LTAI5tTestAccessKeyId";
/// Every secret value below contains this marker; no output may.
const MARK: &str = "dontleak";
const SECRET: &str = "SECRET-dontleak-4f9a";
const TOKEN: &str = "TOKEN-dontleak-sts-77";

fn ak() -> Credentials {
    Credentials::new(AK, SECRET)
}

fn sts() -> Credentials {
    ak().with_security_token(TOKEN)
}

/// Counts `provide` calls: the engine asks for credentials before every
/// attempt, so this counts attempts even when nothing is listening.
#[derive(Debug)]
struct Counting {
    inner: Credentials,
    calls: AtomicUsize,
}

impl Counting {
    fn new(inner: Credentials) -> Arc<Self> {
        Arc::new(Self {
            inner,
            calls: AtomicUsize::new(0),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials for Counting {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.provide()
    }
}

// ------------------------------------------------------------- operations

const ASSOCIATE: &str = "AssociateAdditionalCertificatesWithListener";

/// What codegen emits for `AssociateAdditionalCertificatesWithListener`.
static ASSOCIATE_META: OperationMeta = OperationMeta {
    name: ASSOCIATE,
    api_version: "2020-06-16",
    rate_limit: Some(RateLimit {
        requests: 200,
        per_seconds: 60,
    }),
    is_async: true,
    deprecated: false,
    ram: RamMeta {
        action: "alb:AssociateAdditionalCertificatesWithListener",
        access_level: AccessLevel::Create,
        resources: &[RamResource::new(
            "LoadBalancer",
            "acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}",
            Some(true),
        )],
        condition_keys: &[],
    },
    input: &ASSOCIATE_INPUT,
    idempotency_param: Some("ClientToken"),
    dry_run_param: Some("DryRun"),
};

static CERT: Object = Object::new("Cert", &[Field::new("CertificateId", STR).required()]);
static ASSOCIATE_INPUT: Object = Object::new(
    "Associate",
    &[
        Field::new("ListenerId", STR).required(),
        Field::new(
            "Certificates",
            Ty::List(&List {
                item: Ty::Object(&CERT),
                min_items: Some(1),
                max_items: Some(15),
            }),
        )
        .required(),
        Field::new(
            "ClientToken",
            Ty::Str(&Str::ANY.len(None, Some(64)).ascii()),
        ),
        Field::new("DryRun", Ty::Bool),
    ],
);

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Cert {
    certificate_id: Option<String>,
}

fn cert(id: &str) -> Cert {
    Cert {
        certificate_id: Some(id.into()),
    }
}

/// A request with a required id, a list of structs, an idempotency token
/// and a DryRun flag.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Associate {
    listener_id: Option<String>,
    /// `Certificates.N.CertificateId`.
    certificates: Vec<Cert>,
    client_token: Option<String>,
    dry_run: Option<bool>,
}

/// A value that must survive percent-encoding and signing.
const ODD_CERT: &str = "cert 2/ü*~+&=";

fn associate() -> Associate {
    Associate {
        listener_id: Some("lsn-123".into()),
        certificates: vec![cert("cert-1"), cert(ODD_CERT)],
        client_token: None,
        dry_run: None,
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
struct JobOutput {
    #[serde(rename = "JobId")]
    job_id: Option<String>,
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
}

static RESOURCE_NOT_FOUND_LISTENER: ErrorCodeInfo = ErrorCodeInfo::new(
    "ResourceNotFound.Listener",
    404,
    "The specified resource %s is not found.",
    false,
);
static RESOURCE_IN_CONFIGURING_LISTENER: ErrorCodeInfo = ErrorCodeInfo::new(
    "ResourceInConfiguring.Listener",
    400,
    "The specified resource %s is configuring, please try again later.",
    true,
);
static THROTTLING_USER: ErrorCodeInfo = ErrorCodeInfo::new(
    "Throttling.User",
    400,
    "Request was denied due to user flow control.",
    true,
);
static SERVICE_UNAVAILABLE: ErrorCodeInfo = ErrorCodeInfo::new(
    "ServiceUnavailable",
    503,
    "The request has failed due to a temporary failure of the server.",
    true,
);

/// An operation error enum as codegen emits it: one variant per documented
/// code, one of them retryable, and `Unknown`; the common codes come from
/// `COMMON`.
#[derive(Debug, Clone, PartialEq)]
enum AssociateError {
    ResourceNotFoundListener(ErrorMetadata),
    ResourceInConfiguringListener(ErrorMetadata),
    Unknown(ErrorMetadata),
}

impl fmt::Display for AssociateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.metadata(), f)
    }
}

impl std::error::Error for AssociateError {}

impl OperationError for AssociateError {
    const CODES: &'static [&'static ErrorCodeInfo] = &[
        &RESOURCE_NOT_FOUND_LISTENER,
        &RESOURCE_IN_CONFIGURING_LISTENER,
    ];
    const COMMON: &'static [&'static ErrorCodeInfo] = &[&THROTTLING_USER, &SERVICE_UNAVAILABLE];

    fn from_metadata(meta: ErrorMetadata) -> Self {
        match meta.code.as_str() {
            "ResourceNotFound.Listener" => Self::ResourceNotFoundListener(meta),
            "ResourceInConfiguring.Listener" => Self::ResourceInConfiguringListener(meta),
            _ => Self::Unknown(meta),
        }
    }

    fn metadata(&self) -> &ErrorMetadata {
        match self {
            Self::ResourceNotFoundListener(m)
            | Self::ResourceInConfiguringListener(m)
            | Self::Unknown(m) => m,
        }
    }
}

impl Operation for Associate {
    type Output = JobOutput;
    type Error = AssociateError;
    const META: &'static OperationMeta = &ASSOCIATE_META;

    fn idempotency_token_mut(&mut self) -> Option<&mut Option<String>> {
        Some(&mut self.client_token)
    }

    fn dry_run_mut(&mut self) -> Option<&mut Option<bool>> {
        Some(&mut self.dry_run)
    }
}

/// A `Create` action without an idempotency token or DryRun: resending it
/// after the service may have acted could act twice.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateThing {
    name: String,
}

static CREATE_INPUT: Object = Object::new("CreateThing", &[Field::new("Name", STR)]);

static CREATE_META: OperationMeta = OperationMeta {
    name: "CreateThing",
    api_version: "2020-06-16",
    rate_limit: None,
    is_async: false,
    deprecated: false,
    ram: RamMeta {
        action: "alb:CreateThing",
        access_level: AccessLevel::Create,
        resources: &[],
        condition_keys: &[],
    },
    input: &CREATE_INPUT,
    idempotency_param: None,
    dry_run_param: None,
};

impl Operation for CreateThing {
    type Output = JobOutput;
    type Error = AssociateError;
    const META: &'static OperationMeta = &CREATE_META;
}

/// A `Read` action without a token: always safe to resend. Its documented
/// quota is one request per hour.
#[derive(Debug, Clone, serde::Serialize)]
struct GetThing;

static GET_INPUT: Object = Object::new("GetThing", &[]);

static GET_META: OperationMeta = OperationMeta {
    name: "GetThing",
    api_version: "2020-06-16",
    rate_limit: Some(RateLimit {
        requests: 1,
        per_seconds: 3600,
    }),
    is_async: false,
    deprecated: false,
    ram: RamMeta {
        action: "alb:GetThing",
        access_level: AccessLevel::Read,
        resources: &[],
        condition_keys: &[],
    },
    input: &GET_INPUT,
    idempotency_param: None,
    dry_run_param: None,
};

impl Operation for GetThing {
    type Output = JobOutput;
    type Error = AssociateError;
    const META: &'static OperationMeta = &GET_META;
}

// ---------------------------------------------------------------- server

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    /// The query string as sent, before decoding.
    raw_query: String,
    /// Decoded query pairs, in wire order.
    query: Vec<(String, String)>,
    /// Lowercase names, in wire order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: Instant,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        names
    }

    fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys
    }

    /// The signature nonce of either version.
    fn nonce(&self) -> &str {
        self.header("x-acs-signature-nonce")
            .or_else(|| self.param("SignatureNonce"))
            .expect("a signature nonce")
    }
}

/// What the server does with the n-th request.
#[derive(Debug, Clone)]
enum Reply {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Reads the request and never answers.
    Hang,
    /// Reads the request and closes the connection without answering.
    Drop,
    /// Promises 100 bytes, sends 10, closes.
    CutOff,
    /// A 200 whose body exceeds `MAX_RESPONSE_BYTES`: chunked (no length
    /// up front) or with a `content-length`.
    Huge { chunked: bool },
}

fn json(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.as_bytes().to_vec(),
    }
}

fn ok() -> Reply {
    json(200, r#"{"JobId":"job-1","RequestId":"req-ok"}"#)
}

fn service_error(status: u16, code: &str, request_id: &str) -> Reply {
    json(
        status,
        &format!(
            r#"{{"Code":"{code}","Message":"The specified resource lsn-123 says {code}.","RequestId":"{request_id}","HostId":"alb.cn-hangzhou.aliyuncs.com","Recommend":"https://api.aliyun.com/troubleshoot?q={code}"}}"#
        ),
    )
}

fn with_header(reply: Reply, name: &'static str, value: &str) -> Reply {
    match reply {
        Reply::Respond {
            status,
            mut headers,
            body,
        } => {
            headers.push((name, value.to_string()));
            Reply::Respond {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

#[derive(Default)]
struct ServerState {
    requests: Mutex<Vec<Recorded>>,
    script: Mutex<VecDeque<Reply>>,
    connections: AtomicUsize,
}

/// A scripted HTTP/1.1 server: the n-th request gets the n-th reply, the
/// last reply repeats. Every response closes its connection, so each
/// attempt opens a fresh one (and the connection counter counts attempts
/// that reached the server).
struct MockServer {
    url: String,
    host: String,
    state: Arc<ServerState>,
}

impl MockServer {
    async fn start(script: Vec<Reply>) -> Self {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(ServerState {
            script: Mutex::new(script.into()),
            ..Default::default()
        });
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                st.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, st.clone()));
            }
        });
        MockServer {
            url: format!("http://{addr}"),
            host: addr.to_string(),
            state,
        }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    fn connections(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

fn next_reply(state: &ServerState) -> Reply {
    let mut script = state.script.lock().unwrap();
    if script.len() > 1 {
        script.pop_front().unwrap()
    } else {
        script.front().cloned().unwrap()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

async fn serve(mut stream: TcpStream, state: Arc<ServerState>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    state.requests.lock().unwrap().push(request);
    match next_reply(&state) {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                reason(status),
                body.len()
            );
            for (k, v) in headers {
                let _ = write!(head, "{k}: {v}\r\n");
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hang => {
            let _keep_open = stream;
            std::future::pending::<()>().await;
        }
        Reply::Drop => drop(stream),
        Reply::CutOff => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{\"JobId\":")
                .await;
            let _ = stream.shutdown().await;
        }
        Reply::Huge { chunked } => {
            let total = MAX_RESPONSE_BYTES + 64 * 1024;
            let head = if chunked {
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                    .to_string()
            } else {
                format!("HTTP/1.1 200 OK\r\ncontent-length: {total}\r\nconnection: close\r\n\r\n")
            };
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                let framed = if chunked {
                    let mut f = format!("{:x}\r\n", chunk.len()).into_bytes();
                    f.extend_from_slice(&chunk);
                    f.extend_from_slice(b"\r\n");
                    f
                } else {
                    chunk.clone()
                };
                // The client hangs up once it has seen too much.
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
                sent += chunk.len();
            }
            if chunked {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
            let _ = stream.shutdown().await;
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = stream.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let at = Instant::now();
    let head = String::from_utf8(buf[..head_end].to_vec()).expect("ASCII request head");
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    assert_eq!(request_line.next(), Some("HTTP/1.1"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().expect("content-length"))
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    Some(Recorded {
        method,
        path,
        raw_query,
        query,
        headers,
        body,
        at,
    })
}

/// `application/x-www-form-urlencoded` decoding (what a server does).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("%XX"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 after decoding")
}

/// A port on 127.0.0.1 where nothing listens.
async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

// ---------------------------------------------------------------- clients

fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn config(url: &str) -> ConfigBuilder {
    Config::builder()
        .region("cn-hangzhou")
        .endpoint_url(url)
        .credentials(ak())
        .retry(fast_retry(3))
        .rate_limit(RateLimitMode::Off)
}

fn core(builder: ConfigBuilder) -> Core {
    Core::new(builder.build()).expect("a valid config")
}

fn timeouts(attempt_ms: u64, call_ms: u64) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(5),
        attempt: Duration::from_millis(attempt_ms),
        call: Duration::from_millis(call_ms),
    }
}

// ----------------------------------------------------- signature checking

/// Recomputes a V3 request's signature with the runtime's public steps, over
/// exactly the received query and the headers named in `SignedHeaders`.
/// Returns (SignedHeaders, signature sent, signature expected with `secret`).
fn v3_check(r: &Recorded, secret: &str) -> (String, String, String) {
    let auth = r.header("authorization").expect("an authorization header");
    let rest = auth
        .strip_prefix(&format!("{} ", v3::ALGORITHM))
        .unwrap_or_else(|| panic!("not {}: {auth}", v3::ALGORITHM));
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.split_once('=').expect("k=v in authorization");
        match k.trim() {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            other => panic!("unexpected {other} in authorization"),
        }
    }
    assert_eq!(credential, Some(AK));
    let signed_headers = signed_headers.expect("SignedHeaders");
    let signed: Vec<(String, String)> = signed_headers
        .split(';')
        .map(|n| {
            let v = r
                .header(n)
                .unwrap_or_else(|| panic!("signed header {n} was not sent"));
            (n.to_string(), v.to_string())
        })
        .collect();
    let (canonical_headers, list) = v3::canonical_headers(&signed);
    assert_eq!(list, signed_headers);
    let canonical = v3::canonical_request(
        &r.method,
        &r.path,
        &v3::canonical_query_string(&r.query),
        &canonical_headers,
        &list,
        &v3::hashed_payload(&r.body),
    );
    let expected = v3::signature(secret, &v3::string_to_sign(&canonical));
    (
        signed_headers.to_string(),
        signature.expect("Signature").to_string(),
        expected,
    )
}

/// Recomputes a V1 request's signature over every received query parameter
/// except `Signature`. Returns (signature sent, signature expected).
fn v1_check(r: &Recorded, secret: &str) -> (String, String) {
    let sent = r.param(v1::SIGNATURE_PARAM).expect("Signature").to_string();
    let rest: Vec<(String, String)> = r
        .query
        .iter()
        .filter(|(k, _)| k != v1::SIGNATURE_PARAM)
        .cloned()
        .collect();
    let sts = v1::string_to_sign(&r.method, &v1::canonicalized_query(&rest));
    (sent, v1::signature(secret, &sts))
}

fn assert_signed(r: &Recorded, version: SignatureVersion) {
    match version {
        SignatureVersion::V3 => {
            let (_, sent, expected) = v3_check(r, SECRET);
            assert_eq!(sent, expected, "V3 signature");
            assert_ne!(v3_check(r, "wrong").2, sent);
        }
        SignatureVersion::V1 => {
            let (sent, expected) = v1_check(r, SECRET);
            assert_eq!(sent, expected, "V1 signature");
            assert_ne!(v1_check(r, "wrong").1, sent);
        }
    }
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `%Y-%m-%dT%H:%M:%SZ`, within a few minutes of now.
fn assert_timestamp(s: &str) {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let t = time::PrimitiveDateTime::parse(s, format)
        .unwrap_or_else(|e| panic!("bad timestamp {s}: {e}"))
        .assume_utc();
    let skew = (time::OffsetDateTime::now_utc() - t).abs();
    assert!(skew < time::Duration::minutes(5), "{s}");
}

fn api_params(r: &Recorded) -> Vec<(&str, &str)> {
    let mut p: Vec<(&str, &str)> = r
        .query
        .iter()
        .filter(|(k, _)| {
            k.starts_with("Certificates.")
                || ["ListenerId", "ClientToken", "DryRun"].contains(&k.as_str())
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    p.sort_unstable();
    p
}

// ============================================================== 1. wire

#[tokio::test]
async fn the_user_agent_names_the_sdk_version_it_is_given() {
    let server = MockServer::start(vec![ok()]).await;
    let core = Core::for_sdk(
        config(&server.url).user_agent_suffix("app/2").build(),
        "9.8.7-test",
    )
    .unwrap();
    core.send(associate()).await.unwrap();
    let ua = server.requests()[0]
        .header("user-agent")
        .unwrap()
        .to_string();
    assert_eq!(
        ua,
        alb_runtime::client::user_agent_for("9.8.7-test", Some("app/2"))
    );
    assert!(ua.starts_with("alb-sdk-rust/9.8.7-test ("), "{ua}");
    assert!(
        ua.ends_with(&format!(" alb-runtime/{} app/2", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
}

#[tokio::test]
async fn v3_wire_is_exact_and_the_signature_verifies() {
    for (creds, provider) in [(ak(), "static_ak"), (sts(), "static_sts")] {
        let server = MockServer::start(vec![ok()]).await;
        let core = core(
            config(&server.url)
                .credentials(creds.clone())
                .user_agent_suffix("tests/client_http"),
        );
        let mut req = associate();
        req.client_token = Some("token-1".into());
        let out = core.send(req).await.unwrap();
        assert_eq!(
            out,
            JobOutput {
                job_id: Some("job-1".into()),
                request_id: Some("req-ok".into())
            }
        );

        let reqs = server.requests();
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-type"), None);
        // Only the API parameters travel in the query.
        assert_eq!(
            r.keys(),
            [
                "Certificates.1.CertificateId",
                "Certificates.2.CertificateId",
                "ClientToken",
                "ListenerId"
            ]
        );
        assert_eq!(r.param("Certificates.2.CertificateId"), Some(ODD_CERT));
        assert_eq!(r.param("ListenerId"), Some("lsn-123"));
        assert_eq!(r.param("ClientToken"), Some("token-1"));
        // RFC 3986 on the wire: %20 for a space, never `+`.
        assert!(
            r.raw_query.contains("cert%202%2F%C3%BC%2A~%2B%26%3D"),
            "{}",
            r.raw_query
        );

        let mut names = vec![
            "accept",
            "authorization",
            "content-length",
            "host",
            "user-agent",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-credentials-provider",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ];
        if creds.security_token().is_some() {
            names.extend(["x-acs-accesskey-id", "x-acs-security-token"]);
            names.sort_unstable();
        }
        assert_eq!(r.header_names(), names);
        assert_eq!(r.header("content-length"), Some("0"));
        assert_eq!(r.header("host"), Some(server.host.as_str()));
        assert_eq!(r.header("x-acs-action"), Some(ASSOCIATE));
        assert_eq!(r.header("x-acs-version"), Some("2020-06-16"));
        assert_eq!(r.header("accept"), Some(v3::ACCEPT));
        assert_eq!(
            r.header("x-acs-content-sha256"),
            Some(v3::EMPTY_BODY_SHA256)
        );
        assert_eq!(r.header("x-acs-credentials-provider"), Some(provider));
        assert!(is_hex32(r.nonce()), "{}", r.nonce());
        assert_timestamp(r.header("x-acs-date").unwrap());
        let ua = r.header("user-agent").unwrap();
        assert_eq!(ua, user_agent(Some("tests/client_http")));
        assert!(
            ua.starts_with(&format!("alb-sdk-rust/{} (", env!("CARGO_PKG_VERSION"))),
            "{ua}"
        );
        assert!(
            ua.contains(&format!("alb-runtime/{}", env!("CARGO_PKG_VERSION"))),
            "{ua}"
        );
        assert!(ua.ends_with(" tests/client_http"), "{ua}");

        let (signed_headers, sent, expected) = v3_check(r, SECRET);
        assert_eq!(sent, expected, "the server recomputes the same signature");
        assert_ne!(v3_check(r, "another-secret").2, sent);
        if creds.security_token().is_some() {
            assert_eq!(r.header("x-acs-accesskey-id"), Some(AK));
            assert_eq!(r.header("x-acs-security-token"), Some(TOKEN));
            assert_eq!(
                signed_headers,
                "accept;host;user-agent;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;\
                 x-acs-credentials-provider;x-acs-date;x-acs-security-token;\
                 x-acs-signature-nonce;x-acs-version"
            );
        } else {
            assert_eq!(r.header("x-acs-security-token"), None);
            assert_eq!(r.header("x-acs-accesskey-id"), None);
            assert_eq!(
                signed_headers,
                "accept;host;user-agent;x-acs-action;x-acs-content-sha256;\
                 x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version"
            );
        }
    }
}

#[tokio::test]
async fn v1_wire_is_exact_and_the_signature_verifies() {
    for (creds, provider) in [(ak(), "static_ak"), (sts(), "static_sts")] {
        let server = MockServer::start(vec![ok()]).await;
        let core = core(
            config(&server.url)
                .credentials(creds.clone())
                .signature_version(SignatureVersion::V1),
        );
        let mut req = associate();
        req.client_token = Some("token-1".into());
        core.send(req).await.unwrap();

        let reqs = server.requests();
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
        assert!(r.body.is_empty());
        let mut expected_keys = vec![
            "AccessKeyId",
            "Action",
            "Certificates.1.CertificateId",
            "Certificates.2.CertificateId",
            "ClientToken",
            "Format",
            "ListenerId",
            "Signature",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Timestamp",
            "Version",
        ];
        if creds.security_token().is_some() {
            expected_keys.push("SecurityToken");
            expected_keys.sort_unstable();
        }
        assert_eq!(r.keys(), expected_keys);
        assert_eq!(r.param("Action"), Some(ASSOCIATE));
        assert_eq!(r.param("Version"), Some("2020-06-16"));
        assert_eq!(r.param("Format"), Some("json"));
        assert_eq!(r.param("SignatureMethod"), Some("HMAC-SHA1"));
        assert_eq!(r.param("SignatureVersion"), Some("1.0"));
        assert_eq!(r.param("AccessKeyId"), Some(AK));
        assert_eq!(
            r.param("SecurityToken"),
            creds.security_token(),
            "the token travels in the query only with STS"
        );
        assert!(is_hex32(r.nonce()), "{}", r.nonce());
        assert_timestamp(r.param("Timestamp").unwrap());
        assert_eq!(r.param("Certificates.2.CertificateId"), Some(ODD_CERT));
        // `Signature` is the last parameter on the wire.
        assert_eq!(r.query.last().unwrap().0, "Signature");

        // `accept: */*` is the HTTP client's default; nothing is signed.
        assert_eq!(
            r.header_names(),
            [
                "accept",
                "content-length",
                "host",
                "user-agent",
                "x-acs-action",
                "x-acs-credentials-provider",
                "x-acs-version"
            ]
        );
        assert_eq!(r.header("content-length"), Some("0"));
        assert_eq!(r.header("host"), Some(server.host.as_str()));
        assert_eq!(r.header("x-acs-action"), Some(ASSOCIATE));
        assert_eq!(r.header("x-acs-version"), Some("2020-06-16"));
        assert_eq!(r.header("x-acs-credentials-provider"), Some(provider));
        assert_eq!(r.header("user-agent"), Some(user_agent(None).as_str()));
        for absent in [
            "authorization",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-security-token",
            "content-type",
        ] {
            assert_eq!(r.header(absent), None, "{absent}");
        }

        let (sent, expected) = v1_check(r, SECRET);
        assert_eq!(sent, expected, "the server recomputes the same signature");
        assert_ne!(v1_check(r, "another-secret").1, sent);
    }
}

// ================================================ 2. retries and tokens

#[tokio::test]
async fn a_retry_resends_the_same_client_token_with_a_new_nonce() {
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let server = MockServer::start(vec![
            service_error(503, "ServiceUnavailable", "r-503"),
            ok(),
        ])
        .await;
        let core = core(config(&server.url).signature_version(version));

        // An explicit token is sent as is, on every attempt.
        let mut req = associate();
        req.client_token = Some("my-token".into());
        core.send(req).await.unwrap();
        let reqs = server.requests();
        assert_eq!(reqs.len(), 2, "503 then 200");
        assert_eq!(reqs[0].param("ClientToken"), Some("my-token"));
        assert_eq!(reqs[1].param("ClientToken"), Some("my-token"));
        assert_ne!(reqs[0].nonce(), reqs[1].nonce());
        assert_eq!(api_params(&reqs[0]), api_params(&reqs[1]));
        for r in &reqs {
            assert_signed(r, version);
        }
    }
}

#[tokio::test]
async fn a_missing_client_token_is_generated_once_per_call() {
    let server = MockServer::start(vec![
        service_error(503, "ServiceUnavailable", "r-1"),
        ok(),
        service_error(500, "InternalError", "r-2"),
        ok(),
    ])
    .await;
    let core = core(config(&server.url));
    core.send(associate()).await.unwrap();
    core.send(associate()).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    let tokens: Vec<&str> = reqs
        .iter()
        .map(|r| r.param("ClientToken").expect("a generated ClientToken"))
        .collect();
    for t in &tokens {
        let parsed = uuid::Uuid::parse_str(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(parsed.get_version_num(), 4);
        assert!(t.len() <= 64 && t.is_ascii());
    }
    assert_eq!(tokens[0], tokens[1], "the retry reuses the call's token");
    assert_eq!(tokens[2], tokens[3], "the retry reuses the call's token");
    assert_ne!(tokens[0], tokens[2], "each call has its own token");
    let nonces: std::collections::HashSet<&str> = reqs.iter().map(|r| r.nonce()).collect();
    assert_eq!(nonces.len(), 4, "every attempt has its own nonce");
}

// ==================================================== 3. retry-after

#[tokio::test]
async fn x_acs_retry_after_is_honoured() {
    let throttled = with_header(
        service_error(400, "Throttling.User", "r-throttle"),
        "x-acs-retry-after",
        "300",
    );
    let server = MockServer::start(vec![throttled, ok()]).await;
    // Backoff alone would wait at most 5 ms.
    let core = core(config(&server.url));
    let out = core.send(associate()).await.unwrap();
    assert_eq!(out.job_id.as_deref(), Some("job-1"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(295), "retried after {gap:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_call_timeout_gives_up_at_once() {
    let throttled = with_header(
        service_error(400, "Throttling.User", "r-throttle"),
        "x-acs-retry-after",
        "600000",
    );
    let server = MockServer::start(vec![throttled, ok()]).await;
    let core = core(config(&server.url).timeouts(timeouts(10_000, 60_000)));
    let err = core.send(associate()).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Service(e) if e.code() == "Throttling.User"),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("r-throttle"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_standard_retry_after_header_is_honoured_in_seconds_and_as_a_date() {
    let throttled = with_header(
        service_error(400, "Throttling.User", "r-throttle"),
        "retry-after",
        "1",
    );
    let server = MockServer::start(vec![throttled, ok()]).await;
    let core = core(config(&server.url));
    core.send(associate()).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");

    // An HTTP date two seconds ahead (whole seconds: more than one second).
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
    let date = at
        .format(time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .unwrap();
    let throttled = with_header(
        service_error(503, "ServiceUnavailable", "r-503"),
        "retry-after",
        &date,
    );
    let server = MockServer::start(vec![throttled, ok()]).await;
    let c = self::core(config(&server.url));
    c.send(associate()).await.unwrap();
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(900),
        "retried after {gap:?} ({date})"
    );

    // The same cap as x-acs-retry-after: beyond the call timeout, give up at once.
    let throttled = with_header(
        service_error(400, "Throttling.User", "r-far"),
        "retry-after",
        "3600",
    );
    let server = MockServer::start(vec![throttled, ok()]).await;
    let c = self::core(config(&server.url).timeouts(timeouts(10_000, 60_000)));
    let started = Instant::now();
    let err = c.send(associate()).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Service(_)) && err.is_throttling(),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.count(), 1);
}

// ========================================== 4. which codes are retried

#[tokio::test]
async fn not_implemented_and_unknown_actions_are_not_retried() {
    for reply in [
        service_error(501, "OperationNotSupported", "r-501"),
        service_error(501, "InternalError", "r-501"),
        json(501, "<html>not implemented</html>"),
        service_error(404, "InvalidAction.NotFound", "r-404"),
        service_error(500, "InvalidAction.NotFound", "r-500"),
    ] {
        let server = MockServer::start(vec![reply.clone(), ok()]).await;
        // Read-only: a decode error of a 5xx would be resent if it were 502.
        let c = core(config(&server.url).retry(fast_retry(4)));
        assert!(c.send(GetThing).await.is_err());
        assert_eq!(server.count(), 1, "{reply:?}");
    }
    // A 502 with the same HTML body is retried.
    let server = MockServer::start(vec![json(502, "<html>bad gateway</html>"), ok()]).await;
    core(config(&server.url).retry(fast_retry(4)))
        .send(GetThing)
        .await
        .unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_non_retryable_code_is_not_retried() {
    let server = MockServer::start(vec![service_error(
        404,
        "ResourceNotFound.Listener",
        "r-404",
    )])
    .await;
    let core = core(config(&server.url).retry(fast_retry(5)));
    let err = core.send(associate()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    match &err {
        SdkError::Service(AssociateError::ResourceNotFoundListener(m)) => {
            assert_eq!(m.code, "ResourceNotFound.Listener");
            assert_eq!(m.http_status, 404);
            assert_eq!(m.request_id.as_deref(), Some("r-404"));
            assert_eq!(m.host_id.as_deref(), Some("alb.cn-hangzhou.aliyuncs.com"));
            assert!(m.recommend.is_some());
            assert!(m.message.contains("lsn-123"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("r-404"));
    assert_eq!(err.code(), Some("ResourceNotFound.Listener"));
}

#[tokio::test]
async fn a_retryable_code_is_retried_up_to_max_attempts() {
    let server = MockServer::start(vec![service_error(
        400,
        "ResourceInConfiguring.Listener",
        "r-busy",
    )])
    .await;
    let core = core(config(&server.url).retry(fast_retry(4)));
    let err = core.send(associate()).await.unwrap_err();
    assert_eq!(server.count(), 4);
    assert!(
        matches!(
            &err,
            SdkError::Service(AssociateError::ResourceInConfiguringListener(_))
        ),
        "{err:?}"
    );
    assert_eq!(err.request_id(), Some("r-busy"));

    // It succeeds as soon as the service does.
    let server = MockServer::start(vec![
        service_error(400, "ResourceInConfiguring.Listener", "r-busy"),
        service_error(400, "ResourceInConfiguring.Listener", "r-busy"),
        ok(),
    ])
    .await;
    let core = self::core(config(&server.url).retry(fast_retry(4)));
    core.send(associate()).await.unwrap();
    assert_eq!(server.count(), 3);

    // `RetryPolicy::disabled()` makes one attempt.
    let server = MockServer::start(vec![service_error(503, "ServiceUnavailable", "r")]).await;
    let core = self::core(config(&server.url).retry(RetryPolicy::disabled()));
    assert!(core.send(associate()).await.is_err());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn throttling_until_retries_run_out_is_throttled() {
    let server = MockServer::start(vec![service_error(400, "Throttling.User", "r-t")]).await;
    let core = core(config(&server.url).retry(fast_retry(3)));
    let err = core.send(associate()).await.unwrap_err();
    assert_eq!(server.count(), 3);
    match &err {
        SdkError::Service(e) if err.is_throttling() => {
            assert_eq!(e.code(), "Throttling.User");
            assert_eq!(e.http_status(), 400);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.request_id(), Some("r-t"));
    assert_eq!(err.code(), Some("Throttling.User"));
    assert!(err.service_error().is_some());
}

// ================================================== 4b. redirects

#[tokio::test]
async fn a_redirect_is_an_error_and_nothing_reaches_its_target() {
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let target = MockServer::start(vec![ok()]).await;
        let location = format!(
            "{}/?Action=X&SecurityToken={TOKEN}&Signature=abc",
            target.url
        );
        for status in [301u16, 302, 307, 308] {
            let redirect = with_header(json(status, ""), "location", &location);
            let server = MockServer::start(vec![redirect, ok()]).await;
            let c = core(
                config(&server.url)
                    .credentials(sts())
                    .signature_version(version)
                    .retry(fast_retry(3)),
            );
            let err = c.send(associate()).await.unwrap_err();
            match &err {
                SdkError::Redirect(r) => {
                    assert_eq!(r.http_status, status);
                    let shown = r.location.as_deref().unwrap();
                    assert!(shown.starts_with(&target.url), "{shown}");
                }
                other => panic!("{other:?}"),
            }
            let text = err.to_string();
            assert!(
                text.contains(&status.to_string()) && text.contains(&target.host),
                "{text}"
            );
            assert_clean_error("redirect", &err);
            assert_eq!(server.count(), 1, "a redirect is not retried");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(target.connections(), 0, "the redirect target was contacted");
    }
}

// ============================= 5. resending without an idempotency token

#[tokio::test]
async fn without_a_token_a_dropped_connection_is_not_resent() {
    let server = MockServer::start(vec![Reply::Drop, ok()]).await;
    let core = core(config(&server.url).retry(fast_retry(3)));
    let err = core
        .send(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1, "the service may have acted: no resend");
    match &err {
        SdkError::Transport(t) => assert!(t.maybe_sent, "{t:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn without_a_token_a_refused_connection_is_retried() {
    let url = closed_port_url().await;
    let counting = Counting::new(ak());
    let core = core(
        config(&url)
            .credentials_provider(counting.clone())
            .retry(fast_retry(3)),
    );
    let err = core
        .send(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(counting.calls(), 3, "three attempts");
    match &err {
        SdkError::Transport(t) => assert!(!t.maybe_sent, "{t:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn without_a_token_other_failures_after_sending_are_not_resent() {
    // A timed-out attempt may have been acted on.
    let server = MockServer::start(vec![Reply::Hang, ok()]).await;
    let core = core(config(&server.url).timeouts(timeouts(200, 30_000)));
    let err = core
        .send(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Timeout(t) if t.kind == TimeoutKind::Attempt),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);

    // So may a gateway's HTML 502.
    let server = MockServer::start(vec![
        Reply::Respond {
            status: 502,
            headers: vec![("content-type", "text/html".into())],
            body: b"<html><body>502 Bad Gateway</body></html>".to_vec(),
        },
        ok(),
    ])
    .await;
    let core = self::core(config(&server.url));
    let err = core
        .send(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Decode(d) if d.http_status == 502),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);

    // A body cut off mid-way: the service did act.
    let server = MockServer::start(vec![Reply::CutOff, ok()]).await;
    let core = self::core(config(&server.url));
    let err = core
        .send(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SdkError::Transport(t) if t.maybe_sent),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn without_a_token_a_structured_retryable_error_is_retried() {
    // A JSON error means the service did not act.
    let server = MockServer::start(vec![
        service_error(503, "ServiceUnavailable", "r-503"),
        ok(),
    ])
    .await;
    let core = core(config(&server.url));
    core.send(CreateThing { name: "x".into() }).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn with_a_token_or_read_only_a_dropped_connection_is_resent() {
    let server = MockServer::start(vec![Reply::Drop, ok()]).await;
    let core = core(config(&server.url));
    core.send(associate()).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].param("ClientToken"), reqs[1].param("ClientToken"));

    let server = MockServer::start(vec![Reply::Drop, Reply::CutOff, ok()]).await;
    let core = self::core(config(&server.url));
    core.send(GetThing).await.unwrap();
    assert_eq!(server.count(), 3);
}

// ============================================================ 6. timeouts

#[tokio::test]
async fn an_unanswered_attempt_times_out_and_is_retried() {
    let server = MockServer::start(vec![Reply::Hang]).await;
    let core = core(
        config(&server.url)
            .timeouts(timeouts(200, 30_000))
            .retry(fast_retry(2)),
    );
    let started = Instant::now();
    let err = core.send(associate()).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(400));
    match &err {
        SdkError::Timeout(t) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(t.after, Duration::from_millis(200));
            assert_eq!(t.attempts, 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn the_whole_call_times_out() {
    let server = MockServer::start(vec![Reply::Hang]).await;
    let core = core(config(&server.url).timeouts(timeouts(10_000, 400)));
    let started = Instant::now();
    let err = core.send(associate()).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(400));
    match &err {
        SdkError::Timeout(t) => {
            assert_eq!(t.kind, TimeoutKind::Call);
            assert_eq!(t.after, Duration::from_millis(400));
            assert_eq!(t.attempts, 1, "one attempt was in flight");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);
}

// ====================================================== 7. malformed bodies

#[tokio::test]
async fn malformed_responses_are_decode_errors() {
    let html = |status| Reply::Respond {
        status,
        headers: vec![("content-type", "text/html".into())],
        body: b"<html><head><title>500</title></head><body>oops</body></html>".to_vec(),
    };
    // (reply, status in the error, RequestId in the error, attempts made)
    let cases: Vec<(&str, Reply, u16, Option<&str>, usize)> = vec![
        // A gateway's HTML 5xx is resent (the call has a ClientToken).
        ("html 500", html(500), 500, None, 2),
        ("html 400", html(400), 400, None, 1),
        ("empty 200", json(200, ""), 200, None, 1),
        ("null 200", json(200, "null"), 200, None, 1),
        // serde maps a JSON array onto a struct's fields in order.
        ("array 200", json(200, "[]"), 200, None, 1),
        (
            "string array 200",
            json(200, r#"["job-1","r-1"]"#),
            200,
            None,
            1,
        ),
        ("html 200", html(200), 200, None, 1),
        (
            "truncated json",
            json(200, r#"{"JobId":"job-1","Req"#),
            200,
            None,
            1,
        ),
        (
            "wrong field type",
            json(200, r#"{"JobId":123,"RequestId":"r-types"}"#),
            200,
            Some("r-types"),
            1,
        ),
        // The error carries the status that came, not an assumed 200.
        (
            "wrong field type, 203",
            json(203, r#"{"JobId":123,"RequestId":"r-203"}"#),
            203,
            Some("r-203"),
            1,
        ),
        ("huge chunked", Reply::Huge { chunked: true }, 200, None, 1),
        (
            "huge with length",
            Reply::Huge { chunked: false },
            200,
            None,
            1,
        ),
        (
            "error without Code",
            json(400, r#"{"Message":"no code","RequestId":"r-nocode"}"#),
            400,
            Some("r-nocode"),
            1,
        ),
        (
            "error with an object Code",
            json(400, r#"{"Code":{},"RequestId":"r-obj"}"#),
            400,
            Some("r-obj"),
            1,
        ),
        ("error not an object", json(404, "[1,2]"), 404, None, 1),
        ("empty 503", json(503, ""), 503, None, 2),
    ];
    for (name, reply, status, request_id, attempts) in cases {
        let server = MockServer::start(vec![reply]).await;
        let core = core(config(&server.url).retry(fast_retry(2)));
        let err = match core.send(associate()).await {
            Ok(out) => panic!("{name}: decoded as {out:?}"),
            Err(e) => e,
        };
        match &err {
            SdkError::Decode(d) => {
                assert_eq!(d.http_status, status, "{name}: {d}");
                assert_eq!(d.request_id.as_deref(), request_id, "{name}: {d}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(err.request_id(), request_id, "{name}");
        assert_eq!(server.count(), attempts, "{name}");
        let shown = err.to_string();
        assert!(!shown.contains('\n'), "{name}: {shown}");
        if let Some(id) = request_id {
            assert!(shown.contains(id), "{name}: {shown}");
        }
        if name.starts_with("huge") {
            assert!(
                shown.contains(&MAX_RESPONSE_BYTES.to_string()),
                "{name}: {shown}"
            );
        }
    }
}

#[tokio::test]
async fn unknown_codes_and_extra_fields_are_fine() {
    let server = MockServer::start(vec![
        json(
            400,
            r#"{"Code":"Some.NewCode","Message":"m","RequestId":"r-new","Extra":[1]}"#,
        ),
        json(
            200,
            r#"{"JobId":"job-2","RequestId":"r-ok","Unexpected":{"a":1}}"#,
        ),
    ])
    .await;
    let core = core(config(&server.url));
    let err = core.send(associate()).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::Service(AssociateError::Unknown(m)) if m.code == "Some.NewCode"),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
    let out = core.send(associate()).await.unwrap();
    assert_eq!(out.job_id.as_deref(), Some("job-2"));
}

// ================================================================ 8. DryRun

const DRY_RUN_PASSED: &str = r#"{"Code":"DryRunOperation","Message":"Request validation has been passed with DryRun flag set.","RequestId":"r-dry"}"#;

#[tokio::test]
async fn dry_run_passes_on_dry_run_operation() {
    let server = MockServer::start(vec![json(400, DRY_RUN_PASSED)]).await;
    let core = core(config(&server.url));
    let passed = core.dry_run(associate()).await.unwrap();
    assert_eq!(passed.request_id.as_deref(), Some("r-dry"));
    assert!(passed.message.contains("DryRun"));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].param("DryRun"), Some("true"));
    assert!(reqs[0].param("ClientToken").is_some());
    assert_signed(&reqs[0], SignatureVersion::V3);
}

#[tokio::test]
async fn send_clears_dry_run() {
    let server = MockServer::start(vec![ok()]).await;
    let core = core(config(&server.url));
    let mut req = associate();
    req.dry_run = Some(true);
    core.send(req).await.unwrap();
    assert_eq!(server.requests()[0].param("DryRun"), None);
}

#[tokio::test]
async fn dry_run_answers_that_do_not_fit_are_errors() {
    // A failed pre-check is the operation's error.
    let server = MockServer::start(vec![service_error(
        404,
        "ResourceNotFound.Listener",
        "r-404",
    )])
    .await;
    let core = core(config(&server.url));
    let err = core.dry_run(associate()).await.unwrap_err();
    assert!(
        matches!(
            &err,
            SdkError::Service(AssociateError::ResourceNotFoundListener(_))
        ),
        "{err:?}"
    );

    // A service that acted on a DryRun.
    let server = MockServer::start(vec![ok()]).await;
    let core = self::core(config(&server.url));
    let err = core.dry_run(associate()).await.unwrap_err();
    assert!(matches!(&err, SdkError::Decode(_)), "{err:?}");

    // DryRunOperation to a real request.
    let server = MockServer::start(vec![json(400, DRY_RUN_PASSED)]).await;
    let core = self::core(config(&server.url));
    let err = core.send(associate()).await.unwrap_err();
    assert!(matches!(&err, SdkError::Decode(_)), "{err:?}");
    assert_eq!(err.request_id(), Some("r-dry"));
    assert_eq!(server.count(), 1);

    // An operation without DryRun: no request at all.
    let server = MockServer::start(vec![ok()]).await;
    let core = self::core(config(&server.url));
    let err = core
        .dry_run(CreateThing { name: "x".into() })
        .await
        .unwrap_err();
    assert!(matches!(&err, SdkError::Config(_)), "{err:?}");
    assert_eq!(server.connections(), 0);
}

// ============================================================ 9. validation

#[tokio::test]
async fn an_invalid_request_sends_nothing() {
    let server = MockServer::start(vec![ok()]).await;
    let core = core(config(&server.url));
    let bad = Associate {
        listener_id: None,
        certificates: vec![],
        client_token: Some("tökén".into()),
        dry_run: None,
    };
    let err = core.send(bad.clone()).await.unwrap_err();
    match &err {
        SdkError::Validation(v) => {
            assert_eq!(v.operation, ASSOCIATE);
            let names: Vec<String> = v.violations().iter().map(|v| v.wire_name()).collect();
            assert_eq!(names, ["ListenerId", "Certificates", "ClientToken"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        core.dry_run(bad).await.unwrap_err(),
        SdkError::Validation(_)
    ));
    let mut nested = associate();
    nested.certificates = vec![cert("a"), cert("")];
    match core.send(nested).await.unwrap_err() {
        SdkError::Validation(v) => {
            assert_eq!(
                v.violations()[0].wire_name(),
                "Certificates.2.CertificateId"
            )
        }
        other => panic!("{other:?}"),
    }
    // Give a stray connection a moment to show up.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.count(), 0);
    assert_eq!(server.connections(), 0);
}

// ========================================================= 10. rate limiting

#[tokio::test]
async fn a_fixed_rate_limit_delays_the_third_call_and_is_shared_by_clones() {
    let server = MockServer::start(vec![ok()]).await;
    let core = core(
        config(&server.url).rate_limit(RateLimitMode::Fixed(RateLimit {
            requests: 2,
            per_seconds: 1,
        })),
    );
    let clone = core.clone();
    let started = Instant::now();
    core.send(associate()).await.unwrap();
    clone.send(associate()).await.unwrap();
    core.clone().send(associate()).await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs[2].at - reqs[0].at >= Duration::from_millis(400));
}

#[tokio::test]
async fn the_limiter_is_per_client_and_per_operation_and_counts_in_the_call_timeout() {
    let hourly = RateLimitMode::Fixed(RateLimit {
        requests: 1,
        per_seconds: 3600,
    });
    let server = MockServer::start(vec![ok()]).await;
    let limited = || {
        config(&server.url)
            .rate_limit(hourly.clone())
            .timeouts(timeouts(10_000, 60_000))
    };
    let a = core(limited());
    a.send(associate()).await.unwrap();
    // The next token is an hour away, past the call's deadline: the call
    // is refused at once, without sending.
    let refused = a.clone().send(associate()).await;
    assert!(
        matches!(refused, Err(SdkError::RateLimited(_))),
        "the second call was not refused: {refused:?}"
    );
    assert_eq!(server.count(), 1);
    // Another operation has its own bucket; another client its own limiter.
    a.send(CreateThing { name: "x".into() }).await.unwrap();
    core(limited()).send(associate()).await.unwrap();
    assert_eq!(server.count(), 3);

    // The call timeout covers the wait for a token. The first call (to a
    // closed port) takes the only token, however it ends.
    let url = closed_port_url().await;
    let b = core(
        config(&url)
            .rate_limit(hourly.clone())
            .retry(RetryPolicy::disabled())
            .timeouts(timeouts(10_000, 300)),
    );
    assert!(b.send(associate()).await.is_err());
    let started = Instant::now();
    let err = b.send(associate()).await.unwrap_err();
    // Answered at once, naming the limiter, the limit and the way out.
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    match &err {
        SdkError::RateLimited(r) => {
            assert_eq!(r.operation, ASSOCIATE);
            assert_eq!(
                r.limit,
                RateLimit {
                    requests: 1,
                    per_seconds: 3600
                }
            );
            assert_eq!(r.source, RateLimitSource::Configured);
            assert!(r.wait > Duration::from_secs(3000), "{r:?}");
        }
        other => panic!("{other:?}"),
    }
    let shown = err.to_string();
    for part in [
        "rate limiter",
        ASSOCIATE,
        "1 request(s) per 3600 s",
        "configured",
        "RateLimitMode",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
    assert!(!shown.contains("attempt"), "{shown}");

    // With the documented quota, the message says so.
    let server = MockServer::start(vec![ok()]).await;
    let c = core(
        config(&server.url)
            .rate_limit(RateLimitMode::FromSpec)
            .timeouts(timeouts(10_000, 300)),
    );
    c.send(GetThing).await.unwrap();
    let err = c.send(GetThing).await.unwrap_err();
    assert!(
        matches!(&err, SdkError::RateLimited(r) if r.source == RateLimitSource::Documented),
        "{err:?}"
    );
    assert!(err.to_string().contains("documented quota"), "{err}");
}

#[tokio::test]
async fn off_ignores_documented_quotas_and_from_spec_applies_them() {
    assert_eq!(Config::default().rate_limit, RateLimitMode::FromSpec);
    let server = MockServer::start(vec![ok()]).await;
    // GetThing documents one request per hour; waiting for a token would
    // take that long, far beyond these generous guards.
    let guard = Duration::from_secs(30);
    let off = core(config(&server.url).rate_limit(RateLimitMode::Off));
    for _ in 0..3 {
        tokio::time::timeout(guard, off.send(GetThing))
            .await
            .expect("Off does not wait")
            .unwrap();
    }
    assert_eq!(server.count(), 3);

    let spec = core(config(&server.url).rate_limit(RateLimitMode::FromSpec));
    spec.send(GetThing).await.unwrap();
    let refused = spec.send(GetThing).await;
    assert!(
        matches!(&refused, Err(SdkError::RateLimited(r)) if r.limit.per_seconds == 3600),
        "FromSpec did not apply the documented quota: {refused:?}"
    );
    assert_eq!(server.count(), 4);
    // 200 per 60 s: a burst of five passes.
    for _ in 0..5 {
        tokio::time::timeout(guard, spec.send(associate()))
            .await
            .expect("a burst under the quota does not wait")
            .unwrap();
    }
    assert_eq!(server.count(), 9);
}

#[tokio::test]
async fn retries_do_not_take_rate_limit_tokens() {
    let server = MockServer::start(vec![
        service_error(503, "ServiceUnavailable", "r"),
        service_error(503, "ServiceUnavailable", "r"),
        ok(),
    ])
    .await;
    let core = core(
        config(&server.url)
            .rate_limit(RateLimitMode::Fixed(RateLimit {
                requests: 1,
                per_seconds: 3600,
            }))
            .timeouts(timeouts(10_000, 30_000)),
    );
    core.send(associate()).await.unwrap();
    assert_eq!(server.count(), 3);
}

// =============================================================== 11. secrets

/// A minimal `tracing` subscriber writing every span, field and event to a
/// shared string, at every level.
struct Capture {
    out: Arc<Mutex<String>>,
    next_id: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::always()
    }

    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut line = format!(
            "span {} {}:",
            span.metadata().level(),
            span.metadata().name()
        );
        span.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
        tracing::span::Id::from_u64(self.next_id.fetch_add(1, Ordering::SeqCst) + 1)
    }

    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut line = format!("record {}:", id.into_u64());
        values.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let m = event.metadata();
        let mut line = format!("event {} {}:", m.level(), m.target());
        event.record(&mut Fields(&mut line));
        line.push('\n');
        self.out.lock().unwrap().push_str(&line);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

fn assert_clean(what: &str, shown: &str) {
    for needle in [MARK, SECRET, TOKEN] {
        assert!(!shown.contains(needle), "{what} shows a secret: {shown}");
    }
}

/// Display, Debug and the whole `source()` chain of an error.
fn assert_clean_error(what: &str, e: &(dyn std::error::Error + 'static)) {
    assert_clean(what, &format!("{e} {e:?} {e:#?}"));
    let mut source = e.source();
    while let Some(s) = source {
        assert_clean(what, &format!("{s} {s:?}"));
        source = s.source();
    }
}

#[test]
fn debug_of_configuration_and_credentials_shows_no_secret() {
    let config = Config::builder()
        .region("cn-hangzhou")
        .credentials(sts())
        .build();
    assert_clean("Config", &format!("{config:?} {config:#?}"));
    let core = Core::new(config).unwrap();
    assert_clean("Core", &format!("{core:?} {core:#?}"));
    assert!(format!("{core:?}").contains("alb.cn-hangzhou.aliyuncs.com"));
    let creds = sts();
    assert_clean("Credentials", &format!("{creds:?} {creds:#?}"));
    assert!(format!("{creds:?}").contains(AK));
    let counting = Counting::new(sts());
    let config = Config::builder()
        .credentials_provider(counting)
        .endpoint_url("http://127.0.0.1:1")
        .build();
    assert_clean("Config with a provider", &format!("{config:#?}"));
}

/// Every kind of error a call can end with, from V1 calls with STS
/// credentials (the token travels in the query string).
async fn every_error() -> Vec<(&'static str, SdkError<AssociateError>)> {
    let mut out = Vec::new();
    let v1 = |url: &str| {
        config(url)
            .credentials(sts())
            .signature_version(SignatureVersion::V1)
            .retry(fast_retry(2))
    };
    let run = |reply: Reply, tweak: fn(ConfigBuilder) -> ConfigBuilder| async move {
        let server = MockServer::start(vec![reply]).await;
        let core = core(tweak(v1(&server.url)));
        core.send(associate()).await.unwrap_err()
    };
    let same = |b: ConfigBuilder| b;
    out.push((
        "service",
        run(
            service_error(404, "ResourceNotFound.Listener", "r-404"),
            same,
        )
        .await,
    ));
    out.push((
        "throttled",
        run(service_error(400, "Throttling.User", "r-t"), same).await,
    ));
    // The service echoes its string to sign, token included (encoded
    // twice inside the string to sign, and once more raw for good measure).
    let encoded = v1::canonicalized_query(&[("SecurityToken".to_string(), TOKEN.to_string())]);
    let echo = format!(
        "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3D{AK}%26{}%26SignatureMethod%3DHMAC-SHA1 raw={TOKEN}",
        alb_runtime::signing::percent_encode(&encoded)
    );
    let body = serde_json::json!({"Code": "SignatureDoesNotMatch", "Message": echo, "RequestId": "r-sig",
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&SecurityToken={TOKEN}")});
    out.push((
        "signature echo",
        run(json(400, &body.to_string()), same).await,
    ));
    let redirect = with_header(
        json(302, ""),
        "location",
        &format!("http://127.0.0.1:9/?SecurityToken={TOKEN}&Signature=x"),
    );
    out.push(("redirect", run(redirect, same).await));
    out.push(("decode", run(json(200, r#"{"JobId":1}"#), same).await));
    out.push(("decode html", run(json(502, "<html>"), same).await));
    out.push(("too large", run(Reply::Huge { chunked: true }, same).await));
    out.push(("dropped", run(Reply::Drop, same).await));
    out.push(("cut off", run(Reply::CutOff, same).await));
    out.push((
        "attempt timeout",
        run(Reply::Hang, |b| b.timeouts(timeouts(100, 30_000))).await,
    ));
    out.push((
        "call timeout",
        run(Reply::Hang, |b| b.timeouts(timeouts(30_000, 200))).await,
    ));
    let url = closed_port_url().await;
    out.push((
        "refused",
        core(v1(&url)).send(associate()).await.unwrap_err(),
    ));
    let expired = sts().with_expiry(SystemTime::UNIX_EPOCH);
    out.push((
        "credentials",
        core(v1(&url).credentials(expired))
            .send(associate())
            .await
            .unwrap_err(),
    ));
    out.push((
        "validation",
        core(v1(&url)).send(Associate::default()).await.unwrap_err(),
    ));
    out
}

#[tokio::test]
async fn errors_show_no_secret() {
    let errors = every_error().await;
    for (what, e) in &errors {
        assert_clean_error(what, e);
    }
    let kinds: Vec<&str> = errors
        .iter()
        .map(|(_, e)| match e {
            SdkError::Validation(_) => "Validation",
            SdkError::Service(_) => "Service",
            SdkError::Transport(_) => "Transport",
            SdkError::Timeout(_) => "Timeout",
            SdkError::Credentials(_) => "Credentials",
            SdkError::Decode(_) => "Decode",
            SdkError::Redirect(_) => "Redirect",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Service",
            "Service",
            "Service",
            "Redirect",
            "Decode",
            "Decode",
            "Decode",
            "Transport",
            "Transport",
            "Timeout",
            "Timeout",
            "Transport",
            "Credentials",
            "Validation"
        ]
    );
}

/// Installs [`Capture`] as the global subscriber (once per test binary) and
/// returns what it has written.
///
/// Global, not `set_default`: tracing caches per callsite whether any
/// subscriber wants it, and while the only subscriber is a thread's scoped
/// default, a callsite first reached by a concurrent test on another thread
/// can be cached as "never" for every thread. With a global subscriber every
/// thread's registration sees it. Other tests' events land in the buffer
/// too, which only widens the secret check.
fn global_capture() -> Arc<Mutex<String>> {
    static OUT: std::sync::OnceLock<Arc<Mutex<String>>> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = Arc::new(Mutex::new(String::new()));
        tracing::subscriber::set_global_default(Capture {
            out: out.clone(),
            next_id: AtomicU64::new(0),
        })
        .expect("no other global subscriber in this test binary");
        tracing::callsite::rebuild_interest_cache();
        out
    })
    .clone()
}

#[tokio::test]
async fn tracing_output_names_the_operation_and_shows_no_secret() {
    let out = global_capture();
    for (version, request_id) in [
        (SignatureVersion::V1, "r-503-traced-v1"),
        (SignatureVersion::V3, "r-503-traced-v3"),
    ] {
        // A 503, a dropped connection and a throttled attempt before it
        // succeeds: every retry path logs.
        let server = MockServer::start(vec![
            service_error(503, "ServiceUnavailable", request_id),
            Reply::Drop,
            with_header(
                service_error(400, "Throttling.User", "r-t"),
                "x-acs-retry-after",
                "1",
            ),
            ok(),
        ])
        .await;
        let core = core(
            config(&server.url)
                .credentials(sts())
                .signature_version(version)
                .retry(fast_retry(5)),
        );
        core.send(associate()).await.unwrap();
        assert_eq!(server.count(), 4);
        let _ = every_error().await;
    }

    let captured = out.lock().unwrap().clone();
    assert!(captured.contains(ASSOCIATE), "{captured}");
    // The "retrying" events of these calls, with the service error shown.
    for id in ["r-503-traced-v1", "r-503-traced-v3"] {
        assert!(
            captured
                .lines()
                .any(|l| l.contains("retrying") && l.contains(id)),
            "{captured}"
        );
    }
    assert_clean("tracing output", &captured);
}

// ======================================================== 12. Display, source

#[tokio::test]
async fn errors_display_on_one_line_with_the_request_id() {
    for (what, e) in every_error().await {
        let shown = e.to_string();
        assert!(!shown.is_empty(), "{what}");
        assert!(!shown.contains('\n'), "{what}: {shown}");
        if let Some(id) = e.request_id() {
            assert!(shown.contains(id), "{what}: {shown}");
        }
        let source = std::error::Error::source(&e);
        match &e {
            SdkError::Service(inner) => {
                assert!(inner.request_id().is_some(), "{what}");
                assert_eq!(source.unwrap().to_string(), inner.to_string());
                assert!(shown.contains(&inner.to_string()), "{what}: {shown}");
            }
            SdkError::Transport(t) => {
                let source = source.expect("the transport error");
                assert_eq!(source.to_string(), t.to_string());
                // The chain goes down to the HTTP client's error.
                assert!(source.source().is_some(), "{what}: {t:?}");
            }
            SdkError::Validation(v) => {
                assert!(shown.contains("ListenerId"), "{what}: {shown}");
                assert_eq!(source.unwrap().to_string(), v.to_string());
            }
            SdkError::Timeout(t) => {
                assert_eq!(source.unwrap().to_string(), t.to_string());
                assert!(shown.contains("timed out"), "{what}: {shown}");
            }
            SdkError::Credentials(_) | SdkError::Decode(_) | SdkError::Redirect(_) => {
                assert!(source.is_some(), "{what}")
            }
            other => panic!("{what}: {other:?}"),
        }
    }

    let server = MockServer::start(vec![service_error(
        404,
        "ResourceNotFound.Listener",
        "r-404",
    )])
    .await;
    let err = core(config(&server.url))
        .send(associate())
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("service error: ResourceNotFound.Listener (HTTP 404)"),
        "{shown}"
    );
    assert!(shown.ends_with("[RequestId: r-404]"), "{shown}");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.source().is_some());
}
