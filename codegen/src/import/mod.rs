//! `cargo xtask import`: drafts an operation's spec file from Alibaba's
//! published metadata (api-docs JSON) and RAM facts (ram.json), and reports
//! how an existing spec differs from them (the drift report).
//!
//! A draft carries every fact the sources have: parameters with types,
//! required, item counts, ranges, defaults and examples; nested objects as
//! shapes (an existing shape when the structure is the same, a new shape
//! otherwise); response fields; error codes (new ones added to the
//! catalogue); the asynchronous marker; access level; RAM action,
//! resources and condition keys; rate limit; pagination. What it cannot
//! carry over (the Chinese prose) is left as `DRAFT:` text, which the
//! checker refuses, so a draft cannot land before a person writes the
//! English. Facts it reads from the prose (lengths, ranges, name and tag
//! rules) are written as rules with a `DRAFT:` note to confirm them.

pub mod drift;
pub mod metadata;
pub mod prose;
pub mod sdk;
pub mod yaml;

use crate::load::Spec;
use crate::model::{Member, Type};
use metadata::{MetaMember, Metadata, RamFacts};
use std::collections::{BTreeMap, BTreeSet};
use yaml::Node;

/// The marker of text a person must still write.
pub const DRAFT: &str = "DRAFT:";

/// The parameters every operation shares, by wire name.
const COMMON: &[&str] = &["ClientToken", "DryRun", "NextToken", "MaxResults"];

/// A structure, for matching objects to shapes: sorted fields and types.
type Signature = String;

/// Drafts operations against an existing spec.
pub struct Importer<'s> {
    spec: &'s Spec,
    /// Object signature -> shape name (existing and new).
    shapes_by_signature: BTreeMap<Signature, String>,
    /// Names taken by a shape or type.
    taken: BTreeSet<String>,
    /// New shapes: name -> draft file.
    pub new_shapes: BTreeMap<String, Node>,
    /// New catalogue entries, in the order met.
    pub new_errors: Vec<Node>,
    known_codes: BTreeSet<String>,
}

fn draft_text(zh: &str) -> Node {
    let t = zh.trim();
    Node::str(if t.is_empty() {
        format!("{DRAFT} (the metadata has no text)")
    } else {
        format!("{DRAFT} {t}")
    })
}

/// `Certificates` -> `Certificate`, `AclEntries` -> `AclEntry`.
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = name.strip_suffix("xes") {
        format!("{stem}x")
    } else if name.ends_with("ss") || name.ends_with("us") || name.ends_with("is") {
        name.to_string()
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_string()
    } else {
        name.to_string()
    }
}

