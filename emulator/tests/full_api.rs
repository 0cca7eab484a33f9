//! The whole API through the official Alibaba Cloud Python SDK
//! (alibabacloud-alb20200616 on alibabacloud-tea-openapi): `tests/python/full_api.py`
//! builds a deployment (load balancer, server groups, listeners, rules, ACLs,
//! TLS policy, health check template, tags, AScripts, ...), changes it, checks
//! the documented errors on the way and tears it down, waiting for every
//! asynchronous step.
//!
//! The test fails when an operation of the spec (`alb_sdk::server::ACTIONS`)
//! was not called, or never answered 200, as the emulator's request log saw
//! it: an operation added to the spec needs a step in the script.
//!
//! Python: `$ALB_PYTHON`, else `<workspace>/.venv/bin/python`. When it or the
//! SDK is missing the test prints a note and passes, unless
//! `ALB_REQUIRE_PYTHON=1`, which makes it fail.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use alb_emulator::Emulator;

/// Short enough for the whole scenario to take a few seconds, long enough
/// for the script to see every in-between state (`Provisioning`,
/// `Configuring`, `Associating`, ...).
const JOB_DELAY: Duration = Duration::from_millis(150);

fn python() -> PathBuf {
    match std::env::var_os("ALB_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"),
    }
}

fn skip(reason: &str) {
    if std::env::var("ALB_REQUIRE_PYTHON").as_deref() == Ok("1") {
        panic!(
            "ALB_REQUIRE_PYTHON=1 but the official SDK cannot run: {reason}\n\
             Set ALB_PYTHON to a Python with alibabacloud-tea-openapi and \
             alibabacloud-alb20200616, or create <workspace>/.venv."
        );
    }
    eprintln!("note: skipping the full API test with the official Python SDK: {reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_the_whole_api() {
    let python = python();
    if !python.exists() {
        return skip(&format!("{} does not exist", python.display()));
    }
    let emu = Emulator::builder()
        .job_delay(JOB_DELAY)
        .start()
        .await
        .expect("emulator starts");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/full_api.py");
    let args = vec![
        script.display().to_string(),
        "--endpoint".to_string(),
        emu.local_addr().to_string(),
        "--access-key-id".to_string(),
        emu.access_key_id().to_string(),
        "--access-key-secret".to_string(),
        emu.access_key_secret().to_string(),
    ];
    let started = Instant::now();
    let output = tokio::task::spawn_blocking(move || Command::new(&python).args(&args).output())
        .await
        .unwrap();
    let output = match output {
        Ok(o) => o,
        Err(e) => return skip(&format!("cannot run Python: {e}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) && stderr.contains("MISSING_PACKAGES") {
        return skip(stderr.trim());
    }
    let summary: serde_json::Value = match serde_json::from_str(stdout.trim()) {
        Ok(s) => s,
        Err(e) => panic!(
            "no JSON summary ({e}; {:?})\nstdout: {stdout}\nstderr: {stderr}",
            output.status
        ),
    };
    assert!(
        output.status.success() && summary["ok"] == true,
        "the scenario failed ({:?}): {}\nlast checks passed: {:?}\nstderr: {stderr}",
        output.status,
        summary["failed"],
        summary["passed"]
            .as_array()
            .map(|p| &p[p.len().saturating_sub(5)..])
            .unwrap_or_default(),
    );
    let checks = summary["checks"].as_u64().unwrap_or(0);
    assert!(checks >= 400, "only {checks} checks: {summary}");
    // What the emulator saw: every operation of the spec called and
    // answered 200 at least once.
    let requests = emu.requests();
    eprintln!(
        "full API: {checks} checks, {} operations, {} requests, {:.1} s",
        summary["operations"].as_array().map_or(0, Vec::len),
        requests.len(),
        started.elapsed().as_secs_f64()
    );
    // The spec's operations the official SDK has (a user may add newer
    // ones to the spec; those are served from their bindings and tested
    // with the Rust client).
    let sdk: BTreeSet<String> = summary["sdk_operations"]
        .as_array()
        .expect("sdk_operations")
        .iter()
        .filter_map(|v| v.as_str())
        .map(str::to_string)
        .collect();
    let all: BTreeSet<&str> = alb_sdk::server::ACTIONS.iter().copied().collect();
    let spec: BTreeSet<&str> = all
        .iter()
        .copied()
        .filter(|op| sdk.contains(&op.to_lowercase()))
        .collect();
    assert!(
        spec.len() >= 85,
        "the official SDK has {} of the spec's operations",
        spec.len()
    );
    let called: BTreeSet<&str> = requests
        .iter()
        .filter_map(|r| r.action.as_deref())
        .collect();
    let answered: BTreeSet<&str> = requests
        .iter()
        .filter(|r| r.http_status == 200)
        .filter_map(|r| r.action.as_deref())
        .collect();
    let not_called: Vec<_> = spec.difference(&called).collect();
    assert!(
        not_called.is_empty(),
        "operations of the spec the scenario does not call: {not_called:?}"
    );
    let not_answered: Vec<_> = spec.difference(&answered).collect();
    assert!(
        not_answered.is_empty(),
        "operations never answered 200: {not_answered:?}"
    );
    let unknown: Vec<_> = called.difference(&all).collect();
    assert!(unknown.is_empty(), "actions not in the spec: {unknown:?}");
    // The script's own account agrees with the log.
    let scripted: BTreeSet<&str> = summary["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(scripted, spec, "the script's operations");

    // The official SDK's requests all fit the spec: no signature, parameter
    // or server error anywhere (the refusals the script provokes are
    // business errors).
    for r in &requests {
        let code = r.code.as_deref().unwrap_or_default();
        assert!(
            r.http_status < 500
                && !matches!(
                    code,
                    "InvalidParameter"
                        | "MissingParameter"
                        | "SignatureDoesNotMatch"
                        | "IncompleteSignature"
                        | "OperationNotSupported"
                        | "InternalError"
                ),
            "{r:?}"
        );
    }
    // Everything the scenario created is gone again.
    let left: Vec<String> = [
        "LoadBalancer",
        "ServerGroup",
        "Acl",
        "SecurityPolicy",
        "HealthCheckTemplate",
    ]
    .iter()
    .flat_map(|k| emu.resources(k))
    .filter_map(|r| {
        let name = [
            "LoadBalancerName",
            "ServerGroupName",
            "AclName",
            "SecurityPolicyName",
            "HealthCheckTemplateName",
        ]
        .iter()
        .find_map(|f| r.get(*f).and_then(|v| v.as_str()))?;
        name.starts_with("full-api").then(|| name.to_string())
    })
    .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    emu.shutdown().await;
}
