//! Semantic checks: everything serde cannot see. Every problem is
//! reported at once, each naming the file and the key path.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Spec;
use crate::model::{Member, Operation, Role, Scalar, Type};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub fn check(spec: &Spec) -> Result<(), Diagnostics> {
    let mut c = Checker {
        spec,
        out: Vec::new(),
    };
    c.service();
    let mut names = BTreeMap::new();
    let mut waiter_names: BTreeMap<&str, &Path> = BTreeMap::new();
    for (file, op) in &spec.operations {
        if let Some(first) = names.insert(op.name.as_str(), file) {
            c.push(
                file,
                "name",
                format!(
                    "operation `{}` is also defined in {}",
                    op.name,
                    first.display()
                ),
            );
        }
        for (i, w) in op.waiters.iter().enumerate() {
            if let Some(first) = waiter_names.insert(w.name.as_str(), file) {
                c.push(
                    file,
                    format!("waiters[{i}].name"),
                    format!("waiter `{}` is also defined in {}", w.name, first.display()),
                );
            }
        }
        c.operation(file, op);
    }
    if c.out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(c.out))
    }
}

struct Checker<'a> {
    spec: &'a Spec,
    out: Vec<Diagnostic>,
}

/// One step of a resolved field path such as `Certificates[].CertificateId`.
pub struct PathStep<'m> {
    pub member: &'m Member,
    /// The step goes through every item of a list (`[]`).
    pub each: bool,
}

/// Resolves a dotted path (`A[].B.C`) against a list of members.
pub fn resolve_path<'m>(members: &'m [Member], path: &str) -> Result<Vec<PathStep<'m>>, String> {
    let mut steps = Vec::new();
    let mut current = members;
    for (i, part) in path.split('.').enumerate() {
        if i > 0 {
            let prev: &Member = steps.last().map(|s: &PathStep| s.member).unwrap();
            let obj = if prev.ty == Type::Array {
                prev.items.as_deref()
            } else {
                Some(prev)
            };
            match obj {
                Some(m) if m.ty == Type::Object => current = &m.fields,
                _ => {
                    return Err(format!(
                        "`{path}`: `{}` has no fields",
                        prev.name.as_deref().unwrap_or("?")
                    ))
                }
            }
        }
        let (name, each) = match part.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (part, false),
        };
        let Some(member) = current.iter().find(|m| m.name.as_deref() == Some(name)) else {
            return Err(format!("`{path}`: no field `{name}`"));
        };
        if each != (member.ty == Type::Array) {
            return Err(if each {
                format!("`{path}`: `{name}` is not a list, drop the `[]`")
            } else {
                format!("`{path}`: `{name}` is a list, write `{name}[]`")
            });
        }
        steps.push(PathStep { member, each });
    }
    Ok(steps)
}

/// The member a path ends on; for a list, its item type.
fn leaf<'m>(steps: &[PathStep<'m>]) -> &'m Member {
    let m = steps.last().expect("a path has a step").member;
    if m.ty == Type::Array {
        m.items.as_deref().unwrap_or(m)
    } else {
        m
    }
}

