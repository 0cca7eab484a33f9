//! Reading the spec directory: `service.yaml`, `errors.yaml`,
//! `shapes/*.yaml` and `operations/*.yaml`.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Catalogue, Operation, Service, Shape};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// A loaded (not yet checked) spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub dir: PathBuf,
    pub service: Service,
    pub catalogue: Catalogue,
    /// `resources.yaml` (empty when the file is absent).
    pub model: crate::model::ResourceModel,
    /// `guide.md`: the generated crate's user guide (its README and crate
    /// docs), when the spec has one.
    pub guide: Option<String>,
    /// Sorted by file name; paths are relative to `dir`.
    pub shapes: Vec<(PathBuf, Shape)>,
    /// Sorted by file name; paths are relative to `dir`.
    pub operations: Vec<(PathBuf, Operation)>,
}

/// Loads every file, reporting every file that fails to parse (not just the first).
pub fn load(dir: &Path) -> Result<Spec, Diagnostics> {
    load_with(dir, false).map(|(spec, _)| spec)
}

/// [`load`], optionally tolerating `DRAFT:` text (while drafts are being
/// finished); the drafts found come back beside the spec.
pub fn load_with(dir: &Path, allow_drafts: bool) -> Result<(Spec, Vec<Diagnostic>), Diagnostics> {
    let mut problems = Vec::new();
    let service = parse_file::<Service>(dir, Path::new("service.yaml"), &mut problems);
    let catalogue = parse_file::<Catalogue>(dir, Path::new("errors.yaml"), &mut problems);
    let model = if dir.join("resources.yaml").exists() {
        parse_file::<crate::model::ResourceModel>(dir, Path::new("resources.yaml"), &mut problems)
            .unwrap_or_default()
    } else {
        Default::default()
    };
    let guide = std::fs::read_to_string(dir.join("guide.md")).ok();
    let shapes = load_dir::<Shape>(dir, "shapes", false, &mut problems);
    let operations = load_dir::<Operation>(dir, "operations", true, &mut problems);
    let (drafts, problems): (Vec<Diagnostic>, Vec<Diagnostic>) = problems
        .into_iter()
        .partition(|d| allow_drafts && d.message.starts_with(DRAFT_MESSAGE));
    match (service, catalogue) {
        (Some(service), Some(catalogue)) if problems.is_empty() => Ok((
            Spec {
                dir: dir.to_path_buf(),
                service,
                catalogue,
                model,
                guide,
                shapes,
                operations,
            },
            drafts,
        )),
        _ => Err(Diagnostics(problems)),
    }
}

const DRAFT_MESSAGE: &str = "draft text:";

/// Every spec file of `dir/sub`, parsed.
fn load_dir<T: DeserializeOwned>(
    dir: &Path,
    sub: &str,
    required: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, T)> {
    let full = dir.join(sub);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&full) {
        Ok(rd) => spec_files(
            dir,
            sub,
            rd.filter_map(|e| e.ok().map(|e| e.path())),
            problems,
        ),
        Err(_) if !required && !full.exists() => Vec::new(),
        Err(e) => {
            problems.push(Diagnostic {
                file: PathBuf::from(sub),
                key_path: String::new(),
                message: format!("cannot read the {sub} directory: {e}"),
                location: None,
            });
            Vec::new()
        }
    };
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        if let Some(v) = parse_file::<T>(dir, &rel, problems) {
            out.push((rel, v));
        }
    }
    out
}

/// The spec files among `paths`: `.yaml` and `.yml` in any letter case.
/// Any other file is refused by name, so that an operation cannot vanish
/// silently; hidden files (editor swap files, `.DS_Store`) are skipped.
fn spec_files(
    dir: &Path,
    sub: &str,
    paths: impl Iterator<Item = PathBuf>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        let yaml = path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"));
        if yaml && path.is_file() {
            out.push(path);
        } else {
            problems.push(Diagnostic {
                file: path.strip_prefix(dir).unwrap_or(&path).to_path_buf(),
                key_path: String::new(),
                message: format!(
                    "not a spec file: {sub}/ holds only `<Name>.yaml` files (`.yaml` or `.yml`)"
                ),
                location: None,
            });
        }
    }
    out
}

/// A spec file may not expand (through YAML aliases) to more nodes than
/// this: a file of aliases of aliases would otherwise take minutes and
/// gigabytes. The largest real operation file has a few thousand nodes.
pub const MAX_NODES_PER_FILE: usize = 1_000_000;

