//! Signature V3: `ACS3-HMAC-SHA256`.
//!
//! What the official SDK's `do_request` sends for an RPC call: the API
//! parameters (and nothing else) in the query string, an empty body, and the
//! headers `host`, `x-acs-version`, `x-acs-action`, `user-agent`,
//! `x-acs-date`, `x-acs-signature-nonce`, `accept: application/json`,
//! `x-acs-content-sha256`, `x-acs-credentials-provider`, with STS also
//! `x-acs-accesskey-id` and `x-acs-security-token`. Every one of them is
//! signed; then `Authorization` is added.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{
    credentials_provider_name, dedup_sorted, percent_encode_into, security_token, SignedRequest,
    SigningInput, HTTP_METHOD, SECURITY_TOKEN_HEADER,
};

/// The algorithm name: the `Authorization` scheme and the first line of the
/// string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// hex(sha256("")), the hashed payload of the empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The `accept` header the official SDK sends (and signs).
pub const ACCEPT: &str = "application/json";

/// Python's `str.strip()`: trims what Python calls whitespace, which is
/// Rust's whitespace plus the separators U+001C..U+001F.
pub fn strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// The canonical query string, exactly as the official SDK builds it: pairs
/// sorted by key, `key=percent-encode(value)` joined with `&`.
///
/// Keys are not encoded (the SDK's `get_canonical_query_string` quotes only
/// values); every ALB parameter name is made of unreserved characters, so
/// this only matters for exotic names.
pub fn canonical_query_string(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() * 2 + 2).sum());
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        percent_encode_into(&mut out, v);
    }
    out
}

/// The canonical headers (`name:value\n` per header, names lowercased and
/// sorted, values stripped, repeated names joined with `,` over sorted
/// values) and the signed headers list (`name;name;...`).
///
/// The official SDK signs every header it has set when it signs, so a
/// verifier passes exactly the headers named in `SignedHeaders`.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut grouped: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for (name, value) in headers {
        grouped
            .entry(name.to_lowercase())
            .or_default()
            .push(strip(value));
    }
    let mut canonical = String::new();
    let mut signed = String::new();
    for (name, mut values) in grouped {
        values.sort_unstable();
        canonical.push_str(&name);
        canonical.push(':');
        canonical.push_str(&values.join(","));
        canonical.push('\n');
        if !signed.is_empty() {
            signed.push(';');
        }
        signed.push_str(&name);
    }
    (canonical, signed)
}

/// hex(sha256(body)).
pub fn hashed_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// `METHOD\nURI\nQUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nHASHED_PAYLOAD`.
///
/// `canonical_headers` ends with a newline, so a blank line follows it.
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    canonical_headers: &str,
    signed_headers: &str,
    hashed_payload: &str,
) -> String {
    format!(
        "{method}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{hashed_payload}"
    )
}

/// `ACS3-HMAC-SHA256\n` + hex(sha256(canonical request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// hex(HMAC-SHA256(secret, string to sign)).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=...,Signature=...`.
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

pub(super) fn sign(input: &SigningInput) -> SignedRequest {
    let credentials = input.credentials;

    let query = dedup_sorted(input.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut query_string =
        String::with_capacity(query.iter().map(|(k, v)| k.len() + v.len() * 2 + 2).sum());
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            query_string.push('&');
        }
        percent_encode_into(&mut query_string, k);
        query_string.push('=');
        percent_encode_into(&mut query_string, v);
    }

    let payload_hash = EMPTY_BODY_SHA256;
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), input.host.into()),
        ("x-acs-version".into(), input.api_version.into()),
        ("x-acs-action".into(), input.action.into()),
        ("user-agent".into(), input.user_agent.into()),
        ("x-acs-date".into(), input.timestamp.into()),
        ("x-acs-signature-nonce".into(), input.nonce.into()),
        ("accept".into(), ACCEPT.into()),
        ("x-acs-content-sha256".into(), payload_hash.into()),
    ];
    if let Some(provider) = credentials_provider_name(credentials) {
        headers.push(("x-acs-credentials-provider".into(), provider));
    }
    if let Some(token) = security_token(credentials) {
        headers.push((
            "x-acs-accesskey-id".into(),
            credentials.access_key_id().into(),
        ));
        headers.push((SECURITY_TOKEN_HEADER.into(), token.into()));
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));

    let canonical_query = canonical_query_string(&query);
    let (canonical_headers, signed_headers) = canonical_headers(&headers);
    let canonical = canonical_request(
        HTTP_METHOD,
        "/",
        &canonical_query,
        &canonical_headers,
        &signed_headers,
        payload_hash,
    );
    let string_to_sign = string_to_sign(&canonical);
    let signature = signature(credentials.access_key_secret(), &string_to_sign);
    headers.push((
        "authorization".into(),
        authorization(credentials.access_key_id(), &signed_headers, &signature),
    ));

    SignedRequest {
        method: HTTP_METHOD,
        query,
        query_string,
        headers,
        body: Vec::new(),
        canonical,
        string_to_sign,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn empty_body_hash() {
        assert_eq!(hashed_payload(b""), EMPTY_BODY_SHA256);
    }

    #[test]
    fn python_strip() {
        assert_eq!(strip("  a b \t\n"), "a b");
        assert_eq!(strip("\u{1c}\u{1f}x\u{a0}\u{3000}"), "x");
        assert_eq!(strip(""), "");
    }

    #[test]
    fn canonical_query_encodes_values_only() {
        let p = pairs(&[("b", "x y"), ("A", "1/2~"), ("a b", "")]);
        assert_eq!(canonical_query_string(&p), "A=1%2F2~&a b=&b=x%20y");
        assert_eq!(canonical_query_string(&[]), "");
    }

    #[test]
    fn canonical_headers_group_and_sort() {
        let h = pairs(&[("X-B", " 2 "), ("x-a", "1"), ("x-b", "1")]);
        let (c, s) = canonical_headers(&h);
        assert_eq!(c, "x-a:1\nx-b:1,2\n");
        assert_eq!(s, "x-a;x-b");
    }
}
