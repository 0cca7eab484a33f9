//! Codegen stays bounded on a large spec: one operation with 10,000
//! parameters generates with a peak memory growth well under what the old
//! emitter needed (about 40 KB a parameter). Alone in its test binary, so
//! that the process's peak memory is this test's.

use alb_tests::temp_dir;

const PARAMS: usize = 10_000;
/// Kilobytes of peak memory growth allowed per parameter.
const MAX_KB_PER_PARAM: u64 = 24;

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[test]
fn ten_thousand_parameters_in_bounded_memory() {
    let dir = temp_dir("large-spec");
    std::fs::create_dir_all(dir.join("operations")).unwrap();
    std::fs::write(
        dir.join("service.yaml"),
        "product: alb\nname: Large\napi_version: \"1\"\nprotocol: rpc\nhttp_method: POST\nendpoints: {public: \"a.{region}\", vpc: \"b.{region}\"}\nsignature: {default: v3, supported: [v3]}\nram: {service: alb, placeholders: {}}\nknown_operations: [Big]\n",
    )
    .unwrap();
    std::fs::write(dir.join("errors.yaml"), "errors: []\n").unwrap();
    let mut op = String::from(
        "name: Big\ntitle: t\ndescription: d\nram: {action: 'alb:Big', access_level: Read}\nresponse: {fields: [{name: RequestId, type: string}]}\nparameters:\n",
    );
    for i in 0..PARAMS {
        op.push_str(&format!(
            "  - {{ name: P{i}, type: string, max_length: 10, description: Parameter number {i} of many. }}\n"
        ));
    }
    std::fs::write(dir.join("operations/Big.yaml"), op).unwrap();

    let before = peak_rss_kb();
    let files = alb_codegen::generate_crate(&dir, &alb_tests::fixture_opts())
        .unwrap_or_else(|e| panic!("{e}"));
    let big = files
        .iter()
        .find(|f| f.path.ends_with("big.rs"))
        .expect("the operation's file");
    assert!(big.contents.contains("pub p9999: Option<String>"));
    if let (Some(before), Some(after)) = (before, peak_rss_kb()) {
        let per_param = after.saturating_sub(before) / PARAMS as u64;
        eprintln!(
            "peak memory growth: {} MB, {per_param} KB a parameter",
            (after - before) / 1024
        );
        assert!(
            per_param <= MAX_KB_PER_PARAM,
            "{per_param} KB a parameter (at most {MAX_KB_PER_PARAM})"
        );
    }
}
