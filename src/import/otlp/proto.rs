//! OTLP protobuf messages (the subset Canopy reads) decoded by `prost`, and turned into the same
//! envelope structs the JSON reader fills, so both wires share one conversion (`envelope`).
//!
//! Field numbers are those of opentelemetry-proto's `common/v1/common.proto`,
//! `resource/v1/resource.proto`, `trace/v1/trace.proto` and `logs/v1/logs.proto` (Apache-2.0).
//! Fields Canopy does not read (trace_state, flags, dropped links, schema urls) are skipped by
//! prost as unknown fields.

use super::envelope::Context;
use super::logs::LogRecord;
use super::part::Resource;
use super::values::Attrs;
use crate::import::wire::FlexInt;
use crate::model::{AttrValue, Attribute};

#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PbAnyValue {
    #[prost(oneof = "PbValue", tags = "1, 2, 3, 4, 5, 6, 7")]
    value: Option<PbValue>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum PbValue {
    #[prost(string, tag = "1")]
    Str(String),
    #[prost(bool, tag = "2")]
    Bool(bool),
    #[prost(int64, tag = "3")]
    Int(i64),
    #[prost(double, tag = "4")]
    Double(f64),
    #[prost(message, tag = "5")]
    Array(PbArray),
    #[prost(message, tag = "6")]
    KvList(PbKvList),
    #[prost(bytes = "vec", tag = "7")]
    Bytes(Vec<u8>),
}

#[derive(Clone, PartialEq, prost::Message)]
struct PbArray {
    #[prost(message, repeated, tag = "1")]
    values: Vec<PbAnyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PbKvList {
    #[prost(message, repeated, tag = "1")]
    values: Vec<PbKeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PbKeyValue {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(message, optional, tag = "2")]
    value: Option<PbAnyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PbResource {
    #[prost(message, repeated, tag = "1")]
    attributes: Vec<PbKeyValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PbScope {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    version: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PbLogRecord {
    #[prost(fixed64, tag = "1")]
    time_unix_nano: u64,
    #[prost(int32, tag = "2")]
    severity_number: i32,
    #[prost(string, tag = "3")]
    severity_text: String,
    #[prost(message, optional, tag = "5")]
    body: Option<PbAnyValue>,
    #[prost(message, repeated, tag = "6")]
    attributes: Vec<PbKeyValue>,
    #[prost(bytes = "vec", tag = "9")]
    trace_id: Vec<u8>,
    #[prost(bytes = "vec", tag = "10")]
    span_id: Vec<u8>,
    #[prost(fixed64, tag = "11")]
    observed_time_unix_nano: u64,
    #[prost(string, tag = "12")]
    event_name: String,
}

/// Ids as lowercase hex, as the JSON reader normalizes them; empty bytes are no id. (Written into
/// bytes of their final length, then checked once: pushing `char`s one by one, or pairs of bytes
/// onto a `Vec`, was a tenth of a span's decoding at `opt-level = "z"`, callgrind.)
pub(super) fn hex(bytes: &[u8]) -> Option<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    if bytes.is_empty() {
        return None;
    }
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
    String::from_utf8(out).ok()
}

/// Standard base64 with padding: the text protobuf-JSON gives a `bytesValue`, so a bytes
/// attribute reads the same from either wire.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            // a chunk of n bytes gives n + 1 characters, the rest is padding
            let ch = if i <= c.len() { char::from(ABC[((n >> shift) & 63) as usize]) } else { '=' };
            s.push(ch);
        }
    }
    s
}

/// A time as the JSON reader takes it: proto3 writes no zero, and JSON writers leave it out.
pub(super) fn time(ns: u64) -> Option<FlexInt> {
    (ns != 0).then_some(FlexInt(Some(i128::from(ns))))
}

pub(super) fn text(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// An `AnyValue` as `values` reads it from JSON: integers kept as their text, bytes as base64, no
/// value as an empty string. (prost refuses values nested deeper than its recursion limit, so
/// this recursion is bounded.)
fn value(v: Option<PbAnyValue>) -> AttrValue {
    match v.and_then(|v| v.value) {
        None => AttrValue::Str(String::new()),
        Some(PbValue::Str(s)) => AttrValue::Str(s),
        Some(PbValue::Bool(b)) => AttrValue::Bool(b),
        Some(PbValue::Int(i)) => AttrValue::Int(i.to_string()),
        Some(PbValue::Double(f)) => AttrValue::Float(f),
        Some(PbValue::Bytes(b)) => AttrValue::Bytes(base64(&b)),
        Some(PbValue::Array(a)) => AttrValue::Array(a.values.into_iter().map(|v| value(Some(v))).collect()),
        Some(PbValue::KvList(kv)) => AttrValue::Map(list::<0>(kv.values).0),
    }
}

/// A `KeyValue` list with room for `EXTRA` more, as `values::Attrs` reads it from JSON.
fn list<const EXTRA: usize>(kvs: Vec<PbKeyValue>) -> Attrs<EXTRA> {
    let mut out = Vec::with_capacity(kvs.len() + EXTRA);
    out.extend(kvs.into_iter().map(|kv| Attribute { key: kv.key.as_str().into(), value: value(kv.value) }));
    Attrs(out)
}

fn some_list<const EXTRA: usize>(kvs: Vec<PbKeyValue>) -> Option<Attrs<EXTRA>> {
    (!kvs.is_empty()).then(|| list(kvs))
}

impl PbResource {
    pub(super) fn into_context(self) -> Context {
        Context::default()
            .with_resource(Some(Resource { attributes: some_list(self.attributes), ..Resource::default() }))
    }
}

impl PbScope {
    /// The scope's name and version, as `part::Part::named` gives them.
    pub(super) fn named(self) -> Option<(String, Option<String>)> {
        text(self.name).map(|n| (n, text(self.version)))
    }
}

impl PbLogRecord {
    /// The record as every wire hands it to `Gather::log`, with what its resource and scope add.
    pub(super) fn into_record(self, ctx: &Context) -> LogRecord {
        let mut attributes = list::<0>(self.attributes).0;
        let event_name = text(self.event_name).or_else(|| {
            attributes.iter().find(|a| a.key == "event.name").and_then(|a| a.value.as_str()).map(str::to_string)
        });
        attributes.extend(ctx.span_attributes().cloned());
        let time_ns = [self.time_unix_nano, self.observed_time_unix_nano]
            .into_iter()
            .find(|t| *t != 0)
            .and_then(|t| i64::try_from(t).ok());
        LogRecord {
            trace_id: hex(&self.trace_id),
            span_id: hex(&self.span_id),
            time_ns,
            severity_text: text(self.severity_text),
            severity_number: (self.severity_number != 0).then_some(i64::from(self.severity_number)),
            event_name,
            body: self.body.map(|b| value(Some(b))),
            attributes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_as_the_base64_protobuf_json_writes() {
        // expected texts from python: base64.b64encode(b"...")
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"\x00"), "AA==");
        assert_eq!(base64(b"\x00\x01"), "AAE=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"\xff\xfe\xfd\xfc"), "//79/A==");
        assert_eq!(hex(&[0x0a, 0xff, 0x00]).as_deref(), Some("0aff00"));
        assert_eq!(hex(&[]), None);
    }
}
