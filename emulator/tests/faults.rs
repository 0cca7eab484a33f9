//! Retries under injected faults: the client retries, the ClientToken is the
//! same on every attempt, and the change is applied exactly once.

mod common;

use std::time::{Duration, Instant};

use alb_emulator::{Fault, FaultRule, RunningEmulator};
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{RateLimitMode, RetryPolicy, SdkError, Timeouts};
use alb_sdk::associate_additional_certificates_with_listener::Certificate;
use common::*;

async fn associate(
    client: &alb_sdk::Client,
    cert: &str,
) -> Result<
    alb_sdk::AssociateAdditionalCertificatesWithListenerResponse,
    SdkError<alb_sdk::AssociateAdditionalCertificatesWithListenerError>,
> {
    client
        .associate_additional_certificates_with_listener()
        .listener_id(HTTPS)
        .certificates(Certificate::new(cert))
        .send()
        .await
}

/// The attempts of the association, with what happened to each.
fn attempts(emu: &RunningEmulator) -> Vec<alb_emulator::RequestRecord> {
    emu.requests()
        .into_iter()
        .filter(|r| r.action.as_deref() == Some(ASSOCIATE))
        .collect()
}

fn assert_applied_once(emu: &RunningEmulator, cert: &str) {
    let bound: Vec<_> = emu
        .listener_certificates(HTTPS)
        .into_iter()
        .filter(|c| c.certificate_id == cert)
        .collect();
    assert_eq!(bound.len(), 1, "{bound:?}");
    assert_eq!(bound[0].association_count, 1);
    let jobs = emu
        .jobs()
        .into_iter()
        .filter(|j| j.action == ASSOCIATE)
        .count();
    assert_eq!(jobs, 1);
}

fn assert_one_token(records: &[alb_emulator::RequestRecord]) {
    let token = records[0].client_token.clone();
    assert!(token.is_some());
    assert!(
        records.iter().all(|r| r.client_token == token),
        "{records:?}"
    );
}

#[tokio::test]
async fn throttled_then_unavailable_then_success() {
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let emu = builder()
            .fault(FaultRule::on_calls(
                ASSOCIATE,
                [1],
                Fault::Throttling {
                    retry_after_ms: Some(150),
                },
            ))
            .fault(FaultRule::on_calls(
                ASSOCIATE,
                [2],
                Fault::ServiceUnavailable,
            ))
            .start()
            .await
            .unwrap();
        let client = client(&emu, version);
        let started = Instant::now();
        let out = associate(&client, "cert-0001")
            .await
            .expect("third attempt succeeds");
        assert!(out.job_id.is_some());
        // The server's x-acs-retry-after was honoured.
        assert!(started.elapsed() >= Duration::from_millis(150));
        let records = attempts(&emu);
        let statuses: Vec<_> = records
            .iter()
            .map(|r| (r.http_status, r.code.clone()))
            .collect();
        assert_eq!(
            statuses,
            [
                (400, Some("Throttling.User".to_string())),
                (503, Some("ServiceUnavailable".to_string())),
                (200, None)
            ]
        );
        assert_one_token(&records);
        assert_applied_once(&emu, "cert-0001");
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn dropped_connection_before_acting_is_retried() {
    let emu = builder()
        .fault(FaultRule::on_calls(ASSOCIATE, [1], Fault::DropConnection))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    associate(&client, "cert-0001").await.expect("retried");
    let records = attempts(&emu);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0].http_status, 0, "dropped without an answer");
    assert_eq!(records[0].fault, Some(Fault::DropConnection));
    assert_one_token(&records);
    assert_applied_once(&emu, "cert-0001");
    emu.shutdown().await;
}

#[tokio::test]
async fn answer_lost_after_acting_is_replayed_not_redone() {
    for fault in [
        Fault::DropConnection,
        Fault::ServiceUnavailable,
        Fault::Html502,
    ] {
        let emu = builder()
            .fault(FaultRule::on_calls(ASSOCIATE, [1], fault.clone()).after())
            .start()
            .await
            .unwrap();
        let client = client(&emu, SignatureVersion::V3);
        let out = associate(&client, "cert-0001").await.expect("retried");
        let records = attempts(&emu);
        assert_eq!(records.len(), 2, "{fault:?}: {records:?}");
        assert!(!records[0].replayed && records[1].replayed, "{records:?}");
        assert_one_token(&records);
        assert_applied_once(&emu, "cert-0001");
        // The replay carries the job the first attempt started.
        assert_eq!(out.job_id.as_deref(), Some(emu.jobs()[0].job_id.as_str()));
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn html_502_is_a_decode_error_without_retries() {
    let emu = builder()
        .fault(FaultRule::always("GetListenerAttribute", Fault::Html502))
        .start()
        .await
        .unwrap();
    let client =
        alb_sdk::Client::new(emu.client_config().retry(RetryPolicy::disabled()).build()).unwrap();
    let err = client
        .get_listener_attribute()
        .listener_id(HTTPS)
        .send()
        .await
        .unwrap_err();
    match err {
        SdkError::Decode(d) => assert_eq!(d.http_status, 502),
        other => panic!("expected a decode error, got {other:?}"),
    }
    let (status, body) = send_raw(
        reqwest::Client::new().post(format!("{}/?Action=GetListenerAttribute", emu.base_url())),
    )
    .await;
    // Unauthenticated calls never reach the faults.
    assert_eq!((status, code(&body)), (400, "MissingParameter"));
    emu.shutdown().await;
}

#[tokio::test]
async fn slow_answer_past_the_attempt_timeout_is_retried_once_applied() {
    let emu = builder()
        .fault(FaultRule::on_calls(ASSOCIATE, [1], Fault::Slow { ms: 600 }))
        .start()
        .await
        .unwrap();
    let client = alb_sdk::Client::new(
        emu.client_config()
            .timeouts(Timeouts {
                attempt: Duration::from_millis(200),
                ..Timeouts::default()
            })
            .retry(retry())
            .rate_limit(RateLimitMode::Off)
            .build(),
    )
    .unwrap();
    associate(&client, "cert-0001")
        .await
        .expect("second attempt");
    // Let the abandoned first attempt finish on the server.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let records = attempts(&emu);
    assert_one_token(&records);
    assert_applied_once(&emu, "cert-0001");
    emu.shutdown().await;
}

#[tokio::test]
async fn throttling_that_never_ends_is_reported_as_throttled() {
    let emu = builder()
        .fault(FaultRule::always(
            ASSOCIATE,
            Fault::Throttling {
                retry_after_ms: None,
            },
        ))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    let err = associate(&client, "cert-0001").await.unwrap_err();
    // The operation's own error type, whatever the path: a match works.
    assert!(
        matches!(&err, SdkError::Service(alb_sdk::AssociateAdditionalCertificatesWithListenerError::Common(c)) if c.is_throttling_user()),
        "{err:?}"
    );
    assert!(err.is_throttling());
    assert_eq!(attempts(&emu).len(), 4, "every attempt of the policy");
    assert!(emu.jobs().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn internal_error_on_a_read_is_retried_and_faults_can_change_at_run_time() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V1);
    emu.faults().add(FaultRule::on_calls(
        "ListListeners",
        [1, 2],
        Fault::InternalError,
    ));
    let out = client.list_listeners().send().await.unwrap();
    assert_eq!(out.listeners.len(), 2);
    let fired = emu.faults().fired();
    assert_eq!(fired.len(), 2);
    assert_eq!(fired[1].call, 2);
    emu.faults().clear();
    client.list_listeners().send().await.unwrap();
    assert_eq!(emu.faults().fired().len(), 2);
    emu.shutdown().await;
}
