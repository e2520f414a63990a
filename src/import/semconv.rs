//! Span attribute conventions mapped onto the model: OpenInference, OpenTelemetry GenAI, Langfuse's
//! own `langfuse.*`, Vercel AI SDK `ai.*`. Shared by every OTLP-shaped importer.

use crate::model::hash::IdMap;
use crate::model::key::Key;
use crate::model::order;
use crate::model::payload::write_json_str;
use crate::model::time::parse_rfc3339_ns;
use crate::model::{AttrValue, Attribute, Cost, Document, Kind, Level, Observation, Payload, Usage};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Trace-level facts found on a span.
#[derive(Debug, Default)]
pub struct TraceIds {
    pub name: Option<String>,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub tags: Vec<String>,
}

impl TraceIds {
    /// Adds what one more span says (the first span to name each fact wins).
    pub fn absorb(&mut self, ids: TraceIds) {
        self.name = self.name.take().or(ids.name);
        self.session_id = self.session_id.take().or(ids.session_id);
        self.user_id = self.user_id.take().or(ids.user_id);
        for t in ids.tags {
            if !self.tags.contains(&t) {
                self.tags.push(t);
            }
        }
    }

    /// Sets the trace-level facts found on its spans (the first span to name each wins).
    pub fn apply_to(self, t: &mut crate::model::Trace) {
        t.name = t.name.take().or(self.name);
        t.session_id = t.session_id.take().or(self.session_id);
        t.user_id = t.user_id.take().or(self.user_id);
        for tag in self.tags {
            if !t.tags.contains(&tag) {
                t.tags.push(tag);
            }
        }
    }
}

/// `apply` on every observation of one trace, gathering the trace-level facts they carry.
pub fn apply_all(obs: &mut [Observation]) -> TraceIds {
    let mut all = TraceIds::default();
    for o in obs {
        all.absorb(apply(o));
    }
    all
}

/// Keys deeper than this are left as plain attributes instead of being rebuilt into messages.
const MAX_SEGMENTS: usize = 24;

