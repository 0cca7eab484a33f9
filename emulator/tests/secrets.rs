//! No secret or token in anything the emulator logs, at any level, nor in
//! the client's errors, when calls carry STS tokens (V1: in the query; V3:
//! in a signed header) and signatures fail to match.

mod common;

use alb_sdk::prelude::*;
use std::io::Write;
use std::sync::{Arc, Mutex};

use alb_runtime::signing::SignatureVersion;
use alb_runtime::Credentials;
use common::*;

const TOKEN: &str = "STS.tok-dontleak-9c1f/+=";
const MARK: &str = "dontleak";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    let encoded = alb_runtime::signing::percent_encode(TOKEN);
    for needle in [MARK, TOKEN, encoded.as_str()] {
        assert!(!text.contains(needle), "{what} shows the token: {text}");
    }
}

#[tokio::test]
async fn logs_and_errors_carry_no_token() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let emu = start().await;
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let good = emu.credentials().with_security_token(TOKEN);
        let client = client_with(&emu, version, good);
        client
            .get_listener_attribute()
            .listener_id(HTTPS)
            .send()
            .await
            .unwrap();
        let wrong =
            Credentials::new(emu.access_key_id(), "not-the-secret").with_security_token(TOKEN);
        let err = client_with(&emu, version, wrong)
            .get_listener_attribute()
            .listener_id(HTTPS)
            .send()
            .await
            .unwrap_err();
        assert_eq!(service_code(&err).0, "SignatureDoesNotMatch");
        let meta = err.service_error().unwrap().metadata();
        // The message still shows the server's string to sign.
        assert!(
            meta.message.contains("server string to sign is:"),
            "{meta:?}"
        );
        assert_clean("the error", &format!("{err} {err:?} {meta:?}"));
    }
    emu.shutdown().await;
    let logs = String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned();
    assert!(logs.contains("V3 signature mismatch"), "{logs}");
    assert!(logs.contains("GetListenerAttribute"), "{logs}");
    assert_clean("the emulator's logs", &logs);
}
