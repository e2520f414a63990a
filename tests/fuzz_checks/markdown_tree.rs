//! Canopy's Markdown events and pulldown-cmark's, brought to one small tree so that two readings
//! differ only where the page would show something different (docs/markdown.md, "How examples
//! are compared"). Shared by tests/markdown_spec.rs and the `markdown` fuzz check.

use canopy::model::markdown::{events, Event, Tag};
use pulldown_cmark::{Event as PEvent, LinkType, Options, Parser, Tag as PTag, TagEnd};
use std::fmt;

/// One node: an element with a label (`p`, `h2`, `ol 3`, `a URL`…) and children, or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    El(String, Vec<Node>),
    Text(String),
}

/// The elements whose content is inline (text, code, emphasis, links…).
fn is_inline(n: &Node) -> bool {
    match n {
        Node::Text(_) => true,
        Node::El(label, _) => {
            let head = label.split(' ').next().unwrap_or("");
            matches!(head, "code" | "em" | "strong" | "del" | "a" | "img" | "br" | "task")
        }
    }
}

/// Builds a tree from balanced starts and ends; text next to text is one text.
struct Builder {
    stack: Vec<(String, Vec<Node>)>,
}

impl Builder {
    fn new() -> Self {
        Builder { stack: vec![(String::new(), Vec::new())] }
    }

    fn start(&mut self, label: String) {
        self.stack.push((label, Vec::new()));
    }

    fn end(&mut self) {
        // the root is never closed: an unbalanced end is kept as a visible marker instead
        if self.stack.len() < 2 {
            self.leaf(Node::El("unbalanced-end".into(), Vec::new()));
            return;
        }
        if let Some((label, children)) = self.stack.pop() {
            self.leaf(Node::El(label, children));
        }
    }

    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some((_, children)) = self.stack.last_mut() {
            if let Some(Node::Text(t)) = children.last_mut() {
                t.push_str(s);
            } else {
                children.push(Node::Text(s.to_string()));
            }
        }
    }

    fn leaf(&mut self, n: Node) {
        if let Some((_, children)) = self.stack.last_mut() {
            children.push(n);
        }
    }

    fn finish(mut self) -> Vec<Node> {
        while self.stack.len() > 1 {
            self.end();
        }
        let root = self.stack.pop().map(|(_, c)| c).unwrap_or_default();
        normalise(root)
    }
}

/// The comparison rules that apply to both sides: an item's inline content is a paragraph
/// (tight and loose lists look alike on the page), and an image is its address and plain text.
fn normalise(nodes: Vec<Node>) -> Vec<Node> {
    // iterative over an explicit stack: (label, pending children reversed, done children)
    let mut out: Vec<(String, Vec<Node>, Vec<Node>)> = Vec::new();
    let mut rev = nodes;
    rev.reverse();
    out.push((String::new(), rev, Vec::new()));
    loop {
        let next = out.last_mut().and_then(|(_, pending, _)| pending.pop());
        match next {
            Some(Node::El(label, children)) if label.starts_with("img") => {
                let n = Node::El(label, vec![Node::Text(plain(&children))]);
                if let Some((_, _, done)) = out.last_mut() {
                    done.push(n);
                }
            }
            Some(Node::El(label, mut children)) => {
                children.reverse();
                out.push((label, children, Vec::new()));
            }
            Some(text) => {
                if let Some((_, _, done)) = out.last_mut() {
                    done.push(text);
                }
            }
            None => {
                let Some((label, _, done)) = out.pop() else { break };
                let done = if label == "li" { wrap_inline(done) } else { done };
                match out.last_mut() {
                    Some((_, _, parent)) => parent.push(Node::El(label, done)),
                    None => return done,
                }
            }
        }
    }
    Vec::new()
}

/// Runs of inline nodes become paragraphs.
fn wrap_inline(children: Vec<Node>) -> Vec<Node> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for c in children {
        if is_inline(&c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                out.push(Node::El("p".into(), std::mem::take(&mut run)));
            }
            out.push(c);
        }
    }
    if !run.is_empty() {
        out.push(Node::El("p".into(), run));
    }
    out
}

fn task(done: bool) -> Node {
    Node::El(format!("task {}", if done { "x" } else { "_" }), Vec::new())
}

/// The text of nodes, markup dropped and a break a newline (as in an image's alternative text).
fn plain(nodes: &[Node]) -> String {
    let mut s = String::new();
    let mut stack: Vec<&Node> = nodes.iter().rev().collect();
    while let Some(n) = stack.pop() {
        match n {
            Node::Text(t) => s.push_str(t),
            Node::El(label, _) if label == "br" => s.push('\n'),
            Node::El(_, c) => stack.extend(c.iter().rev()),
        }
    }
    s
}

/// How deep elements nest in `nodes` (the tree's, so a table head counts two: head and row).
pub fn depth(nodes: &[Node]) -> usize {
    let mut most = 0;
    let mut stack: Vec<(&Node, usize)> = nodes.iter().map(|n| (n, 1)).collect();
    while let Some((n, d)) = stack.pop() {
        if let Node::El(_, children) = n {
            most = most.max(d);
            stack.extend(children.iter().map(|c| (c, d + 1)));
        }
    }
    most
}

