//! The scanners against `regex-lite` running the patterns they replace, on seeded random texts.

use super::*;

/// The regular expressions these scanners replace, run by `regex-lite` as the reference.
const EMAIL: &str = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}";
const PHONE: &str = r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,5}\b";
const CARD: &str = r"\b\d(?:[ -]?\d){12,18}\b";
const SECRET: &str = concat!(
    r"\b[Bb][Ee][Aa][Rr][Ee][Rr]\s+[A-Za-z0-9._~+/-]{8,}=*",
    r"|\b(?:sk|pk|rk)-(?:lf-|proj-|ant-)?[A-Za-z0-9_-]{16,}",
    r"|\bAKIA[0-9A-Z]{16}\b",
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}",
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}",
    r"|\bAIza[0-9A-Za-z_-]{35}",
    r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
);
const IP: &str = concat!(
    r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
    r"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b",
    r"|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?\b",
);

/// Texts made of `pieces` in a seeded random order, long enough to reach every quantifier.
fn texts(pieces: &[&str], n: usize) -> Vec<String> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let len = (next() % 24) as usize;
            (0..len).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect()
        })
        .collect()
}

fn same_as(pattern: &str, pieces: &[&str], scan: impl Fn(&[u8]) -> Vec<(usize, usize)>) {
    let re = regex_lite::Regex::new(pattern).unwrap();
    let mut hits = 0;
    for t in texts(pieces, 40_000) {
        let want: Vec<(usize, usize)> = re.find_iter(&t).map(|m| (m.start(), m.end())).collect();
        assert_eq!(scan(t.as_bytes()), want, "{t:?}");
        hits += want.len();
    }
    // the texts reach the pattern often enough for the comparison to mean something
    assert!(hits > 2_000, "{hits} matches");
}

#[test]
fn emails_match_the_old_pattern() {
    same_as(EMAIL, &["a", "Z", "9", ".", "-", "_", "+", "%", "@", "@", "co", "x.io", " ", "é", "..", "b1"], emails);
}

#[test]
fn phones_match_the_old_pattern() {
    let pieces =
        ["415-555-0132", "(030) 1234 5678", "+49.30.1234.5678", "123", "4567", " ", "-", "12", ".", "+1 ", "1"];
    let pieces = [&pieces[..], &["12345", "a", "é", "+", "(", ")", "_"]].concat();
    same_as(PHONE, &pieces, phones);
}

#[test]
fn cards_match_the_old_pattern_before_the_checksum() {
    same_as(CARD, &["4", "41", "4111", "1111 ", " ", "-", "a", "_", "1234-", "é"], |t| cards(t, false));
}

#[test]
fn cards_pass_the_luhn_checksum() {
    let luhn = |s: &str| {
        let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = d
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| if i % 2 == 1 { (d * 2) % 9 + 9 * u32::from(d == 9) } else { d })
            .sum();
        sum.is_multiple_of(10)
    };
    let mut passed = 0;
    for (n, t) in texts(&["0", "1", "4", "5", "7", "9", " "], 20_000).into_iter().enumerate() {
        let digits: String = t.chars().filter(char::is_ascii_digit).take(13 + n % 7).collect();
        let want = digits.len() >= 13 && luhn(&digits);
        passed += usize::from(want);
        assert_eq!(cards(digits.as_bytes(), true) == [(0, digits.len())], want, "{digits}");
    }
    assert!(passed > 500, "{passed}");
    assert_eq!(cards(b"card 4111 1111 1111 1111, 4111-1111-1111-1112", true), [(5, 24)]);
}

#[test]
fn ips_match_the_old_pattern() {
    let pieces = ["1", "25", "255", "256", "0", "01", ".", ":", "::", "fe80", "db8", "a", "g", "_", " ", "12345"];
    same_as(IP, &pieces, ips);
}

#[test]
fn secrets_match_the_old_pattern() {
    let pieces = [
        "Bearer",
        "bEaReR",
        " ",
        "\t",
        "sk-",
        "pk-",
        "proj-",
        "lf-",
        "eyJ",
        ".",
        "AKIA",
        "AIza",
        "ghp_",
        "xoxb-",
        "abcdefgh",
        "ABCD0123",
        "Zz9",
        "_",
        "-",
        "=",
        "/",
        "~",
        "é",
        "0123456789abcdef0123456789abcd",
    ];
    same_as(SECRET, &pieces, secrets);
}

#[test]
fn basic_credentials_and_private_keys_are_secrets() {
    let find = |s: &str| secrets(s.as_bytes()).into_iter().map(|(a, b)| s[a..b].to_string()).collect::<Vec<_>>();
    assert_eq!(find("Authorization: Basic dXNlcjpwYXNz"), ["Basic dXNlcjpwYXNz"]);
    assert_eq!(find("authorization: basic YWxhZGRpbjpvcGVuc2VzYW1l, ok"), ["basic YWxhZGRpbjpvcGVuc2VzYW1l"]);
    assert_eq!(find("h: Basic dTpwdw=="), ["Basic dTpwdw=="]);
    assert!(find("Basic information about Basic dXNlcm5hbWU (no colon)").is_empty());
    let pem = "k=-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK==\n-----END RSA PRIVATE KEY----- done";
    assert_eq!(find(pem), [&pem[2..pem.len() - 5]]);
    assert_eq!(find("-----BEGIN PRIVATE KEY-----\\nMIIE+/x= and"), ["-----BEGIN PRIVATE KEY-----\\nMIIE+/x= and"]);
    assert!(find("-----BEGIN PUBLIC KEY-----\nMIIB").is_empty());
}
