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

const HEAD: &str = "name: PurgeWidget\ntitle: t\ndescription: d\nresponse: { fields: [ { name: RequestId, type: string } ] }\nram: { action: 'alb:PurgeWidget', access_level: Delete }\n";

fn op(extra: &str) -> String {
    format!("{HEAD}{extra}")
}

#[test]
fn unknown_key_names_file_key_and_line() {
    let d = diagnostics(
        "unknown-key",
        "PurgeWidget.yaml",
        &op("parameters:\n  - name: A\n    type: string\n    maxlength: 3\n"),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with(
            "operations/PurgeWidget.yaml:9:5: parameters[0]: unknown field `maxlength`"
        ),
        "{}",
        d[0]
    );
}

#[test]
fn unknown_type() {
    let d = diagnostics(
        "unknown-type",
        "PurgeWidget.yaml",
        &op("parameters:\n  - name: A\n    type: float\n"),
    );
    assert!(
        d[0].starts_with(
            "operations/PurgeWidget.yaml:8:11: parameters[0].type: unknown variant `float`"
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
  - Nope.NotInCatalogue
  - ResourceNotFound.Widget
  - ResourceNotFound.Widget
"#)
    .replace(
        "ram: { action: 'alb:PurgeWidget', access_level: Delete }",
        "ram: { action: 'alb:PurgeWidget', access_level: Delete, resources: [ { type: Widget, arn: 'acs:alb:{#regionId}:{#accountId}:widget/{#nope}' }, { type: Gadget }, { type: Widget, arn: 'acs:alb:{#regionId}:{#accountId}:gizmo/{#widgetId}' } ] }",
    );
    let d = diagnostics("semantic", "PurgeWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: parameters[0]: min_length > max_length (5 > 2)",
            "operations/PurgeWidget.yaml: parameters[1].name: duplicate field `Id`",
            "operations/PurgeWidget.yaml: parameters[2].max_items: `max_items` does not apply to type Integer",
            "operations/PurgeWidget.yaml: parameters[4].name: `ListenerId` and `ListenerID` both become the Rust name `listener_id`",
            "operations/PurgeWidget.yaml: parameters[4].values_from[0]: unknown operation `NoSuchOperation`",
            "operations/PurgeWidget.yaml: errors[0]: unknown error code `Nope.NotInCatalogue`: write it once in errors.yaml",
            "operations/PurgeWidget.yaml: errors[2]: `ResourceNotFound.Widget` is listed twice",
            // Placeholder names aside, this is the Widget ARN: one problem.
            "operations/PurgeWidget.yaml: ram.resources[0].arn: unknown ARN placeholder `{#nope}` (service.yaml ram.placeholders)",
            "operations/PurgeWidget.yaml: ram.resources[1].type: unknown RAM resource type `Gadget` (service.yaml ram.resource_types)",
            "operations/PurgeWidget.yaml: ram.resources[2].arn: `acs:alb:{#regionId}:{#accountId}:gizmo/{#widgetId}` is neither the Widget ARN `acs:alb:{#regionId}:{#accountId}:widget/{#widgetId}` nor its wildcard `acs:alb:{#regionId}:{#accountId}:widget/*`",
        ]
    );
}

#[test]
fn references_to_operations_and_paths_are_checked() {
    let yaml = op(r#"parameters:
  - { name: WidgetId, type: string }
async:
  description: d
  job_id_field: NoSuchField
  waiter:
    name: Gone
    description: d
    poll: GetWidget
    input: [ { to: WidgetId, from: "request.Missing[].Id" }, { to: Nope, from: "response.RequestId" }, { to: WidgetId, from: "WidgetId" } ]
    state: NoField
    success: [Done]
    delay: { initial_ms: 10, max_ms: 5 }
    timeout_seconds: 0
"#);
    let d = diagnostics("references", "PurgeWidget.yaml", &yaml);
    assert_eq!(
        d,
        ["operations/PurgeWidget.yaml: async.job_id_field: the response has no field `NoSuchField`"]
    );
    let yaml = yaml.replace("job_id_field: NoSuchField", "job_id_field: RequestId");
    let d = diagnostics("references-2", "PurgeWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: async.waiter.input[0].from: `request.Missing[].Id`: no field `Missing`",
            "operations/PurgeWidget.yaml: async.waiter.input[1].to: `GetWidget` has no parameter `Nope`",
            "operations/PurgeWidget.yaml: async.waiter.input[2].from: `WidgetId`: a path starts with `request.` or `response.`",
            "operations/PurgeWidget.yaml: async.waiter.state: no field `NoField` in the polled response",
        ]
    );
    // The state's values against the polled field's enum, the delays, the
    // timeout; every missing key of a waiter at once.
    let yaml = op(r#"response:
  fields: [ { name: RequestId, type: string }, { name: JobId, type: string } ]
async:
  description: d
  waiter:
    poll: GetWidget
    input: [ { to: WidgetId, from: "response.RequestId" } ]
    state: Status
    success: [Activ]
    pending: [Provisioning, Provisioning]
    delay: { initial_ms: 10, max_ms: 5 }
    timeout_seconds: 0
"#)
    .replace(
        "response: { fields: [ { name: RequestId, type: string } ] }\n",
        "",
    );
    let d = diagnostics("waiter-states", "PurgeWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: async.waiter: the waiter lacks `name`, `description`",
            "operations/PurgeWidget.yaml: async.waiter: state `Provisioning` is listed in more than one of success/failure/pending",
            "operations/PurgeWidget.yaml: async.waiter.success: `Activ` is not a value of `Status` (Provisioning, Active, Failed, Deleting)",
            "operations/PurgeWidget.yaml: async.waiter.delay: need 0 < initial_ms <= max_ms",
            "operations/PurgeWidget.yaml: async.waiter.timeout_seconds: must be positive",
        ]
    );
}

#[test]
fn file_name_and_known_operations() {
    let d = diagnostics("names", "Renamed.yaml", &op(""));
    assert_eq!(
        d,
        ["operations/Renamed.yaml: name: `PurgeWidget` must match the file name `Renamed`"]
    );
    let d = diagnostics(
        "unknown-op",
        "Unlisted.yaml",
        &op("").replace("PurgeWidget", "Unlisted"),
    );
    assert_eq!(
        d,
        ["operations/Unlisted.yaml: name: `Unlisted` is not an operation of the API (service.yaml known_operations)"]
    );
}

/// A shapes/ file in the fixture copy, and the diagnostics of the spec.
fn with_shape(case: &str, shape_file: &str, shape: &str, op_yaml: &str) -> Vec<String> {
    let dir = temp_dir(&format!("broken-{case}"));
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::write(dir.join("shapes").join(shape_file), shape).unwrap();
    std::fs::write(dir.join("operations/PurgeWidget.yaml"), op_yaml).unwrap();
    match alb_codegen::generate_crate(&dir, &alb_tests::fixture_opts()) {
        Ok(_) => panic!("{case}: the broken spec was accepted"),
        Err(alb_codegen::Error::Spec(d)) => d.0.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("{case}: {e}"),
    }
}

#[test]
fn shapes_are_checked() {
    // An unknown shape, a use that adds a constraint, an inline object
    // under a name already taken, an unused shape.
    let d = with_shape(
        "shapes",
        "Unused.yaml",
        "name: Unused\ndescription: Never used.\ntype: object\nfields: [ { name: A, type: string } ]\n",
        &op(r#"parameters:
  - { name: A, shape: NoSuchShape }
  - { name: B, shape: Tag, max_length: 3 }
  - { name: C, type: object, struct_name: Tag, fields: [ { name: Key, type: string } ] }
  - { name: D, shape: WidgetProtocol, allowed_values: [HTTP, GOPHER] }
  - { name: ClientToken, common: ClientToken, max_length: 10 }
  - { name: F, common: NoSuchCommon }
"#),
    );
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: parameters[0].shape: unknown shape `NoSuchShape` (shapes/NoSuchShape.yaml)",
            "operations/PurgeWidget.yaml: parameters[1].max_length: `max_length` does not apply to a use of the shape `Tag`: a use adds only required, description, example, default, values_from, deprecated, notes",
            "operations/PurgeWidget.yaml: parameters[2].struct_name: the type name `Tag` is also declared at shapes/Tag.yaml",
            "operations/PurgeWidget.yaml: parameters[3].allowed_values: `GOPHER` is not a value of the enum `WidgetProtocol`",
            "operations/PurgeWidget.yaml: parameters[4].max_length: `max_length` does not apply to a use of the common parameter `ClientToken`: a use adds only required, description, example, default, values_from, deprecated, notes, minimum, maximum",
            "operations/PurgeWidget.yaml: parameters[5].common: unknown common parameter `NoSuchCommon` (service.yaml common_parameters)",
            "shapes/Unused.yaml: name: the shape `Unused` is not used by any operation",
        ]
    );
    // Shapes that contain each other.
    let d = with_shape(
        "cycle",
        "Chain.yaml",
        "name: Chain\ndescription: Contains itself.\ntype: object\nfields: [ { name: Next, type: array, items: { shape: Chain } } ]\n",
        &op("parameters:\n  - { name: L, shape: Chain }\n"),
    );
    assert_eq!(
        d,
        ["shapes/Chain.yaml: fields: the shapes contain each other: Chain -> Chain"]
    );
    // Two inline objects with one name, in two files.
    let d = with_shape(
        "inline-twice",
        "Extra.yaml",
        "name: Extra\ndescription: x\ntype: object\nfields: [ { name: W, type: object, struct_name: WidgetSummary, fields: [ { name: N, type: string } ] } ]\n",
        &op("parameters:\n  - { name: X, shape: Extra }\n"),
    );
    assert!(
        d.iter().any(|l| l.starts_with("operations/ListWidgets.yaml: response.fields[3].items.struct_name: the type name `WidgetSummary` is also declared at shapes/Extra.yaml")),
        "{d:?}"
    );
}

