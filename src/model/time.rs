//! Timestamps: RFC 3339 parsing to integer nanoseconds since the Unix epoch, and human formatting.

/// Parses an RFC 3339 / ISO 8601 timestamp (`2025-06-06T11:31:33.965Z`, `...+00:00`, up to 9
/// fractional digits, years 0001-9999) into nanoseconds since 1970-01-01T00:00:00Z.
/// A missing zone is read as UTC, which is what Langfuse and LangSmith mean when they omit it.
pub fn parse_rfc3339_ns(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(part.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut frac_ns) = (0, 0, 0, 0i64);
    let mut i = 10;
    let mut offset_s = 0i64;
    if i < b.len() && (b[i] == b'T' || b[i] == b't' || b[i] == b' ') {
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        hour = num(i + 1..i + 3)?;
        minute = num(i + 4..i + 6)?;
        i += 6;
        if b.get(i) == Some(&b':') {
            second = num(i + 1..i + 3)?;
            i += 3;
        }
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &b[start..i];
            if digits.is_empty() {
                return None;
            }
            for (k, d) in digits.iter().take(9).enumerate() {
                frac_ns += i64::from(d - b'0') * 10i64.pow(8 - k as u32);
            }
        }
        match b.get(i) {
            None => {}
            Some(b'Z') | Some(b'z') => i += 1,
            Some(&sign @ (b'+' | b'-')) => {
                let oh = num(i + 1..i + 3)?;
                let om = if b.get(i + 3) == Some(&b':') {
                    let m = num(i + 4..i + 6)?;
                    i += 6;
                    m
                } else if i + 5 <= b.len() {
                    let m = num(i + 3..i + 5)?;
                    i += 5;
                    m
                } else {
                    i += 3;
                    0
                };
                offset_s = (oh * 3600 + om * 60) * if sign == b'+' { 1 } else { -1 };
            }
            Some(_) => return None,
        }
        if i != b.len() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
    } else if i != b.len() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    secs.checked_mul(1_000_000_000)?.checked_add(frac_ns)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats epoch nanoseconds as `2025-06-06 11:31:33.965 UTC` (milliseconds; UTC so that two
/// people looking at one shared trace read the same clock).
pub fn format_utc(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let ms = ns.rem_euclid(1_000_000_000) / 1_000_000;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{ms:03} UTC", sod / 3600, (sod / 60) % 60, sod % 60)
}

/// Formats epoch nanoseconds as RFC 3339 with all nine fractional digits
/// (`2025-06-06T11:31:33.965000000Z`), for files that must keep exact times.
pub fn format_rfc3339_ns(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let frac = ns.rem_euclid(1_000_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:09}Z", sod / 3600, (sod / 60) % 60, sod % 60)
}

/// Formats a duration compactly with a unit fit for its size, three significant digits:
/// `850ns`, `12.3µs`, `2.96ms`, `105ms`, `17.2s`, `6m 12s`, `1h 02m`. A value that would round up
/// to 1000 of its unit takes the next one (`999.7ms` is `1s`, not `1000ms`).
pub fn format_duration(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let n = ns.unsigned_abs();
    let f = n as f64;
    let body = if n < 1_000 {
        format!("{n}ns")
    } else if n < 999_500 {
        format!("{}µs", trim3(f / 1e3))
    } else if n < 999_500_000 {
        format!("{}ms", trim3(f / 1e6))
    } else if n < 59_950_000_000 {
        format!("{}s", trim3(f / 1e9))
    } else if n < 3_599_500_000_000 {
        // rounded to the nearest second, as the shorter units round
        let s = (n + 500_000_000) / 1_000_000_000;
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        let m = (n + 30_000_000_000) / 60_000_000_000;
        format!("{}h {:02}m", m / 60, m % 60)
    };
    format!("{sign}{body}")
}

/// Three significant digits, trailing zeros dropped.
fn trim3(v: f64) -> String {
    let s = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    super::units::trim_zeros(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_langfuse_and_langsmith_forms() {
        assert_eq!(parse_rfc3339_ns("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_ns("2025-06-06T11:31:33.965Z"), Some(1_749_209_493_965_000_000));
        assert_eq!(parse_rfc3339_ns("2024-10-11T20:58:20.695375+00:00"), Some(1_728_680_300_695_375_000));
        // same instant written in another zone
        assert_eq!(
            parse_rfc3339_ns("2024-10-11T22:58:20.695375+02:00"),
            parse_rfc3339_ns("2024-10-11T20:58:20.695375Z")
        );
        assert_eq!(parse_rfc3339_ns("2024-01-01T00:00:00.123456789Z"), Some(1_704_067_200_123_456_789));
        assert_eq!(parse_rfc3339_ns("2024-01-01T00:00:00"), Some(1_704_067_200_000_000_000));
    }

    #[test]
    fn extreme_years_do_not_overflow_or_panic() {
        // i64 nanoseconds span the years 1677-2262; beyond that a date is reported as unreadable,
        // never wrapped around to a wrong time
        assert_eq!(parse_rfc3339_ns("0001-01-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339_ns("9999-12-31T23:59:59Z"), None);
        assert!(parse_rfc3339_ns("1700-01-01T00:00:00Z").unwrap() < 0);
        assert!(parse_rfc3339_ns("2262-01-01T00:00:00Z").is_some());
    }

    #[test]
    fn rejects_garbage() {
        for s in ["", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "2024-01-01T1:00Z", "2024-01-01Tab:cd:efZ"] {
            assert_eq!(parse_rfc3339_ns(s), None, "{s}");
        }
    }

    #[test]
    fn formats_round_trip() {
        let ns = parse_rfc3339_ns("2025-06-06T11:31:33.965Z").unwrap();
        assert_eq!(format_utc(ns), "2025-06-06 11:31:33.965 UTC");
        assert_eq!(format_utc(-1_000_000), "1969-12-31 23:59:59.999 UTC");
    }

    #[test]
    fn durations_pick_units() {
        assert_eq!(format_duration(850), "850ns");
        assert_eq!(format_duration(12_345), "12.3µs");
        assert_eq!(format_duration(4_560_000), "4.56ms");
        assert_eq!(format_duration(1_000_000_000), "1s");
        assert_eq!(format_duration(125_000_000_000), "2m 05s");
        assert_eq!(format_duration(3_720_000_000_000), "1h 02m");
        assert_eq!(format_duration(-5), "-5ns");
        // three significant digits
        assert_eq!(format_duration(17_240_000_000), "17.2s");
        assert_eq!(format_duration(105_000_000), "105ms");
        assert_eq!(format_duration(2_961_000), "2.96ms");
        assert_eq!(format_duration(372_000_000_000), "6m 12s");
        // rounding up to the next unit, never `1000ms`
        assert_eq!(format_duration(999_700), "1ms");
        assert_eq!(format_duration(999_600_000), "1s");
        assert_eq!(format_duration(59_960_000_000), "1m 00s");
        assert_eq!(format_duration(999_400_000), "999ms");
        assert_eq!(format_duration(3_599_600_000_000), "1h 00m");
    }
}
