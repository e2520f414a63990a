//! Redaction at export time: built-in detectors (API keys and tokens, emails, card numbers, IP
//! addresses, phone numbers), user patterns, optional field masks (trace and observation ids,
//! session ids, user ids, service names) and field rules (drop inputs, outputs, attributes by
//! key). Every masked value gets a stable placeholder (`<email-1>` wherever that address
//! appears), so the structure of the conversation stays readable. It never fails open: payloads
//! of any depth are read (`json`), detectors run most specific first whatever order they were
//! ticked in, and the built-in detectors are linear scanners (`detectors`), not regular expressions.

mod detectors;
mod json;
mod known;

use crate::model::{order, AttrValue, Attribute, Payload, Trace, TraceSet};
use std::collections::{BTreeMap, HashMap};

/// The built-in detectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detector {
    Email,
    Phone,
    Card,
    Secret,
    Ip,
}

impl Detector {
    /// In the order the dialog shows them; they run in `precedence` order.
    pub const ALL: [Detector; 5] = [Detector::Secret, Detector::Email, Detector::Card, Detector::Phone, Detector::Ip];

    /// The placeholder's word and the checkbox label.
    pub fn label(self) -> &'static str {
        match self {
            Detector::Email => "email",
            Detector::Phone => "phone",
            Detector::Card => "card",
            Detector::Secret => "secret",
            Detector::Ip => "ip",
        }
    }

    /// Lower runs first: the most specific detectors take their text before looser ones can
    /// take part of it (a phone-like run inside an API key is the key's). User patterns run last.
    pub fn precedence(self) -> u8 {
        match self {
            Detector::Secret => 0,
            Detector::Email => 1,
            Detector::Card => 2,
            Detector::Ip => 3,
            Detector::Phone => 4,
        }
    }

    /// The byte ranges of `text` this detector masks, left to right, not overlapping.
    pub fn find(self, text: &str) -> Vec<(usize, usize)> {
        let t = text.as_bytes();
        match self {
            Detector::Email => detectors::emails(t),
            Detector::Phone => detectors::phones(t),
            Detector::Card => detectors::cards(t, true),
            Detector::Secret => detectors::secrets(t),
            Detector::Ip => detectors::ips(t),
        }
    }
}

/// Whole fields masked on request (off by default: they are what makes a trace findable again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// Trace, observation, score and document ids (the same id gets the same placeholder, so the
    /// tree and the scores stay joined).
    Ids,
    /// Session ids: the trace's, scores', and `session.id`-like attributes.
    Sessions,
    /// User ids: the trace's and `user.id`-like attributes.
    Users,
    /// Where traces came from: the trace's source (OTLP's `service.name`) and `service.name` attributes.
    Services,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Ids, Field::Sessions, Field::Users, Field::Services];

    /// The placeholder's word (`<session-1>`), also the checkbox's id.
    pub fn label(self) -> &'static str {
        match self {
            Field::Ids => "id",
            Field::Sessions => "session",
            Field::Users => "user",
            Field::Services => "service",
        }
    }

    /// The checkbox text.
    pub fn title(self) -> &'static str {
        match self {
            Field::Ids => "trace and observation ids",
            Field::Sessions => "session ids",
            Field::Users => "user ids",
            Field::Services => "service names",
        }
    }

    /// Attribute keys that hold this field.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Field::Ids => {
                &["trace.id", "trace_id", "span.id", "span_id", "langfuse.trace.id", "langfuse.observation.id"]
            }
            Field::Sessions => {
                &["session.id", "session_id", "sessionId", "langfuse.session.id", "gen_ai.conversation.id", "thread_id"]
            }
            Field::Users => &["user.id", "user_id", "userId", "langfuse.user.id", "enduser.id"],
            Field::Services => &["service.name", "service.namespace", "service.instance.id"],
        }
    }
}

/// What to mask or drop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub detectors: Vec<Detector>,
    /// User regular expressions; matches become `<redacted-N>`.
    pub patterns: Vec<String>,
    pub drop_inputs: bool,
    pub drop_outputs: bool,
    /// Attribute keys to drop (exact, or a prefix ending in `*`).
    pub drop_attributes: Vec<String>,
    /// Whole fields to replace by placeholders.
    pub fields: Vec<Field>,
}

