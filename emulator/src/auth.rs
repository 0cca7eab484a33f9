//! Request authentication, as the real endpoint does it: signature V1
//! (`HMAC-SHA1`, everything in the parameters) and V3 (`ACS3-HMAC-SHA256`,
//! an `Authorization` header), the timestamp window and nonce replay.
//!
//! The signatures are recomputed with the runtime's own canonicalization
//! steps (`alb_runtime::signing::{v1, v3}`), over what was received: every
//! parameter but `Signature` for V1; the query string and exactly the
//! headers named in `SignedHeaders`, with the hash of the received body, for V3.

// Errors are the runtime's `ErrorMetadata`, the answer itself; the cold
// path does not need boxing.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use alb_runtime::signing::{v1, v3, SignatureVersion};
use alb_runtime::ErrorMetadata;
use time::OffsetDateTime;

use crate::state::AccessKey;

/// How far a request's timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);
pub use crate::nonces::{NonceStore, NONCE_RETENTION};

/// What the authenticator needs to see of a request.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// `GET` or `POST` (part of both signatures).
    pub method: &'a str,
    /// Decoded query parameters, in the order received.
    pub query: &'a [(String, String)],
    /// Decoded form-body parameters.
    pub form: &'a [(String, String)],
    /// Headers with lowercase names.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn param(&self, name: &str) -> Option<&str> {
        // The form body wins over the query, a later value over an earlier one.
        self.form
            .iter()
            .rev()
            .chain(self.query.iter().rev())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A caller whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub access_key_id: String,
    pub signature_version: SignatureVersion,
    pub security_token: Option<String>,
}

/// A documented service-wide error.
pub fn common_error(code: &str, args: &[&str]) -> ErrorMetadata {
    use alb_runtime::OperationError;
    alb_sdk::CommonError::from_code(code, args)
        .metadata()
        .clone()
}

fn incomplete(detail: &str) -> ErrorMetadata {
    tracing::debug!(detail, "IncompleteSignature");
    common_error("IncompleteSignature", &[])
}

/// A V3 request with headers that route or identify it left out of
/// `SignedHeaders`: refused as the service refuses a malformed signature,
/// naming them.
fn unsigned_headers(names: &[&str]) -> ErrorMetadata {
    let mut e = common_error("IncompleteSignature", &[]);
    e.message = format!(
        "{} These headers must be signed (listed in SignedHeaders): {}.",
        e.message.trim_end(),
        names.join(", ")
    );
    e
}

fn missing(name: &str) -> ErrorMetadata {
    common_error("MissingParameter", &[name])
}

/// The wire timestamp format of both signature versions.
const TIMESTAMP: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

fn check_timestamp(value: &str, now: OffsetDateTime) -> Result<(), ErrorMetadata> {
    let parsed =
        time::PrimitiveDateTime::parse(value.trim(), TIMESTAMP).map_err(|_| ErrorMetadata {
            code: "InvalidTimeStamp.Format".into(),
            message: "Specified time stamp or date value is not well formatted.".into(),
            http_status: 400,
            ..Default::default()
        })?;
    let skew = (parsed.assume_utc() - now).abs();
    if skew > time::Duration::try_from(MAX_CLOCK_SKEW).unwrap_or(time::Duration::MAX) {
        return Err(common_error("InvalidTimeStamp.Expired", &[]));
    }
    Ok(())
}

fn find_key<'k>(keys: &'k [AccessKey], id: &str) -> Result<&'k AccessKey, ErrorMetadata> {
    let key = keys
        .iter()
        .find(|k| k.access_key_id == id)
        .ok_or_else(|| common_error("InvalidAccessKeyId.NotFound", &[]))?;
    if !key.enabled {
        return Err(common_error("InvalidAccessKeyId.Inactive", &[]));
    }
    Ok(key)
}

