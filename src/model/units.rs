//! Number formatting for tokens and cost, shared by every view.

/// `950`, `12.3k`, `4.56M` tokens.
pub fn format_tokens(n: u64) -> String {
    if n < 1_000 {
        n.to_string()
    } else if n < 1_000_000 {
        trim_zeros(format!("{:.1}", n as f64 / 1e3)) + "k"
    } else {
        trim_zeros(format!("{:.2}", n as f64 / 1e6)) + "M"
    }
}

/// A count with thousands separated: `1,234,567`. A `u64` (token sums can pass what `usize` holds
/// on wasm32); one copy of the code, not one per integer type.
pub fn format_count(n: u64) -> String {
    group(n.to_string())
}

/// Thousands separators in a count's digits (`1234` → `1,234`); any other text (a sign, a
/// fraction) as it is.
fn group(digits: String) -> String {
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// USD with enough digits to tell tiny per-call costs apart: `$0.000025`, `$0.0104`, `$1.23`.
pub fn format_cost(usd: f64) -> String {
    if !usd.is_finite() {
        return "–".into();
    }
    let a = usd.abs();
    let s = if a == 0.0 {
        "0".to_string()
    } else if a >= 1.0 {
        format!("{usd:.2}")
    } else if a >= 0.01 {
        format!("{usd:.4}")
    } else {
        // four significant digits
        let digits = (-a.log10().floor()) as usize + 3;
        trim_zeros(format!("{usd:.digits$}"))
    };
    format!("${s}")
}

/// A price per million tokens: `$2.50`, `$0.15`, `$0.075` (no more digits than it has).
pub fn format_price(usd: f64) -> String {
    if !usd.is_finite() {
        return "–".into();
    }
    if usd >= 1.0 {
        return format!("${usd:.2}");
    }
    let s = trim_zeros(format!("{usd:.6}"));
    // two decimals at least: `$0.1` reads as `$0.10`
    let (int, dec) = s.split_once('.').unwrap_or((s.as_str(), ""));
    format!("${int}.{dec:0<2}")
}

/// Drops trailing zeros of a decimal (`1.50` → `1.5`, `2.00` → `2`).
pub(crate) fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A number written as text (`"0.25"`, `" 12 "`, `"+1e3"`, `".5"`, `"5."`), read by the same
/// parser as the JSON numbers of every file (serde_json's), so a value means the same whether a
/// file wrote it as a number or as a string. Not `str::parse`: core's exact parser brings a 10 KB
/// table of powers of five into the wasm. `None` for anything else, infinities and NaN included.
pub fn parse_f64(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, t) = match t.as_bytes().first()? {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    // JSON forbids "05", ".5" and "5."; people's strings do not
    let int = int.trim_start_matches('0');
    let mut json = String::with_capacity(t.len() + 3);
    json.push_str(sign);
    json.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        json.push('.');
        json.push_str(frac);
    }
    if let Some(e) = exponent {
        json.push('e');
        json.push_str(e);
    }
    serde_json::from_str::<f64>(&json).ok()
}

/// "1 thing", "2 things", "1,024 things": a count with its noun, never a bracketed plural.
pub fn plural<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    // the generic part only writes the number: the rest is one copy for every integer type
    with_word(group(n.to_string()), if n == N::from(1) { one } else { many })
}

fn with_word(mut number: String, word: &str) -> String {
    number.push(' ');
    number.push_str(word);
    number
}

/// "1.2 MB": a byte count for the status line and the progress bar.
pub fn human_bytes(n: usize) -> String {
    let f = n as f64;
    if f >= 1e9 {
        format!("{:.1} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.0} KB", f / 1e3)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn plurals_follow_the_count() {
        assert_eq!(plural(1usize, "observation", "observations"), "1 observation");
        assert_eq!(plural(0usize, "observation", "observations"), "0 observations");
        assert_eq!(plural(2i64, "span has", "spans have"), "2 spans have");
        assert_eq!(plural(-1i64, "span has", "spans have"), "-1 spans have");
        assert_eq!(plural(43_042usize, "call", "calls"), "43,042 calls");
        assert_eq!(plural(-1234i64, "step", "steps"), "-1234 steps", "a sign is left as it is");
    }

    use super::*;

    #[test]
    fn prices_per_million() {
        let cases =
            [(2.5, "$2.50"), (0.15, "$0.15"), (0.075, "$0.075"), (0.1, "$0.10"), (0.0, "$0.00"), (15.0, "$15.00")];
        for (usd, text) in cases {
            assert_eq!(format_price(usd), text);
        }
        assert_eq!(format_price(f64::NAN), "–");
    }

    #[test]
    fn tokens() {
        assert_eq!(format_tokens(950), "950");
        assert_eq!(format_tokens(12_340), "12.3k");
        assert_eq!(format_tokens(5_000), "5k");
        assert_eq!(format_tokens(4_560_000), "4.56M");
    }

    #[test]
    fn counts() {
        for (n, text) in [(0, "0"), (999, "999"), (1000, "1,000"), (54_321, "54,321"), (1_234_567, "1,234,567")] {
            assert_eq!(format_count(n), text);
        }
        // a token sum past what a 32-bit usize holds
        assert_eq!(format_count(5_000_000_000u64), "5,000,000,000");
        assert_eq!(format_count(43_042u64), "43,042");
    }

    #[test]
    fn costs() {
        assert_eq!(format_cost(0.0), "$0");
        assert_eq!(format_cost(2.5e-05), "$0.000025");
        assert_eq!(format_cost(0.0010375), "$0.001038");
        assert_eq!(format_cost(0.0104), "$0.0104");
        assert_eq!(format_cost(1.234), "$1.23");
    }

    #[test]
    fn numbers_in_text_read_like_json_numbers() {
        for (text, want) in [
            ("0.25", Some(0.25)),
            (" 12 ", Some(12.0)),
            ("+1e3", Some(1000.0)),
            ("-2.5E-3", Some(-0.0025)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("-.5", Some(-0.5)),
            ("007", Some(7.0)),
            ("0", Some(0.0)),
            ("-0", Some(-0.0)),
            ("1e400", None),
            ("inf", None),
            ("NaN", None),
            ("", None),
            (".", None),
            ("-", None),
            ("1.2.3", None),
            ("1e", None),
            ("12abc", None),
            ("0x10", None),
            ("1_000", None),
            ("--1", None),
        ] {
            assert_eq!(parse_f64(text), want, "{text:?}");
        }
        // the same value as the JSON number the text spells
        for text in ["0.1", "123456.789", "1.7976931348623157e308", "5e-324", "3.141592653589793"] {
            assert_eq!(parse_f64(text), serde_json::from_str::<f64>(text).ok(), "{text}");
        }
    }

    #[test]
    fn human_bytes_picks_the_unit() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500), "2 KB");
        assert_eq!(human_bytes(2_500_000), "2.5 MB");
        assert_eq!(human_bytes(3_210_000_000), "3.2 GB");
    }
}
