//! What the conventions found on a span, and the precedence between them. Each convention offers
//! where a field may come from (an attribute, a flattened tree, a value it made) at its rank for
//! that field; the first rank that gives a value wins. Nothing is copied or consumed before that,
//! so a source that loses stays an attribute, shown as it was written.

use super::span::Span;
use super::trace_ids::TraceIds;
use super::values::{payload_of, tags_of, Draft};
use crate::model::key::Key;
use crate::model::{AttrValue, Attribute, Cost, Kind, Level, Observation, Payload, Usage};

// The precedence between conventions, field by field: each enum is where one field may come
// from, best first (a rank is its position).

/// A kind's name (`Kind::from_name` reads both); a known name decides the kind.
#[derive(Clone, Copy)]
pub(super) enum KindName {
    OpenInference,
    Langfuse,
}

/// An operation a kind is told from when no name decided it, each by its convention's table.
#[derive(Clone, Copy)]
pub(super) enum KindOperation {
    /// OpenLLMetry's `traceloop.span.kind` (`workflow`, `task`…).
    TraceloopSpan,
    /// The AgentOps SDK's `agentops.span.kind` (`session`, `agent`, `tool`, `llm`…).
    AgentOpsSpan,
    GenAi,
    Vercel,
    /// OpenLLMetry's `llm.request.type`.
    TraceloopRequest,
    /// The AgentOps SDK's `gen_ai.request.type`, its copy of `llm.request.type`.
    AgentOpsRequest,
    Mlflow,
}

#[derive(Clone, Copy)]
pub(super) enum Model {
    OpenInferenceEmbedding,
    OpenInferenceReranker,
    OpenInferenceLlm,
    GenAiResponse,
    GenAiRequest,
    Langfuse,
    Vercel,
    Mlflow,
}

/// Token counts: input, output and total alike.
#[derive(Clone, Copy)]
pub(super) enum Tokens {
    OpenInference,
    GenAi,
    /// `gen_ai.usage.prompt_tokens` and `completion_tokens`, the names before `input_tokens`.
    GenAiDeprecated,
    Vercel,
    /// OpenLLMetry's `llm.usage.total_tokens` (a total only).
    Traceloop,
}

#[derive(Clone, Copy)]
pub(super) enum CostTotal {
    OpenInference,
    GenAi,
    /// Pydantic AI's `operation.cost`.
    PydanticAi,
    /// The AgentOps SDK's `gen_ai.usage.total_cost` (a tool's declared cost).
    AgentOps,
}

#[derive(Clone, Copy)]
pub(super) enum Input {
    OpenInferenceMessages,
    GenAiPromptList,
    GenAiMessages,
    OpenInferenceValue,
    Langfuse,
    Traceloop,
    AgentOps,
    Adk,
    PydanticAi,
    CrewAi,
    VercelMessages,
    VercelPrompt,
    GenAiToolArguments,
    VercelToolArguments,
    OpenInferenceToolParameters,
    OpenInferenceRerankerQuery,
    GenAiPrompt,
    GenAiEvents,
    Mlflow,
}

#[derive(Clone, Copy)]
pub(super) enum Output {
    OpenInferenceMessages,
    GenAiCompletionList,
    GenAiMessages,
    OpenInferenceValue,
    Langfuse,
    Traceloop,
    AgentOps,
    Adk,
    PydanticAi,
    VercelText,
    GenAiToolResult,
    VercelToolResult,
    GenAiCompletion,
    GenAiEvents,
    Mlflow,
}

#[derive(Clone, Copy)]
pub(super) enum Parameters {
    OpenInference,
    Langfuse,
    GenAi,
}

#[derive(Clone, Copy)]
pub(super) enum ToolName {
    OpenInference,
    GenAi,
    Vercel,
    Mlflow,
}

#[derive(Clone, Copy)]
pub(super) enum SessionId {
    OpenInference,
    GenAi,
    Langfuse,
    Traceloop,
    Adk,
    Mlflow,
}

#[derive(Clone, Copy)]
pub(super) enum UserId {
    OpenInference,
    Langfuse,
    Traceloop,
    /// OpenTelemetry's general `enduser.id`.
    EndUser,
    Mlflow,
}