/// Fills kind, model, usage, cost, input/output, tool, documents, level from `o.attributes`, and
/// removes the attributes whose content moved into those fields (all others stay, shown as-is).
pub fn apply(o: &mut Observation) -> TraceIds {
    let idx = Index::new(&o.attributes);
    let get = |k: &str| idx.get(k).map(|i| &o.attributes[i].value);
    let text = |k: &str| {
        get(k).map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.display())).filter(|s| !s.is_empty())
    };
    let first_text = |keys: &[&str]| keys.iter().find_map(|k| text(k));
    let first_u64 = |keys: &[&str]| keys.iter().find_map(|k| get(k).and_then(AttrValue::as_u64));
    let first_f64 = |keys: &[&str]| keys.iter().find_map(|k| get(k).and_then(AttrValue::as_f64));
    // attributes whose content moves into fields, by position (no key copies, no hashing per span)
    // (on the stack for the usual few dozen attributes: this runs for every span)
    let mut on_stack = [false; 64];
    let mut on_heap = Vec::new();
    let consumed: &mut [bool] = match on_stack.get_mut(..o.attributes.len()) {
        Some(flags) => flags,
        None => {
            on_heap.resize(o.attributes.len(), false);
            &mut on_heap
        }
    };

    // Kind
    let kind = first_text(&["openinference.span.kind", "langfuse.observation.type"])
        .and_then(|k| Kind::from_name(&k))
        .or_else(|| text("gen_ai.operation.name").and_then(|op| genai_kind(&op)))
        .or_else(|| text("ai.operationId").and_then(|op| vercel_kind(&op)));

    let model = first_text(&[
        "embedding.model_name",
        "reranker.model_name",
        "llm.model_name",
        "gen_ai.response.model",
        "gen_ai.request.model",
        "langfuse.observation.model.name",
        "ai.model.id",
    ]);

    // Usage and cost
    let mut usage = Usage {
        input: first_u64(&[
            "llm.token_count.prompt",
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.prompt_tokens",
            "ai.usage.promptTokens",
        ]),
        output: first_u64(&[
            "llm.token_count.completion",
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens",
            "ai.usage.completionTokens",
        ]),
        total: first_u64(&["llm.token_count.total", "gen_ai.usage.total_tokens"]),
        details: Vec::new(),
    };
    // (most keys start with neither prefix's first byte)
    for a in o.attributes.iter().filter(|a| matches!(a.key.as_bytes().first(), Some(b'l' | b'g'))) {
        let detail = a.key.strip_prefix("llm.token_count.").filter(|k| k.contains("_details.")).or_else(|| {
            a.key.strip_prefix("gen_ai.usage.").filter(|k| {
                !matches!(
                    *k,
                    "input_tokens" | "output_tokens" | "prompt_tokens" | "completion_tokens" | "total_tokens" | "cost"
                )
            })
        });
        if let (Some(k), Some(n)) = (detail, a.value.as_u64()) {
            usage.details.push((k.to_string(), n));
        }
    }
    if usage.is_empty() {
        if let Some(map) = text("langfuse.observation.usage_details")
            .and_then(|s| serde_json::from_str::<BTreeMap<String, f64>>(&s).ok())
        {
            for (k, v) in map {
                let n = v.max(0.0).round() as u64;
                match k.as_str() {
                    "input" => usage.input = Some(n),
                    "output" => usage.output = Some(n),
                    "total" => usage.total = Some(n),
                    _ => usage.details.push((k, n)),
                }
            }
        }
    }
    if usage.total_tokens() == 0 && usage.details.iter().all(|d| d.1 == 0) {
        usage = Usage::default();
    }
    let mut cost = Cost { total: first_f64(&["llm.cost.total", "gen_ai.usage.cost"]), details: Vec::new() };
    for (k, name) in [("llm.cost.prompt", "input"), ("llm.cost.completion", "output")] {
        if let Some(v) = get(k).and_then(AttrValue::as_f64) {
            cost.details.push((name.into(), v));
        }
    }
    if cost.total.is_none() {
        if let Some(map) = text("langfuse.observation.cost_details")
            .and_then(|s| serde_json::from_str::<BTreeMap<String, f64>>(&s).ok())
        {
            for (k, v) in map {
                if k == "total" {
                    cost.total = Some(v);
                } else {
                    cost.details.push((k, v));
                }
            }
            if cost.total.is_none() && !cost.details.is_empty() {
                cost.total = Some(cost.details.iter().map(|d| d.1).sum());
            }
        }
    }

    // Messages and payloads
    let flat = Flattened::of(&o.attributes);
    let unflatten = |tree: usize, consumed: &mut [bool]| flat.unflatten(&o.attributes, tree, consumed);
    let in_messages = unflatten(LLM_INPUT, consumed).or_else(|| unflatten(GENAI_PROMPT, consumed));
    let out_messages = unflatten(LLM_OUTPUT, consumed).or_else(|| unflatten(GENAI_COMPLETION, consumed));
    let pick = |keys: &[&str], consumed: &mut [bool]| -> Option<Payload> {
        keys.iter().find_map(|k| {
            let i = idx.get(k)?;
            consumed[i] = true;
            Some(payload_of(&o.attributes[i].value))
        })
    };
    let input = match in_messages {
        Some(tree) => Some(tree.to_payload()),
        None => pick(
            &[
                "gen_ai.input.messages",
                "input.value",
                "langfuse.observation.input",
                "ai.prompt.messages",
                "ai.prompt",
                "gen_ai.tool.call.arguments",
                "ai.toolCall.args",
                "tool.parameters",
                "reranker.query",
                "gen_ai.prompt",
            ],
            consumed,
        ),
    };
    let output = match out_messages {
        Some(tree) => Some(tree.to_payload()),
        None => pick(
            &[
                "gen_ai.output.messages",
                "output.value",
                "langfuse.observation.output",
                "ai.response.text",
                "gen_ai.tool.call.result",
                "ai.toolCall.result",
                "gen_ai.completion",
            ],
            consumed,
        ),
    };
    // Older GenAI instrumentations record messages as span events instead of attributes.
    let (event_in, event_out) = messages_from_events(&o.events);
    let input = input.or(event_in);
    let output = output.or(event_out);
    let model_parameters = pick(&["llm.invocation_parameters", "langfuse.observation.model.parameters"], consumed)
        .or_else(|| {
            let mut m = Map::new();
            for a in &o.attributes {
                if let Some(k) = a.key.strip_prefix("gen_ai.request.") {
                    if k != "model" {
                        m.insert(k.to_string(), attr_json(&a.value));
                    }
                }
            }
            (!m.is_empty()).then(|| Payload::from_value(&Value::Object(m)))
        });

    // Retrieved documents; for rerankers the output order (the ranking that mattered), with the
    // input order kept as an attribute.
    let documents: Vec<Draft> = unflatten(RETRIEVAL, consumed)
        .or_else(|| unflatten(RERANKER_OUTPUT, consumed))
        .map(|tree| tree.to_documents())
        .unwrap_or_default();
    let reranker_input = unflatten(RERANKER_INPUT, consumed).map(|t| t.to_value());
    let embeddings = unflatten(EMBEDDINGS, consumed).map(|t| t.to_value());
    let tool_name = first_text(&["tool.name", "gen_ai.tool.name", "ai.toolCall.name"]);
    let level = text("langfuse.observation.level").and_then(|l| Level::from_name(&l));
    let status = text("langfuse.observation.status_message");
    let completion_start = text("langfuse.observation.completion_start_time")
        .and_then(|s| parse_rfc3339_ns(s.trim_matches('"')))
        .or_else(|| {
            o.events
                .iter()
                .filter(|e| {
                    let n = e.name.to_ascii_lowercase();
                    n.contains("first_token") || n.contains("first token")
                })
                .map(|e| e.time_ns)
                .min()
        });
    let ids = TraceIds {
        name: first_text(&["langfuse.trace.name"]),
        session_id: first_text(&["session.id", "gen_ai.conversation.id", "langfuse.session.id"]),
        user_id: first_text(&["user.id", "langfuse.user.id", "enduser.id"]),
        tags: ["tag.tags", "langfuse.trace.tags"].iter().filter_map(|k| get(k)).flat_map(tags_of).collect(),
    };

    // Apply.
    if let Some(k) = kind {
        o.kind = k;
    } else if o.kind == Kind::Span && model.is_some() && !usage.is_empty() {
        o.kind = Kind::Generation;
    }
    o.model = model.as_deref().map(Key::new).or(o.model.take());
    if !usage.is_empty() {
        o.usage = usage;
    }
    if !cost.is_empty() {
        o.cost = cost;
    }
    o.input = input.or(o.input.take());
    o.output = output.or(o.output.take());
    o.model_parameters = model_parameters.or(o.model_parameters.take());
    if !documents.is_empty() {
        // the texts move out of their attributes, which are consumed (removed just below)
        o.documents = documents.into_iter().map(|d| d.resolve(&mut o.attributes)).collect();
    }
    o.tool_name = tool_name;
    if let Some(l) = level {
        // an error status stays an error; otherwise the stated level (DEBUG included) holds
        o.level = if o.level == Level::Default { l } else { o.level.max(l) };
    }
    if o.status_message.is_none() {
        o.status_message = status.or_else(|| exception_summary(o));
    }
    o.completion_start_ns = completion_start.or(o.completion_start_ns);
    if consumed.contains(&true) {
        let mut flags = consumed.iter().copied();
        o.attributes.retain(|_| !flags.next().unwrap_or(false));
    }
    if let Some(v) = reranker_input {
        o.attributes.push(Attribute {
            key: "reranker.input_documents".into(),
            value: AttrValue::Json(Payload::from_value(&v)),
        });
    }
    if let Some(Value::Array(items)) = embeddings {
        // vectors are summarised by their size: thousands of floats help no one reading a trace
        let summary: Vec<Value> = items
            .into_iter()
            .map(|e| {
                let dims = e.get("vector").and_then(Value::as_array).map(Vec::len);
                let mut m = Map::new();
                if let Some(t) = e.get("text") {
                    m.insert("text".into(), t.clone());
                }
                if let Some(d) = dims {
                    m.insert("vector_dimensions".into(), Value::from(d));
                }
                Value::Object(m)
            })
            .collect();
        o.attributes.push(Attribute {
            key: "embedding.embeddings".into(),
            value: AttrValue::Json(Payload::from_value(&Value::Array(summary))),
        });
    }
    // what moved into fields leaves room behind: on a million spans that room is hundreds of MB
    o.attributes.shrink_to_fit();
    ids
}

/// Messages from GenAI span events: `gen_ai.{system,user,assistant,tool}.message` and
/// `gen_ai.choice` (role and content in the event's attributes), and the older
/// `gen_ai.content.prompt`/`gen_ai.content.completion` events carrying `gen_ai.prompt`/`gen_ai.completion`.
fn messages_from_events(events: &[crate::model::Event]) -> (Option<Payload>, Option<Payload>) {
    let mut input = Vec::new();
    let mut output = Vec::new();
    let mut raw_in = None;
    let mut raw_out = None;
    for e in events {
        let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
        let role = match e.name.as_str() {
            "gen_ai.system.message" => "system",
            "gen_ai.user.message" => "user",
            "gen_ai.assistant.message" => "assistant",
            "gen_ai.tool.message" => "tool",
            "gen_ai.choice" => {
                let content = get("message").or_else(|| get("gen_ai.event.content")).or_else(|| get("content"));
                if let Some(c) = content {
                    output.push(event_message("assistant", &c));
                }
                continue;
            }
            "gen_ai.content.prompt" => {
                raw_in = raw_in.or_else(|| get("gen_ai.prompt"));
                continue;
            }
            "gen_ai.content.completion" => {
                raw_out = raw_out.or_else(|| get("gen_ai.completion"));
                continue;
            }
            _ => continue,
        };
        if let Some(c) = get("content").or_else(|| get("gen_ai.event.content")) {
            input.push(event_message(role, &c));
        }
    }
    let pack = |msgs: Vec<Value>, raw: Option<String>| {
        if !msgs.is_empty() {
            Some(Payload::from_value(&Value::Array(msgs)))
        } else {
            raw.map(|r| Payload::from_text(&r))
        }
    };
    (pack(input, raw_in), pack(output, raw_out))
}

