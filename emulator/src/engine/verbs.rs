//! The standard verbs, once for every resource type: what an operation
//! bound to one does (see the binding fields in `alb_runtime::server::model`).

use alb_runtime::server::model::{Resource, SetValue, Verb};
use alb_runtime::server::Refusal;
use serde_json::{json, Map, Value};

use super::checks;
use super::hooks;
use super::json;
use super::store::{internal, now_text, spec, Effect};
use super::Cx;

/// Runs the operation's verb, then the hooks' after-steps.
pub fn run(cx: &mut Cx) -> Result<Value, Refusal> {
    let mut out = match cx.binding.verb {
        Verb::Create => create(cx)?,
        Verb::Get => get(cx)?,
        Verb::List => list(cx)?,
        Verb::Update => update(cx)?,
        Verb::Delete => delete(cx)?,
        Verb::Transition => transition(cx)?,
        Verb::Add => add(cx)?,
        Verb::Remove => remove(cx)?,
        Verb::ListChildren => list_children(cx)?,
        Verb::Tag => tag(cx)?,
        Verb::Untag => untag(cx)?,
        Verb::ListTagResources => list_tag_resources(cx)?,
        Verb::ListTagKeys => list_tag_keys(cx)?,
        Verb::ListTagValues => list_tag_values(cx)?,
        Verb::Regions => regions(cx)?,
        Verb::Zones => zones(cx)?,
        Verb::Jobs => jobs(cx)?,
        Verb::Custom => {
            hooks::before(cx)?;
            json!({})
        }
    };
    hooks::after(cx, &mut out)?;
    Ok(out)
}

fn resource(cx: &Cx) -> Result<&'static Resource, Refusal> {
    cx.resource
        .ok_or_else(|| Refusal::new("InternalError", ["the binding names no resource"]))
}

/// Fields every request may carry that are not the resource's.
const COMMON: &[&str] = &[
    "ClientToken",
    "DryRun",
    "NextToken",
    "MaxResults",
    "RegionId",
];

/// The request without the common fields (and without `also`).
fn body(v: &Value, also: &[&str]) -> Value {
    let mut out = v.clone();
    if let Value::Object(m) = &mut out {
        m.retain(|k, _| !COMMON.contains(&k.as_str()) && !also.contains(&k.as_str()));
    }
    out
}

fn template(text: &str, id: &str, region: &str) -> Value {
    let now = now_text();
    Value::String(
        text.replace("{id}", id)
            .replace("{region}", region)
            .replace("{now}", &now),
    )
}

/// The target's ID: the binding's `id` field, else the resource's own.
fn target_id(cx: &Cx, r: &Resource) -> Result<String, Refusal> {
    let field = cx.binding.id.unwrap_or(r.id);
    cx.text(field)
        .ok_or_else(|| Refusal::new("MissingParameter", [field]))
}

/// Finds the target and checks it may be changed (access, status, parent).
fn writable(
    cx: &mut Cx,
    r: &'static Resource,
    id: &str,
    allowed: &[&str],
) -> Result<Value, Refusal> {
    let record = checks::find(cx, r, id)?;
    checks::access(cx, r.name, &record)?;
    checks::status(cx, r, &record, allowed)?;
    checks::business(cx, r, &record)?;
    checks::parent_ready(cx, r, &record)?;
    Ok(record)
}

/// Writes the binding's `set` into `record`, reading `$Field`s from `from`.
fn apply_set(cx: &Cx, record: &mut Value, from: &Value) {
    let id = record
        .get(cx.resource.map_or("", |r| r.id))
        .and_then(json::text)
        .unwrap_or_default();
    for (path, v) in cx.binding.set {
        match v {
            SetValue::Literal(text) => {
                let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                let value = match value {
                    Value::String(s) if s.contains('{') => template(&s, &id, &cx.m.region),
                    other => other,
                };
                json::set(record, path, value);
            }
            SetValue::Request(field) => match json::get(from, field) {
                Some(v) => json::set(record, path, v.clone()),
                None => json::remove(record, path),
            },
            SetValue::Remove => json::remove(record, path),
        }
    }
}

/// The request's `Tag` list as the record's `Tags`.
fn take_tags(record: &mut Value) {
    if let Some(Value::Object(m)) = Some(&mut *record) {
        if let Some(tags) = m.remove("Tag") {
            m.insert("Tags".into(), tags);
        }
    }
}

