//! Runs the request path (build, validate, flatten, timestamp, nonce, sign,
//! URL and headers: `alb_bench::prepare`) 20,000 times (`v1` or `v3`, the default),
//! for a profiler: `valgrind --tool=callgrind target/release/profile_request`
//! (`profile_request v3 1000000` for a sampling profiler such as `perf`).
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
    // Iterations: 20,000 unless given (more for a sampling profiler).
    let count: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let mut n = 0usize;
    for _ in 0..count {
        n += std::hint::black_box(prepare(&core, &creds))
            .url()
            .as_str()
            .len();
    }
    println!("{n}");
}