/// One message from an event's content, which may itself be JSON (`{"role":…, "content":…}`).
fn event_message(role: &str, content: &str) -> Value {
    match serde_json::from_str::<Value>(content) {
        Ok(Value::Object(mut m)) => {
            m.entry("role").or_insert_with(|| Value::from(role));
            Value::Object(m)
        }
        _ => {
            let mut m = Map::new();
            m.insert("role".into(), Value::from(role));
            m.insert("content".into(), Value::from(content));
            Value::Object(m)
        }
    }
}

fn genai_kind(op: &str) -> Option<Kind> {
    Some(match op {
        "chat" | "text_completion" | "generate_content" | "completion" => Kind::Generation,
        "embeddings" | "embedding" => Kind::Embedding,
        "execute_tool" => Kind::Tool,
        "invoke_agent" | "create_agent" => Kind::Agent,
        _ => return None,
    })
}

fn vercel_kind(op: &str) -> Option<Kind> {
    if op.ends_with(".doGenerate") || op.ends_with(".doStream") {
        Some(Kind::Generation)
    } else if op == "ai.toolCall" {
        Some(Kind::Tool)
    } else if op.starts_with("ai.embed") {
        Some(Kind::Embedding)
    } else {
        None
    }
}

fn exception_summary(o: &Observation) -> Option<String> {
    let e = o.events.iter().find(|e| e.is_exception())?;
    let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
    match (get("exception.type"), get("exception.message")) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (t, m) => t.or(m),
    }
}

fn tags_of(v: &AttrValue) -> Vec<String> {
    match v {
        AttrValue::Array(items) => items.iter().map(AttrValue::display).collect(),
        AttrValue::Str(s) => serde_json::from_str::<Vec<String>>(s).unwrap_or_else(|_| vec![s.clone()]),
        other => vec![other.display()],
    }
}

fn payload_of(v: &AttrValue) -> Payload {
    match v {
        AttrValue::Str(s) => Payload::from_text(s),
        AttrValue::Json(p) => p.clone(),
        other => Payload::from_value(&attr_json(other)),
    }
}

fn attr_json(v: &AttrValue) -> Value {
    match v {
        AttrValue::Str(s) | AttrValue::Bytes(s) => Value::String(s.clone()),
        AttrValue::Int(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(s.clone())),
        AttrValue::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Array(items) => Value::Array(items.iter().map(attr_json).collect()),
        AttrValue::Map(entries) => {
            Value::Object(entries.iter().map(|a| (a.key.to_string(), attr_json(&a.value))).collect())
        }
        AttrValue::Json(p) => serde_json::from_str(p.raw()).unwrap_or(Value::Null),
    }
}

fn documents_of(v: &Value) -> Vec<Document> {
    match v {
        Value::Array(items) => items.iter().map(document).collect(),
        _ => Vec::new(),
    }
}

fn document(v: &Value) -> Document {
    let s = |k: &str| v.get(k).map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()));
    Document {
        id: s("id"),
        content: s("content"),
        score: v.get("score").and_then(|x| x.as_f64().or_else(|| x.as_str().and_then(crate::model::units::parse_f64))),
        metadata: s("metadata"),
    }
}

/// The prefixes of the flattened trees `apply` rebuilds, by position in a `Flattened` mask.
const FLATTENED: [&str; 8] = [
    "llm.input_messages",
    "gen_ai.prompt",
    "llm.output_messages",
    "gen_ai.completion",
    "retrieval.documents",
    "reranker.output_documents",
    "reranker.input_documents",
    "embedding.embeddings",
];
const LLM_INPUT: usize = 0;
const GENAI_PROMPT: usize = 1;
const LLM_OUTPUT: usize = 2;
const GENAI_COMPLETION: usize = 3;
const RETRIEVAL: usize = 4;
const RERANKER_OUTPUT: usize = 5;
const RERANKER_INPUT: usize = 6;
const EMBEDDINGS: usize = 7;

/// Which of the `FLATTENED` trees a span's attributes hold, found in one pass over their keys:
/// most spans hold none, and each `unflatten` compares every key with its prefix.
struct Flattened(u8);

impl Flattened {
    fn of(attrs: &[Attribute]) -> Self {
        let mut found = 0u8;
        for a in attrs {
            // the first byte picks the few prefixes a key can start with
            let candidates: &[usize] = match a.key.as_bytes().first() {
                Some(b'l') => &[LLM_INPUT, LLM_OUTPUT],
                Some(b'g') => &[GENAI_PROMPT, GENAI_COMPLETION],
                Some(b'r') => &[RETRIEVAL, RERANKER_OUTPUT, RERANKER_INPUT],
                Some(b'e') => &[EMBEDDINGS],
                _ => &[],
            };
            for &t in candidates {
                // as `unflatten` matches a key: the prefix, then a dot
                if a.key.strip_prefix(FLATTENED[t]).is_some_and(|rest| rest.starts_with('.')) {
                    found |= 1 << t;
                }
            }
        }
        Flattened(found)
    }

    fn unflatten<'a>(&self, attrs: &'a [Attribute], tree: usize, consumed: &mut [bool]) -> Option<Node<'a>> {
        if self.0 & (1 << tree) == 0 {
            return None;
        }
        unflatten(attrs, FLATTENED[tree], consumed)
    }
}

/// Rebuilds flattened attributes (`prefix.0.message.role`, `prefix.0.message.tool_calls.1.tool_call.id`)
/// into a tree: numeric segments become array positions, and the one-key wrappers OpenInference
/// adds (`message`, `tool_call`, `message_content`, `document`) are removed when it is written.
/// Marks the keys used. The leaves stay borrowed: messages are written as JSON text directly.
fn unflatten<'a>(attrs: &'a [Attribute], prefix: &str, consumed: &mut [bool]) -> Option<Node<'a>> {
    let mut root = Node::Obj(Keyed::default());
    let mut any = false;
    for (i, a) in attrs.iter().enumerate() {
        let Some(rest) = a.key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        // on the stack: this runs for every message attribute of every span
        let mut segments = [""; MAX_SEGMENTS];
        let mut n = 0;
        for seg in rest.split('.') {
            if n == MAX_SEGMENTS || seg.is_empty() {
                n = MAX_SEGMENTS + 1;
                break;
            }
            segments[n] = seg;
            n += 1;
        }
        if n > MAX_SEGMENTS {
            continue;
        }
        if root.insert(&segments[..n], &a.value, i) {
            consumed[i] = true;
            any = true;
        }
    }
    sort_objects(&mut root);
    any.then_some(root)
}

