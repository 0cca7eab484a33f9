//! Shared pieces of the ALB SDK benchmarks: the request every request-cost
//! figure is about, and the client-side work done before a request is sent.
//!
//! The request is the one the official SDK comparison uses too
//! (`python/request_cost.py`): AssociateAdditionalCertificatesWithListener
//! with two certificates, a listener ID and a client token.

use alb_runtime::signing::{sign, SignatureVersion, SignedRequest, SigningInput};
use alb_runtime::{Config, Core, Credentials, Operation};
use alb_sdk::associate_additional_certificates_with_listener::Certificate;
use alb_sdk::AssociateAdditionalCertificatesWithListenerRequest;

pub const ACCESS_KEY_ID: &str = "LTAI5tBenchKeyId00001";
pub const ACCESS_KEY_SECRET: &str = "BenchSecret0123456789abcdefXYZ";
pub const HOST: &str = "alb.cn-hangzhou.aliyuncs.com";
pub const LISTENER_ID: &str = "lsn-o4u54y73wq7b******";
pub const CERT_1: &str = "103705*******-cn-hangzhou";
pub const CERT_2: &str = "2222-cn-hangzhou";
pub const CLIENT_TOKEN: &str = "5A2CFF0E-5718-45B5-9D4D-70B3FF3898";
/// Fixed so that the bare-HMAC floor hashes the same bytes as the SDK.
pub const TIMESTAMP: &str = "2024-03-15T08:09:10Z";
pub const NONCE: &str = "5f3a9c0e1b2d4f6a8c0e1b2d4f6a8c0e";

/// Builds and validates the request (`build()` validates).
pub fn build_request() -> AssociateAdditionalCertificatesWithListenerRequest {
    builder().build().expect("the benchmark request is valid")
}

/// The request's builder with every value set, not yet validated (what
/// `client.associate_additional_certificates_with_listener()...` holds
/// when `send()` is called).
pub fn builder() -> alb_sdk::AssociateAdditionalCertificatesWithListenerRequestBuilder {
    AssociateAdditionalCertificatesWithListenerRequest::builder()
        .listener_id(LISTENER_ID)
        .certificates(Certificate::new(CERT_1))
        .certificates(Certificate::new(CERT_2))
        .client_token(CLIENT_TOKEN)
}

/// A client core for `version` with these credentials, to the public
/// endpoint of cn-hangzhou (`HOST`); nothing is sent.
pub fn core(version: SignatureVersion, credentials: &Credentials) -> Core {
    Core::new(
        Config::builder()
            .region("cn-hangzhou")
            .credentials(credentials.clone())
            .signature_version(version)
            .build(),
    )
    .expect("the benchmark client builds")
}

/// What the client does for one call before handing the request to the
/// HTTP client, through the client's own code (`Core::send` up to
/// `reqwest::Client::execute`): set the request's values, validate and
/// flatten it, take a timestamp and a fresh nonce, sign, build the URL
/// and the headers.
pub fn prepare(core: &Core, credentials: &Credentials) -> reqwest::Request {
    let mut b = builder();
    let request = std::mem::take(b.request_mut());
    core.prepare_http_request(request, credentials)
        .expect("the request is valid")
}

/// The signing input of the request with a fixed timestamp and nonce.
pub fn fixed_input<'a>(
    params: &'a [(String, String)],
    credentials: &'a Credentials,
    user_agent: &'a str,
) -> SigningInput<'a> {
    let meta = <AssociateAdditionalCertificatesWithListenerRequest as Operation>::META;
    SigningInput {
        action: meta.name,
        api_version: meta.api_version,
        host: HOST,
        params,
        credentials,
        timestamp: TIMESTAMP,
        nonce: NONCE,
        user_agent,
    }
}

/// The same request signed with fixed timestamp and nonce: its
/// string-to-sign is the input of the bare-HMAC floor.
pub fn fixed_signed(
    version: SignatureVersion,
    credentials: &Credentials,
    user_agent: &str,
) -> SignedRequest {
    let params = build_request()
        .to_params()
        .expect("the request flattens")
        .into_vec();
    sign(version, &fixed_input(&params, credentials, user_agent))
}

/// Bare HMAC-SHA1, base64 (the V1 signature primitive). V1 keys with
/// `secret + "&"`.
pub fn hmac_sha1_b64(key: &[u8], msg: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Bare HMAC-SHA256, lowercase hex (the V3 signature primitive).
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

/// Summary statistics of a sample of durations in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub n: usize,
    pub min: f64,
    pub median: f64,
    pub max: f64,
    pub mean: f64,
}

pub fn stats(samples: &[f64]) -> Stats {
    let mut s = samples.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len();
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    Stats {
        n,
        min: s[0],
        median,
        max: s[n - 1],
        mean: s.iter().sum::<f64>() / n as f64,
    }
}

/// Nearest-rank percentile of a sorted sample, `p` in 0..=100.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
