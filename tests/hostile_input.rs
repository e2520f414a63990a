//! Hostile input never panics: truncations of every real fixture, deep nesting, huge numbers,
//! binary junk. Each gives a trace set or an error naming the file.
#![cfg(not(target_arch = "wasm32"))]

mod common;
mod fuzz_checks;

use canopy::import::load;
use canopy::model::hash::IdState;
use std::path::PathBuf;

#[test]
fn every_truncation_of_every_fixture_is_handled() {
    let files = common::shared_fixtures();
    assert!(files.len() >= 13, "fixtures found: {}", files.len());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        // 64 cut points per file, spread over its length (every byte for small files)
        let step = (bytes.len() / 64).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            match load("cut.json", &bytes[..cut]) {
                Ok(loaded) => assert!(!loaded.set.traces.is_empty()),
                Err(e) => assert!(e.to_string().starts_with("cut.json: "), "{e}"),
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(load("deep.json", deep.as_bytes()).is_err());
    let deep_obj =
        format!(r#"{{"trace":{{"id":"t","input":{}1{}}},"observations":[]}}"#, "[".repeat(50_000), "]".repeat(50_000));
    // a deep payload is kept raw and opens; decoding it for display stops at serde's depth limit
    // and falls back to showing the text
    let l = load("deep.json", deep_obj.as_bytes()).unwrap();
    let input = l.set.traces[0].input.as_ref().unwrap();
    assert!(matches!(input.decode(), canopy::model::Decoded::Text(t) if t.len() == 100_001));
}

#[test]
fn huge_numbers_and_out_of_range_times_do_not_wrap() {
    // a number no double holds, written as a JSON number: no reader can represent it, so the file
    // is refused, saying where
    let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"n",
        "startTimeUnixNano":"99999999999999999999999","endTimeUnixNano":1e400,
        "attributes":[{"key":"llm.token_count.total","value":{"intValue":"18446744073709551616"}}]}]}]}]}"#;
    let e = load("huge.json", body).unwrap_err();
    assert_eq!(e.to_string(), "huge.json: not valid JSON: line 2, column 77: number out of range");
    // out-of-range values as OTLP writes 64-bit numbers (strings) open, and none of them wraps
    let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"n",
        "startTimeUnixNano":"99999999999999999999999","endTimeUnixNano":"1e400",
        "attributes":[{"key":"llm.token_count.total","value":{"intValue":"18446744073709551616"}},
        {"key":"llm.token_count.prompt","value":{"intValue":"-3"}},
        {"key":"llm.token_count.completion","value":{"doubleValue":1e300}}]}]}]}]}"#;
    let l = load("huge.json", body).unwrap();
    let o = &l.set.traces[0].observations[0];
    assert_eq!((o.start_ns, o.end_ns), (0, None), "an unreadable start is placed at 0, an unreadable end is unknown");
    assert!(l.set.warnings.iter().any(|w| w.to_string().contains("no start time")), "{:?}", l.set.warnings);
    // a count past u64 or below 0 is no count (its attribute keeps the text); a huge float saturates
    assert_eq!((o.usage.total, o.usage.input, o.usage.output), (None, None, Some(u64::MAX)));
    let attr = |k: &str| o.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
    assert_eq!(attr("llm.token_count.total").as_deref(), Some("18446744073709551616"));
    assert_eq!(attr("llm.token_count.prompt").as_deref(), Some("-3"));
    // Langfuse: years at the ends of the calendar, a total of 1e300
    let lf = br#"{"trace":{"id":"t","timestamp":"9999-12-31T23:59:59Z"},"observations":[{"id":"a","startTime":"0001-01-01T00:00:00Z","usageDetails":{"total":1e300}}]}"#;
    let l = load("years.json", lf).unwrap();
    assert_eq!(l.set.traces[0].observations.len(), 1);
    assert_eq!(l.set.traces[0].observations[0].usage.total, Some(u64::MAX));
}

