//! Reading the spec directory: `service.yaml` and `operations/*.yaml`.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Operation, Service};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// A loaded (not yet checked) spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub dir: PathBuf,
    pub service: Service,
    /// Sorted by file name; paths are relative to `dir`.
    pub operations: Vec<(PathBuf, Operation)>,
}

/// Loads every file, reporting every file that fails to parse (not just the first).
pub fn load(dir: &Path) -> Result<Spec, Diagnostics> {
    let mut problems = Vec::new();
    let service = parse_file::<Service>(dir, Path::new("service.yaml"), &mut problems);

    let ops_dir = dir.join("operations");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&ops_dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(e) => {
            problems.push(Diagnostic {
                file: PathBuf::from("operations"),
                key_path: String::new(),
                message: format!("cannot read the operations directory: {e}"),
                location: None,
            });
            Vec::new()
        }
    };
    files.sort();
    let mut operations = Vec::new();
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        if let Some(op) = parse_file::<Operation>(dir, &rel, &mut problems) {
            operations.push((rel, op));
        }
    }
    match service {
        Some(service) if problems.is_empty() => Ok(Spec {
            dir: dir.to_path_buf(),
            service,
            operations,
        }),
        _ => Err(Diagnostics(problems)),
    }
}

fn parse_file<T: DeserializeOwned>(
    dir: &Path,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    let text = match std::fs::read_to_string(dir.join(rel)) {
        Ok(t) => t,
        Err(e) => {
            problems.push(Diagnostic {
                file: rel.to_path_buf(),
                key_path: String::new(),
                message: format!("cannot read: {e}"),
                location: None,
            });
            return None;
        }
    };
    match serde_yaml::from_str::<T>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(yaml_diagnostic(rel, &e));
            None
        }
    }
}

/// serde_yaml puts the key path first (`parameters[0].role: unknown
/// variant ...`) and the position last (`at line 5 column 11`); split them.
fn yaml_diagnostic(rel: &Path, e: &serde_yaml::Error) -> Diagnostic {
    let mut text = e.to_string();
    let location = e.location().map(|l| (l.line(), l.column()));
    if let Some(idx) = text.rfind(" at line ") {
        text.truncate(idx);
    }
    let (key_path, message) = match text.split_once(": ") {
        Some((path, msg)) if !path.contains(' ') => (path.to_string(), msg.to_string()),
        _ => (String::new(), text),
    };
    Diagnostic {
        file: rel.to_path_buf(),
        key_path,
        message,
        location,
    }
}
