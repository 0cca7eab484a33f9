//! The other asynchronous operations and their waiters: dissociate, stop and
//! start, create, update, delete; and a waiter that times out.

mod common;

use std::time::Duration;

use alb_emulator::{CertificateBinding, StateFile};
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{RetryPolicy, SdkError, WaitPolicy, WaiterError};
use alb_sdk::associate_additional_certificates_with_listener as assoc;
use alb_sdk::create_listener as create;
use alb_sdk::dissociate_additional_certificates_from_listener as dissoc;
use common::*;

fn fast_policy() -> WaitPolicy {
    WaitPolicy::new(
        Duration::from_millis(50),
        Duration::from_millis(100),
        2.0,
        Duration::from_secs(10),
    )
}

fn no_retry(emu: &alb_emulator::RunningEmulator) -> alb_sdk::Client {
    alb_sdk::Client::new(emu.client_config().retry(RetryPolicy::disabled()).build()).unwrap()
}

fn with_bound(certs: &[&str]) -> StateFile {
    let mut s = StateFile::default();
    let l = s
        .listeners
        .iter_mut()
        .find(|l| l.listener_id == HTTPS)
        .unwrap();
    for c in certs {
        l.additional_certificates.push(CertificateBinding {
            certificate_id: c.to_string(),
            status: "Associated".into(),
            association_count: 1,
        });
    }
    s
}

