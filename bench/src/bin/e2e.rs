//! End to end against the local emulator (in this process, on 127.0.0.1):
//! calls/s and latency percentiles of the SDK client vs raw reqwest, with 1
//! and 64 concurrent tasks.
//!
//! The call is GetListenerAttribute on the emulator's default HTTPS listener
//! (read-only, so every call does the same work).
//!
//! * `sdk`: `client.get_listener_attribute().listener_id(..).send()`, V3
//!   signing, `RateLimitMode::Off`, retries disabled; each call validates,
//!   signs with a fresh nonce, sends, reads and decodes the JSON answer.
//! * `raw`: the same requests signed *before* the clock starts (one distinct
//!   nonce each, because the emulator refuses a replayed nonce), then posted
//!   with a bare `reqwest::Client` and the body read, not decoded. So the
//!   floor is transport + emulator; the SDK's extra is signing, validation,
//!   decoding and its call engine.
//!
//! Rounds alternate sdk / raw so that both see the same machine load.
//! Usage: e2e [rounds] [calls at c=1] [calls at c=64]. Prints JSON.

use alb_bench::{percentile, stats};
use alb_runtime::signing::{sign, SignatureVersion, SigningInput};
use alb_runtime::{Credentials, RateLimitMode, RetryPolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

const ACTION: &str = "GetListenerAttribute";

struct Round {
    secs: f64,
    latencies_us: Vec<f64>,
    errors: usize,
}

async fn run_sdk(client: &alb_sdk::Client, calls: usize, concurrency: usize) -> Round {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let t = Instant::now();
                let r = client
                    .get_listener_attribute()
                    .listener_id(alb_emulator::DEFAULT_HTTPS_LISTENER_ID)
                    .send()
                    .await;
                lat.push(t.elapsed().as_secs_f64() * 1e6);
                if r.is_err() {
                    if errors == 0 {
                        eprintln!("sdk call failed: {:?}", r.err());
                    }
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, started).await
}

struct Presigned {
    url: String,
    headers: Vec<(String, String)>,
}

fn presign(base_url: &str, host: &str, creds: &Credentials, ua: &str, n: usize) -> Vec<Presigned> {
    let params = vec![(
        "ListenerId".to_string(),
        alb_emulator::DEFAULT_HTTPS_LISTENER_ID.to_string(),
    )];
    let timestamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .unwrap();
    (0..n)
        .map(|_| {
            let nonce = uuid::Uuid::new_v4().simple().to_string();
            let s = sign(
                SignatureVersion::V3,
                &SigningInput {
                    action: ACTION,
                    api_version: alb_sdk::API_VERSION,
                    host,
                    params: &params,
                    credentials: creds,
                    timestamp: &timestamp,
                    nonce: &nonce,
                    user_agent: ua,
                },
            );
            Presigned {
                url: format!("{base_url}/?{}", s.query_string),
                headers: s.headers.into_iter().filter(|(k, _)| k != "host").collect(),
            }
        })
        .collect()
}

async fn run_raw(http: &reqwest::Client, reqs: Arc<Vec<Presigned>>, concurrency: usize) -> Round {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let http = http.clone();
        let next = next.clone();
        let reqs = reqs.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = reqs.get(i) else { break };
                let t = Instant::now();
                let mut rb = http.post(&p.url);
                for (k, v) in &p.headers {
                    rb = rb.header(k.as_str(), v.as_str());
                }
                let ok = match rb.body(Vec::new()).send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let body = resp.bytes().await;
                        if !status.is_success() && errors == 0 {
                            eprintln!("raw call: {status} {:?}", body);
                        }
                        status.is_success() && body.is_ok()
                    }
                    Err(e) => {
                        if errors == 0 {
                            eprintln!("raw call failed: {e}");
                        }
                        false
                    }
                };
                lat.push(t.elapsed().as_secs_f64() * 1e6);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    collect(tasks, started).await
}

async fn collect(
    tasks: Vec<tokio::task::JoinHandle<(Vec<f64>, usize)>>,
    started: Instant,
) -> Round {
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        latencies_us.extend(l);
        errors += e;
    }
    Round {
        secs: started.elapsed().as_secs_f64(),
        latencies_us,
        errors,
    }
}

