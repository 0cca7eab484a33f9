//! Helpers shared by the emulator's integration tests (127.0.0.1 only).
#![allow(dead_code)]

use std::time::Duration;

use alb_emulator::{Emulator, EmulatorBuilder, RunningEmulator};
use alb_runtime::signing::{sign, SignatureVersion, SignedRequest, SigningInput};
use alb_runtime::{Credentials, OperationError, RateLimitMode, RetryPolicy, SdkError};
use alb_sdk::Client;
use serde_json::Value;

pub const HTTPS: &str = alb_emulator::DEFAULT_HTTPS_LISTENER_ID;
pub const HTTP: &str = alb_emulator::DEFAULT_HTTP_LISTENER_ID;
pub const LB: &str = alb_emulator::DEFAULT_LOAD_BALANCER_ID;
pub const DEFAULT_CERT: &str = alb_emulator::DEFAULT_CERTIFICATE_ID;
pub const ASSOCIATE: &str = "AssociateAdditionalCertificatesWithListener";

/// A short job delay so that tests can see the in-between states.
pub const JOB_DELAY: Duration = Duration::from_millis(600);

pub fn builder() -> EmulatorBuilder {
    Emulator::builder().job_delay(JOB_DELAY)
}

pub async fn start() -> RunningEmulator {
    builder().start().await.expect("emulator starts")
}

/// Fast retries (no jitter), no client-side rate limit.
pub fn retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(4)
        .with_backoff(Duration::from_millis(10), Duration::from_millis(50))
        .with_jitter(false)
}

pub fn client_with(emu: &RunningEmulator, version: SignatureVersion, creds: Credentials) -> Client {
    Client::new(
        emu.client_config()
            .credentials(creds)
            .signature_version(version)
            .retry(retry())
            .rate_limit(RateLimitMode::Off)
            .build(),
    )
    .expect("client")
}

pub fn client(emu: &RunningEmulator, version: SignatureVersion) -> Client {
    client_with(emu, version, emu.credentials())
}

/// Code and HTTP status of a service error.
pub fn service_code<E: OperationError + std::fmt::Debug>(e: &SdkError<E>) -> (String, u16) {
    match e.service_error() {
        Some(s) => (s.code().to_string(), s.http_status()),
        None => panic!("expected a service error, got {e:?}"),
    }
}

pub fn now_timestamp() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

pub fn timestamp(t: time::OffsetDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap()
}

pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Signs a call the way the runtime does, for raw requests.
pub struct Raw<'a> {
    pub emu: &'a RunningEmulator,
    pub version: SignatureVersion,
    pub action: &'a str,
    pub params: Vec<(String, String)>,
    pub credentials: Credentials,
    pub timestamp: String,
    pub nonce: String,
}

impl<'a> Raw<'a> {
    pub fn new(emu: &'a RunningEmulator, version: SignatureVersion, action: &'a str) -> Self {
        Self {
            emu,
            version,
            action,
            params: Vec::new(),
            credentials: emu.credentials(),
            timestamp: now_timestamp(),
            nonce: nonce(),
        }
    }

    pub fn param(mut self, k: &str, v: &str) -> Self {
        self.params.push((k.to_string(), v.to_string()));
        self
    }

    pub fn sign(&self) -> SignedRequest {
        let host = self.emu.local_addr().to_string();
        sign(
            self.version,
            &SigningInput {
                action: self.action,
                api_version: alb_sdk::API_VERSION,
                host: &host,
                params: &self.params,
                credentials: &self.credentials,
                timestamp: &self.timestamp,
                nonce: &self.nonce,
                user_agent: "emulator-tests",
            },
        )
    }
}

/// Sends a signed request as the runtime would: POST, query string, headers.
pub async fn send_signed(emu: &RunningEmulator, signed: &SignedRequest) -> (u16, Value) {
    let url = format!("{}/?{}", emu.base_url(), signed.query_string);
    let mut req = reqwest::Client::new().post(url);
    for (k, v) in &signed.headers {
        if k != "host" {
            req = req.header(k.as_str(), v.as_str());
        }
    }
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// Any raw HTTP request; the body decoded as JSON if it is JSON.
pub async fn send_raw(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// The error code of a JSON error body.
pub fn code(body: &Value) -> &str {
    body["Code"].as_str().unwrap_or("<no Code>")
}

/// Asserts the shape of an error answer.
pub fn assert_error(status: u16, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(
        (status, code(body)),
        (want_status, want_code),
        "unexpected answer: {body}"
    );
    for key in ["RequestId", "HostId", "Message", "Recommend"] {
        assert!(body[key].is_string(), "{key} missing in {body}");
    }
    let id = body["RequestId"].as_str().unwrap();
    assert_eq!(id, id.to_uppercase());
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}
