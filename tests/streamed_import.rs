//! Opening a file piece by piece (`import::Stream`, as downloads and file reads arrive) gives the
//! same traces, warnings and errors as opening all its bytes at once (`import::load`).

mod common;

use canopy::import::{self, Format, Stream};

/// `bytes` given to a stream in pieces of `piece` bytes; the result printed for comparison.
fn streamed(name: &str, bytes: &[u8], piece: usize) -> (String, usize) {
    let mut s = Stream::new(name);
    let mut seen = 0;
    for p in bytes.chunks(piece) {
        if let Err(e) = s.push(p) {
            return (print(Err(e)), seen);
        }
        seen = seen.max(s.observations());
    }
    assert_eq!(s.bytes(), bytes.len());
    (print(s.finish()), seen)
}

/// Fails with where two long printed results first differ.
#[track_caller]
fn same(got: &str, want: &str, what: &str) {
    if got != want {
        let at = got.bytes().zip(want.bytes()).take_while(|(a, b)| a == b).count();
        let near = |s: &str| s.get(at.saturating_sub(150)..(at + 150).min(s.len())).unwrap_or("").to_string();
        panic!("{what}: differs at byte {at}\n got: …{}…\nwant: …{}…", near(got), near(want));
    }
}

fn whole(name: &str, bytes: &[u8]) -> String {
    print(import::load(name, bytes))
}

/// A load's result as text: the format, everything Canopy's own format keeps, and the warnings
/// (the model's debug print is not stable: it holds hash maps).
fn print(r: Result<import::Loaded, import::LoadError>) -> String {
    match r {
        Ok(l) => format!(
            "Ok({:?}, {} traces, {}, {:?})",
            l.format,
            l.set.traces.len(),
            import::canopy::write(&l.set, None),
            l.set.warnings
        ),
        Err(e) => format!("Err({e:?})"),
    }
}

#[test]
fn every_fixture_opens_the_same_in_pieces() {
    let files = common::every_fixture();
    assert!(files.len() > 20);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let want = whole(&name, &bytes);
        for piece in [1000, 1 << 16] {
            same(&streamed(&name, &bytes, piece).0, &want, &format!("{} in pieces of {piece}", f.display()));
        }
    }
}

/// The OTLP fixtures repeated into files larger than the sniffing window, so they are read span by
/// span: a list of requests (JSON) or many lines (JSON Lines).
fn large_otlp() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for f in common::every_fixture() {
        let bytes = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let Ok(loaded) = import::load(&name, &bytes) else { continue };
        let times = 400_000 / bytes.len() + 1;
        match loaded.format {
            Format::Otlp if bytes.trim_ascii_start().starts_with(b"{") => {
                let mut doc = b"[\n".to_vec();
                for i in 0..times {
                    if i > 0 {
                        doc.extend_from_slice(b",\n");
                    }
                    doc.extend_from_slice(bytes.trim_ascii());
                }
                doc.extend_from_slice(b"\n]\n");
                out.push((format!("{name} ×{times}"), doc));
            }
            Format::OtlpJsonLines => {
                let one = [bytes.trim_ascii(), b"\n"].concat();
                out.push((format!("{name} ×{times}"), one.repeat(times)));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn large_otlp_files_are_read_span_by_span_with_the_same_result() {
    let files = large_otlp();
    assert!(files.len() >= 5, "{}", files.len());
    for (name, bytes) in files {
        let want = whole(&name, &bytes);
        if !want.starts_with("Ok(") {
            continue; // e.g. Tempo's `{trace: …}` wrapper, which cannot be listed
        }
        for piece in [7, 4096, 1 << 16] {
            let (got, seen) = streamed(&name, &bytes, piece);
            same(&got, &want, &format!("{name} in pieces of {piece}"));
            // spans were counted while the bytes were still arriving
            assert!(seen > 0, "{name}: no progress before the end");
        }
    }
}

#[test]
fn a_damaged_large_file_fails_as_it_does_whole() {
    let (name, bytes) = large_otlp().into_iter().find(|(_, b)| b.starts_with(b"[")).unwrap();
    let n = bytes.len();
    // a brace (not inside a string) damaged, or the file cut short
    let brace = |from: usize| from + bytes[from..].iter().position(|&b| b == b'{').unwrap();
    for at in [brace(n / 3), brace(n / 2), n - 5, n - 2] {
        let truncated = &bytes[..at];
        let mut damaged = bytes.clone();
        damaged[at] = b'#';
        for body in [truncated, &damaged[..]] {
            let want = whole(&name, body);
            assert!(want.starts_with("Err("), "{}", &want[..want.len().min(300)]);
            same(&streamed(&name, body, 4096).0, &want, &format!("damage at {at}"));
        }
    }
}