/// Seconds `small` and `large` take, each the best of three runs taken in turns (a busy moment
/// of the machine slows one run of each, never all runs of one).
fn growth<A, B>(mut small: impl FnMut() -> A, mut large: impl FnMut() -> B) -> (f64, f64) {
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        a = a.min(time(&mut || drop(std::hint::black_box(small()))));
        b = b.min(time(&mut || drop(std::hint::black_box(large()))));
    }
    (a, b)
}

/// The id hash as it was before it was keyed (b59faea): multiply-rotate from 0 over 8-byte words,
/// then MurmurHash3's finalizer; a `str` is its bytes and a 0xFF.
fn unkeyed_hash(s: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = 0u64;
    let mut words = s.as_bytes().chunks_exact(8);
    for w in &mut words {
        h = step(h, u64::from_le_bytes(w.try_into().unwrap()));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = step(h, u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
    }
    h = step(h, 0xff);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// `n` distinct ids of 16 ASCII bytes with one and the same unkeyed hash: the first 8 bytes count
/// up, the last 8 undo them (`rotl(h1, 5) ^ w2` held at one value), kept when they come out ASCII
/// (one in 256). What an attacker who read the source could write.
fn colliding_ids(n: usize) -> Vec<String> {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const HELD: u64 = 0x4142_4344_4546_4748;
    let mut ids = Vec::with_capacity(n);
    let mut j = 0u64;
    while ids.len() < n {
        let w1: [u8; 8] = std::array::from_fn(|i| b'@' + ((j >> (5 * i)) & 31) as u8);
        let h1 = u64::from_le_bytes(w1).wrapping_mul(K);
        let w2 = HELD ^ h1.rotate_left(5);
        if w2 & 0x8080_8080_8080_8080 == 0 {
            ids.push(String::from_utf8([w1, w2.to_le_bytes()].concat()).unwrap());
        }
        j += 1;
    }
    ids
}

#[test]
fn ids_crafted_to_collide_under_the_unkeyed_hash_spread_under_every_key() {
    use std::hash::BuildHasher;
    let ids = colliding_ids(100_000);
    // the attack is real: 100,000 ids, one unkeyed hash
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), ids.len());
    assert!(ids.iter().all(|id| unkeyed_hash(id) == unkeyed_hash(&ids[0])));
    let keyed = [IdState::with_seed(1), IdState::with_seed(2), IdState::new()];
    for state in keyed {
        // spread over 2^17 buckets as random ids would be
        let mut buckets = vec![0u32; 1 << 17];
        for id in &ids {
            buckets[(state.hash_one(id.as_str()) as usize) & ((1 << 17) - 1)] += 1;
        }
        let worst = buckets.iter().copied().max().unwrap_or(0);
        assert!(worst <= 10, "{state:?}: a bucket got {worst} of the ids");
    }
}

/// A trace of `ids`, each the child of the one at half its index (a tree of depth log n).
fn trace_of(ids: &[String]) -> (canopy::model::Trace, Vec<canopy::model::Warning>) {
    use canopy::model::{Kind, Observation, Trace};
    let obs = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut o = Observation::new(id.clone(), Kind::Span, "n", i as i64);
            o.parent_id = (i > 0).then(|| ids[(i - 1) / 2].clone());
            o
        })
        .collect();
    let mut warnings = Vec::new();
    (Trace::build("t".into(), obs, "crafted", &mut warnings), warnings)
}

#[test]
fn a_tree_of_ids_crafted_to_collide_builds_in_linear_time() {
    let ids = colliding_ids(100_000);
    let (t, warnings) = trace_of(&ids);
    // every parent found, every observation once
    assert_eq!((t.tree.orphans, t.tree.max_depth), (0, 16), "{warnings:?}");
    assert_eq!(t.tree.preorder.len(), ids.len());
    assert_eq!(t.tree.parent[ids.len() - 1] as usize, (ids.len() - 2) / 2);
    // 8 times the ids: 8 times the work if linear, 64 if every id lands in one bucket
    let (a, b) = growth(|| trace_of(&ids[..12_500]), || trace_of(&ids));
    assert!(b < 24.0 * a, "{a:.4} s for 12,500 ids, {b:.4} s for 100,000");
}

