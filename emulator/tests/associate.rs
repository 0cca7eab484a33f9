//! AssociateAdditionalCertificatesWithListener end to end with the Rust
//! client: success, the waiter, both signature versions, DryRun, ClientToken
//! idempotency and every documented error path.

mod common;

use std::time::Duration;

use alb_emulator::{AccessKey, CertificateBinding, ListenerState, LoadBalancerState, StateFile};
use alb_runtime::signing::SignatureVersion;
use alb_runtime::{Credentials, ErrorMetadata, OperationError, RetryPolicy, SdkError};
use alb_sdk::associate_additional_certificates_with_listener::Certificate;
use alb_sdk::AssociateAdditionalCertificatesWithListenerError as E;
use common::*;

#[tokio::test]
async fn associate_then_associated_with_both_signature_versions() {
    let emu = start().await;
    for (version, certs) in [
        (SignatureVersion::V3, ["cert-0001", "cert-0002"]),
        (SignatureVersion::V1, ["cert-0003", "cert-0004"]),
    ] {
        let client = client(&emu, version);
        let builder = client
            .associate_additional_certificates_with_listener()
            .listener_id(HTTPS)
            .certificates(Certificate::new(certs[0]))
            .certificates(Certificate::new(certs[1]));
        let out = builder.send().await.expect("associate");
        let job_id = out.job_id.clone().expect("JobId");
        assert!(!job_id.is_empty());
        assert!(out.request_id.is_some());

        // In progress: visible through the API and in the state.
        let listed = client
            .list_listener_certificates()
            .listener_id(HTTPS)
            .certificate_ids(certs[0])
            .certificate_ids(certs[1])
            .send()
            .await
            .expect("list");
        let statuses: Vec<_> = listed
            .certificates
            .iter()
            .map(|c| c.status.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(statuses, ["Associating", "Associating"], "{listed:?}");
        let attr = client
            .get_listener_attribute()
            .listener_id(HTTPS)
            .send()
            .await
            .unwrap();
        assert_eq!(attr.listener_status.as_deref(), Some("Configuring"));

        // The generated waiter (default policy) sees them through.
        let done = out.wait(&client).await.expect("waiter");
        assert!(done
            .certificates
            .iter()
            .all(|c| c.status.as_deref() == Some("Associated")));

        for c in emu.listener_certificates(HTTPS) {
            if certs.contains(&c.certificate_id.as_str()) {
                assert_eq!((c.status.as_str(), c.association_count), ("Associated", 1));
            }
        }
        assert_eq!(emu.listener(HTTPS).unwrap().listener_status, "Running");
    }
    let versions: Vec<_> = emu
        .requests()
        .iter()
        .filter(|r| r.action.as_deref() == Some(ASSOCIATE))
        .map(|r| r.signature_version)
        .collect();
    assert_eq!(
        versions,
        [Some(SignatureVersion::V3), Some(SignatureVersion::V1)]
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn dry_run_checks_without_acting() {
    let emu = start().await;
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let client = client(&emu, version);
        let passed = client
            .associate_additional_certificates_with_listener()
            .listener_id(HTTPS)
            .certificates(Certificate::new("cert-0005"))
            .dry_run()
            .await
            .expect("DryRun passes");
        assert!(passed.request_id.is_some());
        assert_eq!(
            emu.listener_certificates(HTTPS).len(),
            1,
            "nothing associated"
        );

        // A failing check answers its own error, not DryRunOperation.
        let err = client
            .associate_additional_certificates_with_listener()
            .listener_id("lsn-doesnotexist")
            .certificates(Certificate::new("cert-0005"))
            .dry_run()
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            SdkError::Service(E::ResourceNotFoundListener(_))
        ));
    }
    assert!(emu.jobs().is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn same_client_token_answers_the_first_response() {
    let emu = start().await;
    let client = client(&emu, SignatureVersion::V3);
    let call = |token: &'static str, cert: &'static str| {
        client
            .associate_additional_certificates_with_listener()
            .listener_id(HTTPS)
            .certificates(Certificate::new(cert))
            .client_token(token)
            .send()
    };
    let first = call("token-1", "cert-0001").await.unwrap();
    let again = call("token-1", "cert-0001").await.unwrap();
    assert_eq!(first.job_id, again.job_id);
    assert_ne!(first.request_id, again.request_id);
    let cert = emu
        .listener_certificates(HTTPS)
        .into_iter()
        .find(|c| c.certificate_id == "cert-0001")
        .unwrap();
    assert_eq!(cert.association_count, 1);
    assert_eq!(emu.jobs().len(), 1);
    let replayed: Vec<bool> = emu.requests().iter().map(|r| r.replayed).collect();
    assert_eq!(replayed, [false, true]);

    // The same token for a different request is refused.
    let err = call("token-1", "cert-0002").await.unwrap_err();
    assert_eq!(
        service_code(&err),
        ("IdempotentParameterMismatch".to_string(), 400)
    );
    emu.shutdown().await;
}

const FORBIDDEN_KEY: &str = "LTAI5tForbiddenKey";

/// A world where every documented error of the operation can be reached.
fn error_world() -> StateFile {
    let mut s = StateFile::default();
    let https = |id: &str, lb: &str| {
        let mut l = ListenerState::new(id, lb, "HTTPS", 443);
        l.default_certificate_id = Some(DEFAULT_CERT.into());
        l
    };
    let mut no_default = ListenerState::new("lsn-nodefault", LB, "QUIC", 443);
    no_default.default_certificate_id = None;
    let mut stopped = https("lsn-stopped", LB);
    stopped.listener_port = 8443;
    stopped.listener_status = "Stopped".into();
    let mut configuring = https("lsn-configuring", LB);
    configuring.listener_port = 9443;
    configuring.listener_status = "Configuring".into();
    let mut bound = https("lsn-bound", LB);
    bound.listener_port = 10443;
    bound.additional_certificates.push(CertificateBinding {
        certificate_id: "cert-0001".into(),
        status: "Associated".into(),
        association_count: 1,
    });
    let mut small = LoadBalancerState::new("alb-small");
    small.certificate_quota = 2;
    let mut forbidden = LoadBalancerState::new("alb-forbidden");
    forbidden.forbidden_access_keys = vec![FORBIDDEN_KEY.into()];
    s.load_balancers.extend([small, forbidden]);
    s.listeners.extend([
        no_default,
        stopped,
        configuring,
        bound,
        https("lsn-small", "alb-small"),
        https("lsn-forbidden", "alb-forbidden"),
    ]);
    s.access_keys
        .push(AccessKey::new(FORBIDDEN_KEY, "ForbiddenSecret"));
    s
}

/// Listener, certificates, expected code and HTTP status, variant check.
type Case = (
    &'static str,
    Vec<&'static str>,
    &'static str,
    u16,
    fn(&E) -> bool,
);

#[tokio::test]
async fn every_documented_error_is_reachable() {
    let emu = builder().state(error_world()).start().await.unwrap();
    let no_retry = |creds: Credentials| {
        alb_sdk::Client::new(
            emu.client_config()
                .credentials(creds)
                .retry(RetryPolicy::disabled())
                .rate_limit(alb_runtime::RateLimitMode::Off)
                .build(),
        )
        .unwrap()
    };
    let client = no_retry(emu.credentials());
    let associate = |client: &alb_sdk::Client, listener: &str, certs: &[&str]| {
        let mut b = client
            .associate_additional_certificates_with_listener()
            .listener_id(listener);
        for c in certs {
            b = b.certificates(Certificate::new(*c));
        }
        b.send()
    };

    let cases: Vec<Case> = vec![
        (
            "lsn-doesnotexist",
            vec!["cert-0002"],
            "ResourceNotFound.Listener",
            404,
            |e| matches!(e, E::ResourceNotFoundListener(_)),
        ),
        (
            HTTP,
            vec!["cert-0002"],
            "OperationDenied.HttpListenerNotSupport",
            400,
            |e| matches!(e, E::OperationDeniedHttpListenerNotSupport(_)),
        ),
        (
            HTTPS,
            vec!["cert-9999"],
            "ResourceNotFound.Certificate",
            404,
            |e| matches!(e, E::ResourceNotFoundCertificate(_)),
        ),
        (
            "lsn-bound",
            vec!["cert-0001"],
            "ResourceAlreadyAssociated.Certificate",
            400,
            |e| matches!(e, E::ResourceAlreadyAssociatedCertificate(_)),
        ),
        (
            HTTPS,
            vec![DEFAULT_CERT],
            "OperationDenied.DefaultCertificateUsed",
            400,
            |e| matches!(e, E::OperationDeniedDefaultCertificateUsed(_)),
        ),
        (
            "lsn-nodefault",
            vec!["cert-0002"],
            "OperationFailed.DefaultCertificateNotFound",
            400,
            |e| matches!(e, E::OperationFailedDefaultCertificateNotFound(_)),
        ),
        (
            "lsn-small",
            vec!["cert-0002", "cert-0003", "cert-0004"],
            "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
            400,
            |e| matches!(e, E::ResourceQuotaExceededLoadBalancerCertificatesNum(_)),
        ),
        (
            "lsn-configuring",
            vec!["cert-0002"],
            "ResourceInConfiguring.Listener",
            400,
            |e| matches!(e, E::ResourceInConfiguringListener(_)),
        ),
        (
            "lsn-stopped",
            vec!["cert-0002"],
            "IncorrectStatus.Listener",
            400,
            |e| matches!(e, E::IncorrectStatusListener(_)),
        ),
    ];
    for (listener, certs, want_code, want_status, is_variant) in cases {
        let err = associate(&client, listener, &certs).await.unwrap_err();
        let SdkError::Service(e) = &err else {
            panic!("{listener}: expected a service error, got {err:?}");
        };
        assert_eq!(
            (e.code(), e.http_status()),
            (want_code, want_status),
            "{listener}"
        );
        assert!(is_variant(e), "{listener}: wrong variant {e:?}");
        assert!(e.request_id().is_some());
        // The message is the spec's template, filled in.
        assert!(
            e.template_args().is_some(),
            "{want_code}: {}",
            e.metadata().message
        );
    }

    // The quota message carries the quota name, the instance, the usage and the limit.
    let err = associate(
        &client,
        "lsn-small",
        &["cert-0002", "cert-0003", "cert-0004"],
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.service_error().unwrap().template_args().unwrap(),
        ["LoadBalancerCertificatesNum", "alb-small", "3", "2"]
    );
    let err = associate(&client, "lsn-doesnotexist", &["cert-0002"])
        .await
        .unwrap_err();
    assert_eq!(
        err.service_error().unwrap().template_args().unwrap(),
        ["lsn-doesnotexist"]
    );

    // Forbidden.LoadBalancer: a key barred from the instance.
    let barred = no_retry(Credentials::new(FORBIDDEN_KEY, "ForbiddenSecret"));
    let err = associate(&barred, "lsn-forbidden", &["cert-0002"])
        .await
        .unwrap_err();
    assert!(
        matches!(err, SdkError::Service(E::ForbiddenLoadBalancer(_))),
        "{err:?}"
    );
    assert_eq!(service_code(&err).1, 403);
    // ... the same key may act on other instances.
    associate(&barred, HTTPS, &["cert-0002"]).await.unwrap();

    // InvalidParameter: the client validates first, so send 16 certificates raw.
    let mut raw = Raw::new(&emu, SignatureVersion::V3, ASSOCIATE).param("ListenerId", HTTPS);
    let keys: Vec<String> = (1..=16)
        .map(|i| format!("Certificates.{i}.CertificateId"))
        .collect();
    for (i, k) in keys.iter().enumerate() {
        raw = raw.param(k, &format!("cert-{:04}", i + 10));
    }
    let (status, body) = send_signed(&emu, &raw.sign()).await;
    assert_error(status, &body, 400, "InvalidParameter");
    let meta = ErrorMetadata::from_body(status, body.to_string().as_bytes()).unwrap();
    assert!(matches!(E::from_metadata(meta), E::InvalidParameter(_)));

    // Nothing but the one allowed call acted.
    assert_eq!(emu.jobs().len(), 1);
    emu.shutdown().await;
}

#[tokio::test]
async fn second_association_while_configuring_is_retried_by_the_client() {
    // ResourceInConfiguring.Listener is retryable: a client with enough
    // retries gets through once the first job is done.
    let emu = builder()
        .job_delay(Duration::from_millis(400))
        .start()
        .await
        .unwrap();
    let client = alb_sdk::Client::new(
        emu.client_config()
            .retry(
                RetryPolicy::default()
                    .with_max_attempts(10)
                    .with_backoff(Duration::from_millis(100), Duration::from_millis(200))
                    .with_jitter(false),
            )
            .build(),
    )
    .unwrap();
    for cert in ["cert-0001", "cert-0002"] {
        client
            .associate_additional_certificates_with_listener()
            .listener_id(HTTPS)
            .certificates(Certificate::new(cert))
            .send()
            .await
            .unwrap();
    }
    let codes: Vec<_> = emu.requests().into_iter().map(|r| r.code).collect();
    assert!(
        codes.contains(&Some("ResourceInConfiguring.Listener".into())),
        "{codes:?}"
    );
    emu.shutdown().await;
}
