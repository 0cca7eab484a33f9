//! Client-side (and emulator-side) validation: every violation of a request,
//! reported at once, before any network I/O.

use std::fmt;

/// One segment of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Field(&'static str),
    /// 0-based, as in the Rust `Vec`.
    Index(usize),
}

/// The rule a value broke, with its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Required,
    MinItems {
        min: u64,
        actual: usize,
    },
    MaxItems {
        max: u64,
        actual: usize,
    },
    MinLength {
        min: u64,
        actual: usize,
    },
    MaxLength {
        max: u64,
        actual: usize,
    },
    Minimum {
        min: i64,
        actual: i64,
    },
    Maximum {
        max: i64,
        actual: i64,
    },
    AllowedValues {
        allowed: &'static [&'static str],
    },
    AsciiOnly,
    /// A wire value that does not parse as the declared type (server side).
    Type {
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
            Rule::Type { expected } => write!(f, "must be a valid {expected}"),
            Rule::ListIndices => write!(f, "list indices must be 1, 2, ... without gaps"),
        }
    }
}

/// A value that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: Vec<PathSegment>,
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
    pub operation: &'static str,
    pub violations: Vec<Violation>,
}

impl ValidationError {
    pub fn violations(&self) -> &[Violation] {
        &self.violations
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

/// Collects violations while generated code walks a request.
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<PathSegment>,
    violations: Vec<Violation>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push_field(&mut self, name: &'static str) {
        self.path.push(PathSegment::Field(name));
    }

    pub fn push_index(&mut self, index: usize) {
        self.path.push(PathSegment::Index(index));
    }

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

    pub fn require<T>(&mut self, field: &'static str, value: &Option<T>) {
        if value.is_none() {
            self.violation(field, Rule::Required);
        }
    }

    pub fn items(&mut self, field: &'static str, len: usize, min: Option<u64>, max: Option<u64>) {
        if let Some(min) = min {
            if (len as u64) < min {
                self.violation(field, Rule::MinItems { min, actual: len });
            }
        }
        if let Some(max) = max {
            if len as u64 > max {
                self.violation(field, Rule::MaxItems { max, actual: len });
            }
        }
    }

    /// Length is counted in characters (Unicode scalar values).
    pub fn length(&mut self, field: &'static str, value: &str, min: Option<u64>, max: Option<u64>) {
        let len = value.chars().count();
        if let Some(min) = min {
            if (len as u64) < min {
                self.violation(field, Rule::MinLength { min, actual: len });
            }
        }
        if let Some(max) = max {
            if len as u64 > max {
                self.violation(field, Rule::MaxLength { max, actual: len });
            }
        }
    }

    pub fn ascii(&mut self, field: &'static str, value: &str) {
        if !value.is_ascii() {
            self.violation(field, Rule::AsciiOnly);
        }
    }

    pub fn allowed(&mut self, field: &'static str, value: &str, allowed: &'static [&'static str]) {
        if !allowed.contains(&value) {
            self.violation(field, Rule::AllowedValues { allowed });
        }
    }

    pub fn range(&mut self, field: &'static str, value: i64, min: Option<i64>, max: Option<i64>) {
        if let Some(min) = min {
            if value < min {
                self.violation(field, Rule::Minimum { min, actual: value });
            }
        }
        if let Some(max) = max {
            if value > max {
                self.violation(field, Rule::Maximum { max, actual: value });
            }
        }
    }

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
