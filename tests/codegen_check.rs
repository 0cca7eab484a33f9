//! `codegen --check` semantics: a hand edit, a stale spec, a missing or an
//! extra file are each reported; writing brings the crate back in step.

use alb_codegen::sync;
use alb_tests::{copy_dir, fixture_opts, fixture_spec_dir, temp_dir, workspace_root};

#[test]
fn checked_in_crates_match_their_specs() {
    for (spec, out, opts) in [
        (
            alb_tests::main_spec_dir(),
            "generated",
            alb_tests::main_opts(),
        ),
        (fixture_spec_dir(), "tests/fixture-sdk", fixture_opts()),
    ] {
        let files = alb_codegen::generate_crate(&spec, &opts).unwrap();
        let problems = sync::compare(&workspace_root().join(out), out, &files);
        assert!(
            problems.is_empty(),
            "run `cargo xtask codegen`: {problems:?}"
        );
    }
}

#[test]
fn drift_is_detected_and_repaired() {
    let spec = temp_dir("check-spec");
    copy_dir(&fixture_spec_dir(), &spec);
    let out = temp_dir("check-out");
    let files = alb_codegen::generate_crate(&spec, &fixture_opts()).unwrap();
    assert!(sync::write(&out, &files).unwrap() > 0);
    assert!(sync::compare(&out, "crate", &files).is_empty());
    assert_eq!(
        sync::write(&out, &files).unwrap(),
        0,
        "a second write changes nothing"
    );

    // A hand edit of a generated file.
    let lib = out.join("src/lib.rs");
    std::fs::write(
        &lib,
        std::fs::read_to_string(&lib).unwrap() + "\n// hand edit\n",
    )
    .unwrap();
    // An extra file, and a removed one.
    std::fs::write(out.join("src/extra.rs"), "").unwrap();
    std::fs::remove_file(out.join("src/ram.rs")).unwrap();
    assert_eq!(
        sync::compare(&out, "crate", &files),
        [
            "missing: crate/src/ram.rs",
            "stale: crate/src/lib.rs",
            "extra (not generated from the spec): crate/src/extra.rs",
        ]
    );

    // A spec edit without regenerating.
    let op = spec.join("operations/GetWidget.yaml");
    std::fs::write(
        &op,
        std::fs::read_to_string(&op)
            .unwrap()
            .replace("Reads one widget.", "Reads a widget."),
    )
    .unwrap();
    let files2 = alb_codegen::generate_crate(&spec, &fixture_opts()).unwrap();
    assert!(sync::compare(&out, "crate", &files2)
        .contains(&"stale: crate/src/operations/get_widget.rs".to_string()));

    sync::write(&out, &files2).unwrap();
    assert!(sync::compare(&out, "crate", &files2).is_empty());
}
