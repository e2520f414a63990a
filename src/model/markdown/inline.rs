//! Inline Markdown (escapes, breaks, code spans, emphasis, strong, strikethrough, links, images,
//! autolinks) read in time linear in the text, up to a log factor: where a delimiter closes is
//! looked up in tables built in two passes over the block, never found by scanning ahead again
//! from every opener (a paragraph of a million unclosed `*`, `[` or `<` would be quadratic).

use super::{Event, Tag, MAX_DEPTH};
use std::collections::BTreeMap;

/// How far ahead a closing delimiter may be: markup spans are short, so a stray opener does not
/// pair with a closer pages later.
const SEARCH: usize = 4096;

/// Inline content of one block: pushes balanced events.
pub(super) fn inlines(text: &str, out: &mut Vec<Event>) {
    let t = Tables::new(text);
    let mut buf = String::new();
    t.run(0, text.len(), 0, true, out, &mut buf);
    flush(out, &mut buf);
}

fn flush(out: &mut Vec<Event>, buf: &mut String) {
    if !buf.is_empty() {
        out.push(Event::Text(decode_entities(&std::mem::take(buf))));
    }
}

/// Where things close in one block's text. Positions are byte offsets, each list ascending.
struct Tables<'s> {
    s: &'s str,
    /// Starts of maximal backtick runs, by run length.
    ticks: BTreeMap<usize, Vec<usize>>,
    /// Starts of the `*`, `_` and `~` runs that can close emphasis, outside code spans.
    closers: [Vec<usize>; 3],
    /// Each `[` with its matching `]` (outside code spans and escapes), by the `[`.
    brackets: Vec<(usize, usize)>,
    /// Every `)`.
    parens: Vec<usize>,
}

fn emphasis_slot(c: u8) -> usize {
    match c {
        b'*' => 0,
        b'_' => 1,
        _ => 2,
    }
}

/// How many `c`s start at `i`, stopping at `to`.
fn run_len(b: &[u8], i: usize, c: u8, to: usize) -> usize {
    b[i..to.min(b.len())].iter().take_while(|&&x| x == c).count()
}

/// The first of the ascending positions `v` in `from..to`.
fn first_in(v: &[usize], from: usize, to: usize) -> Option<usize> {
    let k = v.partition_point(|&p| p < from);
    v.get(k).copied().filter(|&p| p < to)
}

