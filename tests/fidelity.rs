//! Fidelity: the spec says what Alibaba documents. For every operation, it
//! agrees with the 2024 metadata (parameters, nesting, types, required,
//! limits, error codes and statuses, async, access level, RAM, rate limit)
//! and with the current official Python SDK's models (wire names at every
//! depth, types, required), or a `notes:` entry names the difference.
//!
//! The metadata comes from ../shared/reference (or `$ALB_REFERENCE`); CI
//! always has it, so its absence fails. The SDK's models come from
//! `scripts/sdk_models.py` run by the official SDK's interpreter.

use alb_codegen::import::metadata::{Metadata, RamFacts};
use alb_codegen::import::{drift, sdk};
use alb_tests::{main_spec_dir, python, reference_dir, workspace_root};
use std::collections::BTreeSet;

fn api() -> alb_codegen::ir::Api {
    let spec = alb_codegen::load::load(&main_spec_dir()).expect("the spec loads");
    alb_codegen::check::check(&spec).expect("the spec checks")
}

/// The official SDK's models, when its interpreter is available (always in
/// CI: `ALB_REQUIRE_PYTHON=1`).
fn sdk_models() -> Option<std::collections::BTreeMap<String, sdk::SdkOperation>> {
    let python = python()?;
    let out = std::process::Command::new(python)
        .arg(workspace_root().join("scripts/sdk_models.py"))
        .arg("--json")
        .output()
        .expect("run sdk_models.py");
    assert!(
        out.status.success(),
        "sdk_models.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(sdk::from_json(&String::from_utf8_lossy(&out.stdout)).expect("sdk_models.py JSON"))
}

#[test]
fn every_known_operation_has_a_spec() {
    let api = api();
    let spec = alb_codegen::load::load(&main_spec_dir()).unwrap();
    let known: BTreeSet<&str> = spec
        .service
        .known_operations
        .iter()
        .map(String::as_str)
        .collect();
    let specified: BTreeSet<&str> = api.operations.iter().map(|o| o.name.as_str()).collect();
    let missing: Vec<_> = known.difference(&specified).collect();
    assert!(
        missing.is_empty(),
        "operations without a spec file: {missing:?}"
    );
    // ALB 2020-06-16 has 85: the 83 of the 2024 metadata (below) and two
    // the current official SDK added. A user may add more.
    assert!(specified.len() >= 85, "{} operations", specified.len());
    for newer in ["DescribeCapacityReservation", "ModifyCapacityReservation"] {
        assert!(specified.contains(newer), "{newer} is missing");
    }
    // Every operation of the reference metadata is among them.
    let reference = reference_dir();
    for entry in std::fs::read_dir(reference.join("operations"))
        .unwrap()
        .flatten()
    {
        let name = entry
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            specified.contains(name.as_str()),
            "{name} is in the metadata, not in the spec"
        );
    }
}

#[test]
fn every_difference_from_the_metadata_and_the_sdk_is_explained() {
    let api = api();
    let reference = reference_dir();
    let ram_text = std::fs::read_to_string(reference.join("ram.json")).expect("ram.json");
    let sdk = sdk_models();
    let mut unexplained = Vec::new();
    let mut compared = 0;
    for op in &api.operations {
        let notes = drift::notes_of(&api, op);
        let mut found = Vec::new();
        let path = reference
            .join("operations")
            .join(format!("{}.json", op.name));
        if path.exists() {
            let meta = Metadata::from_json(&std::fs::read_to_string(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let ram = RamFacts::from_json(&ram_text, &op.name).expect("ram.json");
            found.extend(drift::report(&api, op, &meta, ram.as_ref()));
            compared += 1;
        }
        if let Some(models) = &sdk {
            match models.get(&op.name) {
                Some(m) => found.extend(sdk::report(&api, op, m)),
                // An operation the SDK does not have yet: a note saying so
                // (naming "official SDK") explains it.
                None => found.push(drift::Drift {
                    subject: "official SDK".into(),
                    text: "not in the official SDK".into(),
                }),
            }
        }
        unexplained.extend(
            found
                .into_iter()
                .filter(|d| !drift::explained(d, &notes))
                .map(|d| format!("{}: {}", op.name, d.text)),
        );
    }
    assert_eq!(compared, 83, "the 2024 metadata has 83 operations");
    assert!(
        unexplained.is_empty(),
        "{} difference(s) no note explains (`cargo xtask import --all --drift --sdk FILE` lists them):\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
}

#[test]
fn the_drift_report_sees_a_planted_difference() {
    // The comparison is not vacuous: a parameter the spec lacks is reported.
    let api = api();
    let op = api
        .operations
        .iter()
        .find(|o| o.name == "ListListeners")
        .unwrap();
    let reference = reference_dir();
    let mut meta = Metadata::from_json(
        &std::fs::read_to_string(reference.join("operations/ListListeners.json")).unwrap(),
    )
    .unwrap();
    meta.parameters
        .push(alb_codegen::import::metadata::MetaMember {
            name: "PlantedParameter".into(),
            ty: "string".into(),
            ..Default::default()
        });
    let found = drift::report(&api, op, &meta, None);
    assert!(
        found.iter().any(|d| d.subject == "PlantedParameter"),
        "{found:?}"
    );
    let notes = drift::notes_of(&api, op);
    assert!(!drift::explained(
        found
            .iter()
            .find(|d| d.subject == "PlantedParameter")
            .unwrap(),
        &notes
    ));
}