/// Tags of both are kept, OpenInference's first.
#[derive(Clone, Copy)]
pub(super) enum Tags {
    OpenInference,
    Langfuse,
}

/// A convention's table of operations to kinds.
pub(super) type KindOf = fn(&str) -> Option<Kind>;

/// The field an attribute read whole is offered to, at its rank.
pub(super) enum Field {
    KindName(KindName),
    KindOperation(KindOperation, KindOf),
    Model(Model),
    InputTokens(Tokens),
    OutputTokens(Tokens),
    TotalTokens(Tokens),
    CostTotal(CostTotal),
    Input(Input),
    Output(Output),
    Parameters(Parameters),
    ToolName(ToolName),
    SessionId(SessionId),
    UserId(UserId),
    Tags(Tags),
}

/// Where an input, output or parameters may come from (a small copy, nothing to drop: there are
/// some thirty of them per span).
#[derive(Clone, Copy)]
pub(super) enum Source {
    /// The attribute at this position, whole (consumed if it wins).
    Attr(usize),
    /// The flattened tree `tree::FLATTENED[i]` (its attributes consumed if it wins).
    Tree(usize),
    /// A value made already, kept in `Found::made` at this position.
    Made(usize),
    /// A value made only when no better source gives one.
    Lazy(fn(&Span) -> Option<Payload>),
}

/// One field's sources, by rank.
pub(super) struct Ranked<T, const N: usize>([Option<T>; N]);

impl<T, const N: usize> Ranked<T, N> {
    // (a constant: `Default` and `array::from_fn` are calls per field and slot, and this is per span)
    const EMPTY: Self = Ranked([const { None }; N]);

    /// Offers `source` at `rank`; `None` offers nothing.
    #[inline(always)]
    pub(super) fn offer(&mut self, rank: usize, source: Option<T>) {
        // a rank past the end would be dropped unseen: the array is sized by its enum's variants
        debug_assert!(rank < N, "rank {rank} of {N}: a convention's rank was added without growing the field");
        if let (Some(s), Some(slot)) = (source, self.0.get_mut(rank)) {
            *slot = Some(s);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }
}

impl<const N: usize> Ranked<usize, N> {
    /// The first attribute offered whose text is not empty.
    #[inline]
    fn text(&self, s: &Span) -> Option<String> {
        self.iter().find_map(|&i| s.text_at(i))
    }

    fn count(&self, s: &Span) -> Option<u64> {
        self.iter().find_map(|&i| s.attrs[i].value.as_u64())
    }
}

/// Which attributes moved into fields, by position: on the stack for the usual few dozen (this
/// runs for every span).
pub(super) struct Consumed {
    on_stack: [bool; 64],
    on_heap: Vec<bool>,
    len: usize,
}

impl Consumed {
    fn new(len: usize) -> Consumed {
        let on_heap = if len > 64 { vec![false; len] } else { Vec::new() };
        Consumed { on_stack: [false; 64], on_heap, len }
    }

