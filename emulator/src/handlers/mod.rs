//! The operations, on the model: [`AlbService`] implements the generated
//! `alb_sdk::server::Service` trait, one method per operation, each
//! delegating to a function of [`certificates`], [`jobs`] or [`listeners`].
//!
//! Those functions answer a [`Denial`] (a documented code and the values of
//! its message template); the trait method turns it into the operation's
//! typed error with the spec's HTTP status and rendered message.

pub mod certificates;
pub mod jobs;
pub mod listeners;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use alb_runtime::server::RequestContext;
use alb_runtime::{ErrorCodeInfo, OperationError};
use alb_sdk::server::Service;
use alb_sdk::*;

use crate::model::{status, Model};
use crate::state::ListenerState;

/// Why an operation refused: a documented error code and the values that
/// fill its message template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub code: &'static str,
    pub args: Vec<String>,
}

impl Denial {
    pub fn new<S: Into<String>>(code: &'static str, args: impl IntoIterator<Item = S>) -> Self {
        Self {
            code,
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    /// `DryRunOperation`: every check passed, nothing was done.
    pub fn dry_run() -> Self {
        Self::new::<String>("DryRunOperation", [])
    }

    /// The operation's typed error: the documented status and message
    /// (the operation's codes first, then the service-wide ones such as
    /// `DryRunOperation`, `InvalidParameter`, `Forbidden.RAM`).
    pub fn into_error<E: OperationError>(self) -> E {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        E::from_code(self.code, &args)
    }
}

pub type Outcome<T> = Result<T, Denial>;

/// The generated service trait, implemented over the shared model.
#[derive(Clone)]
pub struct AlbService {
    model: Arc<Mutex<Model>>,
}

impl AlbService {
    pub fn new(model: Arc<Mutex<Model>>) -> Self {
        Self { model }
    }

    /// The model, with every due job applied.
    pub fn model(&self) -> MutexGuard<'_, Model> {
        let mut m = self.model.lock().unwrap_or_else(|p| p.into_inner());
        m.settle(Instant::now());
        m
    }
}

/// `Forbidden.LoadBalancer` when the caller is barred from the load
/// balancer (`forbidden_access_keys` in the state); operations that do not
/// document it answer the service-wide `Forbidden.RAM`.
pub fn check_access(
    m: &Model,
    load_balancer_id: &str,
    ctx: &RequestContext,
    table: &[&ErrorCodeInfo],
) -> Outcome<()> {
    let barred = m
        .load_balancer(load_balancer_id)
        .is_some_and(|lb| lb.forbidden_access_keys.contains(&ctx.access_key_id));
    if !barred {
        return Ok(());
    }
    if table.iter().any(|e| e.code == "Forbidden.LoadBalancer") {
        Err(Denial::new("Forbidden.LoadBalancer", [load_balancer_id]))
    } else {
        Err(Denial::new::<String>("Forbidden.RAM", []))
    }
}

/// The load balancer must be `Active` and its business status `Normal`.
pub fn check_load_balancer(m: &Model, load_balancer_id: &str) -> Outcome<()> {
    let Some(lb) = m.load_balancer(load_balancer_id) else {
        return Err(Denial::new(
            "ResourceNotFound.LoadBalancer",
            [load_balancer_id],
        ));
    };
    if lb.status != "Active" {
        return Err(Denial::new(
            "IncorrectStatus.LoadBalancer",
            ["LoadBalancer", load_balancer_id],
        ));
    }
    if lb.business_status != "Normal" {
        return Err(Denial::new(
            "IncorrectBusinessStatus.LoadBalancer",
            ["LoadBalancer", load_balancer_id],
        ));
    }
    Ok(())
}

/// `Configuring` answers `ResourceInConfiguring.Listener`; any status not
/// in `allowed` answers `IncorrectStatus.Listener`.
pub fn check_listener_status(l: &ListenerState, allowed: &[&str]) -> Outcome<()> {
    if l.listener_status == status::CONFIGURING && !allowed.contains(&status::CONFIGURING) {
        return Err(Denial::new(
            "ResourceInConfiguring.Listener",
            [l.listener_id.as_str()],
        ));
    }
    if !allowed.contains(&l.listener_status.as_str()) {
        return Err(Denial::new(
            "IncorrectStatus.Listener",
            ["Listener", l.listener_id.as_str()],
        ));
    }
    Ok(())
}

pub fn find_listener<'m>(m: &'m Model, id: &str) -> Outcome<&'m ListenerState> {
    m.listener(id)
        .ok_or_else(|| Denial::new("ResourceNotFound.Listener", [id]))
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
    pub total: usize,
    pub max_results: i32,
}

/// Page size when `MaxResults` is not given.
pub const DEFAULT_MAX_RESULTS: i32 = 20;

fn scope_hash(scope: &str) -> u64 {
    // FNV-1a: stable across runs, so a token stays valid after a restart
    // with the same state.
    scope.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Cuts `items` into the page that `next_token` points to. Tokens are
/// opaque (24 hex digits) and bound to `scope` (the listing and its
/// filters): a token from another listing is `InvalidParameter`.
pub fn paginate<T>(
    items: Vec<T>,
    scope: &str,
    next_token: Option<&str>,
    max_results: Option<i32>,
) -> Outcome<Page<T>> {
    let max = max_results.unwrap_or(DEFAULT_MAX_RESULTS).clamp(1, 100);
    let offset = match next_token.map(str::trim).filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => {
            decode_token(t, scope).ok_or_else(|| Denial::new::<String>("InvalidParameter", []))?
        }
    };
    let total = items.len();
    let end = offset.saturating_add(max as usize).min(total);
    let page: Vec<T> = items
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    let next_token = (end < total).then(|| format!("{:016x}{:08x}", scope_hash(scope), end));
    Ok(Page {
        items: page,
        next_token,
        total,
        max_results: max,
    })
}

