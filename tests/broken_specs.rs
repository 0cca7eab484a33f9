//! Broken specs are refused with every problem listed, each naming the file
//! and the key path (and line/column where the YAML parser gives one).

use alb_tests::{copy_dir, fixture_spec_dir, temp_dir};

/// The fixture service plus one extra operation file; returns the diagnostics.
fn diagnostics(case: &str, file: &str, yaml: &str) -> Vec<String> {
    let dir = temp_dir(&format!("broken-{case}"));
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::write(dir.join("operations").join(file), yaml).unwrap();
    let opts = alb_tests::fixture_opts();
    match alb_codegen::generate_crate(&dir, &opts) {
        Ok(_) => panic!("{case}: the broken spec was accepted"),
        Err(alb_codegen::Error::Spec(d)) => d.0.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("{case}: {e}"),
    }
}

const HEAD: &str = "name: DeleteWidget\ntitle: t\ndescription: d\nresponse: { fields: [ { name: RequestId, type: string } ] }\nram: { action: 'alb:DeleteWidget', access_level: Delete }\n";

fn op(extra: &str) -> String {
    format!("{HEAD}{extra}")
}

#[test]
fn unknown_key_names_file_key_and_line() {
    let d = diagnostics(
        "unknown-key",
        "DeleteWidget.yaml",
        &op("parameters:\n  - name: A\n    type: string\n    maxlength: 3\n"),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with(
            "operations/DeleteWidget.yaml:9:5: parameters[0]: unknown field `maxlength`"
        ),
        "{}",
        d[0]
    );
}

#[test]
fn unknown_type() {
    let d = diagnostics(
        "unknown-type",
        "DeleteWidget.yaml",
        &op("parameters:\n  - name: A\n    type: float\n"),
    );
    assert!(
        d[0].starts_with(
            "operations/DeleteWidget.yaml:8:11: parameters[0].type: unknown variant `float`"
        ),
        "{}",
        d[0]
    );
}

#[test]
fn every_semantic_problem_at_once() {
    let yaml = op(r#"parameters:
  - { name: Id, type: string, min_length: 5, max_length: 2 }
  - { name: Id, type: string }
  - { name: Count, type: integer, max_items: 3 }
  - { name: ListenerID, type: string }
  - { name: ListenerId, type: string, values_from: [NoSuchOperation] }
  - { name: Type, type: string }
errors:
  - { code: Bad.Status, http_status: 200, message: m }
  - { code: Dup, http_status: 400, message: m }
  - { code: Dup, http_status: 400, message: m }
"#)
    .replace(
        "ram: { action: 'alb:DeleteWidget', access_level: Delete }",
        "ram: { action: 'alb:DeleteWidget', access_level: Delete, resources: [ { type: W, arn: 'acs:alb:{#regionId}:{#accountId}:widget/{#nope}' } ] }",
    );
    let d = diagnostics("semantic", "DeleteWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/DeleteWidget.yaml: parameters[0]: min_length > max_length (5 > 2)",
            "operations/DeleteWidget.yaml: parameters[1].name: duplicate field `Id`",
            "operations/DeleteWidget.yaml: parameters[2].max_items: `max_items` does not apply to type Integer",
            "operations/DeleteWidget.yaml: parameters[4].name: `ListenerId` and `ListenerID` both become the Rust name `listener_id`",
            "operations/DeleteWidget.yaml: parameters[4].values_from[0]: unknown operation `NoSuchOperation`",
            "operations/DeleteWidget.yaml: ram.resources[0].arn: unknown ARN placeholder `{#nope}` (service.yaml ram.placeholders)",
            "operations/DeleteWidget.yaml: errors[0].http_status: HTTP status 200 is not an error status (400-599)",
            "operations/DeleteWidget.yaml: errors[2].code: duplicate error code `Dup`",
        ]
    );
}

#[test]
fn references_to_operations_and_paths_are_checked() {
    let yaml = op(r#"parameters:
  - { name: WidgetId, type: string }
async:
  job_id_field: JobId
  description: d
  status_operation: Nope
waiters:
  - name: Gone
    description: d
    operation: GetWidget
    input: [ { to: WidgetId, from: "Missing[].Id" } ]
    state: NoField
    success: [Done]
    delay: { initial_ms: 10, max_ms: 5 }
    timeout_seconds: 0
"#);
    let d = diagnostics("references", "DeleteWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/DeleteWidget.yaml: async.job_id_field: the response has no field `JobId`",
            "operations/DeleteWidget.yaml: async.status_operation: unknown operation `Nope`",
            "operations/DeleteWidget.yaml: waiters[0].input[0].from: `Missing[].Id`: no field `Missing`",
            "operations/DeleteWidget.yaml: waiters[0].state: no field `NoField` in the polled response",
            "operations/DeleteWidget.yaml: waiters[0].delay: need 0 < initial_ms <= max_ms",
            "operations/DeleteWidget.yaml: waiters[0].timeout_seconds: must be positive",
        ]
    );
}

#[test]
fn file_name_and_known_operations() {
    let d = diagnostics("names", "Renamed.yaml", &op(""));
    assert_eq!(
        d,
        ["operations/Renamed.yaml: name: `DeleteWidget` must match the file name `Renamed`"]
    );
}

#[test]
fn several_broken_files_are_all_reported() {
    let dir = temp_dir("broken-many");
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::write(dir.join("operations/DeleteWidget.yaml"), "name: [unclosed").unwrap();
    std::fs::write(dir.join("operations/Other.yaml"), "nonsense: 1").unwrap();
    let err = alb_codegen::load::load(&dir).unwrap_err();
    let files: Vec<String> = err.0.iter().map(|d| d.file.display().to_string()).collect();
    assert_eq!(
        files,
        ["operations/DeleteWidget.yaml", "operations/Other.yaml"]
    );
}
