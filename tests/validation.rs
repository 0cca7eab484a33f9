//! Client-side validation of the generated request types.

use alb_runtime::{Operation, OperationError, Rule};
use alb_sdk::associate_additional_certificates_with_listener::{
    AssociateAdditionalCertificatesWithListenerError as AssocError,
    AssociateAdditionalCertificatesWithListenerRequest as Req, Certificate,
};

fn with_certs(n: usize) -> alb_sdk::AssociateAdditionalCertificatesWithListenerRequestBuilder {
    let mut b = Req::builder().listener_id("lsn-1");
    for i in 0..n {
        b = b.certificates(Certificate::new(format!("cert-{i}")));
    }
    b
}

#[test]
fn certificate_count_limits() {
    for ok in [1, 15] {
        assert!(
            with_certs(ok).build().is_ok(),
            "{ok} certificates must be accepted"
        );
    }
    let e = with_certs(16).build().unwrap_err();
    assert_eq!(e.violations.len(), 1);
    assert_eq!(e.violations[0].path(), "Certificates");
    assert_eq!(
        e.violations[0].rule,
        Rule::MaxItems {
            max: 15,
            actual: 16
        }
    );

    // Zero: an empty list sends nothing, so a required list is missing.
    let e = Req::builder().listener_id("lsn-1").build().unwrap_err();
    assert_eq!(e.violations[0].path(), "Certificates");
    assert_eq!(e.violations[0].rule, Rule::Required);
}

#[test]
fn listener_id_required_and_every_violation_listed() {
    let e = Req::builder().build().unwrap_err();
    let paths: Vec<String> = e.violations.iter().map(|v| v.path()).collect();
    assert_eq!(paths, ["ListenerId", "Certificates"]);
    assert!(e.to_string().contains("2 violations"), "{e}");

    // A nested required field: path with index, and the wire name.
    let mut c = Certificate::new("x");
    c.certificate_id = None;
    let e = Req::builder()
        .certificates(Certificate::new("a"))
        .certificates(c)
        .build()
        .unwrap_err();
    let v = e
        .violations
        .iter()
        .find(|v| v.path() == "Certificates[1].CertificateId")
        .expect("nested violation");
    assert_eq!(v.wire_name(), "Certificates.2.CertificateId");
    assert_eq!(v.rule, Rule::Required);
}

#[test]
fn empty_listener_id_is_refused() {
    // The service treats an empty required value as missing.
    let e = with_certs(1).listener_id("").build().unwrap_err();
    assert_eq!(e.violations.len(), 1);
    assert_eq!(e.violations[0].path(), "ListenerId");
    assert_eq!(e.violations[0].rule, Rule::Required);
    let e = Req::builder()
        .listener_id("l")
        .certificates(Certificate::new(""))
        .build()
        .unwrap_err();
    assert_eq!(e.violations[0].path(), "Certificates[0].CertificateId");
}

#[test]
fn client_token_length_and_ascii() {
    let ok = with_certs(1).client_token("a".repeat(64)).build();
    assert!(ok.is_ok());
    let e = with_certs(1)
        .client_token("a".repeat(65))
        .build()
        .unwrap_err();
    assert_eq!(
        e.violations[0].rule,
        Rule::MaxLength {
            max: 64,
            actual: 65
        }
    );
    let e = with_certs(1).client_token("tökén").build().unwrap_err();
    assert_eq!(e.violations[0].path(), "ClientToken");
    assert_eq!(e.violations[0].rule, Rule::AsciiOnly);
    // Every violation at once: missing certificates, length and ASCII.
    let e = with_certs(0)
        .client_token("é".repeat(65))
        .build()
        .unwrap_err();
    assert_eq!(e.violations.len(), 3, "{e}");
}

#[test]
fn fixture_constraints_of_every_kind() {
    use fixture_sdk::create_widget::*;
    let e = CreateWidgetRequest::builder()
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
        .tag(Tag::new("aliyun-http://x"))
        .build()
        .unwrap_err();
    let got: Vec<String> = e.violations.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        got,
        [
            "LoadBalancerId must be at least 5 character(s) long, is 3",
            "Protocol must be one of HTTP, HTTPS, QUIC",
            "Port must be >= 1, is 0",
            "Weight must be <= 10000000000, is 20000000000",
            "Name must start with one of: letters, Chinese characters",
            "Name may contain only letters, digits, Chinese characters, `.`, `_`, `-`; found ' '",
            "SourceCidr must be an IP address or a CIDR block",
            "Callback must be an http(s) URL",
            "Names must have at most 3 item(s), has 4",
            "Names[0] must be at most 10 character(s) long, is 11",
            "Config.Alias must contain ASCII characters only",
            "DefaultActions[0].Type must be one of ForwardGroup, Redirect",
            "DefaultActions[0].ForwardGroupConfig.ServerGroupTuples is required",
            "Tag[0].Key must not start with `aliyun`",
            "Tag[0].Key must not contain `http://`",
            "CaCertificateId is required when CaEnabled is true",
            "VSwitchId cannot be given together with ZoneId",
        ]
    );
    // Each rule kind also accepts what it should.
    let ok = CreateWidgetRequest::builder()
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
        .build();
    assert!(ok.is_ok(), "{ok:?}");
    // A condition on a nested object names its path.
    let e = CreateWidgetRequest::builder()
        .load_balancer_id("alb-12345")
        .protocol("HTTP")
        .port(80)
        .config(WidgetConfig::new().enabled(true))
        .default_actions(DefaultAction::new(
            "ForwardGroup",
            ForwardGroupConfig::new(vec![ServerGroupTuple::new("sgp-1")]),
        ))
        .build()
        .unwrap_err();
    assert_eq!(
        e.violations[0].to_string(),
        "Config.Alias is required when Enabled is true"
    );
    // The keyword field is reachable as r#type.
    let r = CreateWidgetRequest::builder().r#type("t");
    assert_eq!(r.as_request().r#type.as_deref(), Some("t"));
}