/// Orders every object's entries by key, once the tree is built: `find` and the writers read
/// them in that order. The keys of an object are distinct, so this is the order a `BTreeMap` keeps.
fn sort_objects(root: &mut Node<'_>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if let Node::Obj(map) = node {
            map.1 = None;
            order::sort_by(&mut map.0, |a, b| a.0.cmp(b.0));
            stack.extend(map.0.iter_mut().map(|(_, v)| v));
        }
    }
}

/// Finds an attribute by key (the first with it): a scan over the usual dozen, a map for spans
/// that carry hundreds. `apply` asks for some sixty keys a span mostly does not have, so a mask
/// of the keys' lengths and last bytes answers most of them without looking at one key.
struct Index<'a> {
    attrs: &'a [Attribute],
    map: Option<HashMap<&'a str, usize>>,
    present: [u64; 2],
}

/// The word and bit of `key` in a 128-bit mask, kept as two `u64`s (a `u128` shift is a call
/// into compiler-rt on wasm32).
fn mask_bit(key: &str) -> (usize, u64) {
    let last = key.as_bytes().last().copied().unwrap_or(0);
    let bit = (key.len().wrapping_mul(31) + usize::from(last)) % 128;
    (bit / 64, 1u64 << (bit % 64))
}

impl<'a> Index<'a> {
    const SCAN_UP_TO: usize = 48;

    fn new(attrs: &'a [Attribute]) -> Self {
        let map = (attrs.len() > Self::SCAN_UP_TO)
            .then(|| attrs.iter().enumerate().rev().map(|(i, a)| (a.key.as_str(), i)).collect());
        let mut present = [0u64; 2];
        for a in attrs {
            let (word, bit) = mask_bit(&a.key);
            present[word] |= bit;
        }
        Index { attrs, map, present }
    }

    fn get(&self, key: &str) -> Option<usize> {
        let (word, bit) = mask_bit(key);
        if self.present[word] & bit == 0 {
            return None;
        }
        match &self.map {
            Some(m) => m.get(key).copied(),
            None => self.attrs.iter().position(|a| a.key == key),
        }
    }
}

/// Flattened attributes put back into their tree (keys borrowed from the attributes).
enum Node<'a> {
    /// A value, and the position of its attribute.
    Leaf(&'a AttrValue, usize),
    Obj(Keyed<'a>),
}

/// An object of the tree: its entries in key order (as a `BTreeMap` keeps them), in a plain list.
/// Objects here have a handful of keys; a `BTreeMap` allocated a 544-byte node for each of them.
/// While `unflatten` builds the tree, entries are appended and found by a scan, or through an
/// index past `SCAN_UP_TO` entries; `sort_objects` then orders each object once. (A sorted insert
/// moved half the list each time: 12 s for a span with 200,000 keys.)
#[derive(Default)]
struct Keyed<'a>(Vec<(&'a str, Node<'a>)>, Option<IdMap<&'a str, usize>>);

impl<'a> Keyed<'a> {
    const SCAN_UP_TO: usize = 16;

