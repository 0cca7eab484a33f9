//! Listener rules: one listener per port and transport, the listener quota,
//! certificates of HTTPS and QUIC listeners, QUIC associations, additional
//! certificates and their quota, the certificate listing, health status,
//! ACL types.

use alb_runtime::server::Refusal;
use serde_json::{json, Value};

use crate::engine::json;
use crate::engine::store::internal;
use crate::engine::Cx;

fn has_certificates(protocol: &str) -> bool {
    matches!(protocol, "HTTPS" | "QUIC")
}

/// Two listeners clash when they share a port and a transport (TCP for
/// HTTP/HTTPS, UDP for QUIC).
fn same_transport(a: &str, b: &str) -> bool {
    (a == "QUIC") == (b == "QUIC")
}

fn target(cx: &Cx) -> Option<Value> {
    let id = cx.target.clone()?;
    cx.m.get("Listener", &id).cloned()
}

fn siblings<'m>(cx: &'m Cx, lb: &str) -> impl Iterator<Item = &'m Value> + 'm {
    let lb = lb.to_string();
    cx.m.all("Listener")
        .iter()
        .filter(move |l| l.get("LoadBalancerId").and_then(Value::as_str) == Some(lb.as_str()))
}

/// `ResourceAlreadyExist.Listener`: the port is taken on this transport.
pub fn port_clash(cx: &mut Cx) -> Result<(), Refusal> {
    let lb = cx.text("LoadBalancerId").unwrap_or_default();
    let protocol = cx.text("ListenerProtocol").unwrap_or_default();
    let port = cx.field("ListenerPort").and_then(Value::as_i64);
    let clash = siblings(cx, &lb).find(|l| {
        l.get("ListenerPort").and_then(Value::as_i64) == port
            && same_transport(
                l.get("ListenerProtocol")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                &protocol,
            )
    });
    if let Some(l) = clash {
        let id = l.get("ListenerId").and_then(json::text).unwrap_or_default();
        return Err(Refusal::new("ResourceAlreadyExist.Listener", [id]));
    }
    Ok(())
}

/// `ResourceQuotaExceeded.LoadBalancerListenersNum`.
pub fn quota(cx: &mut Cx) -> Result<(), Refusal> {
    let lb = cx.text("LoadBalancerId").unwrap_or_default();
    let quota =
        cx.m.get("LoadBalancer", &lb)
            .and_then(|r| json::get(r, &format!("{}.Listeners", internal::QUOTAS)))
            .and_then(Value::as_u64)
            .unwrap_or(u64::from(crate::DEFAULT_LISTENER_QUOTA)) as usize;
    let used = siblings(cx, &lb).count();
    if used >= quota {
        return Err(Refusal::new(
            "ResourceQuotaExceeded.LoadBalancerListenersNum",
            [
                "LoadBalancerListenersNum".to_string(),
                lb,
                (used + 1).to_string(),
                quota.to_string(),
            ],
        ));
    }
    Ok(())
}

/// An HTTPS or QUIC listener needs its default certificate (and gets the
/// default TLS policy); an HTTP one takes no certificates and no policy.
pub fn certificates(cx: &mut Cx) -> Result<(), Refusal> {
    let protocol = cx
        .text("ListenerProtocol")
        .or_else(|| target(cx).and_then(|l| l.get("ListenerProtocol").and_then(json::text)))
        .unwrap_or_default();
    let creating = cx.target.is_none();
    if creating && has_certificates(&protocol) {
        if json::list(&cx.req, "Certificates").is_empty() {
            return Err(Refusal::new::<String>("InvalidParameter", []));
        }
        if cx.field("SecurityPolicyId").is_none() {
            cx.req["SecurityPolicyId"] = json!("tls_cipher_policy_1_0");
        }
    }
    if creating && protocol == "HTTP" && cx.field("Http2Enabled").is_none() {
        cx.req["Http2Enabled"] = json!(false);
    }
    // Nor a TLS policy: `null` keeps the schema's default out of the record.
    if creating && protocol == "HTTP" && cx.field("SecurityPolicyId").is_none() {
        cx.req["SecurityPolicyId"] = Value::Null;
    }
    Ok(())
}

