//! Redaction of secrets in text the client surfaces or logs.
//!
//! The service echoes its string to sign in a `SignatureDoesNotMatch`
//! message; under V1 with STS credentials that string carries the
//! `SecurityToken` (percent-encoded once or twice), and a redirect's
//! `Location` may carry the signed query. The values of `SecurityToken`,
//! `x-acs-security-token` and `Signature` are replaced by `***` wherever they
//! appear as `key=value`, `key%3Dvalue`, `key%253Dvalue` or `key:value`; the
//! rest of the text is kept, since it helps to diagnose a canonicalisation
//! mismatch.

use std::borrow::Cow;

/// What a redacted value is replaced with.
pub const MASK: &str = "***";

/// Keys whose values are secret. Matched ignoring ASCII case, and only as
/// whole keys: `SignatureNonce=` and `SignatureMethod=` are left alone.
const SECRET_KEYS: &[&str] = &["x-acs-security-token", "SecurityToken", "Signature"];

/// Separators between a key and its value, longest first.
const SEPARATORS: &[&str] = &["%253D", "%253d", "%3D", "%3d", "=", ":"];

/// Where a value ends: the next parameter, header or quoted boundary.
const TERMINATORS: &[&str] = &[
    "%2526", "%26", "&", "\n", "\r", " ", "\"", "'", ",", ";", "<", ">", "\\n",
];

/// Replaces the values of secret parameters and headers in `text`.
pub fn redact(text: &str) -> Cow<'_, str> {
    if !SECRET_KEYS.iter().any(|k| contains_ignore_case(text, k)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        if let Some(value_start) = secret_value_start(text, i) {
            out.push_str(&text[i..value_start]);
            let end = value_end(text, value_start);
            if end > value_start {
                out.push_str(MASK);
            }
            i = end;
            continue;
        }
        // Copy one whole character.
        let len = utf8_len(bytes[i]);
        out.push_str(&text[i..(i + len).min(text.len())]);
        i += len;
    }
    Cow::Owned(out)
}

/// Also replaces every occurrence of the given secret values (and their
/// percent-encoded forms), then applies [`redact`].
pub fn redact_values(text: &str, secrets: &[&str]) -> String {
    let mut s = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        let once = crate::signing::percent_encode(secret);
        let twice = crate::signing::percent_encode(&once);
        for form in [twice.as_str(), once.as_str(), secret] {
            if s.contains(form) {
                s = s.replace(form, MASK);
            }
        }
    }
    redact(&s).into_owned()
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn starts_with_ignore_case(text: &str, at: usize, needle: &str) -> bool {
    text.as_bytes()
        .get(at..at + needle.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// If a secret key followed by a separator starts at `i`, where its value begins.
fn secret_value_start(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // A key starts a word (`MySignature=` is not a signature), or follows
    // an encoded `&` or `?`.
    let encoded_boundary = ["%26", "%2526", "%3F", "%253F"].iter().any(|b| {
        i >= b.len() && text.as_bytes()[i - b.len()..i].eq_ignore_ascii_case(b.as_bytes())
    });
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-') && !encoded_boundary
    {
        return None;
    }
    for key in SECRET_KEYS {
        if !starts_with_ignore_case(text, i, key) {
            continue;
        }
        let after = i + key.len();
        for sep in SEPARATORS {
            if text
                .as_bytes()
                .get(after..after + sep.len())
                .is_some_and(|w| w == sep.as_bytes())
            {
                return Some(after + sep.len());
            }
        }
    }
    None
}

fn value_end(text: &str, start: usize) -> usize {
    let mut j = start;
    while j < text.len() {
        if TERMINATORS.iter().any(|t| text[j..].starts_with(t)) {
            return j;
        }
        j += utf8_len(text.as_bytes()[j]);
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_secret_keys_are_masked_in_every_encoding() {
        let v1 = "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAI%26Action%3DX%26SecurityToken%3DSTS.abc%252Bdef%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dn1";
        let r = redact(v1);
        assert!(!r.contains("STS.abc"), "{r}");
        assert!(
            r.contains("SecurityToken%3D***%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dn1"),
            "{r}"
        );

        assert_eq!(
            redact("https://x/?A=1&Signature=abc%2Bd&SecurityToken=tok&B=2"),
            "https://x/?A=1&Signature=***&SecurityToken=***&B=2"
        );
        assert_eq!(
            redact("x-acs-security-token:tok123\nx-acs-signature-nonce:n"),
            "x-acs-security-token:***\nx-acs-signature-nonce:n"
        );
        assert_eq!(
            redact("a%253D1%2526securitytoken%253Dzz%2526b"),
            "a%253D1%2526securitytoken%253D***%2526b"
        );
        assert_eq!(
            redact("Credential=AK,SignedHeaders=a;b,Signature=deadbeef"),
            "Credential=AK,SignedHeaders=a;b,Signature=***"
        );
    }

    #[test]
    fn other_text_is_untouched() {
        for s in [
            "SignatureNonce=abc&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0",
            "The specified resource lsn-1 is not found.",
            "MySignature=1 NoSecurityToken",
            "",
            "中文 SecurityToken",
        ] {
            assert_eq!(redact(s), s);
        }
    }

    #[test]
    fn known_values_are_masked_too() {
        let r = redact_values("echo: STS.a/b+c and STS.a%2Fb%2Bc", &["STS.a/b+c"]);
        assert_eq!(r, "echo: *** and ***");
    }
}