pub use crate::model::units::plural;

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.detectors.is_empty()
            && self.fields.is_empty()
            && self.patterns.iter().all(|p| p.trim().is_empty())
            && !self.drop_inputs
            && !self.drop_outputs
            && self.drop_attributes.iter().all(|a| a.trim().is_empty())
    }

    /// One line saying how the file was redacted, written into the export.
    pub fn describe(&self) -> String {
        // in a fixed order, whatever order the boxes were ticked in
        let mut parts: Vec<String> =
            Detector::ALL.iter().filter(|d| self.detectors.contains(d)).map(|d| format!("{}s", d.label())).collect();
        parts.extend(Field::ALL.iter().filter(|f| self.fields.contains(f)).map(|f| f.title().to_string()));
        let n = self.patterns.iter().filter(|p| !p.trim().is_empty()).count();
        if n > 0 {
            parts.push(plural(n, "custom pattern", "custom patterns"));
        }
        if self.drop_inputs {
            parts.push("inputs dropped".into());
        }
        if self.drop_outputs {
            parts.push("outputs dropped".into());
        }
        let keys: Vec<&str> = self.drop_attributes.iter().map(|a| a.trim()).filter(|a| !a.is_empty()).collect();
        if !keys.is_empty() {
            parts.push(format!("attributes dropped: {}", keys.join(", ")));
        }
        format!("Redacted by Canopy: {}; masked values are replaced by placeholders like <email-1>.", parts.join(", "))
    }
}

/// What a redaction did: masked values per kind (distinct values and occurrences), fields dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// kind → (distinct values, occurrences)
    pub masked: BTreeMap<String, (usize, usize)>,
    pub dropped_fields: usize,
    /// A few examples (original → placeholder) for the preview, never exported.
    pub examples: Vec<(String, String)>,
}

/// A compiled pattern: the byte ranges it matches in a text, left to right, not overlapping.
pub trait Pattern {
    fn find_all(&self, text: &str) -> Vec<(usize, usize)>;
}

/// Compiles a user pattern, or says why it is not one. The page uses the browser's own `RegExp`
/// (no regex engine in the bundle); host tests use `regex-lite`. The built-in detectors do not
/// use it (`Detector::find`).
pub type Compile = fn(&str) -> Result<Box<dyn Pattern>, String>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RedactError {
    #[error("pattern {index} is not a valid regular expression: {reason}")]
    BadPattern { index: usize, reason: String },
}

enum Finder {
    Builtin(Detector),
    User(Box<dyn Pattern>),
}

struct Masker {
    /// (kind, finder), built-in detectors by precedence, then user patterns
    rules: Vec<(String, Finder)>,
    fields: Vec<Field>,
    /// (kind, original) → placeholder
    seen: HashMap<(String, String), String>,
    next: HashMap<String, usize>,
    report: Report,
    /// In the second pass: what the first pass's built-in detectors found, masked wherever it is.
    known: Option<known::Known>,
    /// The values counted in this pass (the report's distinct values)
    counted: std::collections::HashSet<(String, String)>,
}

/// The parts of `0..len` that `taken` (sorted, not overlapping) leaves.
fn gaps(taken: &[(usize, usize, usize)], len: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(taken.len() + 1);
    let mut at = 0;
    for &(a, b, _) in taken {
        if a > at {
            out.push((at, a));
        }
        at = b;
    }
    if at < len {
        out.push((at, len));
    }
    out
}

impl Masker {
    fn new(r: &Rules, compile: Compile) -> Result<Masker, RedactError> {
        let mut detectors = r.detectors.clone();
        order::sort_by_key(&mut detectors, |d| d.precedence());
        detectors.dedup();
        let mut rules: Vec<(String, Finder)> =
            detectors.into_iter().map(|d| (d.label().to_string(), Finder::Builtin(d))).collect();
        for (i, p) in r.patterns.iter().enumerate().filter(|(_, p)| !p.trim().is_empty()) {
            let re = compile(p).map_err(|reason| RedactError::BadPattern { index: i + 1, reason })?;
            rules.push(("redacted".to_string(), Finder::User(re)));
        }
        let mut fields = r.fields.clone();
        order::sort(&mut fields);
        fields.dedup();
        Ok(Masker {
            rules,
            fields,
            seen: HashMap::new(),
            next: HashMap::new(),
            report: Report::default(),
            known: None,
            counted: Default::default(),
        })
    }

    /// The ranges to mask and the rule of each: every rule in turn, each reading only the text
    /// the rules before it left, so a looser rule never takes part of a stricter one's match.
    fn spans(&self, text: &str, builtin_only: bool) -> Vec<(usize, usize, usize)> {
        // values found elsewhere come first: a detector may not see them where they stand
        let mut taken: Vec<(usize, usize, usize)> = self.known.as_ref().map(|k| k.find(text)).unwrap_or_default();
        for (ri, (_, finder)) in self.rules.iter().enumerate() {
            if builtin_only && matches!(finder, Finder::User(_)) {
                break;
            }
            let mut found = Vec::new();
            for (ga, gb) in gaps(&taken, text.len()) {
                let seg = &text[ga..gb];
                let ranges = match finder {
                    Finder::Builtin(d) => d.find(seg),
                    Finder::User(p) => p.find_all(seg),
                };
                for (a, b) in ranges {
                    // an engine's range that is empty or not on character boundaries is ignored
                    if a < b && b <= seg.len() && seg.is_char_boundary(a) && seg.is_char_boundary(b) {
                        found.push((ga + a, ga + b, ri));
                    }
                }
            }
            if !found.is_empty() {
                taken.extend(found);
                order::sort_by_key(&mut taken, |s| s.0);
                // a user engine's overlapping ranges: the first wins
                let mut end = 0;
                taken.retain(|&(a, b, _)| {
                    let keep = a >= end;
                    if keep {
                        end = b;
                    }
                    keep
                });
            }
        }
        taken
    }