fn check_token(key: &AccessKey, token: Option<&str>) -> Result<Option<String>, ErrorMetadata> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match &key.security_tokens {
        Some(allowed) if !allowed.iter().any(|t| t == token) => {
            Err(common_error("InvalidSecurityToken.Expired", &[]))
        }
        _ => Ok(Some(token.to_string())),
    }
}

/// Authenticates a request. `nonces` is consulted only once the signature
/// is known to be right, so a forged request cannot burn a nonce.
pub fn authenticate(
    req: &Incoming,
    keys: &[AccessKey],
    nonces: &std::sync::Mutex<NonceStore>,
    now: OffsetDateTime,
) -> Result<Caller, ErrorMetadata> {
    let (caller, nonce) = match req.header("authorization") {
        Some(auth) => verify_v3(req, auth, keys, now)?,
        None => {
            let v1_keys = [
                "Signature",
                "AccessKeyId",
                "SignatureMethod",
                "SignatureNonce",
            ];
            if !v1_keys.iter().any(|k| req.param(k).is_some()) {
                return Err(incomplete(
                    "no Authorization header and no Signature parameter",
                ));
            }
            verify_v1(req, keys, now)?
        }
    };
    let fresh = nonces.lock().unwrap_or_else(|p| p.into_inner()).insert(
        &caller.access_key_id,
        &nonce,
        Instant::now(),
    );
    if !fresh {
        return Err(common_error("SignatureNonceUsed", &[]));
    }
    Ok(caller)
}

fn verify_v1(
    req: &Incoming,
    keys: &[AccessKey],
    now: OffsetDateTime,
) -> Result<(Caller, String), ErrorMetadata> {
    // Every parameter, the body's after the query's (a later value wins).
    let mut all: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in req.query.iter().chain(req.form.iter()) {
        all.insert(k, v);
    }
    let get = |name: &str| all.get(name).copied();
    for name in [
        "AccessKeyId",
        "Signature",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
    ] {
        if get(name).is_none_or(str::is_empty) {
            return Err(missing(name));
        }
    }
    let method = get("SignatureMethod").unwrap_or_default();
    if method != v1::SIGNATURE_METHOD {
        return Err(incomplete(&format!("unsupported SignatureMethod {method}")));
    }
    let version = get("SignatureVersion").unwrap_or_default();
    if version != v1::SIGNATURE_VERSION {
        return Err(incomplete(&format!(
            "unsupported SignatureVersion {version}"
        )));
    }
    let key = find_key(keys, get("AccessKeyId").unwrap_or_default())?;
    let token = check_token(key, get(alb_runtime::signing::SECURITY_TOKEN_PARAM))?;
    check_timestamp(get("Timestamp").unwrap_or_default(), now)?;

    let signed: Vec<(String, String)> = all
        .iter()
        .filter(|(k, _)| **k != v1::SIGNATURE_PARAM)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let canonical = v1::canonicalized_query(&signed);
    let string_to_sign = v1::string_to_sign(req.method, &canonical);
    let expected = v1::signature(&key.access_key_secret, &string_to_sign);
    if get(v1::SIGNATURE_PARAM) != Some(expected.as_str()) {
        return Err(common_error("SignatureDoesNotMatch", &[&string_to_sign]));
    }
    Ok((
        Caller {
            access_key_id: key.access_key_id.clone(),
            signature_version: SignatureVersion::V1,
            security_token: token,
        },
        get("SignatureNonce").unwrap_or_default().to_string(),
    ))
}

/// `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`.
struct Authorization<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, ErrorMetadata> {
    let value = value.trim();
    let (scheme, rest) = value
        .split_once(' ')
        .ok_or_else(|| incomplete("Authorization has no scheme"))?;
    if scheme != v3::ALGORITHM {
        return Err(incomplete(&format!("unsupported algorithm {scheme}")));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed_headers = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => {}
        }
    }
    match (credential, signed_headers, signature) {
        (Some(c), Some(h), Some(s)) if !c.is_empty() && !h.is_empty() && !s.is_empty() => {
            Ok(Authorization {
                credential: c,
                signed_headers: h,
                signature: s,
            })
        }
        _ => Err(incomplete(
            "Authorization lacks Credential, SignedHeaders or Signature",
        )),
    }
}

