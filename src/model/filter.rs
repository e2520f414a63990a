//! Tree filtering (by name, kind, level; ancestors of matches kept) and the list of visible rows.

use super::fold;
use super::{Kind, Level, Trace};
use std::collections::HashSet;

/// A parsed filter: free words match name, id, model or kind; `kind:tool` and `level:error`
/// (meaning "at least error") narrow further; `name:"…"` keeps exactly that name, `model:"…"`
/// exactly that model. All parts must hold (several kinds, names or models are alternatives).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub words: Vec<String>,
    pub kinds: Vec<Kind>,
    pub min_level: Option<Level>,
    /// Exact names (`name:"…"`), case and spaces as written.
    pub names: Vec<String>,
    /// Exact models (`model:"…"`, quoted only: `model:gpt` stays a word, as in the trace list).
    pub models: Vec<String>,
}

/// One token of a filter's text: a word as typed, or the exact name of a `name:` token.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    Word(&'a str),
    Name(String),
    Model(String),
}

/// Splits a filter (the tree's or the trace list's) at whitespace into tokens. `name:"…"` (the
/// prefix in any case) is one token up to its closing quote, spaces included; inside it `\"` is a
/// quote and `\\` a backslash of the name; an unclosed quote runs to the end of the text.
/// `name:abc` without quotes names `abc` (up to the next space). A bare `name:` says nothing.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let is_name = rest.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("name:"));
        let is_model = rest.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("model:\""));
        let quoted = match (is_name, is_model) {
            (true, _) => rest.get(5..).and_then(|r| r.strip_prefix('"')),
            (_, true) => rest.get(7..),
            _ => None,
        };
        if let Some(quoted) = quoted {
            let mut name = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((at, c)) = chars.next() {
                match c {
                    '"' => {
                        end = at + 1;
                        break;
                    }
                    '\\' => name.extend(chars.next().map(|(_, c)| c)),
                    c => name.push(c),
                }
            }
            out.push(if is_model { Token::Model(name) } else { Token::Name(name) });
            rest = quoted[end..].trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        match token.get(5..).filter(|_| is_name) {
            Some("") => {}
            Some(name) => out.push(Token::Name(name.to_string())),
            None => out.push(Token::Word(token)),
        }
        rest = after.trim_start();
    }
    out
}

/// The `name:"…"` token that selects exactly `name` (quotes and backslashes escaped).
pub fn name_token(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 8);
    s.push_str("name:\"");
    for c in name.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        for token in tokens(text) {
            let token = match token {
                Token::Name(n) => {
                    q.names.push(n);
                    continue;
                }
                Token::Model(m) => {
                    q.models.push(m);
                    continue;
                }
                Token::Word(w) => w,
            };
            let lower = fold::lower(token);
            if let Some(k) = lower.strip_prefix("kind:") {
                if let Some(kind) = Kind::from_name(k) {
                    q.kinds.push(kind);
                    continue;
                }
            }
            if let Some(l) = lower.strip_prefix("level:") {
                if let Some(level) = Level::from_name(l) {
                    q.min_level = Some(level);
                    continue;
                }
            }
            q.words.push(lower);
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
            && self.kinds.is_empty()
            && self.min_level.is_none()
            && self.names.is_empty()
            && self.models.is_empty()
    }
}

/// Result of filtering one trace.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterResult {
    /// Observations to show: the matches and every ancestor of a match.
    pub shown: Vec<bool>,
    /// Observations that matched themselves.
    pub matched: Vec<bool>,
    pub match_count: usize,
}

/// Applies `query` to `trace`; `None` when the query is empty (everything shown).
pub fn apply(trace: &Trace, query: &Query) -> Option<FilterResult> {
    apply_with(trace, query, &TextIndex::new(trace))
}

/// The searchable text of a trace's observations (name, id, model, tool), lowercased into one
/// string: a word is found with one substring search over the whole trace instead of a search
/// per field per observation (at 100,000 observations that is the difference between a filter
/// keystroke inside a frame and two frames). Kinds and levels are copied beside it so a keystroke
/// reads a few bytes per observation, not each observation's cache line.
pub struct TextIndex {
    text: String,
    /// Where each observation's text starts.
    starts: Vec<usize>,
    kinds: Vec<Kind>,
    levels: Vec<Level>,
}

