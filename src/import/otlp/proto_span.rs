//! A span's protobuf bytes read straight into the envelope's span (`envelope::Span`), which
//! `Gather::span` converts as it does a span of the JSON wire.
//!
//! Spans are most of a binary OTLP file, so they are not decoded by `prost` into owned messages
//! first (a `String` per attribute key and value, a message per value, then a second pass moving
//! them into attributes): keys are shared straight from the bytes (`model::key::Key`), ids become
//! hex once, and each text is copied once. What is read is what `proto::PbSpan` read: the field
//! numbers of opentelemetry-proto's `trace/v1/trace.proto` and `common/v1/common.proto`
//! (Apache-2.0), unknown fields skipped, the last of a repeated scalar field kept, texts that are
//! not UTF-8 refused.

use super::envelope::{Span, Status};
use super::part::{Link, SpanEvent};
use super::proto::{base64, hex, text, time};
use super::values::{Attrs, EnumValue, SPAN_EXTRA};
use crate::import::wire::FlexInt;
use crate::model::key::Key;
use crate::model::{AttrValue, Attribute};

type Read<T> = Result<T, &'static str>;

const CUT: &str = "a field runs past the end of its message";
const WRONG: &str = "a field of the wrong wire type";
/// As `prost`'s recursion limit: values nested deeper are refused, and the recursion is bounded.
const DEPTH: usize = 100;

/// One field's value, by wire type.
enum Val<'a> {
    Varint(u64),
    Fixed64(u64),
    Len(&'a [u8]),
    Fixed32,
}

/// The fields of one message, in order.
struct Fields<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn of(b: &'a [u8]) -> Fields<'a> {
        Fields { b, at: 0 }
    }

    fn next(&mut self) -> Read<Option<(u64, Val<'a>)>> {
        if self.at >= self.b.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 {
            return Err("a field numbered 0");
        }
        let v = match key & 7 {
            0 => Val::Varint(self.varint()?),
            1 => {
                let w = self.take(8)?;
                Val::Fixed64(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| CUT)?;
                Val::Len(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Val::Fixed32
            }
            _ => return Err("a field of a wire type OTLP does not use (a group, or not protobuf)"),
        };
        Ok(Some((field, v)))
    }

    fn varint(&mut self) -> Read<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let &byte = self.b.get(self.at).ok_or(CUT)?;
            self.at += 1;
            v |= u64::from(byte & 0x7F) << (7 * i);
            if byte < 0x80 {
                return Ok(v);
            }
        }
        Err("a number longer than ten bytes")
    }

    fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(CUT)?;
        let s = self.b.get(self.at..end).ok_or(CUT)?;
        self.at = end;
        Ok(s)
    }
}

fn len(v: Val<'_>) -> Read<&[u8]> {
    match v {
        Val::Len(b) => Ok(b),
        _ => Err(WRONG),
    }
}

fn utf8(v: Val<'_>) -> Read<&str> {
    std::str::from_utf8(len(v)?).map_err(|_| "a text that is not UTF-8")
}

fn varint(v: Val<'_>) -> Read<u64> {
    match v {
        Val::Varint(n) => Ok(n),
        _ => Err(WRONG),
    }
}

fn fixed64(v: Val<'_>) -> Read<u64> {
    match v {
        Val::Fixed64(n) => Ok(n),
        _ => Err(WRONG),
    }
}

/// An `AnyValue` as `proto::value` gives it: integers as their text, bytes as base64, no value
/// as an empty string.
fn any_value(b: &[u8], depth: usize) -> Read<AttrValue> {
    if depth > DEPTH {
        return Err("values nested too deep");
    }
    let mut out = None;
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        out = Some(match field {
            1 => AttrValue::Str(utf8(v)?.to_string()),
            2 => AttrValue::Bool(varint(v)? != 0),
            // int64 is the varint's bits
            3 => AttrValue::Int((varint(v)? as i64).to_string()),
            4 => AttrValue::Float(f64::from_bits(fixed64(v)?)),
            5 => {
                let mut values = Vec::new();
                let mut a = Fields::of(len(v)?);
                while let Some((field, v)) = a.next()? {
                    if field == 1 {
                        values.push(any_value(len(v)?, depth + 1)?);
                    }
                }
                AttrValue::Array(values)
            }
            6 => {
                let mut entries = Vec::new();
                key_values(len(v)?, 1, &mut entries, depth + 1)?;
                AttrValue::Map(entries)
            }
            7 => AttrValue::Bytes(base64(len(v)?)),
            _ => continue,
        });
    }
    Ok(out.unwrap_or(AttrValue::Str(String::new())))
}

