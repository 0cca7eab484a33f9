//! Writes BENCHMARKS.md from the raw results `cargo xtask bench` collected.
//! Usage: report <results dir> <output file>. Every figure comes from a file
//! in the results directory; a missing one is reported as missing.

use alb_bench::stats;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn read_json(p: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

/// Nanoseconds, human-readable.
fn ns(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} ms", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.2} µs", v / 1e3)
    } else {
        format!("{v:.0} ns")
    }
}

#[derive(Clone, Copy)]
struct Fig {
    median: f64,
    min: f64,
    max: f64,
    /// Interquartile range.
    q1: f64,
    q3: f64,
    /// 95% confidence interval of the mean, when criterion gives one.
    ci: Option<(f64, f64)>,
}

impl Fig {
    fn cell(&self) -> String {
        format!(
            "{} | {} – {} | {} – {}",
            ns(self.median),
            ns(self.q1),
            ns(self.q3),
            ns(self.min),
            ns(self.max)
        )
    }
    fn from_samples(v: &[f64], ci: Option<(f64, f64)>) -> Fig {
        let mut s = v.to_vec();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let st = stats(&s);
        Fig {
            median: st.median,
            min: st.min,
            max: st.max,
            q1: quantile(&s, 0.25),
            q3: quantile(&s, 0.75),
            ci,
        }
    }
}

/// Linear-interpolated quantile of a sorted sample.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// A / B: the ratio of medians, then the range the interquartile ranges
/// allow [A.q1 / B.q3, A.q3 / B.q1], then the extremes [A.min / B.max,
/// A.max / B.min].
/// Why a goal can fall short, from the profiles (bench/PROFILE.md): shown
/// under the goals' table for each goal this run did not meet.
fn why(goal: &str) -> Option<&'static str> {
    const AWS_TINY: &str = "**One-call program vs aws-tiny.** aws-tiny's clean build is much faster than when the goal was set (355 s then; newer aws crates and the machine); alb-tiny's is mostly the HTTP and TLS stack every reqwest user compiles (rustls and ring about 29 s of CPU, reqwest about 15 s, tokio 9 s, url/idna/ICU about 13 s with the `syn` 3 they pull in, hyper), then alb-runtime (about 5 s alone, 10-12 s in a busy build) and alb-sdk (their units in the table). A quarter of aws-tiny's time (the table) is about 50 s, and rustls, ring, tokio and hyper alone take most of that on the critical path. To close: hyper with hyper-rustls directly instead of reqwest (dropping reqwest and url/ICU, about 28 s of CPU, at the cost of hand-written proxy support and connection handling), then a smaller runtime (170k LLVM lines in release, after this round took tree maps out: the credential parsers, `serde_json::Value` use, async state machines, `Display` of its errors).";
    const WHY: &[(&str, &str)] = &[
        (
            "request path",
            "**Request path vs the bare HMAC.** The floor is one HMAC over the string to sign (about 0.4-0.5 µs), key schedule included. The client's path, measured in parts (section 1's breakdown rows and bench/PROFILE.md): building, validating and flattening the request about 0.8 µs (a `String` per wire key and value); signing alone about 1.3 µs (the signing rows), of which V3's hash of its canonical request (about 11 SHA-256 blocks: the query, every signed header) is about 0.65 µs, 1.5× the floor by itself; `Url::set_query`, which re-parses and re-checks the query character by character, about 0.55 µs (V3) to 1 µs (V1's query is about 700 bytes), and there is no other way to hand reqwest a URL; the nonce about 0.3 µs (one SHA-256 block and the process ID, a system call). To close: a transport that takes the request line as built (hyper with an `http::Uri`, whose parse is a byte-table scan, instead of reqwest's `Url`) and flattening and validation without an allocation per key and value; V3 cannot go below about 3× the floor while it hashes its canonical request.",
        ),
        (
            "official Python SDK",
            "**Python SDK ratio.** 40× would need ours at a fortieth of the official SDK's figure in section 1 (which moves with the machine: 40-130 µs across runs here), about 1-3 µs, below what the parts of the request path above add up to; the same work would close it.",
        ),
        (
            "end to end, 1 task",
            "**End to end, one task.** The SDK's own per-call work on top of the transport is the p50 difference in section 3: the request path (section 1; GetListenerAttribute's is shorter than Associate's), the typed decode of the answer (measured alone above) and the call engine (call timeout, spans, credentials, reading the body). With one task the emulator shares the client's core, so every µs shows; at 64 tasks it is hidden and the goal is met. The decode is not where to look: on this answer it is already about 20% faster than a serde-derived struct of the same fields, and parsing alone (serde's `IgnoredAny`) is about 0.7 µs of it (bench/PROFILE.md). To close: the request-path work above, then the call engine's per-call costs (futures, spans, timers, body reading), which bench/PROFILE.md measures at about 7 µs of p50 on top of the request path.",
        ),
        (
            "end to end, 64",
            "**End to end, 64 tasks.** See one task: same per-call work, hidden by concurrency in most runs.",
        ),
        (
            "as a path dependency",
            "**Path dependency, incremental.** Cargo compiles a path dependency incrementally in dev, and the incremental bookkeeping of this crate's ~4,700 functions adds 1-2 s to a clean build. Users of the published crate build it without (the crates.io rows).",
        ),
        (
            "dev build of alb-sdk, as a crates.io",
            "**Dev build.** What is left is per type: `Debug`, `Clone`, `PartialEq`, `Default` of 470 types, 3,000 impls' coherence checks, the MIR of generic decode/serialize bodies in the metadata. To close: fewer derives (for example `PartialEq` only where users compare), shapes shared by more operations.",
        ),
        ("clean release build", AWS_TINY),
        ("… and in CPU", AWS_TINY),
        (
            "release unit",
            "**alb-sdk unit vs aws-sdk-elasticloadbalancingv2's.** Theirs took 58 s when the goal was set and is much faster now (see the table); of ours, the front end (type and borrow checking of derive-heavy types) is about 2 s and LLVM with ThinLTO about 2 s. To close: about 20% less per-type code (the derives above). Each is one build, so the ratio moves by about 10% between runs on this shared machine, on both sides of the goal.",
        ),
        (
            "codegen",
            "**Codegen.** See the code generation section: most of the time is building, parsing and printing token streams (proc-macro2, syn, prettyplease), in parallel over the files.",
        ),
    ];
    WHY.iter().find(|(k, _)| goal.contains(k)).map(|(_, w)| *w)
}