impl TextIndex {
    pub fn new(trace: &Trace) -> TextIndex {
        let n = trace.observations.len();
        // one pass over the observations (each is several cache lines): the text grows as it must
        let mut text = String::with_capacity(n * 40);
        let mut starts = Vec::with_capacity(n);
        let mut kinds = Vec::with_capacity(n);
        let mut levels = Vec::with_capacity(n);
        for o in &trace.observations {
            starts.push(text.len());
            kinds.push(o.kind);
            levels.push(o.level);
            for field in [Some(o.name.as_str()), Some(o.id.as_str()), o.model.as_deref(), o.tool_name.as_deref()] {
                if let Some(f) = field {
                    if f.is_ascii() {
                        let at = text.len();
                        text.push_str(f);
                        text[at..].make_ascii_lowercase();
                    } else {
                        text.push_str(&fold::lower(f));
                    }
                }
                // no typed word holds this, so no match runs from one field into the next
                text.push('\u{1}');
            }
        }
        TextIndex { text, starts, kinds, levels }
    }

    /// Marks the observations whose text contains `word` (lowercase). After a hit the search goes
    /// on from the next observation's text: one search per observation at most, however often a
    /// short word (a single letter, typed first) occurs in each.
    fn mark(&self, word: &str, hits: &mut [bool]) {
        let mut from = 0;
        let mut i = 0;
        while let Some(pos) = find_from(&self.text, from, word) {
            // matches come in text order, so the owner is found by walking forward
            while self.starts.get(i + 1).is_some_and(|&s| s <= pos) {
                i += 1;
            }
            if let Some(h) = hits.get_mut(i) {
                *h = true;
            }
            match self.starts.get(i + 1) {
                Some(&next) => from = next,
                None => break,
            }
        }
    }
}

/// Where `word` first occurs in `text` at or after byte `from`. Its first char is found with
/// core's `memchr` and the rest compared: most words typed are short and the fields they are
/// looked for in shorter, where this beats building a two-way searcher for each search.
fn find_from(text: &str, from: usize, word: &str) -> Option<usize> {
    let first = word.chars().next()?;
    let mut at = from;
    loop {
        let pos = at + text.get(at..)?.find(first)?;
        if text.as_bytes().get(pos..)?.starts_with(word.as_bytes()) {
            return Some(pos);
        }
        at = pos + first.len_utf8();
    }
}

pub fn apply_with(trace: &Trace, query: &Query, index: &TextIndex) -> Option<FilterResult> {
    if query.is_empty() {
        return None;
    }
    let n = trace.observations.len().min(index.kinds.len());
    let mut matched: Vec<bool> = index.kinds[..n]
        .iter()
        .zip(&index.levels[..n])
        .zip(&trace.observations)
        .map(|((k, &l), o)| {
            (query.kinds.is_empty() || query.kinds.contains(k))
                && query.min_level.is_none_or(|min| l >= min)
                && (query.names.is_empty() || query.names.contains(&o.name))
                && (query.models.is_empty()
                    || o.model.as_ref().is_some_and(|m| query.models.iter().any(|q| q == m.as_str())))
        })
        .collect();
    let mut hits = vec![false; n];
    for w in &query.words {
        // a word that is a kind's name also matches every observation of that kind
        let kind = Kind::ALL.into_iter().find(|k| k.label() == w);
        hits.fill(false);
        index.mark(w, &mut hits);
        for ((m, &h), k) in matched.iter_mut().zip(&hits).zip(&index.kinds) {
            *m = *m && (h || Some(*k) == kind);
        }
    }
    let mut shown = vec![false; n];
    let mut match_count = 0;
    for (i, _) in matched.iter().enumerate().filter(|(_, &m)| m) {
        match_count += 1;
        // climb until an already-shown ancestor: each node is marked once, O(n) overall
        let mut cur = Some(i as u32);
        while let Some(c) = cur {
            match shown.get_mut(c as usize) {
                Some(s) if !*s => *s = true,
                _ => break,
            }
            cur = trace.tree.parent_of(c);
        }
    }
    Some(FilterResult { shown, matched, match_count })
}

