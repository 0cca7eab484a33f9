//! Request signing, byte for byte what the official Alibaba Cloud SDK sends.
//!
//! Two algorithms, both for RPC-style `POST /` calls with an empty body:
//!
//! * [`SignatureVersion::V3`] (`ACS3-HMAC-SHA256`), the official SDKs'
//!   default: API parameters in the query string, the common values in
//!   `x-acs-*` headers, an `Authorization` header.
//! * [`SignatureVersion::V1`] (`HMAC-SHA1`, signature version `1.0`): every
//!   value, `Signature` included, in the query string.
//!
//! The reference is the official Python SDK (alibabacloud-tea-openapi 0.4.6,
//! alibabacloud-alb20200616 1.3.3); `WIRE.md` next to this file records what
//! it sends, and `tests/signing_oracle.rs` compares [`sign`] with it.
//!
//! The [`v1`] and [`v3`] modules also expose the individual steps
//! (canonicalization, string to sign, signature) so a server, such as the
//! emulator, can recompute a received request's signature.

mod percent;
pub mod v1;
pub mod v3;

pub use percent::{percent_encode, percent_encode_into};

use std::borrow::Cow;
use std::fmt;

use crate::credentials::Credentials;

/// The HTTP method of every signed RPC request.
pub const HTTP_METHOD: &str = "POST";

/// Query parameter carrying the STS token in V1 requests.
pub const SECURITY_TOKEN_PARAM: &str = "SecurityToken";
/// Header carrying the STS token in V3 requests.
pub const SECURITY_TOKEN_HEADER: &str = "x-acs-security-token";

/// Which signature algorithm to sign a request with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// `HMAC-SHA1`, signature version `1.0`: everything in the query string.
    V1,
    /// `ACS3-HMAC-SHA256`: the official SDKs' default.
    #[default]
    V3,
}

impl SignatureVersion {
    /// The algorithm name as it appears on the wire
    /// (`SignatureMethod` for V1, the `Authorization` scheme for V3).
    pub fn algorithm(self) -> &'static str {
        match self {
            SignatureVersion::V1 => v1::SIGNATURE_METHOD,
            SignatureVersion::V3 => v3::ALGORITHM,
        }
    }
}

/// Everything a request signature depends on.
#[derive(Clone, Copy)]
pub struct SigningInput<'a> {
    /// API name, e.g. `AssociateAdditionalCertificatesWithListener`.
    pub action: &'a str,
    /// API version, `2020-06-16` for ALB.
    pub api_version: &'a str,
    /// The `host` header: `alb.cn-hangzhou.aliyuncs.com`, `127.0.0.1:8080`.
    pub host: &'a str,
    /// The flattened API parameters (`Certificates.1.CertificateId`, ...),
    /// without the common parameters. A key given twice keeps its last value,
    /// as in the official SDK's dictionaries.
    pub params: &'a [(String, String)],
    /// The keys to sign with; their STS token, if any, is sent too.
    pub credentials: &'a Credentials,
    /// UTC, `%Y-%m-%dT%H:%M:%SZ`.
    pub timestamp: &'a str,
    /// Unique per request (the official SDK uses 32 hex digits).
    pub nonce: &'a str,
    /// The `user-agent` header; V3 signs it.
    pub user_agent: &'a str,
}

impl fmt::Debug for SigningInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand: the credentials' own Debug redacts the secret and
        // the token, and nothing else here is secret.
        f.debug_struct("SigningInput")
            .field("action", &self.action)
            .field("api_version", &self.api_version)
            .field("host", &self.host)
            .field("params", &self.params)
            .field("credentials", self.credentials)
            .field("timestamp", &self.timestamp)
            .field("nonce", &self.nonce)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A signed request, ready for the transport.
///
/// `Debug` redacts the STS security token wherever it appears (query,
/// headers, canonical string, string to sign).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Always `POST`.
    pub method: &'static str,
    /// The query pairs to send. V3: the API parameters sorted by key. V1: the
    /// signed parameters sorted by key, then `Signature` last.
    pub query: Vec<(String, String)>,
    /// `query`, RFC 3986-encoded and joined with `&`, to append after `/?`.
    /// Empty when there is no query.
    pub query_string: String,
    /// Headers to send, lowercase names. V3: the signed headers sorted by
    /// name, then `authorization`. `host` equals the URL authority; a
    /// transport may let its HTTP client write it.
    pub headers: Vec<(String, String)>,
    /// Always empty: the official SDK sends RPC parameters in the query.
    pub body: Vec<u8>,
    /// V1: the canonicalized query string. V3: the canonical request.
    pub canonical: String,
    /// What the signature is computed over. V1: `POST&%2F&` and the
    /// encoded canonical query. V3: `ACS3-HMAC-SHA256`, a newline and the
    /// hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// V1: base64. V3: lowercase hex.
    pub signature: String,
}

