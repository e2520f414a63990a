//! OTLP JSON read piece by piece as it arrives: each span is parsed and converted as soon as its
//! bytes are in, so a file never has to be whole in memory and the page can paint between pieces.
//!
//! The envelope (request → resourceSpans → scopeSpans → spans) is followed by a small state
//! machine; every value inside it (a span, a resource, a scope, anything unknown) is handed whole
//! to serde, which checks it as strictly as the one-piece reader does.

use super::super::{wire, Format, ImportError};
use super::envelope::{element_of, slot_of, Context, Gather, Item, Role, Slot, Span};
use super::logs::WireLog;
use super::part::{Resource, Scope};
use serde::de::IgnoredAny;
use serde::Deserialize;

type NamedScope = Option<(String, Option<String>)>;

/// Where a list or object is in its grammar.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    /// Just opened: a member, or the end.
    First,
    /// After a comma: a member.
    Next,
    /// After a key.
    Colon,
    /// After a colon (objects) or a comma (lists): the value.
    Value,
    /// After a value: a comma or the end.
    Comma,
}

struct Frame {
    role: Role,
    expect: Expect,
    slot: Slot,
    /// Resource frames: the resource's context once read.
    resource: Option<Context>,
    /// Scope frames: the scope once read (`Some(None)`: read, and empty).
    scope: Option<NamedScope>,
    /// Scope frames: the context of their spans, once both resource and scope are known.
    ready: Option<Context>,
    /// Spans and log records that arrived before their resource or scope: kept until the frame
    /// closes.
    early: Vec<(NamedScope, Item)>,
}

impl Frame {
    fn new(role: Role) -> Frame {
        Frame {
            role,
            expect: Expect::First,
            slot: Slot::Skip,
            resource: None,
            scope: None,
            ready: None,
            early: Vec::new(),
        }
    }
}

/// The chunked reader of one OTLP JSON document (one request, or a list of them).
pub(in crate::import) struct Chunked {
    pub(in crate::import) gather: Gather,
    /// What the top value is (an object of this role, or for `Request` also a list of them).
    root: Role,
    /// For error messages.
    format: Format,
    /// Text not yet consumed (plus, while a value is incomplete, its start). Each piece is
    /// checked as UTF-8 once as it arrives (bytes that are not are replaced, as
    /// `String::from_utf8_lossy` would), so serde reads text and checks no string again.
    buf: String,
    /// Next byte to read in `buf`.
    pos: usize,
    /// Offset in the file of `buf[0]`, and the line and line start there (for error positions).
    base: usize,
    lines: usize,
    line_start: usize,
    frames: Vec<Frame>,
    /// The top value has ended: only whitespace may follow.
    done: bool,
    /// An incomplete value is not parsed again before `buf` reaches this length (so a value
    /// arriving in many pieces costs a few parses, not one per piece).
    retry_at: usize,
    /// An incomplete UTF-8 sequence at the end of the last piece, completed by the next.
    carry: Vec<u8>,
}

/// How one step of reading ended.
enum Step {
    /// Keep reading.
    Go,
    /// The rest needs more bytes.
    More,
}

impl Chunked {
    /// A reader of a document whose top is `root` (`Request`, `Wrapped` or `Page`), adding to
    /// `gather`.
    pub(super) fn new(root: Role, format: Format, gather: Gather) -> Chunked {
        Chunked {
            gather,
            root,
            format,
            buf: String::new(),
            pos: 0,
            base: 0,
            lines: 0,
            line_start: 0,
            frames: Vec::new(),
            done: false,
            retry_at: 0,
            carry: Vec::new(),
        }
    }

    /// Reads `chunk`, converting every span it completes.
    pub(in crate::import) fn push(&mut self, chunk: &[u8]) -> Result<(), ImportError> {
        self.gather.not_utf8 |= wire::push_utf8(&mut self.buf, &mut self.carry, chunk, false);
        self.read_on()
    }

    /// `push` for text already checked as UTF-8 (a whole file `import::load` has read).
    pub(super) fn push_text(&mut self, text: &str) -> Result<(), ImportError> {
        self.buf.push_str(text);
        self.read_on()
    }