/// A QUIC listener to associate is on the same load balancer
/// (`OperationDenied.CrossLoadBalancerQUICListener`).
pub fn quic_association(cx: &mut Cx) -> Result<(), Refusal> {
    let Some(quic_id) = cx.text("QuicConfig.QuicListenerId") else {
        return Ok(());
    };
    let lb = cx
        .text("LoadBalancerId")
        .or_else(|| target(cx).and_then(|l| l.get("LoadBalancerId").and_then(json::text)))
        .unwrap_or_default();
    let Some(quic) = cx.m.get("Listener", &quic_id) else {
        return Err(Refusal::new("ResourceNotFound.Listener", [quic_id]));
    };
    if quic.get("LoadBalancerId").and_then(Value::as_str) != Some(lb.as_str()) {
        return Err(Refusal::new(
            "OperationDenied.CrossLoadBalancerQUICListener",
            ["CrossLoadBalancerQUICListener"],
        ));
    }
    Ok(())
}

/// Additional certificates are for HTTPS and QUIC listeners.
pub fn https_only(cx: &mut Cx) -> Result<(), Refusal> {
    if let Some(l) = target(cx) {
        if !has_certificates(
            l.get("ListenerProtocol")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ) {
            return Err(Refusal::new(
                "OperationDenied.HttpListenerNotSupport",
                ["HttpListenerNotSupport"],
            ));
        }
    }
    Ok(())
}

/// The listener has a default certificate, which is not among the
/// additional ones, and the load balancer's certificate quota holds.
pub fn additional_certificates(cx: &mut Cx) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let default = json::list(&l, "Certificates")
        .first()
        .and_then(|c| c.get("CertificateId"))
        .and_then(json::text);
    let Some(default) = default else {
        return Err(Refusal::new(
            "OperationFailed.DefaultCertificateNotFound",
            ["DefaultCertificateNotFound"],
        ));
    };
    let mut ids: Vec<String> = json::list(&cx.req, "Certificates")
        .iter()
        .filter_map(|c| c.get("CertificateId").and_then(json::text))
        .collect();
    ids.dedup();
    for id in &ids {
        if !cx.m.external_exists("certificate", id) {
            return Err(Refusal::new("ResourceNotFound.Certificate", [id.as_str()]));
        }
        if id == &default {
            return Err(Refusal::new(
                "OperationDenied.DefaultCertificateUsed",
                ["DefaultCertificateUsed"],
            ));
        }
    }
    let lb = l
        .get("LoadBalancerId")
        .and_then(json::text)
        .unwrap_or_default();
    let quota =
        cx.m.get("LoadBalancer", &lb)
            .and_then(|r| json::get(r, &format!("{}.Certificates", internal::QUOTAS)))
            .and_then(Value::as_u64)
            .unwrap_or(u64::from(crate::DEFAULT_CERTIFICATE_QUOTA)) as usize;
    let used: usize = siblings(cx, &lb)
        .map(|l| json::list(l, "AdditionalCertificates").len())
        .sum();
    let new = ids
        .iter()
        .filter(|id| {
            !json::list(&l, "AdditionalCertificates").iter().any(|c| {
                c.get("CertificateId").and_then(json::text).as_deref() == Some(id.as_str())
            })
        })
        .count();
    if new > 0 && used + new > quota {
        return Err(Refusal::new(
            "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
            [
                "LoadBalancerCertificatesNum".to_string(),
                lb,
                (used + new).to_string(),
                quota.to_string(),
            ],
        ));
    }
    Ok(())
}

/// The default certificate is not an additional one: it cannot be
/// dissociated (`OperationDenied.DefaultCertificateUsed`).
pub fn default_certificate_kept(cx: &mut Cx) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let defaults: Vec<String> = json::list(&l, "Certificates")
        .iter()
        .filter_map(|c| c.get("CertificateId").and_then(json::text))
        .collect();
    let named = json::list(&cx.req, "Certificates")
        .iter()
        .filter_map(|c| c.get("CertificateId").and_then(json::text))
        .any(|id| defaults.contains(&id));
    if named {
        return Err(Refusal::new(
            "OperationDenied.DefaultCertificateUsed",
            ["DefaultCertificateUsed"],
        ));
    }
    Ok(())
}

fn certificate_type(cx: &Cx, id: &str) -> String {
    cx.m.certificates
        .iter()
        .find(|c| c.certificate_id == id)
        .map_or_else(|| "Server".to_string(), |c| c.certificate_type.clone())
}