/// Top-level defaults of the request schema, for fields the request leaves
/// out (a field a hook set to `null` is left out of the record).
fn schema_defaults(cx: &Cx, record: &mut Value) {
    for f in cx.call.meta.input.fields {
        let Some(d) = f.default else { continue };
        if record.get(f.name).is_some() || COMMON.contains(&f.name) {
            continue;
        }
        let value = match f.ty {
            alb_runtime::schema::Ty::Int(_) => {
                d.parse::<i64>().map(Value::from).unwrap_or(Value::Null)
            }
            alb_runtime::schema::Ty::Bool => Value::Bool(d.eq_ignore_ascii_case("true")),
            alb_runtime::schema::Ty::Number => {
                d.parse::<f64>().map(Value::from).unwrap_or(Value::Null)
            }
            _ => Value::String(d.to_string()),
        };
        if !value.is_null() {
            json::set(record, f.name, value);
        }
    }
}

/// The job of an asynchronous change, or the effects applied at once.
fn finish(
    cx: &mut Cx,
    r: &Resource,
    id: &str,
    effects: Vec<Effect>,
    before: Vec<(&'static str, String, Option<Value>)>,
) -> Option<String> {
    if cx.is_async() {
        let kind = r.tag_type.unwrap_or(r.name).to_string();
        let request_id = cx.call.ctx.request_id.clone();
        Some(cx.m.start_job(&request_id, cx.action(), &kind, id, effects, before))
    } else {
        for e in effects {
            apply_now(cx, e);
        }
        None
    }
}

fn apply_now(cx: &mut Cx, e: Effect) {
    cx.m.apply(e);
}

fn status_effect(r: &Resource, id: &str, status: &str) -> Option<Effect> {
    r.status.map(|_| Effect::Status {
        kind: r.name,
        id: id.to_string(),
        status: status.to_string(),
    })
}

fn set_status(record: &mut Value, r: &Resource, status: Option<&str>) {
    if let (Some(field), Some(s)) = (r.status, status) {
        json::set(record, field, Value::String(s.to_string()));
    }
}

// ---- create ------------------------------------------------------------

fn create(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    hooks::before(cx)?;
    let items: Vec<Value> = match cx.binding.items {
        Some(list) => {
            let shared = body(&cx.req, &[list]);
            json::list(&cx.req, list)
                .iter()
                .map(|item| {
                    let mut rec = shared.clone();
                    json::merge(&mut rec, item);
                    rec
                })
                .collect()
        }
        None => vec![body(&cx.req, &[])],
    };
    let mut records = Vec::new();
    for fields in items {
        let mut rec = fields.clone();
        take_tags(&mut rec);
        if cx.binding.items.is_none() {
            schema_defaults(cx, &mut rec);
        }
        // A hook may have set a field to `null` to keep its default out.
        json::prune(&mut rec);
        if let Some(parent) = r.parent.and_then(|p| spec().resource(p)) {
            let pid = rec
                .get(parent.id)
                .and_then(json::text)
                .ok_or_else(|| Refusal::new("MissingParameter", [parent.id]))?;
            let p = checks::find(cx, parent, &pid)?;
            checks::access(cx, parent.name, &p)?;
            checks::status(cx, parent, &p, &[])?;
            checks::business(cx, parent, &p)?;
            checks::parent_ready(cx, parent, &p)?;
            // The record also knows its load balancer.
            if let Some(lb) = checks::load_balancer_of(cx.m, parent.name, &p) {
                if rec.get("LoadBalancerId").is_none() && parent.name != "LoadBalancer" {
                    json::set(&mut rec, "LoadBalancerId", Value::String(lb));
                }
            }
        }
        checks::references(cx, &fields, &[])?;
        records.push(rec);
    }
    cx.commit()?;
    let mut ids = Vec::new();
    let mut effects = Vec::new();
    let mut before = Vec::new();
    for mut rec in records {
        let id = cx.m.new_id(r.id_prefix);
        json::set(&mut rec, r.id, Value::String(id.clone()));
        for (k, v) in r.defaults {
            if json::get(&rec, k).is_none() {
                json::set(&mut rec, k, template(v, &id, &cx.m.region));
            }
        }
        let from = rec.clone();
        apply_set(cx, &mut rec, &from);
        let creating = r.states.creating.filter(|_| cx.is_async());
        set_status(&mut rec, r, creating.or(r.states.ready));
        if creating.is_some() {
            if let Some(e) = status_effect(r, &id, r.states.ready.unwrap_or_default()) {
                effects.push(e);
            }
        }
        before.push((r.name, id.clone(), None));
        cx.m.insert(r.name, rec);
        ids.push(id);
    }
    cx.target = ids.first().cloned();
    let first = ids.first().cloned().unwrap_or_default();
    let job = finish(cx, r, &first, effects, before);
    let mut out = json!({ r.id: first });
    if let Some(list) = cx.binding.ids {
        out[list] = Value::Array(ids.iter().map(|i| json!({ r.id: i })).collect());
    }
    if let Some(job) = job {
        out["JobId"] = Value::String(job);
    }
    Ok(out)
}

// ---- get / list --------------------------------------------------------

fn get(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    let id = target_id(cx, r)?;
    let record = checks::find(cx, r, &id)?;
    checks::access(cx, r.name, &record)?;
    cx.target = Some(id);
    hooks::before(cx)?;
    Ok(record)
}

/// The response list of a listing: the binding's `items`, else the
/// resource's plural (`Listeners`, `SecurityPolicies`).
fn items_field(cx: &Cx, r: &Resource) -> String {
    cx.binding.items.map(str::to_string).unwrap_or_else(|| {
        if let Some(stem) = r.name.strip_suffix('y') {
            format!("{stem}ies")
        } else {
            format!("{}s", r.name)
        }
    })
}

/// Whether `record` passes the request's filters: a list `XIds` matches
/// the record's `XId`; a scalar matches the field of its name; `Tag`
/// entries must all be on the record. Filters no record of the type has
/// are ignored.
pub fn passes(record: &Value, filters: &Value, known: &dyn Fn(&str) -> bool) -> bool {
    let Value::Object(map) = filters else {
        return true;
    };
    map.iter().all(|(k, want)| {
        if k == "Tag" {
            return json::list(record, "Tags").len() >= want.as_array().map_or(0, Vec::len)
                && want.as_array().into_iter().flatten().all(|t| {
                    json::list(record, "Tags").iter().any(|have| {
                        have.get("Key") == t.get("Key")
                            && t.get("Value").is_none_or(|v| have.get("Value") == Some(v))
                    })
                });
        }
        match want {
            Value::Array(values) => {
                let field = json::singular(k);
                if !known(&field) {
                    return true;
                }
                let have = record.get(&field).and_then(json::text);
                values.is_empty() || values.iter().any(|v| json::text(v) == have)
            }
            Value::Object(_) => true,
            scalar => {
                if !known(k) {
                    return true;
                }
                record.get(k).and_then(json::text) == json::text(scalar)
            }
        }
    })
}

fn list(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    hooks::before(cx)?;
    let filters = body(&cx.req, &[]);
    let all = cx.m.all(r.name);
    let known = |f: &str| all.iter().any(|rec| rec.get(f).is_some());
    let ak = cx.call.ctx.access_key_id.clone();
    let items: Vec<Value> = all
        .iter()
        .filter(|rec| passes(rec, &filters, &known))
        .filter(|rec| {
            checks::load_balancer_of(cx.m, r.name, rec)
                .is_none_or(|lb| !checks::barred(cx.m, &lb, &ak))
        })
        .cloned()
        .collect();
    // Naming a load balancer the caller may not see is an error.
    if let Some(ids) = cx.field("LoadBalancerIds").and_then(Value::as_array) {
        for id in ids.iter().filter_map(Value::as_str) {
            if checks::barred(cx.m, id, &ak) {
                return Err(match checks::documented(cx, "Forbidden", "LoadBalancer") {
                    Some(code) => Refusal::new(code, [id]),
                    None => Refusal::new::<String>("Forbidden.RAM", []),
                });
            }
        }
    }
    let field = items_field(cx, r);
    page(cx, items, &field)
}

/// One page of `items` under `field`, with NextToken, MaxResults and TotalCount.
pub fn page(cx: &Cx, items: Vec<Value>, field: &str) -> Result<Value, Refusal> {
    let scope = format!("{}\n{}", cx.action(), body(&cx.req, &[]));
    let max = cx
        .field("MaxResults")
        .and_then(Value::as_i64)
        .map(|v| v as i32);
    let token = cx.text("NextToken");
    let p = paginate(items, &scope, token.as_deref(), max)?;
    let mut out = Map::new();
    out.insert(field.to_string(), Value::Array(p.items));
    out.insert("TotalCount".into(), json!(p.total));
    out.insert("MaxResults".into(), json!(p.max_results));
    if let Some(t) = p.next_token {
        out.insert("NextToken".into(), json!(t));
    }
    Ok(Value::Object(out))
}

// ---- update / delete / transition --------------------------------------

fn update(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    let targets: Vec<(String, Value)> = match cx.binding.items {
        Some(list) => json::list(&cx.req, list)
            .iter()
            .map(|item| {
                let id = item.get(r.id).and_then(json::text).unwrap_or_default();
                (id, item.clone())
            })
            .collect(),
        None => vec![(
            target_id(cx, r)?,
            body(&cx.req, &[cx.binding.id.unwrap_or(r.id)]),
        )],
    };
    let mut found = Vec::new();
    for (id, changes) in &targets {
        let record = writable(cx, r, id, &[])?;
        found.push((id.clone(), changes.clone(), record));
    }
    cx.target = targets.first().map(|t| t.0.clone());
    hooks::before(cx)?;
    for (_, changes, _) in &found {
        checks::references(cx, changes, &[r.id])?;
    }
    cx.commit()?;
    let mut effects = Vec::new();
    let mut before = Vec::new();
    for (id, changes, record) in found {
        let mut rec = record.clone();
        if cx.binding.set.is_empty() {
            let mut changes = changes.clone();
            take_tags(&mut changes);
            json::merge(&mut rec, &changes);
        } else {
            apply_set(cx, &mut rec, &cx.req.clone());
        }
        let previous = r
            .status
            .and_then(|f| record.get(f))
            .and_then(Value::as_str)
            .map(str::to_string);
        if cx.is_async() {
            if let (Some(updating), Some(prev)) = (r.states.updating, previous.clone()) {
                set_status(&mut rec, r, Some(updating));
                effects.extend(status_effect(r, &id, &prev));
            }
        }
        before.push((r.name, id.clone(), Some(record)));
        cx.m.put(r.name, &id, rec);
    }
    let first = cx.target.clone().unwrap_or_default();
    let job = finish(cx, r, &first, effects, before);
    Ok(job.map_or_else(|| json!({}), |j| json!({"JobId": j})))
}

fn delete(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    let ids: Vec<String> = match cx.binding.ids {
        Some(list) => json::list(&cx.req, list)
            .iter()
            .filter_map(json::text)
            .collect(),
        None => vec![target_id(cx, r)?],
    };
    let mut records = Vec::new();
    for id in &ids {
        records.push((id.clone(), writable(cx, r, id, &[])?));
    }
    cx.target = ids.first().cloned();
    hooks::before(cx)?;
    for id in &ids {
        checks::not_in_use(cx, r, id)?;
    }
    cx.commit()?;
    let mut effects = Vec::new();
    let mut before = Vec::new();
    for (id, record) in records {
        before.push((r.name, id.clone(), Some(record.clone())));
        match r.states.deleting.filter(|_| cx.is_async()) {
            Some(deleting) => {
                let mut rec = record;
                set_status(&mut rec, r, Some(deleting));
                cx.m.put(r.name, &id, rec);
                effects.push(Effect::Remove {
                    kind: r.name,
                    id: id.clone(),
                });
            }
            None if cx.is_async() => effects.push(Effect::Remove {
                kind: r.name,
                id: id.clone(),
            }),
            None => cx.m.remove(r.name, &id),
        }
    }
    let first = ids.first().cloned().unwrap_or_default();
    let job = finish(cx, r, &first, effects, before);
    Ok(job.map_or_else(|| json!({}), |j| json!({"JobId": j})))
}

fn transition(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    let t = cx
        .binding
        .transition
        .ok_or_else(|| Refusal::new("InternalError", ["the binding has no transition"]))?;
    let id = target_id(cx, r)?;
    let record = writable(cx, r, &id, t.from)?;
    cx.target = Some(id.clone());
    hooks::before(cx)?;
    cx.commit()?;
    let mut rec = record.clone();
    let async_ = cx.is_async();
    set_status(&mut rec, r, Some(if async_ { t.via } else { t.to }));
    cx.m.put(r.name, &id, rec);
    let effects = if async_ {
        status_effect(r, &id, t.to).into_iter().collect()
    } else {
        Vec::new()
    };
    let job = finish(
        cx,
        r,
        &id,
        effects,
        vec![(r.name, id.clone(), Some(record))],
    );
    Ok(job.map_or_else(|| json!({}), |j| json!({"JobId": j})))
}

// ---- children ----------------------------------------------------------

/// The request's items as child items: objects as they are, a scalar as
/// `{key: value}` for a child keyed by one field (or as is for a list of
/// scalars).
fn child_items(cx: &Cx, key: &[&str]) -> Vec<Value> {
    let Some(list) = cx.binding.items else {
        return Vec::new();
    };
    json::list(&cx.req, list)
        .iter()
        .map(|item| match (item, key) {
            (Value::Object(_), _) | (_, []) => item.clone(),
            (scalar, [k, ..]) => json!({ *k: scalar }),
        })
        .collect()
}

/// What a child collection holds, as error codes name it: the resource its
/// one `...Id` key names (`AclId`: `Acl`, `CertificateId`: `Certificate`),
/// else the collection's singular (`SecurityGroupIds`: `SecurityGroup`,
/// `AclEntries`: `AclEntry`).
fn child_name(path: &str, key: &[&str]) -> String {
    let name = match key {
        [one] if one.ends_with("Id") => one.to_string(),
        _ => json::singular(path.rsplit('.').next().unwrap_or(path)),
    };
    name.strip_suffix("Id").unwrap_or(&name).to_string()
}

/// The first documented code starting with one of `prefixes`.
fn documented_prefix(cx: &Cx, prefixes: &[&str]) -> Option<String> {
    cx.call
        .codes
        .iter()
        .find(|e| prefixes.iter().any(|p| e.code.starts_with(p)))
        .map(|e| e.code.to_string())
}

/// The record whose child collection an add or remove changes, checked,
/// with the hooks' rules run.
type ChildTarget = (
    &'static Resource,
    &'static str,
    &'static alb_runtime::server::model::Child,
    String,
    Value,
);

fn child_target(cx: &mut Cx) -> Result<ChildTarget, Refusal> {
    let r = resource(cx)?;
    let path = cx.binding.child.unwrap_or_default();
    let child = r
        .child(path)
        .ok_or_else(|| Refusal::new("InternalError", ["unknown child"]))?;
    let id = target_id(cx, r)?;
    let record = writable(cx, r, &id, &[])?;
    cx.target = Some(id.clone());
    hooks::before(cx)?;
    Ok((r, path, child, id, record))
}

fn add(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, path, child, id, record) = child_target(cx)?;
    let items = child_items(cx, child.key);
    let list = cx.binding.items.unwrap_or_default();
    for item in &items {
        // A scalar item is checked under the request list's name
        // (`SecurityGroupIds`: external security groups).
        let named = match item {
            Value::Object(_) => item.clone(),
            scalar => json!({ list: [scalar] }),
        };
        checks::references(cx, &named, &[])?;
    }
    let already = [
        "ResourceAlreadyAssociated.",
        "ResourceAlreadyAdded.",
        "ResourceAlreadyExist.",
    ]
    .map(|p| format!("{p}{}", child_name(path, child.key)));
    for item in &items {
        let exists = json::list(&record, path)
            .iter()
            .any(|have| json::key_of(have, child.key) == json::key_of(item, child.key));
        if exists {
            if let Some(code) = cx
                .call
                .codes
                .iter()
                .find(|e| already.iter().any(|a| e.code == a))
                .map(|e| e.code.to_string())
            {
                return Err(Refusal::new(
                    code,
                    [json::key_of(item, child.key).join(":")],
                ));
            }
        }
    }
    cx.commit()?;
    let mut rec = record.clone();
    apply_set(cx, &mut rec, &cx.req.clone());
    let adding = child.adding.filter(|_| cx.is_async());
    let mut effects = Vec::new();
    for item in items {
        let key = json::key_of(&item, child.key);
        let list = json::list_mut(&mut rec, path);
        list.retain(|have| json::key_of(have, child.key) != key);
        let mut item = item;
        if let (Some(field), Some(state)) = (child.status, adding.or(child.ready)) {
            json::set(&mut item, field, Value::String(state.to_string()));
        }
        if item.is_object() {
            json::set(&mut item, internal::COUNT, json!(1));
        }
        list.push(item);
        if let (Some(_), Some(ready)) = (adding, child.ready) {
            effects.push(Effect::ChildStatus {
                kind: r.name,
                id: id.clone(),
                child: path,
                key,
                status: ready.to_string(),
            });
        }
    }
    busy(cx, r, &mut rec, &record, &id, &mut effects);
    cx.m.put(r.name, &id, rec);
    let job = finish(
        cx,
        r,
        &id,
        effects,
        vec![(r.name, id.clone(), Some(record))],
    );
    Ok(job.map_or_else(|| json!({}), |j| json!({"JobId": j})))
}

