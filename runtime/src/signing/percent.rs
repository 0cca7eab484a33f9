//! RFC 3986 percent-encoding, as the official SDKs apply it when signing.
//!
//! Python's `urllib.parse.quote(s, safe='~', encoding='utf-8')` (what the
//! official Python SDK calls) leaves exactly the RFC 3986 unreserved set
//! untouched: `A-Z a-z 0-9 - _ . ~`. Everything else, `/` and space
//! included, is encoded byte by byte over the UTF-8 encoding as `%XX` with
//! uppercase hex digits. A space is `%20`, never `+`.

/// Whether `b` is in the RFC 3986 unreserved set (`A-Z a-z 0-9 - _ . ~`).
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes `s` per RFC 3986: unreserved characters are kept, every
/// other UTF-8 byte becomes `%XX` (uppercase hex).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    percent_encode_into(&mut out, s);
    out
}

/// [`percent_encode`] appending to `out`: building a query string this way
/// allocates once instead of once per key and value.
pub fn percent_encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut start = 0;
    // Runs of unreserved characters are copied whole.
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        // A non-empty run is ASCII, so both ends are char boundaries.
        if start < i {
            out.push_str(&s[start..i]);
        }
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

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
