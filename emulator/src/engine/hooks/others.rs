//! Rules of rules, server groups, ACLs, TLS policies and health check
//! templates.

use alb_runtime::server::Refusal;
use serde_json::{json, Value};

use crate::engine::checks;
use crate::engine::json;
use crate::engine::store::{spec, Effect};
use crate::engine::Cx;

/// Two rules of a listener (in one direction) cannot share a priority:
/// the rules as they would be after the call (new ones added, changed ones
/// moved) are checked, so a rule keeping its own priority is no clash.
pub fn rule_priority_unique(cx: &mut Cx) -> Result<(), Refusal> {
    let text = |v: &Value, k: &str| v.get(k).and_then(json::text);
    let items: Vec<Value> = match cx.binding.items {
        Some(list) => json::list(&cx.req, list).to_vec(),
        None => vec![cx.req.clone()],
    };
    // (rule ID, listener, direction, priority) of every rule after the call.
    let mut after: Vec<(Option<String>, String, String, i64)> =
        cx.m.all("Rule")
            .iter()
            .filter_map(|r| {
                Some((
                    text(r, "RuleId"),
                    text(r, "ListenerId")?,
                    text(r, "Direction").unwrap_or("Request".into()),
                    r.get("Priority")?.as_i64()?,
                ))
            })
            .collect();
    let mut changed = Vec::new();
    for item in &items {
        let Some(priority) = item.get("Priority").and_then(Value::as_i64) else {
            continue;
        };
        let id = text(item, "RuleId");
        let existing = id.as_deref().and_then(|id| cx.m.get("Rule", id));
        let listener = cx
            .text("ListenerId")
            .or_else(|| existing.and_then(|r| text(r, "ListenerId")))
            .unwrap_or_default();
        let direction = text(item, "Direction")
            .or_else(|| existing.and_then(|r| text(r, "Direction")))
            .unwrap_or("Request".into());
        let rule = (id.clone(), listener, direction, priority);
        match after.iter_mut().find(|r| id.is_some() && r.0 == id) {
            Some(slot) => *slot = rule.clone(),
            None => after.push(rule.clone()),
        }
        changed.push(rule);
    }
    for (_, listener, direction, priority) in &changed {
        let same = after
            .iter()
            .filter(|r| &r.1 == listener && &r.2 == direction && r.3 == *priority)
            .count();
        if same > 1 {
            return Err(Refusal::new("Conflict.Priority", [priority.to_string()]));
        }
    }
    Ok(())
}

/// ListServerGroups answers each group's server count and the load
/// balancers that forward to it.
pub fn server_group_counts(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let listeners = cx.m.all("Listener").to_vec();
    let rules = cx.m.all("Rule").to_vec();
    if let Some(groups) = out.get_mut("ServerGroups").and_then(Value::as_array_mut) {
        for g in groups {
            let id = g
                .get("ServerGroupId")
                .and_then(json::text)
                .unwrap_or_default();
            let count = json::list(g, "Servers").len();
            let mut lbs: Vec<Value> = listeners
                .iter()
                .chain(rules.iter())
                .filter(|x| checks::refers_to(x, "ServerGroupId", &id))
                .filter_map(|x| x.get("LoadBalancerId").cloned())
                .collect();
            lbs.dedup();
            g["ServerCount"] = json!(count);
            g["RelatedLoadBalancerIds"] = Value::Array(lbs);
        }
    }
    Ok(())
}

/// Backend servers exist in the world by type (`ResourceNotFound.Ecs`,
/// `.Eni`, `.Eci`); IP and function servers need no entry.
pub fn backend_servers_exist(cx: &mut Cx) -> Result<(), Refusal> {
    let items: Vec<Value> = cx
        .binding
        .items
        .map(|l| json::list(&cx.req, l).to_vec())
        .unwrap_or_default();
    backends_exist(cx, &items)
}

fn backends_exist(cx: &Cx, items: &[Value]) -> Result<(), Refusal> {
    for s in items {
        let kind = s.get("ServerType").and_then(json::text).unwrap_or_default();
        let id = s.get("ServerId").and_then(json::text).unwrap_or_default();
        if matches!(kind.as_str(), "Ecs" | "Eni" | "Eci")
            && cx.m.world.backend(&kind, &id).is_none()
        {
            return Err(Refusal::new(format!("ResourceNotFound.{kind}"), [id]));
        }
    }
    Ok(())
}