    pub(super) fn flags(&mut self) -> &mut [bool] {
        match self.on_stack.get_mut(..self.len) {
            Some(flags) => flags,
            None => &mut self.on_heap,
        }
    }
}

/// What the conventions found on one span.
pub(super) struct Found {
    pub(super) kind_name: Ranked<usize, 2>,
    pub(super) kind_operation: Ranked<(usize, KindOf), 7>,
    pub(super) model: Ranked<usize, 8>,
    pub(super) input_tokens: Ranked<usize, 5>,
    pub(super) output_tokens: Ranked<usize, 5>,
    pub(super) total_tokens: Ranked<usize, 5>,
    /// Usage details with the position of their attribute: they keep the span's order.
    pub(super) usage_details: Vec<(usize, String, u64)>,
    /// The usage of a span for which no convention gave any.
    pub(super) usage_fallback: Option<fn(&Span) -> Usage>,
    pub(super) cost_total: Ranked<usize, 4>,
    pub(super) cost_details: Vec<(String, f64)>,
    /// Adds to the cost of a span for which no convention gave a total.
    pub(super) cost_fallback: Option<fn(&Span, &mut Cost)>,
    pub(super) input: Ranked<Source, 19>,
    pub(super) output: Ranked<Source, 15>,
    pub(super) parameters: Ranked<Source, 3>,
    /// The values of `Source::Made`.
    pub(super) made: [Option<Payload>; 2],
    pub(super) documents: Vec<Draft>,
    /// Attributes added once the consumed ones are gone (summaries of what they held).
    pub(super) added: Vec<Attribute>,
    pub(super) tool_name: Ranked<usize, 4>,
    pub(super) level: Option<Level>,
    pub(super) status: Option<String>,
    pub(super) completion_start_ns: Option<i64>,
    pub(super) trace_name: Option<String>,
    /// The trace's own input and output, by attribute position (consumed).
    pub(super) trace_input: Option<usize>,
    pub(super) trace_output: Option<usize>,
    /// Attributes that belong to the trace, by position: they move to it.
    pub(super) trace_attributes: Vec<usize>,
    /// The display name a convention gives the span (Logfire's `logfire.msg`…).
    pub(super) name: Option<String>,
    /// The kind when no kind name or operation gave one (Logfire's `log` spans).
    pub(super) kind_fallback: Option<Kind>,
    /// Attributes holding JSON text to be read as JSON where they stay attributes, by position.
    pub(super) json_attributes: Vec<usize>,
    pub(super) session_id: Ranked<usize, 6>,
    pub(super) user_id: Ranked<usize, 5>,
    pub(super) tags: Ranked<usize, 2>,
    pub(super) consumed: Consumed,
}

impl Found {
    pub(super) fn new(attributes: usize) -> Found {
        Found {
            kind_name: Ranked::EMPTY,
            kind_operation: Ranked::EMPTY,
            model: Ranked::EMPTY,
            input_tokens: Ranked::EMPTY,
            output_tokens: Ranked::EMPTY,
            total_tokens: Ranked::EMPTY,
            usage_details: Vec::new(),
            usage_fallback: None,
            cost_total: Ranked::EMPTY,
            cost_details: Vec::new(),
            cost_fallback: None,
            input: Ranked::EMPTY,
            output: Ranked::EMPTY,
            parameters: Ranked::EMPTY,
            made: [None, None],
            documents: Vec::new(),
            added: Vec::new(),
            tool_name: Ranked::EMPTY,
            level: None,
            status: None,
            completion_start_ns: None,
            trace_name: None,
            trace_input: None,
            trace_output: None,
            trace_attributes: Vec::new(),
            name: None,
            kind_fallback: None,
            json_attributes: Vec::new(),
            session_id: Ranked::EMPTY,
            user_id: Ranked::EMPTY,
            tags: Ranked::EMPTY,
            consumed: Consumed::new(attributes),
        }
    }

    /// Offers each attribute of `keys` the span has to its field.
    pub(super) fn offer_keys(&mut self, s: &Span, keys: &[(&str, Field)]) {
        for (key, field) in keys {
            let Some(i) = s.find(key) else { continue };
            let at = Some(i);
            match field {
                Field::KindName(r) => self.kind_name.offer(*r as usize, at),
                Field::KindOperation(r, of) => self.kind_operation.offer(*r as usize, Some((i, *of))),
                Field::Model(r) => self.model.offer(*r as usize, at),
                Field::InputTokens(r) => self.input_tokens.offer(*r as usize, at),
                Field::OutputTokens(r) => self.output_tokens.offer(*r as usize, at),
                Field::TotalTokens(r) => self.total_tokens.offer(*r as usize, at),
                Field::CostTotal(r) => self.cost_total.offer(*r as usize, at),
                Field::Input(r) => self.input.offer(*r as usize, Some(Source::Attr(i))),
                Field::Output(r) => self.output.offer(*r as usize, Some(Source::Attr(i))),
                Field::Parameters(r) => self.parameters.offer(*r as usize, Some(Source::Attr(i))),
                Field::ToolName(r) => self.tool_name.offer(*r as usize, at),
                Field::SessionId(r) => self.session_id.offer(*r as usize, at),
                Field::UserId(r) => self.user_id.offer(*r as usize, at),
                Field::Tags(r) => self.tags.offer(*r as usize, at),
            }
        }
    }