#[tokio::test]
async fn dissociate_and_its_waiter() {
    let emu = builder()
        .state(with_bound(&["cert-0001", "cert-0002"]))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    let request = dissoc::DissociateAdditionalCertificatesFromListenerRequest::builder()
        .listener_id(HTTPS)
        .certificates(dissoc::Certificate::new("cert-0001"))
        .build()
        .unwrap();
    let out = client.call(request.clone()).await.unwrap();
    assert!(out.job_id.is_some());
    let status: Vec<_> = emu
        .listener_certificates(HTTPS)
        .into_iter()
        .map(|c| (c.certificate_id, c.status))
        .collect();
    assert!(
        status.contains(&("cert-0001".into(), "Dissociating".into())),
        "{status:?}"
    );

    out.wait(&client).await.expect("dissociated");
    let left: Vec<_> = emu
        .listener_certificates(HTTPS)
        .into_iter()
        .map(|c| c.certificate_id)
        .collect();
    assert_eq!(left, [DEFAULT_CERT, "cert-0002"]);

    // Its documented errors.
    let strict = no_retry(&emu);
    for (cert, want) in [
        ("cert-0001", "ResourceNotAssociated.Certificate"),
        (DEFAULT_CERT, "OperationDenied.DefaultCertificateUsed"),
    ] {
        let err = strict
            .dissociate_additional_certificates_from_listener()
            .listener_id(HTTPS)
            .certificates(dissoc::Certificate::new(cert))
            .send()
            .await
            .unwrap_err();
        assert_eq!(service_code(&err), (want.to_string(), 400));
    }
    let err = strict
        .dissociate_additional_certificates_from_listener()
        .listener_id(HTTP)
        .certificates(dissoc::Certificate::new("cert-0002"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&err).0,
        "OperationDenied.HttpListenerNotSupport"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn stop_then_start_with_the_listener_running_waiter() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V1);
    let stop = alb_sdk::StopListenerRequest::builder()
        .listener_id(HTTPS)
        .build()
        .unwrap();
    let stopping = client.call(stop.clone()).await.unwrap();
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Stopping");
    stopping.wait_with(&client, fast_policy()).await.unwrap();
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Stopped");

    // Stopping a stopped listener is an incorrect status.
    let err = no_retry(&emu)
        .stop_listener()
        .listener_id(HTTPS)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        SdkError::Service(alb_sdk::StopListenerError::IncorrectStatusListener(_))
    ));

    let start = alb_sdk::StartListenerRequest::builder()
        .listener_id(HTTPS)
        .build()
        .unwrap();
    let starting = client.call(start.clone()).await.unwrap();
    assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Starting");
    let running = starting.wait(&client).await.unwrap();
    assert_eq!(running.listener_status.as_deref(), Some("Running"));

    // DryRun of a start on a running listener fails its status check.
    let err = no_retry(&emu)
        .start_listener()
        .listener_id(HTTPS)
        .dry_run()
        .await
        .unwrap_err();
    assert_eq!(service_code(&err).0, "IncorrectStatus.Listener");
    let err = no_retry(&emu)
        .start_listener()
        .listener_id("lsn-nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&err),
        ("ResourceNotFound.Listener".into(), 404)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn create_update_and_delete_a_listener() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let created = client
        .create_listener()
        .load_balancer_id(LB)
        .listener_protocol("HTTPS")
        .listener_port(8443)
        .listener_description("created-by-test")
        .certificates(create::Certificate::new("cert-0010"))
        .default_actions(create::DefaultAction::new(
            create::ForwardGroupConfig::new(vec![create::ServerGroupTuple::new(
                "sgp-emulator0001",
            )]),
            "ForwardGroup",
        ))
        .send()
        .await
        .unwrap();
    let id = created.listener_id.clone().expect("ListenerId");
    assert!(id.starts_with("lsn-"));
    assert_eq!(emu.listener(&id).unwrap().listener_status, "Provisioning");
    // The waiter reads the new listener's ID from the response.
    let attr = created.wait_with(&client, fast_policy()).await.unwrap();
    assert_eq!(attr.listener_status.as_deref(), Some("Running"));
    assert_eq!(attr.listener_port, Some(8443));
    assert_eq!(
        attr.listener_description.as_deref(),
        Some("created-by-test")
    );
    assert_eq!(
        attr.certificates[0].certificate_id.as_deref(),
        Some("cert-0010")
    );
    let sg = &attr.default_actions[0]
        .forward_group_config
        .as_ref()
        .unwrap()
        .server_group_tuples;
    assert_eq!(sg[0].server_group_id.as_deref(), Some("sgp-emulator0001"));

    // The same port again clashes; an unknown load balancer is not found.
    let strict = no_retry(&emu);
    let dup = strict
        .create_listener()
        .load_balancer_id(LB)
        .listener_protocol("HTTP")
        .listener_port(8443)
        .default_actions(create::DefaultAction::new(
            create::ForwardGroupConfig::new(vec![create::ServerGroupTuple::new(
                "sgp-emulator0001",
            )]),
            "ForwardGroup",
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&dup).0, "ResourceAlreadyExist.Listener");
    let missing = strict
        .create_listener()
        .load_balancer_id("alb-nope")
        .listener_protocol("HTTP")
        .listener_port(81)
        .default_actions(create::DefaultAction::new(
            create::ForwardGroupConfig::new(vec![create::ServerGroupTuple::new(
                "sgp-emulator0001",
            )]),
            "ForwardGroup",
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&missing),
        ("ResourceNotFound.LoadBalancer".into(), 404)
    );

    // Update: Configuring, then Running with the new values.
    let update = alb_sdk::UpdateListenerAttributeRequest::builder()
        .listener_id(&id)
        .listener_description("renamed")
        .idle_timeout(30)
        .build()
        .unwrap();
    let updating = client.call(update.clone()).await.unwrap();
    assert_eq!(emu.listener(&id).unwrap().listener_status, "Configuring");
    let attr = updating.wait_with(&client, fast_policy()).await.unwrap();
    assert_eq!(attr.listener_description.as_deref(), Some("renamed"));
    assert_eq!(attr.idle_timeout, Some(30));

    // Delete: Deleting, then gone.
    let delete = alb_sdk::DeleteListenerRequest::builder()
        .listener_id(&id)
        .build()
        .unwrap();
    let deleting = client.call(delete.clone()).await.unwrap();
    assert_eq!(emu.listener(&id).unwrap().listener_status, "Deleting");
    deleting.wait_with(&client, fast_policy()).await.unwrap();
    assert!(emu.listener(&id).is_none());
    let err = strict
        .get_listener_attribute()
        .listener_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&err),
        ("ResourceNotFound.Listener".into(), 404)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_waiter_times_out_naming_the_last_state() {
    let emu = builder()
        .job_delay(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let client = client(&emu, SignatureVersion::V3);
    let builder = client
        .associate_additional_certificates_with_listener()
        .listener_id(HTTPS)
        .certificates(assoc::Certificate::new("cert-0001"));
    let sent = builder.send().await.unwrap();
    let policy = WaitPolicy::new(
        Duration::from_millis(50),
        Duration::from_millis(100),
        2.0,
        Duration::from_millis(400),
    );
    let err = sent.wait_with(&client, policy).await.unwrap_err();
    match &err {
        WaiterError::Timeout {
            waiter, last_state, ..
        } => {
            assert_eq!(*waiter, "CertificatesAssociated");
            let last = last_state.as_deref().unwrap_or_default();
            assert!(last.contains("cert-0001=Associating"), "{last}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(err.to_string().contains("Associating"), "{err}");
    emu.shutdown().await;
}