#[test]
fn conditions_and_common_parameters_are_checked() {
    let d = diagnostics(
        "conditions",
        "PurgeWidget.yaml",
        &op(r#"parameters:
  - { name: A, type: boolean }
  - { name: B, type: string, required: true }
  - { name: ClientToken, common: ClientToken, minimum: 1 }
conditions:
  - required_if: { field: B, when: A, is: [maybe] }
  - required_if: { field: Nope, when: A }
  - exclusive: [A]
  - {}
"#),
    );
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: parameters[2].minimum: `minimum` does not apply to type String",
            "operations/PurgeWidget.yaml: conditions[0].required_if.field: `B` is always required",
            "operations/PurgeWidget.yaml: conditions[0].required_if.is[0]: `maybe` is not a boolean default: write `true` or `false` (unquoted)",
            "operations/PurgeWidget.yaml: conditions[1].required_if.field: no field `Nope` here",
            "operations/PurgeWidget.yaml: conditions[2].exclusive: name at least two fields",
            "operations/PurgeWidget.yaml: conditions[3]: a condition is one of `required_if`, `exclusive` or `one_required`",
        ]
    );
}

#[test]
fn several_broken_files_are_all_reported() {
    let dir = temp_dir("broken-many");
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::write(dir.join("operations/PurgeWidget.yaml"), "name: [unclosed").unwrap();
    std::fs::write(dir.join("operations/Other.yaml"), "nonsense: 1").unwrap();
    let err = alb_codegen::load::load(&dir).unwrap_err();
    let files: Vec<String> = err.0.iter().map(|d| d.file.display().to_string()).collect();
    assert_eq!(
        files,
        ["operations/Other.yaml", "operations/PurgeWidget.yaml"]
    );
}

