//! The spec of AssociateAdditionalCertificatesWithListener holds every fact
//! of the seed documentation page (shared/seed).

use alb_codegen::model::{AccessLevel, Role, Type};
use alb_tests::main_spec_dir;

#[test]
fn associate_spec_holds_the_seed_page() {
    let spec = alb_codegen::load::load(&main_spec_dir()).unwrap_or_else(|e| panic!("{e}"));
    alb_codegen::check::check(&spec).unwrap_or_else(|e| panic!("{e}"));
    let op = &spec
        .operations
        .iter()
        .find(|(_, o)| o.name == "AssociateAdditionalCertificatesWithListener")
        .expect("spec file exists")
        .1;

    // Parameters.
    let p = |n: &str| {
        op.parameters
            .iter()
            .find(|m| m.name.as_deref() == Some(n))
            .unwrap_or_else(|| panic!("{n}"))
    };
    let listener = p("ListenerId");
    assert!(listener.required);
    assert_eq!(listener.ty, Type::String);
    assert_eq!(
        listener.example.as_ref().unwrap().to_string(),
        "lsn-5qnirjhpt******"
    );
    assert_eq!(listener.values_from, ["ListListeners", "CreateListener"]);
    let certs = p("Certificates");
    assert!(certs.required);
    assert_eq!((certs.min_items, certs.max_items), (Some(1), Some(15)));
    let item = certs.items.as_deref().unwrap();
    assert_eq!(item.ty, Type::Object);
    let cert_id = &item.fields[0];
    assert_eq!(cert_id.name.as_deref(), Some("CertificateId"));
    assert!(cert_id.required);
    assert_eq!(
        cert_id.example.as_ref().unwrap().to_string(),
        "103705******"
    );
    let token = p("ClientToken");
    assert_eq!(token.role, Some(Role::IdempotencyToken));
    assert!(token.ascii_only && !token.required);
    assert_eq!(token.max_length, Some(64));
    let dry = p("DryRun");
    assert_eq!((dry.role, dry.ty), (Some(Role::DryRun), Type::Boolean));
    assert_eq!(dry.default.as_ref().unwrap().to_string(), "false");

    // Response.
    let fields: Vec<_> = op
        .response
        .fields
        .iter()
        .filter_map(|f| f.name.as_deref())
        .collect();
    assert_eq!(fields, ["JobId", "RequestId"]);

    // Errors: 11 codes with status and message.
    let errors: Vec<(u16, &str, &str)> = op
        .errors
        .iter()
        .map(|e| (e.http_status, e.code.as_str(), e.message.as_str()))
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
            (
                400,
                "ResourceInConfiguring.Listener",
                "The specified resource %s is configuring, please try again later."
            ),
            (
                403,
                "Forbidden.LoadBalancer",
                "Authentication has failed for LoadBalancer."
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
    let retryable: Vec<&str> = op
        .errors
        .iter()
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
    assert!(op.ram.condition_keys.is_empty() && op.ram.related_actions.is_empty());

    // Rate limit, async, history.
    let rl = op.rate_limit.unwrap();
    assert_eq!((rl.requests, rl.per_seconds), (200, 60));
    let a = op.asynchronous.as_ref().expect("asynchronous");
    assert_eq!(a.job_id_field, "JobId");
    assert_eq!(a.status_operation, "GetListenerAttribute");
    assert_eq!(a.pending_states, ["Associating"]);
    assert_eq!(a.success_states, ["Associated"]);
    let history: Vec<&str> = op.history.iter().map(|h| h.date.as_str()).collect();
    assert_eq!(history, ["2024-01-23", "2024-01-17", "2020-09-29"]);
    assert!(op.history[2].change.contains("Certificates"));
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
        op::load_balancer_arn("cn-hangzhou", "123456", "alb-abc"),
        "acs:alb:cn-hangzhou:123456:loadbalancer/alb-abc"
    );
    assert_eq!(op::ERRORS.len(), 11);
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
