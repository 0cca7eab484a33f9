//! `alb-emulator`: runs the local ALB emulator until interrupted.
//!
//! Prints exactly one line on stdout,
//! `ALB emulator listening on http://127.0.0.1:PORT`; everything else
//! (the default IDs and keys, one log line per request) goes to stderr.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alb_emulator::{Emulator, FaultRule, StateFile};

const USAGE: &str = "\
Usage: alb-emulator [OPTIONS]

Runs a local Alibaba Cloud ALB (API 2020-06-16) emulator.

Options:
  --listen ADDR            Address to listen on [default: 127.0.0.1:0]
  --state FILE             Initial state (JSON; see --print-default-state)
  --job-delay-ms N         How long asynchronous jobs take [default: 2000]
  --fault SPEC             Inject a fault, ACTION:WHEN:KIND[:key=value...]
                           (repeatable), e.g.
                           AssociateAdditionalCertificatesWithListener:call=1:throttling:retry_after_ms=200
                           WHEN: call=N[,N...] | p=P | always
                           KIND: throttling | 503 | 500 | slow | drop | html502 | job_fails
                           options: retry_after_ms=N, ms=N, code=C, message=M,
                           phase=before|after, max=N
  --fault-seed N           Seed for probability faults [default: 0]
  --log LEVEL              error | warn | info | debug | trace [default: info]
                           (or ALB_EMULATOR_LOG)
  --print-default-state    Print the default state file and exit
  -h, --help               Print this help
  -V, --version            Print the version
";

struct Args {
    listen: SocketAddr,
    state: Option<PathBuf>,
    job_delay_ms: Option<u64>,
    faults: Vec<FaultRule>,
    fault_seed: Option<u64>,
    log: String,
}

enum Command {
    Run(Args),
    Print(String),
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        state: None,
        job_delay_ms: None,
        faults: Vec::new(),
        fault_seed: None,
        log: std::env::var("ALB_EMULATOR_LOG").unwrap_or_else(|_| "info".into()),
    };
    while let Some(arg) = argv.next() {
        // Both `--key value` and `--key=value`.
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| argv.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match key.as_str() {
            "-h" | "--help" => return Ok(Command::Print(USAGE.into())),
            "-V" | "--version" => {
                return Ok(Command::Print(format!(
                    "alb-emulator {}\n",
                    env!("CARGO_PKG_VERSION")
                )))
            }
            "--print-default-state" => {
                return Ok(Command::Print(StateFile::default().to_json() + "\n"))
            }
            "--listen" => {
                let v = value("--listen")?;
                args.listen = v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address like 127.0.0.1:8080")
                })?;
            }
            "--state" => args.state = Some(PathBuf::from(value("--state")?)),
            "--job-delay-ms" => {
                let v = value("--job-delay-ms")?;
                args.job_delay_ms = Some(
                    v.parse()
                        .map_err(|_| format!("--job-delay-ms: `{v}` is not a number"))?,
                );
            }
            "--fault" => args.faults.push(FaultRule::parse_spec(&value("--fault")?)?),
            "--fault-seed" => {
                let v = value("--fault-seed")?;
                args.fault_seed = Some(
                    v.parse()
                        .map_err(|_| format!("--fault-seed: `{v}` is not a number"))?,
                );
            }
            "--log" => args.log = value("--log")?,
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Command::Run(args))
}

fn log_level(name: &str) -> Result<tracing::Level, String> {
    name.parse()
        .map_err(|_| format!("--log: `{name}` is not one of error, warn, info, debug, trace"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Print(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(args)) => args,
        Err(e) => {
            eprintln!("alb-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("alb-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let level = log_level(&args.log)?;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_ansi(false)
        .init();

    let mut state = match &args.state {
        Some(path) => StateFile::load(path)?,
        None => StateFile::default(),
    };
    if let Some(seed) = args.fault_seed {
        state.faults.seed = seed;
    }
    state.faults.rules.extend(args.faults);
    let mut builder = Emulator::builder().listen(args.listen).state(state.clone());
    if let Some(ms) = args.job_delay_ms {
        builder = builder.job_delay(Duration::from_millis(ms));
    }
    let emulator = builder.start().await.map_err(|e| e.to_string())?;

    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ALB emulator listening on {}", emulator.base_url());
        let _ = out.flush();
    }
    describe(&state);

    wait_for_signal().await;
    eprintln!("alb-emulator: shutting down");
    emulator.shutdown().await;
    Ok(())
}

/// The IDs and keys to use, on stderr.
fn describe(state: &StateFile) {
    eprintln!("region: {}", state.region);
    for k in &state.access_keys {
        eprintln!(
            "access key: {} / secret: {}",
            k.access_key_id, k.access_key_secret
        );
    }
    for lb in &state.load_balancers {
        eprintln!(
            "load balancer: {} (certificate quota {})",
            lb.load_balancer_id, lb.certificate_quota
        );
    }
    for l in &state.listeners {
        eprintln!(
            "listener: {} {}:{} {}{}",
            l.listener_id,
            l.listener_protocol,
            l.listener_port,
            l.listener_status,
            l.default_certificate_id
                .as_deref()
                .map(|c| format!(" (default certificate {c})"))
                .unwrap_or_default()
        );
    }
    let ids: Vec<&str> = state
        .certificates
        .iter()
        .map(|c| c.certificate_id.as_str())
        .collect();
    match ids.as_slice() {
        [] => eprintln!("certificates: none"),
        [one] => eprintln!("certificates: {one}"),
        [first, .., last] => eprintln!("certificates: {} ({first} ... {last})", ids.len()),
    }
    for rule in &state.faults.rules {
        eprintln!("fault: {rule:?}");
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let Ok(Command::Run(a)) = parse(&[
            "--listen",
            "127.0.0.1:9000",
            "--job-delay-ms=50",
            "--fault",
            "StopListener:call=1:503",
            "--fault-seed",
            "3",
            "--state",
            "s.json",
        ]) else {
            panic!("expected Run");
        };
        assert_eq!(a.listen.port(), 9000);
        assert_eq!(a.job_delay_ms, Some(50));
        assert_eq!(a.faults.len(), 1);
        assert_eq!(a.fault_seed, Some(3));
        assert_eq!(a.state, Some(PathBuf::from("s.json")));
        assert!(matches!(parse(&["--help"]), Ok(Command::Print(_))));
        for bad in [
            &["--listen"][..],
            &["--listen", "nope"],
            &["--job-delay-ms", "x"],
            &["--fault", "bad"],
            &["--frobnicate"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(log_level("debug").is_ok());
        assert!(log_level("loud").is_err());
    }
}