impl SignedRequest {
    /// The value of header `name` (lowercase), if the request sends it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of query parameter `name`, if the request sends it.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn security_token(&self) -> Option<&str> {
        self.query_param(SECURITY_TOKEN_PARAM)
            .or_else(|| self.header(SECURITY_TOKEN_HEADER))
            .filter(|t| !t.is_empty())
    }
}

const REDACTED: &str = "<redacted>";

/// Replaces every form in which `token` can appear in a signing string.
fn redact_token(s: &str, token: Option<&str>) -> String {
    let Some(token) = token else {
        return s.to_owned();
    };
    let encoded = percent_encode(token);
    let forms = [
        percent_encode(&encoded),
        encoded,
        token.to_owned(),
        v3::strip(token).to_owned(),
    ];
    let mut out = s.to_owned();
    for form in forms.iter().filter(|f| !f.is_empty()) {
        out = out.replace(form.as_str(), REDACTED);
    }
    out
}

struct RedactedPairs<'a>(&'a [(String, String)], &'a str);

impl fmt::Debug for RedactedPairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, v)| {
                if k.eq_ignore_ascii_case(self.1) {
                    (k.as_str(), REDACTED)
                } else {
                    (k.as_str(), v.as_str())
                }
            }))
            .finish()
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.security_token();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("query", &RedactedPairs(&self.query, SECURITY_TOKEN_PARAM))
            .field("query_string", &redact_token(&self.query_string, token))
            .field(
                "headers",
                &RedactedPairs(&self.headers, SECURITY_TOKEN_HEADER),
            )
            .field("body_len", &self.body.len())
            .field("canonical", &redact_token(&self.canonical, token))
            .field("string_to_sign", &redact_token(&self.string_to_sign, token))
            .field("signature", &self.signature)
            .finish()
    }
}

/// Signs an RPC request with `version`.
///
/// Built on [`sign_wire`], the client's own path, so every check of a
/// [`SignedRequest`] (the oracle and vector tests) checks what the client
/// sends; this adds the intermediate strings and owned copies.
pub fn sign(version: SignatureVersion, input: &SigningInput) -> SignedRequest {
    let mut steps = Steps::default();
    let wire = sign_with(version, input, Some(&mut steps));
    SignedRequest {
        method: HTTP_METHOD,
        query: steps.query,
        query_string: wire.query,
        headers: wire
            .headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_str().to_owned()))
            .collect(),
        body: Vec::new(),
        canonical: steps.canonical,
        string_to_sign: steps.string_to_sign,
        signature: steps.signature,
    }
}

/// A signed request as the client sends it: what [`sign`] returns without
/// the intermediate strings, with values borrowed where they can be.
#[derive(Clone, PartialEq, Eq)]
pub struct WireRequest<'a> {
    /// The query, RFC 3986-encoded, sorted and joined with `&`, to append
    /// after `/?`; empty when there is none. V1: `Signature` last.
    pub query: String,
    /// Headers to send (lowercase names, as in [`SignedRequest::headers`]):
    /// `host` first when it sorts first, equal to the URL authority.
    pub headers: Vec<(&'static str, HeaderValue<'a>)>,
}

impl fmt::Debug for WireRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The STS token: the SecurityToken parameter (V1) or header (V3).
        let query: Vec<&str> = self
            .query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((SECURITY_TOKEN_PARAM, _)) => "SecurityToken=<redacted>",
                _ => kv,
            })
            .collect();
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if *k == SECURITY_TOKEN_HEADER {
                    (*k, REDACTED)
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        f.debug_struct("WireRequest")
            .field("query", &query.join("&"))
            .field("headers", &headers)
            .finish()
    }
}

