//! Members (parameters, fields, list items) and shapes: what type each one
//! has, which keys apply where, and the rules of named shapes, inline
//! objects and enums, common parameters and use sites.

use super::Checker;
use crate::ir::{
    CharsIr, ConditionIr, EnumValueIr, IntRules, ListIr, MemberIr, ShapeId, ShapeIr, ShapeKind,
    StrRules, TypeIr,
};
use crate::model::{CharClass, CharSet, Condition, Member, Role, Scalar, Type};
use crate::naming;
use heck::ToSnakeCase;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a member is being resolved.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    /// The operation that owns inline types (None inside a named shape).
    pub owner: Option<usize>,
    pub file: &'a Path,
    /// Top-level request parameters may refer to common parameters.
    pub top_level: bool,
}

/// The keys set on a member, by name, for "does not apply" checks.
fn set_keys(m: &Member) -> Vec<&'static str> {
    let mut k = Vec::new();
    let mut add = |on: bool, name: &'static str| {
        if on {
            k.push(name);
        }
    };
    add(m.format.is_some(), "format");
    add(m.required, "required");
    add(m.description.is_some(), "description");
    add(m.example.is_some(), "example");
    add(m.default.is_some(), "default");
    add(!m.values_from.is_empty(), "values_from");
    add(m.role.is_some(), "role");
    add(m.deprecated, "deprecated");
    add(m.min_length.is_some(), "min_length");
    add(m.max_length.is_some(), "max_length");
    add(!m.allowed_values.is_empty(), "allowed_values");
    add(m.enum_name.is_some(), "enum_name");
    add(m.ascii_only, "ascii_only");
    add(m.first_char.is_some(), "first_char");
    add(m.allowed_chars.is_some(), "allowed_chars");
    add(!m.not_starts_with.is_empty(), "not_starts_with");
    add(!m.not_contains.is_empty(), "not_contains");
    add(m.minimum.is_some(), "minimum");
    add(m.maximum.is_some(), "maximum");
    add(m.min_items.is_some(), "min_items");
    add(m.max_items.is_some(), "max_items");
    add(m.items.is_some(), "items");
    add(m.struct_name.is_some(), "struct_name");
    add(!m.fields.is_empty(), "fields");
    add(!m.conditions.is_empty(), "conditions");
    add(!m.notes.is_empty(), "notes");
    k
}

/// Keys every use of a shape or common parameter may add.
const USE_KEYS: &[&str] = &[
    "required",
    "description",
    "example",
    "default",
    "values_from",
    "deprecated",
    "notes",
];

/// Keys that apply to a declared type.
fn keys_for(ty: Type) -> &'static [&'static str] {
    match ty {
        Type::String => &[
            "min_length",
            "max_length",
            "allowed_values",
            "enum_name",
            "ascii_only",
            "first_char",
            "allowed_chars",
            "not_starts_with",
            "not_contains",
            "format",
        ],
        Type::Integer => &["minimum", "maximum", "format"],
        Type::Number | Type::Boolean => &[],
        Type::Array => &["min_items", "max_items", "items"],
        Type::Object => &["struct_name", "fields", "conditions"],
    }
}

fn scalar_text(v: &Scalar) -> String {
    v.to_string()
}