fn verify_v3(
    req: &Incoming,
    authorization: &str,
    keys: &[AccessKey],
    now: OffsetDateTime,
) -> Result<(Caller, String), ErrorMetadata> {
    let auth = parse_authorization(authorization)?;
    let date = req
        .header("x-acs-date")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("x-acs-date"))?;
    let nonce = req
        .header("x-acs-signature-nonce")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("x-acs-signature-nonce"))?;
    let key = find_key(keys, auth.credential)?;
    let token = check_token(key, req.header(alb_runtime::signing::SECURITY_TOKEN_HEADER))?;
    check_timestamp(date, now)?;

    // What routes the request and what makes it unique must be signed:
    // host and every x-acs-* header present (the action and version among
    // them). A header left out of the signature could be swapped in transit.
    let signed_names: Vec<String> = auth
        .signed_headers
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let mut unsigned: Vec<&str> = req
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| *name == "host" || name.starts_with("x-acs-"))
        .filter(|name| !signed_names.iter().any(|n| n == name))
        .collect();
    unsigned.dedup();
    if !unsigned.is_empty() {
        tracing::debug!(headers = ?unsigned, "V3 headers present but not signed");
        return Err(unsigned_headers(&unsigned));
    }

    // Exactly the headers the client says it signed, every value of each.
    let mut signed: Vec<(String, String)> = Vec::new();
    for name in auth.signed_headers.split(';') {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let mut any = false;
        for (k, v) in req.headers.iter().filter(|(k, _)| *k == name) {
            signed.push((k.clone(), v.clone()));
            any = true;
        }
        if !any {
            signed.push((name, String::new()));
        }
    }
    let mut query: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in req.query {
        query.insert(k, v);
    }
    let query: Vec<(String, String)> = query
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let canonical_query = v3::canonical_query_string(&query);
    let (canonical_headers, signed_list) = v3::canonical_headers(&signed);
    let canonical = v3::canonical_request(
        req.method,
        "/",
        &canonical_query,
        &canonical_headers,
        &signed_list,
        &v3::hashed_payload(req.body),
    );
    let string_to_sign = v3::string_to_sign(&canonical);
    let expected = v3::signature(&key.access_key_secret, &string_to_sign);
    if !auth.signature.eq_ignore_ascii_case(&expected) {
        // The canonical request lists the signed headers, the STS token's
        // among them: logged with secret values masked.
        let canonical = alb_runtime::redact::redact(&canonical);
        tracing::debug!(%canonical, "V3 signature mismatch");
        return Err(common_error("SignatureDoesNotMatch", &[&string_to_sign]));
    }
    Ok((
        Caller {
            access_key_id: key.access_key_id.clone(),
            signature_version: SignatureVersion::V3,
            security_token: token,
        },
        nonce.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alb_runtime::signing::{sign, SigningInput};
    use alb_runtime::Credentials;

    const AK: &str = crate::DEFAULT_ACCESS_KEY_ID;
    const SK: &str = crate::DEFAULT_ACCESS_KEY_SECRET;

    fn keys() -> Vec<AccessKey> {
        vec![AccessKey::new(AK, SK)]
    }

    fn now_str(offset: time::Duration) -> String {
        (OffsetDateTime::now_utc() + offset)
            .format(TIMESTAMP)
            .unwrap()
    }

    struct Signed {
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
    }

    fn signed(version: SignatureVersion, creds: &Credentials, ts: &str, nonce: &str) -> Signed {
        let params = vec![("ListenerId".to_string(), "lsn-1 x/é".to_string())];
        let s = sign(
            version,
            &SigningInput {
                action: "GetListenerAttribute",
                api_version: "2020-06-16",
                host: "127.0.0.1:1",
                params: &params,
                credentials: creds,
                timestamp: ts,
                nonce,
                user_agent: "test",
            },
        );
        Signed {
            query: s.query,
            headers: s.headers,
        }
    }

    fn run(s: &Signed, nonces: &std::sync::Mutex<NonceStore>) -> Result<Caller, ErrorMetadata> {
        authenticate(
            &Incoming {
                method: "POST",
                query: &s.query,
                form: &[],
                headers: &s.headers,
                body: b"",
            },
            &keys(),
            nonces,
            OffsetDateTime::now_utc(),
        )
    }

    #[test]
    fn both_versions_verify_and_nonces_are_single_use() {
        for v in [SignatureVersion::V1, SignatureVersion::V3] {
            let nonces = Default::default();
            let creds = Credentials::new(AK, SK);
            let s = signed(v, &creds, &now_str(time::Duration::ZERO), "n1");
            let caller = run(&s, &nonces).unwrap();
            assert_eq!(caller.signature_version, v);
            assert_eq!(run(&s, &nonces).unwrap_err().code, "SignatureNonceUsed");
        }
    }

    #[test]
    fn sts_token_is_accepted() {
        for v in [SignatureVersion::V1, SignatureVersion::V3] {
            let creds = Credentials::new(AK, SK).with_security_token("STS.token");
            let s = signed(v, &creds, &now_str(time::Duration::ZERO), "n");
            let caller = run(&s, &Default::default()).unwrap();
            assert_eq!(caller.security_token.as_deref(), Some("STS.token"));
        }
    }

    #[test]
    fn failures() {
        for v in [SignatureVersion::V1, SignatureVersion::V3] {
            let now = now_str(time::Duration::ZERO);
            let bad = signed(v, &Credentials::new(AK, "wrong"), &now, "n");
            let e = run(&bad, &Default::default()).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.http_status),
                ("SignatureDoesNotMatch", 400)
            );
            assert!(e.message.contains("server string to sign is:"), "{e}");

            let unknown = signed(v, &Credentials::new("nobody", SK), &now, "n");
            let e = run(&unknown, &Default::default()).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.http_status),
                ("InvalidAccessKeyId.NotFound", 404)
            );

            let stale = signed(
                v,
                &Credentials::new(AK, SK),
                &now_str(time::Duration::minutes(-16)),
                "n",
            );
            let e = run(&stale, &Default::default()).unwrap_err();
            assert_eq!(e.code, "InvalidTimeStamp.Expired");

            // A tampered parameter breaks the signature.
            let mut tampered = signed(v, &Credentials::new(AK, SK), &now, "n2");
            for (k, val) in tampered.query.iter_mut() {
                if k == "ListenerId" {
                    *val = "lsn-2".into();
                }
            }
            assert_eq!(
                run(&tampered, &Default::default()).unwrap_err().code,
                "SignatureDoesNotMatch"
            );
        }
        let none = Signed {
            query: vec![],
            headers: vec![],
        };
        assert_eq!(
            run(&none, &Default::default()).unwrap_err().code,
            "IncompleteSignature"
        );
    }

    #[test]
    fn v1_missing_parameter_and_v3_bad_header() {
        let mut s = signed(
            SignatureVersion::V1,
            &Credentials::new(AK, SK),
            &now_str(time::Duration::ZERO),
            "n",
        );
        s.query.retain(|(k, _)| k != "SignatureNonce");
        let e = run(&s, &Default::default()).unwrap_err();
        assert_eq!(e.code, "MissingParameter");
        assert!(e.message.contains("SignatureNonce"));

        for bad in [
            "Bearer x",
            "ACS3-HMAC-SHA256 Credential=a",
            "ACS3-HMAC-SM3 Credential=a,SignedHeaders=b,Signature=c",
            "",
        ] {
            let s = Signed {
                query: vec![],
                headers: vec![("authorization".into(), bad.into())],
            };
            let e = run(&s, &Default::default()).unwrap_err();
            assert_eq!(e.code, "IncompleteSignature", "{bad}");
        }
    }
}
