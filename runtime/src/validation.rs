//! Validation of flattened wire parameters against a [`crate::schema`]:
//! every violation of a request, reported at once, on the client before any
//! network I/O and on a server after receiving.

use crate::params::ParamMap;
use crate::schema::{Chars, Condition, Field, Format, Int, List, Object, Str, Ty};
use std::fmt;

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A field, by wire name.
    Field(&'static str),
    /// 0-based, as in the Rust `Vec`.
    Index(usize),
}

/// The rule a value broke, with its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required field is absent, or empty (the service reads an empty
    /// value as a missing one).
    Required,
    /// The list has fewer items than allowed.
    MinItems {
        /// The spec's `min_items`.
        min: u32,
        /// Items given.
        actual: usize,
    },
    /// The list has more items than allowed.
    MaxItems {
        /// The spec's `max_items`.
        max: u32,
        /// Items given.
        actual: usize,
    },
    /// The string is shorter than allowed.
    MinLength {
        /// The spec's `min_length`, in characters.
        min: u32,
        /// Characters given.
        actual: usize,
    },
    /// The string is longer than allowed.
    MaxLength {
        /// The spec's `max_length`, in characters.
        max: u32,
        /// Characters given.
        actual: usize,
    },
    /// The integer is below the minimum.
    Minimum {
        /// The spec's `minimum`.
        min: i64,
        /// The value given.
        actual: i64,
    },
    /// The integer is above the maximum.
    Maximum {
        /// The spec's `maximum`.
        max: i64,
        /// The value given.
        actual: i64,
    },
    /// The value is none of the allowed ones (exact case).
    AllowedValues {
        /// The spec's `allowed_values`.
        allowed: &'static [&'static str],
    },
    /// A character is not ASCII.
    AsciiOnly,
    /// The first character is not of the allowed kinds.
    FirstCharacter {
        /// The spec's `first_char`.
        allowed: Chars,
    },
    /// A character (the first such one is named) is not of the allowed kinds.
    Characters {
        /// The spec's `allowed_chars`.
        allowed: Chars,
        /// The first character outside them.
        found: char,
    },
    /// The value does not have the required format.
    Format(Format),
    /// The value starts with this forbidden prefix.
    ForbiddenPrefix(&'static str),
    /// The value contains this forbidden text.
    ForbiddenSubstring(&'static str),
    /// Required because a sibling field has a given value.
    RequiredIf {
        /// The sibling that decides.
        when: &'static str,
        /// Its values that make the field required (empty: any value).
        values: &'static [&'static str],
    },
    /// Given together with a field it excludes.
    Exclusive {
        /// The first of the exclusive fields that was given (in the
        /// condition's order).
        with: &'static str,
    },
    /// None of these was given; one is required.
    OneRequired {
        /// The fields of which one is required.
        of: &'static [&'static str],
    },
    /// A wire value that does not parse as the declared type (server side),
    /// an integer out of its 32/64-bit range, or a request that cannot be
    /// flattened at all.
    Type {
        /// The type wanted (`32-bit integer`, `boolean`, ...).
        expected: &'static str,
    },
    /// List indices on the wire are not 1, 2, ... n (server side).
    ListIndices,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => write!(f, "is required"),
            Rule::MinItems { min, actual } => {
                write!(f, "must have at least {min} item(s), has {actual}")
            }
            Rule::MaxItems { max, actual } => {
                write!(f, "must have at most {max} item(s), has {actual}")
            }
            Rule::MinLength { min, actual } => {
                write!(f, "must be at least {min} character(s) long, is {actual}")
            }
            Rule::MaxLength { max, actual } => {
                write!(f, "must be at most {max} character(s) long, is {actual}")
            }
            Rule::Minimum { min, actual } => write!(f, "must be >= {min}, is {actual}"),
            Rule::Maximum { max, actual } => write!(f, "must be <= {max}, is {actual}"),
            Rule::AllowedValues { allowed } => write!(f, "must be one of {}", allowed.join(", ")),
            Rule::AsciiOnly => write!(f, "must contain ASCII characters only"),
            Rule::FirstCharacter { allowed } => {
                write!(f, "must start with one of: {}", allowed.describe())
            }
            Rule::Characters { allowed, found } => write!(
                f,
                "may contain only {}; found {found:?}",
                allowed.describe()
            ),
            Rule::Format(format) => write!(f, "must be {}", format.name()),
            Rule::ForbiddenPrefix(p) => write!(f, "must not start with `{p}`"),
            Rule::ForbiddenSubstring(s) => write!(f, "must not contain `{s}`"),
            Rule::RequiredIf { when, values } => {
                if values.is_empty() {
                    write!(f, "is required when {when} is given")
                } else {
                    write!(f, "is required when {when} is {}", values.join(" or "))
                }
            }
            Rule::Exclusive { with } => write!(f, "cannot be given together with {with}"),
            Rule::OneRequired { of } => write!(f, "one of {} is required", of.join(", ")),
            Rule::Type { expected } => write!(f, "must be a valid {expected}"),
            Rule::ListIndices => write!(f, "list indices must be 1, 2, ... without gaps"),
        }
    }
}

