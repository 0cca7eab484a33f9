//! Additional certificates of a listener: associate, dissociate, list.

use alb_runtime::server::RequestContext;
use alb_sdk::associate_additional_certificates_with_listener as assoc;
use alb_sdk::dissociate_additional_certificates_from_listener as dissoc;
use alb_sdk::list_listener_certificates as list_certs;

use super::{check_access, check_listener_status, find_listener, paginate, Denial, Outcome};
use crate::model::{status, Effect, Model};
use crate::state::{CertificateBinding, ListenerState};
use alb_runtime::OperationError;

const ASSOCIATE: &str = "AssociateAdditionalCertificatesWithListener";
const DISSOCIATE: &str = "DissociateAdditionalCertificatesFromListener";

/// The requested IDs, in order, without repeats.
fn unique_ids(ids: impl IntoIterator<Item = Option<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.into_iter().flatten() {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn refuse_http(l: &ListenerState) -> Outcome<()> {
    if l.listener_protocol == "HTTP" {
        return Err(Denial::new(
            "OperationDenied.HttpListenerNotSupport",
            ["HttpListenerNotSupport"],
        ));
    }
    Ok(())
}

/// `AssociateAdditionalCertificatesWithListener`.
pub fn associate(
    m: &mut Model,
    ctx: &RequestContext,
    req: assoc::AssociateAdditionalCertificatesWithListenerRequest,
) -> Outcome<assoc::AssociateAdditionalCertificatesWithListenerResponse> {
    let listener_id = req.listener_id.clone().unwrap_or_default();
    let ids = unique_ids(req.certificates.into_iter().map(|c| c.certificate_id));
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        assoc::AssociateAdditionalCertificatesWithListenerError::CODES,
    )?;
    refuse_http(l)?;
    check_listener_status(l, &[status::RUNNING])?;
    let Some(default_id) = l.default_certificate_id.as_deref() else {
        return Err(Denial::new(
            "OperationFailed.DefaultCertificateNotFound",
            ["DefaultCertificateNotFound"],
        ));
    };
    for id in &ids {
        if m.certificate(id).is_none() {
            return Err(Denial::new("ResourceNotFound.Certificate", [id.as_str()]));
        }
        if id == default_id {
            return Err(Denial::new(
                "OperationDenied.DefaultCertificateUsed",
                ["DefaultCertificateUsed"],
            ));
        }
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
    let lb_id = l.load_balancer_id.clone();
    let quota = m
        .load_balancer(&lb_id)
        .map_or(crate::DEFAULT_CERTIFICATE_QUOTA, |lb| lb.certificate_quota);
    let usage = m.certificate_usage(&lb_id) + ids.len();
    if usage > quota as usize {
        return Err(Denial::new(
            "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
            [
                "LoadBalancerCertificatesNum".to_string(),
                lb_id,
                usage.to_string(),
                quota.to_string(),
            ],
        ));
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
    for id in &ids {
        l.additional_certificates.push(CertificateBinding {
            certificate_id: id.clone(),
            status: status::ASSOCIATING.into(),
            association_count: 1,
        });
    }
    let restore = std::mem::replace(&mut l.listener_status, status::CONFIGURING.into());
    let job_id = m.start_job(
        &ctx.request_id,
        ASSOCIATE,
        &listener_id,
        Effect::Associate {
            listener_id: listener_id.clone(),
            certificate_ids: ids,
            restore,
        },
    );
    let mut out = assoc::AssociateAdditionalCertificatesWithListenerResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

/// `DissociateAdditionalCertificatesFromListener`.
pub fn dissociate(
    m: &mut Model,
    ctx: &RequestContext,
    req: dissoc::DissociateAdditionalCertificatesFromListenerRequest,
) -> Outcome<dissoc::DissociateAdditionalCertificatesFromListenerResponse> {
    let listener_id = req.listener_id.clone().unwrap_or_default();
    let ids = unique_ids(req.certificates.into_iter().map(|c| c.certificate_id));
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        dissoc::DissociateAdditionalCertificatesFromListenerError::CODES,
    )?;
    refuse_http(l)?;
    check_listener_status(l, &[status::RUNNING])?;
    for id in &ids {
        if l.default_certificate_id.as_deref() == Some(id.as_str()) {
            return Err(Denial::new(
                "OperationDenied.DefaultCertificateUsed",
                ["DefaultCertificateUsed"],
            ));
        }
        let bound = l
            .additional_certificates
            .iter()
            .any(|b| &b.certificate_id == id && b.status == status::ASSOCIATED);
        if !bound {
            return Err(Denial::new(
                "ResourceNotAssociated.Certificate",
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
    for b in l.additional_certificates.iter_mut() {
        if ids.contains(&b.certificate_id) {
            b.status = status::DISSOCIATING.into();
        }
    }
    let restore = std::mem::replace(&mut l.listener_status, status::CONFIGURING.into());
    let job_id = m.start_job(
        &ctx.request_id,
        DISSOCIATE,
        &listener_id,
        Effect::Dissociate {
            listener_id: listener_id.clone(),
            certificate_ids: ids,
            restore,
        },
    );
    let mut out = dissoc::DissociateAdditionalCertificatesFromListenerResponse::default();
    out.job_id = Some(job_id);
    Ok(out)
}

/// `ListListenerCertificates`: the default certificate first (`IsDefault`),
/// then the additional ones with the state of their binding.
pub fn list(
    m: &mut Model,
    ctx: &RequestContext,
    req: list_certs::ListListenerCertificatesRequest,
) -> Outcome<list_certs::ListListenerCertificatesResponse> {
    let listener_id = req.listener_id.clone().unwrap_or_default();
    let l = find_listener(m, &listener_id)?;
    check_access(
        m,
        &l.load_balancer_id,
        ctx,
        list_certs::ListListenerCertificatesError::CODES,
    )?;
    refuse_http(l)?;
    let wanted = Some(req.certificate_ids.clone()).filter(|v| !v.is_empty());
    let kind = req
        .certificate_type
        .as_ref()
        .map(|t| t.as_str().to_string());
    let views: Vec<_> = m
        .certificate_views(l)
        .into_iter()
        .filter(|v| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&v.certificate_id))
        })
        .filter(|v| kind.as_deref().is_none_or(|t| v.certificate_type == t))
        .collect();
    let scope = format!(
        "ListListenerCertificates\n{listener_id}\n{:?}\n{:?}",
        wanted, kind
    );
    let page = paginate(views, &scope, req.next_token.as_deref(), req.max_results)?;
    let mut out = list_certs::ListListenerCertificatesResponse::default();
    out.max_results = Some(page.max_results);
    out.next_token = page.next_token;
    out.total_count = Some(page.total as i32);
    out.certificates = page
        .items
        .into_iter()
        .map(|v| {
            let mut c = alb_sdk::types::ListenerCertificate::default();
            c.certificate_id = Some(v.certificate_id);
            c.is_default = Some(v.is_default);
            c.status = Some(v.status);
            c.certificate_type = Some(v.certificate_type.as_str().into());
            c
        })
        .collect();
    Ok(out)
}