#[test]
fn binary_junk_is_refused_clearly() {
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let e = load("junk.bin", &junk).unwrap_err();
    assert!(e.to_string().starts_with("junk.bin: "), "{e}");
    let e = load("x.json", b"PK\x03\x04\x14\x00").unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.json: this is not a text file (it looks like a zip archive); Canopy opens JSON and OTLP protobuf trace files"
    );
}

#[test]
fn fuzz_findings_stay_fixed() {
    // inputs the fuzzer once crashed on (`make fuzz` copies them here); each must load or be refused
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for e in entries {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let _ = load("finding.json", &bytes);
        for format in canopy::import::Format::ALL {
            let _ = canopy::import::load_as("finding.json", &bytes, format);
        }
        // the targets of one part of the code, by the same checks as the fuzzer's
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let check: Option<fn(&[u8])> = match name.split('-').next() {
            Some("markdown") => Some(fuzz_checks::markdown),
            Some("json_search") => Some(fuzz_checks::json_search),
            Some("redaction") => Some(fuzz_checks::redaction),
            _ => None,
        };
        if let Some(check) = check {
            check(&bytes);
            continue;
        }
        // the `stream` target's inputs: a cut size, then bytes after a large OTLP start; read in
        // pieces they must open exactly as whole
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("stream-")) {
            let Some((&cut, tail)) = bytes.split_first() else { continue };
            let body = [stream_prefix().as_slice(), tail].concat();
            let shown = |r: Result<canopy::import::Loaded, canopy::import::LoadError>| match r {
                Ok(l) => String::from_utf8(canopy_text(&l)).unwrap(),
                Err(e) => e.to_string(),
            };
            let want = shown(load("f.json", &body));
            let mut s = canopy::import::Stream::new("f.json");
            let failed = body.chunks(1 + cut as usize * 37).find_map(|p| s.push(p).err());
            let got = shown(failed.map_or_else(|| s.finish(), Err));
            assert_eq!(got, want, "{}", path.display());
        }
    }
}

#[test]
fn the_fuzz_checks_hold_on_their_seeds() {
    // what `make fuzz` starts each target from passes, so a finding is the code's, not the check's
    let readme = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    fuzz_checks::markdown(&readme);
    fuzz_checks::markdown(b"*a [b](https://x.example) `c` <http://y.example>*\n\n> - ![i](http://z.example)");
    fuzz_checks::json_search("abc\0\u{23a}abc\u{1e9e} ABC".as_bytes());
    fuzz_checks::json_search("ẞtraße".as_bytes());
    for pick in [0x1f, 0xff, 0x00] {
        fuzz_checks::redaction(
            &[&[pick][..], br#"{"messages":[{"role":"user","content":"mail bob@example.org"}]}"#].concat(),
        );
        fuzz_checks::redaction(&[pick, b'x', 0xE9]);
    }
}

/// The start the `stream` fuzz target puts before its input (fuzz/fuzz_targets/stream.rs).
fn stream_prefix() -> Vec<u8> {
    let mut p = String::from(
        r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"f"},"spans":["#,
    );
    for i in 0..2000 {
        p.push_str(&format!(
            r#"{{"traceId":"0a","spanId":"{i:x}","name":"span {i} with some padding text to be long enough","startTimeUnixNano":"{i}","attributes":[{{"key":"input.value","value":{{"stringValue":"{}"}}}}]}},"#,
            "x".repeat(100)
        ));
    }
    p.into_bytes()
}

#[test]
fn every_importer_survives_every_other_formats_files() {
    // each fixture forced through every importer: wrong-shaped input is an error, never a panic
    for path in common::shared_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        for format in canopy::import::Format::ALL {
            if let Err(e) = canopy::import::load_as("forced.json", &bytes, format) {
                assert!(e.to_string().starts_with("forced.json: "));
            }
        }
    }
}

