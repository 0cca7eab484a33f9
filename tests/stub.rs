//! A user's code tested against a stub of the service: no network, no
//! emulator. The stub implements only the operations the test needs; the
//! client still validates, sends wire parameters, decodes answers and maps
//! errors as it does for the real service.

use alb_runtime::server::RequestContext;
use alb_runtime::{RetryPolicy, SdkError};
use alb_sdk::prelude::*;
use alb_sdk::server::Service;
use alb_sdk::types::Listener;
use alb_sdk::{
    GetListenerAttributeError, GetListenerAttributeRequest, GetListenerAttributeResponse,
    ListListenersError, ListListenersRequest, ListListenersResponse,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// 45 listeners in pages of `MaxResults`; one known listener by ID.
#[derive(Default, Clone)]
struct Stub {
    calls: Arc<AtomicUsize>,
    throttle_first: bool,
}

impl Service for Stub {
    async fn list_listeners(
        &self,
        _ctx: &RequestContext,
        request: ListListenersRequest,
    ) -> Result<ListListenersResponse, ListListenersError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let start: usize = request
            .next_token
            .as_deref()
            .map_or(0, |t| t.parse().unwrap());
        let size = request.max_results.unwrap_or(20) as usize;
        let end = (start + size).min(45);
        let mut out = ListListenersResponse::default();
        out.listeners = (start..end)
            .map(|i| {
                let mut l = Listener::default();
                l.listener_id = Some(format!("lsn-{i:02}"));
                l
            })
            .collect();
        out.next_token = (end < 45).then(|| end.to_string());
        out.total_count = Some(45);
        Ok(out)
    }

    async fn get_listener_attribute(
        &self,
        _ctx: &RequestContext,
        request: GetListenerAttributeRequest,
    ) -> Result<GetListenerAttributeResponse, GetListenerAttributeError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.throttle_first && n == 0 {
            return Err(GetListenerAttributeError::from_code("Throttling.User", &[]));
        }
        match request.listener_id.as_deref() {
            Some("lsn-known") => {
                let mut out = GetListenerAttributeResponse::default();
                out.listener_id = request.listener_id;
                out.listener_port = Some(443);
                Ok(out)
            }
            other => Err(GetListenerAttributeError::from_code(
                "ResourceNotFound.Listener",
                &[other.unwrap_or_default()],
            )),
        }
    }
}

#[tokio::test]
async fn user_code_runs_against_a_stub() {
    let stub = Stub::default();
    let client = alb_sdk::Client::from_stub(stub.clone());

    // Answers decode into the typed responses.
    let out = client
        .get_listener_attribute()
        .listener_id("lsn-known")
        .send()
        .await
        .unwrap();
    assert_eq!(out.listener_port, Some(443));

    // The stub's documented error is the operation's typed variant.
    let err = client
        .get_listener_attribute()
        .listener_id("lsn-other")
        .send()
        .await
        .unwrap_err();
    match &err {
        SdkError::Service(GetListenerAttributeError::ResourceNotFoundListener(meta)) => {
            assert_eq!(meta.http_status, 404);
            assert!(meta.message.contains("lsn-other"));
        }
        other => panic!("expected the typed not-found error, got {other:?}"),
    }

    // Validation runs before the stub: an invalid request never reaches it.
    let before = stub.calls.load(Ordering::SeqCst);
    let err = client.get_listener_attribute().send().await.unwrap_err();
    assert!(matches!(err, SdkError::Validation(_)), "{err:?}");
    assert_eq!(stub.calls.load(Ordering::SeqCst), before);

    // An operation the stub does not implement answers a clear error, once.
    let err = client.list_acls().send().await.unwrap_err();
    let meta = err
        .service_error()
        .expect("a service error")
        .metadata()
        .clone();
    assert_eq!(
        (meta.code.as_str(), meta.http_status),
        ("OperationNotSupported", 501)
    );
    assert!(meta.message.contains("ListAcls"), "{}", meta.message);
}

#[tokio::test]
async fn paginators_over_a_stub_without_pinning() {
    let client = alb_sdk::Client::from_stub(Stub::default());
    // Pages, as written: no Box::pin, no import for `next()`.
    let mut pages = client
        .list_listeners()
        .into_paginator()
        .page_size(20)
        .pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().listeners.len());
    }
    assert_eq!(sizes, [20, 20, 5]);
    // Every item in one call.
    let all = client
        .list_listeners()
        .into_paginator()
        .page_size(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 45);
    assert_eq!(all[44].listener_id.as_deref(), Some("lsn-44"));
    // Items one by one.
    let mut items = client.list_listeners().into_paginator().items();
    let first = items.next().await.unwrap().unwrap();
    assert_eq!(first.listener_id.as_deref(), Some("lsn-00"));
}

#[tokio::test]
async fn a_stub_can_keep_the_retry_policy() {
    let stub = Stub {
        throttle_first: true,
        ..Default::default()
    };
    let config = alb_runtime::Config {
        retry: RetryPolicy::default()
            .with_max_attempts(3)
            .with_backoff(
                std::time::Duration::from_millis(1),
                std::time::Duration::from_millis(2),
            )
            .with_jitter(false),
        ..Default::default()
    };
    let client = alb_sdk::Client::from_stub_with(stub.clone(), config);
    let out = client
        .get_listener_attribute()
        .listener_id("lsn-known")
        .send()
        .await
        .unwrap();
    assert_eq!(out.listener_id.as_deref(), Some("lsn-known"));
    assert_eq!(
        stub.calls.load(Ordering::SeqCst),
        2,
        "throttled once, then retried"
    );

    // Without retries (from_stub), the throttling error is the call's.
    let client = alb_sdk::Client::from_stub(Stub {
        throttle_first: true,
        ..Default::default()
    });
    let err = client
        .get_listener_attribute()
        .listener_id("lsn-known")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_throttling(), "{err:?}");
    // One way to the operation's typed error, whatever the path.
    let typed = err.into_service_error().expect("the operation's error");
    assert_eq!(typed.code(), "Throttling.User");
}
