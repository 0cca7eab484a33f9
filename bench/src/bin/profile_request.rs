//! Runs the request path (build, validate, flatten, timestamp, nonce, sign,
//! URL and headers: `alb_bench::prepare`) 20,000 times (`v1` or `v3`, the default),
//! for a profiler: `valgrind --tool=callgrind target/release/profile_request`.
use alb_bench::*;
use alb_runtime::signing::SignatureVersion;
use alb_runtime::Credentials;

fn main() {
    let creds = Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET);
    let version = match std::env::args().nth(1).as_deref() {
        Some("v1") => SignatureVersion::V1,
        _ => SignatureVersion::V3,
    };
    let core = core(version, &creds);
    let mut n = 0usize;
    for _ in 0..20_000 {
        n += std::hint::black_box(prepare(&core, &creds))
            .url()
            .as_str()
            .len();
    }
    println!("{n}");
}
