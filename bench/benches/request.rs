//! Request cost: what the SDK does before a request leaves the process, vs
//! the bare HMAC over the same string-to-sign (the floor).
//!
//! `sdk_v1` / `sdk_v3`: build + validate the Associate request (2
//! certificates), flatten it, take a timestamp and a nonce, sign (HMAC-SHA1 /
//! ACS3-HMAC-SHA256), serialize the URL: exactly the steps of
//! `alb_runtime::Core` before `reqwest` is called.
//! `floor_hmac_sha1` / `floor_hmac_sha256`: one HMAC over that request's
//! string-to-sign bytes, encoded as the signature is (base64 / hex).

use alb_bench::*;
use alb_runtime::signing::SignatureVersion;
use alb_runtime::Credentials;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn request(c: &mut Criterion) {
    let creds = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let ua = "alb-sdk-rust/0.1.0 (linux; x86_64) alb-runtime/0.1.0";
    let base_url = format!("https://{HOST}");

    // The floor's inputs, checked against the SDK's own signatures.
    let v1 = fixed_signed(SignatureVersion::V1, &creds, ua);
    let v3 = fixed_signed(SignatureVersion::V3, &creds, ua);
    let v1_key = format!("{ACCESS_KEY_SECRET}&");
    assert_eq!(
        hmac_sha1_b64(v1_key.as_bytes(), v1.string_to_sign.as_bytes()),
        v1.signature
    );
    assert_eq!(
        hmac_sha256_hex(ACCESS_KEY_SECRET.as_bytes(), v3.string_to_sign.as_bytes()),
        v3.signature
    );

    let mut g = c.benchmark_group("request");
    g.sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("sdk_v1", |b| {
        b.iter(|| black_box(prepare(SignatureVersion::V1, &creds, ua, &base_url, HOST)))
    });
    g.bench_function("sdk_v3", |b| {
        b.iter(|| black_box(prepare(SignatureVersion::V3, &creds, ua, &base_url, HOST)))
    });
    g.bench_function("floor_hmac_sha1", |b| {
        b.iter(|| {
            black_box(hmac_sha1_b64(
                black_box(v1_key.as_bytes()),
                black_box(v1.string_to_sign.as_bytes()),
            ))
        })
    });
    g.bench_function("floor_hmac_sha256", |b| {
        b.iter(|| {
            black_box(hmac_sha256_hex(
                black_box(ACCESS_KEY_SECRET.as_bytes()),
                black_box(v3.string_to_sign.as_bytes()),
            ))
        })
    });
    // Breakdown: the part before signing.
    g.bench_function("build_validate_flatten", |b| {
        b.iter(|| {
            let r = build_request();
            black_box(alb_runtime::Operation::to_params(&r).into_vec())
        })
    });
    g.finish();
}

criterion_group!(benches, request);
criterion_main!(benches);
