//! `cargo xtask bench`: runs the benchmarks of bench/ (a separate cargo
//! workspace, never built by the main workspace or CI) and writes
//! BENCHMARKS.md at the repository root.
//!
//! Steps, each recorded in the report (a failed or skipped step says why):
//!
//! 1. request cost: `cargo bench --bench request` (criterion) in bench/, and
//!    the official Python SDK doing the same work
//!    (`bench/python/request_cost.py`, run with `.venv/bin/python`);
//! 2. codegen time: `cargo run --release --bin codegen_time`;
//! 3. end to end against the emulator: `cargo run --release --features e2e
//!    --bin e2e` (skipped when the emulator does not build), then the
//!    emulator's memory over a long run (`--bin emulator_rss`);
//! 4. compile time: clean `cargo build --release --timings` of
//!    bench/compile/alb-tiny (and its binary's size), then alb-sdk alone
//!    rebuilt after `cargo clean -p alb-sdk` (release, dev and check; dev
//!    and check also as a crates.io dependency builds them: no incremental);
//!    with `--aws`, also bench/compile/aws-tiny (aws-config +
//!    aws-sdk-elasticloadbalancingv2; slow).
//!
//! Options: `--quick` (shorter runs), `--skip-compile`, `--aws`.
//! Build products go to `$CARGO_TARGET_DIR` (default `bench/target`);
//! raw results to `<target>/bench-results/`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

pub fn run(args: &[&str]) -> ExitCode {
    let quick = args.contains(&"--quick");
    let skip_compile = args.contains(&"--skip-compile");
    let aws = args.contains(&"--aws");
    if let Some(bad) = args
        .iter()
        .find(|a| !["--quick", "--skip-compile", "--aws"].contains(a))
    {
        eprintln!("bench: unknown option {bad}");
        return ExitCode::from(2);
    }
    let root = crate::codegen::workspace_root();
    let bench = root.join("bench");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| bench.join("target"));
    let results = target.join("bench-results");
    let _ = std::fs::remove_dir_all(&results);
    std::fs::create_dir_all(&results).expect("create the results directory");

    let mut command = String::from("cargo xtask bench");
    for a in args {
        command.push(' ');
        command.push_str(a);
    }
    let mut machine = vec![
        ("command".to_string(), command),
        (
            "date".to_string(),
            output("date", &["-u", "+%Y-%m-%d %H:%M UTC"], &root),
        ),
        (
            "nproc".to_string(),
            std::thread::available_parallelism()
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ),
        ("cpu".to_string(), cpu_model()),
        ("rustc".to_string(), output("rustc", &["-V"], &root)),
        ("cargo".to_string(), output("cargo", &["-V"], &root)),
        (
            "loadavg".to_string(),
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
    ];
    let mut steps: Vec<(String, String)> = Vec::new();

    // 1. Request cost (criterion).
    let criterion_home = results.join("criterion");
    let mut c = cargo(&bench, &target);
    c.args(["bench", "--bench", "request", "--"])
        .env("CRITERION_HOME", &criterion_home);
    steps.push((
        "request (criterion)".into(),
        status(step(c, &results.join("criterion.log"))),
    ));

    write_meta(&results, &machine, &steps);
    // 1b. The official Python SDK.
    let python = root.join(".venv/bin/python");
    if python.exists() {
        let mut c = Command::new(&python);
        c.arg(bench.join("python/request_cost.py"))
            .current_dir(&root);
        if quick {
            c.args(["--number", "300", "--repeat", "5"]);
        } else {
            c.args(["--number", "2000", "--repeat", "7"]);
        }
        steps.push((
            "request (python)".into(),
            status(capture(c, &results.join("python.json"))),
        ));
        machine.push((
            "python".into(),
            output(python.to_str().unwrap(), &["-V"], &root),
        ));
    } else {
        steps.push((
            "request (python)".into(),
            "skipped: no .venv/bin/python with the official SDK".into(),
        ));
    }

    write_meta(&results, &machine, &steps);
    // 2. Codegen time.
    let mut c = cargo(&bench, &target);
    c.args(["run", "--release", "--quiet", "--bin", "codegen_time", "--"])
        .arg(&root)
        .arg(if quick { "3" } else { "10" });
    steps.push((
        "codegen".into(),
        status(capture(c, &results.join("codegen.json"))),
    ));

    write_meta(&results, &machine, &steps);
    // 3. End to end.
    let mut c = cargo(&bench, &target);
    c.args([
        "build",
        "--release",
        "--features",
        "e2e",
        "--bin",
        "e2e",
        "--bin",
        "emulator_rss",
    ]);
    match step(c, &results.join("e2e-build.log")) {
        Ok(()) => {
            let mut c = cargo(&bench, &target);
            c.args([
                "run",
                "--release",
                "--quiet",
                "--features",
                "e2e",
                "--bin",
                "e2e",
                "--",
            ]);
            if quick {
                c.args(["2", "500", "3000"]);
            } else {
                c.args(["5", "3000", "15000"]);
            }
            steps.push(("e2e".into(), status(capture(c, &results.join("e2e.json")))));
            let mut c = cargo(&bench, &target);
            c.args([
                "run",
                "--release",
                "--quiet",
                "--features",
                "e2e",
                "--bin",
                "emulator_rss",
                "--",
            ]);
            c.args(if quick {
                ["60000", "3"]
            } else {
                ["600000", "6"]
            });
            steps.push((
                "emulator memory".into(),
                status(capture(c, &results.join("emulator_rss.json"))),
            ));
        }
        Err(e) => steps.push((
            "e2e".into(),
            format!("skipped: the emulator does not build ({e})"),
        )),
    }

    write_meta(&results, &machine, &steps);
    // 4. Compile time.
    if skip_compile {
        steps.push(("compile".into(), "skipped: --skip-compile".into()));
    } else {
        steps.push((
            "compile alb-sdk".into(),
            status(compile_alb(&bench, &results)),
        ));
        write_meta(&results, &machine, &steps);
        if aws {
            steps.push(("compile aws".into(), status(compile_aws(&bench, &results))));
        } else {
            steps.push((
                "compile aws".into(),
                "skipped: pass --aws (a clean build of aws-config + aws-sdk-elasticloadbalancingv2 takes many minutes)".into(),
            ));
        }
    }

    // Report.
    machine.push((
        "loadavg at the end".to_string(),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
            .to_string(),
    ));
    write_meta(&results, &machine, &steps);
    let mut c = cargo(&bench, &target);
    c.args(["run", "--release", "--quiet", "--bin", "report", "--"])
        .arg(&results)
        .arg(root.join("BENCHMARKS.md"));
    match step(c, &results.join("report.log")) {
        Ok(()) => {
            println!(
                "bench: wrote BENCHMARKS.md (raw results in {})",
                results.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench: the report failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes what the report needs besides the raw results (`meta.tsv`), after
/// every step, so that a report can be made from a run stopped midway
/// (`cargo run --release --bin report -- <results> <out>` in bench/).
fn write_meta(results: &Path, machine: &[(String, String)], steps: &[(String, String)]) {
    let mut meta = String::new();
    for (k, v) in machine {
        meta.push_str(&format!("machine\t{k}\t{v}\n"));
    }
    for (k, v) in steps {
        meta.push_str(&format!("step\t{k}\t{v}\n"));
    }
    std::fs::write(results.join("meta.tsv"), meta).expect("write meta.tsv");
}

fn cargo(dir: &Path, target: &Path) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(dir).env("CARGO_TARGET_DIR", target);
    c
}

fn status(r: Result<(), String>) -> String {
    match r {
        Ok(()) => "ok".into(),
        Err(e) => format!("failed: {e}"),
    }
}

/// Runs `c`, its output (both streams) to `log`.
fn step(mut c: Command, log: &Path) -> Result<(), String> {
    eprintln!("bench: {:?}", c);
    let out = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| e.to_string())?;
    let mut text = out.stdout;
    text.extend_from_slice(&out.stderr);
    let _ = std::fs::write(log, &text);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}, see {}", out.status, log.display()))
    }
}