/// What a load shows, compared across encodings: the Canopy file of the traces.
fn canopy_text(l: &canopy::import::Loaded) -> Vec<u8> {
    canopy::export::write(&l.set, canopy::export::ExportFormat::Canopy, None).into_bytes()
}

#[test]
fn utf16_files_open_as_their_text() {
    for path in common::shared_fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(want) = load("f.json", &bytes) else { continue };
        let text = std::str::from_utf8(&bytes).unwrap();
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le_bom = [&[0xFF, 0xFE][..], &le].concat();
        let be_bom = [&[0xFE, 0xFF][..], &be].concat();
        for (what, body) in [("le", &le), ("be", &be), ("le+bom", &le_bom), ("be+bom", &be_bom)] {
            let got = load("f.json", body).unwrap_or_else(|e| panic!("{} {what}: {e}", path.display()));
            assert_eq!(canopy_text(&got), canopy_text(&want), "{} {what}", path.display());
            assert!(got.set.warnings[0].to_string().contains("UTF-16"));
        }
    }
    // half a character, or a lone surrogate, is refused with the reason
    let e = load("odd.json", &[0xFF, 0xFE, b'{', 0, b'}']).unwrap_err();
    assert!(e.to_string().starts_with("odd.json: the file looks UTF-16"), "{e}");
    let e = load("lone.json", &[0xFF, 0xFE, b'"', 0, 0x00, 0xD8, b'"', 0]).unwrap_err();
    assert!(e.to_string().contains("unpaired surrogate"), "{e}");
}

#[test]
fn bytes_that_are_not_utf8_are_replaced_not_refused() {
    // Latin-1 "café" inside a Langfuse trace: the trace opens, the byte shows as U+FFFD, a warning says why
    let body = b"{\"trace\":{\"id\":\"t\",\"name\":\"caf\xE9\"},\"observations\":[{\"id\":\"a\",\"name\":\"step\"}]}";
    let l = load("latin1.json", body).unwrap();
    assert_eq!(l.set.traces[0].name.as_deref(), Some("caf\u{FFFD}"));
    assert!(l.set.warnings.iter().any(|w| w.to_string().contains("not UTF-8")), "{:?}", l.set.warnings);
    // a file that is broken anyway says where, in the text as it was read
    let e = load("both.json", b"{\"trace\":{\"id\":\"caf\xE9\"").unwrap_err();
    assert_eq!(e.to_string(), "both.json: not valid JSON: line 1, column 23: EOF while parsing an object");
}

#[test]
fn a_50_mb_string_opens_and_stays_one_value() {
    let big = "x".repeat(50 << 20);
    let body = format!(r#"{{"trace":{{"id":"t"}},"observations":[{{"id":"a","name":"n","output":"{big}"}}]}}"#);
    let l = load("big.json", body.as_bytes()).unwrap();
    let out = l.set.traces[0].observations[0].output.as_ref().unwrap();
    assert!(matches!(out.decode(), canopy::model::Decoded::Text(t) if t.len() == 50 << 20));
}

#[test]
fn a_million_attributes_on_one_span_open() {
    let mut body = String::from(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"wide","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":["#,
    );
    for i in 0..1_000_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"key":"k{i}","value":{{"intValue":"{i}"}}}}"#));
    }
    body.push_str("]}]}]}]}");
    let l = load("wide.json", body.as_bytes()).unwrap();
    let o = &l.set.traces[0].observations[0];
    assert_eq!(o.name, "wide");
    assert_eq!(o.attributes.len(), 1_000_000);
    assert_eq!(o.attributes[999_999].value.display(), "999999");
}

