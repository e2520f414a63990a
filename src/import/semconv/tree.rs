//! Flattened attributes put back into their tree: `prefix.0.message.role`,
//! `prefix.0.message.tool_calls.1.tool_call.id` and the like become lists and objects again, the
//! one-key wrappers OpenInference adds are left out, and the tree is written as JSON directly.

use super::values::{attr_json, document, documents_of, is_wrapper, unwrap_wrappers, Draft, Text};
use crate::model::hash::IdMap;
use crate::model::order;
use crate::model::payload::write_json_str;
use crate::model::{AttrValue, Attribute, Payload};
use serde_json::Value;

/// Keys deeper than this are left as plain attributes instead of being rebuilt into messages.
pub(super) const MAX_SEGMENTS: usize = 24;

/// The prefixes of the flattened trees `apply` rebuilds, by position in a `Flattened` mask.
pub(super) const FLATTENED: [&str; 8] = [
    "llm.input_messages",
    "gen_ai.prompt",
    "llm.output_messages",
    "gen_ai.completion",
    "retrieval.documents",
    "reranker.output_documents",
    "reranker.input_documents",
    "embedding.embeddings",
];
pub(super) const LLM_INPUT: usize = 0;
pub(super) const GENAI_PROMPT: usize = 1;
pub(super) const LLM_OUTPUT: usize = 2;
pub(super) const GENAI_COMPLETION: usize = 3;
pub(super) const RETRIEVAL: usize = 4;
pub(super) const RERANKER_OUTPUT: usize = 5;
pub(super) const RERANKER_INPUT: usize = 6;
pub(super) const EMBEDDINGS: usize = 7;

/// Which of the `FLATTENED` trees a span's attributes hold, found in one pass over their keys:
/// most spans hold none, and each `unflatten` compares every key with its prefix.
pub(super) struct Flattened(u8);

impl Flattened {
    pub(super) fn of(attrs: &[Attribute]) -> Self {
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

    pub(super) fn unflatten<'a>(&self, attrs: &'a [Attribute], tree: usize, consumed: &mut [bool]) -> Option<Node<'a>> {
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

/// Flattened attributes put back into their tree (keys borrowed from the attributes).
pub(super) enum Node<'a> {
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
pub(super) struct Keyed<'a>(Vec<(&'a str, Node<'a>)>, Option<IdMap<&'a str, usize>>);

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
    pub(super) fn to_value(&self) -> Value {
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
    pub(super) fn to_documents(&self) -> Vec<Draft> {
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
    pub(super) fn to_payload(&self) -> Payload {
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{attrs_from_flat_map, fixture};
    use super::*;
    use crate::model::Document;

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
}
