//! A small Markdown reader for LLM text, as balanced events the view turns into DOM nodes (never
//! HTML): paragraphs, ATX and setext headings, fenced code, block quotes, bullet and ordered lists
//! (nested), tables, rules; code spans, emphasis, strong, strikethrough, links, autolinks, images
//! and hard breaks. Raw HTML stays text. Nesting is capped, the blocks are one pass over the
//! lines with explicit stacks, and inline delimiters are paired from tables built once per block
//! (`inline`), so hostile input costs linear time (up to a log factor) and bounded depth.

mod inline;
#[cfg(test)]
mod tests;

use inline::inlines;

/// Containers and inlines deeper than this are read as plain text.
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
    Image(String),
    Table,
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
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Container {
    Quote,
    /// Bullet character, or `None` for ordered lists (with their delimiter).
    List {
        bullet: Option<char>,
        delim: char,
    },
    /// Content starts this many columns in.
    Item {
        indent: usize,
    },
}

enum Leaf {
    None,
    Para(Vec<String>),
    Fence { marker: char, len: usize, lines: Vec<String> },
    Table { rows: Vec<Vec<String>> },
}

struct Reader {
    out: Vec<Event>,
    open: Vec<Container>,
    leaf: Leaf,
}

/// Reads `text` into events; every `Start` has its `End`.
pub fn events(text: &str) -> Vec<Event> {
    let mut r = Reader { out: Vec::new(), open: Vec::new(), leaf: Leaf::None };
    for line in text.lines() {
        r.line(line);
    }
    r.close_leaf();
    r.close_to(0);
    r.out
}

impl Reader {
    fn line(&mut self, line: &str) {
        // 1. which open containers this line continues
        let mut rest = line;
        let mut matched = 0;
        for c in &self.open {
            match *c {
                Container::Quote => match strip_quote(rest) {
                    Some(r) => rest = r,
                    None => break,
                },
                Container::List { .. } => {}
                Container::Item { indent } => {
                    if is_blank(rest) {
                    } else if leading_spaces(rest) >= indent {
                        rest = &rest[indent..];
                    } else {
                        break;
                    }
                }
            }
            matched += 1;
        }
        // a list whose item did not continue stays open for a sibling item of the same kind
        if matched < self.open.len() && matches!(self.open[matched], Container::Item { .. }) && matched > 0 {
            if let Container::List { bullet, delim } = self.open[matched - 1] {
                if list_marker(rest).is_some_and(|m| m.bullet == bullet && m.delim == delim) {
                    self.close_leaf();
                    self.close_to(matched);
                    let m = list_marker(rest).unwrap_or_default();
                    return self.open_item_and_rest(m.indent, &rest[m.indent.min(rest.len())..]);
                }
            }
            // an item's list is matched only through the item
            matched -= 1;
        }
        // 2. inside a fence, lines are code until the closing fence
        if let Leaf::Fence { marker, len, .. } = self.leaf {
            if matched == self.open.len() {
                let t = rest.trim_start();
                let run = t.len() - t.trim_start_matches(marker).len();
                if run >= len && t.trim_start_matches(marker).trim().is_empty() {
                    self.close_leaf();
                } else if let Leaf::Fence { lines, .. } = &mut self.leaf {
                    lines.push(rest.to_string());
                }
                return;
            }
        }
        if matched < self.open.len() {
            // a paragraph goes on through a lazy line that starts nothing new
            let lazy = matches!(self.leaf, Leaf::Para(_))
                && !is_blank(rest)
                && strip_quote(rest).is_none()
                && list_marker(rest).is_none()
                && block_start(rest).is_none();
            if lazy {
                if let Leaf::Para(lines) = &mut self.leaf {
                    lines.push(rest.trim_start().to_string());
                }
                return;
            }
            self.close_leaf();
            self.close_to(matched);
        }
        self.open_and_rest(rest);
    }

    /// New containers at the start of `rest`, then the leaf content after them.
    fn open_and_rest(&mut self, mut rest: &str) {
        loop {
            if self.open.len() >= MAX_DEPTH {
                break;
            }
            if thematic_break(rest) {
                break;
            }
            if let Some(r) = strip_quote(rest) {
                self.close_leaf();
                self.open.push(Container::Quote);
                self.out.push(Event::Start(Tag::Quote));
                rest = r;
                continue;
            }
            if let Some(m) = list_marker(rest) {
                // an empty item does not interrupt a paragraph ("-" alone under text is a heading line)
                let empty = is_blank(&rest[m.indent.min(rest.len())..]);
                if !(empty && matches!(self.leaf, Leaf::Para(_))) {
                    self.close_leaf();
                    self.open.push(Container::List { bullet: m.bullet, delim: m.delim });
                    self.out.push(Event::Start(Tag::List(m.bullet.is_none().then_some(m.start))));
                    self.open.push(Container::Item { indent: m.indent });
                    self.out.push(Event::Start(Tag::Item));
                    rest = &rest[m.indent.min(rest.len())..];
                    continue;
                }
            }
            break;
        }
        self.leaf_line(rest);
    }

    fn open_item_and_rest(&mut self, indent: usize, rest: &str) {
        self.open.push(Container::Item { indent });
        self.out.push(Event::Start(Tag::Item));
        self.open_and_rest(rest);
    }