/// An asynchronous change to a record's children makes it `updating` until
/// the job is done.
fn busy(
    cx: &Cx,
    r: &Resource,
    rec: &mut Value,
    before: &Value,
    id: &str,
    effects: &mut Vec<Effect>,
) {
    if !cx.is_async() {
        return;
    }
    let previous = r.status.and_then(|f| before.get(f)).and_then(Value::as_str);
    if let (Some(updating), Some(prev)) = (r.states.updating, previous) {
        set_status(rec, r, Some(updating));
        effects.extend(status_effect(r, id, prev));
    }
}

fn remove(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, path, child, id, record) = child_target(cx)?;
    let probes = child_items(cx, child.key);
    let mut keys = Vec::new();
    for probe in &probes {
        let found: Vec<Vec<String>> = json::list(&record, path)
            .iter()
            .filter(|have| json::matches_key(have, probe, child.key))
            .map(|have| json::key_of(have, child.key))
            .collect();
        if found.is_empty() {
            let code = documented_prefix(
                cx,
                &[
                    "ResourceNotAssociated.",
                    "ResourceNotFound.BackendServer",
                    "ResourceNotFound.AclEntry",
                ],
            );
            if let Some(code) = code {
                let shown = json::key_of(probe, child.key).join(":");
                return Err(Refusal::new(code, [shown]));
            }
        }
        keys.extend(found);
    }
    cx.commit()?;
    let mut rec = record.clone();
    let removing = child.removing.filter(|_| cx.is_async());
    let mut effects = Vec::new();
    for key in keys {
        let list = json::list_mut(&mut rec, path);
        match (removing, child.status) {
            (Some(state), Some(field)) => {
                for have in list
                    .iter_mut()
                    .filter(|h| json::key_of(h, child.key) == key)
                {
                    json::set(have, field, Value::String(state.to_string()));
                }
                effects.push(Effect::ChildRemove {
                    kind: r.name,
                    id: id.clone(),
                    child: path,
                    key,
                });
            }
            _ => list.retain(|h| json::key_of(h, child.key) != key),
        }
    }
    busy(cx, r, &mut rec, &record, &id, &mut effects);
    apply_set(cx, &mut rec, &cx.req.clone());
    cx.m.put(r.name, &id, rec);
    let job = finish(
        cx,
        r,
        &id,
        effects,
        vec![(r.name, id.clone(), Some(record))],
    );
    Ok(job.map_or_else(|| json!({}), |j| json!({"JobId": j})))
}

