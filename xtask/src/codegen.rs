//! Generates (or, with `--check`, verifies) every spec-driven crate.

use alb_codegen::{CrateOptions, GeneratedFile};
use std::collections::BTreeSet;
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
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

pub fn run(check: bool) -> ExitCode {
    let root = workspace_root();
    let mut problems = Vec::new();
    let mut written = 0;
    for t in TARGETS {
        if std::env::var("XTASK_ONLY_MAIN").is_ok() && t.out != "generated" { continue; }
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
            problems.extend(compare(&out, t.out, &files));
        } else {
            written += write(&out, &files);
        }
    }
    if check {
        if problems.is_empty() {
            println!("codegen --check: generated code matches the specs");
            ExitCode::SUCCESS
        } else {
            eprintln!("codegen --check: generated code does not match the specs:");
            for p in &problems {
                eprintln!("  {p}");
            }
            eprintln!("run `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
    } else {
        println!("codegen: {written} file(s) changed");
        ExitCode::SUCCESS
    }
}

/// Files the generator owns in an output crate: Cargo.toml and src/**.
fn owned_files(out: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    if out.join("Cargo.toml").exists() {
        found.insert(PathBuf::from("Cargo.toml"));
    }
    let mut stack = vec![out.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(out) {
                found.insert(rel.to_path_buf());
            }
        }
    }
    found
}

fn compare(out: &Path, label: &str, files: &[GeneratedFile]) -> Vec<String> {
    let mut problems = Vec::new();
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    for f in files {
        let shown = Path::new(label).join(&f.path);
        match std::fs::read_to_string(out.join(&f.path)) {
            Err(_) => problems.push(format!("missing: {}", shown.display())),
            Ok(old) if old != f.contents => problems.push(format!("stale: {}", shown.display())),
            Ok(_) => {}
        }
    }
    for extra in owned_files(out).difference(&expected) {
        problems.push(format!("extra (not generated from the spec): {}", Path::new(label).join(extra).display()));
    }
    problems
}

/// Writes changed files and removes extra ones; returns how many changed.
fn write(out: &Path, files: &[GeneratedFile]) -> usize {
    let mut changed = 0;
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    for extra in owned_files(out).difference(&expected) {
        let _ = std::fs::remove_file(out.join(extra));
        changed += 1;
    }
    for f in files {
        let path = out.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create output directory");
        }
        std::fs::write(&path, &f.contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        changed += 1;
    }
    changed
}
