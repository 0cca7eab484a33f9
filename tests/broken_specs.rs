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

#[test]
fn odd_wire_and_type_names_are_refused_not_panicked_on() {
    for name in ["123", "9Lives", "_", "__", "_Id", "a-b"] {
        let yaml = op(&format!(
            "parameters:\n  - name: \"{name}\"\n    type: string\n"
        ));
        let d = diagnostics(&format!("odd-{}", name.len()), "DeleteWidget.yaml", &yaml);
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        assert!(
            d[0].starts_with("operations/DeleteWidget.yaml: parameters[0].name: ")
                && d[0].contains("not a valid wire name"),
            "{name}: {}",
            d[0]
        );
    }
    let yaml = op("parameters:\n  - name: A\n    type: object\n    struct_name: 9Lives\n    fields: [ { name: B, type: string } ]\n");
    let d = diagnostics("odd-struct", "DeleteWidget.yaml", &yaml);
    assert!(
        d.iter()
            .any(|l| l.starts_with("operations/DeleteWidget.yaml: parameters[0].struct_name: ")),
        "{d:?}"
    );
}

/// Names drawn at random from awkward characters, as parameter, field and
/// struct names and error codes: the generator answers with a spec error or
/// with code, and never panics.
#[test]
fn no_name_panics_the_generator() {
    let alphabet: Vec<char> = "aZ09_.-éS".chars().collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let dir = temp_dir("fuzz-names");
    copy_dir(&fixture_spec_dir(), &dir);
    let mut names: Vec<String> = ["Self", "Type", "Crate", "Match", "self", "r#A", "A1", "Ab_"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for _ in 0..120 {
        let len = (next() % 5) as usize + 1;
        names.push(
            (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect(),
        );
    }
    for name in &names {
        let quoted = format!("{name:?}");
        let yaml = op(&format!(
            "parameters:\n  - {{ name: {quoted}, type: string }}\n  - {{ name: Obj, type: object, struct_name: {quoted}, fields: [ {{ name: {quoted}, type: integer }} ] }}\nerrors:\n  - {{ code: {quoted}, http_status: 400, message: m }}\n"
        ));
        std::fs::write(dir.join("operations/DeleteWidget.yaml"), yaml).unwrap();
        let opts = alb_tests::fixture_opts();
        let result = std::panic::catch_unwind(|| alb_codegen::generate_crate(&dir, &opts));
        match result {
            Ok(Ok(_)) | Ok(Err(alb_codegen::Error::Spec(_))) => {}
            Ok(Err(e)) => panic!("{name:?}: {e}"),
            Err(_) => panic!("the name {name:?} panicked the generator"),
        }
    }
}

#[test]
fn spec_files_by_extension() {
    let dir = temp_dir("extensions");
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::rename(
        dir.join("operations/GetWidget.yaml"),
        dir.join("operations/GetWidget.YAML"),
    )
    .unwrap();
    std::fs::write(dir.join("operations/DeleteWidget.Yml"), op("")).unwrap();
    std::fs::write(dir.join("operations/.DeleteWidget.yaml.swp"), "binary junk").unwrap();
    let spec = alb_codegen::load::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = spec
        .operations
        .iter()
        .map(|(_, o)| o.name.as_str())
        .collect();
    assert!(
        names.contains(&"GetWidget") && names.contains(&"DeleteWidget"),
        "{names:?}"
    );
    std::fs::write(dir.join("operations/StartWidget.json"), "{}").unwrap();
    std::fs::write(dir.join("operations/notes.txt"), "x").unwrap();
    let err = alb_codegen::load::load(&dir).unwrap_err();
    let shown: Vec<String> = err.0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(
        shown[0].starts_with("operations/StartWidget.json: not a spec file"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("operations/notes.txt: not a spec file"),
        "{shown:?}"
    );
}

#[test]
fn alias_bombs_are_refused_quickly() {
    let mut yaml = op("");
    yaml.push_str("notes:\n  - &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..14 {
        let refs = vec![format!("*l{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("  - &l{i} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    let d = diagnostics("alias-bomb", "DeleteWidget.yaml", &yaml);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("operations/DeleteWidget.yaml: the file expands to more than"),
        "{}",
        d[0]
    );
}

#[test]
fn an_unsupported_default_says_what_to_write() {
    let yaml = op("parameters:\n  - { name: On, type: boolean, default: maybe }\n  - { name: L, type: array, items: { type: string }, default: x }\n");
    let d = diagnostics("default", "DeleteWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/DeleteWidget.yaml: parameters[0].default: `maybe` is not a boolean default: write `true` or `false` (unquoted)",
            "operations/DeleteWidget.yaml: parameters[1].default: a default of type Array is not supported: only strings, integers and booleans take a `default`; describe it in `description` instead",
        ]
    );
}