fn list_children(cx: &mut Cx) -> Result<Value, Refusal> {
    let r = resource(cx)?;
    let path = cx.binding.child.unwrap_or_default();
    let id = target_id(cx, r)?;
    let record = checks::find(cx, r, &id)?;
    checks::access(cx, r.name, &record)?;
    cx.target = Some(id.clone());
    hooks::before(cx)?;
    let items: Vec<Value> = json::list(&record, path).to_vec();
    let filters = body(&cx.req, &[r.id]);
    let known = |f: &str| items.iter().any(|i| i.get(f).is_some());
    let items: Vec<Value> = items
        .iter()
        .filter(|i| passes(i, &filters, &known))
        .map(|i| {
            let mut i = i.clone();
            if let Value::Object(m) = &mut i {
                if !m.contains_key(r.id) {
                    m.insert(r.id.to_string(), json!(id));
                }
            }
            i
        })
        .collect();
    let field = cx
        .binding
        .items
        .map(str::to_string)
        .unwrap_or_else(|| path.rsplit('.').next().unwrap_or(path).to_string());
    page(cx, items, &field)
}

// ---- tags --------------------------------------------------------------

/// The resources a tag call names: `ResourceType` and `ResourceId` (a list
/// or one ID).
fn tagged(cx: &Cx) -> Result<(&'static Resource, Vec<String>), Refusal> {
    let t = cx.text("ResourceType").unwrap_or_default();
    let r = spec()
        .by_tag_type(&t)
        .ok_or_else(|| Refusal::new("InvalidParameter", ["ResourceType"]))?;
    let ids = match cx.field("ResourceId") {
        Some(Value::Array(a)) => a.iter().filter_map(json::text).collect(),
        Some(v) => json::text(v).into_iter().collect(),
        None => Vec::new(),
    };
    Ok((r, ids))
}