/// A `KeyValue`.
fn key_value(b: &[u8], depth: usize) -> Read<Attribute> {
    let (mut key, mut value) = ("", None);
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => key = utf8(v)?,
            2 => value = Some(len(v)?),
            _ => {}
        }
    }
    let value = match value {
        Some(b) => any_value(b, depth + 1)?,
        None => AttrValue::Str(String::new()),
    };
    Ok(Attribute { key: Key::new(key), value })
}

/// The `KeyValue`s of field `tag` of the message `b`, pushed onto `out`.
fn key_values(b: &[u8], tag: u64, out: &mut Vec<Attribute>, depth: usize) -> Read<()> {
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        if field == tag {
            out.push(key_value(len(v)?, depth)?);
        }
    }
    Ok(())
}

/// How many times field `tag` occurs in `b` (only its headers read), so a list is made once at
/// its size.
fn count(b: &[u8], tag: u64) -> Read<usize> {
    let mut n = 0;
    let mut f = Fields::of(b);
    while let Some((field, _)) = f.next()? {
        n += usize::from(field == tag);
    }
    Ok(n)
}

/// A list of attributes as `proto::some_list` gives it: none when empty.
fn some_list(b: &[u8], tag: u64) -> Read<Option<Attrs<0>>> {
    let mut out = Vec::with_capacity(count(b, tag)?);
    key_values(b, tag, &mut out, 0)?;
    Ok((!out.is_empty()).then_some(Attrs(out)))
}

fn event(b: &[u8]) -> Read<SpanEvent> {
    let (mut t, mut name) = (0, "");
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => t = fixed64(v)?,
            2 => name = utf8(v)?,
            _ => {}
        }
    }
    Ok(SpanEvent {
        time_unix_nano: time(t),
        name: text(name.to_string()),
        attributes: some_list(b, 3)?,
        ..SpanEvent::default()
    })
}

fn link(b: &[u8]) -> Read<Link> {
    let (mut trace, mut span): (&[u8], &[u8]) = (&[], &[]);
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => trace = len(v)?,
            2 => span = len(v)?,
            _ => {}
        }
    }
    Ok(Link { trace_id: hex(trace), span_id: hex(span), attributes: some_list(b, 4)?, ..Link::default() })
}

/// A `Span` message's bytes as the envelope's span, as `proto::PbSpan::into_span` gave it.
pub(super) fn span(b: &[u8]) -> Read<Span> {
    let mut attributes = Vec::with_capacity(count(b, 9)? + SPAN_EXTRA);
    let (mut trace, mut id, mut parent): (&[u8], &[u8], &[u8]) = (&[], &[], &[]);
    let (mut name, mut kind, mut start, mut end) = ("", 0i32, 0, 0);
    let (mut dropped_attributes, mut dropped_events) = (0u32, 0u32);
    let (mut events, mut links) = (Vec::new(), Vec::new());
    // a message field given twice is merged, as protobuf does
    let mut status: Option<(&str, i32)> = None;
    let mut f = Fields::of(b);
    while let Some((field, v)) = f.next()? {
        match field {
            1 => trace = len(v)?,
            2 => id = len(v)?,
            4 => parent = len(v)?,
            5 => name = utf8(v)?,
            // int32 and uint32 are the varint's low bits
            6 => kind = varint(v)? as i32,
            7 => start = fixed64(v)?,
            8 => end = fixed64(v)?,
            9 => attributes.push(key_value(len(v)?, 0)?),
            10 => dropped_attributes = varint(v)? as u32,
            11 => events.push(event(len(v)?)?),
            12 => dropped_events = varint(v)? as u32,
            13 => links.push(link(len(v)?)?),
            15 => {
                let (mut message, mut code) = status.unwrap_or(("", 0));
                let mut s = Fields::of(len(v)?);
                while let Some((field, v)) = s.next()? {
                    match field {
                        2 => message = utf8(v)?,
                        3 => code = varint(v)? as i32,
                        _ => {}
                    }
                }
                status = Some((message, code));
            }
            _ => {}
        }
    }
    Ok(Span {
        trace_id: hex(trace),
        span_id: hex(id),
        parent_span_id: hex(parent),
        name: text(name.to_string()),
        kind: (kind != 0).then_some(EnumValue::Num(i64::from(kind))),
        start_time_unix_nano: time(start),
        end_time_unix_nano: time(end),
        attributes: Some(Attrs(attributes)),
        events: Some(events),
        status: status
            .map(|(m, code)| Status { code: Some(EnumValue::Num(i64::from(code))), message: text(m.to_string()) }),
        links: Some(links),
        dropped_attributes_count: Some(FlexInt(Some(i128::from(dropped_attributes)))),
        dropped_events_count: Some(FlexInt(Some(i128::from(dropped_events)))),
    })
}
