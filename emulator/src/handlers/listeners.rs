//! Listeners: get, list, create, delete, start, stop, update.

use alb_runtime::server::RequestContext;
use alb_sdk::create_listener as create_op;
use alb_sdk::delete_listener as delete_op;
use alb_sdk::get_listener_attribute as get_op;
use alb_sdk::list_listeners as list_op;
use alb_sdk::start_listener as start_op;
use alb_sdk::stop_listener as stop_op;
use alb_sdk::update_listener_attribute as update_op;

use super::{
    check_access, check_listener_status, check_load_balancer, find_listener, paginate, Denial,
    Outcome,
};
use crate::model::{status, Effect, Model};
use crate::state::{ListenerState, Tag};
use alb_runtime::OperationError;
use alb_sdk::types;

fn has_certificates(protocol: &str) -> bool {
    matches!(protocol, "HTTPS" | "QUIC")
}

/// `GetListenerAttribute`: every field the listener was given.
pub fn get_attribute(
    m: &mut Model,
    ctx: &RequestContext,
    req: get_op::GetListenerAttributeRequest,
) -> Outcome<get_op::GetListenerAttributeResponse> {
    let listener_id = req.listener_id.unwrap_or_default();
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        get_op::GetListenerAttributeError::CODES,
    )?;

    let mut out = get_op::GetListenerAttributeResponse::default();
    out.listener_id = Some(l.listener_id.clone());
    out.load_balancer_id = Some(l.load_balancer_id.clone());
    out.listener_protocol = Some(l.listener_protocol.as_str().into());
    out.listener_port = Some(l.listener_port);
    out.listener_status = Some(l.listener_status.as_str().into());
    out.listener_description = l.listener_description.clone();
    out.request_timeout = Some(l.request_timeout);
    out.idle_timeout = Some(l.idle_timeout);
    out.gzip_enabled = Some(l.gzip_enabled);
    out.http2_enabled = Some(l.http2_enabled);
    out.ca_enabled = Some(l.ca_enabled);
    if has_certificates(&l.listener_protocol) {
        out.security_policy_id = l.security_policy_id.clone();
    }
    out.certificates = l
        .default_certificate_id
        .iter()
        .map(|id| {
            let mut c = types::ListenerCertificate::default();
            c.certificate_id = Some(id.clone());
            c
        })
        .collect();
    out.ca_certificates = l
        .ca_certificate_ids
        .iter()
        .map(|id| {
            let mut c = types::CaCertificate::new();
            c.certificate_id = Some(id.clone());
            c.status = Some(status::ASSOCIATED.into());
            c.is_default = Some(true);
            c
        })
        .collect();
    out.default_actions = default_actions(l);
    out.x_forwarded_for_config = Some(
        l.x_forwarded_for_config
            .clone()
            .unwrap_or_else(|| types::XForwardedForConfig::new().x_forwarded_for_enabled(true)),
    );
    out.quic_config = l.quic_config.clone();
    out.tags = tags(l);
    Ok(out)
}

fn tags(l: &ListenerState) -> Vec<types::Tag> {
    l.tags
        .iter()
        .map(|t| {
            types::Tag::new()
                .key(t.key.as_str())
                .value(t.value.as_str())
        })
        .collect()
}

fn default_actions(l: &ListenerState) -> Vec<types::DefaultAction> {
    if l.default_server_group_ids.is_empty() {
        return Vec::new();
    }
    let mut fwd = types::ForwardGroupConfig::new(Vec::new());
    fwd.server_group_tuples = l
        .default_server_group_ids
        .iter()
        .map(|id| types::ServerGroupTuple::new(id.as_str()))
        .collect();
    vec![types::DefaultAction::new(
        fwd,
        types::DefaultActionType::ForwardGroup,
    )]
}

fn list_item(l: &ListenerState) -> types::Listener {
    let mut out = types::Listener::default();
    out.listener_id = Some(l.listener_id.clone());
    out.load_balancer_id = Some(l.load_balancer_id.clone());
    out.listener_protocol = Some(l.listener_protocol.as_str().into());
    out.listener_port = Some(l.listener_port);
    out.listener_status = Some(l.listener_status.clone());
    out.listener_description = l.listener_description.clone();
    out.request_timeout = Some(l.request_timeout);
    out.idle_timeout = Some(l.idle_timeout);
    out.gzip_enabled = Some(l.gzip_enabled);
    out.http2_enabled = Some(l.http2_enabled);
    if has_certificates(&l.listener_protocol) {
        out.security_policy_id = l.security_policy_id.clone();
    }
    out.default_actions = default_actions(l);
    out.x_forwarded_for_config = l.x_forwarded_for_config.clone();
    out.quic_config = l.quic_config.clone();
    out.tags = tags(l);
    out
}