fn meta_signature(m: &MetaMember) -> Signature {
    match m.ty.as_str() {
        "integer" if m.format.as_deref() == Some("int64") => "i64".into(),
        "integer" => "i32".into(),
        "number" => "f".into(),
        "boolean" => "b".into(),
        "array" => format!(
            "[{}]",
            m.items.as_deref().map(meta_signature).unwrap_or_default()
        ),
        "object" => {
            let fields: Vec<String> = m
                .fields
                .iter()
                .map(|f| format!("{}:{}", f.name, meta_signature(f)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        _ => "s".into(),
    }
}

impl<'s> Importer<'s> {
    pub fn new(spec: &'s Spec) -> Self {
        let mut imp = Importer {
            spec,
            shapes_by_signature: BTreeMap::new(),
            taken: BTreeSet::new(),
            new_shapes: BTreeMap::new(),
            new_errors: Vec::new(),
            known_codes: spec
                .catalogue
                .errors
                .iter()
                .map(|e| e.code.clone())
                .collect(),
        };
        for (_, s) in &spec.shapes {
            let Some(name) = &s.name else { continue };
            imp.taken.insert(name.clone());
            if s.ty == Some(Type::Object) {
                let sig = imp.spec_signature(s, 0);
                imp.shapes_by_signature
                    .entry(sig)
                    .or_insert_with(|| name.clone());
            }
        }
        imp
    }

    /// The signature of a spec member (shapes resolved by name).
    fn spec_signature(&self, m: &Member, depth: usize) -> Signature {
        if depth > 16 {
            return "?".into();
        }
        if let Some(shape) = &m.shape {
            return match self
                .spec
                .shapes
                .iter()
                .find(|(_, s)| s.name.as_ref() == Some(shape))
            {
                Some((_, s)) => self.spec_signature(s, depth + 1),
                None => "?".into(),
            };
        }
        match m.ty {
            Some(Type::Integer) if m.format.as_deref() == Some("int64") => "i64".into(),
            Some(Type::Integer) => "i32".into(),
            Some(Type::Boolean) => "b".into(),
            Some(Type::Number) => "f".into(),
            Some(Type::Array) => format!(
                "[{}]",
                m.items
                    .as_deref()
                    .map(|i| self.spec_signature(i, depth + 1))
                    .unwrap_or_default()
            ),
            Some(Type::Object) => {
                let mut fields: Vec<String> = m
                    .fields
                    .iter()
                    .map(|f| {
                        format!(
                            "{}:{}",
                            f.name.as_deref().unwrap_or_default(),
                            self.spec_signature(f, depth + 1)
                        )
                    })
                    .collect();
                fields.sort();
                format!("{{{}}}", fields.join(","))
            }
            _ => "s".into(),
        }
    }

    /// The draft of one operation.
    pub fn draft(&mut self, name: &str, meta: &Metadata, ram: Option<&RamFacts>) -> Node {
        let mut op = Node::map().with("name", Node::str(name));
        op.set("title", draft_text(&meta.title));
        op.set(
            "description",
            draft_text(
                &format!("{}\n\n{}", meta.summary, meta.description).replace("\n\n\n", "\n\n"),
            ),
        );
        if meta.deprecated {
            op.set("deprecated", Node::Bool(true));
        }
        let mut notes: Vec<Node> = Vec::new();
        let params: Vec<Node> = meta
            .parameters
            .iter()
            .map(|p| self.member(name, p, true, true, &mut notes))
            .collect();
        if !params.is_empty() {
            op.set("parameters", Node::List(params));
        }
        let fields: Vec<Node> = meta
            .response
            .iter()
            .map(|f| self.member(name, f, false, true, &mut notes))
            .collect();
        op.set("response", Node::map().with("fields", Node::List(fields)));
        if meta.is_async() {
            let has_job = meta.response.iter().any(|f| f.name == "JobId");
            let mut a = Node::map().with("description", draft_text(&meta.description));
            if has_job {
                a.set("waiter", Node::str("job"));
                notes.push(Node::str(format!(
                    "{DRAFT} the documentation calls this operation asynchronous; the draft waits on its job (ListAsynJobs). Declare a waiter on the resource's state where the API shows one."
                )));
            } else {
                notes.push(Node::str(format!(
                    "{DRAFT} the documentation calls this operation asynchronous but it answers without a JobId: declare `async.waiter` on the resource's state."
                )));
            }
            op.set("async", a);
        }
        if let Some((n, s)) = ram.and_then(|r| r.rate_limit) {
            op.set(
                "rate_limit",
                Node::map()
                    .with("requests", Node::Int(i64::from(n)))
                    .with("per_seconds", Node::Int(i64::from(s))),
            );
        }
        op.set("ram", self.ram(name, meta, ram, &mut notes));
        let mut errors = Vec::new();
        for (status, code, message) in &meta.errors {
            if !self.known_codes.contains(code) {
                self.known_codes.insert(code.clone());
                self.new_errors.push(
                    Node::map()
                        .with("code", Node::str(code))
                        .with("http_status", Node::Int(i64::from(*status)))
                        .with("message", Node::str(message))
                        .with("description", draft_text("")),
                );
            }
            if !errors.contains(&Node::str(code)) {
                errors.push(Node::str(code));
            }
        }
        if !errors.is_empty() {
            op.set("errors", Node::List(errors));
        }
        if let Some(p) = pagination(meta) {
            op.set("pagination", p);
        }
        notes.push(Node::str(format!(
            "Facts from Alibaba's API metadata for {name} (2024) and its RAM table; drafted by `cargo xtask import`."
        )));
        op.set("notes", Node::List(notes));
        op
    }

    fn ram(
        &self,
        name: &str,
        meta: &Metadata,
        ram: Option<&RamFacts>,
        notes: &mut Vec<Node>,
    ) -> Node {
        let service = &self.spec.service.ram.service;
        let expected = format!("{service}:{name}");
        let action = match ram.and_then(|r| r.action.clone()) {
            Some(a) if a == expected => a,
            Some(other) => {
                notes.push(Node::str(format!(
                    "{DRAFT} ram.json prints the action `{other}` for {name}; every action is `{expected}`."
                )));
                expected.clone()
            }
            None => {
                notes.push(Node::str(format!(
                    "{DRAFT} ram.json has no authorization table for {name}; the action follows the pattern `{expected}`."
                )));
                expected.clone()
            }
        };
        let level = meta
            .operation_type
            .as_deref()
            .and_then(metadata::access_level)
            .or_else(|| {
                ram.and_then(|r| r.access_level.as_deref())
                    .and_then(metadata::access_level)
            });
        let level = level.unwrap_or_else(|| {
            notes.push(Node::str(format!(
                "{DRAFT} neither source gives an access level; Read is a guess."
            )));
            "Read"
        });
        let mut resources = Vec::new();
        let types = &self.spec.service.ram.resource_types;
        for (ty, arn, required) in ram.map(|r| r.resources.as_slice()).unwrap_or_default() {
            let any = ty == "All Resources" || arn.as_deref() == Some("*");
            // ram.json cuts some ARNs short ("...(truncated)").
            let arn = arn
                .as_ref()
                .filter(|a| !a.contains("truncated") && !a.contains("..."));
            let mut r = Node::map();
            // A type ram.json names otherwise (`ALB`), known by its ARN's path.
            let by_path = |a: &String| {
                let path = a.rsplit(':').next()?.split('/').next()?;
                types
                    .iter()
                    .find(|(_, t)| {
                        t.arn.rsplit(':').next().and_then(|p| p.split('/').next()) == Some(path)
                    })
                    .map(|(n, _)| n.clone())
            };
            let ty = match types.contains_key(ty.as_str()) {
                true => ty.clone(),
                false => match arn.and_then(by_path) {
                    Some(known) if !any => {
                        notes.push(Node::str(format!("{DRAFT} ram.json names the resource type `{ty}`; its ARN is a `{known}`.")));
                        known
                    }
                    _ => ty.clone(),
                },
            };
            if any {
                r.set("type", Node::str("*"));
            } else {
                r.set("type", Node::str(&ty));
                match (types.get(ty.as_str()), arn) {
                    (Some(t), Some(a)) if !crate::check::same_arn(a, &t.arn) => {
                        r.set("arn", Node::str(a))
                    }
                    (None, Some(a)) => {
                        r.set("arn", Node::str(a));
                        notes.push(Node::str(format!(
                            "{DRAFT} `{ty}` is not a resource type of service.yaml."
                        )));
                    }
                    _ => {}
                }
            }
            if let Some(b) = required {
                r.set("required", Node::Bool(*b));
            }
            resources.push(r);
        }
        let mut out = Node::map()
            .with("action", Node::str(action))
            .with("access_level", Node::str(level));
        if !resources.is_empty() {
            out.set("resources", Node::List(resources));
        }
        let keys: Vec<Node> = ram
            .map(|r| r.condition_keys.iter().map(Node::str).collect())
            .unwrap_or_default();
        if !keys.is_empty() {
            out.set("condition_keys", Node::List(keys));
        }
        out
    }

    /// A member's draft. `name` is the operation (for naming new shapes).
    fn member(
        &mut self,
        op: &str,
        m: &MetaMember,
        request: bool,
        top: bool,
        notes: &mut Vec<Node>,
    ) -> Node {
        let mut n = Node::map();
        if !m.name.is_empty() {
            n.set("name", Node::str(&m.name));
        }
        if request && top && COMMON.contains(&m.name.as_str()) {
            return self.common_use(m, n);
        }
        let ty = match m.ty.as_str() {
            "string" | "integer" | "number" | "boolean" | "array" | "object" => m.ty.as_str(),
            other => {
                notes.push(Node::str(format!(
                    "{DRAFT} `{}` has the metadata type `{other}`, read as a string.",
                    m.name
                )));
                "string"
            }
        };
        if ty == "object" {
            let shape = self.object_shape(op, &m.name, m, request);
            n.set("shape", Node::str(shape));
        } else {
            n.set("type", Node::str(ty));
        }
        if ty == "integer" && m.format.as_deref() == Some("int64") {
            n.set("format", Node::str("int64"));
        }
        if request && m.required && !m.name.is_empty() {
            n.set("required", Node::Bool(true));
        }
        let text = if m.description.trim().is_empty() {
            &m.title
        } else {
            &m.description
        };
        n.set("description", draft_text(text));
        if ty != "object" && ty != "array" {
            if let Some(e) = &m.example {
                n.set("example", Node::str(e));
            }
        }
        if request && ty != "object" && ty != "array" {
            if let Some(d) = &m.default {
                n.set("default", scalar_of(ty, d));
            }
        }
        let findings = prose::read(&m.description, ty == "string", ty == "integer");
        let mut proposed = Vec::new();
        match ty {
            "integer" => {
                let min = m.minimum.or(findings.minimum);
                let max = m.maximum.or(findings.maximum);
                if let Some(v) = min {
                    n.set("minimum", Node::Int(v));
                }
                if let Some(v) = max {
                    n.set("maximum", Node::Int(v));
                }
                if m.minimum.is_none() && findings.minimum.is_some()
                    || m.maximum.is_none() && findings.maximum.is_some()
                {
                    proposed.push("the range");
                }
            }
            "string" => {
                if let Some(v) = findings.min_length {
                    n.set("min_length", Node::Int(i64::from(v)));
                }
                if let Some(v) = findings.max_length {
                    n.set("max_length", Node::Int(i64::from(v)));
                }
                if findings.min_length.is_some() || findings.max_length.is_some() {
                    proposed.push("the length");
                }
                if findings.starts_with_letter_or_cjk {
                    n.set(
                        "first_char",
                        Node::map().with(
                            "classes",
                            Node::List(vec![Node::str("letter"), Node::str("cjk")]),
                        ),
                    );
                    n.set(
                        "allowed_chars",
                        Node::map()
                            .with(
                                "classes",
                                Node::List(vec![
                                    Node::str("letter"),
                                    Node::str("digit"),
                                    Node::str("cjk"),
                                ]),
                            )
                            .with(
                                "extra",
                                Node::str(findings.allowed_extra.clone().unwrap_or_default()),
                            ),
                    );
                    proposed.push("the character rules");
                }
                if findings.tag_rule {
                    n.set(
                        "not_starts_with",
                        Node::List(vec![Node::str("aliyun"), Node::str("acs:")]),
                    );
                    n.set(
                        "not_contains",
                        Node::List(vec![Node::str("http://"), Node::str("https://")]),
                    );
                    proposed.push("the tag rule");
                }
            }
            _ => {}
        }
        if ty == "array" {
            if let Some(v) = m.min_items {
                n.set("min_items", Node::Int(i64::from(v)));
            }
            if let Some(v) = m.max_items {
                n.set("max_items", Node::Int(i64::from(v)));
            }
            match m.items.as_deref() {
                Some(item) if item.ty == "object" => {
                    let shape = self.object_shape(op, &singular(&m.name), item, request);
                    n.set("items", Node::map().with("shape", Node::str(shape)));
                }
                Some(item) if item.ty == "array" => {
                    n.set("items", Node::map().with("type", Node::str("string")));
                    notes.push(Node::str(format!(
                        "{DRAFT} `{}` is a list of lists in the metadata, which the wire cannot carry; drafted as a list of strings.",
                        m.name
                    )));
                }
                Some(item) => {
                    let inner = self.member(op, item, request, false, notes);
                    n.set("items", inner);
                }
                None => n.set("items", Node::map().with("type", Node::str("string"))),
            }
        }
        let mut member_notes = Vec::new();
        if !proposed.is_empty() {
            member_notes.push(Node::str(format!(
                "{DRAFT} {} come(s) from the description's text: confirm.",
                proposed.join(", ")
            )));
        }
        if !findings.values.is_empty() && ty == "string" {
            member_notes.push(Node::str(format!(
                "{DRAFT} the text lists the values {}: if these are all, make it an enum (an enum shape, or `allowed_values` with `enum_name`).",
                findings.values.join(", ")
            )));
        }
        if !member_notes.is_empty() {
            n.set("notes", Node::List(member_notes));
        }
        n
    }

    fn common_use(&self, m: &MetaMember, mut n: Node) -> Node {
        n.set("common", Node::str(&m.name));
        if m.name == "DryRun" {
            n.set("description", draft_text(&m.description));
        }
        if m.name == "MaxResults" {
            let findings = prose::read(&m.description, false, true);
            let decl = self
                .spec
                .service
                .common_parameters
                .iter()
                .find(|p| p.name.as_deref() == Some("MaxResults"));
            if let Some(max) = m.maximum.or(findings.maximum) {
                if decl.and_then(|d| d.maximum) != Some(max) {
                    n.set("maximum", Node::Int(max));
                }
            }
            if let Some(d) = &m.default {
                n.set("default", scalar_of("integer", d));
            } else if let Some(i) = m.description.find("默认值") {
                let digits: String = m.description[i..]
                    .chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect();
                if let Ok(v) = digits.parse::<i64>() {
                    n.set("default", Node::Int(v));
                }
            }
        }
        n
    }

    /// The shape for an object: an existing one of the same structure, or
    /// a new one named after the field (with the operation's name in front
    /// when that name is taken by another structure).
    fn object_shape(&mut self, op: &str, field: &str, m: &MetaMember, request: bool) -> String {
        let sig = meta_signature(m);
        if let Some(name) = self.shapes_by_signature.get(&sig) {
            return name.clone();
        }
        let base = heck::ToUpperCamelCase::to_upper_camel_case(field);
        let name = if !self.taken.contains(&base) && !base.is_empty() {
            base
        } else {
            let mut candidate = format!("{op}{base}");
            let mut i = 2;
            while self.taken.contains(&candidate) {
                candidate = format!("{op}{base}{i}");
                i += 1;
            }
            candidate
        };
        self.taken.insert(name.clone());
        self.shapes_by_signature.insert(sig, name.clone());
        let mut notes = Vec::new();
        let fields: Vec<Node> = m
            .fields
            .iter()
            .map(|f| self.member(op, f, request, false, &mut notes))
            .collect();
        let text = if m.description.trim().is_empty() {
            &m.title
        } else {
            &m.description
        };
        let mut shape = Node::map()
            .with("name", Node::str(&name))
            .with("description", draft_text(text))
            .with("type", Node::str("object"))
            .with("fields", Node::List(fields));
        notes.push(Node::str(format!(
            "{DRAFT} a new shape, first met in {op} (`{field}`); give it a fitting name if it is shared."
        )));
        shape.set("notes", Node::List(notes));
        self.new_shapes.insert(name.clone(), shape);
        name
    }
}

/// A default or example as the YAML scalar its type reads.
/// What `cargo xtask import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The spec directory (service.yaml, errors.yaml, shapes/, operations/).
    pub spec: std::path::PathBuf,
    /// The directory of `<Operation>.json` metadata files.
    pub metadata: std::path::PathBuf,
    /// ram.json.
    pub ram: std::path::PathBuf,
    pub operations: Vec<String>,
    /// Every operation of `known_operations` that has a metadata file.
    pub all: bool,
    /// Report drift only: draft nothing, write nothing.
    pub drift_only: bool,
    /// The official SDK's models (`scripts/sdk_models.py --json`): also
    /// report how each existing operation differs from them.
    pub sdk: Option<std::path::PathBuf>,
}

/// The drift of one operation from its metadata and the SDK, less what
/// notes explain.
fn drift_lines(
    api: &crate::ir::Api,
    ir: &crate::ir::OperationIr,
    meta: Option<&Metadata>,
    ram: Option<&RamFacts>,
    sdk_op: Option<&sdk::SdkOperation>,
) -> Vec<String> {
    let op = &ir.name;
    let notes = drift::notes_of(api, ir);
    let mut all = meta
        .map(|m| drift::report(api, ir, m, ram))
        .unwrap_or_default();
    if let Some(s) = sdk_op {
        all.extend(sdk::report(api, ir, s));
    }
    let (explained, open): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|d| drift::explained(d, &notes));
    let mut out = Vec::new();
    if open.is_empty() {
        out.push(format!("{op}: no unexplained drift"));
    }
    out.extend(open.into_iter().map(|d| format!("{op}: {}", d.text)));
    if !explained.is_empty() {
        out.push(format!(
            "{op}: {} difference(s) explained by notes",
            explained.len()
        ));
    }
    out
}

/// Drafts the operations that have no spec file (with their new shapes and
/// catalogue codes) and reports the drift of those that have one. Returns
/// the lines to print.
pub fn import(req: &ImportRequest) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    // Drafts being finished do not stop a drift report of the others.
    let (spec, _) = crate::load::load_with(&req.spec, true).map_err(|e| e.to_string())?;
    let ram_text =
        std::fs::read_to_string(&req.ram).map_err(|e| format!("{}: {e}", req.ram.display()))?;
    let mut operations = req.operations.clone();
    if req.all {
        for op in &spec.service.known_operations {
            if req.metadata.join(format!("{op}.json")).exists() && !operations.contains(op) {
                operations.push(op.clone());
            }
        }
    }
    // The drift report needs the checked spec; drafts do not.
    let checked = crate::check::check(&spec);
    let mut importer = Importer::new(&spec);
    let mut drafted = 0;
    let sdk = match &req.sdk {
        None => None,
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(sdk::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?)
        }
    };
    if req.all && sdk.is_some() {
        // Operations only the SDK documents (no metadata file) too.
        for op in &spec.service.known_operations {
            if !operations.contains(op)
                && req
                    .spec
                    .join("operations")
                    .join(format!("{op}.yaml"))
                    .exists()
            {
                operations.push(op.clone());
            }
        }
    }
    for op in &operations {
        let path = req.metadata.join(format!("{op}.json"));
        let file = req.spec.join("operations").join(format!("{op}.yaml"));
        let meta = if path.exists() || !file.exists() {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(Metadata::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?)
        } else {
            None
        };
        let ram = RamFacts::from_json(&ram_text, op)
            .map_err(|e| format!("{}: {e}", req.ram.display()))?;
        if file.exists() {
            let api = match &checked {
                Ok(api) => api,
                Err(problems) => {
                    return Err(format!(
                        "{op}: the spec does not check; fix it first:\n{problems}"
                    ))
                }
            };
            let Some(ir) = api.operations.iter().find(|o| &o.name == op) else {
                continue;
            };
            let sdk_op = sdk.as_ref().and_then(|s| s.get(op));
            if sdk.is_some() && sdk_op.is_none() {
                out.push(format!("{op}: not in the official SDK"));
            }
            out.extend(drift_lines(api, ir, meta.as_ref(), ram.as_ref(), sdk_op));
            continue;
        }
        let Some(meta) = meta else { continue };
        if req.drift_only {
            continue;
        }
        let draft = importer.draft(op, &meta, ram.as_ref());
        let header = format!("{op}: drafted from Alibaba's metadata. Format: specs/README.md.");
        write_file(&file, &yaml::write(&draft, &header))?;
        out.push(format!("drafted {}", file.display()));
        drafted += 1;
    }
    for (name, shape) in &importer.new_shapes {
        let file = req.spec.join("shapes").join(format!("{name}.yaml"));
        if !file.exists() {
            write_file(
                &file,
                &yaml::write(
                    shape,
                    "A shape drafted by `cargo xtask import`. Format: specs/README.md.",
                ),
            )?;
            out.push(format!("drafted {}", file.display()));
        }
    }
    if !importer.new_errors.is_empty() {
        let file = req.spec.join("errors.yaml");
        let mut text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        // Entries of the `errors:` list, which is the file's last key.
        let entries = yaml::write(
            &Node::map().with("errors", Node::List(importer.new_errors.clone())),
            "",
        );
        text.push_str(entries.trim_start_matches("errors:\n"));
        write_file(&file, &text)?;
        out.push(format!(
            "added {} code(s) to {}",
            importer.new_errors.len(),
            file.display()
        ));
    }
    if drafted > 0 {
        out.push(
            "write the English where the drafts say `DRAFT:`, then `cargo xtask codegen`".into(),
        );
    }
    Ok(out)
}

