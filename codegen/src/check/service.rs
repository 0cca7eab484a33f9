//! service.yaml and errors.yaml: endpoints, signature, RAM resource types,
//! common parameters and errors, and the error catalogue.

use super::Checker;
use crate::ir::{ErrorIr, ResourceTypeIr};
use crate::naming;
use heck::{ToShoutySnakeCase, ToSnakeCase};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

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

/// Two ARN templates that differ only in how they spell placeholders
/// (`{#LoadBalancerId}` and `{#loadbalancerId}` stand for the same value).
pub fn same_arn(a: &str, b: &str) -> bool {
    fn shape(arn: &str) -> String {
        let mut out = String::new();
        let mut rest = arn;
        while let Some(start) = rest.find("{#") {
            out.push_str(&rest[..start]);
            out.push_str("{#}");
            rest = match rest[start..].find('}') {
                Some(end) => &rest[start + end + 1..],
                None => "",
            };
        }
        out.push_str(rest);
        out
    }
    shape(a) == shape(b)
}

impl Checker<'_> {
    pub(super) fn service(&mut self) {
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
        for (name, rt) in &s.ram.resource_types {
            let key = format!("ram.resource_types.{name}");
            if let Some(problem) = naming::type_name_problem(name) {
                self.push(&file, &key, format!("resource type: {problem}"));
                continue;
            }
            if let Err(e) = self.arn_ok(&rt.arn) {
                self.push(&file, format!("{key}.arn"), e);
            }
            let ph = placeholders(&rt.arn);
            self.api.resource_types.push(ResourceTypeIr {
                name: name.clone(),
                function: format!("{}_arn", name.to_snake_case()),
                arn: rt.arn.clone(),
                description: rt.description.clone(),
                placeholders: ph
                    .iter()
                    .map(|p| (p.clone(), naming::field_name(p)))
                    .collect(),
            });
        }
        let mut names = BTreeSet::new();
        for (i, p) in s.common_parameters.iter().enumerate() {
            let key = format!("common_parameters[{i}]");
            match &p.name {
                None => self.push(
                    &file,
                    format!("{key}.name"),
                    "a common parameter needs a name",
                ),
                Some(n) if !names.insert(n.clone()) => self.push(
                    &file,
                    format!("{key}.name"),
                    format!("`{n}` is declared twice"),
                ),
                Some(_) => {}
            }
            if p.common.is_some() {
                self.push(
                    &file,
                    format!("{key}.common"),
                    "a common parameter cannot refer to another",
                );
            }
        }
    }

    /// An ARN starts with `acs:` and uses only declared placeholders.
    pub(super) fn arn_ok(&self, arn: &str) -> Result<(), String> {
        if arn != "*" && !arn.starts_with("acs:") {
            return Err("an ARN starts with `acs:` (or is `*`)".into());
        }
        for ph in placeholders(arn) {
            let ok = self
                .spec
                .service
                .ram
                .placeholders
                .keys()
                .any(|k| k.eq_ignore_ascii_case(&ph));
            if !ok {
                return Err(format!(
                    "unknown ARN placeholder `{{#{ph}}}` (service.yaml ram.placeholders)"
                ));
            }
        }
        Ok(())
    }

    pub(super) fn catalogue(&mut self) {
        let file = PathBuf::from("errors.yaml");
        let mut variants: BTreeMap<String, String> = BTreeMap::new();
        for (i, e) in self.spec.catalogue.errors.iter().enumerate() {
            let k = format!("errors[{i}]");
            if self.error_ids.contains_key(&e.code) {
                self.push(
                    &file,
                    format!("{k}.code"),
                    format!("error code `{}` is written twice", e.code),
                );
                continue;
            }
            if !(400..=599).contains(&e.http_status) {
                self.push(
                    &file,
                    format!("{k}.http_status"),
                    format!(
                        "HTTP status {} is not an error status (400-599)",
                        e.http_status
                    ),
                );
            }
            let v = naming::variant_name(&e.code);
            if let Some(problem) = naming::variant_problem(&e.code) {
                self.push(&file, format!("{k}.code"), problem);
                continue;
            }
            if matches!(v.as_str(), "Common" | "Unknown") {
                self.push(
                    &file,
                    format!("{k}.code"),
                    format!("`{}` clashes with the reserved variant `{v}`", e.code),
                );
                continue;
            }
            if let Some(other) = variants.insert(v.clone(), e.code.clone()) {
                self.push(
                    &file,
                    format!("{k}.code"),
                    format!("`{}` and `{other}` both become the variant `{v}`", e.code),
                );
                continue;
            }
            if e.description.trim().is_empty() {
                self.push(
                    &file,
                    format!("{k}.description"),
                    "a description is required",
                );
            }
            self.error_ids.insert(e.code.clone(), self.api.errors.len());
            self.api.errors.push(ErrorIr {
                code: e.code.clone(),
                static_name: v.to_shouty_snake_case(),
                is_method: naming::is_method_name(&e.code),
                variant: v,
                http_status: e.http_status,
                message: e.message.clone(),
                description: e.description.clone(),
                retryable: e.retryable,
                notes: e.notes.clone(),
            });
        }
        let service = PathBuf::from("service.yaml");
        let mut seen = BTreeSet::new();
        for (i, code) in self.spec.service.common_errors.iter().enumerate() {
            match self.error_ids.get(code) {
                Some(&id) if seen.insert(id) => self.api.common_errors.push(id),
                Some(_) => self.push(
                    &service,
                    format!("common_errors[{i}]"),
                    format!("`{code}` is listed twice"),
                ),
                None => self.push(
                    &service,
                    format!("common_errors[{i}]"),
                    format!("unknown error code `{code}` (errors.yaml)"),
                ),
            }
        }
    }
}