/// `ListListeners`: filtered by ListenerIds, LoadBalancerIds,
/// ListenerProtocol and Tag (every tag must match), in creation order.
pub fn list(
    m: &mut Model,
    ctx: &RequestContext,
    req: list_op::ListListenersRequest,
) -> Outcome<list_op::ListListenersResponse> {
    let listener_ids = Some(req.listener_ids.clone()).filter(|v| !v.is_empty());
    let lb_ids = Some(req.load_balancer_ids.clone()).filter(|v| !v.is_empty());
    let protocol = req
        .listener_protocol
        .as_ref()
        .map(|p| p.as_str().to_string());
    let tags: Vec<(String, Option<String>)> = req
        .tag
        .clone()
        .into_iter()
        .filter_map(|t| Some((t.key?, t.value)))
        .collect();
    // Naming a load balancer the caller may not see is an error; otherwise
    // its listeners are just left out.
    for id in lb_ids.iter().flatten() {
        check_access(m, id, ctx, list_op::ListListenersError::CODES)?;
    }
    let items: Vec<list_op::Listener> = m
        .listeners
        .iter()
        .filter(|l| {
            check_access(
                m,
                &l.load_balancer_id,
                ctx,
                list_op::ListListenersError::CODES,
            )
            .is_ok()
        })
        .filter(|l| {
            listener_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&l.listener_id))
        })
        .filter(|l| {
            lb_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&l.load_balancer_id))
        })
        .filter(|l| protocol.as_deref().is_none_or(|p| l.listener_protocol == p))
        .filter(|l| {
            tags.iter().all(|(k, v)| {
                l.tags
                    .iter()
                    .any(|t| &t.key == k && v.as_ref().is_none_or(|v| &t.value == v))
            })
        })
        .map(list_item)
        .collect();
    let scope = format!("ListListeners\n{listener_ids:?}\n{lb_ids:?}\n{protocol:?}\n{tags:?}");
    let page = paginate(items, &scope, req.next_token.as_deref(), req.max_results)?;
    let mut out = list_op::ListListenersResponse::default();
    out.listeners = page.items;
    out.max_results = Some(page.max_results);
    out.next_token = page.next_token;
    out.total_count = Some(page.total as i32);
    Ok(out)
}

/// Two listeners clash when they share a port and a transport (TCP for
/// HTTP/HTTPS, UDP for QUIC).
fn same_transport(a: &str, b: &str) -> bool {
    (a == "QUIC") == (b == "QUIC")
}

/// `CreateListener`: `Provisioning`, then `Running` after the job delay.
pub fn create(
    m: &mut Model,
    ctx: &RequestContext,
    req: create_op::CreateListenerRequest,
) -> Outcome<create_op::CreateListenerResponse> {
    let lb_id = req.load_balancer_id.clone().unwrap_or_default();
    let protocol = req
        .listener_protocol
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let port = req.listener_port.unwrap_or_default();
    check_load_balancer(m, &lb_id)?;
    check_access(m, &lb_id, ctx, create_op::CreateListenerError::CODES)?;
    let siblings: Vec<&ListenerState> = m
        .listeners
        .iter()
        .filter(|l| l.load_balancer_id == lb_id)
        .collect();
    if let Some(clash) = siblings
        .iter()
        .find(|l| l.listener_port == port && same_transport(&l.listener_protocol, &protocol))
    {
        return Err(Denial::new(
            "ResourceAlreadyExist.Listener",
            [clash.listener_id.as_str()],
        ));
    }
    let quota = m.load_balancer(&lb_id).map_or(0, |lb| lb.listener_quota) as usize;
    if siblings.len() >= quota {
        return Err(Denial::new(
            "ResourceQuotaExceeded.LoadBalancerListenersNum",
            [
                "LoadBalancerListenersNum".to_string(),
                lb_id.clone(),
                (siblings.len() + 1).to_string(),
                quota.to_string(),
            ],
        ));
    }
    let certificate_ids: Vec<String> = req
        .certificates
        .iter()
        .filter_map(|c| c.certificate_id.clone())
        .collect();
    let ca_ids: Vec<String> = req
        .ca_certificates
        .iter()
        .filter_map(|c| c.certificate_id.clone())
        .collect();
    if has_certificates(&protocol) && certificate_ids.is_empty() {
        // An HTTPS or QUIC listener needs its default certificate.
        return Err(Denial::new::<String>("InvalidParameter", []));
    }
    for id in certificate_ids.iter().chain(ca_ids.iter()) {
        if m.certificate(id).is_none() {
            return Err(Denial::new("ResourceNotFound.Certificate", [id.as_str()]));
        }
    }
    if let Some(quic_id) = req
        .quic_config
        .as_ref()
        .and_then(|q| q.quic_listener_id.clone())
    {
        let quic = find_listener(m, &quic_id)?;
        if quic.load_balancer_id != lb_id {
            return Err(Denial::new(
                "OperationDenied.CrossLoadBalancerQUICListener",
                ["CrossLoadBalancerQUICListener"],
            ));
        }
    }
    if req.dry_run == Some(true) {
        return Err(Denial::dry_run());
    }

    let id = m.new_id("lsn-");
    let mut l = ListenerState::new(id.clone(), lb_id, protocol.clone(), port);
    l.listener_status = status::PROVISIONING.into();
    l.listener_description = req.listener_description;
    l.request_timeout = req.request_timeout.unwrap_or(l.request_timeout);
    l.idle_timeout = req.idle_timeout.unwrap_or(l.idle_timeout);
    l.gzip_enabled = req.gzip_enabled.unwrap_or(true);
    l.http2_enabled = req.http2_enabled.unwrap_or(protocol != "HTTP");
    l.ca_enabled = req.ca_enabled.unwrap_or(false);
    if has_certificates(&protocol) {
        l.default_certificate_id = certificate_ids.into_iter().next();
        l.ca_certificate_ids = ca_ids;
        l.security_policy_id = Some(
            req.security_policy_id
                .unwrap_or_else(|| "tls_cipher_policy_1_0".into()),
        );
    }
    l.default_server_group_ids = server_group_ids(&req.default_actions);
    l.x_forwarded_for_config = req.x_forwarded_for_config;
    l.quic_config = req.quic_config;
    l.tags = req
        .tag
        .into_iter()
        .filter_map(|t| {
            Some(Tag {
                key: t.key?,
                value: t.value.unwrap_or_default(),
            })
        })
        .collect();
    m.listeners.push(l);
    let job_id = m.start_job(
        &ctx.request_id,
        "CreateListener",
        &id,
        Effect::SetStatus {
            listener_id: id.clone(),
            status: status::RUNNING.into(),
            previous: None,
        },
    );
    let mut out = create_op::CreateListenerResponse::default();
    out.job_id = Some(job_id);
    out.listener_id = Some(id);
    Ok(out)
}