impl Checker<'_> {
    /// First pass over shapes/: names and kinds, so that shapes may refer
    /// to each other in any order.
    pub(super) fn register_shapes(&mut self) {
        for (file, shape) in &self.spec.shapes {
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let Some(name) = shape.name.clone() else {
                self.push(file, "name", "a shape needs a `name`");
                continue;
            };
            if name != stem {
                self.push(
                    file,
                    "name",
                    format!("`{name}` must match the file name `{stem}`"),
                );
            }
            if let Some(problem) = naming::operation_name_problem(&name) {
                self.push(file, "name", format!("shape name: {problem}"));
                continue;
            }
            if shape
                .description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                self.push(file, "description", "a shape needs a description");
            }
            if !self.claim_type(&name, file, "") {
                continue;
            }
            let kind = match shape.ty {
                Some(Type::Object) => ShapeKind::Struct {
                    fields: Vec::new(),
                    conditions: Vec::new(),
                },
                Some(Type::String) if !shape.allowed_values.is_empty() => {
                    ShapeKind::Enum { values: Vec::new() }
                }
                Some(Type::String | Type::Integer | Type::Number | Type::Boolean) => {
                    ShapeKind::Scalar {
                        ty: TypeIr::Boolean,
                    }
                }
                Some(Type::Array) => {
                    self.push(
                        file,
                        "type",
                        "a shape is an object, an enum or a scalar; a list of a shape is written where it is used",
                    );
                    continue;
                }
                None => {
                    self.push(file, "type", "a shape needs a `type`");
                    continue;
                }
            };
            let id = self.add_shape(ShapeIr {
                module: name.to_snake_case(),
                name: name.clone(),
                description: shape.description.clone().unwrap_or_default(),
                notes: shape.notes.clone(),
                kind,
                owner: None,
                source: file.clone(),
                in_request: false,
                in_response: false,
            });
            self.shape_ids.insert(name, id);
        }
    }

    /// Second pass: the bodies of named shapes. Scalars and enums first:
    /// objects copy the rules of the scalar shapes they use.
    pub(super) fn resolve_shapes(&mut self) {
        let (objects, others): (Vec<_>, Vec<_>) = self
            .spec
            .shapes
            .iter()
            .partition(|(_, s)| s.ty == Some(Type::Object));
        for (file, shape) in others.into_iter().chain(objects) {
            let Some(&id) = shape.name.as_ref().and_then(|n| self.shape_ids.get(n)) else {
                continue;
            };
            for (key, on) in [
                ("required", shape.required),
                ("role", shape.role.is_some()),
                ("shape", shape.shape.is_some()),
                ("common", shape.common.is_some()),
                ("struct_name", shape.struct_name.is_some()),
                ("enum_name", shape.enum_name.is_some()),
                ("values_from", !shape.values_from.is_empty()),
            ] {
                if on {
                    self.push(
                        file,
                        key,
                        format!("`{key}` does not apply to a shape (the shape's `name` names it; uses add the rest)"),
                    );
                }
            }
            let ctx = Ctx {
                owner: None,
                file,
                top_level: false,
            };
            let kind = match shape.ty {
                Some(Type::Object) => {
                    let fields = self.members(ctx, "fields", &shape.fields);
                    let conditions = self.conditions(ctx, "conditions", &shape.conditions, &fields);
                    ShapeKind::Struct { fields, conditions }
                }
                Some(Type::String) if !shape.allowed_values.is_empty() => {
                    self.misplaced(
                        ctx,
                        "",
                        shape,
                        Type::String,
                        &["allowed_values", "description", "notes"],
                    );
                    ShapeKind::Enum {
                        values: self.enum_values(file, "allowed_values", &shape.allowed_values),
                    }
                }
                Some(ty) => {
                    let ty = self.inline_scalar(ctx, "", shape, ty);
                    ShapeKind::Scalar { ty }
                }
                None => continue,
            };
            self.api.shapes[id].kind = kind;
        }
    }

    /// A list of named members: wire names, duplicates, Rust names.
    pub(super) fn members(&mut self, ctx: Ctx, key: &str, members: &[Member]) -> Vec<MemberIr> {
        let mut wire = BTreeSet::new();
        let mut idents: BTreeMap<String, String> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let name = match (&m.name, &m.common) {
                (Some(n), _) => n.clone(),
                (None, Some(c)) => c.clone(),
                (None, None) => {
                    self.push(ctx.file, format!("{k}.name"), "a field needs a name");
                    continue;
                }
            };
            if let Some(problem) = naming::wire_name_problem(&name) {
                self.push(ctx.file, format!("{k}.name"), problem);
                continue;
            }
            if !wire.insert(name.clone()) {
                self.push(
                    ctx.file,
                    format!("{k}.name"),
                    format!("duplicate field `{name}`"),
                );
                continue;
            }
            let ident = naming::field_name(&name);
            if let Some(other) = idents.insert(ident.clone(), name.clone()) {
                self.push(
                    ctx.file,
                    format!("{k}.name"),
                    format!("`{name}` and `{other}` both become the Rust name `{ident}`"),
                );
            }
            out.push(self.member(ctx, &k, &name, &ident, m));
        }
        out
    }

    fn member(&mut self, ctx: Ctx, k: &str, name: &str, ident: &str, m: &Member) -> MemberIr {
        let sources = [m.ty.is_some(), m.shape.is_some(), m.common.is_some()];
        if sources.iter().filter(|s| **s).count() != 1 {
            self.push(
                ctx.file,
                k,
                "give exactly one of `type`, `shape` (shapes/) or `common` (service.yaml common_parameters)",
            );
        }
        let mut out = MemberIr {
            wire: name.to_string(),
            ident: ident.to_string(),
            description: m.description.clone(),
            required: m.required,
            ty: TypeIr::Boolean,
            role: None,
            example: m.example.as_ref().map(scalar_text),
            default: m.default.as_ref().map(scalar_text),
            values_from: m.values_from.clone(),
            deprecated: m.deprecated,
            notes: m.notes.clone(),
            shape: None,
        };
        if let Some(common) = &m.common {
            self.common_use(ctx, k, name, m, common, &mut out);
        } else if let Some(shape) = &m.shape {
            if m.role.is_some() {
                self.push(
                    ctx.file,
                    format!("{k}.role"),
                    "a role belongs to a common parameter",
                );
            }
            let (ty, id) = self.shape_use(ctx, k, m, shape);
            out.ty = ty;
            out.shape = id;
        } else if let Some(ty) = m.ty {
            if m.role.is_some() {
                self.push(
                    ctx.file,
                    format!("{k}.role"),
                    "roles are declared on common parameters (service.yaml common_parameters)",
                );
            }
            out.ty = self.inline_type(ctx, k, m, ty);
        }
        for (i, v) in m.values_from.iter().enumerate() {
            if !self.known(v) {
                self.push(
                    ctx.file,
                    format!("{k}.values_from[{i}]"),
                    format!("unknown operation `{v}`"),
                );
            }
        }
        if let Some(d) = &m.default {
            if let Err(e) = self.scalar_fits(d, &out.ty) {
                self.push(ctx.file, format!("{k}.default"), e);
            }
        }
        out
    }

    /// `common: ClientToken`: the common parameter, with this use's additions.
    fn common_use(
        &mut self,
        ctx: Ctx,
        k: &str,
        name: &str,
        m: &Member,
        common: &str,
        out: &mut MemberIr,
    ) {
        if !ctx.top_level {
            self.push(
                ctx.file,
                format!("{k}.common"),
                "only top-level request parameters refer to common parameters",
            );
        }
        let Some(decl) = self
            .spec
            .service
            .common_parameters
            .iter()
            .find(|p| p.name.as_deref() == Some(common))
            .cloned()
        else {
            self.push(
                ctx.file,
                format!("{k}.common"),
                format!("unknown common parameter `{common}` (service.yaml common_parameters)"),
            );
            return;
        };
        if name != common {
            self.push(
                ctx.file,
                format!("{k}.name"),
                format!("a use of the common parameter `{common}` keeps its name"),
            );
        }
        let mut allowed: Vec<&str> = USE_KEYS.to_vec();
        allowed.extend(["minimum", "maximum"]);
        self.only_keys(
            ctx.file,
            k,
            m,
            &allowed,
            &format!("a use of the common parameter `{common}`"),
        );
        // The use narrows the declared range, never widens it.
        if decl.ty != Some(Type::Integer) {
            for (key, on) in [
                ("minimum", m.minimum.is_some()),
                ("maximum", m.maximum.is_some()),
            ] {
                if on {
                    self.push(
                        ctx.file,
                        format!("{k}.{key}"),
                        format!(
                            "`{key}` does not apply to type {:?}",
                            decl.ty.unwrap_or(Type::String)
                        ),
                    );
                }
            }
        }
        let mut merged = decl.clone();
        let narrowing = if decl.ty == Some(Type::Integer) {
            [
                ("minimum", m.minimum, decl.minimum, true),
                ("maximum", m.maximum, decl.maximum, false),
            ]
        } else {
            [
                ("minimum", None, None, true),
                ("maximum", None, None, false),
            ]
        };
        for (key, narrowed, declared, lower) in narrowing {
            if let Some(v) = narrowed {
                let widens = declared.is_some_and(|d| if lower { v < d } else { v > d });
                if widens {
                    self.push(
                        ctx.file,
                        format!("{k}.{key}"),
                        format!(
                            "`{v}` widens the common parameter's {key} ({})",
                            declared.unwrap_or_default()
                        ),
                    );
                }
                if lower {
                    merged.minimum = Some(v);
                } else {
                    merged.maximum = Some(v);
                }
            }
        }
        merged.required = m.required || decl.required;
        let Some(ty) = decl.ty else {
            self.push(
                &PathBuf::from("service.yaml"),
                format!("common_parameters.{common}.type"),
                "a common parameter needs a `type`",
            );
            return;
        };
        let decl_ctx = Ctx {
            owner: ctx.owner,
            file: Path::new("service.yaml"),
            top_level: true,
        };
        out.ty = self.inline_type(
            decl_ctx,
            &format!("common_parameters.{common}"),
            &merged,
            ty,
        );
        out.role = decl.role;
        if let Some(role) = decl.role {
            let want = match role {
                Role::IdempotencyToken => Type::String,
                Role::DryRun => Type::Boolean,
            };
            if ty != want {
                self.push(
                    &PathBuf::from("service.yaml"),
                    format!("common_parameters.{common}.role"),
                    format!("the role {role:?} needs a parameter of type {want:?}"),
                );
            }
        }
        if out.description.is_none() {
            out.description = decl.description.clone();
        }
        out.required = merged.required;
        if out.default.is_none() {
            out.default = decl.default.as_ref().map(scalar_text);
        }
        if out.example.is_none() {
            out.example = decl.example.as_ref().map(scalar_text);
        }
        let mut notes = decl.notes.clone();
        notes.extend(m.notes.iter().cloned());
        out.notes = notes;
    }

    /// `shape: Tag`: the shape's type, with this use's additions.
    fn shape_use(
        &mut self,
        ctx: Ctx,
        k: &str,
        m: &Member,
        shape: &str,
    ) -> (TypeIr, Option<ShapeId>) {
        let Some(&id) = self.shape_ids.get(shape) else {
            self.push(
                ctx.file,
                format!("{k}.shape"),
                format!("unknown shape `{shape}` (shapes/{shape}.yaml)"),
            );
            return (TypeIr::Boolean, None);
        };
        let is_enum = matches!(self.api.shapes[id].kind, ShapeKind::Enum { .. });
        let mut allowed: Vec<&str> = USE_KEYS.to_vec();
        if is_enum {
            allowed.push("allowed_values");
        }
        self.only_keys(
            ctx.file,
            k,
            m,
            &allowed,
            &format!("a use of the shape `{shape}`"),
        );
        let ty = match &self.api.shapes[id].kind {
            ShapeKind::Struct { .. } => TypeIr::Struct(id),
            ShapeKind::Enum { .. } => {
                let values: Vec<String> = self.shape_values(id);
                let narrowed: Vec<String> = m
                    .allowed_values
                    .iter()
                    .map(|v| v.value().to_string())
                    .collect();
                for v in &narrowed {
                    if !values.contains(v) {
                        self.push(
                            ctx.file,
                            format!("{k}.allowed_values"),
                            format!("`{v}` is not a value of the enum `{shape}`"),
                        );
                    }
                }
                TypeIr::Enum {
                    shape: id,
                    allowed: if narrowed.is_empty() {
                        values
                    } else {
                        narrowed
                    },
                }
            }
            ShapeKind::Scalar { ty } => ty.clone(),
        };
        (ty, Some(id))
    }

    /// The values of an enum shape, from the spec (the body may not be
    /// resolved yet when another shape refers to it).
    fn shape_values(&self, id: ShapeId) -> Vec<String> {
        let name = &self.api.shapes[id].name;
        if let Some((_, s)) = self
            .spec
            .shapes
            .iter()
            .find(|(_, s)| s.name.as_ref() == Some(name))
        {
            return s
                .allowed_values
                .iter()
                .map(|v| v.value().to_string())
                .collect();
        }
        match &self.api.shapes[id].kind {
            ShapeKind::Enum { values } => values.iter().map(|v| v.value.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// Refuses every set key of `m` outside `allowed` (and the member's own
    /// `name`, `type`, `shape`, `common`).
    fn only_keys(&mut self, file: &Path, k: &str, m: &Member, allowed: &[&str], what: &str) {
        for key in set_keys(m) {
            if !allowed.contains(&key) {
                self.push(
                    file,
                    format!("{k}.{key}"),
                    format!(
                        "`{key}` does not apply to {what}: a use adds only {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// Keys of `m` that do not apply to a declared `ty` (the member keys
    /// and `extra` always do).
    fn misplaced(&mut self, ctx: Ctx, k: &str, m: &Member, ty: Type, extra: &[&str]) {
        let applies = keys_for(ty);
        for key in set_keys(m) {
            if USE_KEYS.contains(&key)
                || key == "role"
                || applies.contains(&key)
                || extra.contains(&key)
            {
                continue;
            }
            let at = if k.is_empty() {
                key.to_string()
            } else {
                format!("{k}.{key}")
            };
            self.push(
                ctx.file,
                at,
                format!("`{key}` does not apply to type {ty:?}"),
            );
        }
    }

    /// A type declared at the member (`type:`).
    fn inline_type(&mut self, ctx: Ctx, k: &str, m: &Member, ty: Type) -> TypeIr {
        match ty {
            Type::String | Type::Integer | Type::Number | Type::Boolean => {
                if ty == Type::String && !m.allowed_values.is_empty() {
                    return self.inline_enum(ctx, k, m);
                }
                self.inline_scalar(ctx, k, m, ty)
            }
            Type::Array => {
                self.misplaced(ctx, k, m, ty, &[]);
                self.range(
                    ctx.file,
                    k,
                    m.min_items.map(i128::from),
                    m.max_items.map(i128::from),
                    "min_items > max_items",
                );
                let Some(item) = &m.items else {
                    self.push(ctx.file, format!("{k}.items"), "a list needs `items`");
                    return TypeIr::Boolean;
                };
                let ik = format!("{k}.items");
                if item.name.is_some() {
                    self.push(ctx.file, format!("{ik}.name"), "list items have no name");
                }
                if item.required {
                    self.push(
                        ctx.file,
                        format!("{ik}.required"),
                        "list items are never absent: say `min_items` on the list",
                    );
                }
                if item.ty == Some(Type::Array) {
                    self.push(
                        ctx.file,
                        format!("{ik}.type"),
                        "lists of lists are not supported on the wire",
                    );
                    return TypeIr::Boolean;
                }
                if item.common.is_some() {
                    self.push(
                        ctx.file,
                        format!("{ik}.common"),
                        "list items cannot refer to common parameters",
                    );
                }
                let (item_ty, item_shape) = match (&item.shape, item.ty) {
                    (Some(shape), None) => self.shape_use(ctx, &ik, item, shape),
                    (None, Some(t)) => (self.inline_type(ctx, &ik, item, t), None),
                    _ => {
                        self.push(ctx.file, &ik, "give exactly one of `type` or `shape`");
                        (TypeIr::Boolean, None)
                    }
                };
                TypeIr::List(Box::new(ListIr {
                    item: item_ty,
                    item_shape,
                    min_items: m.min_items,
                    max_items: m.max_items,
                }))
            }
            Type::Object => {
                self.misplaced(ctx, k, m, ty, &[]);
                let Some(name) = m.struct_name.clone() else {
                    self.push(
                        ctx.file,
                        format!("{k}.struct_name"),
                        "an object needs a `struct_name`",
                    );
                    return TypeIr::Boolean;
                };
                if let Some(problem) = naming::operation_name_problem(&name) {
                    self.push(ctx.file, format!("{k}.struct_name"), problem);
                    return TypeIr::Boolean;
                }
                if !self.claim_type(&name, ctx.file, &format!("{k}.struct_name")) {
                    return TypeIr::Boolean;
                }
                let inner = Ctx {
                    top_level: false,
                    ..ctx
                };
                let fields = self.members(inner, &format!("{k}.fields"), &m.fields);
                let conditions =
                    self.conditions(inner, &format!("{k}.conditions"), &m.conditions, &fields);
                let id = self.add_shape(ShapeIr {
                    module: name.to_snake_case(),
                    name,
                    description: m.description.clone().unwrap_or_default(),
                    notes: Vec::new(),
                    kind: ShapeKind::Struct { fields, conditions },
                    owner: ctx.owner,
                    source: ctx.file.to_path_buf(),
                    in_request: false,
                    in_response: false,
                });
                TypeIr::Struct(id)
            }
        }
    }

    fn inline_enum(&mut self, ctx: Ctx, k: &str, m: &Member) -> TypeIr {
        self.misplaced(ctx, k, m, Type::String, &[]);
        for key in [
            "min_length",
            "max_length",
            "ascii_only",
            "first_char",
            "allowed_chars",
            "format",
        ] {
            if set_keys(m).contains(&key) {
                self.push(
                    ctx.file,
                    format!("{k}.{key}"),
                    format!("`{key}` does not apply to an enum (its values say it all)"),
                );
            }
        }
        let Some(name) = m.enum_name.clone() else {
            self.push(
                ctx.file,
                format!("{k}.enum_name"),
                "a string with `allowed_values` is an enum: name it with `enum_name` (or declare it in shapes/)",
            );
            return TypeIr::Boolean;
        };
        if let Some(problem) = naming::operation_name_problem(&name) {
            self.push(ctx.file, format!("{k}.enum_name"), problem);
            return TypeIr::Boolean;
        }
        if !self.claim_type(&name, ctx.file, &format!("{k}.enum_name")) {
            return TypeIr::Boolean;
        }
        let values = self.enum_values(ctx.file, &format!("{k}.allowed_values"), &m.allowed_values);
        let allowed = values.iter().map(|v| v.value.clone()).collect();
        let id = self.add_shape(ShapeIr {
            module: name.to_snake_case(),
            name,
            description: m.description.clone().unwrap_or_default(),
            notes: Vec::new(),
            kind: ShapeKind::Enum { values },
            owner: ctx.owner,
            source: ctx.file.to_path_buf(),
            in_request: false,
            in_response: false,
        });
        TypeIr::Enum { shape: id, allowed }
    }

    pub(super) fn enum_values(
        &mut self,
        file: &Path,
        k: &str,
        values: &[crate::model::EnumValue],
    ) -> Vec<EnumValueIr> {
        let mut out: Vec<EnumValueIr> = Vec::new();
        let mut variants: BTreeMap<String, String> = BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            let value = v.value().to_string();
            let mut variant = naming::enum_variant(&value);
            if variant.starts_with(|c: char| c.is_ascii_digit()) {
                variant = format!("V{variant}");
            }
            if variant.is_empty() {
                self.push(
                    file,
                    format!("{k}[{i}]"),
                    format!("`{value}` does not make an enum variant"),
                );
                continue;
            }
            if variant == "Unknown" || variant == "Self" {
                self.push(
                    file,
                    format!("{k}[{i}]"),
                    format!("`{value}` clashes with the reserved variant `{variant}`"),
                );
                continue;
            }
            if let Some(other) = variants.insert(variant.clone(), value.clone()) {
                self.push(
                    file,
                    format!("{k}[{i}]"),
                    format!("`{value}` and `{other}` both become the variant `{variant}`"),
                );
                continue;
            }
            out.push(EnumValueIr {
                value,
                variant,
                description: v.description().map(str::to_string),
            });
        }
        out
    }

    /// A string, integer or boolean with its constraints.
    fn inline_scalar(&mut self, ctx: Ctx, k: &str, m: &Member, ty: Type) -> TypeIr {
        self.misplaced(ctx, k, m, ty, &[]);
        let at = |key: &str| {
            if k.is_empty() {
                key.to_string()
            } else {
                format!("{k}.{key}")
            }
        };
        match ty {
            Type::String => {
                self.range(
                    ctx.file,
                    k,
                    m.min_length.map(i128::from),
                    m.max_length.map(i128::from),
                    "min_length > max_length",
                );
                let format = match m.format.as_deref() {
                    None => None,
                    Some(f) => match string_format(f) {
                        Some(v) => Some(v),
                        None => {
                            self.push(
                                ctx.file,
                                at("format"),
                                format!("unknown string format `{f}`: ipv4, ipv6, ip, cidr, ip_or_cidr, domain or url"),
                            );
                            None
                        }
                    },
                };
                let first = m
                    .first_char
                    .as_ref()
                    .and_then(|c| self.chars(ctx.file, &at("first_char"), c));
                let chars = m
                    .allowed_chars
                    .as_ref()
                    .and_then(|c| self.chars(ctx.file, &at("allowed_chars"), c));
                for (key, list) in [
                    ("not_starts_with", &m.not_starts_with),
                    ("not_contains", &m.not_contains),
                ] {
                    if list.iter().any(String::is_empty) {
                        self.push(ctx.file, at(key), "an empty string matches everything");
                    }
                }
                TypeIr::String(StrRules {
                    min_len: m.min_length,
                    max_len: m.max_length,
                    ascii_only: m.ascii_only,
                    first,
                    chars,
                    format,
                    not_prefixes: m.not_starts_with.clone(),
                    not_contains: m.not_contains.clone(),
                })
            }
            Type::Integer => {
                self.range(
                    ctx.file,
                    k,
                    m.minimum.map(i128::from),
                    m.maximum.map(i128::from),
                    "minimum > maximum",
                );
                let int64 = match m.format.as_deref() {
                    None | Some("int32") => false,
                    Some("int64") => true,
                    Some(f) => {
                        self.push(
                            ctx.file,
                            at("format"),
                            format!("unknown integer format `{f}`: int32 or int64"),
                        );
                        false
                    }
                };
                let fits = |v: i64| int64 || i32::try_from(v).is_ok();
                for (key, v) in [("minimum", m.minimum), ("maximum", m.maximum)] {
                    if let Some(v) = v.filter(|v| !fits(*v)) {
                        self.push(
                            ctx.file,
                            at(key),
                            format!("`{v}` does not fit a 32-bit integer: say `format: int64`"),
                        );
                    }
                }
                TypeIr::Integer(IntRules {
                    min: m.minimum,
                    max: m.maximum,
                    int64,
                })
            }
            Type::Number => TypeIr::Number,
            _ => TypeIr::Boolean,
        }
    }

    fn chars(&mut self, file: &Path, k: &str, c: &CharSet) -> Option<CharsIr> {
        if c.classes.is_empty() && c.extra.is_empty() {
            self.push(file, k, "an empty character set allows nothing");
            return None;
        }
        let mut classes = Vec::new();
        for class in &c.classes {
            let name = match class {
                CharClass::Letter => "LETTER",
                CharClass::Upper => "UPPER",
                CharClass::Lower => "LOWER",
                CharClass::Digit => "DIGIT",
                CharClass::Cjk => "CJK",
            };
            if !classes.contains(&name) {
                classes.push(name);
            }
        }
        Some(CharsIr {
            classes,
            extra: c.extra.clone(),
        })
    }

    fn range(&mut self, file: &Path, k: &str, lo: Option<i128>, hi: Option<i128>, what: &str) {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                self.push(file, k, format!("{what} ({lo} > {hi})"));
            }
        }
    }

    /// Rules between the fields of one object.
    pub(super) fn conditions(
        &mut self,
        ctx: Ctx,
        key: &str,
        conditions: &[Condition],
        fields: &[MemberIr],
    ) -> Vec<ConditionIr> {
        let mut out = Vec::new();
        for (i, c) in conditions.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let field_ok = |this: &mut Self, name: &str, what: &str| -> Option<MemberIr> {
                match fields.iter().find(|f| f.wire == name) {
                    Some(f) => Some(f.clone()),
                    None => {
                        this.push(
                            ctx.file,
                            format!("{k}.{what}"),
                            format!("no field `{name}` here"),
                        );
                        None
                    }
                }
            };
            let kinds = [
                c.required_if.is_some(),
                c.exclusive.is_some(),
                c.one_required.is_some(),
            ];
            if kinds.iter().filter(|k| **k).count() != 1 {
                self.push(
                    ctx.file,
                    &k,
                    "a condition is one of `required_if`, `exclusive` or `one_required`",
                );
                continue;
            }
            if let Some(r) = &c.required_if {
                let (field, when, values) = (&r.field, &r.when, &r.values);
                let target = field_ok(self, field, "required_if.field");
                let trigger = field_ok(self, when, "required_if.when");
                if let Some(t) = &target {
                    if t.required {
                        self.push(
                            ctx.file,
                            format!("{k}.required_if.field"),
                            format!("`{field}` is always required"),
                        );
                    }
                }
                if let Some(trigger) = trigger {
                    for (j, v) in values.iter().enumerate() {
                        if let Err(e) = self.scalar_fits(v, &trigger.ty) {
                            self.push(ctx.file, format!("{k}.required_if.is[{j}]"), e);
                        }
                    }
                }
                out.push(ConditionIr::RequiredIf {
                    field: field.clone(),
                    when: when.clone(),
                    values: values.iter().map(scalar_text).collect(),
                });
            }
            for (names, exclusive, what) in [
                (&c.exclusive, true, "exclusive"),
                (&c.one_required, false, "one_required"),
            ] {
                let Some(names) = names else { continue };
                if names.len() < 2 {
                    self.push(ctx.file, format!("{k}.{what}"), "name at least two fields");
                }
                for n in names {
                    field_ok(self, n, what);
                }
                out.push(if exclusive {
                    ConditionIr::Exclusive(names.clone())
                } else {
                    ConditionIr::OneRequired(names.clone())
                });
            }
        }
        out
    }

    /// Whether a default (or condition value) fits the type.
    fn scalar_fits(&self, v: &Scalar, ty: &TypeIr) -> Result<(), String> {
        let text = v.to_string();
        match ty {
            TypeIr::Boolean if matches!(v, Scalar::Bool(_)) => Ok(()),
            TypeIr::Boolean => Err(format!(
                "`{text}` is not a boolean default: write `true` or `false` (unquoted)"
            )),
            TypeIr::Integer(r) => {
                let n: i64 = text.parse().map_err(|_| format!("`{text}` is not an integer"))?;
                if r.min.is_some_and(|min| n < min) || r.max.is_some_and(|max| n > max) {
                    return Err(format!("`{n}` is outside minimum/maximum"));
                }
                Ok(())
            }
            TypeIr::Enum { allowed, .. } => {
                if !allowed.contains(&text) {
                    return Err(format!("`{text}` is not one of the allowed values"));
                }
                Ok(())
            }
            TypeIr::String(_) => Ok(()),
            TypeIr::Number => text
                .parse::<f64>()
                .map(drop)
                .map_err(|_| format!("`{text}` is not a number")),
            TypeIr::List(_) => Err(
                "a default of type Array is not supported: only strings, integers and booleans take a `default`; describe it in `description` instead"
                    .to_string(),
            ),
            TypeIr::Struct(_) => Err(
                "a default of type Object is not supported: only strings, integers and booleans take a `default`; describe it in `description` instead"
                    .to_string(),
            ),
        }
    }

    /// After every operation: usage of shapes (request/response), unused
    /// named shapes, cycles.
    pub(super) fn finish_shapes(&mut self) {
        let mut request = Vec::new();
        let mut response = Vec::new();
        for op in &self.api.operations {
            for m in &op.params {
                collect(&self.api, &m.ty, m.shape, &mut request);
            }
            for m in &op.response {
                collect(&self.api, &m.ty, m.shape, &mut response);
            }
        }
        for id in &request {
            self.api.shapes[*id].in_request = true;
        }
        for id in &response {
            self.api.shapes[*id].in_response = true;
        }
        for i in 0..self.api.shapes.len() {
            let s = &self.api.shapes[i];
            if s.owner.is_none()
                && !s.in_request
                && !s.in_response
                && s.source.starts_with("shapes")
            {
                let (file, name) = (s.source.clone(), s.name.clone());
                self.push(
                    &file,
                    "name",
                    format!("the shape `{name}` is not used by any operation"),
                );
            }
        }
        // Cycles: a struct may not contain itself, however deep.
        let mut state = vec![0u8; self.api.shapes.len()];
        for i in 0..self.api.shapes.len() {
            if let Some(cycle) = find_cycle(&self.api, i, &mut state, &mut Vec::new()) {
                let names: Vec<&str> = cycle
                    .iter()
                    .map(|id| self.api.shapes[*id].name.as_str())
                    .collect();
                let text = names.join(" -> ");
                let file = self.api.shapes[cycle[0]].source.clone();
                self.push(
                    &file,
                    "fields",
                    format!("the shapes contain each other: {text}"),
                );
                break;
            }
        }
    }
}

/// Every shape reachable from a type (through fields and list items);
/// `direct`: the shape a member refers to (for scalar shapes, which leave
/// no trace in the type).
fn collect(api: &crate::ir::Api, ty: &TypeIr, direct: Option<ShapeId>, out: &mut Vec<ShapeId>) {
    if let Some(id) = direct {
        if matches!(api.shapes[id].kind, ShapeKind::Scalar { .. }) && !out.contains(&id) {
            out.push(id);
        }
    }
    match ty {
        TypeIr::Struct(id) if !out.contains(id) => {
            out.push(*id);
            if let ShapeKind::Struct { fields, .. } = &api.shapes[*id].kind {
                for f in fields {
                    collect(api, &f.ty, f.shape, out);
                }
            }
        }
        TypeIr::Enum { shape, .. } if !out.contains(shape) => out.push(*shape),
        TypeIr::List(l) => collect(api, &l.item, l.item_shape, out),
        _ => {}
    }
}

/// Depth-first search for a struct that contains itself. `state`: 0 new,
/// 1 on the current path, 2 done.
fn find_cycle(
    api: &crate::ir::Api,
    id: ShapeId,
    state: &mut [u8],
    path: &mut Vec<ShapeId>,
) -> Option<Vec<ShapeId>> {
    match state[id] {
        2 => return None,
        1 => {
            let start = path.iter().position(|p| *p == id).unwrap_or(0);
            let mut cycle = path[start..].to_vec();
            cycle.push(id);
            return Some(cycle);
        }
        _ => {}
    }
    state[id] = 1;
    path.push(id);
    if let ShapeKind::Struct { fields, .. } = &api.shapes[id].kind {
        for f in fields {
            for child in struct_children(&f.ty) {
                if let Some(c) = find_cycle(api, child, state, path) {
                    return Some(c);
                }
            }
        }
    }
    path.pop();
    state[id] = 2;
    None
}

fn struct_children(ty: &TypeIr) -> Vec<ShapeId> {
    match ty {
        TypeIr::Struct(id) => vec![*id],
        TypeIr::List(l) => struct_children(&l.item),
        _ => Vec::new(),
    }
}

/// The runtime's `schema::Format` variant for a spec format name.
fn string_format(f: &str) -> Option<&'static str> {
    Some(match f {
        "ipv4" => "Ipv4",
        "ipv6" => "Ipv6",
        "ip" => "Ip",
        "cidr" => "Cidr",
        "ip_or_cidr" => "IpOrCidr",
        "domain" => "Domain",
        "url" => "Url",
        _ => return None,
    })
}