/// One OTLP LLM span whose attributes are `keys` (string values), in the order given.
fn span_with(keys: impl Iterator<Item = (String, String)>) -> String {
    let mut body = String::from(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"llm","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"openinference.span.kind","value":{"stringValue":"LLM"}}"#,
    );
    for (k, v) in keys {
        body.push_str(&format!(r#",{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#));
    }
    body.push_str("]}]}]}]}");
    body
}

/// The input payload of the one span of `body`, as JSON.
fn input_of(body: &str) -> serde_json::Value {
    let l = load("wide.json", body.as_bytes()).unwrap();
    let input = l.set.traces[0].observations[0].input.as_ref().unwrap();
    serde_json::from_str(input.raw()).unwrap()
}

#[test]
fn two_hundred_thousand_flattened_keys_are_put_back_in_linear_time() {
    // messages written last to first: each key sorted into the object was a shift of all the others
    let messages = |n: usize| {
        span_with((0..n).rev().map(|i| (format!("llm.input_messages.{i}.message.content"), format!("m{i}"))))
    };
    let body = messages(200_000);
    let got = input_of(&body);
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 200_000);
    assert!(got.iter().enumerate().all(|(i, m)| m["content"] == format!("m{i}").as_str()), "{:?}", &got[..3]);
    // one message with 200,000 fields: an object in key order, the first value of a key kept
    let fields = |n: usize| {
        span_with(
            (0..n)
                .rev()
                .map(|i| (format!("llm.input_messages.0.message.f{i}"), format!("v{i}")))
                .chain([("llm.input_messages.0.message.f7".to_string(), "again".to_string())]),
        )
    };
    let got = input_of(&fields(200_000));
    let got = got[0].as_object().unwrap();
    let mut want: Vec<String> = (0..200_000).map(|i| format!("f{i}")).collect();
    want.sort();
    assert!(got.keys().eq(want.iter()), "fields in key order");
    assert_eq!(got["f7"], "v7");
    // 8 times the keys: 8 times the work if linear, 64 if quadratic
    for (what, make) in [("messages", &messages as &dyn Fn(usize) -> String), ("fields", &fields)] {
        let (small, large) = (make(25_000), make(200_000));
        let (a, b) = growth(|| load("wide.json", small.as_bytes()), || load("wide.json", large.as_bytes()));
        assert!(b < 24.0 * a, "{what}: {a:.3} s for 25,000 keys, {b:.3} s for 200,000");
    }
}

#[test]
fn negative_durations_and_colliding_ids_are_shown_not_dropped() {
    // end before start; the same id twice in one trace; a child of itself
    let body = br#"{"trace":{"id":"t"},"observations":[
        {"id":"a","name":"backwards","startTime":"2025-01-01T00:00:10Z","endTime":"2025-01-01T00:00:00Z"},
        {"id":"b","name":"first b","parentObservationId":"a","startTime":"2025-01-01T00:00:01Z"},
        {"id":"b","name":"second b","parentObservationId":"a","startTime":"2025-01-01T00:00:02Z"},
        {"id":"c","name":"own parent","parentObservationId":"c","startTime":"2025-01-01T00:00:03Z"}]}"#;
    let l = load("odd.json", body).unwrap();
    let t = &l.set.traces[0];
    assert_eq!(t.observations.len(), 4, "every observation is kept");
    let names: Vec<&str> = t.observations.iter().map(|o| o.name.as_str()).collect();
    assert!(names.contains(&"first b") && names.contains(&"second b") && names.contains(&"own parent"));
    let back = t.observations.iter().find(|o| o.name == "backwards").unwrap();
    assert!(back.end_ns < Some(back.start_ns), "the times are kept as written");
    assert_eq!(back.duration_ns(), Some(0), "no negative duration reaches the views");
    let said: Vec<String> = l.set.warnings.iter().map(|w| w.to_string()).collect();
    assert!(said.iter().any(|m| m.contains("1 observation ends before it starts")), "{said:?}");
    assert!(said.iter().any(|m| m.contains("an id already used")), "{said:?}");
}