/// A value that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the value is, from the request's top (empty for the request
    /// itself).
    pub path: Vec<PathSegment>,
    /// What it breaks.
    pub rule: Rule,
}

impl Violation {
    /// Rust-style path: `Certificates[2].CertificateId` (0-based index).
    pub fn path(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                PathSegment::Field(name) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(name);
                }
                PathSegment::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// Wire-style name: `Certificates.3.CertificateId` (1-based index).
    pub fn wire_name(&self) -> String {
        let parts: Vec<String> = self
            .path
            .iter()
            .map(|seg| match seg {
                PathSegment::Field(name) => name.to_string(),
                PathSegment::Index(i) => (i + 1).to_string(),
            })
            .collect();
        parts.join(".")
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path(), self.rule)
    }
}

/// Every violation found in one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The `Action` of the request.
    pub operation: &'static str,
    /// Every violation, in the order of the schema's fields.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// Every violation found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// A request that cannot be flattened at all (a bug in hand-written
    /// code: generated requests always can).
    pub fn unflattenable(operation: &'static str, e: crate::wire::SerError) -> Self {
        let _ = e;
        Self {
            operation,
            violations: vec![Violation {
                path: Vec::new(),
                rule: Rule::Type {
                    expected: "request made of fields, lists and scalars",
                },
            }],
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} request ({} violation{}): ",
            self.operation,
            self.violations.len(),
            if self.violations.len() == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Collects violations along a path of fields and list indices while a
/// request is walked ([`validate`] walks with one).
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<PathSegment>,
    violations: Vec<Violation>,
}

impl Validator {
    /// An empty validator at the request's top.
    pub fn new() -> Self {
        Self::default()
    }

    /// Steps into field `name` (its wire name).
    pub fn push_field(&mut self, name: &'static str) {
        self.path.push(PathSegment::Field(name));
    }

    /// Steps into list item `index` (0-based).
    pub fn push_index(&mut self, index: usize) {
        self.path.push(PathSegment::Index(index));
    }

    /// Steps back out of the last field or index.
    pub fn pop(&mut self) {
        self.path.pop();
    }

    /// Records a violation at the current path plus `field` (an empty
    /// `field` means the current path itself, e.g. a list item).
    pub fn violation(&mut self, field: &'static str, rule: Rule) {
        let mut path = self.path.clone();
        if !field.is_empty() {
            path.push(PathSegment::Field(field));
        }
        self.violations.push(Violation { path, rule });
    }

    /// Records a violation at the current path.
    pub fn violation_here(&mut self, rule: Rule) {
        self.violations.push(Violation {
            path: self.path.clone(),
            rule,
        });
    }

    /// `Ok` when nothing was recorded, else every violation for
    /// `operation`.
    pub fn finish(self, operation: &'static str) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                operation,
                violations: self.violations,
            })
        }
    }
}

