//! `cargo xtask import`: drafts from Alibaba's metadata load and check (with
//! drafts allowed), cannot land while they hold `DRAFT:` text, reuse shapes
//! of the same structure, and carry the odd corners of the format over.

use alb_codegen::import::{import, ImportRequest};
use alb_tests::{copy_dir, main_spec_dir, reference_dir, temp_dir};
use std::path::Path;

fn request(
    spec: &Path,
    metadata: &Path,
    ram: &Path,
    operations: &[&str],
    all: bool,
) -> ImportRequest {
    ImportRequest {
        spec: spec.to_path_buf(),
        metadata: metadata.to_path_buf(),
        ram: ram.to_path_buf(),
        operations: operations.iter().map(|s| s.to_string()).collect(),
        all,
        drift_only: false,
        sdk: None,
    }
}

#[test]
fn every_reference_operation_drafts_into_a_spec_that_checks() {
    let reference = reference_dir();
    // The service, its catalogue and no operations or shapes: every
    // operation of the metadata is drafted, with the shapes it needs.
    let spec = temp_dir("import-all").join("spec");
    std::fs::create_dir_all(spec.join("operations")).unwrap();
    for file in ["service.yaml", "errors.yaml"] {
        std::fs::copy(main_spec_dir().join(file), spec.join(file)).unwrap();
    }
    let lines = import(&request(
        &spec,
        &reference.join("operations"),
        &reference.join("ram.json"),
        &[],
        true,
    ))
    .expect("import --all");
    let drafted = lines
        .iter()
        .filter(|l| l.starts_with("drafted ") && l.contains("operations"))
        .count();
    let metadata_ops = std::fs::read_dir(reference.join("operations"))
        .unwrap()
        .count();
    assert_eq!(drafted, metadata_ops, "{lines:#?}");
    assert!(
        lines.iter().filter(|l| l.contains("/shapes/")).count() > 50,
        "objects become shapes: {lines:#?}"
    );

    // With drafts allowed the whole spec loads and passes every check but
    // one a person must settle: an asynchronous operation that answers
    // without a JobId needs a waiter on its resource's state.
    let (loaded, _) = alb_codegen::load::load_with(&spec, true).expect("drafts load");
    let problems = alb_codegen::check::check(&loaded)
        .expect_err("state waiters to declare")
        .to_string();
    let lines: Vec<&str> = problems.lines().skip(1).collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            line.contains("async.waiter: the response has no JobId"),
            "{problems}"
        );
    }
    // Without, the `DRAFT:` text keeps it from landing, with the file named.
    let err = alb_codegen::load::load(&spec)
        .expect_err("drafts refused")
        .to_string();
    assert!(err.contains("DRAFT"), "{err}");
    assert!(err.contains("operations/"), "{err}");

    // An existing operation gets a drift report, not a rewrite.
    let existing = spec.join("operations/CreateListener.yaml");
    let text = std::fs::read_to_string(&existing).unwrap();
    let lines = import(&request(
        &spec,
        &reference.join("operations"),
        &reference.join("ram.json"),
        &["CreateListener"],
        false,
    ));
    // The spec now holds drafts, which the drift report refuses to compare with.
    assert!(
        lines.is_err()
            || lines
                .unwrap()
                .iter()
                .all(|l| l.starts_with("CreateListener"))
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), text);
}

#[test]
fn drift_only_writes_nothing() {
    let reference = reference_dir();
    let spec = temp_dir("import-drift").join("spec");
    copy_dir(&main_spec_dir(), &spec);
    let mut req = request(
        &spec,
        &reference.join("operations"),
        &reference.join("ram.json"),
        &[],
        true,
    );
    req.drift_only = true;
    let lines = import(&req).expect("drift report");
    assert!(
        lines.iter().all(|l| !l.starts_with("drafted")),
        "{lines:#?}"
    );
    let count = std::fs::read_dir(spec.join("operations")).unwrap().count();
    assert_eq!(
        count,
        std::fs::read_dir(main_spec_dir().join("operations"))
            .unwrap()
            .count()
    );
    assert_eq!(
        std::fs::read_to_string(spec.join("errors.yaml")).unwrap(),
        std::fs::read_to_string(main_spec_dir().join("errors.yaml")).unwrap()
    );
}