#[test]
fn a_large_otlp_file_with_latin1_bytes_opens_the_same_in_pieces_and_whole() {
    // past the sniffing window the file is read span by span, never whole: bytes that are not
    // UTF-8 are replaced there too, whichever piece they fall in
    let span = r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"pad","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#;
    let mut body = String::from(r#"{"resourceSpans":[{"scopeSpans":[{"spans":["#);
    while body.len() < 400 << 10 {
        body.push_str(span);
        body.push(',');
    }
    let mut bytes = body.into_bytes();
    bytes.extend_from_slice(b"{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"c7ad6b7169203331\",\"name\":\"caf\xE9 cr\xE8me \xE2\x82\"}]}]}]}");
    let whole = load("big.json", &bytes).unwrap();
    let names: Vec<&str> = whole.set.traces[0].observations.iter().map(|o| o.name.as_str()).collect();
    assert!(names.contains(&"caf\u{FFFD} cr\u{FFFD}me \u{FFFD}"), "{:?}", &names[names.len() - 2..]);
    assert!(whole.set.warnings.iter().any(|w| w.to_string().contains("not UTF-8")));
    for piece in [1usize, 7, 4096, 65536] {
        let mut s = canopy::import::Stream::new("big.json");
        for p in bytes.chunks(piece) {
            s.push(p).unwrap();
        }
        let streamed = s.finish().unwrap();
        assert_eq!(canopy_text(&streamed), canopy_text(&whole), "pieces of {piece}");
        let said = |l: &canopy::import::Loaded| l.set.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(said(&streamed), said(&whole));
    }
}

/// The numbers for BENCHMARKS.md's rows on crafted input (not a check: `cargo test --release
/// --test hostile_input -- --ignored --nocapture crafted_input_growth`): seconds at n, 4n, 16n.
#[test]
#[ignore]
fn crafted_input_growth() {
    let mut rows: Vec<(String, Vec<(usize, f64)>)> = Vec::new();
    let mut row = |what: &str, sizes: [usize; 3], run: &dyn Fn(usize) -> Box<dyn FnMut()>| {
        let cells = sizes
            .iter()
            .map(|&n| {
                let mut f = run(n);
                let best = (0..3)
                    .map(|_| {
                        let start = std::time::Instant::now();
                        f();
                        start.elapsed().as_secs_f64()
                    })
                    .fold(f64::INFINITY, f64::min);
                (n, best)
            })
            .collect();
        rows.push((what.to_string(), cells));
    };
    for (what, unit) in
        [("markdown `<`", "<"), ("markdown `*a `", "*a "), ("markdown `[`", "["), ("markdown `[a](`", "[a](")]
    {
        row(what, [256 << 10, 1 << 20, 4 << 20], &|n| {
            let text = unit.repeat(n / unit.len());
            Box::new(move || drop(std::hint::black_box(canopy::model::markdown::events(&text))))
        });
    }
    row("flattened keys (messages, last first)", [50_000, 200_000, 800_000], &|n| {
        let body =
            span_with((0..n).rev().map(|i| (format!("llm.input_messages.{i}.message.content"), format!("m{i}"))));
        Box::new(move || drop(std::hint::black_box(load("wide.json", body.as_bytes()))))
    });
    let ids = colliding_ids(400_000);
    row("tree of ids colliding under the old hash", [25_000, 100_000, 400_000], &|n| {
        let ids = ids[..n].to_vec();
        Box::new(move || drop(std::hint::black_box(trace_of(&ids))))
    });
    for (what, cells) in rows {
        let cells: Vec<String> = cells.iter().map(|(n, s)| format!("n={n}: {:.1} ms", s * 1e3)).collect();
        println!("{what} | {}", cells.join(" | "));
    }
}
