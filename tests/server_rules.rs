//! The server side enforces the spec's rules too: a request sent by a
//! client that does not validate (raw HTTP, another SDK) is refused by the
//! generated dispatcher with every violation listed, before the service
//! implementation runs; a valid one reaches it. One case per rule kind,
//! from the fixture spec, which has them all.

use alb_runtime::server::RequestContext;
use alb_runtime::{Operation, ParamMap};
use fixture_sdk::create_widget::*;
use fixture_sdk::server::{dispatch, Service};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the calls that got through to the implementation.
#[derive(Default)]
struct Counting(AtomicUsize);

impl Service for Counting {
    async fn create_widget(
        &self,
        _ctx: &RequestContext,
        _request: CreateWidgetRequest,
    ) -> Result<CreateWidgetResponse, CreateWidgetError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(CreateWidgetResponse::default())
    }
}

fn ctx() -> RequestContext {
    RequestContext {
        request_id: "req-1".into(),
        access_key_id: "ak".into(),
        region: None,
    }
}

/// The wire parameters of a request as built, without the client's
/// checks, as the server receives them (plain pairs).
fn wire(builder: CreateWidgetRequestBuilder) -> Params {
    Params(
        builder
            .as_request()
            .to_params()
            .expect("serialises")
            .into_vec(),
    )
}

struct Params(Vec<(String, String)>);

impl Params {
    fn insert(&mut self, key: &str, value: &str) {
        self.remove(key);
        self.0.push((key.to_string(), value.to_string()));
    }
    fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k != key);
    }
    fn map(&self) -> ParamMap {
        ParamMap::new(self.0.iter().cloned())
    }
}

fn valid() -> CreateWidgetRequestBuilder {
    CreateWidgetRequest::builder()
        .load_balancer_id("alb-12345")
        .protocol(WidgetProtocol::Https)
        .port(443)
        .name("中文-name_1.x")
        .source_cidr("2001:db8::/32")
        .callback("https://example.com/hook")
        .ca_enabled(true)
        .ca_certificate_id("ca-1")
        .zone_id("z")
        .config(WidgetConfig::new().alias("a").enabled(true))
        .default_actions(DefaultAction::new(
            ActionType::ForwardGroup,
            ForwardGroupConfig::new(vec![ServerGroupTuple::new("sgp-1")]),
        ))
        .tag(Tag::new("env").value("prod"))
}

async fn run(
    service: &Counting,
    params: &Params,
) -> Result<serde_json::Value, alb_runtime::ErrorMetadata> {
    dispatch(service, &ctx(), "CreateWidget", &params.map()).await
}

#[tokio::test]
async fn a_valid_request_reaches_the_implementation() {
    let service = Counting::default();
    run(&service, &wire(valid())).await.expect("accepted");
    assert_eq!(service.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn every_rule_kind_is_enforced_on_the_server_with_every_violation_listed() {
    let service = Counting::default();
    let bad = CreateWidgetRequest::builder()
        .load_balancer_id("abc")
        .protocol("FTP")
        .port(0)
        .weight(20_000_000_000)
        .name("1bad name")
        .source_cidr("10.0.0.0/33")
        .callback("ftp://x")
        .ca_enabled(true)
        .zone_id("z")
        .v_switch_id("v")
        .names("x".repeat(11))
        .names("a")
        .names("b")
        .names("c")
        .config(WidgetConfig::new().alias("ü").enabled(true))
        .default_actions(DefaultAction::new("Other", ForwardGroupConfig::new(vec![])))
        .tag(Tag::new("aliyun-http://x"));
    let err = run(&service, &wire(bad)).await.unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.http_status),
        ("InvalidParameter", 400)
    );
    for expected in [
        "LoadBalancerId must be at least 5 character(s) long",
        "Protocol must be one of HTTP, HTTPS, QUIC",
        "Port must be >= 1",
        "Weight must be <= 10000000000",
        "Name must start with one of: letters, Chinese characters",
        "Name may contain only letters, digits, Chinese characters",
        "SourceCidr must be an IP address or a CIDR block",
        "Callback must be an http(s) URL",
        "Names must have at most 3 item(s)",
        "Names.1 must be at most 10 character(s) long",
        "Config.Alias must contain ASCII characters only",
        "DefaultActions.1.Type must be one of ForwardGroup, Redirect",
        // An empty object sends nothing, so the server misses the object.
        "DefaultActions.1.ForwardGroupConfig is required",
        "Tag.1.Key must not start with `aliyun`",
        "Tag.1.Key must not contain `http://`",
        "CaCertificateId is required when CaEnabled is true",
        "VSwitchId cannot be given together with ZoneId",
    ] {
        assert!(
            err.message.contains(expected),
            "missing {expected:?} in {}",
            err.message
        );
    }
    assert_eq!(
        service.0.load(Ordering::SeqCst),
        0,
        "refused before the implementation"
    );
}

#[tokio::test]
async fn each_rule_alone_is_refused_and_its_fix_accepted() {
    // (wire key, bad value, good value): one rule kind each.
    let cases: &[(&str, &str, &str)] = &[
        ("LoadBalancerId", "abc", "alb-99999"),      // length
        ("Protocol", "FTP", "QUIC"),                 // allowed values (enum)
        ("Port", "0", "1"),                          // range
        ("Port", "eighty", "80"),                    // type
        ("Name", "1abc", "abc"),                     // first character
        ("Name", "a b", "a-b"),                      // allowed characters
        ("SourceCidr", "10.0.0.0/33", "10.0.0.0/8"), // ip_or_cidr
        ("SourceCidr", "300.1.1.1", "10.1.1.1"),     // ip_or_cidr
        ("Callback", "ftp://x", "http://x.example"), // url
        ("Config.Alias", "ü", "u"),                  // ASCII only
        ("Tag.1.Key", "acs:x", "x"),                 // not_starts_with
        ("Tag.1.Key", "see https://x", "see x"),     // not_contains
    ];
    for (key, bad, good) in cases {
        let service = Counting::default();
        let mut params = wire(valid());
        params.insert(key, bad);
        let err = run(&service, &params).await.unwrap_err();
        assert_eq!(err.code, "InvalidParameter", "{key}={bad}: {}", err.message);
        assert!(err.message.contains(key), "{key}={bad}: {}", err.message);
        params.insert(key, good);
        run(&service, &params)
            .await
            .unwrap_or_else(|e| panic!("{key}={good} refused: {}", e.message));
        assert_eq!(service.0.load(Ordering::SeqCst), 1);
    }

    // Conditions: required_if and exclusive.
    let service = Counting::default();
    let mut params = wire(valid());
    params.remove("CaCertificateId");
    let err = run(&service, &params).await.unwrap_err();
    assert!(
        err.message
            .contains("CaCertificateId is required when CaEnabled is true"),
        "{}",
        err.message
    );
    params.insert("CaEnabled", "false");
    run(&service, &params)
        .await
        .expect("not required when false");
    params.insert("VSwitchId", "v");
    let err = run(&service, &params).await.unwrap_err();
    assert!(
        err.message
            .contains("VSwitchId cannot be given together with ZoneId"),
        "{}",
        err.message
    );
    params.remove("ZoneId");
    run(&service, &params).await.expect("exclusive alone");

    // A list with a gap in its numbering is refused too.
    let mut params = wire(valid());
    params.insert("Tag.3.Key", "late");
    let err = run(&Counting::default(), &params).await.unwrap_err();
    assert_eq!(err.code, "InvalidParameter", "{}", err.message);
}
