//! Wire serialization of generated requests, compared with the parameters
//! the official Python SDK builds for the same requests
//! (tests/python/flatten.py). Booleans differ only in case: the official
//! SDK sends `True`/`False`, we send `true`/`false` (both accepted).

use alb_runtime::Operation;
use std::collections::BTreeMap;

fn pairs<O: Operation>(r: &O) -> BTreeMap<String, String> {
    r.to_params().unwrap().into_vec().into_iter().collect()
}

fn rust_params() -> BTreeMap<String, BTreeMap<String, String>> {
    use alb_sdk::associate_additional_certificates_with_listener as assoc;
    use alb_sdk::create_listener as create;
    let mut out = BTreeMap::new();

    let mut r = assoc::AssociateAdditionalCertificatesWithListenerRequest::builder()
        .listener_id("lsn-1 ~*+/=&%?")
        .certificates(assoc::Certificate::new("c-1"))
        .certificates(assoc::Certificate::new("证书"))
        .certificates(assoc::Certificate::new(""))
        .client_token("tok-1")
        // An empty certificate ID fails validation; the wire still carries it.
        .as_request()
        .clone();
    *r.dry_run_mut().unwrap() = Some(true);
    out.insert(assoc::META.name.to_string(), pairs(&r));

    let r = create::CreateListenerRequest::builder()
        .load_balancer_id("alb-1")
        .listener_protocol("HTTPS")
        .listener_port(443)
        .request_timeout(60)
        .gzip_enabled(false)
        .certificates(create::Certificate::new("c-1"))
        .default_actions(create::DefaultAction::new(
            create::ForwardGroupConfig::new(vec![
                create::ServerGroupTuple::new("sgp-1"),
                create::ServerGroupTuple::new("sgp-2"),
            ]),
            "ForwardGroup",
        ))
        .x_forwarded_for_config(
            create::XForwardedForConfig::new()
                .x_forwarded_for_enabled(true)
                .x_forwarded_for_client_src_port_enabled(false),
        )
        .tag(create::Tag::new().key("env").value("prod"))
        .tag(create::Tag::new().key("team"))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut p = pairs(&r);
    // The only field the builder fills that Python leaves unset.
    p.remove("ClientToken");
    out.insert(create::META.name.to_string(), p);

    let r = alb_sdk::ListListenerCertificatesRequest::builder()
        .listener_id("lsn-1")
        .max_results(20)
        .next_token("t")
        .certificate_ids("a")
        .certificate_ids("b")
        .certificate_type("Server")
        .build()
        .unwrap();
    out.insert("ListListenerCertificates".into(), pairs(&r));
    out
}

#[test]
fn flattening_matches_the_official_python_sdk() {
    let ours = rust_params();
    let Some(python) = alb_tests::python() else {
        return;
    };
    let script = alb_tests::workspace_root().join("tests/python/flatten.py");
    let out = std::process::Command::new(python)
        .arg(script)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_slice(&out.stdout).unwrap();
    for (action, params) in &theirs {
        let normalized: BTreeMap<String, String> = params
            .iter()
            .map(|(k, v)| {
                let v = match v.as_str() {
                    "True" => "true".to_string(),
                    "False" => "false".to_string(),
                    _ => v.clone(),
                };
                (k.clone(), v)
            })
            .collect();
        assert_eq!(ours.get(action), Some(&normalized), "{action}");
    }
    assert_eq!(ours.len(), theirs.len());
}

#[test]
fn stable_order_and_one_based_indices() {
    let ours = rust_params();
    let assoc = &ours["AssociateAdditionalCertificatesWithListener"];
    assert_eq!(assoc["Certificates.1.CertificateId"], "c-1");
    assert_eq!(assoc["Certificates.3.CertificateId"], "");
    assert_eq!(assoc["DryRun"], "true");
    // Written in spec order, deterministically.
    let r = alb_sdk::AssociateAdditionalCertificatesWithListenerRequest::builder()
        .listener_id("l")
        .certificates(
            alb_sdk::associate_additional_certificates_with_listener::Certificate::new("a"),
        )
        .client_token("t")
        .build()
        .unwrap();
    let keys: Vec<String> = alb_runtime::wire::to_params(&r)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys,
        ["ListenerId", "Certificates.1.CertificateId", "ClientToken"]
    );
    // The map the client validates and signs is sorted by key.
    let sorted: Vec<String> = r
        .to_params()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(
        sorted,
        ["Certificates.1.CertificateId", "ClientToken", "ListenerId"]
    );
}

#[test]
fn server_side_parsing_round_trips_and_accepts_python_booleans() {
    use alb_runtime::ParamMap;
    type Req = alb_sdk::AssociateAdditionalCertificatesWithListenerRequest;
    let cert = alb_sdk::associate_additional_certificates_with_listener::Certificate::new;
    let r = Req::builder()
        .listener_id("l")
        .certificates(cert("a"))
        .certificates(cert("b"))
        .build()
        .unwrap();
    let received = ParamMap::new(r.to_params().unwrap().into_vec());
    let parsed: Req = alb_runtime::server::parse_request(&received).unwrap();
    assert_eq!(parsed, r);

    let wire = |pairs: &[(&str, &str)]| {
        ParamMap::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };
    let p: Req = alb_runtime::server::parse_request(&wire(&[
        ("ListenerId", "l"),
        ("Certificates.1.CertificateId", "a"),
        ("DryRun", "True"),
    ]))
    .unwrap();
    assert_eq!(p.dry_run, Some(true));

    let bad = wire(&[
        ("Certificates.1.CertificateId", "a"),
        ("Certificates.3.CertificateId", "c"),
        ("DryRun", "maybe"),
    ]);
    let meta = <Req as Operation>::META;
    let e = alb_runtime::validate(meta.input, &bad, meta.name, true).unwrap_err();
    let got: Vec<String> = e
        .violations
        .iter()
        .map(|v| format!("{} {}", v.wire_name(), v.rule))
        .collect();
    assert_eq!(
        got,
        [
            "ListenerId is required",
            "Certificates list indices must be 1, 2, ... without gaps",
            "DryRun must be a valid boolean",
        ]
    );
    // What a server answers: InvalidParameter listing them all.
    let answer = alb_runtime::server::parse_request::<Req>(&bad).unwrap_err();
    assert_eq!(answer.code, "InvalidParameter");
    assert!(
        answer.message.contains("ListenerId is required"),
        "{}",
        answer.message
    );
}