    /// `text` with what the rules find replaced, or `None` when they find nothing. Object keys
    /// (`builtin_only`) are read by the built-in detectors only: a user pattern for a word would
    /// otherwise rename the fields of every message.
    fn mask_with(&mut self, text: &str, builtin_only: bool) -> Option<String> {
        let spans = self.spans(text, builtin_only);
        if spans.is_empty() {
            return None;
        }
        let mut s = String::with_capacity(text.len());
        let mut last = 0;
        for (a, b, ri) in spans {
            s.push_str(&text[last..a]);
            let kind = self.rules[ri].0.clone();
            s.push_str(&self.placeholder(&kind, &text[a..b]));
            last = b;
        }
        s.push_str(&text[last..]);
        Some(s)
    }

    fn mask(&mut self, text: &str) -> Option<String> {
        self.mask_with(text, false)
    }

    fn placeholder(&mut self, kind: &str, original: &str) -> String {
        let key = (kind.to_string(), original.to_string());
        let entry = self.report.masked.entry(kind.to_string()).or_default();
        entry.1 += 1;
        if !self.counted.contains(&key) {
            entry.0 += 1;
            self.counted.insert(key.clone());
        }
        if let Some(p) = self.seen.get(&key) {
            return p.clone();
        }
        let n = self.next.entry(kind.to_string()).or_insert(0);
        *n += 1;
        let p = format!("<{kind}-{n}>");
        if self.report.examples.len() < 20 {
            self.report.examples.push((original.to_string(), p.clone()));
        }
        self.seen.insert(key, p.clone());
        p
    }

    fn text(&mut self, s: &mut String) {
        if let Some(m) = self.mask(s) {
            *s = m;
        }
    }

    fn opt(&mut self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.text(s);
        }
    }

    /// Replaces a whole field by its placeholder when `field` is asked for; else masks its text.
    fn field(&mut self, field: Field, s: &mut String) {
        if self.fields.contains(&field) {
            if !s.is_empty() {
                *s = self.placeholder(field.label(), s);
            }
        } else {
            self.text(s);
        }
    }

    fn opt_field(&mut self, field: Field, s: &mut Option<String>) {
        if let Some(s) = s {
            self.field(field, s);
        }
    }

    /// An id: a placeholder when ids are masked, else left as it is (ids are not text).
    fn id(&mut self, s: &mut String) {
        if self.fields.contains(&Field::Ids) && !s.is_empty() {
            *s = self.placeholder(Field::Ids.label(), s);
        }
    }

    fn opt_id(&mut self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.id(s);
        }
    }

    /// Masks the strings of a JSON payload (values, and keys by the built-in detectors) in one
    /// pass over its text, whatever its depth; what is not masked stays byte for byte.
    fn payload(&mut self, p: &mut Option<Payload>) {
        let Some(payload) = p else { return };
        let Some(masked) = json::mask_strings(payload.raw(), |s, is_key| self.mask_with(s, is_key)) else { return };
        match Payload::from_json_text(&masked) {
            Some(n) => *payload = n,
            // never reached with valid JSON in; if it were, the payload goes rather than stays unmasked
            None => {
                *p = None;
                self.report.dropped_fields += 1;
            }
        }
    }

    fn attributes(&mut self, attrs: &mut Vec<Attribute>, drop: &[String]) {
        let before = attrs.len();
        attrs.retain(|a| !drops(&a.key, drop));
        self.report.dropped_fields += before - attrs.len();
        let field_of = |key: &str, fields: &[Field]| fields.iter().copied().find(|f| f.keys().contains(&key));
        let mut stack: Vec<(Option<Field>, &mut AttrValue)> =
            attrs.iter_mut().map(|a| (field_of(&a.key, &self.fields), &mut a.value)).collect();
        while let Some((field, v)) = stack.pop() {
            match v {
                AttrValue::Str(s) | AttrValue::Int(s) if field.is_some() => {
                    if let Some(f) = field {
                        self.field(f, s);
                    }
                }
                AttrValue::Str(s) => self.text(s),
                AttrValue::Json(p) => {
                    let mut o = Some(p.clone());
                    self.payload(&mut o);
                    match o {
                        Some(n) => *p = n,
                        None => *v = AttrValue::Str(String::new()),
                    }
                }
                AttrValue::Array(a) => stack.extend(a.iter_mut().map(|v| (field, v))),
                AttrValue::Map(m) => {
                    let fields = &self.fields;
                    stack.extend(m.iter_mut().map(|a| (field_of(&a.key, fields).or(field), &mut a.value)))
                }
                AttrValue::Int(_) | AttrValue::Float(_) | AttrValue::Bool(_) | AttrValue::Bytes(_) => {}
            }
        }
    }
}

