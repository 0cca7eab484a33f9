//! `cargo xtask import`: draft spec files from Alibaba's metadata, or print
//! how existing ones drift from it.

use alb_codegen::import::{import, ImportRequest};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const USAGE: &str =
    "import [OPERATION...] [--all] [--drift] [--metadata DIR] [--ram FILE] [--spec DIR]
                   draft operations/<Name>.yaml (and new shapes and catalogue codes) from
                   Alibaba's metadata; for an operation that has a spec file, print how it
                   drifts from the metadata and change nothing (--drift: only that, for
                   every operation named; --sdk FILE: also against the official SDK's
                   models, as `python scripts/sdk_models.py --json` prints them). Defaults: the reference
                   data in ../shared/reference/alb-2020-06-16 (or $ALB_REFERENCE)";

struct Args {
    operations: Vec<String>,
    all: bool,
    drift: bool,
    sdk: Option<PathBuf>,
    metadata: PathBuf,
    ram: PathBuf,
    spec: PathBuf,
}

/// The reference directory: `$ALB_REFERENCE`, else ../shared/reference/... beside the repository.
pub fn reference_dir(root: &Path) -> PathBuf {
    std::env::var_os("ALB_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/reference/alb-2020-06-16"))
}

fn parse(args: &[&str], root: &Path) -> Result<Args, String> {
    let reference = reference_dir(root);
    let mut a = Args {
        operations: Vec::new(),
        all: false,
        drift: false,
        sdk: None,
        metadata: reference.join("operations"),
        ram: reference.join("ram.json"),
        spec: root.join("specs/alb/2020-06-16"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .map(PathBuf::from)
                .ok_or(format!("{flag} needs a value"))
        };
        match *arg {
            "--all" => a.all = true,
            "--drift" => a.drift = true,
            "--sdk" => a.sdk = Some(value("--sdk")?),
            "--metadata" => a.metadata = value("--metadata")?,
            "--ram" => a.ram = value("--ram")?,
            "--spec" => a.spec = value("--spec")?,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            op => a.operations.push(op.to_string()),
        }
    }
    if a.operations.is_empty() && !a.all {
        return Err("name operations, or --all".into());
    }
    Ok(a)
}

pub fn run(args: &[&str]) -> ExitCode {
    let root = crate::codegen::workspace_root();
    let a = match parse(args, &root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nusage: cargo xtask {USAGE}");
            return ExitCode::from(2);
        }
    };
    let request = ImportRequest {
        spec: a.spec,
        metadata: a.metadata,
        ram: a.ram,
        operations: a.operations,
        all: a.all,
        drift_only: a.drift,
        sdk: a.sdk,
    };
    match import(&request) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
