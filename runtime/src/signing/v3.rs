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
    hex32,
    percent::{encode_bytes, utf8_string},
    provider_name, security_token, sorted_unique, HeaderValue, SigningInput, Sink, Steps,
    WireRequest, HTTP_METHOD, SECURITY_TOKEN_HEADER,
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
    let sorted = super::by_key(pairs);
    let mut out = Vec::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() * 2 + 2).sum());
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        encode_bytes(&mut out, v, false);
    }
    utf8_string(out)
}

/// The canonical headers (`name:value\n` per header, names lowercased and
/// sorted, values stripped, repeated names joined with `,` over sorted
/// values) and the signed headers list (`name;name;...`).
///
/// The official SDK signs every header it has set when it signs, so a
/// verifier passes exactly the headers named in `SignedHeaders`.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    // Sorted by name, then value: a repeated name's values are adjacent
    // and in order.
    let mut all: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.to_lowercase(), strip(value)))
        .collect();
    all.sort_unstable();
    let mut canonical = String::new();
    let mut signed = String::new();
    for (i, (name, value)) in all.iter().enumerate() {
        if i > 0 && all[i - 1].0 == *name {
            // The same header again: its value joins the line.
            canonical.push(',');
        } else {
            if i > 0 {
                canonical.push('\n');
                signed.push(';');
            }
            canonical.push_str(name);
            canonical.push(':');
            signed.push_str(name);
        }
        canonical.push_str(value);
    }
    if !all.is_empty() {
        canonical.push('\n');
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

pub(super) fn sign_wire<'a>(
    input: &SigningInput<'a>,
    steps: Option<&mut Steps>,
) -> WireRequest<'a> {
    let credentials = input.credentials;
    let params = sorted_unique(input.params);

    // The query sent: keys and values encoded. The canonical query encodes
    // only values: the same string when no key needs encoding (every ALB
    // parameter name), built apart otherwise.
    let mut query = Vec::with_capacity(
        params
            .iter()
            .map(|(k, v)| k.len() + v.len() * 3 / 2 + 2)
            .sum(),
    );
    let mut plain_keys = true;
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            query.push(b'&');
        }
        plain_keys &= k.bytes().all(super::percent::is_unreserved);
        encode_bytes(&mut query, k, false);
        query.push(b'=');
        encode_bytes(&mut query, v, false);
    }
    let query = utf8_string(query);
    let separate;
    let canonical_query = if plain_keys {
        query.as_str()
    } else {
        separate = canonical_query_string(&params);
        separate.as_str()
    };

    // Every header set before signing, sorted by name: all are signed.
    let token = security_token(credentials);
    let provider = provider_name(credentials);
    let borrowed = |v: &'a str| Some(HeaderValue::Borrowed(v));
    let all: [(&'static str, Option<HeaderValue<'a>>); 11] = [
        ("accept", Some(HeaderValue::Static(ACCEPT))),
        ("host", borrowed(input.host)),
        ("user-agent", borrowed(input.user_agent)),
        (
            "x-acs-accesskey-id",
            token.and(borrowed(credentials.access_key_id())),
        ),
        ("x-acs-action", borrowed(input.action)),
        (
            "x-acs-content-sha256",
            Some(HeaderValue::Static(EMPTY_BODY_SHA256)),
        ),
        (
            "x-acs-credentials-provider",
            provider.map(HeaderValue::Static),
        ),
        ("x-acs-date", borrowed(input.timestamp)),
        (SECURITY_TOKEN_HEADER, token.and_then(borrowed)),
        ("x-acs-signature-nonce", borrowed(input.nonce)),
        ("x-acs-version", borrowed(input.api_version)),
    ];
    let mut headers: Vec<(&'static str, HeaderValue<'a>)> = Vec::with_capacity(12);
    headers.extend(all.into_iter().filter_map(|(k, v)| Some((k, v?))));

    // `Authorization`, up to the signed headers list; the signature last.
    let mut authorization = String::with_capacity(256);
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(credentials.access_key_id());
    authorization.push_str(",SignedHeaders=");
    let signed_start = authorization.len();
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            authorization.push(';');
        }
        authorization.push_str(name);
    }

    // The canonical request, hashed as it is produced.
    let mut steps = steps;
    let mut canonical = Sink {
        mac: Sha256::new(),
        record: steps.as_deref_mut().map(|s| &mut s.canonical),
    };
    canonical.put(HTTP_METHOD);
    canonical.put("\n/\n");
    canonical.put(canonical_query);
    // The rest in one update (dozens of small ones cost more than a copy).
    let mut rest = String::with_capacity(640);
    rest.push('\n');
    for (name, value) in &headers {
        rest.push_str(name);
        rest.push(':');
        rest.push_str(strip(value.as_str()));
        rest.push('\n');
    }
    rest.push('\n');
    rest.push_str(&authorization[signed_start..]);
    rest.push('\n');
    rest.push_str(EMPTY_BODY_SHA256);
    canonical.put(&rest);
    let hashed = hex32(&canonical.mac.finalize());
    let hashed = std::str::from_utf8(&hashed).unwrap_or_default();

    let mut sts = Sink {
        mac: credentials.hmac_sha256().clone(),
        record: steps.as_deref_mut().map(|s| &mut s.string_to_sign),
    };
    sts.put(ALGORITHM);
    sts.put("\n");
    sts.put(hashed);
    let signature = hex32(&sts.mac.finalize().into_bytes());
    let signature = std::str::from_utf8(&signature).unwrap_or_default();
    authorization.push_str(",Signature=");
    authorization.push_str(signature);

    if let Some(steps) = steps {
        steps.signature = signature.to_owned();
        steps.query = params.into_owned();
    }
    headers.push(("authorization", HeaderValue::Owned(authorization)));
    WireRequest { query, headers }
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