fn drops(key: &str, rules: &[String]) -> bool {
    rules.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).any(|r| match r.strip_suffix('*') {
        Some(prefix) => key.starts_with(prefix),
        None => key == r,
    })
}

/// A redacted copy of `set` (times, kinds, numbers and tree shape untouched; ids too unless
/// `Field::Ids` is asked for) and what was done.
pub fn redact(set: &TraceSet, rules: &Rules, compile: Compile) -> Result<(TraceSet, Report), RedactError> {
    let mut m = Masker::new(rules, compile)?;
    let out = pass(&mut m, set, rules);
    // A value a detector found anywhere is masked everywhere: again from the start, with the
    // found values looked for first (placeholders stay as numbered; counts are the last pass's).
    let builtin: HashMap<&str, usize> = m
        .rules
        .iter()
        .enumerate()
        .filter(|(_, (_, f))| matches!(f, Finder::Builtin(_)))
        .map(|(i, (kind, _))| (kind.as_str(), i))
        .collect();
    let Some(k) = known::from_seen(m.seen.keys(), &builtin) else { return Ok((out, m.report)) };
    m.known = Some(k);
    m.report.masked.clear();
    m.report.dropped_fields = 0;
    m.counted.clear();
    let out = pass(&mut m, set, rules);
    Ok((out, m.report))
}

/// One pass of the masker over a copy of `set`.
fn pass(m: &mut Masker, set: &TraceSet, rules: &Rules) -> TraceSet {
    let mut out = set.clone();
    // log records still waiting for their spans are in no export; a redacted copy keeps none
    out.pending_logs.clear();
    for t in &mut out.traces {
        redact_trace(m, t, rules);
    }
    for s in &mut out.scores {
        m.opt(&mut s.comment);
        if let crate::model::ScoreValue::Text(v) | crate::model::ScoreValue::Categorical(v) = &mut s.value {
            m.text(v);
        }
        m.id(&mut s.id);
        m.opt_id(&mut s.trace_id);
        m.opt_id(&mut s.observation_id);
        m.opt_field(Field::Sessions, &mut s.session_id);
    }
    for w in &mut out.warnings {
        w.kind.texts_mut().into_iter().for_each(|t| m.text(t));
    }
    out
}

fn redact_trace(m: &mut Masker, t: &mut Trace, rules: &Rules) {
    let mut dropped = 0;
    if rules.drop_inputs {
        dropped += usize::from(t.input.take().is_some());
    }
    if rules.drop_outputs {
        dropped += usize::from(t.output.take().is_some());
    }
    m.payload(&mut t.input);
    m.payload(&mut t.output);
    m.opt(&mut t.name);
    m.id(&mut t.id);
    m.opt_field(Field::Users, &mut t.user_id);
    m.opt_field(Field::Sessions, &mut t.session_id);
    m.field(Field::Services, &mut t.source);
    for tag in &mut t.tags {
        m.text(tag);
    }
    m.attributes(&mut t.attributes, &rules.drop_attributes);
    for o in &mut t.observations {
        if rules.drop_inputs {
            dropped += usize::from(o.input.take().is_some());
        }
        if rules.drop_outputs {
            dropped += usize::from(o.output.take().is_some());
        }
        m.payload(&mut o.input);
        m.payload(&mut o.output);
        m.payload(&mut o.model_parameters);
        m.id(&mut o.id);
        m.opt_id(&mut o.parent_id);
        m.text(&mut o.name);
        m.opt(&mut o.tool_name);
        m.opt(&mut o.status_message);
        m.attributes(&mut o.attributes, &rules.drop_attributes);
        for d in &mut o.documents {
            if rules.drop_outputs {
                dropped += usize::from(d.content.take().is_some());
            }
            m.opt_id(&mut d.id);
            m.opt(&mut d.content);
            m.opt(&mut d.metadata);
        }
        for e in &mut o.events {
            m.text(&mut e.name);
            m.attributes(&mut e.attributes, &rules.drop_attributes);
        }
    }
    m.report.dropped_fields += dropped;
}

#[cfg(test)]
mod tests;
