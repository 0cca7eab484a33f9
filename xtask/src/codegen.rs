//! Generates (or, with `--check`, verifies) every spec-driven crate.

use alb_codegen::{sync, CrateOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A spec directory and the crate generated from it.
pub struct Target {
    pub spec: &'static str,
    pub out: &'static str,
    pub package: &'static str,
    pub runtime_path: &'static str,
}

pub const TARGETS: &[Target] = &[
    Target {
        spec: "specs/alb/2020-06-16",
        out: "generated",
        package: "alb-sdk",
        runtime_path: "../runtime",
    },
    // A fixture spec that uses every feature of the format; its crate is a
    // workspace member, so the snapshot outputs must also compile.
    Target {
        spec: "tests/fixtures/full",
        out: "tests/fixture-sdk",
        package: "fixture-sdk",
        runtime_path: "../../runtime",
    },
];

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

pub fn run(check: bool) -> ExitCode {
    let root = workspace_root();
    let mut problems = Vec::new();
    let mut written = 0;
    for t in TARGETS {
        let opts = CrateOptions {
            package: t.package.to_string(),
            runtime_path: t.runtime_path.to_string(),
            spec_label: t.spec.to_string(),
        };
        let files = match alb_codegen::generate_crate(&root.join(t.spec), &opts) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {}: {e}", t.spec);
                return ExitCode::FAILURE;
            }
        };
        let out = root.join(t.out);
        if check {
            problems.extend(sync::compare(&out, t.out, &files));
        } else {
            match sync::write(&out, &files) {
                Ok(n) => written += n,
                Err(e) => {
                    eprintln!("error: writing {}: {e}", t.out);
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if !check {
        println!("codegen: {written} file(s) changed");
        return ExitCode::SUCCESS;
    }
    if problems.is_empty() {
        println!("codegen --check: generated code matches the specs");
        return ExitCode::SUCCESS;
    }
    eprintln!("codegen --check: generated code does not match the specs:");
    for p in &problems {
        eprintln!("  {p}");
    }
    eprintln!("run `cargo xtask codegen` and commit the result");
    ExitCode::FAILURE
}
