//! The properties the fuzz targets check (fuzz/fuzz_targets/{markdown,json_search,redaction}.rs
//! include this file), so a host test replays every finding with the very same checks.

use canopy::export::redact::{redact, Detector, Field, Pattern, Rules};
use canopy::export::{write, ExportFormat};
use canopy::import::load;
use canopy::model::fold::{find_folded, lower, lower_char};
use canopy::model::markdown::{events, Event, Tag, MAX_DEPTH};
use markdown_tree::Show;
use serde_json::value::RawValue;

mod markdown_tree;

/// The Markdown reader on any text: never a panic; every `Start` has its `End` and nesting stays
/// within `MAX_DEPTH`; the output is bounded by the input (pulldown-cmark caps what link
/// references and padded table cells add); and where nothing is cut by the depth cap, Canopy's
/// events mean what pulldown-cmark's own reading does (the tree of tests/markdown_spec.rs).
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let ev = events(&text);
    let (mut depth, mut deepest, mut bytes) = (0usize, 0usize, 0usize);
    for e in &ev {
        match e {
            Event::Start(tag) => {
                depth += 1;
                deepest = deepest.max(depth);
                assert!(depth <= MAX_DEPTH, "{depth} deep");
                if let Tag::Link(url) | Tag::Image(url) = tag {
                    bytes += url.len();
                }
            }
            Event::End => depth = depth.checked_sub(1).expect("an End with no Start"),
            Event::Text(t) | Event::Code(t) => bytes += t.len(),
            _ => {}
        }
    }
    assert_eq!(depth, 0, "a Start with no End");
    // a byte of input is at most a few events (`|` is a cell: two) and a few bytes (a tab in code
    // is up to four spaces); plus up to 2^18 padded cells and 100 kB of link references
    let n = text.len();
    assert!(ev.len() <= 8 * n + 4 * (1 << 18), "{} events from {n} bytes", ev.len());
    assert!(bytes <= 8 * n + 2 * 100_000, "{bytes} bytes of text from {n}");
    // the same meaning as the reference, unless the cap dropped an element
    let want = markdown_tree::reference(&text, true);
    if markdown_tree::depth(&want) <= MAX_DEPTH {
        let got = markdown_tree::canopy(&text);
        assert!(got == want, "{text:?}\n  reference {}\n  canopy    {}", Show(&want), Show(&got));
    }
}

