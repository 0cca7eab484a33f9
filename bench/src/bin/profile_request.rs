//! Runs the request path (build, validate, flatten, sign V3, URL) many times,
//! for a profiler: `valgrind --tool=callgrind target/release/profile_request`.
use alb_bench::*;
use alb_runtime::signing::SignatureVersion;
use alb_runtime::Credentials;

fn main() {
    let creds = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let ua = "alb-sdk-rust/0.1.0 (linux; x86_64) alb-runtime/0.1.0";
    let base_url = format!("https://{HOST}");
    let version = match std::env::args().nth(1).as_deref() {
        Some("v1") => SignatureVersion::V1,
        _ => SignatureVersion::V3,
    };
    let mut n = 0usize;
    for _ in 0..20_000 {
        n += std::hint::black_box(prepare(version, &creds, ua, &base_url, HOST)).0.len();
    }
    println!("{n}");
}
