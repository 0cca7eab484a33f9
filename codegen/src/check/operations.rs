//! operations/*.yaml: names, parameters, response, errors, RAM,
//! pagination and the asynchronous marker (waiters are in `waiters`).

use super::members::Ctx;
use super::Checker;
use crate::ir::{
    AsyncIr, MemberIr, OperationIr, PaginationIr, RamIr, RamResourceIr, ShapeKind, TypeIr, WaiterIr,
};
use crate::model::Operation;
use crate::naming;
use std::collections::BTreeMap;
use std::path::Path;

impl Checker<'_> {
    pub(super) fn operations(&mut self) {
        for reserved in ["Client", "RequestBuilder", "CommonError"] {
            self.type_names
                .insert(reserved.to_string(), "generated (the crate's own)".into());
        }
        let mut files: BTreeMap<&str, &Path> = BTreeMap::new();
        for (file, op) in &self.spec.operations {
            if let Some(first) = files.insert(op.name.as_str(), file) {
                self.push(
                    file,
                    "name",
                    format!(
                        "operation `{}` is also defined in {}",
                        op.name,
                        first.display()
                    ),
                );
                continue;
            }
            self.operation_file(file, op);
        }
    }

    fn operation_file(&mut self, file: &Path, op: &Operation) {
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
            return;
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
        for generated in [
            naming::request_type(&op.name),
            naming::builder_type(&op.name),
            naming::response_type(&op.name),
            naming::error_type(&op.name),
        ] {
            self.type_names
                .insert(generated, format!("generated for operation {}", op.name));
        }
        let index = self.api.operations.len();
        self.op_ids.insert(op.name.clone(), index);
        let params_ctx = Ctx {
            owner: Some(index),
            file,
            top_level: true,
        };
        let params = self.members(params_ctx, "parameters", &op.parameters);
        let conditions = self.conditions(params_ctx, "conditions", &op.conditions, &params);
        let response_ctx = Ctx {
            top_level: false,
            ..params_ctx
        };
        let response = self.members(response_ctx, "response.fields", &op.response.fields);
        for (i, f) in op.response.fields.iter().enumerate() {
            if f.required || f.default.is_some() {
                self.push(
                    file,
                    format!("response.fields[{i}]"),
                    "response fields take no `required` or `default`: responses are not validated",
                );
            }
        }
        let mut roles = BTreeMap::new();
        for (i, p) in params.iter().enumerate() {
            if let Some(role) = p.role {
                if roles.insert(role, i).is_some() {
                    self.push(
                        file,
                        format!("parameters[{i}]"),
                        format!("more than one parameter has the role {role:?}"),
                    );
                }
            }
        }

        let mut errors = Vec::new();
        for (i, e) in op.errors.iter().enumerate() {
            let code = e.code();
            match self.error_ids.get(code) {
                None => self.push(
                    file,
                    format!("errors[{i}]"),
                    format!("unknown error code `{code}`: write it once in errors.yaml"),
                ),
                Some(&id) => {
                    // A common code an operation documents gets a variant of
                    // its own in the operation's enum (matched first).
                    if errors.iter().any(|(x, _)| *x == id) {
                        self.push(
                            file,
                            format!("errors[{i}]"),
                            format!("`{code}` is listed twice"),
                        );
                    } else {
                        errors.push((id, e.description().map(str::to_string)));
                    }
                }
            }
        }

        let rate_limit = match &op.rate_limit {
            Some(rl) if rl.requests == 0 || rl.per_seconds == 0 => {
                self.push(
                    file,
                    "rate_limit",
                    "requests and per_seconds must be positive",
                );
                None
            }
            Some(rl) => Some((rl.requests, rl.per_seconds)),
            None => None,
        };

        let ram = self.ram(file, op);
        let pagination = op.pagination.as_ref().and_then(|p| {
            let token = self.expect_field(
                file,
                "pagination.input_token",
                &params,
                &p.input_token,
                "a string",
                |t| matches!(t, TypeIr::String(_)),
            );
            let size = p.page_size.as_ref().and_then(|s| {
                self.expect_field(
                    file,
                    "pagination.page_size",
                    &params,
                    s,
                    "an integer",
                    |t| matches!(t, TypeIr::Integer(_)),
                )
            });
            let size_int64 = size
                .as_ref()
                .is_some_and(|m| matches!(&m.ty, TypeIr::Integer(r) if r.int64));
            let out = self.expect_field(
                file,
                "pagination.output_token",
                &response,
                &p.output_token,
                "a string",
                |t| matches!(t, TypeIr::String(_)),
            );
            let items = self.expect_field(
                file,
                "pagination.items",
                &response,
                &p.items,
                "a list",
                |t| matches!(t, TypeIr::List(_)),
            );
            let (token, out, items) = (token?, out?, items?);
            let TypeIr::List(list) = &items.ty else {
                return None;
            };
            Some(PaginationIr {
                token_param: token.ident,
                page_size_param: size.map(|m| (m.ident, size_int64)),
                output_token: out.ident,
                items: items.ident.clone(),
                item_ty: list.item.clone(),
            })
        });

        let asynchronous = op.asynchronous.as_ref().and_then(|a| {
            let wanted = a.job_id_field.as_deref().unwrap_or("JobId");
            let job_id_field = match response.iter().find(|f| f.wire == wanted) {
                Some(f) if matches!(f.ty, TypeIr::String(_)) => Some(f.ident.clone()),
                Some(_) => {
                    self.push(
                        file,
                        "async.job_id_field",
                        format!("`{wanted}` must be a string"),
                    );
                    return None;
                }
                None if a.job_id_field.is_some() => {
                    self.push(
                        file,
                        "async.job_id_field",
                        format!("the response has no field `{wanted}`"),
                    );
                    return None;
                }
                // An asynchronous call may answer without a job ID: then
                // only a waiter on the resource's state can follow it.
                None => None,
            };
            Some(AsyncIr {
                description: a.description.clone(),
                job_id_field,
                // Resolved once every operation is known.
                waiter: WaiterIr::Job,
            })
        });
        let mut uses = Vec::new();
        for m in params.iter().chain(&response) {
            self.named_shapes_of(&m.ty, &mut uses);
        }
        self.api.operations.push(OperationIr {
            name: op.name.clone(),
            module: naming::module_name(&op.name),
            title: op.title.clone(),
            description: op.description.clone(),
            source: file.to_path_buf(),
            deprecated: op.deprecated,
            related: op.related_operations.clone(),
            params,
            conditions,
            response_doc: op
                .response
                .description
                .clone()
                .unwrap_or_else(|| format!("The answer to {}.", op.name)),
            response,
            errors,
            rate_limit,
            ram,
            pagination,
            asynchronous,
            history: op
                .history
                .iter()
                .map(|h| (h.date.clone(), h.change.clone()))
                .collect(),
            notes: op.notes.clone(),
            uses_shapes: uses,
            binding: None,
        });
    }

    /// Named shapes (and inline types) a type refers to, directly or in lists.
    fn named_shapes_of(&self, ty: &TypeIr, out: &mut Vec<usize>) {
        match ty {
            TypeIr::Struct(id) | TypeIr::Enum { shape: id, .. } if !out.contains(id) => {
                out.push(*id);
                if let ShapeKind::Struct { fields, .. } = &self.api.shapes[*id].kind {
                    for f in fields.clone() {
                        self.named_shapes_of(&f.ty, out);
                    }
                }
            }
            TypeIr::List(l) => self.named_shapes_of(&l.item, out),
            _ => {}
        }
    }

    fn expect_field(
        &mut self,
        file: &Path,
        key: &str,
        members: &[MemberIr],
        name: &str,
        what: &str,
        ok: impl Fn(&TypeIr) -> bool,
    ) -> Option<MemberIr> {
        match members.iter().find(|m| m.wire == name) {
            None => {
                self.push(file, key, format!("no field `{name}`"));
                None
            }
            Some(m) if !ok(&m.ty) => {
                self.push(file, key, format!("`{name}` must be {what}"));
                None
            }
            Some(m) => Some(m.clone()),
        }
    }

    fn ram(&mut self, file: &Path, op: &Operation) -> RamIr {
        let expected_action = format!("{}:{}", self.spec.service.ram.service, op.name);
        if op.ram.action != expected_action {
            self.push(
                file,
                "ram.action",
                format!("`{}` should be `{expected_action}`", op.ram.action),
            );
        }
        let mut resources = Vec::new();
        for (i, r) in op.ram.resources.iter().enumerate() {
            let key = format!("ram.resources[{i}]");
            let declared = self.spec.service.ram.resource_types.get(&r.resource_type);
            let arn = match (declared, &r.arn) {
                (_, _) if r.resource_type == "*" => r.arn.clone().unwrap_or_else(|| "*".into()),
                (None, _) => {
                    self.push(
                        file,
                        format!("{key}.type"),
                        format!(
                            "unknown RAM resource type `{}` (service.yaml ram.resource_types)",
                            r.resource_type
                        ),
                    );
                    continue;
                }
                (Some(t), None) => t.arn.clone(),
                (Some(t), Some(arn)) => {
                    // The type's ARN (placeholders in any letter case) or a
                    // wildcard of it (`.../loadbalancer/*`).
                    let base = t.arn.rsplit_once('/').map(|(b, _)| b).unwrap_or(&t.arn);
                    let same = super::service::same_arn(arn, &t.arn);
                    let wildcard = arn.strip_suffix("/*").is_some_and(|b| b == base);
                    if !same && !wildcard {
                        self.push(
                            file,
                            format!("{key}.arn"),
                            format!(
                                "`{arn}` is neither the {} ARN `{}` nor its wildcard `{base}/*`",
                                r.resource_type, t.arn
                            ),
                        );
                    }
                    arn.clone()
                }
            };
            if let Err(e) = self.arn_ok(&arn) {
                self.push(file, format!("{key}.arn"), e);
            }
            resources.push(RamResourceIr {
                resource_type: r.resource_type.clone(),
                arn,
                required: r.required,
            });
        }
        RamIr {
            action: op.ram.action.clone(),
            access_level: op.ram.access_level,
            resources,
            condition_keys: op.ram.condition_keys.clone(),
        }
    }
}