/// Runs `c`, its stdout to `out` (stderr passes through).
fn capture(mut c: Command, out: &Path) -> Result<(), String> {
    eprintln!("bench: {:?}", c);
    let o = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    std::fs::write(out, &o.stdout).map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(())
    } else {
        Err(o.status.to_string())
    }
}

fn output(prog: &str, args: &[&str], dir: &Path) -> String {
    Command::new(prog)
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// CPU seconds (user + system) used by this process's waited-for children
/// so far: fields `cutime` and `cstime` of /proc/self/stat, in USER_HZ
/// (100 per second on Linux). `None` off Linux.
fn children_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); cutime is field 16, cstime field 17.
    let cutime: f64 = f.get(13)?.parse().ok()?;
    let cstime: f64 = f.get(14)?.parse().ok()?;
    Some((cutime + cstime) / 100.0)
}

/// A timed build of `project` into `target`, with `--timings`, under
/// `nice -n 19` (the machine is shared); records `<name>.time` (wall and
/// CPU seconds, load average before and after) and keeps the timings HTML.
fn timed_build(
    project: &Path,
    target: &Path,
    extra: &[&str],
    results: &Path,
    name: &str,
) -> Result<(), String> {
    timed_cargo(project, target, "build", extra, &[], results, name)
}

/// The size of a built binary (`<name>.size`: bytes as built, then bytes
/// after `strip` of a copy when `strip` is installed).
fn record_size(binary: &Path, results: &Path, name: &str) -> Result<(), String> {
    let size = std::fs::metadata(binary)
        .map_err(|e| format!("{}: {e}", binary.display()))?
        .len();
    let copy = results.join(format!("{name}.stripped"));
    let stripped = std::fs::copy(binary, &copy)
        .ok()
        .and_then(|_| Command::new("strip").arg(&copy).status().ok())
        .filter(|s| s.success())
        .and_then(|_| std::fs::metadata(&copy).ok())
        .map(|m| m.len().to_string())
        .unwrap_or_else(|| "?".into());
    let _ = std::fs::remove_file(&copy);
    std::fs::write(
        results.join(format!("{name}.size")),
        format!("{size}\n{stripped}\n"),
    )
    .map_err(|e| e.to_string())
}