fn tag(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, ids) = tagged(cx)?;
    for id in &ids {
        let rec = checks::find(cx, r, id)?;
        checks::access(cx, r.name, &rec)?;
    }
    hooks::before(cx)?;
    cx.commit()?;
    let tags = json::list(&cx.req, "Tag").to_vec();
    for id in ids {
        if let Some(rec) = cx.m.get_mut(r.name, &id) {
            let list = json::list_mut(rec, "Tags");
            for t in &tags {
                list.retain(|have| have.get("Key") != t.get("Key"));
                let mut t = t.clone();
                if t.get("Value").is_none() {
                    t["Value"] = json!("");
                }
                list.push(t);
            }
        }
    }
    Ok(json!({}))
}

fn untag(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, ids) = tagged(cx)?;
    for id in &ids {
        checks::find(cx, r, id)?;
    }
    hooks::before(cx)?;
    cx.commit()?;
    let all = cx.field("All").and_then(Value::as_bool) == Some(true);
    let mut keys: Vec<String> = json::list(&cx.req, "TagKey")
        .iter()
        .filter_map(json::text)
        .collect();
    keys.extend(
        json::list(&cx.req, "Tag")
            .iter()
            .filter_map(|t| t.get("Key").and_then(json::text)),
    );
    for id in ids {
        if let Some(rec) = cx.m.get_mut(r.name, &id) {
            json::list_mut(rec, "Tags").retain(|t| {
                !all && !t
                    .get("Key")
                    .and_then(json::text)
                    .is_some_and(|k| keys.contains(&k))
            });
        }
    }
    Ok(json!({}))
}