/// ListListenerCertificates: the default certificate first (`IsDefault`),
/// then the additional ones, each with its type; filters by
/// `CertificateIds` and `CertificateType`.
pub fn certificates_listing(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let mut items: Vec<Value> = Vec::new();
    for c in json::list(&l, "Certificates") {
        if let Some(id) = c.get("CertificateId").and_then(json::text) {
            items.push(json!({"CertificateId": id, "IsDefault": true, "Status": "Associated", "CertificateType": certificate_type(cx, &id)}));
        }
    }
    for c in json::list(&l, "AdditionalCertificates") {
        let id = c
            .get("CertificateId")
            .and_then(json::text)
            .unwrap_or_default();
        items.push(json!({
            "CertificateId": id,
            "IsDefault": false,
            "Status": c.get("Status").cloned().unwrap_or(json!("Associated")),
            "CertificateType": certificate_type(cx, &id),
        }));
    }
    let ids: Vec<String> = json::list(&cx.req, "CertificateIds")
        .iter()
        .filter_map(json::text)
        .collect();
    let kind = cx.text("CertificateType");
    items.retain(|i| {
        let id = i
            .get("CertificateId")
            .and_then(json::text)
            .unwrap_or_default();
        (ids.is_empty() || ids.contains(&id))
            && kind
                .as_deref()
                .is_none_or(|k| i.get("CertificateType").and_then(Value::as_str) == Some(k))
    });
    let page = crate::engine::verbs::page(cx, items, "Certificates")?;
    *out = page;
    Ok(())
}

/// GetListenerHealthStatus: every server of the groups the listener (and
/// its rules, with IncludeRule) forwards to is healthy.
pub fn health(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let infos = |actions: &[Value]| -> Vec<Value> {
        actions
            .iter()
            .flat_map(|a| json::list(a, "ForwardGroupConfig.ServerGroupTuples"))
            .filter_map(|t| t.get("ServerGroupId").and_then(json::text))
            .map(|sg| {
                let servers = cx.m.get("ServerGroup", &sg).map_or(0, |g| json::list(g, "Servers").len());
                json!({"ServerGroupId": sg, "ActionType": "ForwardGroup", "HealthCheckEnabled": "on", "ServerCount": servers, "NonNormalServers": []})
            })
            .collect()
    };
    let listener = json!({
        "ListenerId": l.get("ListenerId"),
        "ListenerPort": l.get("ListenerPort"),
        "ListenerProtocol": l.get("ListenerProtocol"),
        "ServerGroupInfos": infos(json::list(&l, "DefaultActions")),
    });
    let mut rules = Vec::new();
    if cx.field("IncludeRule").and_then(Value::as_bool) == Some(true) {
        let lid = l.get("ListenerId").and_then(json::text).unwrap_or_default();
        for r in cx.m.all("Rule") {
            if r.get("ListenerId").and_then(json::text).as_deref() == Some(lid.as_str()) {
                rules.push(json!({"RuleId": r.get("RuleId"), "ServerGroupInfos": infos(json::list(r, "RuleActions"))}));
            }
        }
    }
    *out = json!({"ListenerHealthStatus": [listener], "RuleHealthStatus": rules});
    Ok(())
}

/// A listener's ACLs are all of one type: associating more with another
/// type is refused.
pub fn acl_type_consistent(cx: &mut Cx) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let current = json::get(&l, "AclConfig.AclType").and_then(json::text);
    let has = !json::list(&l, "AclConfig.AclRelations").is_empty();
    let wanted = cx.text("AclType");
    if has && current.is_some() && wanted.is_some() && current != wanted {
        return Err(Refusal::new::<String>("InvalidParameter", []));
    }
    Ok(())
}

/// Custom headers and Xtrace in a listener's access logs need the load
/// balancer's access log on (`OperationDenied.AccessLogDisabled`).
pub fn logs_need_access_log(cx: &mut Cx) -> Result<(), Refusal> {
    let Some(l) = target(cx) else { return Ok(()) };
    let wanted = cx
        .field("AccessLogRecordCustomizedHeadersEnabled")
        .and_then(Value::as_bool)
        == Some(true)
        || cx
            .field("AccessLogTracingConfig.TracingEnabled")
            .and_then(Value::as_bool)
            == Some(true);
    let lb = l
        .get("LoadBalancerId")
        .and_then(json::text)
        .unwrap_or_default();
    let on =
        cx.m.get("LoadBalancer", &lb)
            .and_then(|r| json::get(r, "AccessLogConfig.LogStore"))
            .is_some();
    if wanted && !on {
        return Err(Refusal::new(
            "OperationDenied.AccessLogDisabled",
            ["AccessLogDisabled"],
        ));
    }
    Ok(())
}
