//! Bad input never crashes the emulator: every answer is a JSON error with
//! a RequestId, and the server keeps serving.

mod common;

use alb_runtime::signing::SignatureVersion;
use common::*;

async fn still_serving(emu: &alb_emulator::RunningEmulator) {
    let out = client(emu, SignatureVersion::V3)
        .get_listener_attribute()
        .listener_id(HTTPS)
        .send()
        .await
        .expect("still serving");
    assert_eq!(out.listener_id.as_deref(), Some(HTTPS));
}

#[tokio::test]
async fn garbage_requests_get_json_errors() {
    let emu = start().await;
    let http = reqwest::Client::new();
    let base = emu.base_url();

    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (
            http.post(format!("{base}/?%%%&&==&a=%zz&%FF%FE=%C3")),
            400,
            "MissingParameter",
        ),
        (http.get(format!("{base}/")), 400, "MissingParameter"),
        (
            http.post(format!("{base}/?Action=")),
            400,
            "MissingParameter",
        ),
        // Unknown actions are refused before authentication.
        (
            http.post(format!("{base}/?Action=DescribeNothing")),
            404,
            "InvalidAction.NotFound",
        ),
        (
            http.post(format!("{base}/?Action=%00%01")),
            404,
            "InvalidAction.NotFound",
        ),
        (
            http.post(format!("{base}/?Action=ListListeners")),
            400,
            "MissingParameter",
        ),
        (
            http.post(format!("{base}/?Action=ListListeners&Version=2014-05-26")),
            400,
            "InvalidVersion",
        ),
        (
            http.put(format!("{base}/?Action=ListListeners")),
            405,
            "UnsupportedHTTPMethod",
        ),
        (
            http.post(format!("{base}/some/path")),
            404,
            "InvalidAction.NotFound",
        ),
        (
            http.post(format!("{base}/"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(vec![b'x'; 2 * 1024 * 1024]),
            413,
            "RequestEntityTooLarge",
        ),
        (
            http.post(format!("{base}/"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(&b"Action=\xff\xfe&Version=%E4%B8"[..]),
            404,
            "InvalidAction.NotFound",
        ),
        (
            http.post(format!("{base}/?Action=ListListeners&Version=2020-06-16"))
                .header("authorization", "garbage"),
            400,
            "IncompleteSignature",
        ),
        (
            http.post(format!(
                "{base}/?Action=ListListeners&Version=2020-06-16&Signature=x&AccessKeyId=y"
            )),
            400,
            "MissingParameter",
        ),
    ];
    for (req, status, want) in cases {
        let (got_status, body) = send_raw(req).await;
        assert_error(got_status, &body, status, want);
    }
    still_serving(&emu).await;
    emu.shutdown().await;
}

/// Action, parameters, expected HTTP status and code.
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    u16,
    &'static str,
);

#[tokio::test]
async fn wrong_types_gaps_and_huge_values_are_invalid_parameters() {
    let emu = start().await;
    let cases: Vec<Case> = vec![
        (
            "ListListeners",
            vec![("MaxResults", "abc")],
            400,
            "InvalidParameter",
        ),
        (
            "ListListeners",
            vec![("MaxResults", "0")],
            400,
            "InvalidParameter",
        ),
        (
            "ListListeners",
            vec![("MaxResults", "99999999999999999999")],
            400,
            "InvalidParameter",
        ),
        (
            "ListListeners",
            vec![("ListenerProtocol", "FTP")],
            400,
            "InvalidParameter",
        ),
        (
            ASSOCIATE,
            vec![
                ("ListenerId", HTTPS),
                ("Certificates.1.CertificateId", "cert-0001"),
                ("DryRun", "maybe"),
            ],
            400,
            "InvalidParameter",
        ),
        (
            ASSOCIATE,
            vec![
                ("ListenerId", HTTPS),
                ("Certificates.1.CertificateId", "cert-0001"),
                ("Certificates.3.CertificateId", "cert-0002"),
            ],
            400,
            "InvalidParameter",
        ),
        (
            ASSOCIATE,
            vec![("ListenerId", HTTPS)],
            400,
            "MissingParameter",
        ),
        ("GetListenerAttribute", vec![], 400, "MissingParameter"),
        // The spec's range (1 to 3600 s) on the server side.
        (
            "CreateListener",
            vec![
                ("LoadBalancerId", LB),
                ("ListenerProtocol", "HTTP"),
                ("ListenerPort", "8088"),
                ("DefaultActions.1.Type", "ForwardGroup"),
                (
                    "DefaultActions.1.ForwardGroupConfig.ServerGroupTuples.1.ServerGroupId",
                    "sgp-1",
                ),
                ("RequestTimeout", "3601"),
            ],
            400,
            "InvalidParameter",
        ),
        (
            ASSOCIATE,
            vec![
                ("ListenerId", HTTPS),
                ("Certificates.1.CertificateId", "cert-0001"),
                ("ClientToken", "トークン"),
            ],
            400,
            "InvalidParameter",
        ),
    ];
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        for (action, params, status, want) in &cases {
            let mut raw = Raw::new(&emu, version, action);
            for (k, v) in params {
                raw = raw.param(k, v);
            }
            let (got_status, body) = send_signed(&emu, &raw.sign()).await;
            assert_error(got_status, &body, *status, want);
        }
        // The Python SDK's booleans are accepted.
        let (s, body) = send_signed(
            &emu,
            &Raw::new(&emu, version, ASSOCIATE)
                .param("ListenerId", HTTPS)
                .param("Certificates.1.CertificateId", "cert-0001")
                .param("DryRun", "True")
                .sign(),
        )
        .await;
        assert_error(s, &body, 400, "DryRunOperation");
    }

    // A huge value is just a value: here an unknown listener (in the query
    // string, and in a form body).
    let huge = "x".repeat(50_000);
    let (status, body) = send_signed(
        &emu,
        &Raw::new(&emu, SignatureVersion::V3, "GetListenerAttribute")
            .param("ListenerId", &huge)
            .sign(),
    )
    .await;
    assert_eq!((status, code(&body)), (404, "ResourceNotFound.Listener"));
    let huger = "y".repeat(600_000);
    let signed = Raw::new(&emu, SignatureVersion::V1, "GetListenerAttribute")
        .param("ListenerId", &huger)
        .sign();
    let (status, body) = send_raw(
        reqwest::Client::new()
            .post(format!("{}/", emu.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(signed.query_string.clone()),
    )
    .await;
    assert_eq!((status, code(&body)), (404, "ResourceNotFound.Listener"));
    // Thousands of parameters too.
    let mut raw = Raw::new(&emu, SignatureVersion::V1, "ListListeners");
    let keys: Vec<String> = (0..3000).map(|i| format!("Unknown{i}")).collect();
    for k in &keys {
        raw = raw.param(k, "v");
    }
    let (status, body) = send_signed(&emu, &raw.sign()).await;
    assert_eq!(status, 200, "{body}");
    still_serving(&emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn the_state_endpoint_shows_the_world() {
    let emu = start().await;
    let (status, body) =
        send_raw(reqwest::Client::new().get(format!("{}/_emulator/state", emu.base_url()))).await;
    assert_eq!(status, 200);
    let state: alb_emulator::StateFile = serde_json::from_value(body).unwrap();
    // Every record, by resource type; a state file that starts another
    // emulator with the same world.
    assert_eq!(state.resources["Listener"].len(), 2);
    assert_eq!(state.resources["LoadBalancer"].len(), 1);
    let again = alb_emulator::Emulator::builder()
        .state(state.clone())
        .start()
        .await
        .unwrap();
    assert_eq!(again.snapshot().resources, state.resources);
    again.shutdown().await;
    emu.shutdown().await;
}

/// Writes `request` on a fresh connection and reads the whole answer.
async fn raw_exchange(emu: &alb_emulator::RunningEmulator, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    // A peer that refuses mid-write is an answer too: read what came back.
    let _ = s.write_all(request).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

fn json_of(answer: &str) -> serde_json::Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not a JSON answer: {answer}"))
}

#[tokio::test]
async fn requests_hyper_refuses_still_get_json_errors() {
    let emu = start().await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("400", b"GARBAGE\r\n\r\n".to_vec()),
        (
            "400",
            b"POST / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n".to_vec(),
        ),
        (
            "431",
            format!(
                "POST / HTTP/1.1\r\nHost: x\r\nx-big: {}\r\n\r\n",
                "a".repeat(600_000)
            )
            .into_bytes(),
        ),
    ];
    for (status, request) in cases {
        let answer = raw_exchange(&emu, &request).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer:.200}"
        );
        let body = json_of(&answer);
        assert_eq!(body["Code"], "InvalidParameter", "{body}");
        for key in ["RequestId", "HostId", "Message", "Recommend"] {
            assert!(body[key].is_string(), "{key} missing in {body}");
        }
    }
    still_serving(&emu).await;
    emu.shutdown().await;
}

#[tokio::test]
async fn a_body_declared_and_never_sent_times_out() {
    let emu = builder()
        .body_timeout(std::time::Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let answer = raw_exchange(
        &emu,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=",
    )
    .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(json_of(&answer)["Code"], "RequestTimeout");
    still_serving(&emu).await;
    emu.shutdown().await;
}

/// `k=v&...`, percent-encoded, with `+` for spaces when `plus`.
fn form_encode(pairs: &[(String, String)], plus: bool) -> String {
    use alb_runtime::signing::percent_encode;
    pairs
        .iter()
        .map(|(k, v)| {
            let v = percent_encode(v);
            let v = if plus { v.replace("%20", "+") } else { v };
            format!("{}={v}", percent_encode(k))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn every_request_form_of_alibabas_clients_is_accepted() {
    let emu = start().await;
    let base = emu.base_url();
    let http = reqwest::Client::new();
    // A V1 call signed over all its parameters, sent in several shapes.
    let signed = |extra: &[(&str, &str)]| {
        let mut raw = Raw::new(&emu, SignatureVersion::V1, "ListListeners")
            .param("ListenerIds.1", HTTPS)
            .param("ListenerIds.2", HTTP)
            .param("Tag.1.Key", "no such key")
            .param("RegionId", "cn-hangzhou")
            .param("SignatureType", "");
        for (k, v) in extra {
            raw = raw.param(k, v);
        }
        raw.sign().query
    };
    let listed = |body: &serde_json::Value| body["TotalCount"].as_i64();

    // Everything in the query, spaces as `+`, Format=JSON (GET is covered
    // in auth.rs).
    let q = form_encode(&signed(&[("Format", "JSON")]), true);
    let (status, body) = send_raw(http.post(format!("{base}/?{q}"))).await;
    assert_eq!((status, listed(&body)), (200, Some(0)), "{body}");

    // POST, the same list split between the query and a form body,
    // Format=json in lower case.
    let pairs = signed(&[("Format", "json")]);
    let (query, form): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(k, _)| k != "ListenerIds.2" && k != "Tag.1.Key");
    let (status, body) = send_raw(
        http.post(format!("{base}/?{}", form_encode(&query, false)))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(form_encode(&form, true)),
    )
    .await;
    assert_eq!((status, listed(&body)), (200, Some(0)), "{body}");

    // A chunked form body (no Content-Length).
    let form = form_encode(&signed(&[]), true);
    let (half_a, half_b) = form.split_at(form.len() / 2);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{half_a}\r\n{:x}\r\n{half_b}\r\n0\r\n\r\n",
        half_a.len(),
        half_b.len()
    );
    let answer = raw_exchange(&emu, request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(listed(&json_of(&answer)), Some(0), "{answer}");

    // Without the tag filter both listeners come back: the list split
    // between query and body was read whole.
    let pairs: Vec<_> = Raw::new(&emu, SignatureVersion::V1, "ListListeners")
        .param("ListenerIds.1", HTTPS)
        .param("ListenerIds.2", HTTP)
        .sign()
        .query;
    let (query, form): (Vec<_>, Vec<_>) =
        pairs.into_iter().partition(|(k, _)| k != "ListenerIds.2");
    let (status, body) = send_raw(
        http.post(format!("{base}/?{}", form_encode(&query, false)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_encode(&form, false)),
    )
    .await;
    assert_eq!((status, listed(&body)), (200, Some(2)), "{body}");

    // XML is refused plainly.
    let q = form_encode(&signed(&[("Format", "XML")]), false);
    let (status, body) = send_raw(http.post(format!("{base}/?{q}"))).await;
    assert_error(status, &body, 400, "InvalidParameter");
    assert!(
        body["Message"].as_str().unwrap().contains("JSON only"),
        "{body}"
    );
    emu.shutdown().await;
}
