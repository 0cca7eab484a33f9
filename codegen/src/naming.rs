//! Rust names derived from wire names, in one place so that the checker
//! (collisions) and the emitter agree.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Why `name` cannot be a wire name, if it cannot. A wire name starts
/// with an ASCII letter and goes on with ASCII letters, digits and `_`:
/// that is every name ALB uses, and it always gives a Rust identifier
/// (`9Lives`, `_` or `123` would not).
pub fn wire_name_problem(name: &str) -> Option<String> {
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some(format!(
            "`{name}` is not a valid wire name: it must start with an ASCII letter"
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(format!(
            "`{name}` is not a valid wire name: only ASCII letters, digits and `_` are allowed"
        ));
    }
    None
}

/// Why `name` cannot be a Rust type name (shapes, structs, waiters), if it
/// cannot: UpperCamel, an ASCII capital first, then letters and digits.
pub fn type_name_problem(name: &str) -> Option<String> {
    if !name.starts_with(|c: char| c.is_ascii_uppercase())
        || !name.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Some(format!(
            "`{name}` is not a type name: it must start with an ASCII capital letter and hold only ASCII letters and digits"
        ));
    }
    if type_name(name) != name {
        return Some(format!(
            "`{name}` is not UpperCamel (try `{}`)",
            type_name(name)
        ));
    }
    if KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is a Rust keyword"));
    }
    None
}

/// Why `name` cannot be an operation name (it names a module, a method
/// and types), if it cannot.
pub fn operation_name_problem(name: &str) -> Option<String> {
    if let Some(p) = type_name_problem(name) {
        return Some(p);
    }
    if KEYWORDS.contains(&module_name(name).as_str()) {
        return Some(format!(
            "`{name}` makes the Rust keyword `{}`",
            module_name(name)
        ));
    }
    None
}

/// `snake_case` field or method name; keywords become `r#type` (or `self_`).
pub fn field_name(wire: &str) -> String {
    let snake = wire.to_snake_case();
    if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else {
        snake
    }
}

/// The name without a raw prefix, for building other names from it.
pub fn plain(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

pub fn module_name(operation: &str) -> String {
    operation.to_snake_case()
}

/// Error code to variant: `ResourceNotFound.Listener` -> `ResourceNotFoundListener`.
pub fn variant_name(code: &str) -> String {
    capitalize_parts(code, |c| !c.is_ascii_alphanumeric())
}

/// The parts of `s` between separators, each with its first letter made
/// upper case, joined (the rest of each part is kept as it is).
pub fn capitalize_parts(s: &str, separator: impl Fn(char) -> bool) -> String {
    s.split(separator)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// An enum value to its variant: `HTTP` -> `Http`, `tls_cipher_policy_1_0`
/// -> `TlsCipherPolicy10`.
pub fn enum_variant(value: &str) -> String {
    value.to_upper_camel_case()
}

/// Why an error code cannot become a variant, if it cannot.
pub fn variant_problem(code: &str) -> Option<String> {
    let v = variant_name(code);
    if v.is_empty() || v.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&v.as_str())
    {
        return Some(format!("`{code}` does not make a Rust identifier"));
    }
    None
}

/// `is_resource_not_found_listener`.
pub fn is_method_name(code: &str) -> String {
    format!("is_{}", variant_name(code).to_snake_case())
}

pub fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

pub fn request_type(op: &str) -> String {
    format!("{op}Request")
}
pub fn builder_type(op: &str) -> String {
    format!("{op}RequestBuilder")
}
pub fn response_type(op: &str) -> String {
    format!("{op}Response")
}
pub fn error_type(op: &str) -> String {
    format!("{op}Error")
}

/// `CertificatesAssociated` -> `wait_until_certificates_associated`.
pub fn waiter_method(name: &str) -> String {
    format!("wait_until_{}", name.to_snake_case())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name the checks let through makes a Rust identifier, for
    /// names drawn from an alphabet of the awkward characters.
    #[test]
    fn accepted_names_always_make_identifiers() {
        let alphabet: Vec<char> = "aAzZ09_-.éX1sS ".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut fixed: Vec<String> = [
            "123", "9Lives", "_", "__", "A_", "A__B", "Self", "Type", "Crate", "Match", "R", "S_1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..50_000 {
            let len = (next() % 6) as usize + 1;
            let name: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            fixed.push(name);
        }
        for name in &fixed {
            if wire_name_problem(name).is_none() {
                let f = field_name(name);
                assert!(syn::parse_str::<syn::Ident>(&f).is_ok(), "{name} -> {f}");
                let set = format!("set_{}", plain(&f));
                assert!(
                    syn::parse_str::<syn::Ident>(&set).is_ok(),
                    "{name} -> {set}"
                );
            }
            if type_name_problem(name).is_none() {
                assert!(syn::parse_str::<syn::Ident>(name).is_ok(), "{name}");
                assert!(
                    syn::parse_str::<syn::Ident>(&format!("{name}Request")).is_ok(),
                    "{name}"
                );
            }
            if operation_name_problem(name).is_none() {
                assert!(
                    syn::parse_str::<syn::Ident>(&module_name(name)).is_ok(),
                    "{name}"
                );
                assert!(
                    syn::parse_str::<syn::Ident>(&waiter_method(name)).is_ok(),
                    "{name}"
                );
            }
            let v = variant_name(name);
            if variant_problem(name).is_none() {
                assert!(syn::parse_str::<syn::Ident>(&v).is_ok(), "{name} -> {v}");
                assert!(
                    syn::parse_str::<syn::Ident>(&is_method_name(name)).is_ok(),
                    "{name}"
                );
            }
        }
        for bad in ["123", "9Lives", "_", "__", "a-b", "é"] {
            assert!(wire_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(field_name("ListenerId"), "listener_id");
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(
            field_name("XForwardedForSLBIdEnabled"),
            "x_forwarded_for_slb_id_enabled"
        );
        assert_eq!(
            variant_name("ResourceNotFound.Listener"),
            "ResourceNotFoundListener"
        );
        assert_eq!(variant_name("Throttling.User"), "ThrottlingUser");
        assert_eq!(
            is_method_name("IncorrectStatus.Listener"),
            "is_incorrect_status_listener"
        );
        assert_eq!(
            module_name("AssociateAdditionalCertificatesWithListener"),
            "associate_additional_certificates_with_listener"
        );
    }
}