#[test]
fn drift_report_of_the_landed_spec_names_operations() {
    let reference = reference_dir();
    let lines = import(&request(
        &main_spec_dir(),
        &reference.join("operations"),
        &reference.join("ram.json"),
        &["CreateListener", "ListListeners"],
        false,
    ))
    .expect("drift report");
    assert!(!lines.is_empty());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("CreateListener: ") || l.starts_with("ListListeners: ")),
        "{lines:#?}"
    );
}

const ODD_METADATA: &str = r#"{
  "summary": "异步接口。清理部件。",
  "description": "该接口为异步接口，请求返回后部件仍在清理中。",
  "deprecated": true,
  "systemTags": {"operationType": "delete"},
  "parameters": [
    {"name": "WidgetId", "in": "query",
     "schema": {"description": "部件ID。", "type": "string", "required": true, "example": "w-1"}},
    {"name": "Weight", "in": "query",
     "schema": {"description": "权重。取值范围：**0**~**100**。", "type": "integer", "format": "int64",
                "required": true, "docRequired": false, "minimum": "0", "maximum": "100", "default": "5"}},
    {"name": "Rules", "in": "query", "style": "repeatList",
     "schema": {"type": "array", "maxItems": 3,
       "items": {"type": "object", "properties": {
         "Name": {"type": "string", "description": "规则名称。长度为2~128个字符。"},
         "Targets": {"type": "array", "items": {"type": "object", "properties": {
             "Key": {"type": "string"}, "Value": {"type": "string"}}}}}}}},
    {"name": "Tag", "in": "query", "style": "flat",
     "schema": {"type": "array", "items": {"type": "object", "properties": {
         "Key": {"type": "string", "description": "标签键。"},
         "Value": {"type": "string", "description": "标签值。"}}}}}
  ],
  "responses": {"200": {"schema": {"type": "object", "properties": {
      "RequestId": {"type": "string"},
      "JobId": {"type": "string"},
      "Total": {"type": "integer", "format": "int64"}}}}},
  "errorCodes": {
    "400": [{"errorCode": "Mock.Brand.New", "errorMessage": "A brand new code."}],
    "404": [{"errorCode": "Mock.Brand.New", "errorMessage": "Listed twice."}]
  }
}"#;

const ODD_RAM: &str = r#"{"ops": {
  "PurgeWidgets": {"action": "alb:PurgeWidgets", "access_level": "delete",
    "resources": [{"type": "LoadBalancer", "required": true,
                   "arn": "acs:alb:{#regionId}:{#accountId}:loadbalancer/{#LoadBalancerId}"}],
    "condition_keys": [], "rate_limit": "20/1s", "status": "found"},
  "Nothing": {"action": "alb:Nothing", "access_level": "read", "resources": [], "rate_limit": null}
}}"#;

