//! Binary OTLP written by the real OpenTelemetry Python SDK (tests/fixtures/otlp-proto), opened
#![cfg(not(target_arch = "wasm32"))]
//! whole and in pieces, compared with counts read by opentelemetry-proto's own Python classes
//! (`expected.txt`, made by scripts/realdata/otel_proto_expect.py) and with the same request
//! written as protobuf-JSON by protobuf's encoder; broken files give errors that name them.

use canopy::import::{load, Format, ImportError, Loaded, Stream};
use canopy::model::{AttrValue, Level};
use std::io::Read;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp-proto").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

/// The counts opentelemetry-proto's Python reader gives for `name`.
fn expected(name: &str, what: &str) -> usize {
    let all: serde_json::Value = serde_json::from_slice(&fixture("expected.txt")).unwrap();
    all[name][what].as_u64().unwrap_or_else(|| panic!("{name}: {what}")) as usize
}

struct Counts {
    traces: usize,
    spans: usize,
    roots: usize,
    errors: usize,
    events: usize,
}

fn counts(l: &Loaded) -> Counts {
    let obs = || l.set.traces.iter().flat_map(|t| &t.observations);
    Counts {
        traces: l.set.traces.len(),
        spans: obs().count(),
        roots: l.set.traces.iter().map(|t| t.tree.roots.len()).sum(),
        errors: obs().filter(|o| o.level == Level::Error).count(),
        events: obs().map(|o| o.events.len()).sum(),
    }
}

fn check(name: &str, l: &Loaded, format: Format) {
    let c = counts(l);
    assert_eq!(l.format, format, "{name}");
    assert_eq!(c.traces, expected(name, "traces"), "{name}: traces");
    assert_eq!(c.spans, expected(name, "spans"), "{name}: spans");
    assert_eq!(c.roots, expected(name, "roots"), "{name}: roots");
    assert_eq!(c.errors, expected(name, "error_spans"), "{name}: error spans");
    // log records that name a span in the same file join it as events (import::otlp::logs)
    let joined = if c.traces > 0 { expected(name, "log_records_with_span") } else { 0 };
    assert_eq!(c.events, expected(name, "span_events") + joined, "{name}: events");
}

/// Every way of cutting the file: one byte at a time, odd sizes, and all at once.
fn streamed(name: &str, bytes: &[u8]) -> Vec<Loaded> {
    let mut out = Vec::new();
    for size in [1, 2, 3, 7, 13, 64, 255, 1000, 4096, bytes.len().max(1)] {
        let mut s = Stream::new(name);
        for piece in bytes.chunks(size) {
            s.push(piece).unwrap_or_else(|e| panic!("{name} in pieces of {size}: {e}"));
        }
        // read span by span as the pieces came, not kept for the end
        assert!(s.observations() > 0, "{name} in pieces of {size}: nothing read before the end");
        out.push(s.finish().unwrap_or_else(|e| panic!("{name} in pieces of {size}: {e}")));
    }
    out
}

#[test]
fn sdk_trace_requests_open_whole_and_in_pieces() {
    let plain = fixture("sdk-1.29.0-traces-plain.pb");
    let name = "sdk-1.29.0-traces-plain.pb";
    check(name, &load(name, &plain).unwrap(), Format::OtlpProtobuf);
    for l in streamed(name, &plain) {
        check(name, &l, Format::OtlpProtobuf);
    }
    // the gzip body the SDK posted with compression=gzip holds a request of the same counts
    let gz = "sdk-1.29.0-traces-gzip.pb.gz";
    check(gz, &load(gz, &gunzip(&fixture(gz))).unwrap(), Format::OtlpProtobuf);
}

#[test]
fn the_collector_file_format_opens_with_its_logs_joined_to_their_spans() {
    let name = "collector-file-proto.binpb";
    let bytes = fixture(name);
    check(name, &load(name, &bytes).unwrap(), Format::OtlpProtobufFile);
    for l in streamed(name, &bytes) {
        check(name, &l, Format::OtlpProtobufFile);
    }
}