/// A listing that names resources answers `ResourceNotFound.<Resource>`
/// for one that does not exist, when the operation documents the code.
fn named_exist(cx: &Cx, r: &Resource, ids: &[String]) -> Result<(), Refusal> {
    if checks::documented(cx, "ResourceNotFound", r.name).is_none() {
        return Ok(());
    }
    for id in ids {
        checks::find(cx, r, id)?;
    }
    Ok(())
}

fn list_tag_resources(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, ids) = tagged(cx)?;
    named_exist(cx, r, &ids)?;
    hooks::before(cx)?;
    let want = json::list(&cx.req, "Tag").to_vec();
    let mut items = Vec::new();
    for rec in cx.m.all(r.name) {
        let id = rec.get(r.id).and_then(json::text).unwrap_or_default();
        if !ids.is_empty() && !ids.contains(&id) {
            continue;
        }
        for t in json::list(rec, "Tags") {
            let hit = want.is_empty()
                || want.iter().any(|w| {
                    w.get("Key") == t.get("Key")
                        && w.get("Value").is_none_or(|v| t.get("Value") == Some(v))
                });
            if hit {
                items.push(json!({
                    "ResourceId": id,
                    "ResourceType": r.tag_type.unwrap_or_default(),
                    "TagKey": t.get("Key").cloned().unwrap_or_default(),
                    "TagValue": t.get("Value").cloned().unwrap_or_default(),
                }));
            }
        }
    }
    page(cx, items, "TagResources")
}