#[test]
fn odd_metadata_corners_are_carried_over() {
    let root = temp_dir("import-odd");
    let spec = root.join("spec");
    copy_dir(&main_spec_dir(), &spec);
    let metadata = root.join("metadata");
    std::fs::create_dir_all(&metadata).unwrap();
    std::fs::write(metadata.join("PurgeWidgets.json"), ODD_METADATA).unwrap();
    // An operation with no parameters, no errors and an empty response.
    std::fs::write(
        metadata.join("Nothing.json"),
        r#"{"summary": "什么也不做。", "responses": {"200": {"schema": {"type": "object"}}}}"#,
    )
    .unwrap();
    let ram = root.join("ram.json");
    std::fs::write(&ram, ODD_RAM).unwrap();
    let lines = import(&request(
        &spec,
        &metadata,
        &ram,
        &["PurgeWidgets", "Nothing"],
        false,
    ))
    .expect("import");
    assert!(
        lines.iter().any(|l| l.contains("added 1 code(s)")),
        "{lines:#?}"
    );

    let draft = std::fs::read_to_string(spec.join("operations/PurgeWidgets.yaml")).unwrap();
    for expected in [
        "deprecated: true",
        // docRequired: false wins over required: true
        "name: Weight",
        "format: int64",
        "minimum: 0",
        "maximum: 100",
        "max_items: 3",
        "waiter: job",
        "requests: 20",
        "per_seconds: 1",
        "Mock.Brand.New",
    ] {
        assert!(draft.contains(expected), "missing {expected:?} in\n{draft}");
    }
    let weight = draft
        .split("name: Weight")
        .nth(1)
        .unwrap()
        .split("- name:")
        .next()
        .unwrap();
    assert!(
        !weight.contains("required: true"),
        "docRequired: false is not required:\n{weight}"
    );
    // The rule object is a new shape; the tag objects (Tag, and Targets of
    // the same structure) reuse an existing shape of that structure.
    let new_shapes: Vec<String> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("drafted "))
        .filter(|l| l.contains("/shapes/"))
        .map(|l| {
            Path::new(l)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    assert_eq!(new_shapes.len(), 1, "{new_shapes:#?}");
    let rule_name = &new_shapes[0];
    assert!(draft.contains(&format!("shape: {rule_name}")), "{draft}");
    let tag_shape = draft
        .split("name: Tag\n")
        .nth(1)
        .and_then(|rest| rest.split("shape: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("Tag refers to a shape")
        .to_string();
    assert!(
        main_spec_dir()
            .join(format!("shapes/{tag_shape}.yaml"))
            .exists(),
        "Tag reuses an existing shape, not {tag_shape}"
    );
    // Rules read from the prose ("2 to 128 characters") land in the shape.
    let rule = std::fs::read_to_string(spec.join(format!("shapes/{rule_name}.yaml"))).unwrap();
    for expected in [
        "name: Name",
        "min_length: 2",
        "max_length: 128",
        "name: Targets",
    ] {
        assert!(rule.contains(expected), "missing {expected:?} in\n{rule}");
    }
    let targets = rule.split("name: Targets").nth(1).unwrap();
    let targets_shape = targets
        .split("shape: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap();
    assert!(
        main_spec_dir()
            .join(format!("shapes/{targets_shape}.yaml"))
            .exists(),
        "{rule}"
    );
    // The code listed twice lands once in the catalogue.
    let errors = std::fs::read_to_string(spec.join("errors.yaml")).unwrap();
    assert_eq!(errors.matches("code: Mock.Brand.New").count(), 1);

    let nothing = std::fs::read_to_string(spec.join("operations/Nothing.yaml")).unwrap();
    assert!(!nothing.contains("parameters:"), "{nothing}");

    // Both drafts load and check once the names are known to the service.
    let service = std::fs::read_to_string(spec.join("service.yaml")).unwrap();
    let service = service.replacen(
        "known_operations:\n",
        "known_operations:\n  - PurgeWidgets\n  - Nothing\n",
        1,
    );
    std::fs::write(spec.join("service.yaml"), service).unwrap();
    let (loaded, _) = alb_codegen::load::load_with(&spec, true).expect("drafts load");
    if let Err(problems) = alb_codegen::check::check(&loaded) {
        panic!("drafts do not check:\n{problems}");
    }
}

#[test]
fn bad_metadata_is_refused_naming_the_file() {
    let root = temp_dir("import-bad");
    let spec = root.join("spec");
    copy_dir(&main_spec_dir(), &spec);
    let metadata = root.join("metadata");
    std::fs::create_dir_all(&metadata).unwrap();
    std::fs::write(metadata.join("Broken.json"), "{ not json").unwrap();
    let ram = root.join("ram.json");
    std::fs::write(&ram, ODD_RAM).unwrap();
    let err = import(&request(&spec, &metadata, &ram, &["Broken"], false)).unwrap_err();
    assert!(
        err.contains("Broken.json") && err.contains("not JSON"),
        "{err}"
    );
    let err = import(&request(&spec, &metadata, &ram, &["Missing"], false)).unwrap_err();
    assert!(err.contains("Missing.json"), "{err}");
}