/// A server is in a group once per port: twice in one request is
/// `DuplicatedParam.BackendServer`, one already in the group (and not
/// being removed by the same call) `Conflict.BackendServer`.
pub fn backend_servers_unique(cx: &mut Cx) -> Result<(), Refusal> {
    let added = json::list(&cx.req, cx.binding.items.unwrap_or("AddedServers")).to_vec();
    let removed = json::list(&cx.req, "RemovedServers").to_vec();
    let id = cx.text("ServerGroupId").unwrap_or_default();
    let have: Vec<Value> =
        cx.m.get("ServerGroup", &id)
            .map(|g| json::list(g, "Servers").to_vec())
            .unwrap_or_default();
    for (i, s) in added.iter().enumerate() {
        let shown = s.get("ServerId").and_then(json::text).unwrap_or_default();
        if added[..i].iter().any(|o| key(o) == key(s)) {
            return Err(Refusal::new("DuplicatedParam.BackendServer", [shown]));
        }
        let present = have.iter().any(|h| key(h) == key(s));
        let leaving = removed
            .iter()
            .any(|r| json::matches_key(s, r, &["ServerId", "Port"]));
        if present && !leaving {
            return Err(Refusal::new("Conflict.BackendServer", [shown, id.clone()]));
        }
    }
    Ok(())
}

fn server_group<'a>(
    cx: &Cx<'a>,
) -> Result<(&'static alb_runtime::server::model::Resource, String, Value), Refusal> {
    let r = spec()
        .resource("ServerGroup")
        .expect("the spec has server groups");
    let id = cx.text("ServerGroupId").unwrap_or_default();
    let rec = checks::find(cx, r, &id)?;
    checks::access(cx, r.name, &rec)?;
    checks::status(cx, r, &rec, &[])?;
    Ok((r, id, rec))
}

fn key(s: &Value) -> Vec<String> {
    json::key_of(s, &["ServerId", "Port"])
}

/// Each of `servers` is in the group (`ResourceNotFound.BackendServer`).
fn servers_in_group(rec: &Value, servers: &[Value]) -> Result<(), Refusal> {
    for s in servers {
        if !json::list(rec, "Servers")
            .iter()
            .any(|h| json::matches_key(h, s, &["ServerId", "Port"]))
        {
            let id = s.get("ServerId").and_then(json::text).unwrap_or_default();
            return Err(Refusal::new("ResourceNotFound.BackendServer", [id]));
        }
    }
    Ok(())
}

/// Stores the changed group as `Configuring` and starts the job that makes
/// it `Available` again (with the servers' own `effects`).
fn server_group_job(
    cx: &mut Cx,
    r: &'static alb_runtime::server::model::Resource,
    id: &str,
    before: Value,
    mut new: Value,
    mut effects: Vec<Effect>,
    out: &mut Value,
) {
    new["ServerGroupStatus"] = json!("Configuring");
    effects.push(Effect::Status {
        kind: r.name,
        id: id.to_string(),
        status: "Available".into(),
    });
    cx.m.put(r.name, id, new);
    let request_id = cx.call.ctx.request_id.clone();
    let job = cx.m.start_job(
        &request_id,
        cx.action(),
        "servergroup",
        id,
        effects,
        vec![(r.name, id.to_string(), Some(before))],
    );
    *out = json!({"JobId": job});
}

/// ReplaceServersInServerGroup: removes RemovedServers and adds
/// AddedServers in one job.
pub fn replace_servers(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let (r, id, rec) = server_group(cx)?;
    let added = json::list(&cx.req, "AddedServers").to_vec();
    let removed = json::list(&cx.req, "RemovedServers").to_vec();
    servers_in_group(&rec, &removed)?;
    backends_exist(cx, &added)?;
    cx.commit()?;
    let mut new = rec.clone();
    let mut effects = Vec::new();
    for s in &removed {
        for h in json::list_mut(&mut new, "Servers")
            .iter_mut()
            .filter(|h| json::matches_key(h, s, &["ServerId", "Port"]))
        {
            h["Status"] = json!("Removing");
            effects.push(Effect::ChildRemove {
                kind: r.name,
                id: id.clone(),
                child: "Servers",
                key: key(h),
            });
        }
    }
    for mut s in added {
        s["Status"] = json!("Adding");
        effects.push(Effect::ChildStatus {
            kind: r.name,
            id: id.clone(),
            child: "Servers",
            key: key(&s),
            status: "Available".into(),
        });
        json::list_mut(&mut new, "Servers").push(s);
    }
    server_group_job(cx, r, &id, rec, new, effects, out);
    Ok(())
}

