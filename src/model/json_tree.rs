//! A JSON value flattened into rows for a virtualized tree viewer: built iteratively, with paths,
//! subtree ranges, search and exact re-serialisation of any subtree.

use super::fold;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Label {
    Root,
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    /// The number's JSON text, exactly as parsed.
    Num(String),
    Bool(bool),
    Null,
    Object(usize),
    Array(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub label: Label,
    pub value: Scalar,
    pub depth: u32,
    pub parent: Option<u32>,
    /// Index just past this node's subtree.
    pub end: u32,
}

impl Node {
    pub fn is_container(&self) -> bool {
        matches!(self.value, Scalar::Object(n) | Scalar::Array(n) if n > 0)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonTree {
    pub nodes: Vec<Node>,
}

impl JsonTree {
    /// Flattens `v` in document order, without recursion.
    pub fn build(v: Value) -> JsonTree {
        let mut nodes: Vec<Node> = Vec::new();
        // (label, value, depth, parent); children are pushed reversed so they pop in order
        let mut stack: Vec<(Label, Value, u32, Option<u32>)> = vec![(Label::Root, v, 0, None)];
        // nodes whose subtree end is still open, innermost last
        let mut open: Vec<u32> = Vec::new();
        while let Some((label, value, depth, parent)) = stack.pop() {
            while let Some(&o) = open.last() {
                if nodes[o as usize].depth >= depth {
                    nodes[o as usize].end = nodes.len() as u32;
                    open.pop();
                } else {
                    break;
                }
            }
            let idx = nodes.len() as u32;
            let scalar = match value {
                Value::Object(map) => {
                    let n = map.len();
                    let children: Vec<(String, Value)> = map.into_iter().collect();
                    for (k, v) in children.into_iter().rev() {
                        stack.push((Label::Key(k), v, depth + 1, Some(idx)));
                    }
                    Scalar::Object(n)
                }
                Value::Array(items) => {
                    let n = items.len();
                    for (i, v) in items.into_iter().enumerate().rev() {
                        stack.push((Label::Index(i), v, depth + 1, Some(idx)));
                    }
                    Scalar::Array(n)
                }
                Value::String(s) => Scalar::Str(s),
                Value::Number(n) => Scalar::Num(n.to_string()),
                Value::Bool(b) => Scalar::Bool(b),
                Value::Null => Scalar::Null,
            };
            nodes.push(Node { label, value: scalar, depth, parent, end: idx + 1 });
            open.push(idx);
        }
        let total = nodes.len() as u32;
        for o in open {
            nodes[o as usize].end = total;
        }
        JsonTree { nodes }
    }

    /// Rows to show: document order, skipping the insides of collapsed containers.
    pub fn visible(&self, collapsed: &std::collections::HashSet<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut i = 0usize;
        while i < self.nodes.len() {
            out.push(i as u32);
            if collapsed.contains(&(i as u32)) {
                i = self.nodes[i].end as usize;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Containers deeper than `depth` start collapsed, so a huge payload opens as a short outline.
    pub fn collapsed_below(&self, depth: u32) -> std::collections::HashSet<u32> {
        (0..self.nodes.len() as u32)
            .filter(|&i| self.nodes[i as usize].depth >= depth && self.nodes[i as usize].is_container())
            .collect()
    }

    /// The JavaScript-style path of a node: `choices[0].message["content-type"]`.
    pub fn path(&self, i: u32) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(i);
        while let Some(c) = cur {
            let n = &self.nodes[c as usize];
            match &n.label {
                Label::Root => {}
                Label::Index(k) => parts.push(format!("[{k}]")),
                Label::Key(k) => {
                    let plain = !k.is_empty()
                        && k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')
                        && !k.starts_with(|ch: char| ch.is_ascii_digit());
                    parts.push(if plain {
                        format!(".{k}")
                    } else {
                        format!("[{}]", serde_json::to_string(k).unwrap_or_default())
                    });
                }
            }
            cur = n.parent;
        }
        parts.reverse();
        let p = parts.concat();
        p.strip_prefix('.').map(str::to_string).unwrap_or(p)
    }

    /// The subtree at `i` as compact JSON, rebuilt exactly (key order and number text kept).
    pub fn subtree_json(&self, i: u32) -> String {
        let mut out = String::new();
        let root = &self.nodes[i as usize];
        let base = root.depth;
        // containers whose closing bracket is pending, innermost last
        let mut closers: Vec<(u32, char)> = Vec::new();
        for k in i..root.end {
            let n = &self.nodes[k as usize];
            while let Some(&(d, ch)) = closers.last() {
                if d >= n.depth {
                    out.push(ch);
                    closers.pop();
                } else {
                    break;
                }
            }
            if k != i {
                let parent_first_child = n.parent.is_some_and(|p| p + 1 == k);
                if !parent_first_child {
                    out.push(',');
                }
                if let Label::Key(key) = &n.label {
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push(':');
                }
            }
            match &n.value {
                Scalar::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
                Scalar::Num(t) => out.push_str(t),
                Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Scalar::Null => out.push_str("null"),
                Scalar::Object(_) => {
                    out.push('{');
                    closers.push((n.depth, '}'));
                }
                Scalar::Array(_) => {
                    out.push('[');
                    closers.push((n.depth, ']'));
                }
            }
        }
        while let Some((d, ch)) = closers.pop() {
            if d >= base {
                out.push(ch);
            }
        }
        out
    }

    /// Nodes whose key or scalar value contains `query` (case-insensitive), in document order.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let q = fold::lower(query);
        if q.is_empty() {
            return Vec::new();
        }
        let hit = |s: &str| fold::lower(s).contains(&q);
        (0..self.nodes.len() as u32)
            .filter(|&i| {
                let n = &self.nodes[i as usize];
                let key_hit = matches!(&n.label, Label::Key(k) if hit(k));
                let value_hit = match &n.value {
                    Scalar::Str(s) | Scalar::Num(s) => hit(s),
                    Scalar::Bool(b) => hit(if *b { "true" } else { "false" }),
                    Scalar::Null => hit("null"),
                    _ => false,
                };
                key_hit || value_hit
            })
            .collect()
    }

    /// Ancestors of `i`, nearest first.
    pub fn ancestors(&self, i: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.nodes[i as usize].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.nodes[p as usize].parent;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashSet;

    fn sample() -> JsonTree {
        JsonTree::build(
            json!({"choices": [{"message": {"role": "assistant", "content": "Hi <b>"}}], "usage": {"total": 12}, "odd key": null}),
        )
    }

    #[test]
    fn flattens_in_document_order_with_ranges() {
        let t = sample();
        let labels: Vec<String> = t.nodes.iter().map(|n| format!("{:?}", n.label)).collect();
        assert_eq!(t.nodes.len(), 9, "{labels:?}");
        assert_eq!(t.nodes[0].end, 9);
        assert_eq!(t.nodes[1].label, Label::Key("choices".into()));
        assert_eq!(t.nodes[1].end, 6);
        assert_eq!(t.path(5), "choices[0].message.content");
        assert_eq!(t.path(8), r#"["odd key"]"#);
    }

    #[test]
    fn subtrees_reserialize_exactly() {
        let v =
            json!({"a": [1, 2.5, {"b": "x\"y"}, []], "c": {}, "d": true, "e": null, "big": 12345678901234567890u64});
        let t = JsonTree::build(v.clone());
        let back: Value = serde_json::from_str(&t.subtree_json(0)).unwrap();
        assert_eq!(back, v);
        assert_eq!(t.subtree_json(2), "1");
        assert_eq!(t.subtree_json(1), r#"[1,2.5,{"b":"x\"y"},[]]"#);
    }

    #[test]
    fn collapse_search_and_ancestors() {
        let t = sample();
        assert_eq!(t.visible(&HashSet::new()).len(), 9);
        let collapsed: HashSet<u32> = [1].into_iter().collect();
        assert_eq!(t.visible(&collapsed), vec![0, 1, 6, 7, 8]);
        assert_eq!(t.search("ASSIST"), vec![4]);
        assert_eq!(t.search("usage"), vec![6]);
        assert_eq!(t.ancestors(4), vec![3, 2, 1, 0]);
        assert_eq!(t.collapsed_below(1), [1, 2, 3, 6].into_iter().collect());
    }

    #[test]
    fn deep_documents_do_not_recurse() {
        let mut v = json!(1);
        for _ in 0..100 {
            v = json!([v]);
        }
        let t = JsonTree::build(v);
        assert_eq!(t.nodes.len(), 101);
        assert_eq!(t.subtree_json(0).len(), 201);
    }
}
