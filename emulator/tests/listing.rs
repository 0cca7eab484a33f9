//! Paginated listings through the generated paginators: zero items, one
//! page, many pages; filters; bad tokens.

mod common;

use alb_emulator::{CertificateBinding, ListenerState, StateFile, Tag};
use alb_runtime::signing::SignatureVersion;
use common::*;
use futures_util::StreamExt;

/// The HTTPS listener with cert-0001 ... cert-0023 associated.
fn many_certificates() -> StateFile {
    let mut s = StateFile::default();
    let l = s
        .listeners
        .iter_mut()
        .find(|l| l.listener_id == HTTPS)
        .unwrap();
    for i in 1..=23 {
        l.additional_certificates.push(CertificateBinding {
            certificate_id: format!("cert-{i:04}"),
            status: "Associated".into(),
            association_count: 1,
        });
    }
    for i in 0..7 {
        let mut extra = ListenerState::new(format!("lsn-extra{i:02}"), LB, "HTTP", 8000 + i);
        if i % 2 == 0 {
            extra.tags.push(Tag {
                key: "env".into(),
                value: "test".into(),
            });
        }
        s.listeners.push(extra);
    }
    s
}

#[tokio::test]
async fn listener_certificates_over_zero_one_and_many_pages() {
    let emu = builder().state(many_certificates()).start().await.unwrap();
    let client = client(&emu, SignatureVersion::V3);

    // Many pages: 24 certificates (the default one first), 5 per page.
    let pages: Vec<_> = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .into_paginator()
        .page_size(5)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 5);
    let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
    assert!(pages.iter().all(|p| p.total_count == Some(24)));
    assert!(pages[..4].iter().all(|p| p.certificates.len() == 5));
    assert_eq!(pages[4].certificates.len(), 4);
    assert!(pages[4].next_token.is_none());
    let token = pages[0].next_token.clone().unwrap();
    assert_eq!(token.len(), 24, "opaque token: {token}");

    let items: Vec<_> = Box::pin(
        client
            .list_listener_certificates()
            .listener_id(HTTPS)
            .into_paginator()
            .page_size(5)
            .items(),
    )
    .collect::<Vec<_>>()
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    assert_eq!(items.len(), 24);
    assert_eq!(items[0].certificate_id.as_deref(), Some(DEFAULT_CERT));
    assert_eq!(items[0].is_default, Some(true));
    assert!(items[1..].iter().all(|c| c.is_default == Some(false)
        && c.status.as_deref() == Some("Associated")
        && c.certificate_type.as_deref() == Some("Server")));

    // One page.
    let pages: Vec<_> = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .into_paginator()
        .page_size(100)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].as_ref().unwrap().certificates.len(), 24);

    // Zero items: a filter nothing matches.
    let pages: Vec<_> = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .certificate_ids("cert-0030")
        .into_paginator()
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    let page = pages[0].as_ref().unwrap();
    assert!(page.certificates.is_empty());
    assert_eq!(page.total_count, Some(0));

    // Filters: IDs and type; MaxResults defaults to 20.
    let out = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .certificate_ids("cert-0003")
        .certificate_ids(DEFAULT_CERT)
        .certificate_type("Server")
        .send()
        .await
        .unwrap();
    assert_eq!(out.certificates.len(), 2);
    let none = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .certificate_type("Ca")
        .send()
        .await
        .unwrap();
    assert!(none.certificates.is_empty());
    let first = client
        .list_listener_certificates()
        .listener_id(HTTPS)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (first.certificates.len(), first.max_results),
        (20, Some(20))
    );

    // HTTP listeners have no certificates.
    let err = client
        .list_listener_certificates()
        .listener_id(HTTP)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        service_code(&err),
        ("OperationDenied.HttpListenerNotSupport".into(), 400)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn listeners_paginated_and_filtered() {
    let emu = builder().state(many_certificates()).start().await.unwrap();
    let client = client(&emu, SignatureVersion::V1);

    let all: Vec<_> = Box::pin(
        client
            .list_listeners()
            .into_paginator()
            .page_size(2)
            .items(),
    )
    .collect::<Vec<_>>()
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    assert_eq!(all.len(), 9);
    let pages = client
        .list_listeners()
        .into_paginator()
        .page_size(2)
        .pages()
        .count()
        .await;
    assert_eq!(pages, 5);

    let quic: Vec<_> = client
        .list_listeners()
        .listener_protocol("QUIC")
        .into_paginator()
        .pages()
        .collect()
        .await;
    assert_eq!(quic.len(), 1);
    assert!(quic[0].as_ref().unwrap().listeners.is_empty());

    let https = client
        .list_listeners()
        .listener_protocol("HTTPS")
        .send()
        .await
        .unwrap();
    assert_eq!(https.listeners.len(), 1);
    let l = &https.listeners[0];
    assert_eq!(l.listener_id.as_deref(), Some(HTTPS));
    assert_eq!(l.listener_port, Some(443));
    assert_eq!(l.listener_status.as_deref(), Some("Running"));

    let by_id = client
        .list_listeners()
        .listener_ids(HTTP)
        .listener_ids("lsn-extra03")
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.total_count, Some(2));

    let by_lb = client
        .list_listeners()
        .load_balancer_ids("alb-other")
        .send()
        .await
        .unwrap();
    assert_eq!(by_lb.total_count, Some(0));

    let tagged = client
        .list_listeners()
        .tag(alb_sdk::list_listeners::Tag::new().key("env"))
        .send()
        .await
        .unwrap();
    assert_eq!(tagged.total_count, Some(4));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_foreign_or_garbage_next_token_is_invalid() {
    let emu = start().await;
    for (action, token) in [
        ("ListListeners", "not-a-token"),
        ("ListListeners", "0123456789abcdef00000001"),
        ("ListListenerCertificates", "zzzz"),
    ] {
        let (status, body) = send_signed(
            &emu,
            &Raw::new(&emu, SignatureVersion::V3, action)
                .param("ListenerId", HTTPS)
                .param("NextToken", token)
                .sign(),
        )
        .await;
        assert_error(status, &body, 400, "InvalidParameter");
    }
    emu.shutdown().await;
}