/// A header value of a [`WireRequest`]: a constant, or borrowed from the
/// [`SigningInput`], or computed (the `Authorization` value).
#[derive(Clone, PartialEq, Eq)]
pub enum HeaderValue<'a> {
    /// A constant (`application/json`, a provider name, ...).
    Static(&'static str),
    /// A value of the signing input.
    Borrowed(&'a str),
    /// Computed for this request.
    Owned(String),
}

impl HeaderValue<'_> {
    /// The value.
    pub fn as_str(&self) -> &str {
        match self {
            HeaderValue::Static(s) => s,
            HeaderValue::Borrowed(s) => s,
            HeaderValue::Owned(s) => s,
        }
    }
}

impl fmt::Debug for HeaderValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Signs an RPC request with `version` into the form the client sends:
/// the same bytes as [`sign`] (query string, headers, signature) without
/// building its intermediate strings. The canonical string is hashed as
/// it is produced, the HMAC key schedule of the secret is derived once per
/// [`Credentials`] value, and constant values are not copied.
pub fn sign_wire<'a>(version: SignatureVersion, input: &SigningInput<'a>) -> WireRequest<'a> {
    sign_with(version, input, None)
}

fn sign_with<'a>(
    version: SignatureVersion,
    input: &SigningInput<'a>,
    steps: Option<&mut Steps>,
) -> WireRequest<'a> {
    match version {
        SignatureVersion::V1 => v1::sign_wire(input, steps),
        SignatureVersion::V3 => v3::sign_wire(input, steps),
    }
}

/// The intermediate strings of a signature, recorded for [`sign`].
#[derive(Default)]
struct Steps {
    /// The query pairs, decoded, in the order of the query string.
    query: Vec<(String, String)>,
    canonical: String,
    string_to_sign: String,
    signature: String,
}

/// Feeds a hash or MAC, and the recorded copy when [`sign`] wants one.
struct Sink<'r, M> {
    mac: M,
    record: Option<&'r mut String>,
}

impl<M: hmac::digest::Update> Sink<'_, M> {
    fn put(&mut self, s: &str) {
        self.mac.update(s.as_bytes());
        if let Some(r) = self.record.as_deref_mut() {
            r.push_str(s);
        }
    }

    /// [`Sink::put`] of ASCII bytes (what the percent-encoder makes).
    fn put_bytes(&mut self, b: &[u8]) {
        self.mac.update(b);
        if let Some(r) = self.record.as_deref_mut() {
            r.push_str(&String::from_utf8_lossy(b));
        }
    }
}

/// Lowercase hex of `bytes`, appended to `out`.
fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
}

/// Lowercase hex of a 32-byte digest, on the stack.
fn hex32(bytes: &[u8]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, &b) in bytes.iter().take(32).enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
    out
}