    fn read_on(&mut self) -> Result<(), ImportError> {
        self.run(false)?;
        // keep only what is not read yet (a value still arriving is read again from its start)
        if self.pos > 0 && (self.pos == self.buf.len() || self.pos >= 1 << 20) {
            self.forget(self.pos);
        }
        Ok(())
    }

    /// Reads the end of the file; after this the gathered spans are complete.
    pub(in crate::import) fn finish(&mut self) -> Result<(), ImportError> {
        self.retry_at = 0;
        self.gather.not_utf8 |= wire::push_utf8(&mut self.buf, &mut self.carry, &[], true);
        self.run(true)?;
        if let Some(f) = self.frames.last() {
            let what = match f.expect {
                Expect::Value | Expect::Next => "a value",
                _ if f.role.is_list() => "a list",
                _ => "an object",
            };
            return Err(self.syntax(self.buf.len(), format!("EOF while parsing {what}")));
        }
        if !self.done {
            return Err(self.syntax(self.buf.len(), "EOF while parsing a value".into()));
        }
        Ok(())
    }

    /// Drops `buf[..n]`, remembering its lines.
    fn forget(&mut self, n: usize) {
        // reading stops only between characters; should it not, the text is kept a while longer
        if !self.buf.is_char_boundary(n) {
            return;
        }
        let (count, last) = newlines(&self.buf.as_bytes()[..n]);
        self.lines += count;
        if let Some(last) = last {
            self.line_start = self.base + last + 1;
        }
        self.base += n;
        self.buf.drain(..n);
        self.pos -= n;
        self.retry_at = self.retry_at.saturating_sub(n);
    }

    /// Line and column where serde puts an error found with `buf[..index]` read: lines from 1,
    /// columns counting the bytes read on that line.
    fn position(&self, index: usize) -> (usize, usize) {
        let (count, last) = newlines(&self.buf.as_bytes()[..index]);
        let line_start = last.map_or(self.line_start, |l| self.base + l + 1);
        (self.lines + count + 1, self.base + index - line_start)
    }

    /// A syntax error at the byte `buf[at]` (at the end of the file: just after its last byte).
    fn syntax(&self, at: usize, reason: String) -> ImportError {
        let (line, column) = self.position((at + 1).min(self.buf.len()));
        ImportError::Syntax { line, column, reason }
    }

    /// A serde error inside the value starting at `buf[start]`, placed in the file.
    fn serde_error(&self, start: usize, e: &serde_json::Error) -> ImportError {
        let (line, column) = self.position(start);
        let (line, column) =
            if e.line() <= 1 { (line, column + e.column()) } else { (line + e.line() - 1, e.column()) };
        let reason = wire::reason(e);
        if e.is_syntax() || e.is_eof() {
            ImportError::Syntax { line, column, reason }
        } else {
            ImportError::Shape { format: self.format.label(), line, column, reason }
        }
    }