#[test]
fn odd_wire_and_type_names_are_refused_not_panicked_on() {
    for name in ["123", "9Lives", "_", "__", "_Id", "a-b"] {
        let yaml = op(&format!(
            "parameters:\n  - name: \"{name}\"\n    type: string\n"
        ));
        let d = diagnostics(&format!("odd-{}", name.len()), "PurgeWidget.yaml", &yaml);
        assert_eq!(d.len(), 1, "{name}: {d:?}");
        assert!(
            d[0].starts_with("operations/PurgeWidget.yaml: parameters[0].name: ")
                && d[0].contains("not a valid wire name"),
            "{name}: {}",
            d[0]
        );
    }
    let yaml = op("parameters:\n  - name: A\n    type: object\n    struct_name: 9Lives\n    fields: [ { name: B, type: string } ]\n");
    let d = diagnostics("odd-struct", "PurgeWidget.yaml", &yaml);
    assert!(
        d.iter()
            .any(|l| l.starts_with("operations/PurgeWidget.yaml: parameters[0].struct_name: ")),
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
        std::fs::write(dir.join("operations/PurgeWidget.yaml"), yaml).unwrap();
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
    let d = diagnostics("alias-bomb", "PurgeWidget.yaml", &yaml);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].starts_with("operations/PurgeWidget.yaml: the file expands to more than"),
        "{}",
        d[0]
    );
}

