//! Binary OTLP read piece by piece: an export request (`ExportTraceServiceRequest`,
//! `ExportLogsServiceRequest`, or `TracesData`/`LogsData`, the same bytes), or the collector file
//! exporter's `proto` format, requests each preceded by its length as a 4-byte big-endian integer
//! (`exporter/fileexporter/file_writer.go`, `exportMessageAsBuffer`).
//!
//! The envelope (request → resource → scope) is followed field by field without being held; only
//! one leaf message (a resource, a scope, a span, a log record) is ever waited for whole, then
//! decoded (spans by `proto_span`, the rest by prost in `proto`) and converted at once. Traces, logs and metrics requests share the
//! envelope's field numbers (1: resource entries; in them 1: resource, 2: scope entries; in those
//! 1: scope, 2: elements): only the elements differ, and they tell which signal a request carries.

use super::envelope::{Context, Gather};
use super::proto::{PbLogRecord, PbResource, PbScope};
use super::proto_span;
use super::ImportError;
use prost::Message;

/// How the requests are laid out in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::import) enum Wire {
    /// One request: what an SDK posts, or `TracesData`/`LogsData` saved as is.
    Request,
    /// The collector file exporter's `format: proto`: length-prefixed requests.
    Framed,
}

/// What a request's elements are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::import) enum Signal {
    Traces,
    Logs,
    Metrics,
}

const LEN: u8 = 2;

/// One field's key and, for a length-delimited field, its length, read from `b` at `at`.
/// `Ok(None)` when `b` ends before the key (or length) does.
fn header(b: &[u8], at: usize) -> Result<Option<(u64, u8, u64, usize)>, &'static str> {
    let Some((key, n)) = varint(b, at)? else { return Ok(None) };
    let (field, wire) = (key >> 3, (key & 7) as u8);
    if field == 0 {
        return Err("a field numbered 0");
    }
    let at = at + n;
    let (value, n) = match wire {
        0 | LEN => match varint(b, at)? {
            Some(v) => v,
            None => return Ok(None),
        },
        1 => (8, 0),
        5 => (4, 0),
        _ => return Err("a field of a wire type OTLP does not use (a group, or not protobuf)"),
    };
    Ok(Some((field, wire, value, at + n)))
}

/// A base-128 varint at `at` and its length in bytes.
fn varint(b: &[u8], at: usize) -> Result<Option<(u64, usize)>, &'static str> {
    let mut v = 0u64;
    for i in 0..10 {
        let Some(&byte) = b.get(at + i) else { return Ok(None) };
        v |= u64::from(byte & 0x7F) << (7 * i);
        if byte < 0x80 {
            return Ok(Some((v, i + 1)));
        }
    }
    Err("a number longer than ten bytes")
}

/// The fields of one message (as far as `b` goes): number, wire type and, for length-delimited
/// fields, their bytes (cut at the end of `b`).
fn fields(b: &[u8]) -> impl Iterator<Item = (u64, u8, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let (field, wire, value, start) = header(b, at).ok()??;
        let size = if wire == LEN || wire == 1 || wire == 5 { usize::try_from(value).ok()? } else { 0 };
        let end = start.checked_add(size)?;
        let body = b.get(start..end.min(b.len()))?;
        at = end;
        Some((field, wire, body))
    })
}

/// Which signal an element is, from its fields: a span has a 16-byte trace id (1) and an 8-byte
/// span id (2); a metric a name (1) and its data (5, 7, 9, 10 or 11); a log record times (1, 11)
/// or a severity number (2) or ids (9, 10).
fn classify(element: &[u8]) -> Option<Signal> {
    let f: Vec<(u64, u8, usize)> = fields(element).map(|(n, w, b)| (n, w, b.len())).collect();
    let has = |n: u64, w: u8| f.iter().any(|&(fnum, fw, _)| fnum == n && fw == w);
    if f.contains(&(1, LEN, 16)) && f.contains(&(2, LEN, 8)) {
        return Some(Signal::Traces);
    }
    if has(1, LEN) && [5, 7, 9, 10, 11].iter().any(|&n| has(n, LEN)) {
        return Some(Signal::Metrics);
    }
    if has(1, 1) || has(11, 1) || has(2, 0) || f.contains(&(9, LEN, 16)) || f.contains(&(10, LEN, 8)) {
        return Some(Signal::Logs);
    }
    None
}

/// The signal of the first element of a request (as far as `b` goes), or `None` when `b` is not
/// an OTLP request: every field on the way down must be where OTLP puts it.
fn request_signal(b: &[u8]) -> Option<Signal> {
    for (n, w, resource) in fields(b) {
        if (n, w) != (1, LEN) {
            return None;
        }
        for (n, w, scope) in fields(resource) {
            match (n, w) {
                (1 | 3, LEN) => continue,
                (2, LEN) => {}
                _ => return None,
            }
            for (n, w, element) in fields(scope) {
                match (n, w) {
                    (1 | 3, LEN) => continue,
                    (2, LEN) => return classify(element),
                    _ => return None,
                }
            }
        }
    }
    None
}

