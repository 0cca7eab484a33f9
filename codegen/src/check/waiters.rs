//! Waiters of asynchronous operations: what they poll, with which inputs
//! (from the call's request or response), and which states they read.

use super::Checker;
use crate::ir::{
    MemberIr, ObserveIr, PathStep, ShapeKind, Source, StateField, StateWaiterIr, TypeIr, ValuePath,
    WaiterInputIr, WaiterIr,
};
use crate::model::{Outcome, Waiter, WaiterDecl};
use crate::naming;
use std::collections::BTreeSet;
use std::path::Path;

pub use crate::ir::JOB_OPERATION;

impl Checker<'_> {
    pub(super) fn waiters(&mut self) {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (file, op) in &self.spec.operations {
            let (Some(a), Some(index)) = (&op.asynchronous, self.op_index(&op.name)) else {
                continue;
            };
            let Some(ir) = self.operation(index).asynchronous.as_ref() else {
                continue;
            };
            let has_job = ir.job_id_field.is_some();
            let waiter = match &a.waiter {
                None | Some(WaiterDecl::Job) => {
                    if !has_job {
                        self.push(
                            file,
                            "async.waiter",
                            "the response has no JobId to wait on: declare a waiter on the resource's state",
                        );
                    } else if let Err(e) = self.job_operation_ok() {
                        self.push(file, "async.waiter", e);
                    }
                    WaiterIr::Job
                }
                Some(WaiterDecl::State(w)) => match self.state_waiter(file, index, w) {
                    Some(w) => {
                        if !names.insert(w.name.clone()) {
                            self.push(
                                file,
                                "async.waiter.name",
                                format!("waiter `{}` is declared twice", w.name),
                            );
                        }
                        WaiterIr::State(Box::new(w))
                    }
                    None => WaiterIr::Job,
                },
            };
            if let Some(a) = self.api.operations[index].asynchronous.as_mut() {
                a.waiter = waiter;
            }
        }
    }

    /// The job waiter reads `ListAsynJobs(JobIds) -> Jobs[].{Id, Status,
    /// ErrorCode, ErrorMessage}`.
    fn job_operation_ok(&self) -> Result<(), String> {
        let Some(i) = self.op_index(JOB_OPERATION) else {
            return Err(format!(
                "the job waiter polls {JOB_OPERATION}, which has no spec file (declare a state waiter, or add operations/{JOB_OPERATION}.yaml)"
            ));
        };
        let op = self.operation(i);
        let ids = op.params.iter().find(|p| p.wire == "JobIds");
        if !ids.is_some_and(
            |p| matches!(&p.ty, TypeIr::List(l) if matches!(l.item, TypeIr::String(_))),
        ) {
            return Err(format!(
                "{JOB_OPERATION} needs a `JobIds` list of strings for the job waiter"
            ));
        }
        let jobs = op.response.iter().find(|f| f.wire == "Jobs");
        let fields = jobs.and_then(|j| self.item_fields(&j.ty));
        let fields = fields.ok_or_else(|| {
            format!("{JOB_OPERATION} needs a `Jobs` list of objects for the job waiter")
        })?;
        for name in ["Id", "Status", "ErrorCode", "ErrorMessage"] {
            if !fields.iter().any(|f| f.wire == name) {
                return Err(format!(
                    "{JOB_OPERATION}'s Jobs items need a `{name}` field for the job waiter"
                ));
            }
        }
        Ok(())
    }

    /// The fields of a list's object items.
    fn item_fields(&self, ty: &TypeIr) -> Option<Vec<MemberIr>> {
        match ty {
            TypeIr::List(l) => match &l.item {
                TypeIr::Struct(id) => match &self.api.shapes[*id].kind {
                    ShapeKind::Struct { fields, .. } => Some(fields.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    fn state_waiter(&mut self, file: &Path, owner: usize, w: &Waiter) -> Option<StateWaiterIr> {
        let key = "async.waiter";
        let missing: Vec<&str> = [
            ("name", w.name.is_none()),
            ("description", w.description.is_none()),
            ("poll", w.poll.is_none()),
            ("state", w.state.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(k, _)| *k)
        .collect();
        let no_success = w.success.is_empty() && w.absent != Some(Outcome::Success);
        if !missing.is_empty() || no_success {
            let mut all = missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>();
            if no_success {
                all.push("`success` (or `absent: success`)".into());
            }
            self.push(file, key, format!("the waiter lacks {}", all.join(", ")));
        }
        let name = w.name.clone().unwrap_or_default();
        if let Some(problem) = (!name.is_empty())
            .then(|| naming::type_name_problem(&name))
            .flatten()
        {
            self.push(
                file,
                format!("{key}.name"),
                format!("waiter name: {problem}"),
            );
        }
        let poll_name = w.poll.clone()?;
        let Some(poll) = self.op_index(&poll_name) else {
            let why = if self.known(&poll_name) {
                "has no spec file"
            } else {
                "is not an operation of the API"
            };
            self.push(
                file,
                format!("{key}.poll"),
                format!("operation `{poll_name}` {why}"),
            );
            return None;
        };
        let mut inputs = Vec::new();
        for (j, input) in w.input.iter().enumerate() {
            let k = format!("{key}.input[{j}]");
            let target = self
                .operation(poll)
                .params
                .iter()
                .find(|m| m.wire == input.to)
                .cloned();
            let Some(target) = target else {
                self.push(
                    file,
                    format!("{k}.to"),
                    format!("`{poll_name}` has no parameter `{}`", input.to),
                );
                continue;
            };
            let to_list = match &target.ty {
                TypeIr::String(_) => false,
                TypeIr::List(l) if matches!(l.item, TypeIr::String(_)) => true,
                _ => {
                    self.push(
                        file,
                        format!("{k}.to"),
                        "a waiter input must be a string or a list of strings",
                    );
                    continue;
                }
            };
            match self.value_path(owner, &input.from) {
                Err(e) => self.push(file, format!("{k}.from"), e),
                Ok(path) => {
                    let many = path.steps.iter().any(|s| s.each);
                    if many && !to_list {
                        self.push(
                            file,
                            format!("{k}.from"),
                            format!(
                                "`{}` gives a list but `{}` takes one value",
                                input.from, input.to
                            ),
                        );
                    }
                    inputs.push(WaiterInputIr {
                        to: target.ident.clone(),
                        to_list,
                        to_wire: target.wire.clone(),
                        from: path,
                    });
                }
            }
        }
        if w.input.is_empty() {
            self.push(
                file,
                format!("{key}.input"),
                "a waiter needs inputs: what identifies the resource to poll",
            );
        }
        let state_name = w.state.clone().unwrap_or_default();
        let poll_op = self.operation(poll).clone();
        let observe = match &w.items {
            None => {
                if w.matcher.is_some() {
                    self.push(file, format!("{key}.match"), "`match` needs `items`");
                }
                let state = self.state_field(
                    file,
                    &format!("{key}.state"),
                    &poll_op.response,
                    &state_name,
                )?;
                ObserveIr::Field { state }
            }
            Some(items) => {
                let list = poll_op.response.iter().find(|f| &f.wire == items);
                let Some(fields) = list.and_then(|l| self.item_fields(&l.ty)) else {
                    self.push(
                        file,
                        format!("{key}.items"),
                        format!("the response of `{poll_name}` has no list of objects `{items}`"),
                    );
                    return None;
                };
                let list_ident = list.map(|l| l.ident.clone()).unwrap_or_default();
                let state =
                    self.state_field(file, &format!("{key}.state"), &fields, &state_name)?;
                match &w.matcher {
                    None => ObserveIr::Items {
                        list: list_ident,
                        state,
                    },
                    Some(m) => {
                        let key_field = self.state_field(
                            file,
                            &format!("{key}.match.field"),
                            &fields,
                            &m.field,
                        )?;
                        let values = match self.value_path(owner, &m.values_at) {
                            Ok(p) => p,
                            Err(e) => {
                                self.push(file, format!("{key}.match.in"), e);
                                return None;
                            }
                        };
                        ObserveIr::Matched {
                            list: list_ident,
                            key: key_field,
                            state,
                            values,
                        }
                    }
                }
            }
        };
        if w.matcher.is_none() && w.absent.is_some() {
            self.push(file, format!("{key}.absent"), "`absent` needs `match`");
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
        // Against the polled field's enum: a state it cannot take is a typo.
        if let Some(values) = self.state_values(&poll_op, w) {
            for (list, states) in [
                ("success", &w.success),
                ("failure", &w.failure),
                ("pending", &w.pending),
            ] {
                for s in states {
                    if !values.contains(s) {
                        self.push(
                            file,
                            format!("{key}.{list}"),
                            format!(
                                "`{s}` is not a value of `{state_name}` ({})",
                                values.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        if let Some(d) = &w.delay {
            if d.initial_ms == 0 || d.initial_ms > d.max_ms {
                self.push(
                    file,
                    format!("{key}.delay"),
                    "need 0 < initial_ms <= max_ms",
                );
            }
            if d.multiplier < 1.0 {
                self.push(file, format!("{key}.delay.multiplier"), "must be >= 1");
            }
        }
        if w.timeout_seconds == Some(0) {
            self.push(file, format!("{key}.timeout_seconds"), "must be positive");
        }
        Some(StateWaiterIr {
            name,
            description: w.description.clone().unwrap_or_default(),
            poll,
            inputs,
            observe,
            success: w.success.clone(),
            failure: w.failure.clone(),
            pending: w.pending.clone(),
            absent: w.absent,
            delay: w.delay,
            timeout_seconds: w.timeout_seconds,
        })
    }

    /// The enum values the waiter's state field can take, when it is an enum.
    fn state_values(&self, poll: &crate::ir::OperationIr, w: &Waiter) -> Option<Vec<String>> {
        let state = w.state.as_deref()?;
        let members = match &w.items {
            None => poll.response.clone(),
            Some(items) => {
                self.item_fields(&poll.response.iter().find(|f| &f.wire == items)?.ty)?
            }
        };
        match &members.iter().find(|m| m.wire == state)?.ty {
            TypeIr::Enum { shape, .. } => match &self.api.shapes[*shape].kind {
                ShapeKind::Enum { values } => {
                    Some(values.iter().map(|v| v.value.clone()).collect())
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn state_field(
        &mut self,
        file: &Path,
        key: &str,
        members: &[MemberIr],
        name: &str,
    ) -> Option<StateField> {
        match members.iter().find(|m| m.wire == name) {
            Some(m) => match &m.ty {
                TypeIr::String(_) => Some(StateField {
                    ident: m.ident.clone(),
                    is_enum: false,
                }),
                TypeIr::Enum { .. } => Some(StateField {
                    ident: m.ident.clone(),
                    is_enum: true,
                }),
                _ => {
                    self.push(file, key, format!("`{name}` must be a string"));
                    None
                }
            },
            None => {
                self.push(
                    file,
                    key,
                    format!("no field `{name}` in the polled response"),
                );
                None
            }
        }
    }

    /// `request.A[].B` or `response.C` of operation `op`.
    fn value_path(&self, op: usize, text: &str) -> Result<ValuePath, String> {
        let (source, rest) = if let Some(r) = text.strip_prefix("request.") {
            (Source::Request, r)
        } else if let Some(r) = text.strip_prefix("response.") {
            (Source::Response, r)
        } else {
            return Err(format!(
                "`{text}`: a path starts with `request.` or `response.`"
            ));
        };
        let o = self.operation(op);
        let members = match source {
            Source::Request => o.params.clone(),
            Source::Response => o.response.clone(),
        };
        let steps = self.path_steps(&members, rest, text)?;
        Ok(ValuePath {
            source,
            steps,
            text: text.to_string(),
        })
    }

    fn path_steps(
        &self,
        members: &[MemberIr],
        path: &str,
        text: &str,
    ) -> Result<Vec<PathStep>, String> {
        let mut steps = Vec::new();
        let mut current: Vec<MemberIr> = members.to_vec();
        let parts: Vec<&str> = path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let (name, each) = match part.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (*part, false),
            };
            let Some(member) = current.iter().find(|m| m.wire == name).cloned() else {
                return Err(format!("`{text}`: no field `{name}`"));
            };
            let is_list = matches!(member.ty, TypeIr::List(_));
            if each != is_list {
                return Err(if each {
                    format!("`{text}`: `{name}` is not a list, drop the `[]`")
                } else {
                    format!("`{text}`: `{name}` is a list, write `{name}[]`")
                });
            }
            let value_ty = match &member.ty {
                TypeIr::List(l) => l.item.clone(),
                t => t.clone(),
            };
            let last = i + 1 == parts.len();
            if last {
                if !matches!(value_ty, TypeIr::String(_) | TypeIr::Enum { .. }) {
                    return Err(format!("`{text}` must end on a string"));
                }
            } else {
                current = match &value_ty {
                    TypeIr::Struct(id) => match &self.api.shapes[*id].kind {
                        ShapeKind::Struct { fields, .. } => fields.clone(),
                        _ => Vec::new(),
                    },
                    _ => return Err(format!("`{text}`: `{name}` has no fields")),
                };
            }
            steps.push(PathStep {
                ident: member.ident.clone(),
                optional: !is_list,
                each,
                is_enum: matches!(value_ty, TypeIr::Enum { .. }),
            });
        }
        Ok(steps)
    }
}