/// [`timed_build`] with another cargo command (`check`).
fn timed_cargo(
    project: &Path,
    target: &Path,
    verb: &str,
    extra: &[&str],
    envs: &[(&str, &str)],
    results: &Path,
    name: &str,
) -> Result<(), String> {
    let mut c = Command::new("nice");
    c.current_dir(project)
        .env("CARGO_TARGET_DIR", target)
        .envs(envs.iter().copied())
        .args(["-n", "19"])
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([verb, "--timings"])
        .args(extra);
    let load_before = loadavg1();
    let cpu_before = children_cpu_secs();
    let t = Instant::now();
    step(c, &results.join(format!("{name}.log")))?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = match (cpu_before, children_cpu_secs()) {
        (Some(a), Some(b)) => format!("{:.2}", b - a),
        _ => "?".into(),
    };
    std::fs::write(
        results.join(format!("{name}.time")),
        format!("{secs:.2}\ncpu {cpu}\nload {load_before} {}\n", loadavg1()),
    )
    .map_err(|e| e.to_string())?;
    let html = target.join("cargo-timings/cargo-timing.html");
    std::fs::copy(&html, results.join(format!("{name}.timings.html")))
        .map_err(|e| format!("{}: {e}", html.display()))?;
    Ok(())
}

fn loadavg1() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Fetches dependencies first, so that download time is not build time.
fn fetch(project: &Path, log: &Path) -> Result<(), String> {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(project).arg("fetch");
    step(c, log)
}

fn compile_alb(bench: &Path, results: &Path) -> Result<(), String> {
    let project = bench.join("compile/alb-tiny");
    let target = results.join("target-alb-tiny");
    let _ = std::fs::remove_dir_all(&target);
    fetch(&project, &results.join("alb-tiny-fetch.log"))?;
    timed_build(
        &project,
        &target,
        &["--release"],
        results,
        "alb-tiny-release",
    )?;
    record_size(
        &target.join("release/alb-tiny"),
        results,
        "alb-tiny-release",
    )?;
    // alb-sdk alone: clean only its own artifacts, rebuild (its dependencies
    // are fresh, so it builds with the machine to itself).
    // `-registry`: as cargo builds a dependency from crates.io, without
    // incremental compilation (a path dependency, as here, gets it, and its
    // bookkeeping makes a clean build of the crate slower).
    for (profile, verb, flag, incremental) in [
        ("release", "build", Some("--release"), None),
        ("dev", "build", None, None),
        ("dev-registry", "build", None, Some("0")),
        ("check", "check", None, None),
        ("check-registry", "check", None, Some("0")),
    ] {
        let envs: Vec<(&str, &str)> = incremental
            .map(|v| ("CARGO_INCREMENTAL", v))
            .into_iter()
            .collect();
        let mut c = Command::new("nice");
        c.current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .envs(envs.iter().copied())
            .args(["-n", "19"])
            .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([verb, "-p", "alb-sdk"]);
        if let Some(f) = flag {
            c.arg(f);
        }
        step(c, &results.join(format!("alb-sdk-{profile}-deps.log")))?;
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&project)
            .env("CARGO_TARGET_DIR", &target)
            .args(["clean", "-p", "alb-sdk"]);
        if let Some(f) = flag {
            c.arg(f);
        }
        step(c, &results.join(format!("alb-sdk-{profile}-clean.log")))?;
        let extra: Vec<&str> = ["-p", "alb-sdk"].into_iter().chain(flag).collect();
        timed_cargo(
            &project,
            &target,
            verb,
            &extra,
            &envs,
            results,
            &format!("alb-sdk-{profile}"),
        )?;
    }
    let _ = std::fs::remove_dir_all(&target);
    Ok(())
}

fn compile_aws(bench: &Path, results: &Path) -> Result<(), String> {
    let project = bench.join("compile/aws-tiny");
    let target = results.join("target-aws-tiny");
    let _ = std::fs::remove_dir_all(&target);
    fetch(&project, &results.join("aws-tiny-fetch.log"))?;
    let r = timed_build(
        &project,
        &target,
        &["--release"],
        results,
        "aws-tiny-release",
    )
    .and_then(|()| {
        record_size(
            &target.join("release/aws-tiny"),
            results,
            "aws-tiny-release",
        )
    });
    let _ = std::fs::remove_dir_all(&target);
    r
}