    /// The observation's fields, each from its best source; what moves into them is consumed.
    /// (Taken from `self`, not moved with it: `Found` is large, and this runs per span.)
    pub(super) fn resolve(&mut self, s: &Span) -> Fields {
        let kind =
            self.kind_name.text(s).and_then(|k| Kind::from_name(&k)).or_else(|| {
                self.kind_operation.iter().find_map(|&(i, kind_of)| s.text_at(i).and_then(|op| kind_of(&op)))
            });
        let kind = kind.or(self.kind_fallback);
        // in the span's order, whichever convention named them
        crate::model::order::sort_by_key(&mut self.usage_details, |d| d.0);
        let details = std::mem::take(&mut self.usage_details);
        let mut usage = Usage {
            input: self.input_tokens.count(s),
            output: self.output_tokens.count(s),
            total: self.total_tokens.count(s),
            details: details.into_iter().map(|(_, k, n)| (k, n)).collect(),
        };
        if let (true, Some(fallback)) = (usage.is_empty(), self.usage_fallback) {
            usage = fallback(s);
        }
        if usage.total_tokens() == 0 && usage.details.iter().all(|d| d.1 == 0) {
            usage = Usage::default();
        }
        let total = self.cost_total.iter().find_map(|&i| s.attrs[i].value.as_f64());
        let mut cost = Cost { total, details: std::mem::take(&mut self.cost_details), estimated: None };
        if let (None, Some(fallback)) = (cost.total, self.cost_fallback) {
            fallback(s, &mut cost);
        }
        let consumed = self.consumed.flags();
        let made = &mut self.made;
        let input = payload(s, &self.input, consumed, made);
        let output = payload(s, &self.output, consumed, made);
        let model_parameters = payload(s, &self.parameters, consumed, made);
        let mut trace_payload = |at: Option<usize>| {
            let i = at?;
            consumed[i] = true;
            Some(payload_of(&s.attrs[i].value))
        };
        let (trace_input, trace_output) = (trace_payload(self.trace_input), trace_payload(self.trace_output));
        for &i in &self.json_attributes {
            let json = s.attrs[i].value.as_str().and_then(Payload::from_json_text).filter(|_| !consumed[i]);
            if let Some(p) = json {
                consumed[i] = true;
                self.added.push(Attribute { key: s.attrs[i].key.clone(), value: AttrValue::Json(p) });
            }
        }
        let mut trace_attributes = Vec::with_capacity(self.trace_attributes.len());
        for &i in &self.trace_attributes {
            consumed[i] = true;
            trace_attributes.push(s.attrs[i].clone());
        }
        Fields {
            kind,
            model: self.model.text(s),
            usage,
            cost,
            input,
            output,
            model_parameters,
            documents: std::mem::take(&mut self.documents),
            added: std::mem::take(&mut self.added),
            tool_name: self.tool_name.text(s),
            level: self.level,
            status: self.status.take(),
            completion_start_ns: self.completion_start_ns.or_else(|| first_token_ns(s)),
            ids: TraceIds {
                name: self.trace_name.take(),
                session_id: self.session_id.text(s),
                user_id: self.user_id.text(s),
                tags: self.tags.iter().flat_map(|&i| tags_of(&s.attrs[i].value)).collect(),
                input: trace_input,
                output: trace_output,
                attributes: trace_attributes,
            },
            name: self.name.take(),
        }
    }
}

/// The value of the first source that gives one, marking what it took as consumed.
fn payload<const N: usize>(
    s: &Span,
    sources: &Ranked<Source, N>,
    consumed: &mut [bool],
    made: &mut [Option<Payload>],
) -> Option<Payload> {
    sources.iter().find_map(|&source| match source {
        Source::Attr(i) if is_scrubbed(&s.attrs[i].value) => None,
        Source::Attr(i) => {
            consumed[i] = true;
            Some(payload_of(&s.attrs[i].value))
        }
        Source::Tree(tree) => s.flat.unflatten(s.attrs, tree, consumed).map(|t| t.to_payload()),
        Source::Made(k) => made.get_mut(k).and_then(Option::take),
        Source::Lazy(make) => make(s),
    })
}

/// A value Logfire scrubbed (`[Scrubbed due to 'password']`): it stays an attribute, shown as
/// what it is, never as a message or an output.
fn is_scrubbed(v: &AttrValue) -> bool {
    v.as_str().is_some_and(|t| t.starts_with("[Scrubbed due to "))
}

/// The earliest event named for a first token (any convention's wording).
fn first_token_ns(s: &Span) -> Option<i64> {
    let first_token = |name: &str| {
        let n = name.to_ascii_lowercase();
        n.contains("first_token") || n.contains("first token")
    };
    s.events.iter().filter(|e| first_token(&e.name)).map(|e| e.time_ns).min()
}

/// An observation's fields as the conventions give them.
pub(super) struct Fields {
    kind: Option<Kind>,
    model: Option<String>,
    usage: Usage,
    cost: Cost,
    input: Option<Payload>,
    output: Option<Payload>,
    model_parameters: Option<Payload>,
    documents: Vec<Draft>,
    added: Vec<Attribute>,
    tool_name: Option<String>,
    level: Option<Level>,
    status: Option<String>,
    completion_start_ns: Option<i64>,
    ids: TraceIds,
    name: Option<String>,
}

impl Fields {
    /// Sets the fields on `o` (what a field gives replaces what the importer set, what it does not
    /// keeps it), and removes the attributes whose content moved into them.
    /// (`consumed`: the attributes `Found::resolve` marked.)
    pub(super) fn write_to(mut self, o: &mut Observation, consumed: &mut Consumed) -> TraceIds {
        if let Some(k) = self.kind {
            o.kind = k;
        } else if o.kind == Kind::Span && self.model.is_some() && !self.usage.is_empty() {
            o.kind = Kind::Generation;
        }
        o.model = self.model.as_deref().map(Key::new).or(o.model.take());
        if !self.usage.is_empty() {
            o.usage = self.usage;
        }
        if !self.cost.is_empty() {
            o.cost = self.cost;
        }
        o.input = self.input.or(o.input.take());
        o.output = self.output.or(o.output.take());
        o.model_parameters = self.model_parameters.or(o.model_parameters.take());
        if !self.documents.is_empty() {
            // the texts move out of their attributes, which are consumed (removed just below)
            o.documents = self.documents.into_iter().map(|d| d.resolve(&mut o.attributes)).collect();
        }
        o.tool_name = self.tool_name;
        if let Some(l) = self.level {
            // an error status stays an error; otherwise the stated level (DEBUG included) holds
            o.level = if o.level == Level::Default { l } else { o.level.max(l) };
        }
        // an exception recorded on the span is an error even when the status was left unset
        // (instrumentations that catch and re-raise record the event; some never set the status)
        if o.events.iter().any(|e| e.is_exception()) {
            o.level = o.level.max(Level::Error);
        }
        if o.status_message.is_none() {
            o.status_message = self.status.or_else(|| exception_summary(o));
        }
        o.completion_start_ns = self.completion_start_ns.or(o.completion_start_ns);
        if let Some(name) = self.name {
            o.name = name;
        }
        let consumed = consumed.flags();
        if consumed.contains(&true) {
            let mut flags = consumed.iter().copied();
            o.attributes.retain(|_| !flags.next().unwrap_or(false));
        }
        o.attributes.append(&mut self.added);
        // what moved into fields leaves room behind: on a million spans that room is hundreds of MB
        o.attributes.shrink_to_fit();
        self.ids
    }
}

/// `type: message` of the span's first exception event (OpenTelemetry's exception convention).
fn exception_summary(o: &Observation) -> Option<String> {
    let e = o.events.iter().find(|e| e.is_exception())?;
    let get = |k: &str| e.attributes.iter().find(|a| a.key == k).map(|a| a.value.display());
    match (get("exception.type"), get("exception.message")) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (t, m) => t.or(m),
    }
}
