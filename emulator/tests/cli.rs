//! The `alb-emulator` binary: one line on stdout, a state file, faults from
//! the command line, bad arguments.

use alb_sdk::prelude::*;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use alb_emulator::StateFile;
use alb_runtime::{Credentials, RetryPolicy, SdkError};

const BIN: &str = env!("CARGO_BIN_EXE_alb-emulator");

struct Running {
    child: Child,
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .strip_prefix("ALB emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .trim_end()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with(":0"));
    Running { child, url }
}

fn client(url: &str) -> alb_sdk::Client {
    alb_sdk::Client::new(
        alb_sdk::Config::builder()
            .endpoint_url(url)
            .region("cn-hangzhou")
            .credentials(Credentials::new(
                alb_emulator::DEFAULT_ACCESS_KEY_ID,
                alb_emulator::DEFAULT_ACCESS_KEY_SECRET,
            ))
            .retry(RetryPolicy::disabled())
            .build(),
    )
    .unwrap()
}

#[tokio::test]
async fn prints_one_line_and_serves() {
    let mut run = spawn(&["--job-delay-ms", "50"]);
    let out = client(&run.url)
        .list_listeners()
        .send()
        .await
        .expect("serves");
    assert_eq!(out.total_count, Some(2));
    let _ = run.child.kill();
    let _ = run.child.wait();
    let mut rest = String::new();
    run.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut rest)
        .unwrap();
    assert_eq!(rest, "", "nothing after the first line on stdout");
}

#[tokio::test]
async fn loads_a_state_file_and_cli_faults() {
    let dir = std::env::temp_dir().join(format!("alb-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    std::fs::write(
        &path,
        r#"{
          "load_balancers": [{"load_balancer_id": "alb-file"}],
          "listeners": [{"listener_id": "lsn-file", "load_balancer_id": "alb-file",
                         "listener_protocol": "HTTPS", "listener_port": 443,
                         "default_certificate_id": "cert-a"}],
          "certificates": [{"certificate_id": "cert-a"}, {"certificate_id": "cert-b"}]
        }"#,
    )
    .unwrap();
    let run = spawn(&[
        "--state",
        path.to_str().unwrap(),
        "--fault",
        "ListListeners:call=1:503",
    ]);
    let c = client(&run.url);
    let err = c.list_listeners().send().await.unwrap_err();
    assert_eq!(
        err.service_error()
            .map(|e| (e.code().to_string(), e.http_status())),
        Some(("ServiceUnavailable".to_string(), 503))
    );
    let out = c.list_listeners().send().await.unwrap();
    let ids: Vec<_> = out
        .listeners
        .iter()
        .map(|l| l.listener_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["lsn-file"]);
    let err = c
        .get_listener_attribute()
        .listener_id(alb_emulator::DEFAULT_HTTPS_LISTENER_ID)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Service(_)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prints_the_default_state_and_refuses_bad_arguments() {
    let out = Command::new(BIN)
        .arg("--print-default-state")
        .output()
        .unwrap();
    assert!(out.status.success());
    let state = StateFile::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(state, StateFile::default());

    for args in [
        &["--listen", "not-an-address"][..],
        &["--fault", "nonsense"],
        &["--what"],
        &["--state", "/nonexistent/state.json"],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--job-delay-ms"));
}
