//! The checks every verb makes, answering the codes the operation
//! documents: `<Kind>.<Resource>` by convention (`ResourceNotFound.Listener`,
//! `IncorrectStatus.LoadBalancer`, `ResourceInUse.ServerGroup`).

use alb_runtime::server::model::Resource;
use alb_runtime::server::Refusal;
use serde_json::Value;

use super::json;
use super::store::{internal, spec, Model};
use super::Cx;

/// The documented code `<kind>.<resource>` (matched without regard to
/// case: the catalogue has `ResourceNotFound.AScript` and `.Ascript`).
pub fn documented(cx: &Cx, kind: &str, resource: &str) -> Option<String> {
    let want = format!("{kind}.{resource}");
    cx.call
        .codes
        .iter()
        .chain(cx.call.common)
        .find(|e| e.code.eq_ignore_ascii_case(&want))
        .map(|e| e.code.to_string())
}

/// `ResourceNotFound.<resource>` (documented spelling when there is one).
pub fn not_found(cx: &Cx, resource: &str, id: &str) -> Refusal {
    let code = documented(cx, "ResourceNotFound", resource)
        .unwrap_or_else(|| format!("ResourceNotFound.{resource}"));
    Refusal::new(code, [id])
}

/// The record of `r` with `id`, or the not-found refusal.
pub fn find(cx: &Cx, r: &Resource, id: &str) -> Result<Value, Refusal> {
    cx.m.get(r.name, id)
        .cloned()
        .ok_or_else(|| not_found(cx, r.name, id))
}

/// The load balancer a record lives in (itself, its parent, ...).
pub fn load_balancer_of(m: &Model, kind: &str, record: &Value) -> Option<String> {
    if kind == "LoadBalancer" {
        return record.get("LoadBalancerId").and_then(json::text);
    }
    if let Some(id) = record.get("LoadBalancerId").and_then(json::text) {
        return Some(id);
    }
    let r = spec().resource(kind)?;
    let parent = spec().resource(r.parent?)?;
    let pid = record.get(parent.id).and_then(json::text)?;
    let p = m.get(parent.name, &pid)?;
    load_balancer_of(m, parent.name, p)
}

/// Whether the caller is barred from the load balancer `lb` (state file
/// `forbidden_access_keys`).
pub fn barred(m: &Model, lb: &str, access_key: &str) -> bool {
    m.get("LoadBalancer", lb)
        .map(|r| json::list(r, internal::FORBIDDEN))
        .is_some_and(|keys| keys.iter().any(|k| k.as_str() == Some(access_key)))
}

/// `Forbidden.LoadBalancer` (or the operation's `Forbidden.RAM`) when the
/// caller is barred from the record's load balancer.
pub fn access(cx: &Cx, kind: &str, record: &Value) -> Result<(), Refusal> {
    let Some(lb) = load_balancer_of(cx.m, kind, record) else {
        return Ok(());
    };
    if !barred(cx.m, &lb, &cx.call.ctx.access_key_id) {
        return Ok(());
    }
    Err(match documented(cx, "Forbidden", "LoadBalancer") {
        Some(code) => Refusal::new(code, [lb]),
        None => Refusal::new::<String>("Forbidden.RAM", []),
    })
}

/// The record's status allows a change: not in the middle of one
/// (`ResourceInConfiguring.*`) and in one of `allowed` (`IncorrectStatus.*`;
/// the ready state when `allowed` is empty). Codes the operation does not
/// document let the change through.
pub fn status(cx: &Cx, r: &Resource, record: &Value, allowed: &[&str]) -> Result<(), Refusal> {
    let (Some(field), Some(ready)) = (r.status, r.states.ready) else {
        return Ok(());
    };
    let id = record.get(r.id).and_then(json::text).unwrap_or_default();
    let current = record.get(field).and_then(Value::as_str).unwrap_or(ready);
    let allowed: Vec<&str> = if allowed.is_empty() {
        vec![ready]
    } else {
        allowed.to_vec()
    };
    if allowed.contains(&current) {
        return Ok(());
    }
    let busy = [r.states.creating, r.states.updating].contains(&Some(current));
    if busy {
        if let Some(code) = documented(cx, "ResourceInConfiguring", r.name) {
            return Err(Refusal::new(code, [id]));
        }
    }
    match documented(cx, "IncorrectStatus", r.name) {
        Some(code) => Err(Refusal::new(code, [r.name.to_string(), id])),
        None => Ok(()),
    }
}