impl Checker<'_> {
    fn push(&mut self, file: &Path, key: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic {
            file: file.to_path_buf(),
            key_path: key.into(),
            message: message.into(),
            location: None,
        });
    }

    fn known(&self, op: &str) -> bool {
        self.spec.service.known_operations.iter().any(|k| k == op)
    }

    fn defined(&self, op: &str) -> Option<&Operation> {
        self.spec
            .operations
            .iter()
            .map(|(_, o)| o)
            .find(|o| o.name == op)
    }

    fn service(&mut self) {
        let file = PathBuf::from("service.yaml");
        let s = &self.spec.service;
        if !s.signature.supported.contains(&s.signature.default) {
            self.push(
                &file,
                "signature.default",
                "the default signature version is not in `supported`",
            );
        }
        for (key, pattern) in [
            ("endpoints.public", &s.endpoints.public),
            ("endpoints.vpc", &s.endpoints.vpc),
        ] {
            if !pattern.contains("{region}") {
                self.push(&file, key, "an endpoint pattern must contain `{region}`");
            }
        }
        let mut seen = BTreeSet::new();
        for (i, k) in s.known_operations.iter().enumerate() {
            if !seen.insert(k) {
                self.push(
                    &file,
                    format!("known_operations[{i}]"),
                    format!("`{k}` is listed twice"),
                );
            }
        }
        for name in s.ram.placeholders.keys() {
            if let Some(problem) = naming::wire_name_problem(name) {
                self.push(&file, format!("ram.placeholders.{name}"), problem);
            }
        }
        let errors = s.common_errors.clone();
        self.errors(&file, "common_errors", &errors);
    }

    fn errors(&mut self, file: &Path, key: &str, errors: &[crate::model::ErrorCode]) {
        let mut codes = BTreeSet::new();
        let mut variants: BTreeMap<String, &str> = BTreeMap::new();
        for (i, e) in errors.iter().enumerate() {
            let k = format!("{key}[{i}]");
            if !codes.insert(e.code.as_str()) {
                self.push(
                    file,
                    format!("{k}.code"),
                    format!("duplicate error code `{}`", e.code),
                );
                continue;
            }
            if !(400..=599).contains(&e.http_status) {
                self.push(
                    file,
                    format!("{k}.http_status"),
                    format!(
                        "HTTP status {} is not an error status (400-599)",
                        e.http_status
                    ),
                );
            }
            let v = naming::variant_name(&e.code);
            if let Some(problem) = naming::variant_problem(&e.code) {
                self.push(file, format!("{k}.code"), problem);
            } else if let Some(other) = variants.insert(v.clone(), e.code.as_str()) {
                self.push(
                    file,
                    format!("{k}.code"),
                    format!("`{}` and `{other}` both become the variant `{v}`", e.code),
                );
            }
            if matches!(v.as_str(), "Common" | "Unknown") {
                self.push(
                    file,
                    format!("{k}.code"),
                    format!("`{}` clashes with the reserved variant `{v}`", e.code),
                );
            }
        }
    }

    fn operation(&mut self, file: &Path, op: &Operation) {
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem != op.name {
            self.push(
                file,
                "name",
                format!("`{}` must match the file name `{stem}`", op.name),
            );
        }
        if !self.known(&op.name) {
            self.push(
                file,
                "name",
                format!(
                    "`{}` is not an operation of the API (service.yaml known_operations)",
                    op.name
                ),
            );
        }
        if let Some(problem) = naming::operation_name_problem(&op.name) {
            self.push(file, "name", format!("operation name: {problem}"));
        }
        for (i, r) in op.related_operations.iter().enumerate() {
            if !self.known(r) {
                self.push(
                    file,
                    format!("related_operations[{i}]"),
                    format!("unknown operation `{r}`"),
                );
            }
        }

        // Parameters and response fields, with Rust type names per operation.
        let mut structs: BTreeMap<String, String> = BTreeMap::new();
        for reserved in [
            naming::request_type(&op.name),
            naming::builder_type(&op.name),
            naming::response_type(&op.name),
            naming::error_type(&op.name),
        ] {
            structs.insert(reserved, "generated".into());
        }
        self.members(file, "parameters", &op.parameters, &mut structs);
        self.members(file, "response.fields", &op.response.fields, &mut structs);

        let mut roles = BTreeMap::new();
        for (i, p) in op.parameters.iter().enumerate() {
            if let Some(role) = p.role {
                let key = format!("parameters[{i}].role");
                if roles.insert(role, i).is_some() {
                    self.push(
                        file,
                        &key,
                        format!("more than one parameter has the role {role:?}"),
                    );
                }
                let want = match role {
                    Role::IdempotencyToken => Type::String,
                    Role::DryRun => Type::Boolean,
                };
                if p.ty != want {
                    self.push(
                        file,
                        &key,
                        format!("the role {role:?} needs a parameter of type {want:?}"),
                    );
                }
            }
        }

        if let Some(rl) = &op.rate_limit {
            if rl.requests == 0 || rl.per_seconds == 0 {
                self.push(
                    file,
                    "rate_limit",
                    "requests and per_seconds must be positive",
                );
            }
        }

        // RAM
        let expected_action = format!("{}:{}", self.spec.service.ram.service, op.name);
        if op.ram.action != expected_action {
            self.push(
                file,
                "ram.action",
                format!("`{}` should be `{expected_action}`", op.ram.action),
            );
        }
        for (i, r) in op.ram.resources.iter().enumerate() {
            for ph in placeholders(&r.arn) {
                let ok = self
                    .spec
                    .service
                    .ram
                    .placeholders
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case(&ph));
                if !ok {
                    self.push(
                        file,
                        format!("ram.resources[{i}].arn"),
                        format!(
                            "unknown ARN placeholder `{{#{ph}}}` (service.yaml ram.placeholders)"
                        ),
                    );
                }
            }
            if !r.arn.starts_with("acs:") {
                self.push(
                    file,
                    format!("ram.resources[{i}].arn"),
                    "an ARN starts with `acs:`",
                );
            }
        }

        self.errors(file, "errors", &op.errors);

        if let Some(a) = &op.asynchronous {
            if !op
                .response
                .fields
                .iter()
                .any(|f| f.name.as_deref() == Some(a.job_id_field.as_str()))
            {
                self.push(
                    file,
                    "async.job_id_field",
                    format!("the response has no field `{}`", a.job_id_field),
                );
            }
            if !self.known(&a.status_operation) {
                self.push(
                    file,
                    "async.status_operation",
                    format!("unknown operation `{}`", a.status_operation),
                );
            }
            if let Some(w) = &a.waiter {
                let exists = self
                    .spec
                    .operations
                    .iter()
                    .any(|(_, o)| o.waiters.iter().any(|x| &x.name == w));
                if !exists {
                    self.push(
                        file,
                        "async.waiter",
                        format!("no operation declares a waiter `{w}`"),
                    );
                }
            }
        }

        if let Some(p) = &op.pagination {
            self.expect_field(
                file,
                "pagination.input_token",
                &op.parameters,
                &p.input_token,
                Type::String,
            );
            if let Some(size) = &p.page_size {
                self.expect_field(
                    file,
                    "pagination.page_size",
                    &op.parameters,
                    size,
                    Type::Integer,
                );
            }
            self.expect_field(
                file,
                "pagination.output_token",
                &op.response.fields,
                &p.output_token,
                Type::String,
            );
            self.expect_field(
                file,
                "pagination.items",
                &op.response.fields,
                &p.items,
                Type::Array,
            );
        }

        for (i, w) in op.waiters.iter().enumerate() {
            self.waiter(file, &format!("waiters[{i}]"), op, w);
        }
    }

    fn expect_field(&mut self, file: &Path, key: &str, members: &[Member], name: &str, ty: Type) {
        match members.iter().find(|m| m.name.as_deref() == Some(name)) {
            None => self.push(file, key, format!("no field `{name}`")),
            Some(m) if m.ty != ty => self.push(
                file,
                key,
                format!("`{name}` must be of type {ty:?}, is {:?}", m.ty),
            ),
            Some(_) => {}
        }
    }

    fn waiter(&mut self, file: &Path, key: &str, op: &Operation, w: &crate::model::Waiter) {
        if let Some(problem) = naming::type_name_problem(&w.name) {
            self.push(
                file,
                format!("{key}.name"),
                format!("waiter name: {problem}"),
            );
        }
        let Some(polled) = self.defined(&w.operation).cloned() else {
            let why = if self.known(&w.operation) {
                "has no spec file"
            } else {
                "is not an operation of the API"
            };
            self.push(
                file,
                format!("{key}.operation"),
                format!("operation `{}` {why}", w.operation),
            );
            return;
        };
        for (j, input) in w.input.iter().enumerate() {
            let k = format!("{key}.input[{j}]");
            let target = polled
                .parameters
                .iter()
                .find(|m| m.name.as_deref() == Some(input.to.as_str()));
            let target_ok = match target {
                None => {
                    self.push(
                        file,
                        format!("{k}.to"),
                        format!("`{}` has no parameter `{}`", w.operation, input.to),
                    );
                    false
                }
                Some(t) => {
                    let scalar_string = t.ty == Type::String;
                    let string_list = t.ty == Type::Array
                        && t.items.as_deref().is_some_and(|i| i.ty == Type::String);
                    if !scalar_string && !string_list {
                        self.push(
                            file,
                            format!("{k}.to"),
                            "a waiter input must be a string or a list of strings",
                        );
                    }
                    true
                }
            };
            match resolve_path(&op.parameters, &input.from) {
                Err(e) => self.push(file, format!("{k}.from"), e),
                Ok(steps) => {
                    let l = leaf(&steps);
                    if l.ty != Type::String {
                        self.push(
                            file,
                            format!("{k}.from"),
                            format!("`{}` must end on a string", input.from),
                        );
                    }
                    let many = steps.iter().any(|s| s.each);
                    if let (true, Some(t)) = (target_ok && many, target) {
                        if t.ty != Type::Array {
                            self.push(
                                file,
                                format!("{k}.from"),
                                format!(
                                    "`{}` gives a list but `{}` takes one value",
                                    input.from, input.to
                                ),
                            );
                        }
                    }
                }
            }
        }
        let state_members: Vec<Member> = match &w.items {
            Some(items) => match polled
                .response
                .fields
                .iter()
                .find(|m| m.name.as_deref() == Some(items.as_str()))
            {
                Some(m)
                    if m.ty == Type::Array
                        && m.items.as_deref().is_some_and(|i| i.ty == Type::Object) =>
                {
                    m.items
                        .as_deref()
                        .map(|i| i.fields.clone())
                        .unwrap_or_default()
                }
                Some(_) => {
                    self.push(
                        file,
                        format!("{key}.items"),
                        format!("`{items}` must be a list of objects"),
                    );
                    Vec::new()
                }
                None => {
                    self.push(
                        file,
                        format!("{key}.items"),
                        format!("the response of `{}` has no field `{items}`", w.operation),
                    );
                    Vec::new()
                }
            },
            None => polled.response.fields.clone(),
        };
        if !state_members.is_empty() || w.items.is_none() {
            match state_members
                .iter()
                .find(|m| m.name.as_deref() == Some(w.state.as_str()))
            {
                Some(m) if m.ty == Type::String => {}
                Some(_) => self.push(
                    file,
                    format!("{key}.state"),
                    format!("`{}` must be a string", w.state),
                ),
                None => self.push(
                    file,
                    format!("{key}.state"),
                    format!("no field `{}` in the polled response", w.state),
                ),
            }
        }
        if let Some(m) = &w.matcher {
            if w.items.is_none() {
                self.push(file, format!("{key}.match"), "`match` needs `items`");
            }
            if !state_members.is_empty()
                && !state_members
                    .iter()
                    .any(|f| f.name.as_deref() == Some(m.field.as_str()) && f.ty == Type::String)
            {
                self.push(
                    file,
                    format!("{key}.match.field"),
                    format!("no string field `{}` in the items", m.field),
                );
            }
            if let Err(e) = resolve_path(&op.parameters, &m.values_at) {
                self.push(file, format!("{key}.match.in"), e);
            }
        } else if w.absent.is_some() {
            self.push(file, format!("{key}.absent"), "`absent` needs `match`");
        }
        if w.success.is_empty() && w.absent != Some(crate::model::Outcome::Success) {
            self.push(
                file,
                format!("{key}.success"),
                "a waiter needs a success state (or `absent: success`)",
            );
        }
        let mut seen = BTreeSet::new();
        for s in w.success.iter().chain(&w.failure).chain(&w.pending) {
            if !seen.insert(s) {
                self.push(
                    file,
                    key,
                    format!("state `{s}` is listed in more than one of success/failure/pending"),
                );
            }
        }
        if w.delay.initial_ms == 0 || w.delay.initial_ms > w.delay.max_ms {
            self.push(
                file,
                format!("{key}.delay"),
                "need 0 < initial_ms <= max_ms",
            );
        }
        if w.delay.multiplier < 1.0 {
            self.push(file, format!("{key}.delay.multiplier"), "must be >= 1");
        }
        if w.timeout_seconds == 0 {
            self.push(file, format!("{key}.timeout_seconds"), "must be positive");
        }
    }

    fn members(
        &mut self,
        file: &Path,
        key: &str,
        members: &[Member],
        structs: &mut BTreeMap<String, String>,
    ) {
        let mut wire = BTreeSet::new();
        let mut idents: BTreeMap<String, &str> = BTreeMap::new();
        for (i, m) in members.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let Some(name) = &m.name else {
                self.push(file, format!("{k}.name"), "a field needs a name");
                continue;
            };
            if let Some(problem) = naming::wire_name_problem(name) {
                self.push(file, format!("{k}.name"), problem);
            }
            if !wire.insert(name.as_str()) {
                self.push(
                    file,
                    format!("{k}.name"),
                    format!("duplicate field `{name}`"),
                );
            } else {
                let ident = naming::field_name(name);
                if let Some(other) = idents.insert(ident.clone(), name) {
                    self.push(
                        file,
                        format!("{k}.name"),
                        format!("`{name}` and `{other}` both become the Rust name `{ident}`"),
                    );
                }
            }
            if m.role.is_some() && (key != "parameters") {
                self.push(
                    file,
                    format!("{k}.role"),
                    "only top-level request parameters take a role",
                );
            }
            self.member(file, &k, m, structs);
        }
    }

    fn member(&mut self, file: &Path, k: &str, m: &Member, structs: &mut BTreeMap<String, String>) {
        let wrong = |what: &str, ty: Type| format!("`{what}` does not apply to type {ty:?}");
        let ty = m.ty;
        let is = |t: Type| ty == t;
        let mut misplaced = Vec::new();
        if !is(Type::String) {
            if m.min_length.is_some() {
                misplaced.push("min_length");
            }
            if m.max_length.is_some() {
                misplaced.push("max_length");
            }
            if !m.allowed_values.is_empty() {
                misplaced.push("allowed_values");
            }
            if m.ascii_only {
                misplaced.push("ascii_only");
            }
        }
        if !is(Type::Integer) {
            if m.minimum.is_some() {
                misplaced.push("minimum");
            }
            if m.maximum.is_some() {
                misplaced.push("maximum");
            }
            if m.format.is_some() {
                misplaced.push("format");
            }
        }
        if !is(Type::Array) {
            if m.min_items.is_some() {
                misplaced.push("min_items");
            }
            if m.max_items.is_some() {
                misplaced.push("max_items");
            }
            if m.items.is_some() {
                misplaced.push("items");
            }
        }
        if !is(Type::Object) {
            if m.struct_name.is_some() {
                misplaced.push("struct_name");
            }
            if !m.fields.is_empty() {
                misplaced.push("fields");
            }
        }
        for key in misplaced {
            self.push(file, format!("{k}.{key}"), wrong(key, ty));
        }
        for (lo, hi, what) in [
            (
                m.min_length.map(|v| v as i128),
                m.max_length.map(|v| v as i128),
                "min_length > max_length",
            ),
            (
                m.minimum.map(i128::from),
                m.maximum.map(i128::from),
                "minimum > maximum",
            ),
            (
                m.min_items.map(|v| v as i128),
                m.max_items.map(|v| v as i128),
                "min_items > max_items",
            ),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    self.push(file, k, format!("{what} ({lo} > {hi})"));
                }
            }
        }
        for (i, v) in m.values_from.iter().enumerate() {
            if !self.known(v) {
                self.push(
                    file,
                    format!("{k}.values_from[{i}]"),
                    format!("unknown operation `{v}`"),
                );
            }
        }
        if let Some(d) = &m.default {
            if let Err(e) = scalar_fits(d, m) {
                self.push(file, format!("{k}.default"), e);
            }
        }
        match ty {
            Type::Array => match &m.items {
                None => self.push(file, format!("{k}.items"), "a list needs `items`"),
                Some(item) => {
                    let ik = format!("{k}.items");
                    if item.name.is_some() {
                        self.push(file, format!("{ik}.name"), "list items have no name");
                    }
                    if item.ty == Type::Array {
                        self.push(
                            file,
                            format!("{ik}.type"),
                            "lists of lists are not supported on the wire",
                        );
                    }
                    self.member(file, &ik, item, structs);
                }
            },
            Type::Object => {
                match &m.struct_name {
                    None => self.push(
                        file,
                        format!("{k}.struct_name"),
                        "an object needs a `struct_name`",
                    ),
                    Some(sn) => {
                        if let Some(problem) = naming::type_name_problem(sn) {
                            self.push(file, format!("{k}.struct_name"), problem);
                        }
                        if let Some(first) = structs.insert(sn.clone(), k.to_string()) {
                            if first == "generated" {
                                self.push(
                                    file,
                                    format!("{k}.struct_name"),
                                    format!("`{sn}` clashes with a generated type name"),
                                );
                            } else {
                                self.push(
                                    file,
                                    format!("{k}.struct_name"),
                                    format!("`{sn}` is also used at {first}"),
                                );
                            }
                        }
                    }
                }
                self.members(file, &format!("{k}.fields"), &m.fields, structs);
            }
            _ => {}
        }
    }
}

