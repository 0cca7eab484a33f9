//! The spec of AssociateAdditionalCertificatesWithListener holds every fact
//! of the seed documentation page (shared/seed).

use alb_codegen::ir::{ShapeKind, TypeIr, WaiterIr};
use alb_codegen::model::{AccessLevel, Role};
use alb_tests::main_spec_dir;

#[test]
fn associate_spec_holds_the_seed_page() {
    let spec = alb_codegen::load::load(&main_spec_dir()).unwrap_or_else(|e| panic!("{e}"));
    let api = alb_codegen::check::check(&spec).unwrap_or_else(|e| panic!("{e}"));
    let op = api
        .operations
        .iter()
        .find(|o| o.name == "AssociateAdditionalCertificatesWithListener")
        .expect("spec file exists");

    // Parameters.
    let p = |n: &str| {
        op.params
            .iter()
            .find(|m| m.wire == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let listener = p("ListenerId");
    assert!(listener.required);
    assert!(matches!(listener.ty, TypeIr::String(_)));
    assert_eq!(listener.example.as_deref(), Some("lsn-5qnirjhpt******"));
    assert_eq!(listener.values_from, ["ListListeners", "CreateListener"]);
    let certs = p("Certificates");
    assert!(certs.required);
    let TypeIr::List(list) = &certs.ty else {
        panic!("Certificates is a list")
    };
    assert_eq!((list.min_items, list.max_items), (Some(1), Some(15)));
    let TypeIr::Struct(cert) = list.item else {
        panic!("of objects")
    };
    // The shared `Certificate` shape.
    assert_eq!(api.shapes[cert].name, "Certificate");
    let ShapeKind::Struct { fields, .. } = &api.shapes[cert].kind else {
        panic!()
    };
    assert_eq!(fields[0].wire, "CertificateId");
    assert!(fields[0].required);
    assert_eq!(fields[0].example.as_deref(), Some("103705******"));
    let token = p("ClientToken");
    assert_eq!(token.role, Some(Role::IdempotencyToken));
    assert!(!token.required);
    let TypeIr::String(rules) = &token.ty else {
        panic!()
    };
    assert!(rules.ascii_only);
    assert_eq!(rules.max_len, Some(64));
    let dry = p("DryRun");
    assert_eq!(dry.role, Some(Role::DryRun));
    assert!(matches!(dry.ty, TypeIr::Boolean));
    assert_eq!(dry.default.as_deref(), Some("false"));

    // Response.
    let fields: Vec<&str> = op.response.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(fields, ["JobId", "RequestId"]);

    // Errors: 11 codes with status and message, from the catalogue.
    let errors: Vec<(u16, &str, &str)> = op
        .errors
        .iter()
        .map(|(id, _)| {
            let e = &api.errors[*id];
            (e.http_status, e.code.as_str(), e.message.as_str())
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                400,
                "IncorrectStatus.Listener",
                "The status of %s [%s] is incorrect."
            ),
            (
                400,
                "OperationDenied.DefaultCertificateUsed",
                "The operation is not allowed because of %s."
            ),
            (
                400,
                "OperationFailed.DefaultCertificateNotFound",
                "The operation failed because of %s."
            ),
            (
                400,
                "ResourceAlreadyAssociated.Certificate",
                "The specified resource %s is already associated."
            ),
            (
                400,
                "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
                "The quota of %s is exceeded for resource %s, usage %s/%s."
            ),
            (
                400,
                "OperationDenied.HttpListenerNotSupport",
                "The operation is not allowed because of %s."
            ),
            (
                400,
                "InvalidParameter",
                "Invalid parameter, please check the parameter input."
            ),
            // The catalogue keeps the wording most operations print; this
            // page's own wording is a noted variant (checked below).
            (
                400,
                "ResourceInConfiguring.Listener",
                "The specified resource of %s is being configured, please try again later."
            ),
            (
                403,
                "Forbidden.LoadBalancer",
                "Authentication is failed for %s."
            ),
            (
                404,
                "ResourceNotFound.Certificate",
                "The specified resource %s is not found."
            ),
            (
                404,
                "ResourceNotFound.Listener",
                "The specified resource %s is not found."
            ),
        ]
    );
    for (code, seed_wording) in [
        (
            "ResourceInConfiguring.Listener",
            "The specified resource %s is configuring, please try again later.",
        ),
        (
            "Forbidden.LoadBalancer",
            "Authentication has failed for LoadBalancer.",
        ),
    ] {
        let e = api.errors.iter().find(|e| e.code == code).unwrap();
        assert!(
            e.notes.iter().any(|n| n.contains(seed_wording)
                && n.contains("AssociateAdditionalCertificatesWithListener")),
            "{code}: the seed page's wording is not noted: {:?}",
            e.notes
        );
    }
    let retryable: Vec<&str> = op
        .errors
        .iter()
        .map(|(id, _)| &api.errors[*id])
        .filter(|e| e.retryable)
        .map(|e| e.code.as_str())
        .collect();
    assert_eq!(
        retryable,
        ["IncorrectStatus.Listener", "ResourceInConfiguring.Listener"]
    );

    // RAM.
    assert_eq!(
        op.ram.action,
        "alb:AssociateAdditionalCertificatesWithListener"
    );
    assert_eq!(op.ram.access_level, AccessLevel::Create);
    assert_eq!(op.ram.resources.len(), 1);
    assert_eq!(op.ram.resources[0].resource_type, "LoadBalancer");
    assert_eq!(
        op.ram.resources[0].arn,
        "acs:alb:{#regionId}:{#accountId}:loadbalancer/{#loadbalancerId}"
    );
    assert!(op.ram.condition_keys.is_empty());

    // Rate limit, async (with its waiter), history.
    assert_eq!(op.rate_limit, Some((200, 60)));
    let a = op.asynchronous.as_ref().expect("asynchronous");
    assert_eq!(a.job_id_field.as_deref(), Some("job_id"));
    let WaiterIr::State(w) = &a.waiter else {
        panic!("a state waiter")
    };
    assert_eq!(w.name, "CertificatesAssociated");
    assert_eq!(api.operations[w.poll].name, "ListListenerCertificates");
    assert_eq!(w.success, ["Associated"]);
    assert_eq!(w.pending, ["Associating"]);
    let history: Vec<&str> = op.history.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(history, ["2024-01-23", "2024-01-17", "2020-09-29"]);
    assert!(op.history[2].1.contains("Certificates"));
}

#[test]
fn generated_metadata_matches_the_spec() {
    use alb_sdk::associate_additional_certificates_with_listener as op;
    let meta = &op::META;
    assert_eq!(meta.name, "AssociateAdditionalCertificatesWithListener");
    assert_eq!(meta.api_version, "2020-06-16");
    assert_eq!(
        meta.rate_limit,
        Some(alb_runtime::RateLimit {
            requests: 200,
            per_seconds: 60
        })
    );
    assert!(meta.is_async);
    assert_eq!(
        meta.ram.action,
        "alb:AssociateAdditionalCertificatesWithListener"
    );
    assert_eq!(meta.ram.access_level, alb_runtime::AccessLevel::Create);
    assert_eq!(
        alb_sdk::ram::load_balancer_arn("cn-hangzhou", "123456", "alb-abc"),
        "acs:alb:cn-hangzhou:123456:loadbalancer/alb-abc"
    );
    use alb_runtime::OperationError;
    assert_eq!(
        op::AssociateAdditionalCertificatesWithListenerError::CODES.len(),
        11
    );
    assert_eq!(meta.idempotency_param, Some("ClientToken"));
    assert_eq!(meta.dry_run_param, Some("DryRun"));
}

#[test]
fn least_privilege_policy_names_exactly_the_actions() {
    use alb_sdk::ram;
    let ops = [
        ram::operation("AssociateAdditionalCertificatesWithListener").unwrap(),
        ram::operation("ListListenerCertificates").unwrap(),
    ];
    let doc: serde_json::Value =
        serde_json::from_str(&ram::least_privilege_policy(&ops, "cn-hangzhou", "123")).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    let mut actions: Vec<String> = statements
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "alb:AssociateAdditionalCertificatesWithListener",
            "alb:ListListenerCertificates"
        ]
    );
    assert_eq!(
        statements[0]["Resource"][0],
        "acs:alb:cn-hangzhou:123:loadbalancer/*"
    );
}