fn decode_token(token: &str, scope: &str) -> Option<usize> {
    if token.len() != 24 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hash = u64::from_str_radix(&token[..16], 16).ok()?;
    let offset = u32::from_str_radix(&token[16..], 16).ok()?;
    (hash == scope_hash(scope)).then_some(offset as usize)
}

macro_rules! op {
    ($method:ident, $module:ident, $req:ident, $resp:ident, $err:ident, $handler:path) => {
        async fn $method(
            &self,
            ctx: &RequestContext,
            request: $module::$req,
        ) -> Result<$module::$resp, $module::$err> {
            let mut m = self.model();
            $handler(&mut m, ctx, request).map_err(Denial::into_error)
        }
    };
}

impl Service for AlbService {
    op!(
        associate_additional_certificates_with_listener,
        associate_additional_certificates_with_listener,
        AssociateAdditionalCertificatesWithListenerRequest,
        AssociateAdditionalCertificatesWithListenerResponse,
        AssociateAdditionalCertificatesWithListenerError,
        certificates::associate
    );
    op!(
        dissociate_additional_certificates_from_listener,
        dissociate_additional_certificates_from_listener,
        DissociateAdditionalCertificatesFromListenerRequest,
        DissociateAdditionalCertificatesFromListenerResponse,
        DissociateAdditionalCertificatesFromListenerError,
        certificates::dissociate
    );
    op!(
        list_listener_certificates,
        list_listener_certificates,
        ListListenerCertificatesRequest,
        ListListenerCertificatesResponse,
        ListListenerCertificatesError,
        certificates::list
    );
    op!(
        get_listener_attribute,
        get_listener_attribute,
        GetListenerAttributeRequest,
        GetListenerAttributeResponse,
        GetListenerAttributeError,
        listeners::get_attribute
    );
    op!(
        list_asyn_jobs,
        list_asyn_jobs,
        ListAsynJobsRequest,
        ListAsynJobsResponse,
        ListAsynJobsError,
        jobs::list
    );
    op!(
        list_listeners,
        list_listeners,
        ListListenersRequest,
        ListListenersResponse,
        ListListenersError,
        listeners::list
    );
    op!(
        create_listener,
        create_listener,
        CreateListenerRequest,
        CreateListenerResponse,
        CreateListenerError,
        listeners::create
    );
    op!(
        delete_listener,
        delete_listener,
        DeleteListenerRequest,
        DeleteListenerResponse,
        DeleteListenerError,
        listeners::delete
    );
    op!(
        start_listener,
        start_listener,
        StartListenerRequest,
        StartListenerResponse,
        StartListenerError,
        listeners::start
    );
    op!(
        stop_listener,
        stop_listener,
        StopListenerRequest,
        StopListenerResponse,
        StopListenerError,
        listeners::stop
    );
    op!(
        update_listener_attribute,
        update_listener_attribute,
        UpdateListenerAttributeRequest,
        UpdateListenerAttributeResponse,
        UpdateListenerAttributeError,
        listeners::update
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_tokens() {
        let items: Vec<u32> = (0..45).collect();
        let p1 = paginate(items.clone(), "s", None, None).unwrap();
        assert_eq!(p1.items.len(), 20);
        assert_eq!(p1.total, 45);
        let t = p1.next_token.clone().unwrap();
        assert_eq!(t.len(), 24);
        let p2 = paginate(items.clone(), "s", Some(&t), Some(20)).unwrap();
        assert_eq!(p2.items[0], 20);
        let p3 = paginate(items.clone(), "s", p2.next_token.as_deref(), None).unwrap();
        assert_eq!(p3.items, (40..45).collect::<Vec<_>>());
        assert_eq!(p3.next_token, None);
        // Bound to its listing, and garbage is refused.
        for bad in [t.as_str(), "zz", "0123456789abcdef01234567"] {
            let scope = if bad == t { "other" } else { "s" };
            assert_eq!(
                paginate(items.clone(), scope, Some(bad), None)
                    .unwrap_err()
                    .code,
                "InvalidParameter"
            );
        }
        let empty = paginate(Vec::<u32>::new(), "s", None, Some(5)).unwrap();
        assert!(empty.items.is_empty() && empty.next_token.is_none());
    }

    #[test]
    fn denials_render_documented_messages() {
        let d = Denial::new(
            "ResourceQuotaExceeded.LoadBalancerCertificatesNum",
            ["LoadBalancerCertificatesNum", "alb-1", "26", "25"],
        );
        let e: AssociateAdditionalCertificatesWithListenerError = d.into_error();
        assert!(e.is_resource_quota_exceeded_load_balancer_certificates_num());
        assert_eq!(
            e.metadata().message,
            "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-1, usage 26/25."
        );
        let dry: AssociateAdditionalCertificatesWithListenerError = Denial::dry_run().into_error();
        assert_eq!(dry.code(), "DryRunOperation");
        assert_eq!(dry.http_status(), 400);
        assert!(dry.metadata().message.contains("DryRun"));
    }
}