/// `DeleteListener`: `Deleting`, then gone after the job delay.
pub fn delete(
    m: &mut Model,
    ctx: &RequestContext,
    req: delete_op::DeleteListenerRequest,
) -> Outcome<delete_op::DeleteListenerResponse> {
    let listener_id = req.listener_id.unwrap_or_default();
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        delete_op::DeleteListenerError::CODES,
    )?;
    check_load_balancer(m, &l.load_balancer_id)?;
    check_listener_status(l, &[status::RUNNING, status::STOPPED])?;
    if req.dry_run == Some(true) {
        return Err(Denial::dry_run());
    }
    let mut previous = String::new();
    if let Some(l) = m.listener_mut(&listener_id) {
        previous = std::mem::replace(&mut l.listener_status, status::DELETING.into());
    }
    let job_id = m.start_job(
        &ctx.request_id,
        "DeleteListener",
        &listener_id,
        Effect::Delete {
            listener_id: listener_id.clone(),
            previous,
        },
    );
    let mut out = delete_op::DeleteListenerResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

/// Moves a listener from `from` through `via` to `to` (start and stop).
fn transition(
    m: &mut Model,
    ctx: &RequestContext,
    listener_id: &str,
    dry_run: bool,
    (action, from, via, to): (&str, &str, &str, &str),
    table: &[&alb_runtime::ErrorCodeInfo],
) -> Outcome<String> {
    let l = find_listener(m, listener_id)?;
    check_access(m, &l.load_balancer_id, ctx, table)?;
    check_load_balancer(m, &l.load_balancer_id)?;
    check_listener_status(l, &[from])?;
    if dry_run {
        return Err(Denial::dry_run());
    }
    if let Some(l) = m.listener_mut(listener_id) {
        l.listener_status = via.into();
    }
    Ok(m.start_job(
        &ctx.request_id,
        action,
        listener_id,
        Effect::SetStatus {
            listener_id: listener_id.into(),
            status: to.into(),
            previous: Some(from.into()),
        },
    ))
}

