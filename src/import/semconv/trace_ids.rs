//! Trace-level facts the conventions find on spans (name, session, user, tags, the trace's own
//! input and output, its attributes), gathered over a trace's spans: the first span to name each wins.

use crate::model::{Attribute, Payload};

/// Trace-level facts found on a span.
#[derive(Debug, Default)]
pub struct TraceIds {
    pub name: Option<String>,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub tags: Vec<String>,
    /// The trace's own input and output (Langfuse `langfuse.trace.input`/`output`).
    pub input: Option<Payload>,
    pub output: Option<Payload>,
    /// Trace-level attributes (`langfuse.trace.public`, `langfuse.trace.metadata.*`…).
    pub attributes: Vec<Attribute>,
}

impl TraceIds {
    /// Adds what one more span says (the first span to name each fact wins).
    pub fn absorb(&mut self, ids: TraceIds) {
        self.name = self.name.take().or(ids.name);
        self.session_id = self.session_id.take().or(ids.session_id);
        self.user_id = self.user_id.take().or(ids.user_id);
        add_tags(&mut self.tags, ids.tags);
        self.input = self.input.take().or(ids.input);
        self.output = self.output.take().or(ids.output);
        add_attributes(&mut self.attributes, ids.attributes);
    }

    /// Sets the trace-level facts found on its spans (the first span to name each wins).
    pub fn apply_to(self, t: &mut crate::model::Trace) {
        t.name = t.name.take().or(self.name);
        t.session_id = t.session_id.take().or(self.session_id);
        t.user_id = t.user_id.take().or(self.user_id);
        add_tags(&mut t.tags, self.tags);
        t.input = t.input.take().or(self.input);
        t.output = t.output.take().or(self.output);
        add_attributes(&mut t.attributes, self.attributes);
    }
}

/// Appends the attributes whose key `to` does not have yet (the first span to name one wins).
fn add_attributes(to: &mut Vec<Attribute>, attributes: Vec<Attribute>) {
    for a in attributes {
        if !to.iter().any(|b| b.key == a.key) {
            to.push(a);
        }
    }
}

/// Appends the tags `to` does not have yet.
fn add_tags(to: &mut Vec<String>, tags: Vec<String>) {
    for tag in tags {
        if !to.contains(&tag) {
            to.push(tag);
        }
    }
}
