//! Signature V1: `HMAC-SHA1`, signature version `1.0`.
//!
//! What the official SDK's `do_rpcrequest` sends: the common parameters
//! `Action`, `Format=json`, `Version`, `Timestamp`, `SignatureNonce`, the API
//! parameters, `SecurityToken` (STS only), `SignatureMethod=HMAC-SHA1`,
//! `SignatureVersion=1.0`, `AccessKeyId` and finally `Signature`, all in the
//! query string, with an empty body. Headers: `host`, `user-agent`,
//! `x-acs-action`, `x-acs-version`, `x-acs-credentials-provider` (none of
//! them signed).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::{
    percent::{encode_bytes, utf8_string},
    percent_encode, provider_name, security_token, sort_dedup, HeaderValue, SigningInput, Sink,
    Steps, WireRequest, HTTP_METHOD, SECURITY_TOKEN_PARAM,
};

/// `SignatureMethod` value.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
/// `SignatureVersion` value.
pub const SIGNATURE_VERSION: &str = "1.0";
/// `Format` value: the official SDK sends lowercase `json`.
pub const FORMAT: &str = "json";
/// The query parameter carrying the signature (not itself signed).
pub const SIGNATURE_PARAM: &str = "Signature";

/// `k=v&...` over the pairs sorted by key, keys and values RFC 3986-encoded.
///
/// A verifier passes every received query parameter except `Signature`.
pub fn canonicalized_query(pairs: &[(String, String)]) -> String {
    let sorted = super::by_key(pairs);
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// `METHOD&%2F&` + percent-encode(canonicalized query).
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    format!("{method}&%2F&{}", percent_encode(canonicalized_query))
}

/// base64(HMAC-SHA1(secret + "&", string to sign)).
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret.as_bytes());
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC accepts any key length");
    mac.update(string_to_sign.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

pub(super) fn sign_wire<'a>(
    input: &SigningInput<'a>,
    steps: Option<&mut Steps>,
) -> WireRequest<'a> {
    let credentials = input.credentials;
    let token = security_token(credentials);

    // The official SDK's insertion order, later entries replacing earlier
    // ones: common values, API parameters, then the credential values.
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(input.params.len() + 9);
    pairs.extend([
        ("Action", input.action),
        ("Format", FORMAT),
        ("Version", input.api_version),
        ("Timestamp", input.timestamp),
        ("SignatureNonce", input.nonce),
    ]);
    pairs.extend(input.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if let Some(token) = token {
        pairs.push((SECURITY_TOKEN_PARAM, token));
    }
    pairs.push(("SignatureMethod", SIGNATURE_METHOD));
    pairs.push(("SignatureVersion", SIGNATURE_VERSION));
    pairs.push(("AccessKeyId", credentials.access_key_id()));
    sort_dedup(&mut pairs);

    // The canonicalized query is the query string sent, before `Signature`.
    // The string to sign encodes it again: built beside it from the same
    // pairs (`&` and `=` become `%26` and `%3D`, every encoded byte's `%`
    // becomes `%25`), fed to the HMAC in blocks of about 1 KiB.
    let mut steps = steps;
    let mut sts = Sink {
        mac: credentials.hmac_sha1().clone(),
        record: steps.as_deref_mut().map(|s| &mut s.string_to_sign),
    };
    sts.put(HTTP_METHOD);
    sts.put("&%2F&");
    let size = pairs
        .iter()
        .map(|(k, v)| k.len() + v.len() * 3 / 2 + 2)
        .sum::<usize>();
    let mut query = Vec::with_capacity(size + 48);
    let mut twice = Vec::with_capacity(size.min(1024) + 256);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            query.push(b'&');
            twice.extend_from_slice(b"%26");
        }
        encode_bytes(&mut query, k, false);
        query.push(b'=');
        encode_bytes(&mut query, v, false);
        encode_bytes(&mut twice, k, true);
        twice.extend_from_slice(b"%3D");
        encode_bytes(&mut twice, v, true);
        if twice.len() >= 1024 {
            sts.put_bytes(&twice);
            twice.clear();
        }
    }
    sts.put_bytes(&twice);
    let digest = sts.mac.finalize().into_bytes();
    let mut b64 = [0u8; 28];
    let n = BASE64
        .encode_slice(digest, &mut b64)
        .expect("28 bytes hold the base64 of 20");
    let signature = std::str::from_utf8(&b64[..n]).unwrap_or_default();

    if let Some(steps) = steps {
        steps.canonical = utf8_string(query.clone());
        steps.signature = signature.to_owned();
        steps.query = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain([(SIGNATURE_PARAM.to_owned(), signature.to_owned())])
            .collect();
    }
    query.push(b'&');
    query.extend_from_slice(SIGNATURE_PARAM.as_bytes());
    query.push(b'=');
    encode_bytes(&mut query, signature, false);
    let query = utf8_string(query);

    let mut headers = Vec::with_capacity(5);
    headers.push(("host", HeaderValue::Borrowed(input.host)));
    headers.push(("user-agent", HeaderValue::Borrowed(input.user_agent)));
    headers.push(("x-acs-action", HeaderValue::Borrowed(input.action)));
    if let Some(provider) = provider_name(credentials) {
        headers.push(("x-acs-credentials-provider", HeaderValue::Static(provider)));
    }
    headers.push(("x-acs-version", HeaderValue::Borrowed(input.api_version)));
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
    fn canonicalized_query_sorts_and_encodes() {
        let p = pairs(&[("b", "x y"), ("A", "1/2"), ("a", "")]);
        assert_eq!(canonicalized_query(&p), "A=1%2F2&a=&b=x%20y");
        assert_eq!(canonicalized_query(&[]), "");
    }

    #[test]
    fn string_to_sign_encodes_twice() {
        assert_eq!(
            string_to_sign("POST", "A=1%2F2&b=x%20y"),
            "POST&%2F&A%3D1%252F2%26b%3Dx%2520y"
        );
    }

    #[test]
    fn documented_example() {
        // Example from Alibaba Cloud's V1 signature documentation
        // (secret "testsecret", GET DescribeRegions).
        let p = pairs(&[
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]);
        let sts = string_to_sign("GET", &canonicalized_query(&p));
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML\
             %26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\
             %26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            signature("testsecret", &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }
}
