//! Writing generated files to disk, or checking that disk matches them.

use crate::GeneratedFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Files the generator owns in an output crate: Cargo.toml and src/**.
fn owned_files(out: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    if out.join("Cargo.toml").exists() {
        found.insert(PathBuf::from("Cargo.toml"));
    }
    let mut stack = vec![out.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
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

/// Every difference between `out` and `files`: `stale: ...`, `missing: ...`,
/// `extra (...): ...`, each naming the file as `label/relative-path`.
pub fn compare(out: &Path, label: &str, files: &[GeneratedFile]) -> Vec<String> {
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
        problems.push(format!(
            "extra (not generated from the spec): {}",
            Path::new(label).join(extra).display()
        ));
    }
    problems
}

/// Writes changed files and removes extra ones; returns how many changed.
pub fn write(out: &Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut changed = 0;
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    for extra in owned_files(out).difference(&expected) {
        std::fs::remove_file(out.join(extra))?;
        changed += 1;
    }
    for f in files {
        let path = out.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.contents)?;
        changed += 1;
    }
    Ok(changed)
}
