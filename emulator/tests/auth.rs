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