#[test]
fn an_unsupported_default_says_what_to_write() {
    let yaml = op("parameters:\n  - { name: On, type: boolean, default: maybe }\n  - { name: L, type: array, items: { type: string }, default: x }\n");
    let d = diagnostics("default", "PurgeWidget.yaml", &yaml);
    assert_eq!(
        d,
        [
            "operations/PurgeWidget.yaml: parameters[0].default: `maybe` is not a boolean default: write `true` or `false` (unquoted)",
            "operations/PurgeWidget.yaml: parameters[1].default: a default of type Array is not supported: only strings, integers and booleans take a `default`; describe it in `description` instead",
        ]
    );
}

#[test]
fn emulator_bindings_are_checked() {
    let yaml = op(r#"parameters:
  - { name: WidgetId, type: string }
  - { name: Parts, type: string }
emulator:
  verb: add
  resource: Widget
  child: Pieces
  items: Parts
  set: { Status: [1, 2] }
  hooks: [Bad-Name]
"#);
    let d = diagnostics("emulator", "PurgeWidget.yaml", &yaml);
    for expected in [
        "emulator.child: Widget has no child `Pieces` (resources.yaml)",
        "emulator.items: `Parts` is not a list",
        "emulator.set.Status: a scalar, `$Field` or null",
        "emulator.hooks[0]: `Bad-Name`: hook names are snake_case",
    ] {
        assert!(
            d.iter().any(|l| l.contains(expected)),
            "missing {expected:?} in {d:#?}"
        );
    }
    let yaml = op("emulator:\n  verb: get\n  resource: Gadget\n");
    let d = diagnostics("emulator-resource", "PurgeWidget.yaml", &yaml);
    assert!(
        d.iter()
            .any(|l| l.contains("emulator.resource: unknown resource `Gadget`")),
        "{d:#?}"
    );
    let yaml = op("emulator:\n  verb: get\n  resource: Widget\n");
    let d = diagnostics("emulator-id", "PurgeWidget.yaml", &yaml);
    assert!(
        d.iter()
            .any(|l| l.contains("the request has no `WidgetId`")),
        "{d:#?}"
    );
}

#[test]
fn the_resource_model_is_checked() {
    let dir = temp_dir("broken-resources");
    copy_dir(&fixture_spec_dir(), &dir);
    std::fs::write(
        dir.join("resources.yaml"),
        "resources:\n  - { name: Widget, description: d, id: WidgetId, id_prefix: 'w ', parent: Gizmo, status: Status }\n  - { name: Widget, description: '', id: WidgetId, id_prefix: w- }\nexternal:\n  - { field: VSwitchId, kind: vswitch, not_found: No.SuchCode }\n",
    )
    .unwrap();
    let d = match alb_codegen::generate_crate(&dir, &alb_tests::fixture_opts()) {
        Err(alb_codegen::Error::Spec(d)) => d.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        other => panic!("accepted: {:?}", other.err()),
    };
    for expected in [
        "resources.yaml: resources[0].id_prefix: a prefix of ASCII letters",
        "resources.yaml: resources[0].states: `status` and `states` go together",
        "resources.yaml: resources[1].name: resource `Widget` is declared twice",
        "resources.yaml: resources[1].description: a description is required",
        "resources.yaml: resources[0].parent: unknown resource `Gizmo`",
        "resources.yaml: external[0].not_found: unknown error code `No.SuchCode`",
    ] {
        assert!(
            d.iter().any(|l| l.starts_with(expected)),
            "missing {expected:?} in {d:#?}"
        );
    }
}
