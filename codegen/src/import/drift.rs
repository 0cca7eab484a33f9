//! The drift report: how an operation's spec differs from Alibaba's
//! metadata and RAM facts. The fidelity test requires every difference to
//! be explained by a note that names it.

use super::metadata::{access_level, MetaMember, Metadata, RamFacts};
use crate::ir::{Api, MemberIr, OperationIr, ShapeKind, TypeIr};
use std::collections::BTreeSet;

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// What a note must name to explain it: a wire path (`Certificates`,
    /// `Certificates[].CertificateId`), an error code, or one of `async`,
    /// `access level`, `RAM`, `rate limit`.
    pub subject: String,
    pub text: String,
}

fn push(out: &mut Vec<Drift>, subject: &str, text: String) {
    out.push(Drift {
        subject: subject.to_string(),
        text,
    });
}

/// The metadata's word for a type.
fn kind(ty: &TypeIr) -> &'static str {
    match ty {
        TypeIr::String(_) | TypeIr::Enum { .. } => "string",
        TypeIr::Integer(_) => "integer",
        TypeIr::Number => "number",
        TypeIr::Boolean => "boolean",
        TypeIr::Struct(_) => "object",
        TypeIr::List(_) => "array",
    }
}

fn fields_of<'a>(api: &'a Api, ty: &'a TypeIr) -> Option<&'a [MemberIr]> {
    let id = match ty {
        TypeIr::Struct(id) => *id,
        TypeIr::List(l) => match &l.item {
            TypeIr::Struct(id) => *id,
            _ => return None,
        },
        _ => return None,
    };
    match &api.shapes[id].kind {
        ShapeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

fn int64(ty: &TypeIr) -> bool {
    match ty {
        TypeIr::Integer(r) => r.int64,
        TypeIr::List(l) => int64(&l.item),
        _ => false,
    }
}

/// Members against metadata members, recursively, under `prefix`.
fn members(
    api: &Api,
    spec: &[MemberIr],
    meta: &[MetaMember],
    prefix: &str,
    request: bool,
    out: &mut Vec<Drift>,
) {
    let path = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for m in meta {
        let p = path(&m.name);
        let Some(s) = spec.iter().find(|s| s.wire == m.name) else {
            push(out, &p, format!("{p}: in the metadata, not in the spec"));
            continue;
        };
        let spec_kind = kind(&s.ty);
        if spec_kind != m.ty {
            push(
                out,
                &p,
                format!(
                    "{p}: type {spec_kind} in the spec, {} in the metadata",
                    m.ty
                ),
            );
            continue;
        }
        let meta_int64 = m.format.as_deref() == Some("int64")
            || m.items
                .as_deref()
                .is_some_and(|i| i.format.as_deref() == Some("int64"));
        if int64(&s.ty) != meta_int64 && (spec_kind == "integer" || spec_kind == "array") {
            push(
                out,
                &p,
                format!(
                    "{p}: int64 {} in the spec, {meta_int64} in the metadata",
                    int64(&s.ty)
                ),
            );
        }
        if request && s.required != m.required {
            push(
                out,
                &p,
                format!(
                    "{p}: required {} in the spec, {} in the metadata",
                    s.required, m.required
                ),
            );
        }
        match &s.ty {
            TypeIr::List(l) if request => {
                if l.min_items != m.min_items {
                    push(
                        out,
                        &p,
                        format!(
                            "{p}: min_items {:?} in the spec, {:?} in the metadata",
                            l.min_items, m.min_items
                        ),
                    );
                }
                if l.max_items != m.max_items {
                    push(
                        out,
                        &p,
                        format!(
                            "{p}: max_items {:?} in the spec, {:?} in the metadata",
                            l.max_items, m.max_items
                        ),
                    );
                }
            }
            TypeIr::Integer(r) if request => {
                if m.minimum.is_some() && r.min != m.minimum {
                    push(
                        out,
                        &p,
                        format!(
                            "{p}: minimum {:?} in the spec, {:?} in the metadata",
                            r.min, m.minimum
                        ),
                    );
                }
                if m.maximum.is_some() && r.max != m.maximum {
                    push(
                        out,
                        &p,
                        format!(
                            "{p}: maximum {:?} in the spec, {:?} in the metadata",
                            r.max, m.maximum
                        ),
                    );
                }
            }
            _ => {}
        }
        let nested: &[MetaMember] = match m.ty.as_str() {
            "object" => &m.fields,
            "array" => m
                .items
                .as_deref()
                .map(|i| i.fields.as_slice())
                .unwrap_or_default(),
            _ => &[],
        };
        if let Some(fields) = fields_of(api, &s.ty) {
            let sub = if m.ty == "array" {
                format!("{p}[]")
            } else {
                p.clone()
            };
            members(api, fields, nested, &sub, request, out);
        }
    }
    let named: BTreeSet<&str> = meta.iter().map(|m| m.name.as_str()).collect();
    for s in spec {
        if !named.contains(s.wire.as_str()) {
            let p = path(&s.wire);
            push(out, &p, format!("{p}: in the spec, not in the metadata"));
        }
    }
}

/// Every difference between the operation's spec and its metadata.
pub fn report(api: &Api, op: &OperationIr, meta: &Metadata, ram: Option<&RamFacts>) -> Vec<Drift> {
    let mut out = Vec::new();
    members(api, &op.params, &meta.parameters, "", true, &mut out);
    let mut resp = Vec::new();
    members(api, &op.response, &meta.response, "", false, &mut resp);
    for d in resp {
        push(&mut out, &d.subject, format!("response.{}", d.text));
    }

    let spec_codes: Vec<&str> = op
        .errors
        .iter()
        .map(|(id, _)| api.errors[*id].code.as_str())
        .collect();
    for (status, code, message) in &meta.errors {
        match api.errors.iter().find(|e| &e.code == code) {
            Some(e) if spec_codes.contains(&code.as_str()) => {
                if e.http_status != *status {
                    push(
                        &mut out,
                        code,
                        format!(
                            "errors.{code}: HTTP {} in the catalogue, {status} in the metadata",
                            e.http_status
                        ),
                    );
                }
                if !same_text(&e.message, message) {
                    push(&mut out, code, format!("errors.{code}: message `{}` in the catalogue, `{message}` in the metadata", e.message));
                }
            }
            _ => push(
                &mut out,
                code,
                format!("errors.{code}: in the metadata, not in the spec"),
            ),
        }
    }
    for code in &spec_codes {
        if !meta.errors.iter().any(|(_, c, _)| c == code) {
            push(
                &mut out,
                code,
                format!("errors.{code}: in the spec, not in the metadata"),
            );
        }
    }

    if meta.is_async() != op.asynchronous.is_some() {
        push(
            &mut out,
            "async",
            format!(
                "async: {} in the spec, {} in the metadata",
                op.asynchronous.is_some(),
                meta.is_async()
            ),
        );
    }
    let documented = meta
        .operation_type
        .as_deref()
        .and_then(access_level)
        .or_else(|| {
            ram.and_then(|r| r.access_level.as_deref())
                .and_then(access_level)
        });
    if let Some(level) = documented {
        if level != op.ram.access_level.as_str() {
            push(
                &mut out,
                "access level",
                format!(
                    "access level: {} in the spec, {level} in the metadata",
                    op.ram.access_level.as_str()
                ),
            );
        }
    }
    if let Some(r) = ram {
        if let Some(action) = &r.action {
            if action != &op.ram.action {
                push(
                    &mut out,
                    "RAM",
                    format!(
                        "RAM action: {} in the spec, {action} in ram.json",
                        op.ram.action
                    ),
                );
            }
        }
        for (ty, arn, required) in &r.resources {
            let any = ty == "All Resources" || arn.as_deref() == Some("*");
            let found = op.ram.resources.iter().find(|x| {
                if any {
                    x.resource_type == "*"
                } else {
                    &x.resource_type == ty
                }
            });
            match found {
                None => push(
                    &mut out,
                    "RAM",
                    format!("RAM resource {ty}: in ram.json, not in the spec"),
                ),
                Some(x) => {
                    if let Some(a) = arn {
                        if !any && !x.arn.eq_ignore_ascii_case(a) {
                            push(
                                &mut out,
                                "RAM",
                                format!(
                                    "RAM resource {ty}: ARN `{}` in the spec, `{a}` in ram.json",
                                    x.arn
                                ),
                            );
                        }
                    }
                    if required.is_some() && x.required != *required {
                        push(&mut out, "RAM", format!("RAM resource {ty}: required {:?} in the spec, {required:?} in ram.json", x.required));
                    }
                }
            }
        }
        for x in &op.ram.resources {
            let listed = r.resources.iter().any(|(ty, arn, _)| {
                if x.resource_type == "*" {
                    ty == "All Resources" || arn.as_deref() == Some("*")
                } else {
                    ty == &x.resource_type
                }
            });
            if !listed && !r.resources.is_empty() {
                push(
                    &mut out,
                    "RAM",
                    format!(
                        "RAM resource {}: in the spec, not in ram.json",
                        x.resource_type
                    ),
                );
            }
        }
        let keys: BTreeSet<&String> = r.condition_keys.iter().collect();
        let spec_keys: BTreeSet<&String> = op.ram.condition_keys.iter().collect();
        if keys != spec_keys {
            push(
                &mut out,
                "RAM",
                format!("RAM condition keys: {spec_keys:?} in the spec, {keys:?} in ram.json"),
            );
        }
        if r.rate_limit.is_some() && r.rate_limit != op.rate_limit {
            push(
                &mut out,
                "rate limit",
                format!(
                    "rate limit: {:?} in the spec, {:?} in ram.json",
                    op.rate_limit, r.rate_limit
                ),
            );
        }
    }
    out
}

/// Whether a note explains a drift: it names the subject.
/// A note and where it is attached: a wire path (`Certificates[].CertificateId`;
/// `Certificates[]` for the notes of the shape its items use), an error
/// code (the catalogue's notes), or `""` (the operation's own notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub at: String,
    pub text: String,
}

/// Every note that can explain a drift of `op`, with where it is attached:
/// the operation's; its members' at any depth (and those of the shapes they
/// use, at each path that reaches them); the catalogue's on its codes.
pub fn notes_of(api: &Api, op: &OperationIr) -> Vec<Note> {
    fn walk(api: &Api, members: &[MemberIr], prefix: &str, depth: usize, out: &mut Vec<Note>) {
        for m in members {
            let at = if prefix.is_empty() {
                m.wire.clone()
            } else {
                format!("{prefix}.{}", m.wire)
            };
            out.extend(m.notes.iter().map(|n| Note {
                at: at.clone(),
                text: n.clone(),
            }));
            walk_type(api, &m.ty, &at, depth, out);
        }
    }
    fn walk_type(api: &Api, ty: &TypeIr, at: &str, depth: usize, out: &mut Vec<Note>) {
        if depth > 16 {
            return;
        }
        match ty {
            TypeIr::Struct(id) | TypeIr::Enum { shape: id, .. } => {
                let shape = &api.shapes[*id];
                out.extend(shape.notes.iter().map(|n| Note {
                    at: at.to_string(),
                    text: n.clone(),
                }));
                if let ShapeKind::Struct { fields, .. } = &shape.kind {
                    walk(api, fields, at, depth + 1, out);
                }
            }
            TypeIr::List(l) => walk_type(api, &l.item, &format!("{at}[]"), depth + 1, out),
            _ => {}
        }
    }
    let mut out: Vec<Note> = op
        .notes
        .iter()
        .map(|n| Note {
            at: String::new(),
            text: n.clone(),
        })
        .collect();
    walk(api, &op.params, "", 0, &mut out);
    walk(api, &op.response, "", 0, &mut out);
    for (id, remark) in &op.errors {
        let e = &api.errors[*id];
        out.extend(e.notes.iter().map(|n| Note {
            at: e.code.clone(),
            text: n.clone(),
        }));
        if let Some(r) = remark {
            out.push(Note {
                at: e.code.clone(),
                text: r.clone(),
            });
        }
    }
    out
}

/// Texts equal but for whitespace (the metadata has no-break spaces and
/// doubled spaces where the catalogue may not).
pub fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Whether a note explains `d`: one attached where the difference is (the
/// member, or the error code), one whose text names the whole path, or one
/// attached to the parent (the object, or the operation for a top-level
/// member) whose text names the member.
pub fn explained(d: &Drift, notes: &[Note]) -> bool {
    let subject = d.subject.as_str();
    let bare = subject.trim_end_matches("[]");
    let (parent, last) = match bare.rfind('.') {
        Some(i) => (&bare[..i], &bare[i + 1..]),
        None => ("", bare),
    };
    notes.iter().any(|n| {
        let at = n.at.trim_end_matches("[]");
        at == bare
            || n.text.contains(bare)
            || (at == parent.trim_end_matches("[]") && !last.is_empty() && n.text.contains(last))
    })
}
