//! The official Python SDK's models (as `scripts/sdk_models.py --json`
//! prints them) against the spec: wire names at every depth, coarse types
//! and required. The SDK is newer than the metadata, so a name it has and
//! the spec lacks is a field to add; a name only the spec has needs a note.

use super::drift::Drift;
use crate::ir::{Api, MemberIr, OperationIr, ShapeKind, TypeIr};
use serde_json::Value;
use std::collections::BTreeMap;

/// One SDK model field.
#[derive(Debug, Clone, Default)]
pub struct SdkField {
    pub name: String,
    /// `str`, `int`, `bool`, `float`, `list[...]`, or a model class name.
    pub ty: String,
    pub doc: String,
    pub required: bool,
    pub fields: Vec<SdkField>,
}

/// One operation's request and response models.
#[derive(Debug, Clone, Default)]
pub struct SdkOperation {
    pub request: Vec<SdkField>,
    pub response: Vec<SdkField>,
}

fn fields(v: &Value) -> Vec<SdkField> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|n| SdkField {
            name: n["name"].as_str().unwrap_or_default().to_string(),
            ty: n["type"].as_str().unwrap_or_default().to_string(),
            doc: n["doc"].as_str().unwrap_or_default().to_string(),
            required: n["required"].as_bool().unwrap_or(false),
            fields: fields(&n["fields"]),
        })
        .collect()
}

/// Reads `sdk_models.py --json` output: operation name -> models.
pub fn from_json(text: &str) -> Result<BTreeMap<String, SdkOperation>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v.as_object().ok_or("not an object of operations")?;
    Ok(obj
        .iter()
        .map(|(op, m)| {
            (
                op.clone(),
                SdkOperation {
                    request: fields(&m["request"]),
                    response: fields(&m["response"]),
                },
            )
        })
        .collect())
}

/// The SDK's type in the metadata's words.
fn kind(f: &SdkField) -> &'static str {
    match f.ty.as_str() {
        "str" => "string",
        "int" => "integer",
        "bool" => "boolean",
        "float" => "number",
        t if t.starts_with("list[") => "array",
        t if t.starts_with("dict[") => "map",
        _ => "object",
    }
}

fn spec_kind(ty: &TypeIr) -> &'static str {
    match ty {
        TypeIr::String(_) | TypeIr::Enum { .. } => "string",
        TypeIr::Integer(_) => "integer",
        TypeIr::Number => "number",
        TypeIr::Boolean => "boolean",
        TypeIr::Struct(_) => "object",
        TypeIr::List(_) => "array",
    }
}

fn nested<'a>(api: &'a Api, ty: &TypeIr) -> Option<&'a [MemberIr]> {
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

fn compare(
    api: &Api,
    spec: &[MemberIr],
    sdk: &[SdkField],
    prefix: &str,
    request: bool,
    out: &mut Vec<Drift>,
) {
    let path = |n: &str| {
        if prefix.is_empty() {
            n.to_string()
        } else {
            format!("{prefix}.{n}")
        }
    };
    for f in sdk {
        let p = path(&f.name);
        let Some(s) = spec.iter().find(|s| s.wire == f.name) else {
            out.push(Drift {
                subject: p.clone(),
                text: format!("{p}: in the official SDK, not in the spec"),
            });
            continue;
        };
        let (a, b) = (spec_kind(&s.ty), kind(f));
        if a != b {
            out.push(Drift {
                subject: p.clone(),
                text: format!("{p}: type {a} in the spec, {b} in the official SDK"),
            });
            continue;
        }
        if request && f.required && !s.required {
            out.push(Drift {
                subject: p.clone(),
                text: format!("{p}: optional in the spec, required in the official SDK"),
            });
        }
        if let Some(fields) = nested(api, &s.ty) {
            let sub = if a == "array" {
                format!("{p}[]")
            } else {
                p.clone()
            };
            compare(api, fields, &f.fields, &sub, request, out);
        }
    }
    for s in spec {
        if !sdk.iter().any(|f| f.name == s.wire) {
            let p = path(&s.wire);
            out.push(Drift {
                subject: p.clone(),
                text: format!("{p}: in the spec, not in the official SDK"),
            });
        }
    }
}

/// Every difference between the operation's spec and the SDK's models.
pub fn report(api: &Api, op: &OperationIr, sdk: &SdkOperation) -> Vec<Drift> {
    let mut out = Vec::new();
    compare(api, &op.params, &sdk.request, "", true, &mut out);
    let mut resp = Vec::new();
    compare(api, &op.response, &sdk.response, "", false, &mut resp);
    out.extend(resp.into_iter().map(|d| Drift {
        text: format!("response.{}", d.text),
        ..d
    }));
    out
}