#[test]
fn binary_and_protobuf_json_of_one_request_give_the_same_traces() {
    // the .json twin is the same request written by google.protobuf.json_format, read by the
    // JSON reader: both wires must make identical observations (ids, times, attributes of every
    // type, events, links, status, kinds)
    let pb = load("t.pb", &fixture("sdk-1.29.0-traces-plain.pb")).unwrap();
    let json = load("t.json", &fixture("sdk-1.29.0-traces-plain.protojson.json")).unwrap();
    assert_eq!(json.format, Format::Otlp);
    let mut a: Vec<_> = pb.set.traces.iter().map(|t| (t.id.clone(), t.observations.clone())).collect();
    let mut b: Vec<_> = json.set.traces.iter().map(|t| (t.id.clone(), t.observations.clone())).collect();
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(a, b);
    // and what they hold is what the SDK was given (scripts/realdata/otel_proto.py)
    let agent = pb.set.traces.iter().flat_map(|t| &t.observations).find(|o| o.name == "agent").unwrap();
    assert_eq!(agent.id.len(), 16, "span ids are lowercase hex");
    assert!(agent.id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_eq!(agent.attribute("count"), Some(&AttrValue::Int("9007199254740993".into())));
    assert_eq!(agent.attribute("flag"), Some(&AttrValue::Bool(true)));
    assert_eq!(agent.attribute("ratio"), Some(&AttrValue::Float(0.25)));
    assert_eq!(agent.attribute("otel.span_kind"), Some(&AttrValue::Str("server".into())));
    assert_eq!(agent.attribute("service.name"), Some(&AttrValue::Str("proto-demo".into())));
    let lonely = pb.set.traces.iter().flat_map(|t| &t.observations).find(|o| o.name == "lonely").unwrap();
    assert_eq!(lonely.status_message.as_deref(), Some("explicit failure"));
}

#[test]
fn logs_alone_wait_for_their_spans_then_join_them() {
    // expected.txt (opentelemetry-proto's reader): 4 log records, 3 of them inside spans of the
    // traces file, whose spans carry 2 events of their own
    let logs = "sdk-1.29.0-logs-plain.pb";
    let records = expected(logs, "log_records");
    let with_span = expected(logs, "log_records_with_span");
    // each logs file goes with the traces file of the same run
    let gz = |name: &str| gunzip(&fixture(name));
    let pairs = [
        (logs, fixture(logs), fixture("sdk-1.29.0-traces-plain.pb")),
        ("sdk-1.29.0-logs-gzip.pb.gz", gz("sdk-1.29.0-logs-gzip.pb.gz"), gz("sdk-1.29.0-traces-gzip.pb.gz")),
    ];
    for (name, bytes, traces) in pairs {
        let alone = load(name, &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(alone.set.traces.is_empty());
        assert_eq!(alone.set.pending_logs.len(), records, "{name}: every record waits");
        let mut set = load("t.pb", &traces).unwrap().set;
        set.merge(alone.set);
        let events: usize = set.traces.iter().flat_map(|t| &t.observations).map(|o| o.events.len()).sum();
        let span_events = expected("sdk-1.29.0-traces-plain.pb", "span_events");
        assert_eq!(events, span_events + with_span, "{name}: the records that name a span join it");
        assert_eq!(set.pending_logs.len(), records - with_span, "{name}: the record without a span still waits");
    }
}

#[test]
fn gzip_without_a_browser_says_it_is_gzip() {
    let name = "sdk-1.29.0-traces-gzip.pb.gz";
    let e = load(name, &fixture(name)).unwrap_err();
    assert_eq!(e.file, name);
    assert!(e.to_string().contains("gzip-compressed"), "{e}");
    // the same in pieces
    let mut s = Stream::new(name);
    let bytes = fixture(name);
    let r = bytes.chunks(5).try_for_each(|p| s.push(p)).and_then(|()| s.finish().map(|_| ()));
    assert!(r.unwrap_err().to_string().contains("gzip-compressed"));
}

#[test]
fn truncated_and_corrupt_protobuf_give_errors_naming_the_file() {
    let bytes = fixture("sdk-1.29.0-traces-plain.pb");
    // cut inside a span (past the first, which tells what the file is)
    for cut in [bytes.len() - 1, bytes.len() - 40, bytes.len() / 2] {
        let e = load("cut.pb", &bytes[..cut]).unwrap_err();
        assert_eq!(e.file, "cut.pb");
        assert!(matches!(e.error, ImportError::Corrupt { format: "OTLP protobuf", .. }), "cut at {cut}: {e}");
        let mut s = Stream::new("cut.pb");
        let r = bytes[..cut].chunks(3).try_for_each(|p| s.push(p)).and_then(|()| s.finish().map(|_| ()));
        let e = r.unwrap_err();
        assert!(e.to_string().starts_with("cut.pb: OTLP protobuf file, but at byte "), "{e}");
    }
    // a length that runs past its enclosing message
    let mut broken = bytes.clone();
    let at = broken.len() - 30;
    broken[at..].fill(0xFF);
    let e = load("bad.pb", &broken).unwrap_err();
    assert!(e.to_string().starts_with("bad.pb: OTLP protobuf file, but at byte "), "{e}");
    // the collector file cut inside its second request
    let framed = fixture("collector-file-proto.binpb");
    let e = load("cut.binpb", &framed[..framed.len() - 3]).unwrap_err();
    assert!(e.to_string().contains("the file ends inside a message"), "{e}");
}

#[test]
fn metrics_are_named_as_metrics() {
    // ExportMetricsServiceRequest(resource_metrics=[ResourceMetrics(scope_metrics=[ScopeMetrics(
    // metrics=[Metric(name="m", gauge=Gauge(data_points=[NumberDataPoint(as_int=1)]))])])])
    // .SerializeToString().hex() with python's opentelemetry-proto 1.29.0
    let hex = "0a14121212100a016d2a0b0a09310100000000000000";
    let request: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    let e = load("m.pb", &request).unwrap_err();
    assert!(e.to_string().contains("OTLP metrics"), "{e}");
}

#[test]
fn damage_at_any_byte_is_an_error_or_a_reading_never_a_panic() {
    // every byte of the SDK's request and of the collector file overwritten in turn, whole and
    // (for the request) in pieces of 7 bytes: the reader either reads on or names the file
    for name in ["sdk-1.29.0-traces-plain.pb", "collector-file-proto.binpb"] {
        let bytes = fixture(name);
        for at in 0..bytes.len() {
            for value in [0x00, 0xFF, 0x0A] {
                let mut broken = bytes.clone();
                broken[at] = value;
                if let Err(e) = load(name, &broken) {
                    assert_eq!(e.file, name);
                }
                if name.ends_with(".pb") && at % 5 == 0 {
                    let mut s = Stream::new(name);
                    let r = broken.chunks(7).try_for_each(|p| s.push(p)).and_then(|()| s.finish().map(|_| ()));
                    if let Err(e) = r {
                        assert_eq!(e.file, name);
                    }
                }
            }
        }
    }
}
