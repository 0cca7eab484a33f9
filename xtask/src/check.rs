//! `cargo xtask check`: load and check the spec without generating, for
//! work in progress. With `--drafts-ok`, `DRAFT:` text is counted, not
//! refused; with file names, only their problems are shown.

use std::process::ExitCode;

pub const USAGE: &str = "check [--drafts-ok] [FILE...]
                   check the spec without writing; FILE (e.g. operations/CreateAcl.yaml)
                   limits the report to those files; --drafts-ok tolerates `DRAFT:` text";

pub fn run(args: &[&str]) -> ExitCode {
    let root = crate::codegen::workspace_root();
    let drafts_ok = args.contains(&"--drafts-ok");
    let files: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with("--"))
        .collect();
    let shown = |file: &std::path::Path| {
        files.is_empty()
            || files.iter().any(|f| {
                file.to_string_lossy()
                    .ends_with(f.trim_start_matches("specs/alb/2020-06-16/"))
            })
    };
    let dir = root.join("specs/alb/2020-06-16");
    let (spec, drafts) = match alb_codegen::load::load_with(&dir, drafts_ok) {
        Ok(v) => v,
        Err(d) => {
            let mine: Vec<_> = d.0.iter().filter(|p| shown(&p.file)).collect();
            for p in &mine {
                eprintln!("  {p}");
            }
            eprintln!(
                "{} problem(s) loading the spec ({} shown)",
                d.0.len(),
                mine.len()
            );
            return ExitCode::FAILURE;
        }
    };
    let mine_drafts = drafts.iter().filter(|p| shown(&p.file)).count();
    match alb_codegen::check::check(&spec) {
        Ok(api) => {
            println!(
                "spec checks: {} operation(s), {} shape(s), {} error code(s); {} draft line(s) left ({mine_drafts} in the files named)",
                api.operations.len(),
                api.shapes.len(),
                api.errors.len(),
                drafts.len()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            let mine: Vec<_> = d.0.iter().filter(|p| shown(&p.file)).collect();
            for p in &mine {
                eprintln!("  {p}");
            }
            eprintln!(
                "{} problem(s) in the spec, {} shown; {} draft line(s) left ({mine_drafts} in the files named)",
                d.0.len(),
                mine.len(),
                drafts.len()
            );
            if mine.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
