//! Authentication as the real endpoint does it: both signature versions,
//! wrong secret, unknown or disabled key, replayed nonce, stale timestamp,
//! missing signature, STS tokens, GET and form bodies.

mod common;

use alb_emulator::{AccessKey, StateFile};
use alb_runtime::signing::{percent_encode, v1, SignatureVersion};
use alb_runtime::Credentials;
use alb_sdk::prelude::*;
use alb_sdk::GetListenerAttributeError;
use common::*;

const VERSIONS: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

async fn get_attribute(
    client: &alb_sdk::Client,
) -> Result<alb_sdk::GetListenerAttributeResponse, alb_runtime::SdkError<GetListenerAttributeError>>
{
    client
        .get_listener_attribute()
        .listener_id(HTTPS)
        .send()
        .await
}

#[tokio::test]
async fn client_calls_succeed_with_both_versions_and_sts() {
    let emu = start().await;
    for version in VERSIONS {
        let out = get_attribute(&client(&emu, version)).await.unwrap();
        assert_eq!(out.listener_id.as_deref(), Some(HTTPS));
        let sts = emu.credentials().with_security_token("STS.emulator-token");
        get_attribute(&client_with(&emu, version, sts))
            .await
            .unwrap();
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_unknown_key_and_disabled_key() {
    let mut state = StateFile::default();
    let mut disabled = AccessKey::new("LTAI5tDisabledKey", "secret");
    disabled.enabled = false;
    state.access_keys.push(disabled);
    let emu = builder().state(state).start().await.unwrap();
    for version in VERSIONS {
        let wrong = client_with(
            &emu,
            version,
            Credentials::new(emu.access_key_id(), "not-the-secret"),
        );
        let err = get_attribute(&wrong).await.unwrap_err();
        assert_eq!(
            service_code(&err),
            ("SignatureDoesNotMatch".to_string(), 400)
        );
        let msg = &err.service_error().unwrap().metadata().message;
        assert!(msg.contains("server string to sign is:"), "{msg}");
        let expected_prefix = match version {
            SignatureVersion::V1 => "POST&%2F&",
            SignatureVersion::V3 => "ACS3-HMAC-SHA256\n",
        };
        assert!(msg.contains(expected_prefix), "{msg}");

        let unknown = client_with(&emu, version, Credentials::new("LTAI5tNobody", "x"));
        let err = get_attribute(&unknown).await.unwrap_err();
        assert_eq!(
            service_code(&err),
            ("InvalidAccessKeyId.NotFound".to_string(), 404)
        );

        let off = client_with(
            &emu,
            version,
            Credentials::new("LTAI5tDisabledKey", "secret"),
        );
        let err = get_attribute(&off).await.unwrap_err();
        assert_eq!(service_code(&err).0, "InvalidAccessKeyId.Inactive");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn a_replayed_request_is_refused_for_its_nonce() {
    let emu = start().await;
    for version in VERSIONS {
        let signed = Raw::new(&emu, version, "GetListenerAttribute")
            .param("ListenerId", HTTPS)
            .sign();
        let (status, body) = send_signed(&emu, &signed).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["ListenerId"], HTTPS);
        let (status, body) = send_signed(&emu, &signed).await;
        assert_error(status, &body, 400, "SignatureNonceUsed");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn timestamps_more_than_15_minutes_off_are_refused() {
    let emu = start().await;
    let now = time::OffsetDateTime::now_utc();
    for version in VERSIONS {
        for offset in [time::Duration::minutes(-16), time::Duration::minutes(16)] {
            let mut raw =
                Raw::new(&emu, version, "GetListenerAttribute").param("ListenerId", HTTPS);
            raw.timestamp = timestamp(now + offset);
            let (status, body) = send_signed(&emu, &raw.sign()).await;
            assert_error(status, &body, 400, "InvalidTimeStamp.Expired");
        }
        // Within the window is fine.
        let mut raw = Raw::new(&emu, version, "GetListenerAttribute").param("ListenerId", HTTPS);
        raw.timestamp = timestamp(now - time::Duration::minutes(10));
        assert_eq!(send_signed(&emu, &raw.sign()).await.0, 200);

        // The client reports it as the service error it is.
        let mut raw = Raw::new(&emu, version, "GetListenerAttribute").param("ListenerId", HTTPS);
        raw.timestamp = "yesterday".into();
        let (status, body) = send_signed(&emu, &raw.sign()).await;
        assert_error(status, &body, 400, "InvalidTimeStamp.Format");
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn missing_or_malformed_signatures() {
    let emu = start().await;
    let http = reqwest::Client::new();
    let base = emu.base_url();

    // No signature at all.
    let (status, body) = send_raw(http.post(format!(
        "{base}/?Action=GetListenerAttribute&Version=2020-06-16&ListenerId={HTTPS}"
    )))
    .await;
    assert_error(status, &body, 400, "IncompleteSignature");

    // V1 without SignatureNonce.
    let signed = Raw::new(&emu, SignatureVersion::V1, "GetListenerAttribute")
        .param("ListenerId", HTTPS)
        .sign();
    let query: Vec<String> = signed
        .query
        .iter()
        .filter(|(k, _)| k != "SignatureNonce")
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    let (status, body) = send_raw(http.post(format!("{base}/?{}", query.join("&")))).await;
    assert_error(status, &body, 400, "MissingParameter");
    assert!(body["Message"].as_str().unwrap().contains("SignatureNonce"));

    // V3 with a broken Authorization header.
    let signed = Raw::new(&emu, SignatureVersion::V3, "GetListenerAttribute")
        .param("ListenerId", HTTPS)
        .sign();
    let mut req = http.post(format!("{base}/?{}", signed.query_string));
    for (k, v) in &signed.headers {
        if k == "authorization" {
            req = req.header(k.as_str(), "ACS3-HMAC-SHA256 Credential=x");
        } else if k != "host" {
            req = req.header(k.as_str(), v.as_str());
        }
    }
    let (status, body) = send_raw(req).await;
    assert_error(status, &body, 400, "IncompleteSignature");

    // V3: a signed header changed in transit.
    let signed = Raw::new(&emu, SignatureVersion::V3, "GetListenerAttribute")
        .param("ListenerId", HTTPS)
        .sign();
    let mut req = http.post(format!("{base}/?{}", signed.query_string));
    for (k, v) in &signed.headers {
        if k == "user-agent" {
            req = req.header(k.as_str(), "tampered");
        } else if k != "host" {
            req = req.header(k.as_str(), v.as_str());
        }
    }
    let (status, body) = send_raw(req).await;
    assert_error(status, &body, 400, "SignatureDoesNotMatch");
    emu.shutdown().await;
}

#[tokio::test]
async fn v1_over_get_and_in_a_form_body() {
    let emu = start().await;
    let http = reqwest::Client::new();
    let base = emu.base_url();

    // GET: the method is part of the string to sign.
    let mut params = pairs(&[
        ("Action", "GetListenerAttribute"),
        ("Format", "JSON"),
        ("Version", "2020-06-16"),
        ("AccessKeyId", emu.access_key_id()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("ListenerId", HTTPS),
    ]);
    let ts = now_timestamp();
    let n = nonce();
    params.push(("Timestamp".into(), ts));
    params.push(("SignatureNonce".into(), n));
    let canonical = v1::canonicalized_query(&params);
    let signature = v1::signature(
        emu.access_key_secret(),
        &v1::string_to_sign("GET", &canonical),
    );
    let url = format!(
        "{base}/?{canonical}&Signature={}",
        percent_encode(&signature)
    );
    let (status, body) = send_raw(http.get(&url)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ListenerProtocol"], "HTTPS");

    // POST with everything in an application/x-www-form-urlencoded body.
    let signed = Raw::new(&emu, SignatureVersion::V1, "GetListenerAttribute")
        .param("ListenerId", HTTPS)
        .sign();
    let (status, body) = send_raw(
        http.post(format!("{base}/"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(signed.query_string.clone()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn sts_tokens_can_be_restricted() {
    let mut state = StateFile::default();
    state.access_keys[0].security_tokens = Some(vec!["STS.good".into()]);
    let emu = builder().state(state).start().await.unwrap();
    for version in VERSIONS {
        let good = client_with(
            &emu,
            version,
            emu.credentials().with_security_token("STS.good"),
        );
        get_attribute(&good).await.unwrap();
        let bad = client_with(
            &emu,
            version,
            emu.credentials().with_security_token("STS.bad"),
        );
        let err = get_attribute(&bad).await.unwrap_err();
        assert_eq!(service_code(&err).0, "InvalidSecurityToken.Expired");
    }
    // Without a token the pair still works.
    get_attribute(&client(&emu, SignatureVersion::V3))
        .await
        .unwrap();
    emu.shutdown().await;
}

/// The listener's status, read through the client.
async fn status_of(emu: &alb_emulator::RunningEmulator) -> String {
    emu.listener(HTTPS).unwrap().listener_status
}

#[tokio::test]
async fn v1_routes_by_its_signed_parameters_and_ignores_action_headers() {
    let emu = start().await;
    let http = reqwest::Client::new();
    // Signed for GetListenerAttribute; unsigned headers name StopListener
    // (and another API version), in two letter cases.
    for (action_header, version_header) in [
        ("x-acs-action", "x-acs-version"),
        ("X-Acs-Action", "X-ACS-VERSION"),
    ] {
        let signed = Raw::new(&emu, SignatureVersion::V1, "GetListenerAttribute")
            .param("ListenerId", HTTPS)
            .sign();
        let (status, body) = send_raw(
            http.post(format!("{}/?{}", emu.base_url(), signed.query_string))
                .header(action_header, "StopListener")
                .header(version_header, "2014-05-15"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["ListenerId"], HTTPS,
            "answered as GetListenerAttribute: {body}"
        );
        assert_eq!(
            status_of(&emu).await,
            "Running",
            "the listener was not stopped"
        );
    }
    let records = emu.requests();
    assert!(records
        .iter()
        .all(|r| r.action.as_deref() == Some("GetListenerAttribute")));
    emu.shutdown().await;
}

/// A V3 request signed over only `signed` of its headers, with `extra`
/// headers sent beside them unsigned.
fn v3_partially_signed(
    emu: &alb_emulator::RunningEmulator,
    action: &str,
    signed: &[&str],
    extra: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    use alb_runtime::signing::v3;
    let full = Raw::new(emu, SignatureVersion::V3, action)
        .param("ListenerId", HTTPS)
        .sign();
    let host = emu.local_addr().to_string();
    let mut headers: Vec<(String, String)> = full
        .headers
        .iter()
        .filter(|(k, _)| k != "authorization")
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "host" { host.clone() } else { v.clone() },
            )
        })
        .collect();
    headers.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    let chosen: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| signed.contains(&k.as_str()))
        .cloned()
        .collect();
    let query = vec![("ListenerId".to_string(), HTTPS.to_string())];
    let (canonical_headers, signed_list) = v3::canonical_headers(&chosen);
    let canonical = v3::canonical_request(
        "POST",
        "/",
        &v3::canonical_query_string(&query),
        &canonical_headers,
        &signed_list,
        &v3::hashed_payload(b""),
    );
    let creds = emu.credentials();
    let signature = v3::signature(creds.access_key_secret(), &v3::string_to_sign(&canonical));
    let mut req = reqwest::Client::new()
        .post(format!("{}/?ListenerId={HTTPS}", emu.base_url()))
        .header(
            "authorization",
            v3::authorization(creds.access_key_id(), &signed_list, &signature),
        );
    for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
        req = req.header(k.as_str(), v.as_str());
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req
}

#[tokio::test]
async fn v3_refuses_unsigned_routing_headers() {
    let emu = start().await;
    // The case from the report: SignedHeaders lists only date, nonce and
    // version; an unsigned x-acs-action names StartListener (here Stop).
    let req = v3_partially_signed(
        &emu,
        "GetListenerAttribute",
        &["x-acs-date", "x-acs-signature-nonce", "x-acs-version"],
        &[("x-acs-action", "StopListener")],
    );
    let (status, body) = send_raw(req).await;
    assert_error(status, &body, 400, "IncompleteSignature");
    assert!(
        body["Message"].as_str().unwrap().contains("x-acs-action"),
        "{body}"
    );
    assert_eq!(status_of(&emu).await, "Running");

    // Every header the runtime signs.
    let every: Vec<String> = Raw::new(&emu, SignatureVersion::V3, "GetListenerAttribute")
        .sign()
        .headers
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| k != "authorization")
        .collect();
    let every: Vec<&str> = every.iter().map(String::as_str).collect();
    // Each routing or identifying header left unsigned is refused by name.
    let routing = [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ];
    for left_out in routing {
        let signed: Vec<&str> = every.iter().copied().filter(|h| *h != left_out).collect();
        let req = v3_partially_signed(&emu, "GetListenerAttribute", &signed, &[]);
        let (status, body) = send_raw(req).await;
        assert_error(status, &body, 400, "IncompleteSignature");
        assert!(
            body["Message"].as_str().unwrap().contains(left_out),
            "{left_out}: {body}"
        );
    }
    // An extra x-acs-* header must be signed too.
    let req = v3_partially_signed(
        &emu,
        "GetListenerAttribute",
        &every,
        &[("x-acs-extra", "1")],
    );
    let (status, body) = send_raw(req).await;
    assert_error(status, &body, 400, "IncompleteSignature");

    // Everything signed: served, as the action it was signed for.
    let req = v3_partially_signed(&emu, "GetListenerAttribute", &every, &[]);
    let (status, body) = send_raw(req).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ListenerId"], HTTPS);
    assert_eq!(status_of(&emu).await, "Running");
    emu.shutdown().await;
}