/// The JSON viewer's search (`model::fold::find_folded`): whatever the text and query,
/// every match is a range on char boundaries of the text itself, non-empty, left to right and not
/// overlapping, that lower-cases to the query; and the matches are exactly the leftmost ones a
/// char-by-char search of the lower-cased text finds.
pub fn json_search(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    // "query NUL text", or else the text's first few chars as the query (so it is found)
    let (query, text) = match s.split_once('\0') {
        Some((q, t)) => (q.to_string(), t),
        None => (s.chars().take(1 + data.len() % 7).collect(), &*s),
    };
    let found = find_folded(text, &query);
    let q = lower(&query);
    let mut last = 0;
    for r in &found {
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{r:?} splits a char");
        assert!(last <= r.start && r.start < r.end, "{r:?} after {last}");
        assert_eq!(lower(&text[r.clone()]), q);
        last = r.end;
    }
    // the reference: one folded char per char of the text, leftmost matches first
    let needle: Vec<char> = query.chars().map(lower_char).collect();
    if needle.is_empty() || needle.len() > 64 {
        assert!(needle.len() > 64 || found.is_empty());
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().map(|(at, c)| (at, lower_char(c))).collect();
    let mut want = Vec::new();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        if chars[i..i + needle.len()].iter().map(|&(_, c)| c).eq(needle.iter().copied()) {
            let end = chars.get(i + needle.len()).map_or(text.len(), |&(at, _)| at);
            want.push(chars[i].0..end);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    assert_eq!(found, want);
}

struct Lite(regex_lite::Regex);

impl Pattern for Lite {
    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        self.0.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }
}

/// The host's regular-expression engine for user patterns (the page uses the browser's
/// `RegExp`, checked end to end in e2e/export); tests/redaction.rs uses it too.
pub fn lite(p: &str) -> Result<Box<dyn Pattern>, String> {
    regex_lite::Regex::new(p).map(|r| Box::new(Lite(r)) as Box<dyn Pattern>).map_err(|e| e.to_string())
}

/// One secret per detector, as tests/redaction.rs plants them.
const PLANTED: [(Detector, &str); 5] = [
    (Detector::Secret, "sk-proj-AbCdEf0123456789xyzSECRET"),
    (Detector::Email, "maria.garcia@example.com"),
    (Detector::Card, "4111 1111 1111 1111"),
    (Detector::Phone, "415-555-0132"),
    (Detector::Ip, "10.20.30.40"),
];

/// Redaction (`export::redact`, user patterns by `regex-lite` as in tests/redaction.rs): a
/// trace whose payload is the fuzzer's JSON (or its text as a string) next to planted secrets,
/// redacted with the detectors and options the first byte picks. Never a panic; every export
/// format opens again with every observation; and a planted secret whose detector is on is in no
/// export.
pub fn redaction(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let as_string = serde_json::to_string(&*text).expect("a string serializes");
    // the fuzzer's JSON as the input payload when it is JSON, else its text as a string
    let payload = match serde_json::from_str::<Box<RawValue>>(&text) {
        Ok(raw) => raw.get().to_string(),
        Err(_) => as_string.clone(),
    };
    let secrets: Vec<String> = PLANTED.iter().map(|(_, s)| serde_json::to_string(s).unwrap()).collect();
    let file = format!(
        r#"{{"trace":{{"id":"t","name":"fuzz","sessionId":"s1","userId":"u1"}},"observations":[{{"id":"a","name":"n","input":{payload},"output":[{as_string},{secrets}],"metadata":{{"text":{as_string},"key":{first}}}}}]}}"#,
        secrets = secrets.join(","),
        first = secrets[0],
    );
    let set = load("fuzz.json", file.as_bytes()).expect("the planted trace opens").set;
    let on: Vec<Detector> =
        PLANTED.iter().enumerate().filter(|(i, _)| pick & (1 << i) != 0).map(|(_, (d, _))| *d).collect();
    let mut rules = Rules { detectors: on.clone(), ..Default::default() };
    if pick & 0x20 != 0 {
        // a user pattern: the text's first few chars
        rules.patterns.push(text.chars().take(6).collect());
    }
    if pick & 0x40 != 0 {
        rules.fields = Field::ALL.to_vec();
    }
    if pick & 0x80 != 0 {
        rules.drop_attributes.push("*".into());
    }
    let Ok((clean, _report)) = redact(&set, &rules, lite) else { return };
    for format in ExportFormat::ALL {
        let out = write(&clean, format, Some(&rules.describe()));
        let again = load(&format!("again.{}", format.extension()), out.as_bytes())
            .unwrap_or_else(|e| panic!("{format:?} export does not open: {e}"));
        assert_eq!(again.set.observation_count(), set.observation_count(), "{format:?}");
        for (d, secret) in PLANTED {
            if on.contains(&d) {
                if let Some(at) = out.match_indices(secret).map(|(at, _)| at).find(|&at| !inside_escape(&out, at)) {
                    let (mut from, mut to) = (at.saturating_sub(80), (at + secret.len() + 40).min(out.len()));
                    while !out.is_char_boundary(from) {
                        from -= 1;
                    }
                    while !out.is_char_boundary(to) {
                        to += 1;
                    }
                    panic!("{format:?} export keeps {secret} with {d:?} on: …{}…", &out[from..to]);
                }
            }
        }
    }
}

/// Whether byte `at` of JSON text `out` is one of the four hex digits of a `\uXXXX` escape: a
/// planted `10.20.30.40` "found" in the escaped control character of `1\u0010.20.30.40` is
/// not the address (the text holds `1`, U+0010, `.20.30.40`).
fn inside_escape(out: &str, at: usize) -> bool {
    let b = out.as_bytes();
    (1..=4).any(|k| {
        at >= k + 2
            && b[at - k - 2] == b'\\'
            && b[at - k - 1] == b'u'
            && b.get(at - k..at - k + 4).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}