/// Canopy's reading of `text`.
pub fn canopy(text: &str) -> Vec<Node> {
    let mut b = Builder::new();
    for e in events(text) {
        match e {
            Event::Start(tag) => b.start(match tag {
                Tag::Paragraph => "p".into(),
                Tag::Heading(level) => format!("h{level}"),
                Tag::Quote => "quote".into(),
                Tag::CodeBlock => "pre".into(),
                Tag::List(Some(start)) => format!("ol {start}"),
                Tag::List(None) => "ul".into(),
                Tag::Item => "li".into(),
                Tag::Emphasis => "em".into(),
                Tag::Strong => "strong".into(),
                Tag::Strike => "del".into(),
                Tag::Link(url) => format!("a {url}"),
                Tag::Image(url) => format!("img {url}"),
                Tag::Table => "table".into(),
                Tag::TableHead => "thead".into(),
                Tag::TableRow => "tr".into(),
                Tag::TableCell => "td".into(),
            }),
            Event::End => b.end(),
            Event::Text(t) => b.text(&t),
            Event::Code(c) => b.leaf(Node::El("code".into(), vec![Node::Text(c)])),
            Event::SoftBreak => b.text("\n"),
            Event::HardBreak => b.leaf(Node::El("br".into(), Vec::new())),
            Event::Rule => b.leaf(Node::El("hr".into(), Vec::new())),
            Event::TaskMarker(done) => b.leaf(task(done)),
        }
    }
    b.finish()
}

/// The options of the reference reading: plain CommonMark, or with the GFM extensions
/// Canopy reads (tables, strikethrough, task lists).
pub fn options(gfm: bool) -> Options {
    if gfm {
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
    } else {
        Options::empty()
    }
}

/// pulldown-cmark's reading of `text`, with raw HTML as its text (the page never renders HTML).
pub fn reference(text: &str, gfm: bool) -> Vec<Node> {
    let mut b = Builder::new();
    for e in Parser::new_ext(text, options(gfm)) {
        match e {
            PEvent::Start(tag) => match tag {
                PTag::Paragraph | PTag::HtmlBlock => b.start("p".into()),
                PTag::Heading { level, .. } => b.start(format!("h{}", level as u8)),
                PTag::BlockQuote(_) => b.start("quote".into()),
                PTag::CodeBlock(_) => b.start("pre".into()),
                PTag::List(Some(start)) => b.start(format!("ol {start}")),
                PTag::List(None) => b.start("ul".into()),
                PTag::Item => b.start("li".into()),
                PTag::Emphasis => b.start("em".into()),
                PTag::Strong => b.start("strong".into()),
                PTag::Strikethrough => b.start("del".into()),
                // an e-mail autolink's address is a `mailto:` link (as pulldown-cmark writes it in HTML)
                PTag::Link { link_type: LinkType::Email, dest_url, .. } => b.start(format!("a mailto:{dest_url}")),
                PTag::Link { dest_url, .. } => b.start(format!("a {dest_url}")),
                PTag::Image { dest_url, .. } => b.start(format!("img {dest_url}")),
                PTag::Table(_) => b.start("table".into()),
                // pulldown-cmark's head holds its cells; Canopy's holds one row of them
                PTag::TableHead => {
                    b.start("thead".into());
                    b.start("tr".into());
                }
                PTag::TableRow => b.start("tr".into()),
                PTag::TableCell => b.start("td".into()),
                other => b.start(format!("unsupported {other:?}")),
            },
            PEvent::End(TagEnd::TableHead) => {
                b.end();
                b.end();
            }
            PEvent::End(TagEnd::HtmlBlock) => {
                // an HTML block's lines end in a newline; a paragraph's last line does not
                if let Some((_, children)) = b.stack.last_mut() {
                    if let Some(Node::Text(t)) = children.last_mut() {
                        let kept = t.trim_end_matches('\n').len();
                        t.truncate(kept);
                    }
                }
                b.end();
            }
            PEvent::End(_) => b.end(),
            PEvent::Text(t) | PEvent::Html(t) | PEvent::InlineHtml(t) => b.text(&t),
            PEvent::Code(c) => b.leaf(Node::El("code".into(), vec![Node::Text(c.to_string())])),
            PEvent::SoftBreak => b.text("\n"),
            PEvent::HardBreak => b.leaf(Node::El("br".into(), Vec::new())),
            PEvent::Rule => b.leaf(Node::El("hr".into(), Vec::new())),
            PEvent::TaskListMarker(done) => {
                b.leaf(Node::El(format!("task {}", if done { "x" } else { "_" }), Vec::new()))
            }
            other => b.leaf(Node::El(format!("unsupported {other:?}"), Vec::new())),
        }
    }
    b.finish()
}

/// A tree written on one line, for failure messages and the docs: `p("a " em("b"))`.
pub struct Show<'a>(pub &'a [Node]);

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // iterative: (node, whether its children were written)
        let mut stack: Vec<(&Node, bool)> = self.0.iter().rev().map(|n| (n, false)).collect();
        let mut first = true;
        while let Some((n, opened)) = stack.pop() {
            match n {
                Node::Text(t) => {
                    if !first {
                        f.write_str(" ")?;
                    }
                    write!(f, "{t:?}")?;
                    first = false;
                }
                Node::El(_, _) if opened => {
                    f.write_str(")")?;
                    first = false;
                }
                Node::El(label, children) => {
                    if !first {
                        f.write_str(" ")?;
                    }
                    write!(f, "{label}(")?;
                    first = true;
                    stack.push((n, true));
                    stack.extend(children.iter().rev().map(|c| (c, false)));
                }
            }
        }
        Ok(())
    }
}