/// Binary OTLP, by its content: the layout and the signal of its first element.
pub(in crate::import) fn recognise(bytes: &[u8]) -> Option<(Wire, Signal)> {
    if let Some(s) = request_signal(bytes) {
        return Some((Wire::Request, s));
    }
    let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    let end = usize::try_from(size).ok()?.checked_add(4)?;
    let first = bytes.get(4..end.min(bytes.len()))?;
    (size > 0).then(|| request_signal(first)).flatten().map(|s| (Wire::Framed, s))
}

/// What a message open around the reader's place is, and where (absolute offset) it ends.
#[derive(Clone, Copy, Debug)]
enum Level {
    Request(Option<Signal>),
    Resource,
    Scope,
}

/// The reader of binary OTLP given in pieces; `gather` holds what was read.
pub(in crate::import) struct Reader {
    wire: Wire,
    pub(in crate::import) gather: Gather,
    /// Bytes received but not yet read (at most one field's header and one leaf message).
    rest: Vec<u8>,
    /// Offset in the file of `rest[0]`.
    at: u64,
    open: Vec<(Level, u64)>,
    ctx: Context,
}

impl Reader {
    /// A reader of a file of this layout whose first request carries `signal` (if known).
    pub(in crate::import) fn new(wire: Wire, signal: Option<Signal>) -> Reader {
        let open = match wire {
            Wire::Request => vec![(Level::Request(signal), u64::MAX)],
            Wire::Framed => Vec::new(),
        };
        Reader { wire, gather: Gather::default(), rest: Vec::new(), at: 0, open, ctx: Context::default() }
    }

    /// The next piece of the file.
    pub(in crate::import) fn push(&mut self, piece: &[u8]) -> Result<(), ImportError> {
        if self.rest.is_empty() {
            let used = self.read(piece)?;
            self.rest.extend_from_slice(&piece[used..]);
            self.at += used as u64;
        } else {
            let mut rest = std::mem::take(&mut self.rest);
            rest.extend_from_slice(piece);
            let used = self.read(&rest)?;
            rest.drain(..used);
            self.rest = rest;
            self.at += used as u64;
        }
        Ok(())
    }

    /// The end of the file: every message must be complete.
    pub(in crate::import) fn finish(self) -> Result<Gather, ImportError> {
        let end = self.at + self.rest.len() as u64;
        let whole = match self.wire {
            Wire::Request => self.open.len() == 1,
            Wire::Framed => self.open.is_empty(),
        };
        if !whole || !self.rest.is_empty() {
            return Err(corrupt(end, "the file ends inside a message (is it cut short?)"));
        }
        Ok(self.gather)
    }

    /// Reads every complete field of `b` (which starts at `self.at`); returns the bytes used.
    fn read(&mut self, b: &[u8]) -> Result<usize, ImportError> {
        let mut i = 0;
        loop {
            let here = self.at + i as u64;
            while let Some(&(_, end)) = self.open.last() {
                if here < end {
                    break;
                }
                if here > end {
                    return Err(corrupt(here, "a message runs past the end of the one holding it"));
                }
                self.open.pop();
            }
            if i == b.len() {
                return Ok(i);
            }
            let Some(&(level, end)) = self.open.last() else {
                // the collector's framing: a request's length, then the request
                let Some(size) = b.get(i..i + 4) else { return Ok(i) };
                let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
                self.open.push((Level::Request(None), here + 4 + u64::from(size)));
                i += 4;
                continue;
            };
            let (field, wire, value, start) = match header(b, i) {
                Ok(Some(h)) => h,
                Ok(None) => return Ok(i),
                Err(why) => return Err(corrupt(here, why)),
            };
            let body_at = self.at + start as u64;
            let size = match wire {
                0 => 0,
                _ => value,
            };
            let body_end = body_at.checked_add(size).ok_or_else(|| corrupt(here, "a length past any file"))?;
            if body_end > end {
                return Err(corrupt(here, "a field runs past the end of the message holding it"));
            }
            let descend = match (level, field, wire) {
                (Level::Request(_), 1, LEN) => Some(Level::Resource),
                (Level::Resource, 2, LEN) => Some(Level::Scope),
                _ => None,
            };
            if let Some(inner) = descend {
                // an entry is followed field by field, not waited for whole
                if matches!(inner, Level::Resource) {
                    self.ctx = Context::default();
                } else {
                    self.ctx = std::mem::take(&mut self.ctx).with_named_scope(None);
                }
                self.open.push((inner, body_end));
                i = start;
                continue;
            }
            let Ok(size) = usize::try_from(size) else { return Err(corrupt(here, "a field too large")) };
            let Some(body) = start.checked_add(size).and_then(|e| b.get(start..e)) else { return Ok(i) };
            if wire == LEN {
                self.leaf(level, field, body, body_at)?;
            }
            i = start + size;
        }
    }