    /// Once sorted: where `key` is, or would be.
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (*k).cmp(key))
    }
    /// While building: the entry with `key`.
    fn slot(&self, key: &str) -> Option<usize> {
        match &self.1 {
            Some(index) => index.get(key).copied(),
            None => self.0.iter().position(|(k, _)| *k == key),
        }
    }
    fn push(&mut self, key: &'a str, value: Node<'a>) -> usize {
        let i = self.0.len();
        self.0.push((key, value));
        match &mut self.1 {
            Some(index) => {
                index.insert(key, i);
            }
            None if self.0.len() > Self::SCAN_UP_TO => {
                self.1 = Some(self.0.iter().enumerate().map(|(i, (k, _))| (*k, i)).collect());
            }
            None => {}
        }
        i
    }
    /// Adds `key` unless it is there already (then false: the first value of a key holds).
    fn insert_new(&mut self, key: &'a str, value: Node<'a>) -> bool {
        if self.slot(key).is_some() {
            return false;
        }
        self.push(key, value);
        true
    }
    /// The object under `key`, made empty if there is none.
    fn child(&mut self, key: &'a str) -> &mut Node<'a> {
        let i = match self.slot(key) {
            Some(i) => i,
            None => self.push(key, Node::Obj(Keyed::default())),
        };
        &mut self.0[i].1
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn iter(&self) -> impl Iterator<Item = (&&'a str, &Node<'a>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    fn keys(&self) -> impl Iterator<Item = &&'a str> {
        self.0.iter().map(|(k, _)| k)
    }
    fn values(&self) -> impl Iterator<Item = &Node<'a>> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// One-key objects OpenInference wraps values in; they are left out.
fn is_wrapper(key: &str) -> bool {
    matches!(key, "message" | "tool_call" | "message_content" | "document" | "embedding")
}

impl<'a> Node<'a> {
    fn insert(&mut self, path: &[&'a str], value: &'a AttrValue, at: usize) -> bool {
        let mut cur = self;
        for (i, seg) in path.iter().enumerate() {
            let Node::Obj(map) = cur else { return false };
            if i + 1 == path.len() {
                return map.insert_new(seg, Node::Leaf(value, at));
            }
            cur = map.child(seg);
        }
        false
    }

    /// An object whose keys are all positions is a list, in position order.
    fn as_list<'m>(map: &'m Keyed<'a>) -> Option<Vec<&'m Node<'a>>> {
        if map.is_empty() {
            return None;
        }
        // checked before the list is made: most objects are not lists
        if !map.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let mut items = Vec::with_capacity(map.len());
        for (k, v) in map.iter() {
            items.push((k.parse::<usize>().ok()?, v));
        }
        order::sort_by_key(&mut items, |(i, _)| *i);
        Some(items.into_iter().map(|(_, v)| v).collect())
    }

    /// The tree as a JSON value, wrappers removed.
    fn to_value(&self) -> Value {
        match self {
            Node::Leaf(v, _) => unwrap_wrappers(attr_json(v)),
            Node::Obj(map) => match Self::as_list(map) {
                Some(items) => Value::Array(items.into_iter().map(Node::to_value).collect()),
                None => match map.iter().next() {
                    Some((k, only)) if map.len() == 1 && is_wrapper(k) => only.to_value(),
                    _ => Value::Object(map.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
                },
            },
        }
    }

    /// The documents of a `retrieval.documents` tree: what `documents_of(&self.to_value())` gives,
    /// read from the tree (no JSON value of each document, its texts copied twice, for every
    /// retriever span). Shapes other than a list of flat documents go through the value.
    fn to_documents(&self) -> Vec<Draft> {
        let whole = || documents_of(&self.to_value()).into_iter().map(Draft::Done).collect();
        let Node::Obj(map) = self else { return whole() };
        let Some(items) = Self::as_list(map) else { return whole() };
        items
            .into_iter()
            .map(|item| item.to_document().unwrap_or_else(|| Draft::Done(document(&item.to_value()))))
            .collect()
    }

    /// One document from its fields, or `None` for a shape `document` has to read from the value.
    /// Texts that are whole attributes are taken from them later, not copied.
    fn to_document(&self) -> Option<Draft> {
        let mut node = self;
        let fields = loop {
            let Node::Obj(map) = node else { return None };
            if Self::as_list(map).is_some() {
                return None;
            }
            match map.iter().next() {
                Some((k, only)) if map.len() == 1 && is_wrapper(k) => node = only,
                _ => break map,
            }
        };
        let field = |k: &str| fields.find(k).ok().map(|i| &fields.0[i].1);
        let text = |k: &str| match field(k) {
            None => Text::None,
            Some(Node::Leaf(AttrValue::Str(_), at)) => Text::Take(*at),
            Some(other) => {
                let v = other.to_value();
                Text::Done(v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
            }
        };
        let score = field("score").and_then(|n| match n {
            Node::Leaf(AttrValue::Float(f), _) => f.is_finite().then_some(*f),
            Node::Leaf(AttrValue::Str(s), _) => crate::model::units::parse_f64(s),
            other => {
                let v = other.to_value();
                v.as_f64().or_else(|| v.as_str().and_then(crate::model::units::parse_f64))
            }
        });
        Some(Draft::Fields { id: text("id"), content: text("content"), score, metadata: text("metadata") })
    }

    /// The same JSON as `to_value` would serialize to, written directly (no tree of copies of the
    /// message texts, and not parsed again to check it): this runs for every LLM span of a file.
    fn to_payload(&self) -> Payload {
        let written = Payload::write_with(|out| self.write(out));
        written.unwrap_or_else(|| Payload::from_value(&self.to_value()))
    }

    fn write_list<'n>(out: &mut Vec<u8>, items: impl Iterator<Item = &'n Node<'a>>)
    where
        'a: 'n,
    {
        out.push(b'[');
        for (n, item) in items.enumerate() {
            if n > 0 {
                out.push(b',');
            }
            item.write(out);
        }
        out.push(b']');
    }

    /// Written as `to_value` reads: lists in position order, wrappers left out. Depth is bounded
    /// by `MAX_SEGMENTS`.
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Leaf(AttrValue::Str(s), _) => write_json_str(out, s),
            Node::Leaf(v, _) => {
                if serde_json::to_writer(&mut *out, &unwrap_wrappers(attr_json(v))).is_err() {
                    out.extend_from_slice(b"null");
                }
            }
            // positions of one digit (most lists) are already in order in the map
            Node::Obj(map)
                if (1..=10).contains(&map.len())
                    && map.keys().all(|k| k.len() == 1 && k.as_bytes()[0].is_ascii_digit()) =>
            {
                Self::write_list(out, map.values())
            }
            Node::Obj(map) => match Self::as_list(map) {
                Some(items) => Self::write_list(out, items.into_iter()),
                None => match map.iter().next() {
                    Some((k, only)) if map.len() == 1 && is_wrapper(k) => only.write(out),
                    _ => {
                        out.push(b'{');
                        for (n, (k, v)) in map.iter().enumerate() {
                            if n > 0 {
                                out.push(b',');
                            }
                            write_json_str(out, k);
                            out.push(b':');
                            v.write(out);
                        }
                        out.push(b'}');
                    }
                },
            },
        }
    }
}

/// A document read from a flattened tree, its texts still in their attributes while the tree
/// borrows them.
enum Draft {
    Done(Document),
    Fields { id: Text, content: Text, score: Option<f64>, metadata: Text },
}

/// One text of a `Draft`.
enum Text {
    None,
    Done(String),
    /// The string of the attribute at this position.
    Take(usize),
}

impl Text {
    fn resolve(self, attrs: &mut [Attribute]) -> Option<String> {
        match self {
            Text::None => None,
            Text::Done(s) => Some(s),
            Text::Take(at) => match attrs.get_mut(at).map(|a| &mut a.value) {
                Some(AttrValue::Str(s)) => Some(std::mem::take(s)),
                _ => None,
            },
        }
    }
}

impl Draft {
    /// The document, its texts moved out of `attrs` (the attributes the tree was read from).
    fn resolve(self, attrs: &mut [Attribute]) -> Document {
        match self {
            Draft::Done(d) => d,
            Draft::Fields { id, content, score, metadata } => Document {
                id: id.resolve(attrs),
                content: content.resolve(attrs),
                score,
                metadata: metadata.resolve(attrs),
            },
        }
    }
}

fn unwrap_wrappers(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            if map.len() == 1 {
                let key = map.keys().next().cloned().unwrap_or_default();
                if is_wrapper(&key) {
                    if let Some(inner) = map.into_iter().next().map(|(_, v)| v) {
                        return unwrap_wrappers(inner);
                    }
                    return Value::Null;
                }
            }
            Value::Object(map.into_iter().map(|(k, v)| (k, unwrap_wrappers(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(unwrap_wrappers).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Decoded;

    fn attrs_from_flat_map(path: &str) -> Vec<Attribute> {
        let text = std::fs::read_to_string(path).unwrap();
        let map: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
        map.into_iter()
            .map(|(key, v)| Attribute {
                key: key.into(),
                value: match v {
                    Value::String(s) => AttrValue::Str(s),
                    Value::Number(n) if n.is_f64() => AttrValue::Float(n.as_f64().unwrap()),
                    Value::Number(n) => AttrValue::Int(n.to_string()),
                    Value::Bool(b) => AttrValue::Bool(b),
                    other => AttrValue::Str(other.to_string()),
                },
            })
            .collect()
    }

    fn fixture(name: &str) -> String {
        format!("{}/../shared/fixtures/openinference/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    /// The one-pass mask finds a tree exactly when `unflatten` over every key would.
    #[test]
    fn flattened_mask_agrees_with_unflatten() {
        let keys = [
            "llm.input_messages.0.message.role",
            "llm.input_messages",
            "llm.input_messagesX.0",
            "llm.output_messages.3.message.content",
            "llm.model_name",
            "gen_ai.prompt",
            "gen_ai.prompt.0.content",
            "gen_ai.completion.1.role",
            "gen_ai.completion",
            "retrieval.documents.0.document.id",
            "reranker.output_documents.2.document.score",
            "reranker.input_documents.0.document.id",
            "reranker.query",
            "embedding.embeddings.0.embedding.text",
            "embedding.model_name",
            "input.value",
            "",
        ];
        // every key alone, and all together
        let mut sets: Vec<Vec<&str>> = keys.iter().map(|k| vec![*k]).collect();
        sets.push(keys.to_vec());
        for set in sets {
            let attrs: Vec<Attribute> =
                set.iter().map(|k| Attribute { key: (*k).into(), value: AttrValue::Str("v".into()) }).collect();
            let flat = Flattened::of(&attrs);
            for (tree, prefix) in FLATTENED.iter().enumerate() {
                let mut a = vec![false; attrs.len()];
                let mut b = vec![false; attrs.len()];
                let masked = flat.unflatten(&attrs, tree, &mut a).map(|t| t.to_payload());
                let plain = unflatten(&attrs, prefix, &mut b).map(|t| t.to_payload());
                assert_eq!(masked, plain, "{prefix} in {set:?}");
                assert_eq!(a, b);
            }
        }
    }

    /// The messages' JSON written directly is byte for byte what serializing the value gives.
    #[test]
    fn flattened_messages_are_written_as_their_value_serializes() {
        let s = |k: &str, v: &str| Attribute { key: k.into(), value: AttrValue::Str(v.into()) };
        let other = |k: &str, value: AttrValue| Attribute { key: k.into(), value };
        let attrs = vec![
            s("m.1.message.role", "user"),
            s("m.0.message.role", "sys\"tem\n\u{1}é𝄞"),
            s("m.01.message.content", "zero-one"),
            s("m.+2.message.content", "plus two"),
            s("m.10.message.tool_calls.0.tool_call.function.name", "f"),
            other("m.10.message.tool_calls.0.tool_call.function.arguments", AttrValue::Int("12".into())),
            other("m.10.message.n", AttrValue::Int("99999999999999999999".into())),
            other("m.10.message.x", AttrValue::Float(f64::NAN)),
            other("m.10.message.y", AttrValue::Float(0.1)),
            other("m.10.message.b", AttrValue::Bool(true)),
            other(
                "m.3.message",
                AttrValue::Map(vec![Attribute { key: "message".into(), value: AttrValue::Str("wrapped".into()) }]),
            ),
            other("m.4.message.parts", AttrValue::Array(vec![AttrValue::Str("a".into()), AttrValue::Int("1".into())])),
            s("m.5.document.id", "d"),
            s("m.5.document.extra", "not a wrapper any more"),
            s("m.0.message.role", "duplicate: ignored"),
            s("m.6..role", "empty segment: ignored"),
            s("other.0.role", "another prefix"),
        ];
        let mut consumed = vec![false; attrs.len()];
        let tree = unflatten(&attrs, "m", &mut consumed).unwrap();
        let want = serde_json::to_string(&tree.to_value()).unwrap();
        assert_eq!(tree.to_payload().raw(), want);
        assert!(want.contains(r#""role":"sys\"tem\n\u0001é𝄞""#), "{want}");
        assert_eq!(consumed.iter().filter(|c| **c).count(), attrs.len() - 3);
        // every LLM, retriever and embedding span of the shared fixtures
        for f in ["openinference_client_span_tool_calls.json"] {
            let attrs = attrs_from_flat_map(&fixture(f));
            for prefix in ["llm.input_messages", "llm.output_messages", "retrieval.documents"] {
                let mut consumed = vec![false; attrs.len()];
                if let Some(tree) = unflatten(&attrs, prefix, &mut consumed) {
                    assert_eq!(tree.to_payload().raw(), serde_json::to_string(&tree.to_value()).unwrap());
                }
            }
        }
    }

    /// Documents read from the tree are the ones read from its JSON value, whatever the shape.
    #[test]
    fn documents_read_from_the_tree_equal_those_read_from_its_value() {
        let s = |k: &str, v: &str| Attribute { key: k.into(), value: AttrValue::Str(v.into()) };
        let other = |k: &str, value: AttrValue| Attribute { key: k.into(), value };
        let shapes: Vec<Vec<Attribute>> = vec![
            vec![
                s("d.1.document.content", "second \"quoted\""),
                s("d.0.document.content", "first"),
                other("d.0.document.score", AttrValue::Float(0.9)),
                s("d.1.document.score", "0.25"),
                other("d.2.document.score", AttrValue::Int("3".into())),
                other("d.3.document.score", AttrValue::Float(f64::NAN)),
                other("d.0.document.id", AttrValue::Int("17".into())),
                s("d.1.document.id", "doc-1"),
                s("d.0.document.metadata", r#"{"source":"a.md"}"#),
                s("d.1.document.metadata.source", "flattened"),
                other("d.2.document.metadata", AttrValue::Map(vec![s("page", "4")])),
                other("d.3.document.content", AttrValue::Array(vec![AttrValue::Str("a".into())])),
            ],
            // no wrapper, a wrapper around a wrapper, a list inside an item, and not a list at all
            vec![s("d.0.content", "bare"), s("d.1.document.document.content", "twice"), s("d.2.0.content", "list")],
            vec![s("d.a.content", "keyed, not a list")],
            vec![s("d.document.0.content", "wrapped list")],
            vec![other("d.0", AttrValue::Str("a string".into())), other("d.1", AttrValue::Float(1.5))],
        ];
        for attrs in shapes {
            let mut consumed = vec![false; attrs.len()];
            let tree = unflatten(&attrs, "d", &mut consumed).unwrap();
            let (drafts, want) = (tree.to_documents(), documents_of(&tree.to_value()));
            let mut taken = attrs.clone();
            let docs: Vec<Document> = drafts.into_iter().map(|d| d.resolve(&mut taken)).collect();
            assert_eq!(docs, want, "{attrs:?}");
        }
        let mut consumed = vec![false; 3];
        let mut attrs = vec![s("d.0.document.content", "x"), s("d.0.document.id", "i"), s("d.1.document.content", "y")];
        let drafts = unflatten(&attrs, "d", &mut consumed).unwrap().to_documents();
        let docs: Vec<Document> = drafts.into_iter().map(|d| d.resolve(&mut attrs)).collect();
        assert_eq!(docs.iter().map(|d| d.content.as_deref()).collect::<Vec<_>>(), [Some("x"), Some("y")]);
        assert_eq!(docs[0].id.as_deref(), Some("i"));
        // moved out of the (consumed) attributes, not copied
        assert!(attrs.iter().all(|a| a.value.as_str() == Some("")), "{attrs:?}");
    }

    /// Runs `apply` on a span holding `keys[first..]` (`value(i)` for key `i`, written in reverse
    /// order so that attribute order does not decide), for every `first`.
    fn each_first(
        keys: &[&str],
        value: &dyn Fn(usize) -> AttrValue,
        check: &mut dyn FnMut(usize, &Observation, &TraceIds),
    ) {
        for first in 0..keys.len() {
            let mut o = Observation::new("s", Kind::Span, "x", 0);
            o.attributes =
                (first..keys.len()).rev().map(|i| Attribute { key: keys[i].into(), value: value(i) }).collect();
            let ids = apply(&mut o);
            check(first, &o, &ids);
        }
    }

    fn marked(i: usize) -> AttrValue {
        AttrValue::Str(format!("<{i}>"))
    }

    /// Each field's keys, best first: with every key of a chain present the first wins, and with it
    /// removed the next. An input or output that loses is not consumed: it stays an attribute.
    #[test]
    fn precedence_between_conventions_holds_key_by_key() {
        let text_chains: [(&[&str], fn(&Observation, &TraceIds) -> Option<String>); 4] = [
            (
                &[
                    "embedding.model_name",
                    "reranker.model_name",
                    "llm.model_name",
                    "gen_ai.response.model",
                    "gen_ai.request.model",
                    "langfuse.observation.model.name",
                    "ai.model.id",
                ],
                |o, _| o.model.as_deref().map(str::to_string),
            ),
            (&["tool.name", "gen_ai.tool.name", "ai.toolCall.name"], |o, _| o.tool_name.clone()),
            (&["session.id", "gen_ai.conversation.id", "langfuse.session.id"], |_, ids| ids.session_id.clone()),
            (&["user.id", "langfuse.user.id", "enduser.id"], |_, ids| ids.user_id.clone()),
        ];
        for (keys, read) in text_chains {
            each_first(keys, &marked, &mut |first, o, ids| {
                assert_eq!(read(o, ids), Some(format!("<{first}>")), "{keys:?} from {first}");
            });
        }
        let int = |i: usize| AttrValue::Int((100 + i).to_string());
        let token_chains: [(&[&str], fn(&Observation) -> Option<u64>); 3] = [
            (
                &[
                    "llm.token_count.prompt",
                    "gen_ai.usage.input_tokens",
                    "gen_ai.usage.prompt_tokens",
                    "ai.usage.promptTokens",
                ],
                |o| o.usage.input,
            ),
            (
                &[
                    "llm.token_count.completion",
                    "gen_ai.usage.output_tokens",
                    "gen_ai.usage.completion_tokens",
                    "ai.usage.completionTokens",
                ],
                |o| o.usage.output,
            ),
            (&["llm.token_count.total", "gen_ai.usage.total_tokens"], |o| o.usage.total),
        ];
        for (keys, read) in token_chains {
            each_first(keys, &int, &mut |first, o, _| assert_eq!(read(o), Some(100 + first as u64), "{keys:?}"));
        }
        let float = |i: usize| AttrValue::Float(1.0 + i as f64);
        each_first(&["llm.cost.total", "gen_ai.usage.cost"], &float, &mut |first, o, _| {
            assert_eq!(o.cost.total, Some(1.0 + first as f64));
        });
        let payloads: [(&[&str], fn(&Observation) -> Option<&Payload>); 3] = [
            (
                &[
                    "llm.input_messages.0.message.content",
                    "gen_ai.prompt.0.content",
                    "gen_ai.input.messages",
                    "input.value",
                    "langfuse.observation.input",
                    "ai.prompt.messages",
                    "ai.prompt",
                    "gen_ai.tool.call.arguments",
                    "ai.toolCall.args",
                    "tool.parameters",
                    "reranker.query",
                    "gen_ai.prompt",
                ],
                |o| o.input.as_ref(),
            ),
            (
                &[
                    "llm.output_messages.0.message.content",
                    "gen_ai.completion.0.content",
                    "gen_ai.output.messages",
                    "output.value",
                    "langfuse.observation.output",
                    "ai.response.text",
                    "gen_ai.tool.call.result",
                    "ai.toolCall.result",
                    "gen_ai.completion",
                ],
                |o| o.output.as_ref(),
            ),
            (
                &["llm.invocation_parameters", "langfuse.observation.model.parameters", "gen_ai.request.temperature"],
                |o| o.model_parameters.as_ref(),
            ),
        ];
        for (keys, read) in payloads {
            each_first(keys, &marked, &mut |first, o, _| {
                let got = read(o).map(|p| p.raw().to_string()).unwrap_or_default();
                assert!(got.contains(&format!("<{first}>")), "{:?} should win: {got}", keys[first]);
                let kept: Vec<&str> = o.attributes.iter().map(|a| a.key.as_str()).collect();
                let losers = keys[first + 1..].iter().filter(|k| !k.starts_with("gen_ai.request."));
                for k in losers {
                    assert!(kept.contains(k), "{k} lost to {} and stays: {kept:?}", keys[first]);
                }
            });
        }
        // a kind name (OpenInference, else Langfuse) decides when known; an unknown one is passed
        // over for the GenAI operation, then Vercel's
        let kind = |attrs: &[(&str, &str)]| {
            let mut o = Observation::new("s", Kind::Span, "x", 0);
            o.attributes =
                attrs.iter().map(|(k, v)| Attribute { key: (*k).into(), value: AttrValue::Str((*v).into()) }).collect();
            apply(&mut o);
            o.kind
        };
        let all = [
            ("openinference.span.kind", "RETRIEVER"),
            ("langfuse.observation.type", "TOOL"),
            ("gen_ai.operation.name", "embeddings"),
            ("ai.operationId", "ai.generateText.doGenerate"),
        ];
        assert_eq!(kind(&all), Kind::Retriever);
        assert_eq!(kind(&all[1..]), Kind::Tool);
        assert_eq!(kind(&all[2..]), Kind::Embedding);
        assert_eq!(kind(&all[3..]), Kind::Generation);
        assert_eq!(kind(&[("openinference.span.kind", "NOT A KIND"), all[1], all[2]]), Kind::Embedding);
        assert_eq!(kind(&[("openinference.span.kind", ""), all[1], all[2]]), Kind::Tool);
        assert_eq!(kind(&[("gen_ai.operation.name", "unknown op"), all[3]]), Kind::Generation);
        // tags of both conventions, OpenInference's first
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.attributes = vec![
            Attribute { key: "langfuse.trace.tags".into(), value: AttrValue::Str(r#"["b","a"]"#.into()) },
            Attribute { key: "tag.tags".into(), value: AttrValue::Array(vec![AttrValue::Str("a".into())]) },
        ];
        assert_eq!(apply(&mut o).tags, ["a", "b", "a"]);
    }

    /// Usage details keep the attributes' order across conventions; Langfuse's usage and cost
    /// details count only where no other convention gave usage or a total cost.
    #[test]
    fn usage_and_cost_details_and_their_langfuse_fallbacks() {
        let attr = |k: &str, v: AttrValue| Attribute { key: k.into(), value: v };
        let n = |v: u64| AttrValue::Int(v.to_string());
        let mut o = Observation::new("s", Kind::Span, "x", 0);
        o.attributes = vec![
            attr("gen_ai.usage.cache_read_tokens", n(3)),
            attr("llm.token_count.prompt_details.cache_read", n(4)),
            attr("gen_ai.usage.reasoning_tokens", n(5)),
            attr("langfuse.observation.usage_details", AttrValue::Str(r#"{"input":9}"#.into())),
            attr("llm.cost.prompt", AttrValue::Float(0.25)),
            attr("langfuse.observation.cost_details", AttrValue::Str(r#"{"output":0.5}"#.into())),
        ];
        apply(&mut o);
        let details: Vec<(&str, u64)> = o.usage.details.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(details, [("cache_read_tokens", 3), ("prompt_details.cache_read", 4), ("reasoning_tokens", 5)]);
        assert_eq!(o.usage.input, None, "usage was given: Langfuse's is not read");
        // no total cost: Langfuse's details join, and the total is the sum of all
        assert_eq!(o.cost.details, [("input".to_string(), 0.25), ("output".to_string(), 0.5)]);
        assert_eq!(o.cost.total, Some(0.75));
        let mut l = Observation::new("s", Kind::Span, "x", 0);
        l.attributes = vec![
            attr("langfuse.observation.usage_details", AttrValue::Str(r#"{"input":9,"output":2.6,"cache":1}"#.into())),
            attr("langfuse.observation.cost_details", AttrValue::Str(r#"{"total":1.5,"input":1}"#.into())),
            attr("llm.model_name", AttrValue::Str("m".into())),
        ];
        apply(&mut l);
        assert_eq!(
            (l.usage.input, l.usage.output, l.usage.details.clone()),
            (Some(9), Some(3), vec![("cache".into(), 1)])
        );
        assert_eq!((l.cost.total, l.cost.details.clone()), (Some(1.5), vec![("input".into(), 1.0)]));
        assert_eq!(l.kind, Kind::Generation, "a model and usage make a span a generation");
    }

    #[test]
    fn openinference_llm_span_with_tool_calls() {
        let mut o = Observation::new("s", Kind::Span, "llm", 0);
        o.attributes = attrs_from_flat_map(&fixture("openinference_client_span_tool_calls.json"));
        apply(&mut o);
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!(o.model.as_deref(), Some("gpt-4-0613"));
        assert_eq!((o.usage.input, o.usage.output, o.usage.total), (Some(97), Some(52), Some(149)));
        let Decoded::Json(input) = o.input.as_ref().unwrap().decode() else { panic!("input not json") };
        assert_eq!(input[0]["role"], "user");
        assert_eq!(input[0]["contents"][0]["text"], "Weather in Paris?");
        assert_eq!(input[1]["tool_calls"][0]["function"]["name"], "get_weather");
        assert_eq!(input[1]["tool_calls"][0]["id"], "1234");
        assert_eq!(input[2]["tool_call_id"], "1234");
        let Decoded::Json(output) = o.output.as_ref().unwrap().decode() else { panic!("output not json") };
        assert_eq!(output[0]["role"], "assistant");
        // messages replaced the flattened keys; the raw request stays visible as an attribute
        assert!(o.attribute("llm.input_messages.0.message.role").is_none());
        assert!(o.attribute("input.value").is_some());
        let Decoded::Json(params) = o.model_parameters.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(params["temperature"], 0.5);
    }

    #[test]
    fn genai_span_with_message_strings() {
        let mut o = Observation::new("s", Kind::Span, "chat", 0);
        o.attributes = attrs_from_flat_map(&fixture("otel_genai_client_span_tool_calls.json"));
        apply(&mut o);
        assert_eq!(o.kind, Kind::Generation);
        assert_eq!(o.model.as_deref(), Some("gpt-4-0613"));
        assert_eq!(o.usage.input, Some(97));
        assert_eq!(o.usage.output, Some(52));
        let Decoded::Json(input) = o.input.as_ref().unwrap().decode() else { panic!("input not json") };
        assert_eq!(input[1]["parts"][1]["name"], "get_weather");
        let Decoded::Json(params) = o.model_parameters.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(params["temperature"], 0.5);
    }

    #[test]
    fn retrieval_documents_and_tool_names() {
        let mut o = Observation::new("s", Kind::Span, "retrieve", 0);
        o.attributes = vec![
            Attribute { key: "openinference.span.kind".into(), value: AttrValue::Str("RETRIEVER".into()) },
            Attribute { key: "retrieval.documents.1.document.content".into(), value: AttrValue::Str("second".into()) },
            Attribute { key: "retrieval.documents.0.document.content".into(), value: AttrValue::Str("first".into()) },
            Attribute { key: "retrieval.documents.0.document.score".into(), value: AttrValue::Float(0.9) },
            Attribute { key: "tool.name".into(), value: AttrValue::Str("search".into()) },
            Attribute { key: "session.id".into(), value: AttrValue::Str("s1".into()) },
        ];
        let ids = apply(&mut o);
        assert_eq!(o.kind, Kind::Retriever);
        assert_eq!(o.documents.len(), 2);
        assert_eq!(o.documents[0].content.as_deref(), Some("first"));
        assert_eq!(o.documents[0].score, Some(0.9));
        assert_eq!(o.tool_name.as_deref(), Some("search"));
        assert_eq!(ids.session_id.as_deref(), Some("s1"));
    }

    #[test]
    fn reranker_embedding_and_message_events() {
        let a = |k: &str, v: &str| Attribute { key: k.into(), value: AttrValue::Str(v.into()) };
        let mut o = Observation::new("s", Kind::Span, "rerank", 0);
        o.attributes = vec![
            a("openinference.span.kind", "RERANKER"),
            a("reranker.model_name", "bge-reranker"),
            a("reranker.query", "refund time"),
            a("reranker.input_documents.0.document.content", "shipping"),
            a("reranker.input_documents.1.document.content", "refunds"),
            a("reranker.output_documents.0.document.content", "refunds"),
            Attribute { key: "reranker.output_documents.0.document.score".into(), value: AttrValue::Float(0.97) },
        ];
        apply(&mut o);
        assert_eq!(o.kind, Kind::Reranker);
        assert_eq!(o.model.as_deref(), Some("bge-reranker"));
        assert_eq!(o.documents.len(), 1);
        assert_eq!(o.documents[0].score, Some(0.97));
        assert_eq!(o.input.as_ref().unwrap().as_text(), "refund time");
        assert!(o.attribute("reranker.input_documents").unwrap().display().contains("shipping"));

        let mut e = Observation::new("e", Kind::Span, "embed", 0);
        e.attributes = vec![
            a("openinference.span.kind", "EMBEDDING"),
            a("embedding.model_name", "text-embedding-3-small"),
            a("embedding.embeddings.0.embedding.text", "hello"),
            Attribute {
                key: "embedding.embeddings.0.embedding.vector".into(),
                value: AttrValue::Array(vec![AttrValue::Float(0.1), AttrValue::Float(0.2), AttrValue::Float(0.3)]),
            },
        ];
        apply(&mut e);
        assert_eq!(e.kind, Kind::Embedding);
        let summary = e.attribute("embedding.embeddings").unwrap().display();
        assert!(summary.contains("\"vector_dimensions\":3") && summary.contains("hello"), "{summary}");

        let mut g = Observation::new("g", Kind::Span, "chat", 0);
        g.attributes = vec![a("gen_ai.operation.name", "chat")];
        let ev = |name: &str, attrs: Vec<Attribute>| crate::model::Event {
            name: name.into(),
            time_ns: 0,
            attributes: attrs,
        };
        g.events = vec![
            ev("gen_ai.system.message", vec![a("content", "be brief")]),
            ev("gen_ai.user.message", vec![a("content", "hi")]),
            ev("gen_ai.choice", vec![a("message", r#"{"role":"assistant","content":"hello"}"#)]),
        ];
        apply(&mut g);
        let Decoded::Json(input) = g.input.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(input[0]["role"], "system");
        assert_eq!(input[1]["content"], "hi");
        let Decoded::Json(output) = g.output.as_ref().unwrap().decode() else { panic!() };
        assert_eq!(output[0]["content"], "hello");
    }
}