/// The parent of a record being changed is ready (`IncorrectStatus.<Parent>`)
/// and, for a load balancer, in good standing (`IncorrectBusinessStatus.LoadBalancer`).
pub fn parent_ready(cx: &Cx, r: &Resource, record: &Value) -> Result<(), Refusal> {
    let Some(parent) = r.parent.and_then(|p| spec().resource(p)) else {
        return Ok(());
    };
    let Some(pid) = record.get(parent.id).and_then(json::text) else {
        return Ok(());
    };
    let p = find(cx, parent, &pid)?;
    status(cx, parent, &p, &[])?;
    business(cx, parent, &p)?;
    parent_ready(cx, parent, &p)
}

/// A load balancer locked for payment or risk (`LoadBalancerBussinessStatus`
/// other than `Normal`).
pub fn business(cx: &Cx, r: &Resource, record: &Value) -> Result<(), Refusal> {
    if r.name != "LoadBalancer" {
        return Ok(());
    }
    let status = record
        .get("LoadBalancerBussinessStatus")
        .and_then(Value::as_str)
        .unwrap_or("Normal");
    if status == "Normal" {
        return Ok(());
    }
    let id = record.get(r.id).and_then(json::text).unwrap_or_default();
    match documented(cx, "IncorrectBusinessStatus", "LoadBalancer") {
        Some(code) => Err(Refusal::new(code, ["LoadBalancer".to_string(), id])),
        None => Ok(()),
    }
}

/// Every reference in `value` exists: identifiers of the spec's resources
/// (other than `skip`, the target's own field) and of the world (the
/// model's `external` fields); lists of identifiers (`AclIds`) too.
pub fn references(cx: &Cx, value: &Value, skip: &[&str]) -> Result<(), Refusal> {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if !skip.contains(&k.as_str()) {
                    reference(cx, k, v)?;
                }
                if v.is_object() || v.is_array() {
                    references(cx, v, skip)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(|v| references(cx, v, skip)),
        _ => Ok(()),
    }
}

fn reference(cx: &Cx, field: &str, v: &Value) -> Result<(), Refusal> {
    let ids: Vec<String> = match v {
        Value::Array(items) => items.iter().filter_map(json::text).collect(),
        other => json::text(other).into_iter().collect(),
    };
    if ids.is_empty() {
        return Ok(());
    }
    let singular = json::singular(field);
    let target = spec().by_id_field(field).or_else(|| {
        v.is_array()
            .then(|| spec().by_id_field(&singular))
            .flatten()
    });
    if let Some(r) = target {
        for id in &ids {
            // System TLS policies are the world's, not records.
            if r.name == "SecurityPolicy" && cx.m.world.system_policy(id).is_some() {
                continue;
            }
            if cx.m.get(r.name, id).is_none() {
                return Err(not_found(cx, r.name, id));
            }
        }
        return Ok(());
    }
    if let Some(e) = spec().external(field) {
        for id in &ids {
            if !cx.m.external_exists(e.kind, id) {
                return Err(Refusal::new(e.not_found, [id.as_str()]));
            }
        }
    }
    Ok(())
}

/// Nothing still refers to `id` of `r` (`ResourceInUse.<R>`), other than
/// the records below it, which go with it.
pub fn not_in_use(cx: &Cx, r: &Resource, id: &str) -> Result<(), Refusal> {
    let Some(code) = documented(cx, "ResourceInUse", r.name) else {
        return Ok(());
    };
    for other in spec().resources {
        if is_below(other, r) {
            continue;
        }
        for rec in cx.m.all(other.name) {
            let itself = other.name == r.name && rec.get(r.id).and_then(Value::as_str) == Some(id);
            if !itself && refers_to(rec, r.id, id) {
                return Err(Refusal::new(code, [id]));
            }
        }
    }
    Ok(())
}

fn is_below(r: &Resource, ancestor: &Resource) -> bool {
    let mut cur = r.parent;
    while let Some(p) = cur {
        if p == ancestor.name {
            return true;
        }
        cur = spec().resource(p).and_then(|x| x.parent);
    }
    false
}

/// Whether `v` has `field: id` (or `field`s list holding `id`) anywhere;
/// a qualified name counts too (`QuicListenerId` refers to a listener).
pub fn refers_to(v: &Value, field: &str, id: &str) -> bool {
    let plural = format!("{field}s");
    match v {
        Value::Object(map) => map.iter().any(|(k, x)| {
            (k.ends_with(field) && x.as_str() == Some(id))
                || (k.ends_with(&plural)
                    && x.as_array()
                        .is_some_and(|a| a.iter().any(|i| i.as_str() == Some(id))))
                || refers_to(x, field, id)
        }),
        Value::Array(items) => items.iter().any(|x| refers_to(x, field, id)),
        _ => false,
    }
}