/// Where the goals' table is put once everything is measured.
const GOALS_MARK: &str = "<!-- goals -->";

/// The goals of issue 14 (performance at full size), each with what this run
/// measured and whether it is met.
#[derive(Default)]
struct Goals(Vec<(String, String, bool)>);

impl Goals {
    fn push(&mut self, goal: &str, measured: String, met: bool) {
        self.0.push((goal.to_string(), measured, met));
    }

    fn ratio_at_most(&mut self, goal: &str, a: Option<Fig>, b: Option<Fig>, max: f64) {
        if let (Some(a), Some(b)) = (a, b) {
            let r = a.median / b.median;
            self.push(
                &format!("{goal} at most {max}×"),
                format!("{r:.1}×"),
                r <= max,
            );
        }
    }

    fn ratio_at_least(&mut self, goal: &str, a: Option<Fig>, b: Option<Fig>, min: f64) {
        if let (Some(a), Some(b)) = (a, b) {
            let r = a.median / b.median;
            self.push(
                &format!("{goal} at least {min}×"),
                format!("{r:.1}×"),
                r >= min,
            );
        }
    }

    fn table(&self) -> String {
        let mut t = String::from(
            "\n## Goals\n\nThe performance goals (issue 14), from the figures below (medians of this run).\n\n| goal | measured | met |\n|---|---|---|\n",
        );
        for (goal, measured, met) in &self.0 {
            t.push_str(&format!(
                "| {goal} | {measured} | {} |\n",
                if *met { "yes" } else { "**no**" }
            ));
        }
        if self.0.is_empty() {
            t.push_str("| (nothing measured) | | |\n");
        }
        let unmet: Vec<&str> = self
            .0
            .iter()
            .filter(|(_, _, met)| !met)
            .filter_map(|(goal, _, _)| why(goal))
            .fold(Vec::new(), |mut v, w| {
                if !v.contains(&w) {
                    v.push(w);
                }
                v
            });
        if !unmet.is_empty() {
            t.push_str("\nNot met: the reason, as measured, and what would close it (details in bench/PROFILE.md).\n\n");
            for w in unmet {
                t.push_str(&format!("- {w}\n"));
            }
        }
        t
    }
}

fn ratio(a: Fig, b: Fig) -> String {
    format!(
        "**{:.1}×** | {:.1}× – {:.1}× | {:.1}× – {:.1}×",
        a.median / b.median,
        a.q1 / b.q3,
        a.q3 / b.q1,
        a.min / b.max,
        a.max / b.min
    )
}

fn criterion_fig(home: &Path, group: &str, name: &str) -> Option<Fig> {
    let dir = home.join(group).join(name).join("new");
    let sample = read_json(&dir.join("sample.json"))?;
    let iters = sample["iters"].as_array()?;
    let times = sample["times"].as_array()?;
    let per: Vec<f64> = iters
        .iter()
        .zip(times)
        .map(|(i, t)| t.as_f64().unwrap() / i.as_f64().unwrap())
        .collect();
    let est = read_json(&dir.join("estimates.json"));
    let ci = est.and_then(|e| {
        let c = &e["mean"]["confidence_interval"];
        Some((c["lower_bound"].as_f64()?, c["upper_bound"].as_f64()?))
    });
    Some(Fig::from_samples(&per, ci))
}