    fn leaf_line(&mut self, rest: &str) {
        if is_blank(rest) {
            self.close_leaf();
            return;
        }
        let t = rest.trim_start();
        if let Leaf::Para(lines) = &self.leaf {
            // setext heading: a line of = or - under a paragraph
            let under = t.trim_end();
            if !under.is_empty() && (under.bytes().all(|b| b == b'=') || under.bytes().all(|b| b == b'-')) {
                let level = if under.starts_with('=') { 1 } else { 2 };
                let text = lines.join("\n");
                self.leaf = Leaf::None;
                self.heading(level, &text);
                return;
            }
            // a table: a header line with pipes, then a delimiter row
            if lines.len() == 1 && lines[0].contains('|') && delimiter_row(t) {
                let head = lines[0].clone();
                self.leaf = Leaf::Table { rows: vec![cells(&head)] };
                return;
            }
        }
        if let Leaf::Table { rows } = &mut self.leaf {
            if t.contains('|') {
                rows.push(cells(t));
                return;
            }
            self.close_leaf();
        }
        if thematic_break(rest) {
            self.close_leaf();
            self.out.push(Event::Rule);
            return;
        }
        match block_start(rest) {
            Some(Block::Fence(marker, len)) => {
                self.close_leaf();
                self.leaf = Leaf::Fence { marker, len, lines: Vec::new() };
            }
            Some(Block::Heading(level, text)) => {
                self.close_leaf();
                self.heading(level, text);
            }
            None => match &mut self.leaf {
                Leaf::Para(lines) => lines.push(t.to_string()),
                _ => {
                    self.close_leaf();
                    self.leaf = Leaf::Para(vec![t.to_string()]);
                }
            },
        }
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.out.push(Event::Start(Tag::Heading(level)));
        inlines(text.trim(), &mut self.out);
        self.out.push(Event::End);
    }

    fn close_leaf(&mut self) {
        match std::mem::replace(&mut self.leaf, Leaf::None) {
            Leaf::None => {}
            Leaf::Para(lines) => {
                self.out.push(Event::Start(Tag::Paragraph));
                inlines(&lines.join("\n"), &mut self.out);
                self.out.push(Event::End);
            }
            Leaf::Fence { lines, .. } => {
                self.out.push(Event::Start(Tag::CodeBlock));
                let mut text = lines.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                self.out.push(Event::Text(text));
                self.out.push(Event::End);
            }
            Leaf::Table { rows } => {
                self.out.push(Event::Start(Tag::Table));
                for (i, row) in rows.iter().enumerate() {
                    if i == 0 {
                        self.out.push(Event::Start(Tag::TableHead));
                    }
                    self.out.push(Event::Start(Tag::TableRow));
                    for cell in row {
                        self.out.push(Event::Start(Tag::TableCell));
                        inlines(cell, &mut self.out);
                        self.out.push(Event::End);
                    }
                    self.out.push(Event::End);
                    if i == 0 {
                        self.out.push(Event::End);
                    }
                }
                self.out.push(Event::End);
            }
        }
    }

    /// Closes containers until `keep` remain.
    fn close_to(&mut self, keep: usize) {
        while self.open.len() > keep {
            self.open.pop();
            self.out.push(Event::End);
        }
    }
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn leading_spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

fn strip_quote(s: &str) -> Option<&str> {
    if leading_spaces(s) > 3 {
        return None;
    }
    let r = s.trim_start_matches(' ').strip_prefix('>')?;
    Some(r.strip_prefix(' ').unwrap_or(r))
}

#[derive(Default)]
struct Marker {
    bullet: Option<char>,
    delim: char,
    start: u64,
    /// Columns from the line start to the item's content.
    indent: usize,
}

fn list_marker(s: &str) -> Option<Marker> {
    let lead = leading_spaces(s);
    if lead > 3 {
        return None;
    }
    let t = &s[lead..];
    let (bullet, delim, start, width) = match t.chars().next()? {
        c @ ('-' | '*' | '+') => (Some(c), c, 0, 1),
        c if c.is_ascii_digit() => {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 9 {
                return None;
            }
            let d = *t.as_bytes().get(digits)?;
            if d != b'.' && d != b')' {
                return None;
            }
            (None, d as char, t[..digits].parse().ok()?, digits + 1)
        }
        _ => return None,
    };
    let after = &t[width..];
    if !(after.is_empty() || after.starts_with(' ') || after.starts_with('\t')) {
        return None;
    }
    let spaces = leading_spaces(after);
    let pad = if spaces == 0 || spaces > 4 || is_blank(after) { 1 } else { spaces };
    Some(Marker { bullet, delim, start, indent: (lead + width + pad).min(s.len()) })
}

fn thematic_break(s: &str) -> bool {
    if leading_spaces(s) > 3 {
        return false;
    }
    let t: Vec<u8> = s.bytes().filter(|b| *b != b' ' && *b != b'\t').collect();
    t.len() >= 3 && matches!(t[0], b'-' | b'*' | b'_') && t.iter().all(|&b| b == t[0])
}

enum Block<'a> {
    Fence(char, usize),
    Heading(u8, &'a str),
}

fn block_start(s: &str) -> Option<Block<'_>> {
    if leading_spaces(s) > 3 {
        return None;
    }
    let t = s.trim_start();
    for marker in ['`', '~'] {
        let len = t.len() - t.trim_start_matches(marker).len();
        if len >= 3 && !(marker == '`' && t[len..].contains('`')) {
            return Some(Block::Fence(marker, len));
        }
    }
    let hashes = t.len() - t.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) {
        let after = &t[hashes..];
        if after.is_empty() || after.starts_with(' ') || after.starts_with('\t') {
            let text = after.trim_end();
            let closed = text.trim_end_matches('#');
            let text = if closed.is_empty() || closed.ends_with(' ') { closed } else { text };
            return Some(Block::Heading(hashes as u8, text));
        }
    }
    None
}

fn delimiter_row(s: &str) -> bool {
    let t = s.trim().trim_matches('|');
    !t.is_empty()
        && t.split('|').all(|c| {
            let c = c.trim().trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

fn cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}
