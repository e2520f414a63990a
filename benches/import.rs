//! Host benchmarks of the pure core (`cargo bench`): importing OTLP JSON shaped like `bench/gen.mjs`
//! (an 8-ary tree of agent/chain/LLM/tool/retriever spans, LLM spans with chat messages), Canopy's
//! own format, and building the tree, so import regressions show without a browser.

// The benchmarks (and criterion) exist on the host only; a wasm build of this target is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    host::benches();
    criterion::Criterion::default().configure_from_args().final_summary();
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use canopy::import;
    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::hint::black_box;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts live heap bytes and their peak, so the bench can say what an import holds at most.
    struct Counting;
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(l) };
            if !p.is_null() {
                let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            }
            p
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            unsafe { System.dealloc(p, l) };
            LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        }
    }

    #[global_allocator]
    static ALLOC: Counting = Counting;

    /// Peak heap during one import beyond what was live before it (the input bytes are not counted).
    fn peak_of_import(bytes: &[u8], streamed: bool) -> (usize, usize) {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let set = if streamed { stream(bytes) } else { import::load("bench.json", bytes) }.map(|l| l.set);
        let peak = PEAK.load(Ordering::Relaxed) - before;
        let kept = LIVE.load(Ordering::Relaxed) - before;
        drop(set);
        (peak, kept)
    }

    /// The file given in 64 KiB pieces, as a download arrives.
    fn stream(bytes: &[u8]) -> Result<import::Loaded, import::LoadError> {
        let mut s = import::Stream::new("bench.json");
        for piece in bytes.chunks(64 << 10) {
            s.push(piece)?;
        }
        s.finish()
    }

    const LOREM: &str = "The quarterly report shows revenue growth driven by subscriptions, with churn stable and \
                         support volume down after the onboarding redesign. ";

    /// The same document `bench/gen.mjs` writes with `payloads: 'llm'` (the light file: messages on
    /// LLM spans only), so the host numbers stay comparable with earlier runs.
    fn otlp(n: usize) -> String {
        let kinds = ["CHAIN", "LLM", "TOOL", "RETRIEVER"];
        let t0: u64 = 1_700_000_000_000_000_000;
        let s = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{{"stringValue":{}}}}}"#, json_str(v));
        let i_ = |k: &str, v: usize| format!(r#"{{"key":"{k}","value":{{"intValue":"{v}"}}}}"#);
        let mut spans = Vec::with_capacity(n);
        for i in 0..n {
            let kind = if i == 0 { "AGENT" } else { kinds[i % 4] };
            let start = t0 + i as u64 * 1_000_000;
            let end = start + 5_000_000 + ((i * 7919) % 50) as u64 * 1_000_000;
            let mut attrs = vec![s("openinference.span.kind", kind)];
            if kind == "LLM" {
                attrs.push(s("llm.model_name", "gpt-4o-mini"));
                attrs.push(i_("llm.token_count.prompt", 100 + i % 900));
                attrs.push(i_("llm.token_count.completion", 10 + i % 90));
                attrs.push(i_("llm.token_count.total", 110 + i % 900 + i % 90));
                attrs.push(s("llm.input_messages.0.message.role", "system"));
                attrs.push(s("llm.input_messages.0.message.content", &format!("You are an analyst. {LOREM}")));
                attrs.push(s("llm.input_messages.1.message.role", "user"));
                attrs.push(s("llm.input_messages.1.message.content", &format!("Question {i}: {}", LOREM.repeat(4))));
                attrs.push(s("llm.output_messages.0.message.role", "assistant"));
                attrs.push(s("llm.output_messages.0.message.content", &format!("Answer {i}: {}", LOREM.repeat(3))));
            } else {
                attrs.push(s("input.value", &format!(r#"{{"step": {i}, "query": "{}"}}"#, &LOREM[..60])));
            }
            let parent = if i > 0 { format!(r#","parentSpanId":"{:016x}""#, (i - 1) / 8 + 1) } else { String::new() };
            let status = if i % 997 == 13 { r#"{"code":2,"message":"synthetic failure"}"# } else { "{}" };
            spans.push(format!(
                r#"{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"{:016x}","name":"{}-{i}","kind":1,"startTimeUnixNano":"{start}","endTimeUnixNano":"{end}","attributes":[{}],"status":{status}{parent}}}"#,
                i + 1,
                kind.to_lowercase(),
                attrs.join(",")
            ));
        }
        format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"bench"}},"spans":[{}]}}]}}]}}"#,
            s("service.name", "bench"),
            spans.join(",")
        )
    }

    fn json_str(v: &str) -> String {
        let mut out = String::from("\"");
        for c in v.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn imports(c: &mut Criterion) {
        for n in [10_000usize, 100_000] {
            let body = otlp(n);
            for streamed in [false, true] {
                let (peak, kept) = peak_of_import(body.as_bytes(), streamed);
                let mb = |b: usize| b as f64 / 1e6;
                eprintln!(
                    "memory: OTLP {n} spans{}, file {:.1} MB: import peak {:.1} MB ({:.2}x the file), model kept {:.1} MB",
                    if streamed { " in 64 KiB pieces" } else { "" },
                    mb(body.len()),
                    mb(peak),
                    peak as f64 / body.len() as f64,
                    mb(kept)
                );
            }
        }
        let mut g = c.benchmark_group("import");
        g.sample_size(10);
        for n in [1_000usize, 10_000] {
            let body = otlp(n);
            g.throughput(Throughput::Bytes(body.len() as u64));
            g.bench_with_input(BenchmarkId::new("otlp", n), body.as_bytes(), |b, bytes| {
                b.iter(|| black_box(import::load("bench.json", bytes).map(|l| l.set.observation_count())))
            });
            g.bench_with_input(BenchmarkId::new("otlp-in-64KiB-pieces", n), body.as_bytes(), |b, bytes| {
                b.iter(|| black_box(stream(bytes).map(|l| l.set.observation_count())))
            });
            g.bench_with_input(BenchmarkId::new("scan-only-baseline", n), body.as_bytes(), |b, bytes| {
                b.iter(|| black_box(serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()))
            });
            let set = import::load("bench.json", body.as_bytes()).expect("generated OTLP opens").set;
            let canopy_json = import::canopy::write(&set, None);
            g.throughput(Throughput::Bytes(canopy_json.len() as u64));
            g.bench_with_input(BenchmarkId::new("canopy", n), canopy_json.as_bytes(), |b, bytes| {
                b.iter(|| black_box(import::load("bench.canopy.json", bytes).map(|l| l.set.observation_count())))
            });
        }
        g.finish();
    }

    fn tree(c: &mut Criterion) {
        let body = otlp(10_000);
        let set = import::load("bench.json", body.as_bytes()).expect("generated OTLP opens").set;
        let trace = &set.traces[0];
        c.bench_function("tree/build 10000", |b| {
            b.iter(|| {
                let mut warnings = Vec::new();
                black_box(canopy::model::tree::Tree::build(&trace.observations, &trace.id, "bench", &mut warnings))
            })
        });
    }

    /// One filter keystroke on a 100k trace: parse the query, filter, list the visible rows.
    fn filter(c: &mut Criterion) {
        let body = otlp(100_000);
        let set = import::load("bench.json", body.as_bytes()).expect("generated OTLP opens").set;
        let trace = &set.traces[0];
        let none = std::collections::HashSet::new();
        use canopy::model::filter::{apply_with, visible_rows, Query, TextIndex};
        c.bench_function("filter/index 100000 (first keystroke only)", |b| b.iter(|| black_box(TextIndex::new(trace))));
        let index = TextIndex::new(trace);
        for q in ["k", "kind:tool", "llm-4"] {
            c.bench_function(&format!("filter/keystroke 100000 {q:?}"), |b| {
                b.iter(|| {
                    let f = apply_with(trace, &Query::parse(q), &index);
                    black_box(visible_rows(trace, &none, f.as_ref()).len())
                })
            });
        }
    }

    /// Writing a 10k trace in each export format (from the model, span by span).
    fn exports(c: &mut Criterion) {
        use canopy::export::{write, ExportFormat};
        let body = otlp(10_000);
        let set = import::load("bench.json", body.as_bytes()).expect("generated OTLP opens").set;
        let mut g = c.benchmark_group("export");
        g.sample_size(10);
        for (name, format) in
            [("otlp", ExportFormat::Otlp), ("langfuse", ExportFormat::Langfuse), ("canopy", ExportFormat::Canopy)]
        {
            g.bench_function(format!("{name} 10000"), |b| b.iter(|| black_box(write(&set, format, None).len())));
        }
        g.finish();
    }

    criterion_group!(benches, imports, tree, filter, exports);
}
