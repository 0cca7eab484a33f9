//! Adding an operation takes a YAML file and codegen, no hand-written SDK
//! code: in a copy of the repository, a new operation that uses shared
//! shapes and catalogue codes is added by YAML only, `cargo xtask codegen`
//! regenerates the crate, and the whole workspace builds and its test suite
//! passes there, together with a user's test that calls the new operation
//! on the emulator, which serves it from its `emulator:` binding alone.
//!
//! The copy runs the suite with `ALB_NEW_OPERATION_CLONE=1`, which makes
//! this test skip itself there. Its build directory is kept between runs
//! (`target/new-operation-clone`), so only the first run builds everything.

use alb_tests::{temp_dir, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

const INNER: &str = "ALB_NEW_OPERATION_CLONE";

/// An operation Alibaba might publish later (the spec has all 85 of
/// 2020-06-16), using shared shapes, an enum shape and catalogue codes.
const NEW_OP: &str = r#"name: GetLoadBalancerSummary
title: Get a summary of a load balancer
description: Reads the state and tags of one ALB instance.
parameters:
  - name: LoadBalancerId
    type: string
    required: true
    description: ID of the load balancer.
    example: alb-o9ulmq5hgn68jk****
response:
  fields:
    - { name: RequestId, type: string, description: Request ID. }
    - { name: LoadBalancerStatus, shape: LoadBalancerStatus, description: The instance's state. }
    - name: Tags
      type: array
      description: The load balancer's tags (the shared Tag shape).
      items: { shape: Tag }
ram:
  action: alb:GetLoadBalancerSummary
  access_level: Read
  resources:
    - { type: LoadBalancer, required: true }
errors:
  - { code: ResourceNotFound.LoadBalancer, description: "LoadBalancerId names no load balancer." }
notes:
  - Not in the official SDK yet; written from the operation's documentation.
emulator:
  verb: get
  resource: LoadBalancer
"#;

/// A user's test of the new operation, in the copy's emulator crate: the
/// SDK has it, and the emulator serves it (from its binding alone).
const USER_TEST: &str = r##"
use alb_sdk::prelude::*;

#[tokio::test]
async fn the_emulator_serves_the_new_operation() {
    let emu = alb_emulator::Emulator::builder().start().await.unwrap();
    let client = alb_sdk::Client::new(emu.client_config().build()).unwrap();
    let out = client
        .get_load_balancer_summary()
        .load_balancer_id(alb_emulator::DEFAULT_LOAD_BALANCER_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(out.load_balancer_status, Some(alb_sdk::types::LoadBalancerStatus::Active));
    let err = client
        .get_load_balancer_summary()
        .load_balancer_id("alb-nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.service_error().is_some_and(|e| e.is_resource_not_found_load_balancer()), "{err:?}");
    emu.shutdown().await;
}

#[test]
fn the_new_operation_is_usable() {
    let request = alb_sdk::GetLoadBalancerSummaryRequest::builder()
        .load_balancer_id("alb-1")
        .build()
        .unwrap();
    assert_eq!(request.load_balancer_id.as_deref(), Some("alb-1"));
    assert!(alb_sdk::GetLoadBalancerSummaryRequest::builder().build().is_err());
    let _client_method = alb_sdk::Client::get_load_balancer_summary;
    let e = alb_sdk::GetLoadBalancerSummaryError::from_code("ResourceNotFound.LoadBalancer", &["alb-1"]);
    assert!(e.is_resource_not_found_load_balancer());
    assert_eq!(e.http_status(), 404);
    let meta = alb_sdk::ram::operation("GetLoadBalancerSummary").unwrap();
    assert_eq!(meta.ram.action, "alb:GetLoadBalancerSummary");
    // The one shared tag type, in requests and in the new response alike.
    let out: alb_sdk::GetLoadBalancerSummaryResponse = serde_json::from_str(
        r#"{"LoadBalancerStatus":"Active","Tags":[{"Key":"env","Value":"dev"}]}"#,
    )
    .unwrap();
    assert_eq!(out.load_balancer_status, Some(alb_sdk::types::LoadBalancerStatus::Active));
    let tag: &alb_sdk::types::Tag = &out.tags[0];
    let _same: alb_sdk::create_listener::Tag = tag.clone();
    assert_eq!(tag.key.as_deref(), Some("env"));
}
"##;

/// The files of the repository, as git sees them (tracked, and untracked
/// but not ignored); without git, every file but build output.
fn repository_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args(["ls-files", "-co", "--exclude-standard", "-z"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success());
    match listed {
        Some(out) => out
            .stdout
            .split(|b| *b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
            .filter(|p| root.join(p).is_file())
            .collect(),
        None => {
            let mut out = Vec::new();
            walk(root, root, &mut out);
            out
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        let name = e.file_name();
        if [".git", "target", ".venv"].iter().any(|n| name == *n) {
            continue;
        }
        if p.is_dir() {
            walk(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
}

fn cargo(clone: &Path, target: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(clone)
        .env("CARGO_TARGET_DIR", target)
        .env(INNER, "1")
        // The copy has no ../shared beside it.
        .env("ALB_REFERENCE", alb_tests::reference_dir())
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "in the copy with the new operation, `cargo {}` failed",
        args.join(" ")
    );
}

#[test]
fn a_new_operation_needs_only_yaml() {
    if std::env::var_os(INNER).is_some() {
        eprintln!("note: inside the copy of the new-operation test; not recursing");
        return;
    }
    let root = workspace_root();
    let clone = temp_dir("new-operation-clone");
    for rel in repository_files(&root) {
        let to = clone.join(&rel);
        std::fs::create_dir_all(to.parent().expect("a parent")).unwrap();
        std::fs::copy(root.join(&rel), &to).unwrap();
    }
    let spec = clone.join("specs/alb/2020-06-16");
    let op_file = spec.join("operations/GetLoadBalancerSummary.yaml");
    assert!(!op_file.exists(), "the operation is new");
    std::fs::write(&op_file, NEW_OP).unwrap();
    // A new name for the service's list of operations.
    let service = std::fs::read_to_string(spec.join("service.yaml")).unwrap();
    let service = service.replacen(
        "known_operations:\n",
        "known_operations:\n  - GetLoadBalancerSummary\n",
        1,
    );
    std::fs::write(spec.join("service.yaml"), service).unwrap();
    std::fs::write(
        clone.join("emulator/tests/user_new_operation.rs"),
        USER_TEST,
    )
    .unwrap();

    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("new-operation-clone");
    // What a user runs: regenerate, check, then the whole suite.
    cargo(&clone, &target, &["xtask", "codegen"]);
    assert!(clone
        .join("generated/src/operations/get_load_balancer_summary.rs")
        .exists());
    cargo(&clone, &target, &["xtask", "codegen", "--check"]);
    cargo(
        &clone,
        &target,
        &["test", "--workspace", "--all-features", "--quiet"],
    );
    let _ = std::fs::remove_dir_all(&clone);
}
