//! Decoding `application/x-www-form-urlencoded` pairs (query strings and
//! form bodies). Lenient: malformed escapes are kept as they are, invalid
//! UTF-8 is replaced, nothing panics.

/// Splits `a=1&b=x+y&c` into decoded pairs (`+` is a space; a key without
/// `=` gets an empty value; empty segments are skipped).
pub(crate) fn parse_pairs(raw: &[u8]) -> Vec<(String, String)> {
    raw.split(|b| *b == b'&')
        .filter(|seg| !seg.is_empty())
        .map(|seg| {
            let (k, v) = match seg.iter().position(|b| *b == b'=') {
                Some(i) => (&seg[..i], &seg[i + 1..]),
                None => (seg, &[][..]),
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decodes one component, `+` meaning a space.
pub(crate) fn decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<(String, String)> {
        parse_pairs(s.as_bytes())
    }

    #[test]
    fn pairs() {
        assert_eq!(
            p("a=1&b=x+y&c&&d=%41%2b%20"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into()),
                ("d".into(), "A+ ".into())
            ]
        );
        assert_eq!(p(""), vec![]);
        assert_eq!(p("=v"), vec![("".into(), "v".into())]);
        assert_eq!(p("k=a=b"), vec![("k".into(), "a=b".into())]);
    }

    #[test]
    fn malformed_escapes_and_bytes() {
        assert_eq!(decode(b"%"), "%");
        assert_eq!(decode(b"%4"), "%4");
        assert_eq!(decode(b"%zz1"), "%zz1");
        assert_eq!(decode(b"a%"), "a%");
        assert_eq!(decode(b"%E4%B8%AD"), "中");
        assert_eq!(decode(b"%FF"), "\u{fffd}");
    }
}