fn list_tag_keys(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, _) = tagged(cx)?;
    hooks::before(cx)?;
    let keyword = cx.text("Keyword").unwrap_or_default();
    let mut keys: Vec<String> =
        cx.m.all(r.name)
            .iter()
            .flat_map(|rec| {
                json::list(rec, "Tags")
                    .iter()
                    .filter_map(|t| t.get("Key").and_then(json::text))
            })
            .filter(|k| k.contains(&keyword))
            .collect();
    keys.sort();
    keys.dedup();
    let items = keys
        .into_iter()
        .map(|k| json!({"TagKey": k, "Category": "Custom"}))
        .collect();
    page(cx, items, "TagKeys")
}

fn list_tag_values(cx: &mut Cx) -> Result<Value, Refusal> {
    let (r, ids) = tagged(cx)?;
    named_exist(cx, r, &ids)?;
    hooks::before(cx)?;
    let key = cx.text("TagKey").unwrap_or_default();
    let mut values: Vec<String> =
        cx.m.all(r.name)
            .iter()
            .filter(|rec| {
                ids.is_empty()
                    || rec
                        .get(r.id)
                        .and_then(json::text)
                        .is_some_and(|id| ids.contains(&id))
            })
            .flat_map(|rec| {
                json::list(rec, "Tags")
                    .iter()
                    .filter(|t| t.get("Key").and_then(json::text).as_deref() == Some(key.as_str()))
                    .filter_map(|t| t.get("Value").and_then(json::text))
                    .collect::<Vec<_>>()
            })
            .collect();
    values.sort();
    values.dedup();
    page(
        cx,
        values.into_iter().map(Value::String).collect(),
        "TagValues",
    )
}