impl<'s> Tables<'s> {
    fn new(s: &'s str) -> Self {
        let b = s.as_bytes();
        let mut t =
            Tables { s, ticks: BTreeMap::new(), closers: Default::default(), brackets: Vec::new(), parens: Vec::new() };
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'`' => {
                    let n = run_len(b, i, b'`', b.len());
                    t.ticks.entry(n).or_default().push(i);
                    i += n;
                }
                b')' => {
                    t.parens.push(i);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        // then read as the inline reader does, left to right: escapes and code spans hide what
        // they hold; brackets pair on a stack (so each `[` finds its `]` as a depth count would)
        let mut open = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\\' => i += 2,
                b'`' => {
                    let n = run_len(b, i, b'`', b.len());
                    i = t.code_close(i + n, n, b.len()).map_or(i + n, |close| close + n);
                }
                b'[' => {
                    open.push(i);
                    i += 1;
                }
                b']' => {
                    if let Some(o) = open.pop() {
                        t.brackets.push((o, i));
                    }
                    i += 1;
                }
                b'*' | b'_' | b'~' => {
                    let m = run_len(b, i, c, b.len());
                    let before = if i == 0 { b' ' } else { b[i - 1] };
                    let after = b.get(i + m).copied().unwrap_or(b' ');
                    let intraword_underscore = c == b'_' && after.is_ascii_alphanumeric();
                    if !(before.is_ascii_whitespace() || intraword_underscore) {
                        t.closers[emphasis_slot(c)].push(i);
                    }
                    i += m;
                }
                _ => i += 1,
            }
        }
        // pushed as each `]` came; looked up by the `[`
        crate::model::order::sort_by_key(&mut t.brackets, |&(o, _)| o);
        t
    }

    /// The next run of exactly `n` backticks starting in `from..to`, within `SEARCH`.
    fn code_close(&self, from: usize, n: usize, to: usize) -> Option<usize> {
        first_in(self.ticks.get(&n)?, from, to.min(from.saturating_add(SEARCH)))
    }

    /// One run of inline text, `from..to` of the block. Nesting (emphasis inside links inside
    /// emphasis…) recurses at most `MAX_DEPTH` levels; deeper markup is kept as text. Inner runs
    /// at one depth do not overlap, so the whole block is read at most `MAX_DEPTH + 1` times.
    fn run(&self, from: usize, to: usize, depth: usize, links: bool, out: &mut Vec<Event>, buf: &mut String) {
        let s = self.s;
        let b = s.as_bytes();
        let mut i = from;
        while i < to {
            let c = b[i];
            match c {
                b'\\' if i + 1 < to && b[i + 1].is_ascii_punctuation() => {
                    buf.push(b[i + 1] as char);
                    i += 2;
                    continue;
                }
                b'\\' if i + 1 < to && b[i + 1] == b'\n' => {
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
                    let n = run_len(b, i, b'`', to);
                    if let Some(close) = self.code_close(i + n, n, to) {
                        flush(out, buf);
                        let code = s[i + n..close].replace('\n', " ");
                        let trimmed = if code.len() >= 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && !code.trim().is_empty()
                        {
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
                    if let Some(url) = autolink(&s[i + 1..to]) {
                        flush(out, buf);
                        out.push(Event::Start(Tag::Link(url.to_string())));
                        out.push(Event::Text(url.to_string()));
                        out.push(Event::End);
                        i += url.len() + 2;
                        continue;
                    }
                }
                b'!' | b'[' if links && depth < MAX_DEPTH => {
                    let image = c == b'!';
                    let open = if image { i + 1 } else { i };
                    if open < to && b[open] == b'[' {
                        if let Some((text_end, url, after)) = self.link_at(open, to) {
                            flush(out, buf);
                            if image {
                                out.push(Event::Start(Tag::Image(url)));
                                buf.push_str(&s[open + 1..text_end]);
                                flush(out, buf);
                            } else {
                                out.push(Event::Start(Tag::Link(url)));
                                self.run(open + 1, text_end, depth + 1, false, out, buf);
                                flush(out, buf);
                            }
                            out.push(Event::End);
                            i = after;
                            continue;
                        }
                    }
                }
                b'*' | b'_' | b'~' if depth < MAX_DEPTH => {
                    let n = run_len(b, i, c, to);
                    if let Some((close, used)) = self.emphasis_close(from, i, n, c, to) {
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
                        self.run(i + n, close, depth + 1, links, out, buf);
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

    /// Where the emphasis opened by the run at `i` (`n` long, in the run `from..to`) closes, and
    /// how many characters each side uses (2 for strong and strikethrough, else 1).
    fn emphasis_close(&self, from: usize, i: usize, n: usize, c: u8, to: usize) -> Option<(usize, usize)> {
        let b = self.s.as_bytes();
        if i + n >= to || b[i + n].is_ascii_whitespace() {
            return None;
        }
        let prev = if i == from { b' ' } else { b[i - 1] };
        if c == b'_' && prev.is_ascii_alphanumeric() {
            return None; // snake_case_words are not emphasis
        }
        if c == b'~' && n < 2 {
            return None;
        }
        let want = if c == b'~' || n >= 2 { 2 } else { 1 };
        let start = i + n + 1;
        let close = first_in(&self.closers[emphasis_slot(c)], start, to.min((i + n).saturating_add(SEARCH)))?;
        // `**a*` style: a single closer makes emphasis with one character each side
        let used = if run_len(b, close, c, to) >= want { want } else { 1 };
        Some((close, used))
    }

    /// `[text](url "title")` starting at the `[` at `open`: the end of the text, the address, and
    /// the index after the closing `)`.
    fn link_at(&self, open: usize, to: usize) -> Option<(usize, String, usize)> {
        let b = self.s.as_bytes();
        let k = self.brackets.partition_point(|&(o, _)| o < open);
        let &(o, text_end) = self.brackets.get(k)?;
        if o != open || text_end >= to || text_end >= open.saturating_add(SEARCH) {
            return None;
        }
        if text_end + 1 >= to || b[text_end + 1] != b'(' {
            return None;
        }
        let inner_start = text_end + 2;
        let close = first_in(&self.parens, inner_start, to.min(inner_start.saturating_add(SEARCH)))?;
        let inner = self.s[inner_start..close].trim();
        let url = inner.split_whitespace().next().unwrap_or("");
        let url = url.strip_prefix('<').and_then(|u| u.strip_suffix('>')).unwrap_or(url);
        Some((text_end, url.to_string(), close + 1))
    }
}

/// The address of an autolink `<http…>` whose `<` is just before `rest`. The look for `>` stops
/// at the first character an autolink cannot hold (space, control, `<`), so no stretch of text is
/// looked through for more than one `<`.
fn autolink(rest: &str) -> Option<&str> {
    if !(rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("mailto:")) {
        return None;
    }
    let (end, c) = rest.char_indices().find(|&(_, c)| c == '>' || c == '<' || c.is_whitespace() || c.is_control())?;
    (c == '>').then(|| &rest[..end])
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