#[test]
fn a_use_may_narrow_an_enum() {
    use fixture_sdk::list_widgets::*;
    assert!(ListWidgetsRequest::builder()
        .protocol("HTTP")
        .build()
        .is_ok());
    let e = ListWidgetsRequest::builder()
        .protocol(WidgetProtocol::Quic)
        .build()
        .unwrap_err();
    assert_eq!(
        e.violations[0].to_string(),
        "Protocol must be one of HTTP, HTTPS"
    );
    // The common MaxResults, narrowed to 100 here.
    let e = ListWidgetsRequest::builder()
        .max_results(101)
        .build()
        .unwrap_err();
    assert_eq!(
        e.violations[0].to_string(),
        "MaxResults must be <= 100, is 101"
    );
    assert!(ListWidgetsRequest::builder()
        .max_results(0)
        .build()
        .is_err());
}

#[test]
fn enums_decode_unknown_values_and_round_trip() {
    use fixture_sdk::types::{WidgetProtocol, WidgetStatus};
    let s: WidgetStatus = serde_json::from_str("\"Active\"").unwrap();
    assert_eq!(s, WidgetStatus::Active);
    let new: WidgetStatus = serde_json::from_str("\"Hibernating\"").unwrap();
    assert_eq!(new, WidgetStatus::Unknown("Hibernating".into()));
    assert_eq!(new.as_str(), "Hibernating");
    assert_eq!(serde_json::to_string(&new).unwrap(), "\"Hibernating\"");
    assert_eq!(
        "HTTPS".parse::<WidgetProtocol>().unwrap(),
        WidgetProtocol::Https
    );
    assert_eq!(WidgetProtocol::Quic.to_string(), "QUIC");
    assert_eq!(WidgetProtocol::VALUES, ["HTTP", "HTTPS", "QUIC"]);
    // A response with an unknown enum value still decodes.
    let out: fixture_sdk::GetWidgetResponse =
        serde_json::from_str(r#"{"Status":"Brand-New","Protocol":"HTTP","Tags":null}"#).unwrap();
    assert_eq!(out.status, Some(WidgetStatus::Unknown("Brand-New".into())));
    assert!(out.tags.is_empty());
}

#[test]
fn errors_parse_from_status_and_body() {
    let body = br#"{"RequestId":"R1","HostId":"alb.cn-hangzhou.aliyuncs.com","Code":"ResourceQuotaExceeded.LoadBalancerCertificatesNum","Message":"The quota of LoadBalancerCertificatesNum is exceeded for resource alb-1, usage 26/25.","Recommend":"https://api.aliyun.com/troubleshoot?q=x"}"#;
    let meta = alb_runtime::ErrorMetadata::from_body(400, body).unwrap();
    let e = <AssocError as alb_runtime::OperationError>::from_metadata(meta);
    assert!(e.is_resource_quota_exceeded_load_balancer_certificates_num());
    assert_eq!(
        e.code(),
        "ResourceQuotaExceeded.LoadBalancerCertificatesNum"
    );
    assert_eq!(e.http_status(), 400);
    assert_eq!(e.request_id(), Some("R1"));
    assert_eq!(
        e.metadata().host_id.as_deref(),
        Some("alb.cn-hangzhou.aliyuncs.com")
    );
    assert_eq!(
        e.template_args().unwrap(),
        ["LoadBalancerCertificatesNum", "alb-1", "26", "25"]
    );
    assert!(!e.is_retryable());

    let retry = AssocError::from_code("ResourceInConfiguring.Listener", &["lsn-1"]);
    assert!(retry.is_retryable());
    assert_eq!(
        retry.metadata().message,
        "The specified resource of lsn-1 is being configured, please try again later."
    );

    let common = AssocError::from_code("Throttling.User", &[]);
    assert!(matches!(common, AssocError::Common(_)) && common.is_retryable());
    let unknown = AssocError::from_code("Brand.New", &["x"]);
    assert!(matches!(unknown, AssocError::Unknown(_)));
    assert_eq!(unknown.code(), "Brand.New");
}

#[test]
fn every_documented_code_maps_to_its_own_variant() {
    for info in AssocError::CODES {
        let e = AssocError::from_code(info.code, &["a", "b", "c", "d"]);
        assert!(
            !matches!(e, AssocError::Unknown(_) | AssocError::Common(_)),
            "{}",
            info.code
        );
        assert_eq!(e.http_status(), info.http_status);
        assert_eq!(e.message_template(), Some(info.message));
    }
}

#[test]
fn operation_trait_roles() {
    let mut r = with_certs(1).build().unwrap();
    assert!(r.idempotency_token_mut().is_some());
    assert_eq!(r.dry_run_mut().map(|d| *d), Some(None));
    assert!(<Req as Operation>::META.is_async);
}