/// The rows a tree view shows, in order: depth-first, skipping collapsed subtrees and, when a
/// filter is active, observations it hides. O(rows shown + collapsed subtrees skipped).
pub fn visible_rows(trace: &Trace, collapsed: &HashSet<u32>, filter: Option<&FilterResult>) -> Vec<u32> {
    let tree = &trace.tree;
    let mut out = Vec::new();
    let mut k = 0usize;
    while k < tree.preorder.len() {
        let i = tree.preorder[k];
        if let Some(f) = filter {
            if !f.shown[i as usize] {
                k = tree.subtree_end[i as usize] as usize; // nothing below is shown either
                continue;
            }
        }
        out.push(i);
        // most of the time nothing is collapsed: no hash per row then
        if !collapsed.is_empty() && collapsed.contains(&i) {
            k = tree.subtree_end[i as usize] as usize;
        } else {
            k += 1;
        }
    }
    out
}

/// Every observation that has children: "collapse all".
pub fn all_parents(trace: &Trace) -> HashSet<u32> {
    (0..trace.observations.len() as u32).filter(|&i| trace.tree.has_children(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, Trace};

    fn trace() -> Trace {
        let mk = |id: &str, parent: Option<&str>, kind: Kind, t: i64| {
            let mut o = Observation::new(id, kind, format!("{id}-name"), t);
            o.parent_id = parent.map(str::to_string);
            o
        };
        let mut err = mk("fetch", Some("agent"), Kind::Tool, 3);
        err.level = Level::Error;
        let obs = vec![
            mk("agent", None, Kind::Agent, 0),
            mk("plan", Some("agent"), Kind::Generation, 1),
            mk("search", Some("agent"), Kind::Retriever, 2),
            err,
            mk("answer", Some("agent"), Kind::Generation, 4),
        ];
        Trace::build("t".into(), obs, "x", &mut Vec::new())
    }

    #[test]
    fn words_match_any_field_case_insensitively_never_across_fields() {
        let mut a = Observation::new("ID-Ünï", Kind::Tool, "Search_Flights", 0);
        a.model = Some("GPT-4o".into());
        let b = Observation::new("b", Kind::Span, "naïve-FETCH", 1);
        let t = Trace::build("t".into(), vec![a, b], "x", &mut Vec::new());
        let hits = |q: &str| apply(&t, &Query::parse(q)).map(|f| f.matched).unwrap_or_default();
        assert_eq!(hits("flights"), vec![true, false]);
        assert_eq!(hits("fetch"), vec![false, true], "ASCII word in non-ASCII text");
        assert_eq!(hits("ünï"), vec![true, false]);
        assert_eq!(hits("gpt-4o"), vec![true, false]);
        assert_eq!(hits("tool"), vec![true, false], "a kind's name");
        assert_eq!(hits("flightsid"), vec![false, false], "not across fields");
        assert_eq!(hits("search gpt"), vec![true, false], "every word must hold");
    }

    #[test]
    fn a_word_found_once_per_observation_agrees_with_a_search_of_each() {
        // words that occur many times in one observation, in neighbours, at the end, or nowhere
        let obs: Vec<Observation> = (0..40)
            .map(|i| {
                let mut o =
                    Observation::new(format!("e{i:x}e"), Kind::Span, format!("eee-{}", "ab".repeat(i % 5)), i as i64);
                o.model = (i % 3 == 0).then(|| "bab".into());
                o
            })
            .collect();
        let t = Trace::build("t".into(), obs, "x", &mut Vec::new());
        let index = TextIndex::new(&t);
        for word in ["e", "ee", "eee-", "ab", "abab", "bab", "27e", "e27", "zz", "-"] {
            let mut hits = vec![false; t.observations.len()];
            index.mark(word, &mut hits);
            let each: Vec<bool> = t
                .observations
                .iter()
                .map(|o| {
                    [Some(o.name.as_str()), Some(o.id.as_str()), o.model.as_deref()]
                        .iter()
                        .flatten()
                        .any(|f| f.contains(word))
                })
                .collect();
            assert_eq!(hits, each, "{word}");
        }
    }

    #[test]
    fn find_from_skips_false_starts_and_reads_any_first_char() {
        assert_eq!(find_from("aaab", 0, "aab"), Some(1));
        assert_eq!(find_from("aaab", 2, "aab"), None);
        assert_eq!(find_from("xnaïve naïve", 0, "ïve"), Some(3));
        assert_eq!(find_from("xnaïve naïve", 5, "ïve"), Some(10));
        assert_eq!(find_from("abc", 3, "c"), None);
        assert_eq!(find_from("abc", 9, "c"), None, "past the end");
        assert_eq!(find_from("abc", 0, ""), None, "no empty word is looked for");
    }

    #[test]
    fn parses_prefixes_and_words() {
        let q = Query::parse("Kind:tool level:warning Fetch");
        assert_eq!(q.kinds, vec![Kind::Tool]);
        assert_eq!(q.min_level, Some(Level::Warning));
        assert_eq!(q.words, vec!["fetch".to_string()]);
        assert!(Query::parse("   ").is_empty());
    }

    #[test]
    fn name_tokens_are_exact_quoted_and_escaped() {
        let q = Query::parse(r#"Name:"Chat Model" kind:generation  name:"a \"b\" \\c"  tool name:plain"#);
        assert_eq!(q.names, vec!["Chat Model".to_string(), r#"a "b" \c"#.to_string(), "plain".to_string()]);
        assert_eq!(q.kinds, vec![Kind::Generation]);
        assert_eq!(q.words, vec!["tool".to_string()]);
        // an unclosed quote runs to the end; a bare `name:` says nothing
        assert_eq!(Query::parse(r#"x name:"still typ"#).names, vec!["still typ".to_string()]);
        assert!(Query::parse("name:").is_empty());
        assert_eq!(Query::parse(r#"name:"""#).names, vec![String::new()]);
        // what `name_token` writes reads back as the same name
        for n in ["Chat Model", r#"q"u\o"te"#, "naïve  two", "", "\\"] {
            assert_eq!(Query::parse(&name_token(n)).names, vec![n.to_string()], "{n}");
            assert_eq!(tokens(&format!("a {} b", name_token(n))).len(), 3, "{n}");
        }
    }

    #[test]
    fn model_tokens_are_exact_when_quoted() {
        let q = Query::parse(r#"kind:generation model:"gpt-4o" Model:"a \"b\"" model:gpt"#);
        assert_eq!(q.models, vec!["gpt-4o".to_string(), r#"a "b""#.to_string()]);
        assert_eq!(q.words, vec!["model:gpt".to_string()], "unquoted, a word as before");
    }

    #[test]
    fn a_name_token_selects_exactly_that_name() {
        let obs = vec![
            Observation::new("1", Kind::Agent, "Chat Model", 0),
            Observation::new("2", Kind::Generation, "Chat Model 2", 1),
            Observation::new("3", Kind::Tool, "chat model", 2),
            Observation::new("4", Kind::Tool, "Chat Model", 3),
        ];
        let t = Trace::build("t".into(), obs, "x", &mut Vec::new());
        let hits = |q: &str| apply(&t, &Query::parse(q)).map(|f| f.matched).unwrap_or_default();
        assert_eq!(hits(&name_token("Chat Model")), vec![true, false, false, true]);
        assert_eq!(hits(&format!("{} kind:tool", name_token("Chat Model"))), vec![false, false, false, true]);
        assert_eq!(hits("chat model"), vec![true, true, true, true], "free words stay substrings");
    }

    #[test]
    fn matches_keep_their_ancestors() {
        let t = trace();
        let r = apply(&t, &Query::parse("search")).unwrap();
        assert_eq!(r.match_count, 1);
        assert_eq!(visible_rows(&t, &HashSet::new(), Some(&r)), vec![0, 2]);
        let r = apply(&t, &Query::parse("level:error")).unwrap();
        assert_eq!(visible_rows(&t, &HashSet::new(), Some(&r)), vec![0, 3]);
        let r = apply(&t, &Query::parse("kind:generation")).unwrap();
        assert_eq!(visible_rows(&t, &HashSet::new(), Some(&r)), vec![0, 1, 4]);
        let r = apply(&t, &Query::parse("nothing-matches")).unwrap();
        assert!(visible_rows(&t, &HashSet::new(), Some(&r)).is_empty());
    }

    #[test]
    fn collapsing_hides_descendants() {
        let t = trace();
        assert_eq!(visible_rows(&t, &HashSet::new(), None).len(), 5);
        let collapsed: HashSet<u32> = [0].into_iter().collect();
        assert_eq!(visible_rows(&t, &collapsed, None), vec![0]);
        assert_eq!(all_parents(&t), collapsed);
    }
}