fn python_fig(py: &Value, name: &str) -> Option<Fig> {
    let samples: Vec<f64> = py["results"][name]["samples_ns"]
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    if samples.is_empty() {
        return None;
    }
    Some(Fig::from_samples(&samples, None))
}

/// Durations (seconds) of the units a cargo --timings HTML report says were
/// compiled (fresh units are listed with duration 0 and left out).
fn unit_durations(html: &Path) -> Vec<(String, String, f64)> {
    let Ok(text) = std::fs::read_to_string(html) else {
        return Vec::new();
    };
    let Some(start) = text.find("const UNIT_DATA = ") else {
        return Vec::new();
    };
    let rest = &text[start + "const UNIT_DATA = ".len()..];
    let end = rest.find(";\n").unwrap_or(rest.len());
    let Ok(Value::Array(units)) = serde_json::from_str::<Value>(&rest[..end]) else {
        return Vec::new();
    };
    units
        .iter()
        .filter(|u| u["duration"].as_f64().unwrap_or(0.0) > 0.0)
        .filter_map(|u| {
            Some((
                u["name"].as_str()?.to_string(),
                u["target"].as_str().unwrap_or("").to_string(),
                u["duration"].as_f64()?,
            ))
        })
        .collect()
}

fn unit(units: &[(String, String, f64)], name: &str) -> Option<f64> {
    units
        .iter()
        .filter(|(n, t, _)| n == name && !t.contains("build-script") && !t.contains("build script"))
        .map(|(_, _, d)| *d)
        .reduce(f64::max)
}

struct BuildTime {
    wall: f64,
    cpu: Option<f64>,
    load: String,
}

/// Bytes of a binary as built, and stripped when measured.
type BinarySize = (u64, Option<u64>);

/// `<name>.size`: bytes of the binary as built, then stripped (or `?`).
fn read_size(p: &Path) -> Option<BinarySize> {
    let text = std::fs::read_to_string(p).ok()?;
    let mut lines = text.lines();
    let size = lines.next()?.trim().parse().ok()?;
    Some((size, lines.next().and_then(|l| l.trim().parse().ok())))
}

