//! The generated client's User-Agent names the generated crate's version
//! (and the runtime's), as the official SDKs name theirs: checked on the
//! request a real client sends to a one-shot local server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Answers one request with an empty JSON object; returns its head.
fn one_request_server() -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            head.push(line.trim_end().to_string());
        }
        let body = r#"{"RequestId":"r-1"}"#;
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        head
    });
    (url, handle)
}

#[tokio::test]
async fn the_user_agent_names_the_sdk_and_the_runtime() {
    let (url, server) = one_request_server();
    let config = alb_runtime::Config::builder()
        .endpoint_url(url)
        .credentials(alb_runtime::Credentials::new("ak", "secret"))
        .retry(alb_runtime::RetryPolicy::disabled())
        .user_agent_suffix("app/1")
        .build();
    let client = alb_sdk::Client::new(config).unwrap();
    client
        .list_listeners()
        .send()
        .await
        .expect("the server answers");
    let head = server.join().unwrap();
    let ua = head
        .iter()
        .find_map(|l| l.strip_prefix("user-agent: "))
        .expect("a user-agent header");
    // alb-sdk's own version (its Cargo.toml). That `Core::for_sdk` puts
    // the version it is given there, not the runtime's, is tested with a
    // distinct version in runtime/tests/client_http.rs.
    let sdk = alb_sdk::Client::SDK_VERSION;
    assert_eq!(
        ua,
        alb_runtime::client::user_agent_for(sdk, Some("app/1")),
        "{head:?}"
    );
    assert!(ua.starts_with(&format!("alb-sdk-rust/{sdk} (")), "{ua}");
    assert!(ua.ends_with(" app/1"), "{ua}");
}
