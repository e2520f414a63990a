//! Tree filtering (by name, kind, level; ancestors of matches kept) and the list of visible rows.

use super::fold;
use super::{Kind, Level, Trace};
use std::collections::HashSet;

/// A parsed filter: free words match name, id, model or kind; `kind:tool` and `level:error`
/// (meaning "at least error") narrow further. All parts must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub words: Vec<String>,
    pub kinds: Vec<Kind>,
    pub min_level: Option<Level>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut q = Query::default();
        for token in text.split_whitespace() {
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
        self.words.is_empty() && self.kinds.is_empty() && self.min_level.is_none()
    }

    /// The `kind:` and `level:` parts (words are matched through a `TextIndex`).
    fn matches_fields(&self, trace: &Trace, i: usize) -> bool {
        let o = &trace.observations[i];
        if !self.kinds.is_empty() && !self.kinds.contains(&o.kind) {
            return false;
        }
        self.min_level.is_none_or(|min| o.level >= min)
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
/// keystroke inside a frame and two frames).
pub struct TextIndex {
    text: String,
    /// Where each observation's text starts.
    starts: Vec<usize>,
}

impl TextIndex {
    pub fn new(trace: &Trace) -> TextIndex {
        let size: usize = trace
            .observations
            .iter()
            .map(|o| {
                o.name.len()
                    + o.id.len()
                    + o.model.as_ref().map_or(0, String::len)
                    + o.tool_name.as_ref().map_or(0, String::len)
                    + 4
            })
            .sum();
        let mut text = String::with_capacity(size);
        let mut starts = Vec::with_capacity(trace.observations.len());
        for o in &trace.observations {
            starts.push(text.len());
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
        TextIndex { text, starts }
    }

    /// Marks the observations whose text contains `word` (lowercase).
    fn mark(&self, word: &str, hits: &mut [bool]) {
        for (pos, _) in self.text.match_indices(word) {
            let i = self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
            if let Some(h) = hits.get_mut(i) {
                *h = true;
            }
        }
    }
}

pub fn apply_with(trace: &Trace, query: &Query, index: &TextIndex) -> Option<FilterResult> {
    if query.is_empty() {
        return None;
    }
    let n = trace.observations.len();
    // per word, which observations hold it (or are of the kind it names)
    let word_hits: Vec<Vec<bool>> = query
        .words
        .iter()
        .map(|w| {
            let mut hits = vec![false; n];
            index.mark(w, &mut hits);
            for (h, o) in hits.iter_mut().zip(&trace.observations) {
                *h = *h || o.kind.label() == w;
            }
            hits
        })
        .collect();
    let mut shown = vec![false; n];
    let mut matched = vec![false; n];
    let mut match_count = 0;
    for (i, m) in matched.iter_mut().enumerate() {
        if query.matches_fields(trace, i) && word_hits.iter().all(|h| h[i]) {
            *m = true;
            match_count += 1;
            // climb until an already-shown ancestor: each node is marked once, O(n) overall
            let mut cur = Some(i as u32);
            while let Some(c) = cur {
                if shown[c as usize] {
                    break;
                }
                shown[c as usize] = true;
                cur = trace.tree.parent_of(c);
            }
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
        if collapsed.contains(&i) {
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
    fn parses_prefixes_and_words() {
        let q = Query::parse("Kind:tool level:warning Fetch");
        assert_eq!(q.kinds, vec![Kind::Tool]);
        assert_eq!(q.min_level, Some(Level::Warning));
        assert_eq!(q.words, vec!["fetch".to_string()]);
        assert!(Query::parse("   ").is_empty());
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