    /// Parses the value at `pos`; `None` when its bytes have not all arrived.
    fn value<T: for<'de> Deserialize<'de>>(&mut self, last: bool) -> Result<Option<T>, ImportError> {
        if !last && self.buf.len() < self.retry_at {
            return Ok(None);
        }
        let text = self.buf.get(self.pos..).unwrap_or_default();
        let rest = text.as_bytes();
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
        match values.next() {
            Some(Ok(v)) => {
                let end = values.byte_offset();
                // a number or word at the very end may go on in the next piece
                if !last && end == rest.len() && !matches!(rest[0], b'{' | b'[' | b'"') {
                    self.retry_at = self.buf.len() + 1;
                    return Ok(None);
                }
                self.pos += end;
                self.retry_at = 0;
                Ok(Some(v))
            }
            // the value goes on in the next piece (a number cut short is an error only at its end)
            Some(Err(e)) if !last && (e.is_eof() || at_end(rest, &e)) => {
                self.retry_at = self.pos + 2 * rest.len().max(512);
                Ok(None)
            }
            // a word or number followed by a stray byte: the value is fine, what follows is
            // the envelope's to judge (as in the one-piece reader: "expected `,` or `]`")
            Some(Err(e)) if rest[0] != b'"' && wire::reason(&e) == "trailing characters" => {
                let end = rest
                    .iter()
                    .position(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.'));
                let end = end.unwrap_or(rest.len());
                let v = serde_json::from_str::<T>(text.get(..end).unwrap_or(text))
                    .map_err(|e| self.serde_error(self.pos, &e))?;
                self.pos += end;
                self.retry_at = 0;
                Ok(Some(v))
            }
            Some(Err(e)) => Err(self.serde_error(self.pos, &e)),
            None if last => Err(self.syntax(self.buf.len(), "EOF while parsing a value".into())),
            None => Ok(None),
        }
    }

    fn run(&mut self, last: bool) -> Result<(), ImportError> {
        loop {
            while self.pos < self.buf.len() && matches!(self.buf.as_bytes()[self.pos], b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            }
            if self.pos == self.buf.len() {
                return Ok(());
            }
            if let Step::More = self.step(last)? {
                return Ok(());
            }
        }
    }

    /// Reads one token of the envelope, or one whole value inside it, at `pos` (not whitespace).
    fn step(&mut self, last: bool) -> Result<Step, ImportError> {
        let b = self.buf.as_bytes()[self.pos];
        let Some(top) = self.frames.last() else {
            if self.done {
                // requests one after another: OTLP JSON Lines whose first line is longer than the
                // sniffing window (a collector batch with LLM content), or a collector's file
                // exporter; each is read as the first was (so are pages of spans one per line)
                if !(b == b'{' && matches!(self.root, Role::Request | Role::Page)) {
                    return Err(self.syntax(self.pos, "trailing characters".into()));
                }
                self.done = false;
            }
            let role = match b {
                b'{' => self.root,
                b'[' if self.root == Role::Request => Role::RequestList,
                b'[' if self.root == Role::Page => Role::PageList,
                _ => return Err(self.syntax(self.pos, "expected value".into())),
            };
            self.open(role);
            return Ok(Step::Go);
        };
        let (role, expect) = (top.role, top.expect);
        let close = if role.is_list() { b']' } else { b'}' };
        match expect {
            Expect::First | Expect::Comma if b == close => {
                self.pos += 1;
                self.close()?;
            }
            Expect::Comma if b == b',' => {
                self.pos += 1;
                self.set_expect(if role.is_list() { Expect::Value } else { Expect::Next });
            }
            Expect::Comma => {
                let want = if role.is_list() { "expected `,` or `]`" } else { "expected `,` or `}`" };
                return Err(self.syntax(self.pos, want.into()));
            }
            Expect::First | Expect::Next if !role.is_list() => {
                if b == b'}' {
                    return Err(self.syntax(self.pos, "trailing comma".into()));
                }
                if b != b'"' {
                    return Err(self.syntax(self.pos, "key must be a string".into()));
                }
                let Some(key) = self.key(last)? else { return Ok(Step::More) };
                let slot = slot_of(role, &key);
                if let Some(f) = self.frames.last_mut() {
                    f.slot = slot;
                    f.expect = Expect::Colon;
                }
            }
            Expect::Colon => {
                if b != b':' {
                    return Err(self.syntax(self.pos, "expected `:`".into()));
                }
                self.pos += 1;
                self.set_expect(Expect::Value);
            }
            Expect::Next => return Err(self.syntax(self.pos, "trailing comma".into())),
            Expect::First | Expect::Value => {
                if role.is_list() && b == b']' {
                    return Err(self.syntax(self.pos, "trailing comma".into()));
                }
                let slot = if role.is_list() { element_of(role) } else { top.slot };
                return self.member(slot, last);
            }
        }
        Ok(Step::Go)
    }

    fn set_expect(&mut self, e: Expect) {
        if let Some(f) = self.frames.last_mut() {
            f.expect = e;
        }
    }

    fn open(&mut self, role: Role) {
        self.pos += 1;
        self.frames.push(Frame::new(role));
    }

    /// Reads the value of a member (or a list element) whose purpose is `slot`.
    fn member(&mut self, slot: Slot, last: bool) -> Result<Step, ImportError> {
        let b = self.buf.as_bytes()[self.pos];
        match slot {
            Slot::Enter(role) => {
                let open = if role.is_list() { b'[' } else { b'{' };
                if b == open {
                    self.set_expect(Expect::Comma);
                    self.open(role);
                    return Ok(Step::Go);
                }
                // `null` is "none"; anything else is the wrong shape, worded by serde
                if b != b'n' {
                    let rest = self.buf.get(self.pos..).unwrap_or_default();
                    let mut de = serde_json::Deserializer::from_str(rest);
                    return match serde::de::DeserializeSeed::deserialize(Refuse(role.what()), &mut de) {
                        Err(e) if !last && (e.is_eof() || at_end(rest.as_bytes(), &e)) => Ok(Step::More),
                        Err(e) => Err(self.serde_error(self.pos, &e)),
                        Ok(()) => Err(self.syntax(self.pos, format!("expected {}", role.what()))),
                    };
                }
                match self.value::<()>(last)? {
                    Some(()) => {}
                    None => return Ok(Step::More),
                }
            }
            Slot::Span => match self.value::<Option<Span>>(last)? {
                Some(Some(span)) => self.item(Item::Span(span)),
                Some(None) => {}
                None => return Ok(Step::More),
            },
            Slot::Log => match self.value::<Option<WireLog>>(last)? {
                Some(Some(log)) => self.item(Item::Log(log)),
                Some(None) => {}
                None => return Ok(Step::More),
            },
            Slot::Resource => {
                let Some(resource) = self.value::<Option<Resource>>(last)? else { return Ok(Step::More) };
                let ctx = Context::default().with_resource(resource);
                if let Some(f) = self.frames.last_mut() {
                    f.resource = Some(ctx);
                }
            }
            Slot::Scope => {
                let Some(scope) = self.value::<Option<Scope>>(last)? else { return Ok(Step::More) };
                let named = scope.and_then(Scope::named);
                if let Some(f) = self.frames.last_mut() {
                    f.scope = Some(named);
                    f.ready = None;
                }
            }
            Slot::Skip => {
                if self.value::<IgnoredAny>(last)?.is_none() {
                    return Ok(Step::More);
                }
            }
        }
        self.set_expect(Expect::Comma);
        Ok(Step::Go)
    }

    /// The key at `pos` (a JSON string); `None` when it has not all arrived.
    fn key(&mut self, last: bool) -> Result<Option<String>, ImportError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut escaped = false;
        while i < self.buf.len() {
            match self.buf.as_bytes()[i] {
                b'\\' => {
                    escaped = true;
                    i += 1;
                }
                b'"' => break,
                // not allowed in a string: serde says so below
                0..=0x1f => {
                    escaped = true;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        if i >= self.buf.len() {
            if last {
                return Err(self.syntax(self.buf.len(), "EOF while parsing a string".into()));
            }
            return Ok(None);
        }
        let raw = self.buf.get(start..=i).unwrap_or_default();
        let plain = if escaped { None } else { raw.get(1..raw.len() - 1) };
        let key = match plain {
            Some(k) => k.to_string(),
            None => serde_json::from_str::<String>(raw).map_err(|e| self.serde_error(start, &e))?,
        };
        self.pos = i + 1;
        Ok(Some(key))
    }

    /// A span or log record inside a scope: converted now if its resource and scope are known,
    /// else kept.
    fn item(&mut self, item: Item) {
        let n = self.frames.len();
        // a page's spans have no resource or scope
        if n >= 2 && self.frames[n - 2].role == Role::Page {
            self.gather.item(item, &Context::default());
            return;
        }
        // frames: … Resource, ScopeList, Scope, Spans (or LogRecords)
        if n < 4 || self.frames[n - 2].role != Role::Scope || self.frames[n - 4].role != Role::Resource {
            return;
        }
        let (below, scope) = self.frames.split_at_mut(n - 2);
        let scope = &mut scope[0];
        let resource = &below[n - 4];
        match (&scope.ready, &resource.resource, &scope.scope) {
            (Some(ctx), _, _) => self.gather.item(item, ctx),
            (None, Some(r), Some(named)) => {
                let ctx = r.clone().with_named_scope(named.clone());
                self.gather.item(item, &ctx);
                scope.ready = Some(ctx);
            }
            _ => scope.early.push((None, item)),
        }
    }

    /// Closes the innermost list or object; a closing scope or resource converts the spans it kept.
    fn close(&mut self) -> Result<(), ImportError> {
        let Some(f) = self.frames.pop() else { return Ok(()) };
        match f.role {
            Role::Scope if !f.early.is_empty() => {
                let named = f.scope.flatten();
                let n = self.frames.len();
                // frames: … Resource, ScopeList
                let resource = if n >= 2 && self.frames[n - 2].role == Role::Resource { Some(n - 2) } else { None };
                match resource.map(|i| (i, self.frames[i].resource.clone())) {
                    Some((_, Some(ctx))) => {
                        let ctx = ctx.with_named_scope(named);
                        for (_, item) in f.early {
                            self.gather.item(item, &ctx);
                        }
                    }
                    Some((i, None)) => {
                        self.frames[i].early.extend(f.early.into_iter().map(|(_, s)| (named.clone(), s)))
                    }
                    None => {}
                }
            }
            Role::Resource if !f.early.is_empty() => {
                let ctx = f.resource.unwrap_or_default();
                for (named, item) in f.early {
                    self.gather.item(item, &ctx.clone().with_named_scope(named));
                }
            }
            _ => {}
        }
        match self.frames.last_mut() {
            Some(parent) => parent.expect = Expect::Comma,
            None => self.done = true,
        }
        Ok(())
    }
}

/// Reads a value that cannot be what `.0` expects (the envelope's lists and objects are entered
/// by the reader itself), so that serde words the error as the one-piece reader does.
struct Refuse(&'static str);

impl<'de> serde::de::DeserializeSeed<'de> for Refuse {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Refuse {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Whether serde's error `e` in `bytes` is at their very end.
fn at_end(bytes: &[u8], e: &serde_json::Error) -> bool {
    let (count, last) = newlines(bytes);
    (e.line(), e.column()) == (count + 1, bytes.len() - last.map_or(0, |l| l + 1))
}

/// How many `\n` are in `bytes`, and where the last one is. Eight bytes at a time: this runs over
/// every byte of the file.
fn newlines(bytes: &[u8]) -> (usize, Option<usize>) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut count = 0;
    let mut last_word = None;
    let mut words = bytes.chunks_exact(8);
    for (i, w) in words.by_ref().enumerate() {
        let x = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes) ^ (ONES * b'\n' as u64);
        // a high bit for each zero byte of x, i.e. each newline (exact: no borrow between bytes)
        let zero = !(((x & !HIGH) + !HIGH) | x) & HIGH;
        if zero != 0 {
            count += zero.count_ones() as usize;
            last_word = Some(i);
        }
    }
    let tail_at = bytes.len() - words.remainder().len();
    let tail = words.remainder().iter().filter(|&&b| b == b'\n').count();
    count += tail;
    let last = if tail > 0 {
        bytes[tail_at..].iter().rposition(|&b| b == b'\n').map(|p| tail_at + p)
    } else {
        last_word.and_then(|w| bytes[w * 8..w * 8 + 8].iter().rposition(|&b| b == b'\n').map(|p| w * 8 + p))
    };
    (count, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_counted_word_by_word() {
        for text in ["", "\n", "abc", "a\nb", "0123456\n89\n", "\n\n\n\n\n\n\n\n\n", "0123456789abcdef\nx", "é\n€\n𝄞"]
        {
            let b = text.as_bytes();
            let want = (b.iter().filter(|&&c| c == b'\n').count(), b.iter().rposition(|&c| c == b'\n'));
            assert_eq!(newlines(b), want, "{text:?}");
        }
        // bytes next to a newline that could borrow into it
        let b = [0x0b, 0x0a, 0x09, 0x8a, 0x0a, 0x00, 0xff, 0x0a, 0x0a];
        assert_eq!(newlines(&b), (4, Some(8)));
    }
}
