//! Codegen time: `alb_codegen::generate_crate` (load + check + emit, in
//! memory, nothing written) on the real ALB spec and on synthetic specs of
//! 250 / 500 / 1000 operations (the real one has 85).
//!
//! A synthetic spec of N operations is the real spec's operations plus
//! N - (real count) copies of them under new names (`<Name>Syn<i>`), each new
//! name added to `known_operations`, in a temporary directory.
//!
//! Usage: codegen_time <repo root> [repeats]. Prints JSON on stdout.

use alb_codegen::CrateOptions;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn opts() -> CrateOptions {
    CrateOptions {
        package: "alb-sdk".into(),
        runtime_path: "../runtime".into(),
        spec_label: "specs/alb/2020-06-16".into(),
    }
}

/// Times `repeats` runs; returns per-run milliseconds plus output size.
fn time_generate(dir: &Path, repeats: usize) -> (Vec<f64>, usize, usize) {
    let mut ms = Vec::with_capacity(repeats);
    let mut files = 0;
    let mut bytes = 0;
    // One untimed run: page cache, allocator warm-up.
    if let Err(e) = alb_codegen::generate_crate(dir, &opts()) {
        let text = e.to_string();
        eprintln!("{}: {}", dir.display(), &text[..text.len().min(2000)]);
        std::process::exit(1);
    }
    for _ in 0..repeats {
        let t = Instant::now();
        let out = alb_codegen::generate_crate(dir, &opts()).expect("spec generates");
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        files = out.len();
        bytes = out.iter().map(|f| f.contents.len()).sum();
    }
    (ms, files, bytes)
}

fn synthetic(real: &Path, n: usize, into: &Path) -> usize {
    let _ = std::fs::remove_dir_all(into);
    std::fs::create_dir_all(into.join("operations")).unwrap();
    // Shapes, the error catalogue, the resource model and the guide are
    // shared by every copy.
    for e in std::fs::read_dir(real).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        if p.is_file() && name != "service.yaml" {
            std::fs::copy(&p, into.join(name)).unwrap();
        }
    }
    if real.join("shapes").is_dir() {
        std::fs::create_dir_all(into.join("shapes")).unwrap();
        for e in std::fs::read_dir(real.join("shapes")).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, into.join("shapes").join(p.file_name().unwrap())).unwrap();
        }
    }
    let mut ops: Vec<PathBuf> = std::fs::read_dir(real.join("operations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    ops.sort();
    assert!(n >= ops.len(), "synthetic size below the real spec's");
    let mut new_names = Vec::new();
    for op in &ops {
        std::fs::copy(op, into.join("operations").join(op.file_name().unwrap())).unwrap();
    }
    for i in 0..n - ops.len() {
        let src = &ops[i % ops.len()];
        let stem = src.file_stem().unwrap().to_str().unwrap();
        let name = format!("{stem}Syn{i}");
        let text = std::fs::read_to_string(src).unwrap();
        // Rename the operation, its RAM action, its waiter and its inline
        // types (names must be unique across the spec).
        let mut replaced = false;
        let mut in_waiter = false;
        let renamed: String = text
            .lines()
            .map(|l| {
                if !l.starts_with("    ") {
                    in_waiter = l == "  waiter:";
                }
                if !replaced && l == format!("name: {stem}") {
                    replaced = true;
                    format!("name: {name}")
                } else if l.trim().replace('"', "") == format!("action: alb:{stem}") {
                    l.replace(&format!("alb:{stem}"), &format!("alb:{name}"))
                } else if in_waiter && l.starts_with("    name: ") {
                    format!("{l}Syn{i}")
                } else if ["struct_name:", "enum_name:"]
                    .iter()
                    .any(|k| l.trim_start().trim_start_matches("- ").starts_with(k))
                {
                    // Inline type names are unique across the spec too.
                    format!("{}Syn{i}", l.trim_end())
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(replaced, "{stem}: no top-level `name:` line");
        std::fs::write(
            into.join("operations").join(format!("{name}.yaml")),
            renamed + "\n",
        )
        .unwrap();
        new_names.push(name);
    }
    // Append the new names to known_operations (a block list of `  - Name`).
    let service = std::fs::read_to_string(real.join("service.yaml")).unwrap();
    let mut out = String::new();
    let mut in_known = false;
    let mut added = false;
    for line in service.lines() {
        if in_known && !line.starts_with("  - ") && !added {
            for n in &new_names {
                out.push_str(&format!("  - {n}\n"));
            }
            added = true;
            in_known = false;
        }
        if line.starts_with("known_operations:") {
            in_known = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    if in_known && !added {
        for n in &new_names {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    std::fs::write(into.join("service.yaml"), out).unwrap();
    n
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: codegen_time <repo root> [repeats]"),
    );
    let real = root.join("specs/alb/2020-06-16");
    let next = args.next();
    // `--emit N DIR`: write the crate of a synthetic N-operation spec to DIR
    // (for compile-time measurements), nothing else.
    if next.as_deref() == Some("--emit") {
        let n: usize = args
            .next()
            .and_then(|s| s.parse().ok())
            .expect("--emit N DIR");
        let out = PathBuf::from(args.next().expect("--emit N DIR"));
        let spec = std::env::temp_dir().join(format!("alb-bench-emit-{}", std::process::id()));
        synthetic(&real, n, &spec);
        let mut o = opts();
        o.runtime_path = root.join("runtime").display().to_string();
        let files = alb_codegen::generate_crate(&spec, &o).unwrap_or_else(|e| panic!("{e}"));
        let _ = std::fs::remove_dir_all(out.join("src"));
        alb_codegen::sync::write(&out, &files).expect("write the crate");
        let _ = std::fs::remove_dir_all(&spec);
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
        println!(
            "{n} operations: {} files, {lines} lines in {}",
            files.len(),
            out.display()
        );
        return;
    }
    let repeats: usize = next.map(|s| s.parse().unwrap()).unwrap_or(10);
    let real_ops = std::fs::read_dir(real.join("operations")).unwrap().count();

    let mut rows = Vec::new();
    let (ms, files, bytes) = time_generate(&real, repeats);
    rows.push(serde_json::json!({
        "name": "real spec", "operations": real_ops, "repeats": repeats,
        "ms": ms, "files": files, "bytes": bytes,
    }));
    let tmp = std::env::temp_dir().join(format!("alb-bench-codegen-{}", std::process::id()));
    for n in [250usize, 500, 1000] {
        let dir = tmp.join(format!("n{n}"));
        synthetic(&real, n, &dir);
        let reps = if n >= 1000 {
            repeats.div_ceil(3).max(3)
        } else {
            repeats
        };
        let (ms, files, bytes) = time_generate(&dir, reps);
        rows.push(serde_json::json!({
            "name": format!("synthetic {n}"), "operations": n, "repeats": reps,
            "ms": ms, "files": files, "bytes": bytes,
        }));
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "codegen": rows })).unwrap()
    );
}
