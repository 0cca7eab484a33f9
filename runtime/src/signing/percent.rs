//! RFC 3986 percent-encoding, as the official SDKs apply it when signing.
//!
//! Python's `urllib.parse.quote(s, safe='~', encoding='utf-8')` (what the
//! official Python SDK calls) leaves exactly the RFC 3986 unreserved set
//! untouched: `A-Z a-z 0-9 - _ . ~`. Everything else, `/` and space
//! included, is encoded byte by byte over the UTF-8 encoding as `%XX` with
//! uppercase hex digits. A space is `%20`, never `+`.

/// `UNRESERVED[b]`: whether byte `b` is in the RFC 3986 unreserved set.
static UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    t
};

/// Uppercase hex digits.
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `b` is in the RFC 3986 unreserved set (`A-Z a-z 0-9 - _ . ~`).
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// Percent-encodes `s` per RFC 3986: unreserved characters are kept, every
/// other UTF-8 byte becomes `%XX` (uppercase hex).
pub fn percent_encode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + s.len() / 2);
    encode_bytes(&mut out, s, false);
    utf8_string(out)
}

/// [`percent_encode`] appended to `out`. (The signers encode straight
/// into one byte buffer instead.)
pub fn percent_encode_into(out: &mut String, s: &str) {
    out.push_str(&percent_encode(s));
}

/// Appends the encoding of `s` to `out`, or with `twice`
/// `percent_encode(percent_encode(s))` in one pass (V1's string to sign
/// encodes the encoded query again): an unreserved byte is kept, any other
/// becomes `%XX`, or `%25XX` (the second encoding of `%XX`: the hex digits
/// are unreserved, only the `%` changes).
///
/// Bytes, not a `String`: the output is ASCII whatever `s` is, so the
/// signers build their query as bytes and check it once ([`utf8_string`]).
pub(crate) fn encode_bytes(out: &mut Vec<u8>, s: &str, twice: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]);
        if twice {
            out.extend_from_slice(&[b'%', b'2', b'5', hi, lo]);
        } else {
            out.extend_from_slice(&[b'%', hi, lo]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The string of a byte buffer made of [`encode_bytes`] output (ASCII)
/// and copies of whole strings: valid UTF-8, checked once here (anything
/// else would be replaced, never a panic).
pub(crate) fn utf8_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::{encode_bytes, percent_encode};

    fn percent_encode_twice_into(out: &mut String, s: &str) {
        let mut bytes = Vec::new();
        encode_bytes(&mut bytes, s, true);
        out.push_str(std::str::from_utf8(&bytes).unwrap());
    }

    #[test]
    fn twice_in_one_pass_is_encoding_the_encoding() {
        let mut samples: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        samples.extend(["é中😀", "a b/c=d&e%20", "", "Tag.1.Key"].map(String::from));
        for s in samples {
            let mut twice = String::new();
            percent_encode_twice_into(&mut twice, &s);
            assert_eq!(twice, percent_encode(&percent_encode(&s)), "{s:?}");
        }
    }

    #[test]
    fn every_byte_against_the_rfc() {
        for b in 0u8..128 {
            let c = char::from(b);
            let want = if c.is_ascii_alphanumeric() || "-_.~".contains(c) {
                c.to_string()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(percent_encode(&c.to_string()), want);
        }
    }

    #[test]
    fn empty() {
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn unreserved_kept() {
        let s = "ABCXYZabcxyz0189-_.~";
        assert_eq!(percent_encode(s), s);
    }

    #[test]
    fn space_is_percent_20_not_plus() {
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode(" "), "%20");
    }

    #[test]
    fn reserved_and_sub_delims_encoded() {
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("+"), "%2B");
        assert_eq!(percent_encode("/"), "%2F");
        assert_eq!(percent_encode("="), "%3D");
        assert_eq!(percent_encode("&"), "%26");
        assert_eq!(percent_encode("%"), "%25");
        assert_eq!(percent_encode("?"), "%3F");
        assert_eq!(percent_encode(":"), "%3A");
        assert_eq!(
            percent_encode("#[]@!$'(),;"),
            "%23%5B%5D%40%21%24%27%28%29%2C%3B"
        );
        assert_eq!(percent_encode("\"<>\\^`{|}"), "%22%3C%3E%5C%5E%60%7B%7C%7D");
    }

    #[test]
    fn control_characters() {
        assert_eq!(percent_encode("\0\t\n\r\x7f"), "%00%09%0A%0D%7F");
    }

    #[test]
    fn hex_is_uppercase() {
        assert_eq!(percent_encode("\u{00ff}"), "%C3%BF");
        assert_eq!(percent_encode("\x1f"), "%1F");
    }

    #[test]
    fn utf8_multibyte() {
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("中文"), "%E4%B8%AD%E6%96%87");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(percent_encode("\u{a0}"), "%C2%A0");
    }

    #[test]
    fn already_encoded_is_encoded_again() {
        assert_eq!(percent_encode("%20"), "%2520");
        assert_eq!(percent_encode(&percent_encode("a b")), "a%2520b");
    }

    #[test]
    fn typical_wire_values() {
        assert_eq!(
            percent_encode("Certificates.1.CertificateId"),
            "Certificates.1.CertificateId"
        );
        assert_eq!(
            percent_encode("2024-01-02T03:04:05Z"),
            "2024-01-02T03%3A04%3A05Z"
        );
        assert_eq!(percent_encode("HMAC-SHA1"), "HMAC-SHA1");
        assert_eq!(percent_encode("a=1&b=2"), "a%3D1%26b%3D2");
    }
}
