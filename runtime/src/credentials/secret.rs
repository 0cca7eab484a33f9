use std::fmt;

/// A string that must never be printed: `Debug` and `Display` show `** redacted **`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret value. Call sites are few and reviewed: signing and providers.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"** redacted **\"")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// The keyed HMAC states of an AccessKey secret, derived on first use: the
/// hash states after the key XOR ipad and XOR opad blocks. Signing clones
/// one instead of running the key schedule again (two hash blocks per
/// request). As sensitive as the secret: no `Debug`, and it is kept only
/// inside the [`Credentials`](super::Credentials) it was derived from.
#[derive(Clone, Default)]
pub(crate) struct SigningKeys {
    v1: std::sync::OnceLock<hmac::Hmac<sha1::Sha1>>,
    v3: std::sync::OnceLock<hmac::Hmac<sha2::Sha256>>,
}

impl SigningKeys {
    /// HMAC-SHA1 keyed with `secret + "&"` (signature V1).
    pub(crate) fn v1(&self, secret: &Secret) -> &hmac::Hmac<sha1::Sha1> {
        use hmac::Mac as _;
        self.v1.get_or_init(|| {
            let mut key = Vec::with_capacity(secret.0.len() + 1);
            key.extend_from_slice(secret.0.as_bytes());
            key.push(b'&');
            hmac::Hmac::new_from_slice(&key).expect("HMAC accepts any key length")
        })
    }

    /// HMAC-SHA256 keyed with the secret (signature V3).
    pub(crate) fn v3(&self, secret: &Secret) -> &hmac::Hmac<sha2::Sha256> {
        use hmac::Mac as _;
        self.v3.get_or_init(|| {
            hmac::Hmac::new_from_slice(secret.0.as_bytes()).expect("HMAC accepts any key length")
        })
    }
}
