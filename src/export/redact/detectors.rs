//! The built-in detectors as hand-written scanners over bytes. Each finds its matches left to
//! right in one pass with bounded work per position (a failed attempt that read an unbounded run
//! skips past that run), so a crafted text costs linear time. They used to be regular expressions
//! run by the browser's `RegExp`, whose backtracking made the email pattern quadratic (80 KB
//! without an `@` took 10 s); the scanners keep those patterns' leftmost-first matches, which the
//! tests check against `regex-lite` running the old patterns.

/// `\w` in ASCII, as both `RegExp` (flag `u`, no `i`) and `regex-lite` read it.
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `\b` at `i`: a word byte on exactly one side.
fn boundary(t: &[u8], i: usize) -> bool {
    let before = i > 0 && t.get(i - 1).copied().is_some_and(word);
    let after = t.get(i).copied().is_some_and(word);
    before != after
}

/// Where the run of bytes in `class` starting at `i` ends.
fn run(t: &[u8], i: usize, class: impl Fn(u8) -> bool) -> usize {
    let mut e = i;
    while e < t.len() && class(t[e]) {
        e += 1;
    }
    e
}

/// Like `run`, but reads at most `max` bytes.
fn run_max(t: &[u8], i: usize, max: usize, class: impl Fn(u8) -> bool) -> usize {
    let mut e = i;
    while e < t.len() && e - i < max && class(t[e]) {
        e += 1;
    }
    e
}