// ---- the world and the jobs --------------------------------------------

fn regions(cx: &mut Cx) -> Result<Value, Refusal> {
    hooks::before(cx)?;
    let items: Vec<Value> =
        cx.m.world
            .regions
            .iter()
            .map(|r| {
                json!({
                    "RegionId": r.region_id,
                    "LocalName": r.local_name,
                    "RegionEndpoint": format!("alb.{}.aliyuncs.com", r.region_id),
                })
            })
            .collect();
    Ok(json!({ "Regions": items }))
}

fn zones(cx: &mut Cx) -> Result<Value, Refusal> {
    hooks::before(cx)?;
    let items: Vec<Value> =
        cx.m.world
            .zones
            .iter()
            .map(|z| json!({"ZoneId": z.zone_id, "LocalName": z.local_name}))
            .collect();
    Ok(json!({ "Zones": items }))
}

fn jobs(cx: &mut Cx) -> Result<Value, Refusal> {
    hooks::before(cx)?;
    let f = &cx.req;
    let list =
        |k: &str| -> Vec<String> { json::list(f, k).iter().filter_map(json::text).collect() };
    let (job_ids, resource_ids) = (list("JobIds"), list("ResourceIds"));
    let resource_type = cx.text("ResourceType");
    let api = cx.text("ApiName");
    let begin = cx.field("BeginTime").and_then(Value::as_i64);
    let end = cx.field("EndTime").and_then(Value::as_i64);
    let items: Vec<Value> =
        cx.m.jobs
            .iter()
            .filter(|j| !j.resource_type.is_empty())
            .filter(|j| job_ids.is_empty() || job_ids.contains(&j.job_id))
            .filter(|j| resource_ids.is_empty() || resource_ids.contains(&j.resource_id))
            .filter(|j| {
                resource_type
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case(&j.resource_type))
            })
            .filter(|j| api.as_deref().is_none_or(|a| a == j.action))
            .filter(|j| begin.is_none_or(|t| j.created_ms >= t))
            .filter(|j| end.is_none_or(|t| j.created_ms <= t))
            .map(|j| {
                let mut v = json!({
                    "Id": j.job_id,
                    "ApiName": j.action,
                    "Status": j.status(),
                    "OperateType": j.operate_type(),
                    "ResourceType": j.resource_type,
                    "ResourceId": j.resource_id,
                    "CreateTime": j.created_ms,
                    "ModifyTime": j.finished_ms.unwrap_or(j.created_ms),
                });
                if let Some(f) = j.failure.as_ref().filter(|_| j.done) {
                    v["ErrorCode"] = json!(f.code);
                    v["ErrorMessage"] = json!(f.message);
                }
                v
            })
            .collect();
    page(cx, items, "Jobs")
}

// ---- pages -------------------------------------------------------------

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
) -> Result<Page<T>, Refusal> {
    let max = max_results.unwrap_or(DEFAULT_MAX_RESULTS).clamp(1, 1000);
    let offset = match next_token.map(str::trim).filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => {
            decode_token(t, scope).ok_or_else(|| Refusal::new::<String>("InvalidParameter", []))?
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
    fn filters_match_singular_fields_and_tags() {
        let rec = json!({"ListenerId": "l-1", "ListenerProtocol": "HTTPS", "Tags": [{"Key": "env", "Value": "dev"}]});
        let known = |f: &str| rec.get(f).is_some();
        assert!(passes(
            &rec,
            &json!({"ListenerIds": ["l-1", "l-2"]}),
            &known
        ));
        assert!(!passes(&rec, &json!({"ListenerIds": ["l-2"]}), &known));
        assert!(passes(&rec, &json!({"ListenerProtocol": "HTTPS"}), &known));
        assert!(!passes(&rec, &json!({"ListenerProtocol": "HTTP"}), &known));
        assert!(passes(&rec, &json!({"Tag": [{"Key": "env"}]}), &known));
        assert!(!passes(
            &rec,
            &json!({"Tag": [{"Key": "env", "Value": "prod"}]}),
            &known
        ));
        // A filter no record has is not applied.
        assert!(passes(&rec, &json!({"UnknownThings": ["x"]}), &known));
    }
}
