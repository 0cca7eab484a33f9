//! The ALB SDK generator: load the YAML spec, check it, emit Rust.
//!
//! Pipeline: [`load`] (serde_yaml, unknown keys rejected) -> [`check`]
//! (semantic rules, every problem at once; returns the resolved [`ir`]) ->
//! [`emit`] (quote! + prettyplease, from the resolved model only).
//! The same spec always gives byte-identical files.

pub mod check;
pub mod diagnostics;
pub mod emit;
pub mod import;
pub mod ir;
pub mod load;
pub mod model;
pub mod naming;
pub mod sync;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use emit::{CrateOptions, GeneratedFile};
pub use load::Spec;

use std::path::Path;

/// Loads and checks the spec in `dir`, then generates every file of the crate.
pub fn generate_crate(dir: &Path, opts: &CrateOptions) -> Result<Vec<GeneratedFile>, Error> {
    let spec = load::load(dir).map_err(Error::Spec)?;
    let api = check::check(&spec).map_err(Error::Spec)?;
    emit::generate(&api, opts).map_err(Error::Emit)
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Spec(Diagnostics),
    #[error("internal generator error: {0}")]
    Emit(String),
}
