//! Hostile input never panics: truncations of every real fixture, deep nesting, huge numbers,
//! binary junk. Each gives a trace set or an error naming the file.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::import::load;
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
    let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","name":"n",
        "startTimeUnixNano":"99999999999999999999999","endTimeUnixNano":1e400,
        "attributes":[{"key":"llm.token_count.total","value":{"intValue":"18446744073709551616"}}]}]}]}]}"#;
    match load("huge.json", body) {
        Ok(l) => {
            let o = &l.set.traces[0].observations[0];
            assert_eq!(o.start_ns, 0, "an unreadable start is placed at 0, with a warning");
            assert!(l.set.warnings.iter().any(|w| w.message.contains("no start time")));
        }
        Err(e) => assert!(e.to_string().starts_with("huge.json: ")),
    }
    let lf = br#"{"trace":{"id":"t","timestamp":"9999-12-31T23:59:59Z"},"observations":[{"id":"a","startTime":"0001-01-01T00:00:00Z","usageDetails":{"total":1e300}}]}"#;
    let l = load("years.json", lf).unwrap();
    assert_eq!(l.set.traces[0].observations.len(), 1);
}

#[test]
fn binary_junk_is_refused_clearly() {
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let e = load("junk.bin", &junk).unwrap_err();
    assert!(e.to_string().starts_with("junk.bin: "), "{e}");
    let e = load("x.json", b"PK\x03\x04\x14\x00").unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.json: this is not a text file (it looks like a zip archive); Canopy opens JSON trace files"
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
            assert!(got.set.warnings[0].message.contains("UTF-16"));
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
    assert!(l.set.warnings.iter().any(|w| w.message.contains("not UTF-8")), "{:?}", l.set.warnings);
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
    let said: Vec<&str> = l.set.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("1 observation(s) end before they start")), "{said:?}");
    assert!(said.iter().any(|m| m.contains("repeat an id")), "{said:?}");
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
    assert!(whole.set.warnings.iter().any(|w| w.message.contains("not UTF-8")));
    for piece in [1usize, 7, 4096, 65536] {
        let mut s = canopy::import::Stream::new("big.json");
        for p in bytes.chunks(piece) {
            s.push(p).unwrap();
        }
        let streamed = s.finish().unwrap();
        assert_eq!(canopy_text(&streamed), canopy_text(&whole), "pieces of {piece}");
        let said = |l: &canopy::import::Loaded| l.set.warnings.iter().map(|w| w.message.clone()).collect::<Vec<_>>();
        assert_eq!(said(&streamed), said(&whole));
    }
}
