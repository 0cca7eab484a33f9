//! What the service says when a call fails: Alibaba's JSON error body plus
//! the HTTP status, and the trait every generated error enum implements.

use serde::Deserialize;
use std::fmt;

/// The facts of one service error, kept by every variant of a generated
/// error enum (including its `Unknown` variant).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorMetadata {
    /// The error code (`Code`), e.g. `ResourceNotFound.Listener`.
    pub code: String,
    /// The service's message (`Message`), secrets masked; empty when absent.
    pub message: String,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The `RequestId`, to quote to Alibaba Cloud support.
    pub request_id: Option<String>,
    /// The endpoint host that answered (`HostId`).
    pub host_id: Option<String>,
    /// A diagnosis URL of Alibaba's API troubleshooting (`Recommend`).
    pub recommend: Option<String>,
}

#[derive(Default)]
struct ErrorBody {
    code: Option<serde_json::Value>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
}

impl crate::wire::DecodeFields for ErrorBody {
    const NAME: &'static str = "ErrorBody";
    const FIELDS: &'static [&'static str] =
        &["Code", "Message", "RequestId", "HostId", "Recommend"];
    fn decode_field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error> {
        use crate::wire::decode_slot;
        match index {
            0 => decode_slot(map, &mut self.code),
            1 => decode_slot(map, &mut self.message),
            2 => decode_slot(map, &mut self.request_id),
            3 => decode_slot(map, &mut self.host_id),
            4 => decode_slot(map, &mut self.recommend),
            _ => crate::wire::skip_value(map),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::decode_struct(d)
    }
}

/// Why a body could not be read as an Alibaba error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedErrorBody {
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// What is wrong with the body.
    pub reason: String,
}

impl ErrorMetadata {
    /// Parses Alibaba's JSON error body (`Code`, `Message`, `RequestId`,
    /// `HostId`, `Recommend`; any may be missing). A body that is not a
    /// JSON object, or has no `Code`, is an error value, never a panic.
    pub fn from_body(http_status: u16, body: &[u8]) -> Result<Self, MalformedErrorBody> {
        let parsed: ErrorBody = serde_json::from_slice(body).map_err(|e| MalformedErrorBody {
            http_status,
            reason: format!("error body is not an Alibaba JSON error: {e}"),
        })?;
        let code = match parsed.code {
            Some(serde_json::Value::String(s)) if !s.is_empty() => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                return Err(MalformedErrorBody {
                    http_status,
                    reason: "error body has no Code".to_string(),
                })
            }
        };
        // The service echoes its string to sign, which can carry the STS
        // token: nothing secret may reach Display, Debug or logs.
        let clean = |s: Option<String>| s.map(|s| crate::redact::redact(&s).into_owned());
        Ok(Self {
            code,
            message: clean(parsed.message).unwrap_or_default(),
            http_status,
            request_id: parsed.request_id,
            host_id: clean(parsed.host_id),
            recommend: clean(parsed.recommend),
        })
    }

    /// The values that filled the `%s` slots of a documented message
    /// template, or `None` when the message does not follow it.
    pub fn template_args(&self, template: &str) -> Option<Vec<String>> {
        template_args(template, &self.message)
    }
}

impl fmt::Display for ErrorMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.http_status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [RequestId: {id}]")?;
        }
        Ok(())
    }
}

/// Matches `message` against a template with `%s` slots and returns what
/// filled each slot. Slots match lazily, the last one takes the rest.
pub fn template_args(template: &str, message: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = template.split("%s").collect();
    let mut rest = message.strip_prefix(parts[0])?;
    let mut args = Vec::with_capacity(parts.len() - 1);
    for (i, literal) in parts.iter().enumerate().skip(1) {
        let last = i == parts.len() - 1;
        if last {
            let arg = rest.strip_suffix(literal)?;
            args.push(arg.to_string());
            rest = "";
        } else {
            let pos = if literal.is_empty() {
                0
            } else {
                rest.find(literal)?
            };
            args.push(rest[..pos].to_string());
            rest = &rest[pos + literal.len()..];
        }
    }
    if parts.len() == 1 && !rest.is_empty() {
        return None;
    }
    Some(args)
}

/// Fills a template's `%s` slots in order; missing arguments become `-`.
pub fn render_template(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut it = args.iter();
    let mut parts = template.split("%s").peekable();
    while let Some(part) = parts.next() {
        out.push_str(part);
        if parts.peek().is_some() {
            out.push_str(it.next().copied().unwrap_or("-"));
        }
    }
    out
}

/// One documented error code, as the spec's catalogue has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The code (`code`).
    pub code: &'static str,
    /// The HTTP status the service answers it with (`http_status`).
    pub http_status: u16,
    /// Message template; `%s` marks a value the service fills in (`message`).
    pub message: &'static str,
    /// Retrying the same request later may succeed, so the client does
    /// (`retryable`).
    pub retryable: bool,
}

