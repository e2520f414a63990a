//! A small Markdown reader for LLM text, as balanced events the view turns into DOM nodes (never
//! HTML): paragraphs, ATX and setext headings, fenced code, block quotes, bullet and ordered lists
//! (nested), tables, rules; code spans, emphasis, strong, strikethrough, links, autolinks, images
//! and hard breaks. Raw HTML stays text. Nesting is capped, and the reader is one pass over the
//! lines with explicit stacks, so hostile input costs linear time and bounded depth.

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

/// Inline content of one block: pushes balanced events.
fn inlines(text: &str, out: &mut Vec<Event>) {
    let mut text_buf = String::new();
    inline_run(text, 0, true, out, &mut text_buf);
    flush(out, &mut text_buf);
}

fn flush(out: &mut Vec<Event>, buf: &mut String) {
    if !buf.is_empty() {
        out.push(Event::Text(decode_entities(&std::mem::take(buf))));
    }
}

/// One run of inline text. Nesting (emphasis inside links inside emphasis…) recurses at most
/// `MAX_DEPTH` levels; deeper markup is kept as text.
fn inline_run(s: &str, depth: usize, links: bool, out: &mut Vec<Event>, buf: &mut String) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' if i + 1 < b.len() && b[i + 1].is_ascii_punctuation() => {
                buf.push(b[i + 1] as char);
                i += 2;
                continue;
            }
            b'\\' if i + 1 < b.len() && b[i + 1] == b'\n' => {
                flush(out, buf);
                out.push(Event::HardBreak);
                i += 2;
                continue;
            }
            b'\n' => {
                let hard = buf.ends_with("  ");
                let trimmed = buf.trim_end_matches(' ').len();
                buf.truncate(trimmed);
                flush(out, buf);
                out.push(if hard { Event::HardBreak } else { Event::SoftBreak });
                i += 1;
                continue;
            }
            b'`' => {
                let n = run_len(b, i, b'`');
                if let Some(close) = find_run(b, i + n, b'`', n) {
                    flush(out, buf);
                    let code = &s[i + n..close];
                    let code = code.replace('\n', " ");
                    let trimmed =
                        if code.len() >= 2 && code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty() {
                            code[1..code.len() - 1].to_string()
                        } else {
                            code
                        };
                    out.push(Event::Code(trimmed));
                    i = close + n;
                } else {
                    buf.push_str(&s[i..i + n]);
                    i += n;
                }
                continue;
            }
            b'<' if links => {
                if let Some(end) = s[i + 1..].find('>').map(|e| i + 1 + e) {
                    let url = &s[i + 1..end];
                    if (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:"))
                        && !url.contains(char::is_whitespace)
                    {
                        flush(out, buf);
                        out.push(Event::Start(Tag::Link(url.to_string())));
                        out.push(Event::Text(url.to_string()));
                        out.push(Event::End);
                        i = end + 1;
                        continue;
                    }
                }
            }
            b'!' | b'[' if links && depth < MAX_DEPTH => {
                let image = c == b'!';
                let open = if image { i + 1 } else { i };
                if b.get(open) == Some(&b'[') {
                    if let Some((text_end, url, after)) = link_at(s, open) {
                        flush(out, buf);
                        if image {
                            out.push(Event::Start(Tag::Image(url)));
                            buf.push_str(&s[open + 1..text_end]);
                            flush(out, buf);
                        } else {
                            out.push(Event::Start(Tag::Link(url)));
                            inline_run(&s[open + 1..text_end], depth + 1, false, out, buf);
                            flush(out, buf);
                        }
                        out.push(Event::End);
                        i = after;
                        continue;
                    }
                }
            }
            b'*' | b'_' | b'~' if depth < MAX_DEPTH => {
                let n = run_len(b, i, c);
                if let Some((close, used)) = emphasis_close(s, i, n, c) {
                    flush(out, buf);
                    let tag = match (c, used) {
                        (b'~', _) => Tag::Strike,
                        (_, 2) => Tag::Strong,
                        _ => Tag::Emphasis,
                    };
                    // unused opening characters stay text
                    buf.push_str(&s[i..i + n - used]);
                    flush(out, buf);
                    out.push(Event::Start(tag));
                    inline_run(&s[i + n..close], depth + 1, links, out, buf);
                    flush(out, buf);
                    out.push(Event::End);
                    i = close + used;
                    continue;
                }
                buf.push_str(&s[i..i + n]);
                i += n;
                continue;
            }
            _ => {}
        }
        // one whole character
        let ch = s[i..].chars().next().unwrap_or(' ');
        buf.push(ch);
        i += ch.len_utf8();
    }
}

