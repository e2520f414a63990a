//! Fuzzes opening a file piece by piece (`import::Stream`): whatever the bytes and however they
//! are cut, the result (traces or error) is the one `load` gives for the whole file. The input
//! follows a large valid OTLP request start, so the span-by-span reader (not the whole-file
//! fallback, used below the sniffing window) reads it.
#![no_main]

use canopy::import::{canopy as canopy_format, load, ImportError, LoadError, Loaded, Stream};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// `{"resourceSpans":[{"scopeSpans":[{"spans":[ … 2,000 spans …,` then the fuzzer's bytes.
fn prefix() -> &'static [u8] {
    static P: OnceLock<Vec<u8>> = OnceLock::new();
    P.get_or_init(|| {
        let mut p = String::from(r#"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"f"},"spans":["#);
        for i in 0..2000 {
            p.push_str(&format!(
                r#"{{"traceId":"0a","spanId":"{i:x}","name":"span {i} with some padding text to be long enough","startTimeUnixNano":"{i}","attributes":[{{"key":"input.value","value":{{"stringValue":"{}"}}}}]}},"#,
                "x".repeat(100)
            ));
        }
        p.into_bytes()
    })
}

/// The traces as Canopy's format, or the error; a shape error inside spans kept for a resource
/// written after them is worded by different serde types in the two readers, so only its line counts.
fn print(r: Result<Loaded, LoadError>) -> String {
    match r {
        Ok(l) => format!("{:?} {}", l.format, canopy_format::write(&l.set, None)),
        Err(LoadError { error: ImportError::Shape { line, .. }, .. }) => format!("shape error on line {line}"),
        Err(e) => format!("{e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, tail)) = data.split_first() else { return };
    let body = [prefix(), tail].concat();
    let want = print(load("f.json", &body));
    let mut s = Stream::new("f.json");
    let piece = 1 + cut as usize * 37;
    let mut failed = None;
    for p in body.chunks(piece) {
        if let Err(e) = s.push(p) {
            failed = Some(e);
            break;
        }
    }
    let got = match failed {
        Some(e) => print(Err(e)),
        None => print(s.finish()),
    };
    assert_eq!(got, want);
});
