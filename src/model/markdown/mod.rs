//! Markdown of LLM text, read by pulldown-cmark (CommonMark 0.31.2 with the GFM tables,
//! strikethrough and task lists) into balanced events that the view turns into DOM nodes, never
//! HTML: raw HTML in the text comes out as text. The hand-written reader this replaces passed
//! 62 % of the spec examples of the constructs LLMs write; this passes all of them, for the bundle
//! bytes docs/markdown.md gives. On top of the reader: nesting is capped, an image is its address
//! and plain alternative text, and adjacent texts are one text.

#[cfg(test)]
mod tests;

use pulldown_cmark::{Event as MdEvent, LinkType, Options, Parser, Tag as MdTag, TagEnd};

/// Elements nested deeper than this are dropped, their content kept in the element above.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub enum Tag {
    Paragraph,
    Heading(u8),
    Quote,
    CodeBlock,
    /// `Some(start)` for an ordered list.
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Strike,
    Link(String),
    /// Holds one `Text`: the image's alternative text.
    Image(String),
    Table,
    /// Holds one `TableRow`.
    TableHead,
    TableRow,
    TableCell,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Start(Tag),
    /// Closes the latest `Start` still open.
    End,
    Text(String),
    Code(String),
    SoftBreak,
    HardBreak,
    Rule,
    /// A task list item's checkbox: `true` when ticked (`- [x] done`).
    TaskMarker(bool),
}

/// The Markdown LLMs write beyond CommonMark: GFM tables, strikethrough and task lists.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Reads `text` into events; every `Start` has its `End`.
pub fn events(text: &str) -> Vec<Event> {
    let mut w = Writer { out: Vec::new(), text: String::new(), opened: Vec::new(), depth: 0, image: None };
    for e in Parser::new_ext(text, options()) {
        w.event(e);
    }
    w.flush();
    w.out
}

struct Writer {
    out: Vec<Event>,
    /// Text not yet written: adjacent texts (and raw HTML) become one `Text`.
    text: String,
    /// For each element the reader has open, how many `Start`s it wrote (0 past `MAX_DEPTH`).
    opened: Vec<usize>,
    /// `Start`s written and not yet ended.
    depth: usize,
    /// Inside an image: how deep in it, and its alternative text so far.
    image: Option<(usize, String)>,
}

impl Writer {
    fn event(&mut self, e: MdEvent<'_>) {
        // an image's content is its alternative text, markup dropped
        if let Some((inner, alt)) = &mut self.image {
            match e {
                MdEvent::Start(_) => *inner += 1,
                MdEvent::End(_) if *inner > 0 => *inner -= 1,
                MdEvent::End(_) => {
                    let alt = std::mem::take(alt);
                    self.image = None;
                    self.text.push_str(&alt);
                    self.end();
                }
                MdEvent::Text(t) | MdEvent::Code(t) | MdEvent::Html(t) | MdEvent::InlineHtml(t) => alt.push_str(&t),
                MdEvent::SoftBreak | MdEvent::HardBreak => alt.push('\n'),
                _ => {}
            }
            return;
        }
        match e {
            MdEvent::Start(tag) => self.start(tag),
            MdEvent::End(TagEnd::HtmlBlock) => {
                // an HTML block's lines each end in a newline; a paragraph's last line does not
                let kept = self.text.trim_end_matches('\n').len();
                self.text.truncate(kept);
                self.end();
            }
            MdEvent::End(_) => self.end(),
            MdEvent::Text(t) | MdEvent::Html(t) | MdEvent::InlineHtml(t) => self.text.push_str(&t),
            MdEvent::Code(c) => self.leaf(Event::Code(c.into_string())),
            MdEvent::SoftBreak => self.leaf(Event::SoftBreak),
            MdEvent::HardBreak => self.leaf(Event::HardBreak),
            MdEvent::Rule => self.leaf(Event::Rule),
            MdEvent::TaskListMarker(done) => self.leaf(Event::TaskMarker(done)),
            // math and footnotes are not turned on: never read, shown as written if they were
            MdEvent::InlineMath(t) | MdEvent::DisplayMath(t) | MdEvent::FootnoteReference(t) => self.text.push_str(&t),
        }
    }

    fn start(&mut self, tag: MdTag<'_>) {
        let tags = match tag {
            // raw HTML is shown as its text, a block of it as a paragraph
            MdTag::Paragraph | MdTag::HtmlBlock => vec![Tag::Paragraph],
            MdTag::Heading { level, .. } => vec![Tag::Heading(level as u8)],
            MdTag::BlockQuote(_) => vec![Tag::Quote],
            MdTag::CodeBlock(_) => vec![Tag::CodeBlock],
            MdTag::List(start) => vec![Tag::List(start)],
            MdTag::Item => vec![Tag::Item],
            MdTag::Emphasis => vec![Tag::Emphasis],
            MdTag::Strong => vec![Tag::Strong],
            MdTag::Strikethrough => vec![Tag::Strike],
            // the reader gives an e-mail autolink's bare address
            MdTag::Link { link_type: LinkType::Email, dest_url, .. } => vec![Tag::Link(format!("mailto:{dest_url}"))],
            MdTag::Link { dest_url, .. } => vec![Tag::Link(dest_url.into_string())],
            MdTag::Image { dest_url, .. } => {
                self.image = Some((0, String::new()));
                vec![Tag::Image(dest_url.into_string())]
            }
            MdTag::Table(_) => vec![Tag::Table],
            // the reader's head holds its cells; the page's holds one row of them
            MdTag::TableHead => vec![Tag::TableHead, Tag::TableRow],
            MdTag::TableRow => vec![Tag::TableRow],
            MdTag::TableCell => vec![Tag::TableCell],
            // extensions that are not turned on: their content stays in the element above
            _ => Vec::new(),
        };
        // an element too deep to open (an image too: then its alternative text alone) is not written
        let n = if self.depth + tags.len() <= MAX_DEPTH { tags.len() } else { 0 };
        if n > 0 {
            self.flush();
            self.out.extend(tags.into_iter().map(Event::Start));
            self.depth += n;
        }
        self.opened.push(n);
    }

    fn end(&mut self) {
        let n = self.opened.pop().unwrap_or(0);
        if n > 0 {
            self.flush();
            self.out.extend(std::iter::repeat_n(Event::End, n));
            self.depth -= n;
        }
    }

    fn leaf(&mut self, e: Event) {
        self.flush();
        self.out.push(e);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.out.push(Event::Text(std::mem::take(&mut self.text)));
        }
    }
}
