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
    code.split(|c: char| !c.is_ascii_alphanumeric())
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
