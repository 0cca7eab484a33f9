//! Semantic checks: everything serde cannot see. Every problem is reported
//! at once, each naming the file and the key path; a spec without problems
//! comes back as the resolved model ([`crate::ir::Api`]) the emitters use.

mod emulator;
mod members;
mod operations;
mod service;
mod waiters;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Api, ErrorId, OperationIr, ShapeId, ShapeIr};
use crate::load::Spec;
use std::collections::BTreeMap;
use std::path::Path;

pub use service::{placeholders, same_arn};
pub use waiters::JOB_OPERATION;

/// Checks the loaded spec and resolves it.
pub fn check(spec: &Spec) -> Result<Api, Diagnostics> {
    let mut c = Checker::new(spec);
    c.service();
    c.catalogue();
    c.register_shapes();
    c.resolve_shapes();
    c.operations();
    c.resource_model();
    c.waiters();
    c.finish_shapes();
    if c.out.is_empty() {
        Ok(c.api)
    } else {
        Err(Diagnostics(c.out))
    }
}

/// The state of one check: the model being built and the problems found.
struct Checker<'s> {
    spec: &'s Spec,
    out: Vec<Diagnostic>,
    api: Api,
    /// Rust type name -> where it is declared (a shape, an inline object or
    /// enum, or a generated name), for clashes.
    type_names: BTreeMap<String, String>,
    /// Named shape -> its id.
    shape_ids: BTreeMap<String, ShapeId>,
    /// Error code -> its id in the catalogue.
    error_ids: BTreeMap<String, ErrorId>,
    /// Operation name -> its index in `api.operations`.
    op_ids: BTreeMap<String, usize>,
}

impl<'s> Checker<'s> {
    fn new(spec: &'s Spec) -> Self {
        let s = &spec.service;
        Checker {
            spec,
            out: Vec::new(),
            api: Api {
                product: s.product.clone(),
                name: s.name.clone(),
                api_version: s.api_version.clone(),
                ram_service: s.ram.service.clone(),
                errors: Vec::new(),
                common_errors: Vec::new(),
                shapes: Vec::new(),
                operations: Vec::new(),
                resource_types: Vec::new(),
                model: Default::default(),
                guide: spec.guide.clone(),
            },
            type_names: BTreeMap::new(),
            shape_ids: BTreeMap::new(),
            error_ids: BTreeMap::new(),
            op_ids: BTreeMap::new(),
        }
    }

    fn push(&mut self, file: &Path, key: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            file: file.to_path_buf(),
            key_path: key.into(),
            message: message.into(),
            location: None,
        });
    }

    fn known(&self, op: &str) -> bool {
        self.spec.service.known_operations.iter().any(|k| k == op)
    }

    /// Claims a Rust type name for `at`; a clash is reported there.
    fn claim_type(&mut self, name: &str, file: &Path, key: &str) -> bool {
        let at = if key.is_empty() {
            file.display().to_string()
        } else {
            format!("{}: {key}", file.display())
        };
        match self.type_names.get(name) {
            Some(first) => {
                let first = first.clone();
                let what = if first.starts_with("generated") {
                    format!("`{name}` clashes with a generated type name ({first})")
                } else {
                    format!("the type name `{name}` is also declared at {first}")
                };
                self.push(file, key, what);
                false
            }
            None => {
                self.type_names.insert(name.to_string(), at);
                true
            }
        }
    }

    fn add_shape(&mut self, shape: ShapeIr) -> ShapeId {
        self.api.shapes.push(shape);
        self.api.shapes.len() - 1
    }

    fn op_index(&self, name: &str) -> Option<usize> {
        self.op_ids.get(name).copied()
    }

    fn operation(&self, i: usize) -> &OperationIr {
        &self.api.operations[i]
    }
}