fn write_file(path: &std::path::Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn scalar_of(ty: &str, v: &str) -> Node {
    match ty {
        "integer" => v.parse().map(Node::Int).unwrap_or_else(|_| Node::str(v)),
        "boolean" => match v {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            other => Node::str(other),
        },
        _ => Node::str(v),
    }
}

/// NextToken in and out, and one list in the response: a paginator.
fn pagination(meta: &Metadata) -> Option<Node> {
    let has = |ms: &[MetaMember], n: &str| ms.iter().any(|m| m.name == n);
    if !has(&meta.parameters, "NextToken") || !has(&meta.response, "NextToken") {
        return None;
    }
    let lists: Vec<&MetaMember> = meta.response.iter().filter(|m| m.ty == "array").collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    let mut p = Node::map()
        .with("input_token", Node::str("NextToken"))
        .with("output_token", Node::str("NextToken"));
    if has(&meta.parameters, "MaxResults") {
        p.set("page_size", Node::str("MaxResults"));
    }
    p.set("items", Node::str(&items.name));
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars() {
        for (p, s) in [
            ("Certificates", "Certificate"),
            ("AclEntries", "AclEntry"),
            ("Addresses", "Address"),
            ("Tag", "Tag"),
            ("Access", "Access"),
            ("Boxes", "Box"),
            ("ListenerHealthStatus", "ListenerHealthStatus"),
        ] {
            assert_eq!(singular(p), s);
        }
    }
}
