//! Project automation: `cargo xtask codegen [--check]`, `cargo xtask bench`.

mod bench;
mod check;
mod codegen;
mod import;

use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask codegen [--check] | import ... | bench [--quick] [--skip-compile] [--aws]

  codegen          generate every crate from its spec (generated/, tests/fixture-sdk/)
  codegen --check  write nothing; fail naming every stale, missing or extra file
  bench            run the benchmarks in bench/ and write BENCHMARKS.md
  ";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen::run(false),
        ["codegen", "--check"] => codegen::run(true),
        ["bench", rest @ ..] => bench::run(rest),
        ["import", rest @ ..] => import::run(rest),
        ["check", rest @ ..] => check::run(rest),
        _ => {
            eprintln!("{USAGE}{}\n  {}", import::USAGE, check::USAGE);
            ExitCode::from(2)
        }
    }
}
