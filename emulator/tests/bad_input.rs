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
            http.post(format!("{base}/?Action=DescribeRegions")),
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
    assert_eq!(state.listeners.len(), 2);
    emu.shutdown().await;
}
