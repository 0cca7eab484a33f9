//! Fixed signing vectors produced once by the official Python SDK
//! (`python runtime/tests/python/sign_oracle.py --vectors >
//! runtime/tests/data/signing_vectors.json`), checked without Python.

use alb_runtime::signing::{sign, SignatureVersion, SigningInput};
use alb_runtime::Credentials;
use serde_json::Value;

const VECTORS: &str = include_str!("data/signing_vectors.json");

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("pairs array")
        .iter()
        .map(|p| {
            (
                p[0].as_str().expect("key").to_owned(),
                p[1].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

#[test]
fn official_sdk_vectors() {
    let data: Value = serde_json::from_str(VECTORS).expect("vectors JSON");
    let vectors = data["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 12, "only {} vectors", vectors.len());

    let mut seen = [[false; 2]; 2];
    for vector in vectors {
        let name = s(vector, "name");
        let input = &vector["input"];
        let expected = &vector["expected"];
        let version = match s(input, "version") {
            "v1" => SignatureVersion::V1,
            "v3" => SignatureVersion::V3,
            other => panic!("{name}: version {other}"),
        };
        let mut credentials =
            Credentials::new(s(input, "access_key_id"), s(input, "access_key_secret"));
        if let Some(token) = input["security_token"].as_str() {
            credentials = credentials.with_security_token(token);
        }
        seen[usize::from(version == SignatureVersion::V3)]
            [usize::from(credentials.security_token().is_some())] = true;
        let params = pairs(&input["params"]);
        let signing_input = SigningInput {
            action: s(input, "action"),
            api_version: s(input, "api_version"),
            host: s(input, "host"),
            params: &params,
            credentials: &credentials,
            timestamp: s(input, "timestamp"),
            nonce: s(input, "nonce"),
            user_agent: s(input, "user_agent"),
        };
        let signed = sign(version, &signing_input);

        assert_eq!(signed.method, "POST", "{name}");
        assert!(signed.body.is_empty(), "{name}");
        assert_eq!(
            signed.canonical,
            s(expected, "canonical"),
            "{name}: canonical"
        );
        assert_eq!(
            signed.string_to_sign,
            s(expected, "string_to_sign"),
            "{name}: string_to_sign"
        );
        assert_eq!(
            signed.signature,
            s(expected, "signature"),
            "{name}: signature"
        );
        assert_eq!(
            sorted(signed.query.clone()),
            sorted(pairs(&expected["query"])),
            "{name}: query"
        );
        assert_eq!(
            sorted(signed.headers.clone()),
            sorted(pairs(&expected["headers"])),
            "{name}: headers"
        );
    }
    assert_eq!(
        seen, [[true; 2]; 2],
        "every version with and without a token"
    );
}

/// The shape of the two requests, independently of the vectors' values.
#[test]
fn request_shape() {
    let credentials = Credentials::new("LTAIid", "secret").with_security_token("tok+/=");
    let params = vec![
        ("ListenerId".to_owned(), "lsn-1".to_owned()),
        ("Certificates.1.CertificateId".to_owned(), "c 1".to_owned()),
    ];
    let input = SigningInput {
        action: "AssociateAdditionalCertificatesWithListener",
        api_version: "2020-06-16",
        host: "alb.cn-hangzhou.aliyuncs.com",
        params: &params,
        credentials: &credentials,
        timestamp: "2024-01-02T03:04:05Z",
        nonce: "n1",
        user_agent: "ua",
    };

    let v3 = sign(SignatureVersion::default(), &input);
    assert_eq!(
        v3.query_string,
        "Certificates.1.CertificateId=c%201&ListenerId=lsn-1"
    );
    let names: Vec<&str> = v3.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "accept",
            "host",
            "user-agent",
            "x-acs-accesskey-id",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-credentials-provider",
            "x-acs-date",
            "x-acs-security-token",
            "x-acs-signature-nonce",
            "x-acs-version",
            "authorization",
        ]
    );
    assert_eq!(v3.header("x-acs-credentials-provider"), Some("static_sts"));
    assert_eq!(v3.header("x-acs-security-token"), Some("tok+/="));
    assert_eq!(
        v3.header("authorization").unwrap(),
        format!(
            "ACS3-HMAC-SHA256 Credential=LTAIid,SignedHeaders=accept;host;user-agent;\
             x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;\
             x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature={}",
            v3.signature
        )
    );
    assert!(v3.canonical.starts_with(
        "POST\n/\nCertificates.1.CertificateId=c%201&ListenerId=lsn-1\naccept:application/json\n"
    ));
    assert!(v3.canonical.ends_with(
        "\n\naccept;host;user-agent;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;\
         x-acs-credentials-provider;x-acs-date;x-acs-security-token;x-acs-signature-nonce;\
         x-acs-version\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    ));

    let v1 = sign(SignatureVersion::V1, &input);
    let keys: Vec<&str> = v1.query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "Action",
            "Certificates.1.CertificateId",
            "Format",
            "ListenerId",
            "SecurityToken",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Timestamp",
            "Version",
            "Signature",
        ]
    );
    assert_eq!(v1.query_param("Format"), Some("json"));
    assert_eq!(v1.query_param("SecurityToken"), Some("tok+/="));
    assert_eq!(
        v1.query_string,
        format!(
            "{}&Signature={}",
            v1.canonical,
            alb_runtime::signing::percent_encode(&v1.signature)
        )
    );
    let header_names: Vec<&str> = v1.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        header_names,
        [
            "host",
            "user-agent",
            "x-acs-action",
            "x-acs-credentials-provider",
            "x-acs-version"
        ]
    );
    assert!(v1
        .string_to_sign
        .starts_with("POST&%2F&AccessKeyId%3DLTAIid%26"));
}
