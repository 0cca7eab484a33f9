//! Emission: the resolved model to formatted Rust files. One module per
//! concern; each returns token streams or whole files.

mod client;
mod crate_files;
mod docs;
mod errors;
mod operation;
mod ram;
mod rust;
mod schema;
mod server;
mod types;
mod waiters;

use crate::ir::Api;
use proc_macro2::TokenStream;
use std::path::PathBuf;

/// One output file: path relative to the crate root, full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// Options that differ between the shipped crate and fixture crates.
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// The package name in Cargo.toml.
    pub package: String,
    /// Path from the generated crate to the runtime crate.
    pub runtime_path: String,
    /// How the preamble names the spec directory (relative, for stable output).
    pub spec_label: String,
}

/// Every file of the crate.
pub fn generate(api: &Api, opts: &CrateOptions) -> Result<Vec<GeneratedFile>, String> {
    let label = &opts.spec_label;
    let mut shapes: Vec<&crate::ir::ShapeIr> = api.shapes.iter().collect();
    shapes.sort_by(|a, b| a.name.cmp(&b.name));
    let shapes = &shapes;

    // Every Rust file is independent of the others: a job each, run on all
    // cores (token streams are not `Send`, so each job builds its own).
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for op in &api.operations {
        jobs.push(Box::new(move || {
            let header = operation::module_doc(op);
            rust_file(
                format!("src/operations/{}.rs", op.module),
                &format!("{label}/{}", op.source.display()),
                Some(&header),
                operation::module(api, op),
            )
            .map(Some)
        }));
    }
    jobs.push(Box::new(move || {
        rust_file(
            "src/operations/mod.rs".into(),
            label,
            Some("One module per operation of the spec."),
            operation::index(api),
        )
        .map(Some)
    }));
    for shape in shapes.iter().copied() {
        jobs.push(Box::new(move || {
            let Some(tokens) = types::shape_file(api, shape) else {
                return Ok(None);
            };
            rust_file(
                format!("src/types/{}.rs", shape.module),
                &format!("{label}/{}", shape.source.display()),
                Some(&types::shape_doc(shape)),
                tokens,
            )
            .map(Some)
        }));
    }
    jobs.push(Box::new(move || {
        rust_file(
            "src/types/mod.rs".into(),
            label,
            Some("Shapes: the objects and enums of the service, one Rust type each, used by requests and responses alike."),
            types::index(api, shapes),
        )
        .map(Some)
    }));
    let singles: [Single; 7] = [
        (
            "src/errors.rs",
            format!("{label}/errors.yaml"),
            "The error catalogue: every documented code once, and the service-wide `CommonError`.",
            errors::catalogue,
        ),
        (
            "src/waiters.rs",
            label.clone(),
            "Waiters of the asynchronous operations; the polling loop is the runtime's.",
            waiters::module,
        ),
        (
            "src/client.rs",
            label.clone(),
            "The client: one method per operation.",
            client::module,
        ),
        (
            "src/builder.rs",
            label.clone(),
            "The request builder every operation's setters extend.",
            |_| crate_files::builder(),
        ),
        (
            "src/ram.rs",
            label.clone(),
            "RAM authorization: resource ARNs and the metadata of every operation.",
            ram::module,
        ),
        (
            "src/server.rs",
            label.clone(),
            "Server side (feature `server`): one trait method per operation and a dispatcher.",
            server::module,
        ),
        (
            "src/exports.rs",
            label.clone(),
            "Re-exports at the crate root.",
            crate_files::exports,
        ),
    ];
    for (path, source, doc, emit) in singles {
        jobs.push(Box::new(move || {
            rust_file(path.into(), &source, Some(doc), emit(api)).map(Some)
        }));
    }
    jobs.push(Box::new(move || {
        let mut lib = rust_file("src/lib.rs".into(), label, None, crate_files::lib(api))?;
        // Inner attributes right after the preamble, as rustfmt lays them out.
        let at = lib.contents.find("\n\n").map_or(0, |i| i + 2);
        lib.contents
            .insert_str(at, &crate_files::lib_attributes(api));
        Ok(Some(lib))
    }));

    let mut files = vec![crate_files::cargo_toml(api, opts)];
    files.extend(crate_files::readme(api, opts));
    for file in run_all(jobs) {
        files.extend(file?);
    }
    Ok(files)
}