fn run_len(b: &[u8], i: usize, c: u8) -> usize {
    b[i..].iter().take_while(|&&x| x == c).count()
}

/// How far ahead a closing delimiter is looked for: markup spans are short, and a bound keeps a
/// paragraph of thousands of unclosed openers linear.
const SEARCH: usize = 4096;

/// The next run of exactly `n` `c`s at or after `from` (within `SEARCH` bytes).
fn find_run(b: &[u8], from: usize, c: u8, n: usize) -> Option<usize> {
    let mut j = from;
    let end = b.len().min(from.saturating_add(SEARCH));
    while j < end {
        if b[j] == c {
            let m = run_len(b, j, c);
            if m == n {
                return Some(j);
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

/// Where the emphasis opened by the run at `i` (`n` long) closes, and how many characters each
/// side uses (2 for strong and strikethrough, else 1).
fn emphasis_close(s: &str, i: usize, n: usize, c: u8) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let next = *b.get(i + n)?;
    if next.is_ascii_whitespace() {
        return None;
    }
    let prev = if i == 0 { b' ' } else { b[i - 1] };
    if c == b'_' && prev.is_ascii_alphanumeric() {
        return None; // snake_case_words are not emphasis
    }
    if c == b'~' && n < 2 {
        return None;
    }
    let want = if c == b'~' || n >= 2 { 2 } else { 1 };
    let mut j = i + n;
    let end = b.len().min(j.saturating_add(SEARCH));
    while j < end {
        if b[j] == b'`' {
            // code spans are opaque
            let m = run_len(b, j, b'`');
            j = find_run(b, j + m, b'`', m).map(|e| e + m).unwrap_or(j + m);
            continue;
        }
        if b[j] == c {
            let m = run_len(b, j, c);
            let before = b[j - 1];
            let after = b.get(j + m).copied().unwrap_or(b' ');
            let intraword_underscore = c == b'_' && after.is_ascii_alphanumeric();
            let can_close = !(before.is_ascii_whitespace() || intraword_underscore);
            if can_close && m >= want && j > i + n {
                return Some((j, want));
            }
            if can_close && want == 2 && m == 1 && n >= 2 {
                // `**a*` style: fall back to emphasis with one character each side
                return Some((j, 1));
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

/// `[text](url "title")` starting at the `[` at `open`: the end of the text, the address, and
/// the index after the closing `)`.
fn link_at(s: &str, open: usize) -> Option<(usize, String, usize)> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut j = open;
    let end = b.len().min(open.saturating_add(SEARCH));
    let text_end = loop {
        if j >= end {
            return None;
        }
        match *b.get(j)? {
            b'\\' => j += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            b'`' => {
                let m = run_len(b, j, b'`');
                j = find_run(b, j + m, b'`', m).map(|e| e + m - 1).unwrap_or(j + m - 1);
            }
            _ => {}
        }
        j += 1;
    };
    if b.get(text_end + 1) != Some(&b'(') {
        return None;
    }
    let inner_start = text_end + 2;
    let window = &s.as_bytes()[inner_start.min(s.len())..s.len().min(inner_start.saturating_add(SEARCH))];
    let close = inner_start + window.iter().position(|&c| c == b')')?;
    let inner = s[inner_start..close].trim();
    let url = inner.split_whitespace().next().unwrap_or("");
    let url = url.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(url);
    Some((text_end, url.to_string(), close + 1))
}

/// The entities LLM text actually carries; anything else stays as written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::Event::*;
    use super::Tag::*;
    use super::*;

    fn t(s: &str) -> Event {
        Text(s.into())
    }

    fn balanced(ev: &[Event]) -> bool {
        let mut d: i64 = 0;
        for e in ev {
            match e {
                Start(_) => d += 1,
                End => d -= 1,
                _ => {}
            }
            if d < 0 {
                return false;
            }
        }
        d == 0
    }

    #[test]
    fn paragraphs_headings_and_rules() {
        let ev = events("# Title #\n\nSome *em* and **strong** and ~~gone~~.\nNext line  \nhard\n\n---\nSetext\n===");
        assert_eq!(
            ev,
            vec![
                Start(Heading(1)),
                t("Title"),
                End,
                Start(Paragraph),
                t("Some "),
                Start(Emphasis),
                t("em"),
                End,
                t(" and "),
                Start(Strong),
                t("strong"),
                End,
                t(" and "),
                Start(Strike),
                t("gone"),
                End,
                t("."),
                SoftBreak,
                t("Next line"),
                HardBreak,
                t("hard"),
                End,
                Rule,
                Start(Heading(1)),
                t("Setext"),
                End,
            ]
        );
    }

    #[test]
    fn nested_lists_quotes_and_code() {
        let ev = events("1. one\n2. two\n   - a\n   - b\n\n> quoted\n> ```py\n> x = 1\n> ```\n");
        assert_eq!(
            ev,
            vec![
                Start(List(Some(1))),
                Start(Item),
                Start(Paragraph),
                t("one"),
                End,
                End,
                Start(Item),
                Start(Paragraph),
                t("two"),
                End,
                Start(List(None)),
                Start(Item),
                Start(Paragraph),
                t("a"),
                End,
                End,
                Start(Item),
                Start(Paragraph),
                t("b"),
                End,
                End,
                End,
                End,
                End,
                Start(Quote),
                Start(Paragraph),
                t("quoted"),
                End,
                Start(CodeBlock),
                t("x = 1\n"),
                End,
                End,
            ]
        );
    }

    #[test]
    fn tables_links_code_spans_and_images() {
        let ev = events("| a | b |\n|---|:-:|\n| `x\\|y` | [site](https://e.example \"t\") |\n\n![alt](http://i.example/p.png) <https://a.example>");
        assert!(balanced(&ev));
        assert_eq!(ev[0], Start(Table));
        assert!(ev.contains(&Start(TableHead)));
        assert!(ev.contains(&Start(Link("https://e.example".into()))));
        assert!(ev.contains(&Start(Image("http://i.example/p.png".into()))));
        assert!(ev.contains(&Start(Link("https://a.example".into()))));
        assert!(ev.contains(&Code("x|y".into())), "an escaped pipe stays in its cell: {ev:?}");
    }

    #[test]
    fn what_is_not_markup_stays_text() {
        let ev = events("snake_case_name and 2 * 3 * 4, <b>bold</b>, a \\*star\\* and [not a link]");
        let text: String = ev
            .iter()
            .filter_map(|e| match e {
                Text(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(text, "snake_case_name and 2 * 3 * 4, <b>bold</b>, a *star* and [not a link]");
        assert!(!ev.iter().any(|e| matches!(e, Start(Emphasis | Strong | Link(_)))));
    }

    #[test]
    fn hostile_nesting_is_bounded_and_linear() {
        let deep = format!("{}x", "> ".repeat(100_000));
        let ev = events(&deep);
        assert!(balanced(&ev));
        assert!(ev.iter().filter(|e| matches!(e, Start(Quote))).count() <= MAX_DEPTH);
        let lists = format!("{}x", "- ".repeat(50_000));
        assert!(balanced(&events(&lists)));
        let stars = format!("{}x{}", "*".repeat(50_000), "*".repeat(50_000));
        assert!(balanced(&events(&stars)));
        let brackets = "[".repeat(20_000) + &"]".repeat(20_000);
        assert!(balanced(&events(&brackets)));
        let emph = "*a ".repeat(20_000);
        assert!(balanced(&events(&emph)));
    }

    #[test]
    fn unclosed_fence_and_empty_input() {
        assert_eq!(events(""), vec![]);
        let ev = events("```\ncode\n");
        assert_eq!(ev, vec![Start(CodeBlock), t("code\n"), End]);
    }
}
