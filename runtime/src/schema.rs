//! What a request may hold, as static data the generated crate declares
//! once per operation and per shape: fields, types, and every constraint
//! the spec states. [`crate::validation::validate`] checks flattened wire
//! parameters against it, on the client before any I/O and on a server
//! (the emulator) after receiving: one set of rules, both sides.

/// An object: a request's parameters, or a shape's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Object {
    /// The Rust type name, for messages.
    pub name: &'static str,
    /// The fields (an operation's `parameters`, a shape's `fields`).
    pub fields: &'static [Field],
    /// Rules between fields (conditional requirements, exclusions): the
    /// spec's `conditions`.
    pub conditions: &'static [Condition],
}

impl Object {
    /// An object without conditions.
    pub const fn new(name: &'static str, fields: &'static [Field]) -> Self {
        Self {
            name,
            fields,
            conditions: &[],
        }
    }

    /// Sets the rules between fields.
    pub const fn with_conditions(mut self, conditions: &'static [Condition]) -> Self {
        self.conditions = conditions;
        self
    }

    /// The field with wire name `name`.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// One field, by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The wire name (`name`).
    pub name: &'static str,
    /// The field must be given, and not empty (`required`).
    pub required: bool,
    /// Its type and constraints.
    pub ty: Ty,
    /// The value the service assumes when the field is absent, as the
    /// spec's `default` (text): a server fills it in.
    pub default: Option<&'static str>,
}

impl Field {
    /// An optional field without a default.
    pub const fn new(name: &'static str, ty: Ty) -> Self {
        Self {
            name,
            required: false,
            ty,
            default: None,
        }
    }

    /// Marks the field required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the service's default (as text).
    pub const fn default_value(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
}

/// The type of a value, with its constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// `type: string`, enums included.
    Str(&'static Str),
    /// `type: integer`.
    Int(&'static Int),
    /// A floating-point number (`type: number`).
    Number,
    /// `type: boolean`: `true` or `false` on the wire.
    Bool,
    /// `type: object` (or an object shape): its fields at `Parent.Field`.
    Object(&'static Object),
    /// `type: array`: items at `Name.1`, `Name.2`, ...
    List(&'static List),
}

/// A string without constraints.
pub const STR: Ty = Ty::Str(&Str::ANY);
/// A 32-bit integer without constraints.
pub const INT32: Ty = Ty::Int(&Int::I32);
/// A 64-bit integer without constraints.
pub const INT64: Ty = Ty::Int(&Int::I64);

/// A list and its item count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List {
    /// The items' type (`items`).
    pub item: Ty,
    /// Fewest items allowed when the list is given (`min_items`).
    pub min_items: Option<u32>,
    /// Most items allowed (`max_items`).
    pub max_items: Option<u32>,
}

/// Integer constraints (inclusive range) and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int {
    /// Smallest value allowed (`minimum`).
    pub min: Option<i64>,
    /// Largest value allowed (`maximum`).
    pub max: Option<i64>,
    /// 64-bit (`format: int64`); otherwise the value must fit 32 bits.
    pub int64: bool,
}

impl Int {
    /// An inclusive range (either end may be open).
    pub const fn range(mut self, min: Option<i64>, max: Option<i64>) -> Self {
        self.min = min;
        self.max = max;
        self
    }

    /// A 32-bit integer, any value.
    pub const I32: Int = Int {
        min: None,
        max: None,
        int64: false,
    };
    /// A 64-bit integer, any value.
    pub const I64: Int = Int {
        min: None,
        max: None,
        int64: true,
    };
}

/// String constraints. Lengths count characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Str {
    /// Fewest characters (`min_length`).
    pub min_len: Option<u32>,
    /// Most characters (`max_length`).
    pub max_len: Option<u32>,
    /// Only ASCII characters (`ascii_only`).
    pub ascii_only: bool,
    /// The value must be one of these, exact case (enums;
    /// `allowed_values`). Empty: any value.
    pub allowed: &'static [&'static str],
    /// The first character must be of these kinds (`first_char`).
    pub first: Option<Chars>,
    /// Every character must be of these kinds (`allowed_chars`).
    pub chars: Option<Chars>,
    /// The value must have this form (`format`).
    pub format: Option<Format>,
    /// The value must not start with any of these (exact case;
    /// `not_starts_with`).
    pub not_prefixes: &'static [&'static str],
    /// The value must not contain any of these (exact case;
    /// `not_contains`).
    pub not_contains: &'static [&'static str],
}