    /// A leaf message, whole: decoded and converted at once.
    fn leaf(&mut self, level: Level, field: u64, body: &[u8], at: u64) -> Result<(), ImportError> {
        let bad = |e: prost::DecodeError| corrupt(at, &e.to_string());
        match (level, field) {
            (Level::Resource, 1) => self.ctx = PbResource::decode(body).map_err(bad)?.into_context(),
            (Level::Scope, 1) => {
                let named = PbScope::decode(body).map_err(bad)?.named();
                self.ctx = std::mem::take(&mut self.ctx).with_named_scope(named);
            }
            (Level::Scope, 2) => {
                let signal = self.signal(body, at)?;
                match signal {
                    Signal::Traces => {
                        let span = proto_span::span(body).map_err(|why| corrupt(at, why))?;
                        self.gather.span(span, &self.ctx)
                    }
                    Signal::Logs => self.gather.log(PbLogRecord::decode(body).map_err(bad)?.into_record(&self.ctx)),
                    Signal::Metrics => return Err(ImportError::Unsupported("OTLP metrics (protobuf)")),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The signal of the request being read, told by its first element.
    fn signal(&mut self, element: &[u8], at: u64) -> Result<Signal, ImportError> {
        let request = self.open.iter_mut().find_map(|(l, _)| match l {
            Level::Request(s) => Some(s),
            _ => None,
        });
        let Some(slot) = request else { return Err(corrupt(at, "an element outside any request")) };
        if let Some(s) = *slot {
            return Ok(s);
        }
        let s = classify(element).ok_or_else(|| corrupt(at, "an element that is neither a span nor a log record"))?;
        *slot = Some(s);
        Ok(s)
    }
}

fn corrupt(at: u64, reason: &str) -> ImportError {
    ImportError::Corrupt { format: "OTLP protobuf", offset: at, reason: reason.to_string() }
}

/// Whether `b` reads as protobuf fields from its start to the end of its first kilobytes.
pub(in crate::import) fn looks_like_protobuf(b: &[u8]) -> bool {
    let window = &b[..b.len().min(4096)];
    let mut at = 0;
    let mut any = false;
    while at < window.len() {
        match header(window, at) {
            Ok(Some((_, wire, value, start))) => {
                let size = if wire == 0 { 0 } else { usize::try_from(value).unwrap_or(usize::MAX) };
                at = start.saturating_add(size);
                any = true;
            }
            // cut by the window: as far as it goes, it is protobuf
            Ok(None) => return any,
            Err(_) => return false,
        }
    }
    any && (at == b.len() || window.len() < b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttrValue;

    const LOGS: &[u8] = include_bytes!("../../../tests/fixtures/otlp-proto/sdk-1.29.0-logs-plain.pb");

    #[test]
    fn sdk_log_records_become_log_records_whole_and_byte_by_byte() {
        assert_eq!(recognise(LOGS), Some((Wire::Request, Signal::Logs)));
        for size in [LOGS.len(), 1, 17] {
            let mut r = Reader::new(Wire::Request, None);
            LOGS.chunks(size).for_each(|p| r.push(p).unwrap());
            let logs = r.finish().unwrap().logs;
            // 4 records, 3 with a span (opentelemetry-proto's reader: tests/fixtures/otlp-proto/expected.txt)
            assert_eq!(logs.len(), 4);
            assert_eq!(logs.iter().filter(|l| l.span_id.as_ref().is_some_and(|s| s.len() == 16)).count(), 3);
            let first = &logs[0];
            assert_eq!(first.body, Some(AttrValue::Str("asked the model".into())));
            assert_eq!((first.severity_text.as_deref(), first.severity_number), (Some("INFO"), Some(9)));
            assert_eq!(first.trace_id.as_ref().map(String::len), Some(32));
            let service = first.attributes.iter().find(|a| a.key == "service.name").map(|a| &a.value);
            assert_eq!(service, Some(&AttrValue::Str("proto-demo".into())));
            // bodies of the other types the SDK writes: a kvlist and bytes (b"\x00\x01raw bytes",
            // base64 "AAFyYXcgYnl0ZXM=" by python's base64.b64encode)
            assert!(matches!(&logs[1].body, Some(AttrValue::Map(m)) if m.len() == 4));
            assert_eq!(logs[3].body, Some(AttrValue::Bytes("AAFyYXcgYnl0ZXM=".into())));
            assert_eq!(logs[3].span_id, None);
        }
    }

    #[test]
    fn text_and_other_protobuf_are_not_otlp() {
        assert_eq!(recognise(b"{\"resourceSpans\":[]}"), None);
        assert_eq!(recognise(b"\n\n  {}"), None);
        // field 1 holding field 1 holding a string: protobuf, but no element
        assert_eq!(recognise(b"\x0A\x04\x0A\x02hi"), None);
        assert!(looks_like_protobuf(b"\x0A\x04\x0A\x02hi"));
        assert!(!looks_like_protobuf(b"\x0A\x09\x0A\x02hi"), "a length past the end");
    }
}