/// `{#regionId}` placeholders of an ARN template.
pub fn placeholders(arn: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = arn;
    while let Some(start) = rest.find("{#") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 2..start + end].to_string());
        rest = &rest[start + end + 1..];
    }
    out
}

fn scalar_fits(v: &Scalar, m: &Member) -> Result<(), String> {
    let text = v.to_string();
    match m.ty {
        Type::Boolean if matches!(v, Scalar::Bool(_)) => Ok(()),
        Type::Boolean => Err(format!(
            "`{text}` is not a boolean default: write `true` or `false` (unquoted)"
        )),
        Type::Integer => {
            let n: i64 = text
                .parse()
                .map_err(|_| format!("`{text}` is not an integer"))?;
            if m.minimum.is_some_and(|min| n < min) || m.maximum.is_some_and(|max| n > max) {
                return Err(format!("`{n}` is outside minimum/maximum"));
            }
            Ok(())
        }
        Type::String => {
            if !m.allowed_values.is_empty() && !m.allowed_values.contains(&text) {
                return Err(format!("`{text}` is not one of allowed_values"));
            }
            Ok(())
        }
        ty => Err(format!(
            "a default of type {ty:?} is not supported: only strings, integers and booleans take a `default`; describe it in `description` instead"
        )),
    }
}
