//! The official Alibaba Cloud Python SDK (alibabacloud-alb20200616 on
//! alibabacloud-tea-openapi 0.4.6) against the emulator, with both signature
//! versions: `tests/python/official_sdk.py` drives every operation.
//!
//! Python: `$ALB_PYTHON`, else `<workspace>/.venv/bin/python`. When it or the
//! SDK is missing the test prints a note and passes, unless
//! `ALB_REQUIRE_PYTHON=1`, which makes it fail.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use alb_runtime::signing::SignatureVersion;

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
             Set ALB_PYTHON to a Python with alibabacloud-tea-openapi==0.4.6 and \
             alibabacloud-alb20200616==1.3.3, or create <workspace>/.venv."
        );
    }
    eprintln!("note: skipping the official Python SDK test: {reason}");
}

/// The operations `tests/python/official_sdk.py` calls.
const SCRIPTED: &[&str] = &[
    "AssociateAdditionalCertificatesWithListener",
    "CreateListener",
    "DeleteListener",
    "DissociateAdditionalCertificatesFromListener",
    "GetListenerAttribute",
    "ListAsynJobs",
    "ListListenerCertificates",
    "ListListeners",
    "StartListener",
    "StopListener",
    "UpdateListenerAttribute",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_every_operation() {
    let python = python();
    if !python.exists() {
        return skip(&format!("{} does not exist", python.display()));
    }
    let emu = common::start().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/official_sdk.py");
    let args = vec![
        script.display().to_string(),
        "--endpoint".to_string(),
        emu.local_addr().to_string(),
        "--access-key-id".to_string(),
        emu.access_key_id().to_string(),
        "--access-key-secret".to_string(),
        emu.access_key_secret().to_string(),
    ];
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
    assert!(
        output.status.success(),
        "official SDK script failed ({:?})\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON summary");
    assert_eq!(summary["ok"], true, "{summary}");
    assert!(summary["checks"].as_u64().unwrap() >= 50, "{summary}");

    // What the emulator saw: both signature versions, every operation.
    let requests = emu.requests();
    let versions: BTreeSet<_> = requests
        .iter()
        .filter_map(|r| r.signature_version)
        .map(|v| format!("{v:?}"))
        .collect();
    assert_eq!(
        versions,
        BTreeSet::from([
            format!("{:?}", SignatureVersion::V1),
            format!("{:?}", SignatureVersion::V3)
        ])
    );
    let actions: BTreeSet<_> = requests
        .iter()
        .filter(|r| r.http_status == 200)
        .filter_map(|r| r.action.clone())
        .collect();
    // Every operation the script drives succeeded at least once (an
    // operation added to the spec later is not the script's to know).
    let scripted: BTreeSet<String> = SCRIPTED.iter().map(|a| a.to_string()).collect();
    assert_eq!(actions, scripted);
    assert!(
        requests
            .iter()
            .all(|r| r.code.as_deref() != Some("SignatureDoesNotMatch")),
        "every signature checked out"
    );
    // Each certificate was attached by exactly one call.
    for c in emu.listener_certificates(common::HTTPS) {
        if !c.is_default {
            assert_eq!(c.association_count, 1, "{c:?}");
        }
    }
    emu.shutdown().await;
}