/// `<name>.time`: wall seconds, then `cpu <s>`, then `load <before> <after>`.
fn read_time(p: &Path) -> Option<BuildTime> {
    let text = std::fs::read_to_string(p).ok()?;
    let mut lines = text.lines();
    let wall = lines.next()?.trim().parse().ok()?;
    let mut t = BuildTime {
        wall,
        cpu: None,
        load: "?".into(),
    };
    for l in lines {
        if let Some(c) = l.strip_prefix("cpu ") {
            t.cpu = c.trim().parse().ok();
        } else if let Some(x) = l.strip_prefix("load ") {
            t.load = x.trim().replace(' ', " → ");
        }
    }
    Some(t)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let results = PathBuf::from(args.next().expect("usage: report <results> <out>"));
    let out_path = PathBuf::from(args.next().expect("usage: report <results> <out>"));

    let meta = std::fs::read_to_string(results.join("meta.tsv")).unwrap_or_default();
    let mut machine = Vec::new();
    let mut steps = Vec::new();
    for line in meta.lines() {
        let mut f = line.splitn(3, '\t');
        match (f.next(), f.next(), f.next()) {
            (Some("machine"), Some(k), Some(v)) => machine.push((k.to_string(), v.to_string())),
            (Some("step"), Some(k), Some(v)) => steps.push((k.to_string(), v.to_string())),
            _ => {}
        }
    }
    let m = |k: &str| {
        machine
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "?".into())
    };

    let mut o = String::new();
    let w = &mut o;
    writeln!(w, "# Benchmarks\n").unwrap();
    writeln!(
        w,
        "Generated by `{}` on {} (do not edit by hand: rerun the command). \
         Harness: `bench/` (its own cargo workspace, not built by CI) and \
         `xtask/src/bench.rs`. Every figure below was measured in that one run.\n",
        m("command"),
        m("date")
    )
    .unwrap();
    writeln!(w, "| machine | |\n|---|---|").unwrap();
    for k in [
        "nproc",
        "cpu",
        "rustc",
        "cargo",
        "python",
        "loadavg",
        "loadavg at the end",
    ] {
        writeln!(w, "| {k} | {} |", m(k)).unwrap();
    }
    writeln!(
        w,
        "\nThe machine is shared (2 cores, other builds may run at the same time: \
         `loadavg` above is at the start and the end of the run), so absolute figures are noisy; \
         each comparison is measured side by side in the same run, and every figure \
         carries its spread.\n"
    )
    .unwrap();
    writeln!(w, "| step | status |\n|---|---|").unwrap();
    for (k, v) in &steps {
        writeln!(w, "| {k} | {v} |").unwrap();
    }
    // The goals' table goes here once every section has been measured.
    writeln!(w, "{GOALS_MARK}").unwrap();
    let mut goals = Goals::default();

    // ---------------------------------------------------------------- 1
    writeln!(w, "\n## 1. Request cost\n").unwrap();
    writeln!(
        w,
        "One `AssociateAdditionalCertificatesWithListener` request with 2 certificates, \
         a listener ID and a client token, taken up to the point where it is handed to \
         the HTTP client: build + validate, flatten to wire parameters, timestamp + \
         nonce, sign, serialize the URL (Rust: `bench/benches/request.rs`, criterion, \
         the same steps as `alb_runtime::Core`). The floor is one bare HMAC \
         (HMAC-SHA1 + base64 for V1, HMAC-SHA256 + hex for V3) over the very \
         string-to-sign bytes of that request (checked equal to the SDK's signature). \
         The official Python SDK (`bench/python/request_cost.py`, `timeit`) goes \
         through its real call path (`..._with_options` → `call_api` → \
         `do_rpcrequest` / `do_request`) with the send replaced by a stop, so it times \
         the same work: model, validation, flattening, timestamp/nonce, signing, request \
         object (it also asks its credentials client for the key pair on each call; the \
         Rust figure leaves out the Rust client's equivalent, a boxed future that \
         clones static credentials).\n"
    )
    .unwrap();
    writeln!(
        w,
        "Time per request: median, interquartile range and min – max, over \
         criterion's samples (Rust; criterion's 95% confidence interval of the mean \
         in the last column) or `timeit`'s repeats (Python).\n"
    )
    .unwrap();
    let home = results.join("criterion");
    let rust = |n: &str| criterion_fig(&home, "request", n);
    let py = read_json(&results.join("python.json"));
    let pyf = |n: &str| py.as_ref().and_then(|p| python_fig(p, n));
    writeln!(
        w,
        "| what | median | IQR | min – max | mean, 95% CI |\n|---|---|---|---|---|"
    )
    .unwrap();
    let rows = [
        ("Rust SDK, V1 (HMAC-SHA1)", rust("sdk_v1")),
        ("Rust SDK, V3 (ACS3-HMAC-SHA256)", rust("sdk_v3")),
        (
            "Rust, build + validate + flatten only",
            rust("build_validate_flatten"),
        ),
        (
            "Rust, V1 signing only (fixed timestamp and nonce)",
            rust("sign_wire_v1"),
        ),
        (
            "Rust, V3 signing only (fixed timestamp and nonce)",
            rust("sign_wire_v3"),
        ),
        (
            "floor: bare HMAC-SHA1 + base64 (Rust `hmac`)",
            rust("floor_hmac_sha1"),
        ),
        (
            "floor: bare HMAC-SHA256 + hex (Rust `hmac`)",
            rust("floor_hmac_sha256"),
        ),
        ("official Python SDK, V1", pyf("sdk_v1")),
        ("official Python SDK, V3", pyf("sdk_v3")),
        (
            "Python floor: bare HMAC-SHA1 + base64 (`hmac`)",
            pyf("floor_hmac_sha1"),
        ),
        (
            "Python floor: bare HMAC-SHA256 + hex (`hmac`)",
            pyf("floor_hmac_sha256"),
        ),
    ];
    for (label, f) in &rows {
        match f {
            Some(f) => {
                let ci =
                    f.ci.map(|(a, b)| format!("{} – {}", ns(a), ns(b)))
                        .unwrap_or_else(|| "–".into());
                writeln!(w, "| {label} | {} | {ci} |", f.cell()).unwrap()
            }
            None => writeln!(w, "| {label} | not measured | | | |").unwrap(),
        }
    }
    writeln!(
        w,
        "\nRatios: of the medians; then the range allowed by the two interquartile \
         ranges; then by the two min – max ranges.\n"
    )
    .unwrap();
    writeln!(
        w,
        "| ratio | median | IQR range | extreme range |\n|---|---|---|---|"
    )
    .unwrap();
    let pairs = [
        (
            "Rust SDK V1 / bare HMAC-SHA1 floor",
            rust("sdk_v1"),
            rust("floor_hmac_sha1"),
        ),
        (
            "Rust SDK V3 / bare HMAC-SHA256 floor",
            rust("sdk_v3"),
            rust("floor_hmac_sha256"),
        ),
        (
            "official Python SDK V1 / Rust SDK V1",
            pyf("sdk_v1"),
            rust("sdk_v1"),
        ),
        (
            "official Python SDK V3 / Rust SDK V3",
            pyf("sdk_v3"),
            rust("sdk_v3"),
        ),
    ];
    for (label, a, b) in pairs {
        match (a, b) {
            (Some(a), Some(b)) => writeln!(w, "| {label} | {} |", ratio(a, b)).unwrap(),
            _ => writeln!(w, "| {label} | not measured | | |").unwrap(),
        }
    }
    for (v, floor) in [("V1", "floor_hmac_sha1"), ("V3", "floor_hmac_sha256")] {
        let sdk = format!("sdk_{}", v.to_lowercase());
        goals.ratio_at_most(
            &format!("request path {v} ÷ bare HMAC floor"),
            rust(&sdk),
            rust(floor),
            4.0,
        );
        goals.ratio_at_least(
            &format!("official Python SDK {v} ÷ Rust SDK {v}"),
            pyf(&sdk),
            rust(&sdk),
            40.0,
        );
    }
    if let Some(p) = &py {
        writeln!(
            w,
            "\nPython {}; official SDK packages: {}; {} calls per repeat, {} repeats.",
            p["python"].as_str().unwrap_or("?"),
            p["sdk"]
                .as_object()
                .map(|o| o
                    .iter()
                    .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default(),
            p["number"],
            p["repeat"]
        )
        .unwrap();
    }
    writeln!(
        w,
        "\nNot compared: `aliyun-openapi-core-rust-sdk` (crates.io). Its signing is \
         private to its send path (`RPClient` signs inside the request it sends over \
         reqwest 0.11), so it cannot be timed without a network round trip, and it \
         supports only V1."
    )
    .unwrap();

    // ---------------------------------------------------------------- 2
    writeln!(w, "\n## 2. Code generation\n").unwrap();
    writeln!(
        w,
        "`alb_codegen::generate_crate` (load + check + emit of every file, in memory, \
         nothing written), release build (`bench/src/bin/codegen_time.rs`). A \
         synthetic spec of N operations is the real spec's operations plus copies of \
         them under new names, each added to `known_operations`, in a temporary \
         directory. Time per run: median (min – max) over the repeats.\n"
    )
    .unwrap();
    match read_json(&results.join("codegen.json")) {
        Some(cg) => {
            writeln!(
                w,
                "| spec | operations | runs | time per run | per operation | files | generated |\n|---|---|---|---|---|---|---|"
            )
            .unwrap();
            for row in cg["codegen"].as_array().into_iter().flatten() {
                let ms: Vec<f64> = row["ms"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect();
                let s = stats(&ms);
                let ops = row["operations"].as_f64().unwrap();
                writeln!(
                    w,
                    "| {} | {} | {} | {:.1} ms ({:.1} – {:.1}) | {:.2} ms | {} | {:.0} KiB |",
                    row["name"].as_str().unwrap(),
                    ops,
                    row["repeats"],
                    s.median,
                    s.min,
                    s.max,
                    s.median / ops,
                    row["files"],
                    row["bytes"].as_f64().unwrap() / 1024.0
                )
                .unwrap();
            }
        }
        None => writeln!(w, "Not measured (see the step table).").unwrap(),
    }
    if let Some(cg) = read_json(&results.join("codegen.json")) {
        let rows: Vec<(f64, f64)> = cg["codegen"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| {
                let ms: Vec<f64> = r["ms"]
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_f64)
                    .collect();
                Some((r["operations"].as_f64()?, stats(&ms).median))
            })
            .collect();
        if let Some((ops, ms)) = rows.first() {
            goals.push(
                &format!("codegen of the real spec ({ops} operations) under 300 ms"),
                format!("{ms:.0} ms"),
                *ms < 300.0,
            );
        }
        if let (Some((a_ops, a)), Some((b_ops, b))) = (rows.get(1), rows.last()) {
            let grow = (b / b_ops) / (a / a_ops);
            goals.push(
                "codegen linear up to 1000 operations (time per operation at the largest ÷ at 250, at most 1.25)",
                format!("{:.2} ms/op at {b_ops} vs {:.2} at {a_ops}: {grow:.2}", b / b_ops, a / a_ops),
                grow <= 1.25,
            );
        }
    }

    // ---------------------------------------------------------------- 3
    writeln!(w, "\n## 3. End to end against the emulator\n").unwrap();
    match read_json(&results.join("e2e.json")) {
        Some(e) => {
            let e = &e["e2e"];
            writeln!(
                w,
                "`{}` on the emulator's default HTTPS listener, emulator in the same \
                 process on 127.0.0.1 (same 2 cores), {} alternating rounds per side \
                 (`bench/src/bin/e2e.rs`).\n\n\
                 * **SDK**: `client.get_listener_attribute().listener_id(..).send()`, \
                   V3, `RateLimitMode::Off`, `RetryPolicy::disabled()`: validation, \
                   signing with a fresh nonce, send, read, JSON decode, per call.\n\
                 * **raw reqwest (floor)**: the same requests signed *before* the clock \
                   starts, one distinct nonce each (the emulator refuses a replayed \
                   nonce), posted with a bare `reqwest::Client`, body read but not \
                   decoded. The floor is transport + emulator; the difference is the \
                   SDK's own per-call work.\n\n\
                 Figures: median over rounds (min – max).\n",
                e["operation"].as_str().unwrap_or("?"),
                e["rounds"]
            )
            .unwrap();
            writeln!(
                w,
                "| tasks | side | calls/round | calls/s | p50 | p99 | errors |\n|---|---|---|---|---|---|---|"
            )
            .unwrap();
            let mut ratios = Vec::new();
            for key in ["c1", "c64"] {
                let c = &e[key];
                if c.is_null() {
                    continue;
                }
                for side in ["sdk", "raw"] {
                    let s = &c[side];
                    let f = |k: &str, x: &str| s[k][x].as_f64().unwrap_or(f64::NAN);
                    writeln!(
                        w,
                        "| {} | {} | {} | {:.0} ({:.0} – {:.0}) | {} ({} – {}) | {} ({} – {}) | {} |",
                        c["concurrency"],
                        if side == "sdk" { "SDK" } else { "raw reqwest" },
                        c["calls_per_round"],
                        f("calls_per_s", "median"),
                        f("calls_per_s", "min"),
                        f("calls_per_s", "max"),
                        ns(f("p50_us", "median") * 1e3),
                        ns(f("p50_us", "min") * 1e3),
                        ns(f("p50_us", "max") * 1e3),
                        ns(f("p99_us", "median") * 1e3),
                        ns(f("p99_us", "min") * 1e3),
                        ns(f("p99_us", "max") * 1e3),
                        s["errors"]
                    )
                    .unwrap();
                }
                let fig = |side: &str, k: &str| {
                    let s = &c[side][k];
                    let (median, min, max) = (
                        s["median"].as_f64().unwrap_or(f64::NAN),
                        s["min"].as_f64().unwrap_or(f64::NAN),
                        s["max"].as_f64().unwrap_or(f64::NAN),
                    );
                    Fig {
                        median,
                        min,
                        max,
                        q1: min,
                        q3: max,
                        ci: None,
                    }
                };
                let minmax = |a: Fig, b: Fig| {
                    format!(
                        "**{:.2}×** | {:.2}× – {:.2}×",
                        a.median / b.median,
                        a.min / b.max,
                        a.max / b.min
                    )
                };
                let med = |side: &str, k: &str| c[side][k]["median"].as_f64();
                if let (Some(a), Some(b)) = (med("sdk", "calls_per_s"), med("raw", "calls_per_s")) {
                    goals.push(
                        &format!(
                            "end to end, {} task(s): SDK calls/s at least 0.9× raw",
                            c["concurrency"]
                        ),
                        format!("{:.2}×", a / b),
                        a / b >= 0.9,
                    );
                }
                for (what, k) in [("p50", "p50_us"), ("p99", "p99_us")] {
                    if let (Some(a), Some(b)) = (med("sdk", k), med("raw", k)) {
                        goals.push(
                            &format!(
                                "end to end, {} task(s): SDK {what} within 1.15× raw",
                                c["concurrency"]
                            ),
                            format!("{:.2}×", a / b),
                            a / b <= 1.15,
                        );
                    }
                }
                for (what, k) in [
                    ("calls/s", "calls_per_s"),
                    ("p50", "p50_us"),
                    ("p99", "p99_us"),
                ] {
                    ratios.push((
                        format!("{} task(s): SDK {what} ÷ raw {what}", c["concurrency"]),
                        minmax(fig("sdk", k), fig("raw", k)),
                    ));
                }
            }
            writeln!(
                w,
                "\nRatios of the medians, then the range the rounds' min – max allow.\n"
            )
            .unwrap();
            writeln!(w, "| ratio | median | range |\n|---|---|---|").unwrap();
            for (k, v) in ratios {
                writeln!(w, "| {k} | {v} |").unwrap();
            }
            let b = &e["breakdown"];
            if let (Some(decode), Some(build), Some(bytes)) = (
                b["decode_us"].as_f64(),
                b["raw_build_us"].as_f64(),
                b["body_bytes"].as_u64(),
            ) {
                writeln!(
                    w,
                    "\nPer-call work measured alone, in a loop, in the same run: decoding \
                     the typed response from the emulator's {bytes}-byte answer takes \
                     **{}**, which raw does not do; raw's own building of its request \
                     from the URL string and headers takes **{}** (the SDK's request \
                     path, section 1, replaces it).",
                    ns(decode * 1e3),
                    ns(build * 1e3)
                )
                .unwrap();
            }
        }
        None => writeln!(w, "Not measured (see the step table).").unwrap(),
    }

    // ---------------------------------------------------------------- 3b
    writeln!(w, "\n### Emulator memory over a long run\n").unwrap();
    writeln!(
        w,
        "Resident set size of one process running the emulator and an SDK client \
         (`bench/src/bin/emulator_rss.rs`): cycles of CreateHealthCheckTemplate, \
         DeleteHealthCheckTemplates and UpdateListenerAttribute (an asynchronous job), \
         each call with a fresh nonce and client token. What the emulator remembers per \
         request is bounded: nonces (31 minutes, at most the capacity below), client \
         tokens (24 hours, at most 100,000), finished jobs (10,000), the request log \
         (10,000).\n"
    )
    .unwrap();
    match read_json(&results.join("emulator_rss.json")) {
        Some(d) => {
            writeln!(w, "| calls | elapsed | RSS |\n|---|---|---|").unwrap();
            for r in d["emulator_rss"].as_array().into_iter().flatten() {
                writeln!(
                    w,
                    "| {} | {:.1} s | {:.1} MiB |",
                    r["calls"],
                    r["secs"].as_f64().unwrap_or(0.0),
                    r["rss_kib"].as_f64().unwrap_or(0.0) / 1024.0
                )
                .unwrap();
            }
            writeln!(
                w,
                "\nErrors: {}; nonce capacity {}.",
                d["errors"], d["nonce_capacity"]
            )
            .unwrap();
        }
        None => writeln!(w, "Not measured (see the step table).").unwrap(),
    }

    // ---------------------------------------------------------------- 4
    writeln!(w, "\n## 4. Compile time\n").unwrap();
    let alb = read_time(&results.join("alb-tiny-release.time"));
    let aws = read_time(&results.join("aws-tiny-release.time"));
    if alb.is_none() && aws.is_none() {
        writeln!(w, "Not measured (see the step table).").unwrap();
    } else {
        writeln!(
            w,
            "Clean `cargo build --release --timings` (fresh target directory, \
             dependencies fetched beforehand, `nice -n 19` on the shared machine) of a \
             tiny program that builds a client and one certificate request: \
             `bench/compile/alb-tiny` (alb-sdk) and `bench/compile/aws-tiny` \
             (aws-config + aws-sdk-elasticloadbalancingv2, default features). Then \
             alb-sdk alone: `cargo clean -p alb-sdk` and `cargo build -p alb-sdk \
             --timings` (release, dev) or `cargo check -p alb-sdk --timings` with its \
             dependencies fresh, in alb-tiny (a user's default profiles: full debug \
             info in dev). alb-sdk is a path dependency there, which cargo compiles \
             incrementally in dev; a crates.io dependency is compiled without \
             (`CARGO_INCREMENTAL=0`), which is what users of the published crate get: \
             both are measured. One build each (no spread: a clean \
             build takes minutes here); CPU is user + system time of the whole build, \
             less sensitive to other load than wall time; the 1-minute load average \
             before → after shows how busy the machine was.\n"
        )
        .unwrap();
        writeln!(
            w,
            "| build | wall | CPU | load | units built | notes |\n|---|---|---|---|---|---|"
        )
        .unwrap();
        let secs = |d: Option<f64>| d.map(|d| format!("{d:.1} s")).unwrap_or("?".into());
        if let Some(t) = &alb {
            let units = unit_durations(&results.join("alb-tiny-release.timings.html"));
            writeln!(
                w,
                "| alb-tiny, clean, release | {} | {} | {} | {} | alb-sdk unit {}, alb-runtime unit {} |",
                secs(Some(t.wall)),
                secs(t.cpu),
                t.load,
                units.len(),
                secs(unit(&units, "alb-sdk")),
                secs(unit(&units, "alb-runtime")),
            )
            .unwrap();
        }
        if let Some(t) = &aws {
            let units = unit_durations(&results.join("aws-tiny-release.timings.html"));
            writeln!(
                w,
                "| aws-tiny, clean, release | {} | {} | {} | {} | aws-sdk-elasticloadbalancingv2 unit {}, aws-config unit {} |",
                secs(Some(t.wall)),
                secs(t.cpu),
                t.load,
                units.len(),
                secs(unit(&units, "aws-sdk-elasticloadbalancingv2")),
                secs(unit(&units, "aws-config")),
            )
            .unwrap();
        }
        let ops = read_json(&results.join("codegen.json"))
            .and_then(|c| c["codegen"][0]["operations"].as_f64());
        for profile in ["release", "dev", "dev-registry", "check", "check-registry"] {
            let units = unit_durations(&results.join(format!("alb-sdk-{profile}.timings.html")));
            let t = read_time(&results.join(format!("alb-sdk-{profile}.time")));
            if let (Some(d), Some(t)) = (unit(&units, "alb-sdk"), t) {
                let what = match profile {
                    "check" => "`cargo check`, path dependency (incremental)".to_string(),
                    "check-registry" => {
                        "`cargo check`, as a crates.io dependency (no incremental)".to_string()
                    }
                    "dev" => "dev build, path dependency (incremental)".to_string(),
                    "dev-registry" => {
                        "dev build, as a crates.io dependency (no incremental)".to_string()
                    }
                    _ => format!("{profile} build"),
                };
                writeln!(
                    w,
                    "| alb-sdk alone, {what} | {} | {} | {} | {} | alb-sdk unit {d:.2} s{} |",
                    secs(Some(t.wall)),
                    secs(t.cpu),
                    t.load,
                    units.len(),
                    ops.map(|n| format!(
                        "; per operation ({n} operations): {:.2} s wall, **{} CPU**",
                        d / n,
                        t.cpu
                            .map(|c| format!("{:.2} s", c / n))
                            .unwrap_or("?".into())
                    ))
                    .unwrap_or_default()
                )
                .unwrap();
            }
        }
        if let (Some(a), Some(b)) = (&alb, &aws) {
            write!(
                w,
                "\nClean release build, aws-tiny ÷ alb-tiny: wall **{:.1}×**",
                b.wall / a.wall
            )
            .unwrap();
            if let (Some(x), Some(y)) = (a.cpu, b.cpu) {
                write!(w, ", CPU **{:.1}×**", y / x).unwrap();
            }
            writeln!(w, ".").unwrap();
        }
        for (profile, what, limit) in [
            (
                "check-registry",
                "`cargo check -p alb-sdk`, as a crates.io dependency,",
                5.0,
            ),
            (
                "check",
                "`cargo check -p alb-sdk`, as a path dependency (incremental),",
                5.0,
            ),
            (
                "dev-registry",
                "dev build of alb-sdk, as a crates.io dependency,",
                6.0,
            ),
            (
                "dev",
                "dev build of alb-sdk, as a path dependency (incremental),",
                6.0,
            ),
        ] {
            if let Some(t) = read_time(&results.join(format!("alb-sdk-{profile}.time"))) {
                goals.push(
                    &format!("{what} after `cargo clean -p alb-sdk` at most {limit:.0} s"),
                    format!("{:.1} s (load {})", t.wall, t.load),
                    t.wall <= limit,
                );
            }
        }
        if let (Some(a), Some(b)) = (&alb, &aws) {
            goals.push(
                "clean release build of the one-call program at least 4× faster than aws-tiny (wall)",
                format!("{:.1}×", b.wall / a.wall),
                b.wall / a.wall >= 4.0,
            );
            if let (Some(x), Some(y)) = (a.cpu, b.cpu) {
                goals.push("… and in CPU time", format!("{:.1}×", y / x), y / x >= 4.0);
            }
        }
        let alb_units = unit_durations(&results.join("alb-tiny-release.timings.html"));
        let aws_units = unit_durations(&results.join("aws-tiny-release.timings.html"));
        if let (Some(a), Some(b)) = (
            unit(&alb_units, "alb-sdk"),
            unit(&aws_units, "aws-sdk-elasticloadbalancingv2"),
        ) {
            writeln!(
                w,
                "\nIn those clean builds, the alb-sdk unit is **1/{:.1}** of the aws-sdk-elasticloadbalancingv2 unit ({a:.1} s vs {b:.1} s).",
                b / a
            )
            .unwrap();
            goals.push(
                "alb-sdk release unit at most 1/6 of the aws-sdk-elasticloadbalancingv2 unit",
                format!("1/{:.1} ({a:.1} s vs {b:.1} s)", b / a),
                b / a >= 6.0,
            );
        }
        let sizes: Vec<(&str, Option<BinarySize>)> = ["alb-tiny", "aws-tiny"]
            .into_iter()
            .map(|n| (n, read_size(&results.join(format!("{n}-release.size")))))
            .collect();
        if sizes.iter().any(|(_, s)| s.is_some()) {
            writeln!(
                w,
                "\n| one-call program, release | binary | stripped |\n|---|---|---|"
            )
            .unwrap();
            for (n, s) in &sizes {
                let mib = |b: u64| format!("{:.1} MiB", b as f64 / 1048576.0);
                match s {
                    Some((b, st)) => writeln!(
                        w,
                        "| {n} | {} | {} |",
                        mib(*b),
                        st.map(mib).unwrap_or("?".into())
                    )
                    .unwrap(),
                    None => writeln!(w, "| {n} | not measured | |").unwrap(),
                }
            }
        }
    }
    let o = o.replace(GOALS_MARK, &goals.table());
    std::fs::write(&out_path, o).expect("write the report");
}