impl ErrorCodeInfo {
    /// A catalogue entry, as generated code declares it.
    pub const fn new(
        code: &'static str,
        http_status: u16,
        message: &'static str,
        retryable: bool,
    ) -> Self {
        Self {
            code,
            http_status,
            message,
            retryable,
        }
    }
}

/// Implemented by every generated error enum: the behaviour is here,
/// driven by the operation's table of documented codes.
pub trait OperationError: std::error::Error + Send + Sync + 'static {
    /// The codes the operation documents (entries of the spec's catalogue).
    const CODES: &'static [&'static ErrorCodeInfo];
    /// The service-wide codes any operation may return.
    const COMMON: &'static [&'static ErrorCodeInfo] = &[];

    /// The matching variant (or `Unknown`) for the service's answer.
    fn from_metadata(meta: ErrorMetadata) -> Self;
    /// The facts of the answer, whatever the variant.
    fn metadata(&self) -> &ErrorMetadata;

    /// The error code.
    fn code(&self) -> &str {
        &self.metadata().code
    }
    /// The HTTP status of the answer.
    fn http_status(&self) -> u16 {
        self.metadata().http_status
    }
    /// The `RequestId` of the answer, if the service gave one.
    fn request_id(&self) -> Option<&str> {
        self.metadata().request_id.as_deref()
    }
    /// The service's message (secrets masked).
    fn message(&self) -> &str {
        &self.metadata().message
    }

    /// The catalogue entry of the code, if the operation (or the service)
    /// documents it.
    fn info(&self) -> Option<&'static ErrorCodeInfo> {
        lookup(Self::CODES, Self::COMMON, self.code())
    }

    /// The documented message template (`%s` marks a value).
    fn message_template(&self) -> Option<&'static str> {
        self.info().map(|i| i.message)
    }

    /// The values that filled the template's `%s` slots, in order.
    fn template_args(&self) -> Option<Vec<String>> {
        template_args(self.message_template()?, &self.metadata().message)
    }

    /// Whether the spec marks the code retryable (the one place this is
    /// decided; the client also retries 5xx answers, see
    /// `client::retry::retry_service_error`).
    fn is_retryable(&self) -> bool {
        self.info().is_some_and(|i| i.retryable)
    }

    /// The documented error for `code` with its status and the template
    /// filled with `args` (for servers such as the emulator).
    fn from_code(code: &str, args: &[&str]) -> Self
    where
        Self: Sized,
    {
        let meta = match lookup(Self::CODES, Self::COMMON, code) {
            Some(e) => ErrorMetadata {
                code: e.code.to_string(),
                message: render_template(e.message, args),
                http_status: e.http_status,
                ..Default::default()
            },
            None => ErrorMetadata {
                code: code.to_string(),
                message: args.join(" "),
                http_status: 400,
                ..Default::default()
            },
        };
        Self::from_metadata(meta)
    }
}

/// The entry for `code` in an operation's table, then the common one.
pub fn lookup(
    own: &'static [&'static ErrorCodeInfo],
    common: &'static [&'static ErrorCodeInfo],
    code: &str,
) -> Option<&'static ErrorCodeInfo> {
    own.iter().chain(common).copied().find(|e| e.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_args_extracts_each_slot() {
        let t = "The quota of %s is exceeded for resource %s, usage %s/%s.";
        let m =
            "The quota of LoadBalancerCertificatesNum is exceeded for resource alb-1, usage 26/25.";
        assert_eq!(
            template_args(t, m).unwrap(),
            vec!["LoadBalancerCertificatesNum", "alb-1", "26", "25"]
        );
        assert_eq!(template_args(t, "something else"), None);
        assert_eq!(template_args("No slots.", "No slots."), Some(vec![]));
        assert_eq!(template_args("No slots.", "No slots. extra"), None);
    }

    #[test]
    fn render_then_parse_round_trips() {
        let t = "The status of %s [%s] is incorrect.";
        let m = render_template(t, &["Listener", "lsn-1"]);
        assert_eq!(m, "The status of Listener [lsn-1] is incorrect.");
        assert_eq!(template_args(t, &m).unwrap(), vec!["Listener", "lsn-1"]);
    }

    #[test]
    fn malformed_bodies_are_errors() {
        for body in [
            &b"<html>"[..],
            b"",
            b"{\"Code\":",
            b"[]",
            b"{\"Message\":\"x\"}",
            b"{\"Code\":{}}",
        ] {
            assert!(ErrorMetadata::from_body(500, body).is_err(), "{body:?}");
        }
        let m = ErrorMetadata::from_body(
            404,
            br#"{"Code":"ResourceNotFound.Listener","Message":"m","RequestId":"r","HostId":"h","Recommend":"u"}"#,
        )
        .unwrap();
        assert_eq!(m.code, "ResourceNotFound.Listener");
        assert_eq!(m.request_id.as_deref(), Some("r"));
        assert_eq!(m.recommend.as_deref(), Some("u"));
    }
}
