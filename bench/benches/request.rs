//! Request cost: what the SDK does before a request leaves the process, vs
//! the bare HMAC over the same string-to-sign (the floor).
//!
//! `sdk_v1` / `sdk_v3`: set the Associate request's values (2
//! certificates), validate and flatten it, take a timestamp and a nonce,
//! sign (HMAC-SHA1 / ACS3-HMAC-SHA256), build the URL and headers: the
//! client's own code (`alb_runtime::Core::prepare_http_request`, the part
//! of `Core::send` before `reqwest::Client::execute`).
//! `floor_hmac_sha1` / `floor_hmac_sha256`: one HMAC over that request's
//! string-to-sign bytes, encoded as the signature is (base64 / hex).

use alb_bench::*;
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{Credentials, Operation as _};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn request(c: &mut Criterion) {
    let creds = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let ua = "alb-sdk-rust/0.1.0 (linux; x86_64) alb-runtime/0.1.0";
    let core_v1 = core(SignatureVersion::V1, &creds);
    let core_v3 = core(SignatureVersion::V3, &creds);

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
        b.iter(|| black_box(prepare(&core_v1, &creds)))
    });
    g.bench_function("sdk_v3", |b| {
        b.iter(|| black_box(prepare(&core_v3, &creds)))
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
    // Breakdown: the part before signing (set the values, flatten,
    // validate), and signing alone with fixed inputs.
    g.bench_function("build_validate_flatten", |b| {
        b.iter(|| {
            let r = std::mem::take(builder().request_mut());
            let p = alb_runtime::Operation::to_params(&r).expect("flattens");
            let meta = <alb_sdk::AssociateAdditionalCertificatesWithListenerRequest as alb_runtime::Operation>::META;
            alb_runtime::validate(meta.input, &p, meta.name, false).expect("valid");
            black_box(p.into_vec())
        })
    });
    let params = build_request().to_params().expect("flattens").into_vec();
    for (name, version) in [
        ("sign_wire_v1", SignatureVersion::V1),
        ("sign_wire_v3", SignatureVersion::V3),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(alb_runtime::signing::sign_wire(
                    version,
                    &fixed_input(&params, &creds, ua),
                ))
                .query
                .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, request);
criterion_main!(benches);