/// A file of the whole crate: path, source named in its preamble, module
/// doc and emitter.
type Single = (&'static str, String, &'static str, fn(&Api) -> TokenStream);

/// One file to emit (`None`: the shape has no file of its own).
type Job<'a> = Box<dyn Fn() -> JobResult + Send + Sync + 'a>;
type JobResult = Result<Option<GeneratedFile>, String>;

/// Runs the jobs on every core; results in the jobs' order, so the output
/// is the same whatever the number of threads.
fn run_all(jobs: Vec<Job<'_>>) -> Vec<JobResult> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<JobResult>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(job) = jobs.get(i) else { break };
        let out = job();
        if let Ok(mut slot) = results[i].lock() {
            *slot = Some(out);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("a generator thread panicked".to_string()))
        })
        .collect()
}

pub(crate) fn preamble(source: &str, comment: &str) -> String {
    format!(
        "{comment} @generated by `cargo xtask codegen` from {source}.\n{comment} Do not edit: change the spec or the generator and run `cargo xtask codegen`.\n"
    )
}

pub(crate) fn rust_file(
    path: String,
    source: &str,
    module_doc: Option<&str>,
    tokens: TokenStream,
) -> Result<GeneratedFile, String> {
    let mut contents = preamble(source, "//");
    if let Some(doc) = module_doc {
        for line in doc.lines() {
            if line.is_empty() {
                contents.push_str("//!\n");
            } else {
                contents.push_str(&format!("//! {line}\n"));
            }
        }
    }
    contents.push('\n');
    let code =
        unparse_items(tokens).map_err(|e| format!("{path}: generated code does not parse: {e}"))?;
    contents.push_str(&line_docs(&code));
    Ok(GeneratedFile {
        path: PathBuf::from(path),
        contents,
    })
}

/// Parses and prints one item at a time: a file's syntax tree is many
/// times the size of its text, and only one item's tree is alive at once.
fn unparse_items(tokens: TokenStream) -> syn::Result<String> {
    use syn::parse::{ParseStream, Parser};
    let print = |input: ParseStream| -> syn::Result<String> {
        let attrs = input.call(syn::Attribute::parse_inner)?;
        let mut out = String::new();
        if !attrs.is_empty() {
            out.push_str(&prettyplease::unparse(&syn::File {
                shebang: None,
                attrs,
                items: Vec::new(),
            }));
        }
        while !input.is_empty() {
            let item: syn::Item = input.parse()?;
            out.push_str(&prettyplease::unparse(&syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: vec![item],
            }));
        }
        Ok(out)
    };
    print.parse2(tokens)
}

/// prettyplease prints multi-line docs as `/** ... */` and one-line docs
/// as `///text`; rewrite both as `/// text` lines, as rustfmt'd code has.
fn line_docs(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 8);
    let mut in_block: Option<String> = None;
    for line in code.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if let Some(ind) = &in_block {
            let (text, end) = match line.strip_suffix("*/") {
                Some(t) => (t, true),
                None => (line, false),
            };
            match ind.strip_prefix('!') {
                Some(inner) => {
                    let mut doc = String::new();
                    push_doc(&mut doc, inner, text);
                    out.push_str(&doc.replacen("///", "//!", 1));
                }
                None => push_doc(&mut out, ind, text),
            }
            if end {
                in_block = None;
            }
        } else if let Some(rest) = trimmed.strip_prefix("/*!") {
            // Inner (crate) docs: `//!` lines.
            let body = rest.strip_suffix("*/").unwrap_or(rest);
            let mut doc = String::new();
            push_doc(&mut doc, indent, body);
            out.push_str(&doc.replacen("///", "//!", 1));
            if !rest.ends_with("*/") {
                in_block = Some(format!("!{indent}"));
            }
        } else if let Some(rest) = trimmed.strip_prefix("/**") {
            match rest.strip_suffix("*/") {
                Some(text) => push_doc(&mut out, indent, text),
                None => {
                    push_doc(&mut out, indent, rest);
                    in_block = Some(indent.to_string());
                }
            }
        } else if let Some(rest) = trimmed.strip_prefix("///") {
            push_doc(&mut out, indent, rest);
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn push_doc(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    if text.trim().is_empty() {
        out.push_str("///\n");
    } else if text.starts_with(' ') {
        out.push_str("///");
        out.push_str(text.trim_end());
        out.push('\n');
    } else {
        out.push_str("/// ");
        out.push_str(text.trim_end());
        out.push('\n');
    }
}