/// `StartListener`: `Stopped` -> `Starting` -> `Running`.
pub fn start(
    m: &mut Model,
    ctx: &RequestContext,
    req: start_op::StartListenerRequest,
) -> Outcome<start_op::StartListenerResponse> {
    let job_id = transition(
        m,
        ctx,
        req.listener_id.as_deref().unwrap_or_default(),
        req.dry_run == Some(true),
        (
            "StartListener",
            status::STOPPED,
            status::STARTING,
            status::RUNNING,
        ),
        start_op::StartListenerError::CODES,
    )?;
    let mut out = start_op::StartListenerResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

/// `StopListener`: `Running` -> `Stopping` -> `Stopped`.
pub fn stop(
    m: &mut Model,
    ctx: &RequestContext,
    req: stop_op::StopListenerRequest,
) -> Outcome<stop_op::StopListenerResponse> {
    let job_id = transition(
        m,
        ctx,
        req.listener_id.as_deref().unwrap_or_default(),
        req.dry_run == Some(true),
        (
            "StopListener",
            status::RUNNING,
            status::STOPPING,
            status::STOPPED,
        ),
        stop_op::StopListenerError::CODES,
    )?;
    let mut out = stop_op::StopListenerResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

/// `UpdateListenerAttribute`: the changes are applied at once, the
/// listener is `Configuring` until the job completes, then back to the
/// status it had (`Running` or `Stopped`).
pub fn update(
    m: &mut Model,
    ctx: &RequestContext,
    req: update_op::UpdateListenerAttributeRequest,
) -> Outcome<update_op::UpdateListenerAttributeResponse> {
    let listener_id = req.listener_id.clone().unwrap_or_default();
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        update_op::UpdateListenerAttributeError::CODES,
    )?;
    check_load_balancer(m, &l.load_balancer_id)?;
    check_listener_status(l, &[status::RUNNING, status::STOPPED])?;
    let certificate_ids: Vec<String> = req
        .certificates
        .iter()
        .filter_map(|c| c.certificate_id.clone())
        .collect();
    let ca_ids: Option<Vec<String>> = Some(req.ca_certificates.as_slice())
        .filter(|v| !v.is_empty())
        .map(|v| v.iter().filter_map(|c| c.certificate_id.clone()).collect());
    if !certificate_ids.is_empty() && !has_certificates(&l.listener_protocol) {
        return Err(Denial::new::<String>("InvalidParameter", []));
    }
    for id in certificate_ids.iter().chain(ca_ids.iter().flatten()) {
        if m.certificate(id).is_none() {
            return Err(Denial::new("ResourceNotFound.Certificate", [id.as_str()]));
        }
    }
    for id in &certificate_ids {
        if l.additional_certificates
            .iter()
            .any(|b| &b.certificate_id == id)
        {
            return Err(Denial::new(
                "ResourceAlreadyAssociated.Certificate",
                [id.as_str()],
            ));
        }
    }
    if req.dry_run == Some(true) {
        return Err(Denial::dry_run());
    }

    let Some(l) = m.listener_mut(&listener_id) else {
        return Err(Denial::new(
            "ResourceNotFound.Listener",
            [listener_id.as_str()],
        ));
    };
    if let Some(v) = req.listener_description {
        l.listener_description = Some(v);
    }
    if let Some(v) = req.request_timeout {
        l.request_timeout = v;
    }
    if let Some(v) = req.idle_timeout {
        l.idle_timeout = v;
    }
    if let Some(v) = req.gzip_enabled {
        l.gzip_enabled = v;
    }
    if let Some(v) = req.http2_enabled {
        l.http2_enabled = v;
    }
    if let Some(v) = req.security_policy_id {
        l.security_policy_id = Some(v);
    }
    if let Some(v) = req.ca_enabled {
        l.ca_enabled = v;
    }
    if let Some(id) = certificate_ids.into_iter().next() {
        l.default_certificate_id = Some(id);
    }
    if let Some(ids) = ca_ids {
        l.ca_certificate_ids = ids;
    }
    if !req.default_actions.is_empty() {
        l.default_server_group_ids = server_group_ids(&req.default_actions);
    }
    if let Some(xff) = req.x_forwarded_for_config {
        l.x_forwarded_for_config = Some(merge_xff(l.x_forwarded_for_config.take(), xff));
    }
    if let Some(quic) = req.quic_config {
        l.quic_config = Some(quic);
    }
    let restore = std::mem::replace(&mut l.listener_status, status::CONFIGURING.into());
    let job_id = m.start_job(
        &ctx.request_id,
        "UpdateListenerAttribute",
        &listener_id,
        Effect::SetStatus {
            listener_id: listener_id.clone(),
            status: restore.clone(),
            previous: Some(restore),
        },
    );
    let mut out = update_op::UpdateListenerAttributeResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

fn server_group_ids(actions: &[types::DefaultAction]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| a.forward_group_config.as_ref())
        .flat_map(|f| f.server_group_tuples.iter())
        .filter_map(|t| t.server_group_id.clone())
        .collect()
}

/// An update changes the header settings it names and keeps the others.
fn merge_xff(
    old: Option<types::XForwardedForConfig>,
    new: types::XForwardedForConfig,
) -> types::XForwardedForConfig {
    let Some(old) = old else { return new };
    let (Ok(mut base), Ok(changes)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return types::XForwardedForConfig::default();
    };
    if let (Some(base), Some(changes)) = (base.as_object_mut(), changes.as_object()) {
        for (k, v) in changes {
            if !v.is_null() {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    serde_json::from_value(base).unwrap_or_default()
}
