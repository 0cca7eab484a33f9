//! Rustdoc text from the spec.

use crate::ir::{Api, CharsIr, MemberIr, ShapeKind, StrRules, TypeIr};

/// Rustdoc for a member: its description, then in one parenthesis the
/// facts a caller needs (wire name, required, constraints, default,
/// example, where values come from), then its notes.
pub fn member_doc(api: &Api, m: &MemberIr) -> String {
    // A scalar shape (rules only, no type of its own) describes the value
    // when the member does not.
    let scalar = m
        .shape
        .map(|id| &api.shapes[id])
        .filter(|s| matches!(s.kind, ShapeKind::Scalar { .. }));
    let mut doc = match (&m.description, scalar) {
        (Some(d), _) => d.clone(),
        (None, Some(s)) => s.description.clone(),
        (None, None) => format!("The `{}` field.", m.wire),
    };
    let mut facts = vec![format!("`{}`", m.wire)];
    if m.required {
        facts.push("required".to_string());
    }
    let c = constraints(&m.ty);
    if !c.is_empty() {
        facts.push(c);
    }
    if let Some(d) = &m.default {
        facts.push(format!("default `{d}`"));
    }
    if let Some(e) = &m.example {
        facts.push(format!("example `{e}`"));
    }
    if !m.values_from.is_empty() {
        facts.push(format!("from {}", m.values_from.join(", ")));
    }
    if m.deprecated {
        facts.push("deprecated".to_string());
    }
    doc.push_str(&format!(" ({}.)", facts.join("; ")));
    doc.push_str(&notes(&m.notes));
    doc
}

/// The constraints of a type, in words.
pub fn constraints(ty: &TypeIr) -> String {
    let mut c = Vec::new();
    match ty {
        TypeIr::String(r) => string_rules(r, &mut c),
        TypeIr::Number => {}
        TypeIr::Integer(r) => {
            if let Some(v) = r.min {
                c.push(format!(">= {v}"));
            }
            if let Some(v) = r.max {
                c.push(format!("<= {v}"));
            }
        }
        TypeIr::Enum { allowed, .. } => c.push(format!("one of {}", allowed.join(", "))),
        TypeIr::List(l) => {
            if let Some(v) = l.min_items {
                c.push(format!("at least {v} item(s)"));
            }
            if let Some(v) = l.max_items {
                c.push(format!("at most {v} item(s)"));
            }
            let inner = constraints(&l.item);
            if !inner.is_empty() {
                c.push(format!("each item {inner}"));
            }
        }
        TypeIr::Boolean | TypeIr::Struct(_) => {}
    }
    c.join(", ")
}

fn chars(c: &CharsIr) -> String {
    let mut parts: Vec<String> = c
        .classes
        .iter()
        .map(|k| {
            match *k {
                "LETTER" => "letters",
                "UPPER" => "upper-case letters",
                "LOWER" => "lower-case letters",
                "DIGIT" => "digits",
                _ => "Chinese characters",
            }
            .to_string()
        })
        .collect();
    parts.extend(c.extra.chars().map(|x| format!("`{x}`")));
    parts.join(", ")
}

fn string_rules(r: &StrRules, c: &mut Vec<String>) {
    if let Some(v) = r.min_len {
        c.push(format!("length >= {v}"));
    }
    if let Some(v) = r.max_len {
        c.push(format!("length <= {v}"));
    }
    if r.ascii_only {
        c.push("ASCII only".to_string());
    }
    if let Some(f) = &r.first {
        c.push(format!("starts with {}", chars(f)));
    }
    if let Some(f) = &r.chars {
        c.push(format!("only {}", chars(f)));
    }
    if let Some(f) = r.format {
        c.push(format!("format {}", f.to_lowercase()));
    }
    for p in &r.not_prefixes {
        c.push(format!("not starting with `{p}`"));
    }
    for s in &r.not_contains {
        c.push(format!("not containing `{s}`"));
    }
}

/// Doc lines of free-form notes.
pub fn notes(notes: &[String]) -> String {
    notes.iter().map(|n| format!("\n\nNote: {n}")).collect()
}
