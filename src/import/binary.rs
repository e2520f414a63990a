//! Files that are not text: binary OTLP is opened, anything else is named for what it looks
//! like (compressed, an archive, an image, a database, protobuf of another message) instead of
//! being read as broken JSON.

use super::otlp;
use super::{sniff, ImportError};

/// Signatures at the start of common binary files, and what to call them.
const MAGIC: [(&[u8], &str); 14] = [
    (b"PK\x03\x04", "a zip archive"),
    (b"\x0A\x0D\x0D\x0A", "a pcap capture"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1A\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\0", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"\0asm", "a WebAssembly module"),
    (b"\x7FELF", "a program (ELF)"),
    (b"ARROW1", "an Arrow file"),
    (b"\xD4\xC3\xB2\xA1", "a pcap capture"),
    (b"Obj\x01", "an Avro file"),
];

/// Compressed files: what compressed them and how to undo it.
const COMPRESSED: [(&[u8], &str, &str); 4] = [
    (b"\x1F\x8B", "gzip", "`gunzip`; browsers open .gz files themselves"),
    (b"\x28\xB5\x2F\xFD", "zstd", "`zstd -d`"),
    (b"\xFD7zXZ\0", "xz", "`xz -d`"),
    (b"BZh", "bzip2", "`bunzip2`"),
];

/// How much of the start decides whether a file is binary.
const LOOK: usize = 1024;

/// What a file is when it is binary: binary OTLP (its layout and signal), or why it cannot be
/// opened. `None` for text (including UTF-16), which the text readers take.
pub(super) fn recognise(bytes: &[u8]) -> Option<Result<(otlp::Wire, otlp::Signal), ImportError>> {
    if let Some(found) = otlp::recognise(bytes) {
        return Some(Ok(found));
    }
    for (m, what, how) in COMPRESSED {
        if bytes.starts_with(m) {
            return Some(Err(ImportError::Compressed(what, how)));
        }
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(Err(ImportError::Binary("a WebP image")));
    }
    for (m, what) in MAGIC {
        if bytes.starts_with(m) {
            return Some(Err(ImportError::Binary(what)));
        }
    }
    if sniff::utf16_of(bytes).is_some() || !has_control_bytes(&bytes[..bytes.len().min(LOOK)]) {
        return None;
    }
    let what = if otlp::looks_like_protobuf(bytes) {
        "protobuf, but not an OTLP trace or log request"
    } else {
        "binary data of a kind Canopy does not know"
    };
    Some(Err(ImportError::Binary(what)))
}

/// Bytes no text file has (controls other than tab, line breaks, form feed and escape).
fn has_control_bytes(b: &[u8]) -> bool {
    b.iter().any(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(bytes: &[u8]) -> String {
        match recognise(bytes) {
            Some(Err(e)) => e.to_string(),
            Some(Ok(found)) => format!("opened as {found:?}"),
            None => "text".into(),
        }
    }

    #[test]
    fn binaries_are_named_for_what_they_look_like() {
        assert!(error(b"\x1F\x8B\x08\0\0\0").contains("gzip-compressed"), "{}", error(b"\x1F\x8B\x08"));
        assert!(error(b"\x28\xB5\x2F\xFD\0\0").contains("zstd-compressed; decompress it (`zstd -d`)"));
        assert!(error(b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR").contains("a PNG image"));
        assert!(error(b"RIFF\0\0\0\0WEBPVP8 ").contains("a WebP image"));
        assert!(error(b"SQLite format 3\0\x10\0").contains("an SQLite database"));
        assert!(error(b"PAR1\x15\x04").contains("a Parquet file"));
        // a valid protobuf message that is not OTLP: field 1 a string, field 2 a number
        assert!(error(b"\x0A\x05hello\x10\x96\x01").contains("protobuf, but not an OTLP"));
        assert!(
            error(b"\x01\x02\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF").contains("of a kind Canopy does not know")
        );
        // text stays text, UTF-16 included
        assert_eq!(error(b"\n\n{\"resourceSpans\":[]}\n"), "text");
        assert_eq!(error(b"{\x1B[31m}"), "text");
        assert_eq!(error(b"\xFF\xFE{\0}\0"), "text");
    }
}