fn at(t: &[u8], i: usize, b: u8) -> bool {
    t.get(i) == Some(&b)
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`, found from each `@`: the
/// local part is the run before it (never crossing the previous match), the domain the labels
/// after it up to the last one that starts with two letters.
pub fn emails(t: &[u8]) -> Vec<(usize, usize)> {
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let label = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let mut out = Vec::new();
    let (mut from, mut last) = (0, 0);
    while let Some(k) = t.get(from..).and_then(|rest| rest.iter().position(|&b| b == b'@')) {
        let at_sign = from + k;
        from = at_sign + 1;
        let mut start = at_sign;
        while start > last && local(t[start - 1]) {
            start -= 1;
        }
        if start == at_sign {
            continue;
        }
        let mut i = run(t, at_sign + 1, label);
        if i == at_sign + 1 {
            continue;
        }
        let mut end = None;
        while at(t, i, b'.') {
            let next = run(t, i + 1, label);
            if next == i + 1 {
                break;
            }
            let letters = run(t, i + 1, |b| b.is_ascii_alphabetic());
            if letters - (i + 1) >= 2 {
                end = Some(letters);
            }
            i = next;
        }
        if let Some(end) = end {
            out.push((start, end));
            last = end;
        }
    }
    out
}

/// `\b\d(?:[ -]?\d){12,18}\b` that passes the Luhn checksum (when `luhn`; card numbers pass, most
/// other digit runs do not): the longest such run from each start; a run that fails leaves the
/// next start free to match.
pub fn cards(t: &[u8], luhn: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if !digit(t[i]) || !boundary(t, i) {
            i += 1;
            continue;
        }
        // where each of up to 19 digits ends, one optional separator between two digits
        let mut ends = [0usize; 19];
        // Luhn sums of every prefix at once: a prefix of k digits doubles the digits whose place
        // from the left differs in parity from k; `sums[p][k]` doubles those of parity p
        let mut sums = [[0u32; 20]; 2];
        let mut n = 0;
        let mut j = i;
        loop {
            let d = u32::from(t[j] - b'0');
            let doubled = if d * 2 > 9 { d * 2 - 9 } else { d * 2 };
            // the digit's place from the left, from 1: odd places double in `sums[1]`
            let place_odd = n % 2 == 0;
            sums[1][n + 1] = sums[1][n] + if place_odd { doubled } else { d };
            sums[0][n + 1] = sums[0][n] + if place_odd { d } else { doubled };
            j += 1;
            ends[n] = j;
            n += 1;
            if n == 19 {
                break;
            }
            if t.get(j).copied().is_some_and(digit) {
                continue;
            }
            if matches!(t.get(j), Some(b' ' | b'-')) && t.get(j + 1).copied().is_some_and(digit) {
                j += 1;
                continue;
            }
            break;
        }
        // k even: odd places are doubled
        let passes = |k: usize| !luhn || sums[usize::from(k.is_multiple_of(2))][k].is_multiple_of(10);
        let found = (13..=n).rev().find(|&k| boundary(t, ends[k - 1]) && passes(k)).map(|k| ends[k - 1]);
        match found {
            Some(e) => {
                out.push((i, e));
                i = e;
            }
            None => i += 1,
        }
    }
    out
}

fn sep(t: &[u8], i: usize) -> bool {
    matches!(t.get(i), Some(b' ' | b'.' | b'-'))
}

/// `(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{3,5}\b`, trying its choices in
/// the order a backtracking engine does; every quantifier is bounded, so each start costs O(1).
pub fn phones(t: &[u8]) -> Vec<(usize, usize)> {
    let digits = |i: usize, max: usize| run_max(t, i, max, digit) - i;
    // the three groups after the area code
    let rest = |a: usize| -> Option<usize> {
        if !sep(t, a) {
            return None;
        }
        let b = a + 1;
        for l1 in (3..=digits(b, 4)).rev() {
            let c = b + l1;
            if !sep(t, c) {
                continue;
            }
            for l2 in (3..=digits(c + 1, 5)).rev() {
                let e = c + 1 + l2;
                if boundary(t, e) {
                    return Some(e);
                }
            }
        }
        None
    };
    let area = |p: usize| -> Option<usize> {
        if at(t, p, b'(') {
            (2..=digits(p + 1, 4)).rev().filter(|l| at(t, p + 1 + l, b')')).find_map(|l| rest(p + 2 + l))
        } else {
            (2..=digits(p, 4)).rev().find_map(|l| rest(p + l))
        }
    };
    let phone_at = |i: usize| -> Option<usize> {
        if at(t, i, b'+') {
            for l in (1..=digits(i + 1, 3)).rev() {
                let p = i + 1 + l;
                if sep(t, p) {
                    if let Some(e) = area(p + 1) {
                        return Some(e);
                    }
                }
                if let Some(e) = area(p) {
                    return Some(e);
                }
            }
        }
        area(i)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if matches!(t[i], b'+' | b'(' | b'0'..=b'9') {
            if let Some(e) = phone_at(i) {
                out.push((i, e));
                i = e;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The ends an IPv4 octet (`25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d`) can have at `p`, in the engine's order.
fn octets(t: &[u8], p: usize) -> Vec<usize> {
    let d = |k: usize| t.get(p + k).copied().filter(|b| digit(*b));
    let mut ends = Vec::with_capacity(5);
    match (d(0), d(1), d(2)) {
        (Some(b'2'), Some(b'5'), Some(b'0'..=b'5')) => ends.push(p + 3),
        (Some(b'2'), Some(b'0'..=b'4'), Some(_)) => ends.push(p + 3),
        (Some(b'1'), Some(_), Some(_)) => ends.push(p + 3),
        _ => {}
    }
    if matches!(d(0), Some(b'1'..=b'9')) && d(1).is_some() {
        ends.push(p + 2);
    }
    if d(0).is_some() {
        ends.push(p + 1);
    }
    ends
}

/// Four octets from `p` (`k` still to read), the last one ending on a word boundary.
fn ipv4(t: &[u8], p: usize, k: usize) -> Option<usize> {
    for e in octets(t, p) {
        if k == 1 {
            if boundary(t, e) {
                return Some(e);
            }
        } else if at(t, e, b'.') {
            if let Some(end) = ipv4(t, e + 1, k - 1) {
                return Some(end);
            }
        }
    }
    None
}

/// `[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,left}\b` from `p`, longest first, as an engine tries it.
fn ipv6_tail(t: &[u8], p: usize, left: usize) -> Option<usize> {
    for l in (1..=run_max(t, p, 4, hex) - p).rev() {
        let e = p + l;
        if left > 0 && at(t, e, b':') {
            if let Some(end) = ipv6_tail(t, e + 1, left - 1) {
                return Some(end);
            }
        }
        if boundary(t, e) {
            return Some(e);
        }
    }
    None
}

/// The IPv6 forms: eight groups, or one to six groups, `::` and up to six more.
fn ipv6(t: &[u8], i: usize) -> Option<usize> {
    // groups of one to four hex digits each followed by `:` (a longer run cannot be one)
    let mut p = i;
    let mut groups = 0;
    while groups < 7 {
        let e = run_max(t, p, 5, hex);
        if e == p || e - p > 4 || !at(t, e, b':') {
            break;
        }
        groups += 1;
        p = e + 1;
    }
    if groups == 7 {
        let e = run_max(t, p, 5, hex);
        if e > p && e - p <= 4 && boundary(t, e) {
            return Some(e);
        }
    }
    // `(?:h{1,4}:){1,6}:` needs the `::` right after the groups it took
    let mut p = i;
    let mut k = 0;
    while k < 6 {
        let e = run_max(t, p, 5, hex);
        if e == p || e - p > 4 || !at(t, e, b':') {
            break;
        }
        k += 1;
        p = e + 1;
        if at(t, p, b':') {
            return ipv6_tail(t, p + 1, 5).or_else(|| boundary(t, p + 1).then_some(p + 1));
        }
    }
    None
}

/// IPv4 addresses, then the two IPv6 forms, each starting on a word boundary.
pub fn ips(t: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if hex(t[i]) && boundary(t, i) {
            if let Some(e) = ipv4(t, i, 4).or_else(|| ipv6(t, i)) {
                out.push((i, e));
                i = e;
                continue;
            }
        }
        i += 1;
    }
    out
}

fn space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `Basic <base64>` whose base64 decodes to printable text holding a `:` (user:password), so
/// "Basic information" is left alone.
fn basic(t: &[u8], i: usize) -> Option<usize> {
    let s = run(t, i + 5, space);
    if s == i + 5 {
        return None;
    }
    let b64 = run(t, s, |b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    let end = run_max(t, b64, 2, |b| b == b'=');
    let decoded = base64(&t[s..b64])?;
    let printable = decoded.iter().all(|&b| b >= 0x20 && b != 0x7f);
    (b64 - s >= 4 && printable && decoded.contains(&b':') && std::str::from_utf8(&decoded).is_ok()).then_some(end)
}

/// Standard base64 without its padding; `None` when the length cannot be base64.
fn base64(s: &[u8]) -> Option<Vec<u8>> {
    let val = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (k, &b) in chunk.iter().enumerate() {
            n |= val(b)? << (18 - 6 * k);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// A PEM private key block, `-----BEGIN … PRIVATE KEY-----` to its `-----END …-----` (or, with
/// no end, to the end of the base64 body). `no_end_after` remembers a search for `-----END` that
/// found none, so many headers without an end cost one search.
fn pem(t: &[u8], i: usize, no_end_after: &mut usize) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    if !t.get(i..)?.starts_with(BEGIN) {
        return None;
    }
    let label_end = run_max(t, i + BEGIN.len(), 40, |b| b.is_ascii_uppercase() || b == b' ');
    if !t[..label_end].ends_with(b"PRIVATE KEY") || !t.get(label_end..)?.starts_with(b"-----") {
        return None;
    }
    let body = label_end + 5;
    if body < *no_end_after {
        if let Some(k) = t[body..].windows(END.len()).position(|w| w == END) {
            let close = body + k + END.len();
            let label = run_max(t, close, 40, |b| b.is_ascii_uppercase() || b == b' ');
            let dashes = run_max(t, label, 5, |b| b == b'-');
            return Some(if dashes - label == 5 { dashes } else { close });
        }
        *no_end_after = body;
    }
    Some(run(t, body, |b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\\') || space(b)))
}

/// API keys and tokens: PEM private keys, `Bearer` and `Basic` credentials, OpenAI/Anthropic/
/// Langfuse-style `sk-`/`pk-`/`rk-` keys, AWS access key ids, GitHub and Slack tokens, Google API
/// keys, JWTs.
pub fn secrets(t: &[u8]) -> Vec<(usize, usize)> {
    let starts = |i: usize, lit: &[u8]| t.get(i..).is_some_and(|r| r.starts_with(lit));
    let ci = |i: usize, lit: &[u8]| t.get(i..i + lit.len()).is_some_and(|r| r.eq_ignore_ascii_case(lit));
    // a JWT attempt that failed after reading its first run: no JWT starts before that run's end
    let mut jwt_skip = 0;
    let mut no_end_after = usize::MAX;
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let b = t[i];
        let found = if b == b'-' {
            pem(t, i, &mut no_end_after)
        } else if !word(b) || !boundary(t, i) {
            None
        } else {
            let mut found = None;
            if ci(i, b"bearer") {
                let s = run(t, i + 6, space);
                let e =
                    run(t, s, |b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'-'));
                if s > i + 6 && e - s >= 8 {
                    found = Some(run(t, e, |b| b == b'='));
                }
            } else if ci(i, b"basic") {
                found = basic(t, i);
            } else if (starts(i, b"sk-") || starts(i, b"pk-") || starts(i, b"rk-"))
                && run(t, i + 3, token) - (i + 3) >= 16
            {
                found = Some(run(t, i + 3, token));
            } else if starts(i, b"AKIA") {
                let e = run_max(t, i + 4, 16, |b| b.is_ascii_digit() || b.is_ascii_uppercase());
                found = (e - i == 20 && boundary(t, e)).then_some(e);
            } else if starts(i, b"gh")
                && matches!(t.get(i + 2), Some(b'p' | b'o' | b'u' | b's' | b'r'))
                && at(t, i + 3, b'_')
            {
                let e = run(t, i + 4, |b| b.is_ascii_alphanumeric());
                found = (e - (i + 4) >= 30).then_some(e);
            } else if starts(i, b"xox")
                && matches!(t.get(i + 3), Some(b'a' | b'b' | b'p' | b'r' | b's'))
                && at(t, i + 4, b'-')
            {
                let e = run(t, i + 5, |b| b.is_ascii_alphanumeric() || b == b'-');
                found = (e - (i + 5) >= 10).then_some(e);
            } else if starts(i, b"AIza") {
                let e = run_max(t, i + 4, 35, token);
                found = (e - i == 39).then_some(e);
            } else if starts(i, b"eyJ") && i >= jwt_skip {
                let e1 = run(t, i + 3, token);
                let part = |s: usize| -> Option<usize> {
                    let e = run(t, s, token);
                    (e - s >= 8).then_some(e)
                };
                found = (e1 - (i + 3) >= 8 && at(t, e1, b'.'))
                    .then(|| part(e1 + 1))
                    .flatten()
                    .filter(|&e2| at(t, e2, b'.'))
                    .and_then(|e2| part(e2 + 1));
                if found.is_none() {
                    jwt_skip = e1;
                }
            }
            found
        };
        match found {
            Some(e) if e > i => {
                out.push((i, e));
                i = e;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
#[path = "detectors_tests.rs"]
mod tests;
