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

/// A count with thousands separated: `1,234,567`.
pub fn format_count(n: usize) -> String {
    let digits = n.to_string();
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
        return "—".into();
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

/// Drops trailing zeros of a decimal (`1.50` → `1.5`, `2.00` → `2`).
pub(crate) fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn costs() {
        assert_eq!(format_cost(0.0), "$0");
        assert_eq!(format_cost(2.5e-05), "$0.000025");
        assert_eq!(format_cost(0.0010375), "$0.001038");
        assert_eq!(format_cost(0.0104), "$0.0104");
        assert_eq!(format_cost(1.234), "$1.23");
    }
}