/// Checks `params` against `object` (a request's parameters), recording
/// every violation. `received`: the parameters came off the wire, so their
/// types and list indices are checked too (the client's own flattening
/// cannot get those wrong).
pub fn validate(
    object: &Object,
    params: &ParamMap,
    operation: &'static str,
    received: bool,
) -> Result<(), ValidationError> {
    let mut w = Walker {
        params,
        v: Validator::new(),
        key: String::new(),
        received,
    };
    w.object(object);
    w.v.finish(operation)
}

struct Walker<'p> {
    params: &'p ParamMap,
    v: Validator,
    /// The wire key of the current object (empty at the top).
    key: String,
    received: bool,
}

impl Walker<'_> {
    /// Moves the key to field `name` below the current one; returns the
    /// old length.
    fn enter(&mut self, name: &str) -> usize {
        let len = self.dot();
        self.key.push_str(name);
        len
    }

    /// Moves the key to list index `n` below the current one (written in
    /// place, no `String` per index); returns the old length.
    fn enter_index(&mut self, n: usize) -> usize {
        use std::fmt::Write as _;
        let len = self.dot();
        let _ = write!(self.key, "{n}");
        len
    }

    /// Adds the separator below a non-empty key; returns the old length.
    fn dot(&mut self) -> usize {
        let len = self.key.len();
        if !self.key.is_empty() {
            self.key.push('.');
        }
        len
    }

    fn object(&mut self, object: &Object) {
        for field in object.fields {
            let len = self.enter(field.name);
            self.v.push_field(field.name);
            self.field(field);
            self.v.pop();
            self.key.truncate(len);
        }
        for c in object.conditions {
            self.condition(c);
        }
    }

    /// Whether the sibling `name` of the current object was given.
    fn given(&mut self, name: &str) -> Option<Option<&str>> {
        let len = self.enter(name);
        let value = self.params.get(&self.key);
        let present = value.is_some_and(|v| !v.is_empty()) || self.params.has_children(&self.key);
        self.key.truncate(len);
        present.then_some(value)
    }

    fn condition(&mut self, c: &Condition) {
        match *c {
            Condition::RequiredIf {
                field,
                when,
                values,
            } => {
                let trigger = match self.given(when) {
                    None => false,
                    Some(v) => {
                        values.is_empty()
                            || v.is_some_and(|v| values.iter().any(|x| x.eq_ignore_ascii_case(v)))
                    }
                };
                if trigger && self.given(field).is_none() {
                    self.v.violation(field, Rule::RequiredIf { when, values });
                }
            }
            Condition::Exclusive(fields) => {
                let given: Vec<&'static str> = fields
                    .iter()
                    .copied()
                    .filter(|f| self.given(f).is_some())
                    .collect();
                for extra in given.iter().skip(1) {
                    self.v.violation(extra, Rule::Exclusive { with: given[0] });
                }
            }
            Condition::OneRequired(fields) => {
                if !fields.iter().any(|f| self.given(f).is_some()) {
                    self.v.violation_here(Rule::OneRequired { of: fields });
                }
            }
        }
    }

    fn field(&mut self, field: &Field) {
        match field.ty {
            Ty::Object(object) => {
                if self.params.has_children(&self.key) {
                    self.object(object);
                } else if field.required {
                    self.v.violation_here(Rule::Required);
                }
            }
            Ty::List(list) => self.list(list, field.required),
            // `params` outlives the walker: its values are borrowed, not copied.
            scalar => match self.params.get(&self.key) {
                None => {
                    if field.required {
                        self.v.violation_here(Rule::Required)
                    }
                }
                // The service reads an empty value as a missing one.
                Some("") if field.required => self.v.violation_here(Rule::Required),
                Some(value) => self.scalar(scalar, value),
            },
        }
    }

    fn list(&mut self, list: &List, required: bool) {
        let params = self.params;
        let indices = params.indices(&self.key);
        if indices.is_empty() {
            if required {
                self.v.violation_here(Rule::Required);
            }
            return;
        }
        if let Some(min) = list.min_items {
            if (indices.len() as u64) < u64::from(min) {
                self.v.violation_here(Rule::MinItems {
                    min,
                    actual: indices.len(),
                });
            }
        }
        if let Some(max) = list.max_items {
            if indices.len() as u64 > u64::from(max) {
                self.v.violation_here(Rule::MaxItems {
                    max,
                    actual: indices.len(),
                });
            }
        }
        if self.received && indices.iter().enumerate().any(|(i, n)| *n != i + 1) {
            self.v.violation_here(Rule::ListIndices);
        }
        for (position, n) in indices.iter().enumerate() {
            let len = self.enter_index(*n);
            self.v.push_index(position);
            match list.item {
                Ty::Object(object) => self.object(object),
                Ty::List(_) => self.v.violation_here(Rule::Type { expected: "value" }),
                scalar => {
                    if let Some(value) = params.get(&self.key) {
                        self.scalar(scalar, value);
                    }
                }
            }
            self.v.pop();
            self.key.truncate(len);
        }
    }

    fn scalar(&mut self, ty: Ty, value: &str) {
        match ty {
            Ty::Str(rules) => self.string(rules, value),
            Ty::Int(rules) => self.integer(rules, value),
            Ty::Bool => {
                if self.received
                    && !value.eq_ignore_ascii_case("true")
                    && !value.eq_ignore_ascii_case("false")
                {
                    self.v.violation_here(Rule::Type {
                        expected: "boolean",
                    });
                }
            }
            Ty::Number => {
                if self.received && !value.trim().parse::<f64>().is_ok_and(f64::is_finite) {
                    self.v.violation_here(Rule::Type { expected: "number" });
                }
            }
            Ty::Object(_) | Ty::List(_) => {}
        }
    }

    fn integer(&mut self, rules: &Int, value: &str) {
        let parsed = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| rules.int64 || i32::try_from(*n).is_ok());
        let Some(n) = parsed else {
            self.v.violation_here(Rule::Type {
                expected: if rules.int64 {
                    "64-bit integer"
                } else {
                    "32-bit integer"
                },
            });
            return;
        };
        if let Some(min) = rules.min {
            if n < min {
                self.v.violation_here(Rule::Minimum { min, actual: n });
            }
        }
        if let Some(max) = rules.max {
            if n > max {
                self.v.violation_here(Rule::Maximum { max, actual: n });
            }
        }
    }

    fn string(&mut self, rules: &Str, value: &str) {
        let len = value.chars().count();
        if let Some(min) = rules.min_len {
            if (len as u64) < u64::from(min) {
                self.v.violation_here(Rule::MinLength { min, actual: len });
            }
        }
        if let Some(max) = rules.max_len {
            if len as u64 > u64::from(max) {
                self.v.violation_here(Rule::MaxLength { max, actual: len });
            }
        }
        if rules.ascii_only && !value.is_ascii() {
            self.v.violation_here(Rule::AsciiOnly);
        }
        if !rules.allowed.is_empty() && !rules.allowed.contains(&value) {
            self.v.violation_here(Rule::AllowedValues {
                allowed: rules.allowed,
            });
        }
        if let Some(first) = rules.first {
            if value.chars().next().is_some_and(|c| !first.contains(c)) {
                self.v
                    .violation_here(Rule::FirstCharacter { allowed: first });
            }
        }
        if let Some(chars) = rules.chars {
            if let Some(found) = value.chars().find(|c| !chars.contains(*c)) {
                self.v.violation_here(Rule::Characters {
                    allowed: chars,
                    found,
                });
            }
        }
        if let Some(format) = rules.format {
            if !format.matches(value) {
                self.v.violation_here(Rule::Format(format));
            }
        }
        for p in rules.not_prefixes {
            if value.starts_with(p) {
                self.v.violation_here(Rule::ForbiddenPrefix(p));
            }
        }
        for s in rules.not_contains {
            if value.contains(s) {
                self.v.violation_here(Rule::ForbiddenSubstring(s));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Chars, Condition, Field, Format, Int, List, Object, Str, Ty, STR};

    static NAME: Str = Str {
        min_len: Some(2),
        max_len: Some(8),
        first: Some(Chars::new(Chars::LETTER | Chars::CJK, "")),
        chars: Some(Chars::new(Chars::LETTER | Chars::DIGIT | Chars::CJK, "._-")),
        not_prefixes: &["aliyun", "acs:"],
        not_contains: &["http://"],
        ..Str::ANY
    };
    static CIDR: Str = Str {
        format: Some(Format::IpOrCidr),
        ..Str::ANY
    };
    static TAG: Object = Object::new(
        "Tag",
        &[Field::new("Key", STR).required(), Field::new("Value", STR)],
    );
    static TAGS: List = List {
        item: Ty::Object(&TAG),
        min_items: None,
        max_items: Some(2),
    };
    static IDS: List = List {
        item: Ty::Str(&CIDR),
        min_items: Some(1),
        max_items: None,
    };
    static PORT: Int = Int {
        min: Some(1),
        max: Some(65535),
        int64: false,
    };
    static REQ: Object = Object::new(
        "Req",
        &[
            Field::new("Name", Ty::Str(&NAME)).required(),
            Field::new("Port", Ty::Int(&PORT)),
            Field::new("Tag", Ty::List(&TAGS)),
            Field::new("Entries", Ty::List(&IDS)),
            Field::new("CaEnabled", Ty::Bool),
            Field::new("CaCertificates", STR),
            Field::new("A", STR),
            Field::new("B", STR),
        ],
    )
    .with_conditions(&[
        Condition::RequiredIf {
            field: "CaCertificates",
            when: "CaEnabled",
            values: &["true"],
        },
        Condition::Exclusive(&["A", "B"]),
    ]);

    fn check(pairs: &[(&str, &str)], received: bool) -> Vec<String> {
        let params = ParamMap::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        match validate(&REQ, &params, "Op", received) {
            Ok(()) => vec![],
            Err(e) => e.violations.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn a_valid_request_passes() {
        assert!(check(
            &[
                ("Name", "ab中.c"),
                ("Port", "80"),
                ("Tag.1.Key", "k"),
                ("Entries.1", "10.0.0.0/8"),
                ("CaEnabled", "false")
            ],
            true
        )
        .is_empty());
    }

    #[test]
    fn every_violation_is_listed_with_its_path() {
        let v = check(
            &[
                ("Name", "1aliyun/"),
                ("Port", "0"),
                ("Tag.1.Value", "v"),
                ("Tag.2.Key", "k"),
                ("Tag.3.Key", "k"),
                ("Entries.1", "300.1.1.1"),
                ("CaEnabled", "True"),
                ("A", "x"),
                ("B", "y"),
            ],
            false,
        );
        assert_eq!(
            v,
            [
                "Name must start with one of: letters, Chinese characters",
                "Name may contain only letters, digits, Chinese characters, `.`, `_`, `-`; found '/'",
                "Port must be >= 1, is 0",
                "Tag must have at most 2 item(s), has 3",
                "Tag[0].Key is required",
                "Entries[0] must be an IP address or a CIDR block",
                "CaCertificates is required when CaEnabled is true",
                "B cannot be given together with A",
            ]
        );
        let v = check(&[("Name", "aliyunx"), ("A", "http://x")], false);
        assert_eq!(v, ["Name must not start with `aliyun`"]);
        let v = check(&[("Name", "")], false);
        assert_eq!(v, ["Name is required"]);
    }

    #[test]
    fn received_values_are_type_checked() {
        let v = check(
            &[
                ("Name", "ok"),
                ("Port", "eighty"),
                ("CaEnabled", "yes"),
                ("Entries.1", "10.0.0.1"),
                ("Entries.3", "10.0.0.2"),
            ],
            true,
        );
        assert_eq!(
            v,
            [
                "Port must be a valid 32-bit integer",
                "Entries list indices must be 1, 2, ... without gaps",
                "CaEnabled must be a valid boolean",
            ]
        );
        // Out of the 32-bit range.
        assert_eq!(
            check(&[("Name", "ok"), ("Port", "4294967296")], true),
            ["Port must be a valid 32-bit integer"]
        );
    }
}
