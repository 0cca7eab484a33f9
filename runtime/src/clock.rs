//! UTC timestamps, by hand: the signing timestamp (formatted on every
//! request, so without a general formatter), an HTTP date (`Retry-After`)
//! and an RFC 3339 time (credential expiry). Three formats do not justify a
//! date-time crate in every user's build.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `2024-01-01T12:00:00Z` (what both signature versions send), appended to
/// `out`. Times before 1970 format as the epoch.
pub fn push_timestamp(out: &mut String, at: SystemTime) {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let mut buf = [0u8; 20];
    let y = y.clamp(0, 9999) as u64;
    let digits = [
        (0, y / 1000),
        (1, y / 100 % 10),
        (2, y / 10 % 10),
        (3, y % 10),
        (5, mo / 10),
        (6, mo % 10),
        (8, d / 10),
        (9, d % 10),
        (11, h / 10),
        (12, h % 10),
        (14, mi / 10),
        (15, mi % 10),
        (17, s / 10),
        (18, s % 10),
    ];
    for (i, v) in digits {
        buf[i] = b'0' + v as u8;
    }
    buf[4] = b'-';
    buf[7] = b'-';
    buf[10] = b'T';
    buf[13] = b':';
    buf[16] = b':';
    buf[19] = b'Z';
    // Only ASCII digits and separators were written.
    out.push_str(std::str::from_utf8(&buf).unwrap_or("1970-01-01T00:00:00Z"));
}

/// The signing timestamp of `at` as a new string.
pub fn timestamp(at: SystemTime) -> String {
    let mut s = String::with_capacity(20);
    push_timestamp(&mut s, at);
    s
}

/// An IMF-fixdate HTTP date, `Wed, 21 Oct 2015 07:28:00 GMT` (RFC 9110
/// 5.6.7). The weekday is not checked against the date, as most parsers
/// do not.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let b = s.trim().as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    if !DAYS.contains(&&b[..3]) || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == &b[8..11])? as u64 + 1;
    let day = number(&b[5..7])?;
    let year = number(&b[12..16])?;
    let (h, mi, sec) = clock(&b[17..25])?;
    to_system_time(year, month, day, h, mi, sec, 0)
}

/// An RFC 3339 time: `2024-01-01T00:00:00Z`, with optional fractional
/// seconds and a `Z` or `±hh:mm` offset (`t` and `z` accepted too).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.trim().as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (number(&b[..4])?, number(&b[5..7])?, number(&b[8..10])?);
    let (h, mi, sec) = clock(&b[11..19])?;
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        for (i, c) in frac[..n].iter().enumerate().take(9) {
            nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &frac[n..];
    }
    let offset: i64 = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), hh @ ..] if hh.len() == 5 && hh[2] == b':' => {
            let m = (number(&hh[..2])? * 60 + number(&hh[3..])?) as i64 * 60;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    let local = to_system_time(year, month, day, h, mi, sec, nanos)?;
    if offset >= 0 {
        local.checked_sub(Duration::from_secs(offset as u64))
    } else {
        local.checked_add(Duration::from_secs(offset.unsigned_abs()))
    }
}

fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, c| n * 10 + u64::from(c - b'0')))
}

/// `hh:mm:ss`.
fn clock(b: &[u8]) -> Option<(u64, u64, u64)> {
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((number(&b[..2])?, number(&b[3..5])?, number(&b[6..])?))
}

fn to_system_time(
    year: u64,
    month: u64,
    day: u64,
    h: u64,
    mi: u64,
    sec: u64,
    nanos: u32,
) -> Option<SystemTime> {
    // A leap second (60) reads as the next second, as most parsers do.
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if h > 23 || mi > 59 || sec > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year as i64, month, day);
    let secs = days as u64 * 86_400 + h * 3600 + mi * 60 + sec;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u64, d: u64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_the_signing_timestamp() {
        assert_eq!(timestamp(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(at(1_445_412_480)), "2015-10-21T07:28:00Z");
        assert_eq!(timestamp(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(timestamp(at(4_107_542_399)), "2100-02-28T23:59:59Z");
        assert_eq!(
            timestamp(UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn every_day_round_trips() {
        // Every day from 1970 to 2400, through both directions.
        for day in 0..157_000u64 {
            let t = at(day * 86_400 + 3_723);
            let s = timestamp(t);
            assert_eq!(parse_rfc3339(&s), Some(t), "{s}");
        }
    }

    #[test]
    fn parses_http_dates() {
        assert_eq!(
            parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(at(1_445_412_480))
        );
        for bad in [
            "Wed, 21 Oct 2015 07:28:00 UTC",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed, 31 Feb 2015 07:28:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 24:28:00 GMT",
            "",
            "Wed, 21 Oct 2015 07:28:0x GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_rfc3339() {
        assert_eq!(
            parse_rfc3339("2015-10-21T07:28:00Z"),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_rfc3339(" 2015-10-21t07:28:00z "),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_rfc3339("2015-10-21T15:28:00+08:00"),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_rfc3339("2015-10-21T02:28:00-05:00"),
            Some(at(1_445_412_480))
        );
        assert_eq!(
            parse_rfc3339("2015-10-21T07:28:00.25Z"),
            Some(at(1_445_412_480) + Duration::from_millis(250))
        );
        for bad in [
            "2015-10-21T07:28:00",
            "2015-10-21 07:28Z",
            "2015-13-21T07:28:00Z",
            "2015-10-21T07:28:00.Z",
            "2015-10-21T07:28:00+0800",
            "yesterday",
            "2015-10-21T07:28:00ZZ",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