impl Str {
    /// A string without constraints, the start of every other.
    pub const ANY: Str = Str {
        min_len: None,
        max_len: None,
        ascii_only: false,
        allowed: &[],
        first: None,
        chars: None,
        format: None,
        not_prefixes: &[],
        not_contains: &[],
    };

    /// Lengths (either may be absent).
    pub const fn len(mut self, min: Option<u32>, max: Option<u32>) -> Self {
        self.min_len = min;
        self.max_len = max;
        self
    }
    /// Only ASCII characters.
    pub const fn ascii(mut self) -> Self {
        self.ascii_only = true;
        self
    }
    /// The value must be one of `values`.
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = values;
        self
    }
    /// The first character must be in `chars`.
    pub const fn first(mut self, chars: Chars) -> Self {
        self.first = Some(chars);
        self
    }
    /// Every character must be in `chars`.
    pub const fn chars(mut self, chars: Chars) -> Self {
        self.chars = Some(chars);
        self
    }
    /// The value must have `format`.
    pub const fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }
    /// The value must not start with any of `p`.
    pub const fn not_prefixes(mut self, p: &'static [&'static str]) -> Self {
        self.not_prefixes = p;
        self
    }
    /// The value must not contain any of `s`.
    pub const fn not_contains(mut self, s: &'static [&'static str]) -> Self {
        self.not_contains = s;
        self
    }
}

/// A set of characters: classes plus listed extra characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chars {
    /// Bits of [`Chars::UPPER`], [`Chars::LOWER`], [`Chars::DIGIT`], [`Chars::CJK`].
    pub classes: u8,
    /// Further characters allowed, e.g. `._-`.
    pub extra: &'static str,
}

impl Chars {
    /// `A`-`Z`.
    pub const UPPER: u8 = 1;
    /// `a`-`z`.
    pub const LOWER: u8 = 2;
    /// `0`-`9`.
    pub const DIGIT: u8 = 4;
    /// Chinese (CJK unified ideographs, extensions and compatibility ideographs).
    pub const CJK: u8 = 8;
    /// ASCII letters of both cases.
    pub const LETTER: u8 = Self::UPPER | Self::LOWER;

    /// A set of `classes` (bits, combined with `|`) plus the `extra`
    /// characters.
    pub const fn new(classes: u8, extra: &'static str) -> Self {
        Self { classes, extra }
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        (self.classes & Self::UPPER != 0 && c.is_ascii_uppercase())
            || (self.classes & Self::LOWER != 0 && c.is_ascii_lowercase())
            || (self.classes & Self::DIGIT != 0 && c.is_ascii_digit())
            || (self.classes & Self::CJK != 0 && is_cjk(c))
            || self.extra.contains(c)
    }

    /// The set in words, for messages (letters, digits, Chinese
    /// characters, `.`, `_`).
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match self.classes & Self::LETTER {
            Self::LETTER => parts.push("letters".into()),
            Self::UPPER => parts.push("upper-case letters".into()),
            Self::LOWER => parts.push("lower-case letters".into()),
            _ => {}
        }
        if self.classes & Self::DIGIT != 0 {
            parts.push("digits".into());
        }
        if self.classes & Self::CJK != 0 {
            parts.push("Chinese characters".into());
        }
        for c in self.extra.chars() {
            parts.push(format!("`{c}`"));
        }
        parts.join(", ")
    }
}

/// CJK unified ideographs and their extensions, and compatibility ideographs.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EBEF | 0x2F800..=0x2FA1F | 0x30000..=0x3134F)
}

/// Formats a string may be required to have (the spec's `format` of a
/// string, whose value is named after each variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Dotted-quad IPv4 address (`ipv4`).
    Ipv4,
    /// IPv6 address (`ipv6`).
    Ipv6,
    /// IPv4 or IPv6 address (`ip`).
    Ip,
    /// IPv4 or IPv6 CIDR block (`10.0.0.0/8`, `2001:db8::/32`; `cidr`).
    Cidr,
    /// An address or a CIDR block, IPv4 or IPv6 (`ip_or_cidr`).
    IpOrCidr,
    /// A domain name; `*.` may lead (wildcard domains; `domain`).
    Domain,
    /// An `http://` or `https://` URL with a host (`url`).
    Url,
}

