//! The resource model (`resources.yaml`) and each operation's `emulator:`
//! binding: names resolve (resources, parents, children, request and
//! response fields, catalogue codes), each verb has what it needs.

use super::Checker;
use crate::ir::{BindingIr, MemberIr, ModelIr, SetIr, TypeIr};
use crate::model::{EmulatorBinding, VerbDecl};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FILE: &str = "resources.yaml";

impl Checker<'_> {
    /// `resources.yaml`, then every operation's binding.
    pub(super) fn resource_model(&mut self) {
        let file = PathBuf::from(FILE);
        let model = self.spec.model.clone();
        let mut names = BTreeSet::new();
        let mut tag_types = BTreeSet::new();
        for (i, r) in model.resources.iter().enumerate() {
            let k = format!("resources[{i}]");
            if let Some(p) = crate::naming::type_name_problem(&r.name) {
                self.push(&file, format!("{k}.name"), p);
            }
            if !names.insert(r.name.clone()) {
                self.push(
                    &file,
                    format!("{k}.name"),
                    format!("resource `{}` is declared twice", r.name),
                );
            }
            if r.description.trim().is_empty() {
                self.push(
                    &file,
                    format!("{k}.description"),
                    "a description is required",
                );
            }
            if let Some(p) = crate::naming::wire_name_problem(&r.id) {
                self.push(&file, format!("{k}.id"), p);
            }
            if r.id_prefix.is_empty()
                || !r
                    .id_prefix
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                self.push(
                    &file,
                    format!("{k}.id_prefix"),
                    "a prefix of ASCII letters, digits, `-` or `_` is required",
                );
            }
            if r.status.is_some() != r.states.is_some() {
                self.push(
                    &file,
                    format!("{k}.states"),
                    "`status` and `states` go together",
                );
            }
            if let Some(t) = &r.tag_type {
                if !tag_types.insert(t.to_ascii_lowercase()) {
                    self.push(
                        &file,
                        format!("{k}.tag_type"),
                        format!("tag type `{t}` is used twice"),
                    );
                }
            }
            let mut paths = BTreeSet::new();
            for (j, c) in r.children.iter().enumerate() {
                let ck = format!("{k}.children[{j}]");
                if !paths.insert(c.path.clone()) {
                    self.push(
                        &file,
                        format!("{ck}.path"),
                        format!("child `{}` is declared twice", c.path),
                    );
                }
                let states = [&c.adding, &c.ready, &c.removing]
                    .iter()
                    .any(|s| s.is_some());
                if states && c.status.is_none() {
                    self.push(
                        &file,
                        format!("{ck}.status"),
                        "child states need the child's status field",
                    );
                }
            }
        }
        for (i, r) in model.resources.iter().enumerate() {
            if let Some(p) = &r.parent {
                if !names.contains(p) {
                    self.push(
                        &file,
                        format!("resources[{i}].parent"),
                        format!("unknown resource `{p}`"),
                    );
                } else if p == &r.name {
                    self.push(
                        &file,
                        format!("resources[{i}].parent"),
                        "a resource cannot be its own parent",
                    );
                }
            }
        }
        let mut fields = BTreeSet::new();
        for (i, e) in model.external.iter().enumerate() {
            let k = format!("external[{i}]");
            if !fields.insert(e.field.clone()) {
                self.push(
                    &file,
                    format!("{k}.field"),
                    format!("`{}` is declared twice", e.field),
                );
            }
            if model.resources.iter().any(|r| r.id == e.field) {
                self.push(
                    &file,
                    format!("{k}.field"),
                    format!("`{}` is a resource's identifier", e.field),
                );
            }
            if !self.error_ids.contains_key(&e.not_found) {
                self.push(
                    &file,
                    format!("{k}.not_found"),
                    format!(
                        "unknown error code `{}`: write it once in errors.yaml",
                        e.not_found
                    ),
                );
            }
        }
        self.api.model = ModelIr {
            resources: model.resources.clone(),
            external: model.external.clone(),
        };

        for i in 0..self.api.operations.len() {
            let op_name = self.api.operations[i].name.clone();
            let Some((path, decl)) = self
                .spec
                .operations
                .iter()
                .find(|(_, o)| o.name == op_name)
                .and_then(|(p, o)| o.emulator.clone().map(|b| (p.clone(), b)))
            else {
                continue;
            };
            let binding = self.binding(&path, i, &decl);
            self.api.operations[i].binding = binding;
        }
    }

    fn binding(&mut self, file: &Path, op: usize, b: &EmulatorBinding) -> Option<BindingIr> {
        let before = self.out.len();
        let model = self.api.model.clone();
        let params = self.api.operations[op].params.clone();
        let response = self.api.operations[op].response.clone();
        let needs_resource = !matches!(
            b.verb,
            VerbDecl::Tag
                | VerbDecl::Untag
                | VerbDecl::ListTagResources
                | VerbDecl::ListTagKeys
                | VerbDecl::ListTagValues
                | VerbDecl::Regions
                | VerbDecl::Zones
                | VerbDecl::Jobs
                | VerbDecl::Custom
        );
        let resource = match &b.resource {
            Some(name) => match model.resources.iter().find(|r| &r.name == name) {
                Some(r) => Some(r.clone()),
                None => {
                    self.push(
                        file,
                        "emulator.resource",
                        format!("unknown resource `{name}` (resources.yaml)"),
                    );
                    None
                }
            },
            None if needs_resource => {
                self.push(
                    file,
                    "emulator.resource",
                    format!("verb {:?} needs a resource", b.verb),
                );
                None
            }
            None => None,
        };
        let param = |name: &str| params.iter().find(|p| p.wire == name);
        let is_list = |m: &MemberIr| matches!(m.ty, TypeIr::List(_));
        for (key, field) in [("id", &b.id), ("items", &b.items)] {
            if let Some(f) = field {
                match param(f) {
                    None => self.push(
                        file,
                        format!("emulator.{key}"),
                        format!("no request parameter `{f}`"),
                    ),
                    Some(m) if key == "items" && !is_list(m) => {
                        self.push(file, "emulator.items", format!("`{f}` is not a list"))
                    }
                    _ => {}
                }
            }
        }
        if let Some(ids) = &b.ids {
            let found = param(ids).or_else(|| response.iter().find(|m| &m.wire == ids));
            match found {
                None => self.push(
                    file,
                    "emulator.ids",
                    format!("no request or response list `{ids}`"),
                ),
                Some(m) if !is_list(m) => {
                    self.push(file, "emulator.ids", format!("`{ids}` is not a list"))
                }
                _ => {}
            }
        }
        if let (Some(r), None, None, None) = (&resource, &b.id, &b.items, &b.ids) {
            let targets_one = matches!(
                b.verb,
                VerbDecl::Get
                    | VerbDecl::Update
                    | VerbDecl::Delete
                    | VerbDecl::Transition
                    | VerbDecl::Add
                    | VerbDecl::Remove
                    | VerbDecl::ListChildren
            );
            if targets_one && param(&r.id).is_none() {
                self.push(
                    file,
                    "emulator",
                    format!(
                        "the request has no `{}` to find the {} by: name the field with `id`",
                        r.id, r.name
                    ),
                );
            }
        }
        let needs_child = matches!(
            b.verb,
            VerbDecl::Add | VerbDecl::Remove | VerbDecl::ListChildren
        );
        match (&b.child, &resource) {
            (Some(c), Some(r)) if !r.children.iter().any(|x| &x.path == c) => self.push(
                file,
                "emulator.child",
                format!("{} has no child `{c}` (resources.yaml)", r.name),
            ),
            (None, _) if needs_child => self.push(
                file,
                "emulator.child",
                format!("verb {:?} needs `child`", b.verb),
            ),
            (Some(_), _) if !needs_child => self.push(
                file,
                "emulator.child",
                format!("verb {:?} takes no `child`", b.verb),
            ),
            _ => {}
        }
        if matches!(b.verb, VerbDecl::Add | VerbDecl::Remove) && b.items.is_none() {
            self.push(
                file,
                "emulator.items",
                "add and remove take the request list of items",
            );
        }
        match (&b.transition, b.verb) {
            (None, VerbDecl::Transition) => self.push(
                file,
                "emulator.transition",
                "verb transition needs `transition`",
            ),
            (Some(_), v) if v != VerbDecl::Transition => self.push(
                file,
                "emulator.transition",
                "only verb transition takes `transition`",
            ),
            (Some(t), _) if t.from.is_empty() => {
                self.push(file, "emulator.transition.from", "at least one state")
            }
            _ => {}
        }
        if resource.as_ref().is_some_and(|r| r.states.is_none()) && b.transition.is_some() {
            self.push(
                file,
                "emulator.transition",
                "the resource has no status to change",
            );
        }
        let mut set = Vec::new();
        if !b.set.is_empty()
            && matches!(
                b.verb,
                VerbDecl::Get | VerbDecl::List | VerbDecl::ListChildren
            )
        {
            self.push(
                file,
                "emulator.set",
                format!("verb {:?} changes nothing: it takes no `set`", b.verb),
            );
        }
        for (path, value) in &b.set {
            let v = match value {
                serde_yaml::Value::Null => SetIr::Remove,
                serde_yaml::Value::String(s) if s.starts_with('$') => {
                    let field = &s[1..];
                    if param(field.split('.').next().unwrap_or_default()).is_none() {
                        self.push(
                            file,
                            format!("emulator.set.{path}"),
                            format!("no request parameter `{field}`"),
                        );
                    }
                    SetIr::Request(field.to_string())
                }
                serde_yaml::Value::Bool(_)
                | serde_yaml::Value::Number(_)
                | serde_yaml::Value::String(_) => SetIr::Literal(
                    serde_json::to_string(&yaml_scalar_json(value)).unwrap_or_default(),
                ),
                _ => {
                    self.push(
                        file,
                        format!("emulator.set.{path}"),
                        "a scalar, `$Field` or null",
                    );
                    continue;
                }
            };
            set.push((path.clone(), v));
        }
        for (j, h) in b.hooks.iter().enumerate() {
            let ok = !h.is_empty()
                && h.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
            if !ok {
                self.push(
                    file,
                    format!("emulator.hooks[{j}]"),
                    format!("`{h}`: hook names are snake_case"),
                );
            }
        }
        if b.verb == VerbDecl::Custom && b.hooks.is_empty() {
            self.push(
                file,
                "emulator.hooks",
                "verb custom needs the hooks that do the work",
            );
        }
        (self.out.len() == before).then(|| BindingIr {
            verb: b.verb,
            resource: b.resource.clone(),
            id: b.id.clone(),
            items: b.items.clone(),
            ids: b.ids.clone(),
            child: b.child.clone(),
            transition: b.transition.clone(),
            set,
            hooks: b.hooks.clone(),
        })
    }
}

fn yaml_scalar_json(v: &serde_yaml::Value) -> serde_json::Value {
    match v {
        serde_yaml::Value::Bool(b) => serde_json::Value::Bool(*b),
        serde_yaml::Value::Number(n) => n
            .as_i64()
            .map(serde_json::Value::from)
            .or_else(|| n.as_f64().map(serde_json::Value::from))
            .unwrap_or(serde_json::Value::Null),
        serde_yaml::Value::String(s) => serde_json::Value::String(s.clone()),
        _ => serde_json::Value::Null,
    }
}
