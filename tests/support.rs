//! Shared helpers of the workspace tests.

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

pub fn main_spec_dir() -> PathBuf {
    workspace_root().join("specs/alb/2020-06-16")
}

pub fn fixture_spec_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/full")
}

/// Alibaba's reference metadata: `$ALB_REFERENCE` or
/// ../shared/reference/alb-2020-06-16 beside the repository. CI always has
/// it, so its absence fails rather than skips.
pub fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("ALB_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/reference/alb-2020-06-16"));
    assert!(
        dir.join("operations").is_dir(),
        "the reference metadata is missing at {} (set ALB_REFERENCE)",
        dir.display()
    );
    dir.canonicalize().unwrap_or(dir)
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alb-tests-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = entry.path();
        let target = to.join(entry.file_name());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy file");
        }
    }
}

/// The Python interpreter of the official SDK's venv, if usable.
/// With `ALB_REQUIRE_PYTHON=1` (CI) a missing interpreter is a failure.
pub fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("ALB_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    let ok = std::process::Command::new(&candidate)
        .args([
            "-c",
            "import alibabacloud_tea_openapi, alibabacloud_alb20200616",
        ])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        return Some(candidate);
    }
    if std::env::var("ALB_REQUIRE_PYTHON").as_deref() == Ok("1") {
        panic!(
            "ALB_REQUIRE_PYTHON=1 but {} cannot import the official SDK",
            candidate.display()
        );
    }
    eprintln!(
        "note: skipping the comparison with the official Python SDK ({} unusable)",
        candidate.display()
    );
    None
}

pub fn main_opts() -> alb_codegen::CrateOptions {
    alb_codegen::CrateOptions {
        package: "alb-sdk".into(),
        runtime_path: "../runtime".into(),
        spec_label: "specs/alb/2020-06-16".into(),
    }
}

pub fn fixture_opts() -> alb_codegen::CrateOptions {
    alb_codegen::CrateOptions {
        package: "fixture-sdk".into(),
        runtime_path: "../../runtime".into(),
        spec_label: "tests/fixtures/full".into(),
    }
}