/// A fresh signature nonce: 32 lowercase hex digits, as the official SDK
/// sends, unique per request and not predictable from earlier ones.
///
/// The first 128 bits of SHA-256 over a 256-bit random key drawn once per
/// process (from the OS, through `uuid`), the process ID (a forked child
/// starts from its parent's state) and a counter. One hash block instead of
/// a `getrandom` system call per request.
pub fn nonce() -> String {
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let key = KEY.get_or_init(|| {
        let mut k = [0u8; 32];
        k[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        k[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        k
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let digest = Sha256::new()
        .chain_update(key)
        .chain_update(std::process::id().to_le_bytes())
        .chain_update(n.to_le_bytes())
        .finalize();
    let mut out = String::with_capacity(32);
    push_hex(&mut out, &digest[..16]);
    out
}

/// The value of the `x-acs-credentials-provider` header for `credentials`,
/// `None` to omit the header.
///
/// The official SDK sends its credentials provider's name: `static_ak` for
/// an AccessKey pair given in the config, `static_sts` with a security token,
/// `env`, `profile`, `cli_profile`, `ecs_ram_role`, `default/env`, ... Our
/// [`Credentials::new`] names its provider `static`, which maps to the
/// official names; any other provider name is sent as it is.
pub fn credentials_provider_name(credentials: &Credentials) -> Option<String> {
    provider_name(credentials).map(str::to_owned)
}

/// [`credentials_provider_name`] without a copy.
fn provider_name(credentials: &Credentials) -> Option<&'static str> {
    match credentials.provider() {
        "" => None,
        "static" => Some(if security_token(credentials).is_some() {
            "static_sts"
        } else {
            "static_ak"
        }),
        other => Some(other),
    }
}

/// The security token to send: the official SDK ignores an empty one.
fn security_token(credentials: &Credentials) -> Option<&str> {
    credentials.security_token().filter(|t| !t.is_empty())
}

/// The pairs sorted by key, a later pair replacing an earlier one with the
/// same key (the official SDK builds its query as a dictionary): borrowed
/// when they already are (the client's [`crate::ParamMap`] is).
fn sorted_unique(pairs: &[(String, String)]) -> Cow<'_, [(String, String)]> {
    if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
        return Cow::Borrowed(pairs);
    }
    let mut refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sort_dedup(&mut refs);
    Cow::Owned(
        refs.into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

/// The pairs sorted by key (stable: a repeated key keeps its order), for
/// the public canonical-string helpers of both versions (one sort
/// compiled, not one per caller).
fn by_key(pairs: &[(String, String)]) -> Vec<&(String, String)> {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
}

/// Sorts by key (stable), keeping the last value of a repeated key.
fn sort_dedup(pairs: &mut Vec<(&str, &str)>) {
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    // `dedup_by` hands (later, kept): the kept entry takes the later value.
    pairs.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 = later.1;
            true
        } else {
            false
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(creds: &'a Credentials, params: &'a [(String, String)]) -> SigningInput<'a> {
        SigningInput {
            action: "ListLoadBalancers",
            api_version: "2020-06-16",
            host: "alb.cn-hangzhou.aliyuncs.com",
            params,
            credentials: creds,
            timestamp: "2024-01-02T03:04:05Z",
            nonce: "0123456789abcdef0123456789abcdef",
            user_agent: "test-agent",
        }
    }

    #[test]
    fn default_is_v3() {
        assert_eq!(SignatureVersion::default(), SignatureVersion::V3);
        assert_eq!(SignatureVersion::V3.algorithm(), "ACS3-HMAC-SHA256");
        assert_eq!(SignatureVersion::V1.algorithm(), "HMAC-SHA1");
    }

    #[test]
    fn provider_names() {
        let ak = Credentials::new("id", "secret");
        assert_eq!(credentials_provider_name(&ak).as_deref(), Some("static_ak"));
        let sts = ak.clone().with_security_token("tok");
        assert_eq!(
            credentials_provider_name(&sts).as_deref(),
            Some("static_sts")
        );
        let empty_token = ak.clone().with_security_token("");
        assert_eq!(
            credentials_provider_name(&empty_token).as_deref(),
            Some("static_ak")
        );
        let env = ak.clone().with_provider("env");
        assert_eq!(credentials_provider_name(&env).as_deref(), Some("env"));
        let none = ak.with_provider("");
        assert_eq!(credentials_provider_name(&none), None);
    }

    #[test]
    fn debug_never_shows_secret_or_token() {
        let token = "STS.tok+en/with=chars é";
        let secret = "very-secret-value";
        let creds = Credentials::new("LTAIid", secret).with_security_token(token);
        let params = vec![("ListenerId".to_owned(), "lsn-1".to_owned())];
        for version in [SignatureVersion::V1, SignatureVersion::V3] {
            let input = input(&creds, &params);
            let signed = sign(version, &input);
            let dbg = format!("{signed:?} {input:?}");
            assert!(!dbg.contains(secret), "{dbg}");
            assert!(!dbg.contains(token), "{dbg}");
            assert!(!dbg.contains(&percent_encode(token)), "{dbg}");
            assert!(
                !dbg.contains(&percent_encode(&percent_encode(token))),
                "{dbg}"
            );
            assert!(dbg.contains(REDACTED));
            assert!(dbg.contains("lsn-1"));
        }
    }

    #[test]
    fn duplicate_keys_keep_last_value() {
        let creds = Credentials::new("id", "secret");
        let params = vec![
            ("B".to_owned(), "1".to_owned()),
            ("A".to_owned(), "x".to_owned()),
            ("B".to_owned(), "2".to_owned()),
        ];
        let signed = sign(SignatureVersion::V3, &input(&creds, &params));
        assert_eq!(
            signed.query,
            vec![
                ("A".to_owned(), "x".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ]
        );
        assert_eq!(signed.query_string, "A=x&B=2");
    }
}
