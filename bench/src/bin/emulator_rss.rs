//! Memory of a long-running emulator: resident set size of this process
//! (the emulator runs in it, on 127.0.0.1) sampled while an SDK client makes
//! many calls that create and delete resources, start asynchronous jobs and
//! read. Everything the emulator remembers per request (nonces, jobs, the
//! request log, idempotency tokens) is bounded; this shows where it levels
//! off.
//!
//! Each cycle of three calls: CreateHealthCheckTemplate + its
//! DeleteHealthCheckTemplates (the model grows and shrinks again), then
//! UpdateListenerAttribute on the default listener (an asynchronous job),
//! with a fresh nonce and client token every time.
//!
//! Usage: emulator_rss [calls] [samples]. Prints JSON.

use alb_runtime::{RateLimitMode, RetryPolicy, SignatureVersion};
use std::time::{Duration, Instant};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let calls: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(300_000);
    let samples: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(10);

    let emulator = alb_emulator::Emulator::builder()
        .job_delay(Duration::ZERO)
        .start()
        .await
        .expect("the emulator starts");
    let config = emulator
        .client_config()
        .signature_version(SignatureVersion::V3)
        .rate_limit(RateLimitMode::Off)
        .retry(RetryPolicy::disabled())
        .build();
    let client = alb_sdk::Client::new(config).expect("client");

    let started = Instant::now();
    let mut rows = vec![serde_json::json!({ "calls": 0, "secs": 0.0, "rss_kib": rss_kib() })];
    let every = (calls / samples.max(1)).max(3);
    let (mut done, mut errors) = (0usize, 0usize);
    let mut cycle = 0usize;
    while done < calls {
        cycle += 1;
        let created = client
            .create_health_check_template()
            .health_check_template_name(format!("rss-{cycle}"))
            .send()
            .await;
        let mut n = 1;
        match created.map(|r| r.health_check_template_id) {
            Ok(Some(id)) => {
                n += 1;
                if client
                    .delete_health_check_templates()
                    .health_check_template_ids(id)
                    .send()
                    .await
                    .is_err()
                {
                    errors += 1;
                }
            }
            other => {
                if errors == 0 {
                    eprintln!("create failed: {other:?}");
                }
                errors += 1;
            }
        }
        n += 1;
        if let Err(e) = client
            .update_listener_attribute()
            .listener_id(alb_emulator::DEFAULT_HTTPS_LISTENER_ID)
            .listener_description(format!("cycle {cycle}"))
            .send()
            .await
        {
            if errors == 0 {
                eprintln!("update failed: {e}");
            }
            errors += 1;
        }
        let before = done;
        done += n;
        if done / every != before / every || done >= calls {
            rows.push(serde_json::json!({
                "calls": done,
                "secs": started.elapsed().as_secs_f64(),
                "rss_kib": rss_kib(),
            }));
        }
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "emulator_rss": rows,
            "calls": done,
            "errors": errors,
            "nonce_capacity": alb_emulator::nonces::DEFAULT_NONCE_CAPACITY,
        }))
        .unwrap()
    );
    emulator.shutdown().await;
}