/// UpdateServerGroupServersAttribute: new weights and descriptions.
pub fn update_servers(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let (r, id, rec) = server_group(cx)?;
    let changes = json::list(&cx.req, "Servers").to_vec();
    servers_in_group(&rec, &changes)?;
    cx.commit()?;
    let mut new = rec.clone();
    let mut effects = Vec::new();
    for s in &changes {
        for h in json::list_mut(&mut new, "Servers")
            .iter_mut()
            .filter(|h| json::matches_key(h, s, &["ServerId", "Port"]))
        {
            for f in ["Weight", "Description"] {
                if let Some(v) = s.get(f) {
                    h[f] = v.clone();
                }
            }
            h["Status"] = json!("Configuring");
            effects.push(Effect::ChildStatus {
                kind: r.name,
                id: id.clone(),
                child: "Servers",
                key: key(h),
                status: "Available".into(),
            });
        }
    }
    server_group_job(cx, r, &id, rec, new, effects, out);
    Ok(())
}

/// The listeners that use each of `ids` of `field` (in their own fields or,
/// for ACLs, their ACL relations), as ListXxxRelations answers them.
fn related_listeners(cx: &Cx, field: &str, id: &str, with_status: bool) -> Vec<Value> {
    cx.m.all("Listener")
        .iter()
        .filter_map(|l| {
            let relation = json::list(l, "AclConfig.AclRelations")
                .iter()
                .find(|a| a.get(field).and_then(json::text).as_deref() == Some(id))
                .cloned();
            let direct = l.get(field).and_then(json::text).as_deref() == Some(id);
            if relation.is_none() && !direct {
                return None;
            }
            let mut v = json!({
                "ListenerId": l.get("ListenerId"),
                "ListenerPort": l.get("ListenerPort"),
                "ListenerProtocol": l.get("ListenerProtocol"),
                "LoadBalancerId": l.get("LoadBalancerId"),
            });
            if with_status {
                v["Status"] = relation
                    .and_then(|r| r.get("Status").cloned())
                    .unwrap_or(json!("Associated"));
            }
            Some(v)
        })
        .collect()
}

/// ListAclRelations: the listeners each ACL is associated with.
pub fn acl_relations(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let r = spec().resource("Acl").expect("the spec has ACLs");
    let ids: Vec<String> = json::list(&cx.req, "AclIds")
        .iter()
        .filter_map(json::text)
        .collect();
    let mut items = Vec::new();
    for id in ids {
        checks::find(cx, r, &id)?;
        items.push(
            json!({"AclId": id, "RelatedListeners": related_listeners(cx, "AclId", &id, true)}),
        );
    }
    *out = json!({"AclRelations": items});
    Ok(())
}

/// ListSecurityPolicyRelations: the listeners that use each policy.
pub fn security_policy_relations(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let ids: Vec<String> = json::list(&cx.req, "SecurityPolicyIds")
        .iter()
        .filter_map(json::text)
        .collect();
    let r = spec()
        .resource("SecurityPolicy")
        .expect("the spec has security policies");
    for id in &ids {
        if cx.m.world.system_policy(id).is_none() {
            checks::find(cx, r, id)?;
        }
    }
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"SecurityPolicyId": id, "RelatedListeners": related_listeners(cx, "SecurityPolicyId", id, false)}))
        .collect();
    *out = json!({"SecrityPolicyRelations": items});
    Ok(())
}

/// ListSystemSecurityPolicies: the world's predefined TLS policies.
pub fn system_security_policies(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let items: Vec<Value> = cx
        .m
        .world
        .system_security_policies
        .iter()
        .map(|p| json!({"SecurityPolicyId": p.security_policy_id, "TLSVersions": p.tls_versions, "Ciphers": p.ciphers}))
        .collect();
    *out = json!({"SecurityPolicies": items});
    Ok(())
}

/// ApplyHealthCheckTemplateToServerGroup: the template's settings become
/// the server group's health check.
pub fn apply_health_check_template(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let t = spec()
        .resource("HealthCheckTemplate")
        .expect("the spec has templates");
    let tid = cx.text("HealthCheckTemplateId").unwrap_or_default();
    let template = checks::find(cx, t, &tid)?;
    let (r, id, rec) = server_group(cx)?;
    cx.commit()?;
    let mut new = rec.clone();
    let mut hc = json!({"HealthCheckEnabled": true});
    if let Value::Object(m) = &template {
        for (k, v) in m {
            if k.starts_with("HealthCheck")
                && k != "HealthCheckTemplateId"
                && k != "HealthCheckTemplateName"
                || k == "HealthyThreshold"
                || k == "UnhealthyThreshold"
            {
                hc[k] = v.clone();
            }
        }
    }
    new["HealthCheckConfig"] = hc;
    server_group_job(cx, r, &id, rec, new, Vec::new(), out);
    Ok(())
}