/// Largest spec file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

fn parse_file<T: DeserializeOwned>(
    dir: &Path,
    rel: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    let too_big = std::fs::metadata(dir.join(rel)).is_ok_and(|m| m.len() > MAX_FILE_BYTES);
    if too_big {
        problems.push(Diagnostic {
            file: rel.to_path_buf(),
            key_path: String::new(),
            message: format!("the file is larger than {MAX_FILE_BYTES} bytes"),
            location: None,
        });
        return None;
    }
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
    if let Err(e) = nodes::count(&text, MAX_NODES_PER_FILE) {
        match e {
            nodes::CountError::TooMany => problems.push(Diagnostic {
                file: rel.to_path_buf(),
                key_path: String::new(),
                message: format!(
                    "the file expands to more than {MAX_NODES_PER_FILE} YAML nodes (aliases of aliases?); refused"
                ),
                location: None,
            }),
            nodes::CountError::Yaml(e) => problems.push(yaml_diagnostic(rel, &e)),
        }
        return None;
    }
    // Drafts of `cargo xtask import` keep text a person must still write.
    for (i, line) in text.lines().enumerate() {
        if let Some(col) = line.find(crate::import::DRAFT) {
            problems.push(Diagnostic {
                file: rel.to_path_buf(),
                key_path: String::new(),
                message: format!("{DRAFT_MESSAGE} write the English (and confirm any drafted rule), then remove the `DRAFT:` marker"),
                location: Some((i + 1, col + 1)),
            });
        }
    }
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

/// Counting the nodes a YAML document expands to, aliases included,
/// stopping as soon as a limit is passed (so the count costs at most
/// `limit` steps however the aliases nest).
mod nodes {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::Cell;
    use std::fmt;

    pub enum CountError {
        TooMany,
        Yaml(serde_yaml::Error),
    }

    const TOO_MANY: &str = "node limit exceeded";

    pub fn count(text: &str, limit: usize) -> Result<usize, CountError> {
        let seen = Cell::new(0usize);
        let counter = Counter { seen: &seen, limit };
        match counter.deserialize(serde_yaml::Deserializer::from_str(text)) {
            Ok(()) => Ok(seen.get()),
            // serde_yaml's own guard against alias bombs says the same.
            Err(e)
                if seen.get() > limit
                    || e.to_string().contains(TOO_MANY)
                    || e.to_string().contains("repetition limit exceeded") =>
            {
                Err(CountError::TooMany)
            }
            Err(e) => Err(CountError::Yaml(e)),
        }
    }

    #[derive(Clone, Copy)]
    struct Counter<'a> {
        seen: &'a Cell<usize>,
        limit: usize,
    }

    impl Counter<'_> {
        fn bump<E: serde::de::Error>(&self) -> Result<(), E> {
            self.seen.set(self.seen.get() + 1);
            if self.seen.get() > self.limit {
                Err(E::custom(TOO_MANY))
            } else {
                Ok(())
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Counter<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Counter<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any YAML node")
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            self.bump()
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            self.bump()
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            self.bump()
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            self.bump()
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
            self.bump()
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            self.bump()
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
            self.bump()
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.deserialize(d)
        }
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.deserialize(d)
        }
        fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            use serde::de::VariantAccess;
            self.bump()?;
            let ((), variant) = data.variant_seed(self)?;
            variant.newtype_variant_seed(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.bump()?;
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            self.bump()?;
            while map.next_key_seed(self)?.is_some() {
                map.next_value_seed(self)?;
            }
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn counts_and_stops_early_on_alias_bombs() {
            assert_eq!(super::count("a: [1, 2, {b: c}]", 100).ok(), Some(8));
            let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..12 {
                let prev = i - 1;
                bomb.push_str(&format!(
                    "l{i}: &l{i} [*l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}, *l{prev}]\n"
                ));
            }
            let started = std::time::Instant::now();
            assert!(matches!(
                super::count(&bomb, 200_000),
                Err(super::CountError::TooMany)
            ));
            // Few aliases, each of a large list: our own limit.
            let mut wide = String::from("big: &big [");
            wide.push_str(&"x, ".repeat(5_000));
            wide.push_str("x]\nuse: [");
            wide.push_str(&"*big, ".repeat(60));
            wide.push_str("*big]\n");
            assert!(matches!(
                super::count(&wide, 200_000),
                Err(super::CountError::TooMany)
            ));
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
    }
}
