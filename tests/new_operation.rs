//! Adding an operation takes a YAML file and codegen, no hand-written Rust:
//! a copy of the spec gets a new operation file, the crate is generated into
//! a temp dir and compiled with `cargo check`, and a small program that uses
//! the new operation's generated client method, builder and metadata builds.

use alb_tests::{copy_dir, main_spec_dir, temp_dir, workspace_root};
use std::process::Command;

const NEW_OP: &str = r#"name: GetLoadBalancerAttribute
title: Get the attributes of a load balancer
description: Reads the configuration and state of one ALB instance.
parameters:
  - name: LoadBalancerId
    type: string
    required: true
    description: ID of the load balancer.
    example: alb-o9ulmq5hgn68jk****
response:
  fields:
    - { name: RequestId, type: string, description: Request ID. }
    - { name: LoadBalancerStatus, type: string, description: "Active, Inactive, Provisioning, Configuring or CreateFailed." }
ram:
  action: alb:GetLoadBalancerAttribute
  access_level: Read
  resources:
    - type: LoadBalancer
      arn: "acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}"
      required: true
errors:
  - { code: ResourceNotFound.LoadBalancer, http_status: 404, message: The specified resource %s is not found. }
"#;

const PROGRAM: &str = r#"
fn main() {
    let request = new_sdk::GetLoadBalancerAttributeRequest::builder().load_balancer_id("alb-1").build().unwrap();
    assert!(new_sdk::GetLoadBalancerAttributeRequest::builder().build().is_err());
    let _client_method = new_sdk::Client::get_load_balancer_attribute;
    let e = new_sdk::GetLoadBalancerAttributeError::from_code("ResourceNotFound.LoadBalancer", &["alb-1"]);
    assert!(e.is_resource_not_found_load_balancer());
    assert_eq!(new_sdk::get_load_balancer_attribute::META.ram.action, "alb:GetLoadBalancerAttribute");
    let _ = request;
}
"#;

#[test]
fn a_new_operation_needs_only_yaml() {
    let spec = temp_dir("newop-spec");
    copy_dir(&main_spec_dir(), &spec);
    assert!(!spec
        .join("operations/GetLoadBalancerAttribute.yaml")
        .exists());
    std::fs::write(
        spec.join("operations/GetLoadBalancerAttribute.yaml"),
        NEW_OP,
    )
    .unwrap();

    let out = temp_dir("newop-crate");
    let runtime = workspace_root().join("runtime");
    let opts = alb_codegen::CrateOptions {
        package: "new-sdk".into(),
        runtime_path: runtime.display().to_string(),
        spec_label: "specs".into(),
    };
    let files = alb_codegen::generate_crate(&spec, &opts).unwrap_or_else(|e| panic!("{e}"));
    alb_codegen::sync::write(&out, &files).unwrap();
    let mut manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    manifest.push_str("\n[workspace]\n");
    std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(out.join("examples")).unwrap();
    std::fs::write(out.join("examples/use_it.rs"), PROGRAM).unwrap();
    // Reuse the workspace's lock file and build cache: no network, fast.
    std::fs::copy(workspace_root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("target"))
        .join("new-operation-test");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["run", "--offline", "--quiet", "--example", "use_it"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "the crate generated with the new operation does not build or run"
    );
}