fn summarize(rounds: &[Round]) -> serde_json::Value {
    let per_round: Vec<serde_json::Value> = rounds
        .iter()
        .map(|r| {
            let mut l = r.latencies_us.clone();
            l.sort_by(|a, b| a.partial_cmp(b).unwrap());
            serde_json::json!({
                "calls": l.len(),
                "errors": r.errors,
                "calls_per_s": l.len() as f64 / r.secs,
                "p50_us": percentile(&l, 50.0),
                "p99_us": percentile(&l, 99.0),
            })
        })
        .collect();
    let rate: Vec<f64> = per_round
        .iter()
        .map(|r| r["calls_per_s"].as_f64().unwrap())
        .collect();
    let p50: Vec<f64> = per_round
        .iter()
        .map(|r| r["p50_us"].as_f64().unwrap())
        .collect();
    let p99: Vec<f64> = per_round
        .iter()
        .map(|r| r["p99_us"].as_f64().unwrap())
        .collect();
    let (r, a, b) = (stats(&rate), stats(&p50), stats(&p99));
    serde_json::json!({
        "rounds": per_round,
        "calls_per_s": {"min": r.min, "median": r.median, "max": r.max},
        "p50_us": {"min": a.min, "median": a.median, "max": a.max},
        "p99_us": {"min": b.min, "median": b.median, "max": b.max},
        "errors": rounds.iter().map(|r| r.errors).sum::<usize>(),
    })
}

/// Per-call costs of the SDK's own work that raw reqwest does not do,
/// measured alone on this answer: decoding the typed response from the
/// emulator's body (`decode_us`), and what `raw` itself spends building
/// its request from a URL string (`raw_build_us`, the floor's own share).
async fn breakdown(http: &reqwest::Client, p: &Presigned) -> serde_json::Value {
    let mut rb = http.post(&p.url);
    for (k, v) in &p.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    let body = rb.send().await.expect("sent").bytes().await.expect("read");
    const N: u32 = 20_000;
    let t = Instant::now();
    for _ in 0..N {
        let r: alb_sdk::GetListenerAttributeResponse =
            serde_json::from_slice(std::hint::black_box(&body)).expect("decodes");
        std::hint::black_box(r);
    }
    let decode_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(N);
    let t = Instant::now();
    for _ in 0..N {
        let mut rb = http.post(&p.url);
        for (k, v) in &p.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        std::hint::black_box(rb.body(Vec::new()).build().expect("builds"));
    }
    let raw_build_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(N);
    serde_json::json!({
        "body_bytes": body.len(),
        "decode_us": decode_us,
        "raw_build_us": raw_build_us,
    })
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(3);
    let calls_1: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(2000);
    let calls_64: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(10000);

    let emulator = alb_emulator::Emulator::builder()
        .start()
        .await
        .expect("the emulator starts");
    let base_url = emulator.base_url().trim_end_matches('/').to_string();
    let host = base_url
        .split_once("://")
        .map(|(_, r)| r.split('/').next().unwrap().to_string())
        .unwrap();
    let creds = Credentials::new(
        alb_emulator::DEFAULT_ACCESS_KEY_ID,
        alb_emulator::DEFAULT_ACCESS_KEY_SECRET,
    );
    let config = alb_runtime::Config::builder()
        .endpoint_url(base_url.clone())
        .credentials(creds.clone())
        .signature_version(SignatureVersion::V3)
        .rate_limit(RateLimitMode::Off)
        .retry(RetryPolicy::disabled())
        .build();
    let client = alb_sdk::Client::new(config).expect("client");
    let ua = alb_runtime::client::user_agent(None);
    let http = reqwest::Client::builder()
        .user_agent(ua.clone())
        .build()
        .unwrap();

    // Warm up both paths (connections, emulator state).
    let warm = run_sdk(&client, 200, 8).await;
    assert_eq!(warm.errors, 0, "the SDK's warm-up calls failed");
    let warm = run_raw(
        &http,
        Arc::new(presign(&base_url, &host, &creds, &ua, 200)),
        8,
    )
    .await;
    assert_eq!(warm.errors, 0, "raw warm-up calls failed");

    let mut out = serde_json::Map::new();
    out.insert(
        "breakdown".into(),
        breakdown(&http, &presign(&base_url, &host, &creds, &ua, 1)[0]).await,
    );
    for (concurrency, calls) in [(1usize, calls_1), (64, calls_64)] {
        let mut sdk = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..rounds {
            sdk.push(run_sdk(&client, calls, concurrency).await);
            let reqs = Arc::new(presign(&base_url, &host, &creds, &ua, calls));
            raw.push(run_raw(&http, reqs, concurrency).await);
        }
        out.insert(
            format!("c{concurrency}"),
            serde_json::json!({
                "concurrency": concurrency,
                "calls_per_round": calls,
                "sdk": summarize(&sdk),
                "raw": summarize(&raw),
            }),
        );
    }
    out.insert("rounds".into(), rounds.into());
    out.insert("operation".into(), ACTION.into());
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "e2e": out })).unwrap()
    );
}