impl Format {
    /// What the format is, for messages (`an IPv4 address`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::Ip => "an IP address",
            Format::Cidr => "a CIDR block",
            Format::IpOrCidr => "an IP address or a CIDR block",
            Format::Domain => "a domain name",
            Format::Url => "an http(s) URL",
        }
    }

    /// Whether `v` has the format.
    pub fn matches(self, v: &str) -> bool {
        use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
        let cidr = |v: &str| match v.split_once('/') {
            Some((addr, bits)) if !bits.is_empty() && bits.bytes().all(|b| b.is_ascii_digit()) => {
                let Ok(bits) = bits.parse::<u8>() else {
                    return false;
                };
                match addr.parse::<IpAddr>() {
                    Ok(IpAddr::V4(_)) => bits <= 32,
                    Ok(IpAddr::V6(_)) => bits <= 128,
                    Err(_) => false,
                }
            }
            _ => false,
        };
        match self {
            Format::Ipv4 => v.parse::<Ipv4Addr>().is_ok(),
            Format::Ipv6 => v.parse::<Ipv6Addr>().is_ok(),
            Format::Ip => v.parse::<IpAddr>().is_ok(),
            Format::Cidr => cidr(v),
            Format::IpOrCidr => v.parse::<IpAddr>().is_ok() || cidr(v),
            Format::Domain => is_domain(v),
            Format::Url => {
                let rest = v
                    .strip_prefix("http://")
                    .or_else(|| v.strip_prefix("https://"));
                rest.is_some_and(|r| {
                    let host = r.split(['/', '?', '#']).next().unwrap_or_default();
                    !host.is_empty() && !host.contains(char::is_whitespace)
                })
            }
        }
    }
}

fn is_domain(v: &str) -> bool {
    let v = v.strip_prefix("*.").unwrap_or(v);
    let v = v.strip_suffix('.').unwrap_or(v);
    !v.is_empty()
        && v.len() <= 253
        && v.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
        })
}

/// A rule between fields of one object (one entry of the spec's
/// `conditions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// `field` is required when `when` has one of `values` (for a boolean,
    /// `true` or `false`; empty `values`: whenever `when` is given). The
    /// spec's `required_if`.
    RequiredIf {
        /// The field that becomes required (`field`).
        field: &'static str,
        /// The field whose value decides (`when`).
        when: &'static str,
        /// The values of `when` that trigger it, compared ignoring ASCII
        /// case (`is`).
        values: &'static [&'static str],
    },
    /// At most one of these fields may be given (`exclusive`).
    Exclusive(&'static [&'static str]),
    /// At least one of these fields must be given (`one_required`).
    OneRequired(&'static [&'static str]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for (f, ok, bad) in [
            (Format::Ipv4, "10.0.0.1", "10.0.0.256"),
            (Format::Ipv6, "2001:db8::1", "10.0.0.1"),
            (Format::Ip, "::1", "host"),
            (Format::Cidr, "10.0.0.0/8", "10.0.0.0/33"),
            (Format::Cidr, "2001:db8::/128", "2001:db8::"),
            (Format::IpOrCidr, "192.168.1.1", "192.168.1.1/"),
            (Format::IpOrCidr, "192.168.0.0/16", "x/16"),
            (Format::Domain, "*.example.com", "-bad.com"),
            (Format::Domain, "例子.com", "a..b"),
            (Format::Url, "https://example.com/path", "ftp://x"),
            (Format::Url, "http://a", "https://"),
        ] {
            assert!(f.matches(ok), "{f:?} {ok}");
            assert!(!f.matches(bad), "{f:?} {bad}");
        }
    }

    #[test]
    fn character_classes() {
        let name = Chars::new(Chars::LETTER | Chars::DIGIT | Chars::CJK, "._-");
        for c in ['a', 'Z', '5', '中', '.', '_', '-'] {
            assert!(name.contains(c), "{c}");
        }
        for c in [' ', '/', 'é', '😀'] {
            assert!(!name.contains(c), "{c}");
        }
        assert_eq!(
            name.describe(),
            "letters, digits, Chinese characters, `.`, `_`, `-`"
        );
    }
}
