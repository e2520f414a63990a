//! Merging a load into what is loaded: traces with a new id are added; a trace whose id is
//! already loaded gets the new part's observations (spans of one trace split over files or pages).
//!
//! The rule, for each observation of the new part:
//! - **identical in every field** to an observation of the loaded trace (the same file dropped
//!   again, a page fetched twice): kept once, silently;
//! - **the same, less what OTLP log records added to the loaded one** (messages where it had none,
//!   events: `logs::covers`; a spans file opened again after its logs): kept once, silently;
//! - **the same id as a loaded observation but different in anything** (other times, text, or
//!   attributes; the same span from two endpoints that write it differently): both are kept (the
//!   tree tells repeated ids apart and warns), and the load gets a warning naming the trace, how
//!   many observations conflicted and how many joined it;
//! - **an id the trace does not have yet**: it joins the trace, which is rebuilt.
//!
//! Nothing that differs is ever dropped: a file cannot hide or replace what is loaded, only add to
//! it, and what it adds next to an existing id is said. Trace-level fields already known are kept
//! (the first load's name, session, user, input and output); attributes, tags and scores identical
//! to loaded ones are kept once.

use super::{Attribute, Observation, Score, Trace, TraceSet, Warning, WarningKind};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher, RandomState};

/// A hash of everything `value` holds, as its `Debug` text (which writes every field, floats
/// exactly, payloads as their raw JSON), streamed into a hasher keyed at random per merge so that
/// no file can be crafted to collide with another.
fn fingerprint(keys: &RandomState, value: &impl std::fmt::Debug) -> u64 {
    struct Feed<H: Hasher>(H);
    impl<H: Hasher> std::fmt::Write for Feed<H> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut feed = Feed(keys.build_hasher());
    // writing to a hasher cannot fail
    let _ = std::fmt::Write::write_fmt(&mut feed, format_args!("{value:?}"));
    feed.0.finish()
}

/// What absorbing one part of a trace did.
#[derive(Debug, Default, PartialEq)]
struct Absorbed {
    /// Observations with an id the trace did not have.
    joined: usize,
    /// Observations with the id of a loaded one that differs from them: kept besides it.
    conflicts: usize,
}

/// "1 observation", "2 observations".
impl Trace {
    /// Takes in another part of the same trace, by the rule in this module's header. The tree must
    /// be rebuilt afterwards (`TraceSet::merge` does).
    fn absorb(&mut self, other: Trace) -> Absorbed {
        let keys = RandomState::new();
        let mut done = Absorbed::default();
        let keep: Vec<bool> = {
            let loaded_ids: HashSet<&str> = self.observations.iter().map(|o| o.id.as_str()).collect();
            let repeated: HashSet<&str> =
                other.observations.iter().map(|o| o.id.as_str()).filter(|id| loaded_ids.contains(id)).collect();
            // fingerprints only where an id repeats: parts that only join hash nothing
            let loaded: HashSet<u64> = self
                .observations
                .iter()
                .filter(|o| repeated.contains(o.id.as_str()))
                .map(|o| fingerprint(&keys, o))
                .collect();
            other
                .observations
                .iter()
                .map(|o: &Observation| {
                    if !repeated.contains(o.id.as_str()) {
                        done.joined += 1;
                        true
                    } else if loaded.contains(&fingerprint(&keys, o)) {
                        false
                    } else if self.observations.iter().any(|l| l.id == o.id && super::logs::covers(l, o)) {
                        // the span again, without what its log records added to it since
                        false
                    } else {
                        done.conflicts += 1;
                        true
                    }
                })
                .collect()
        };
        self.observations.extend(other.observations.into_iter().zip(keep).filter(|(_, k)| *k).map(|(o, _)| o));
        self.reported_cost_usd = self.reported_cost_usd.or(other.reported_cost_usd);
        self.name = self.name.take().or(other.name);
        self.session_id = self.session_id.take().or(other.session_id);
        self.user_id = self.user_id.take().or(other.user_id);
        self.input = self.input.take().or(other.input);
        self.output = self.output.take().or(other.output);
        let tags: HashSet<String> = self.tags.iter().cloned().collect();
        self.tags.extend(other.tags.into_iter().filter(|t| !tags.contains(t)));
        let attributes: HashSet<u64> = self.attributes.iter().map(|a| fingerprint(&keys, a)).collect();
        self.attributes
            .extend(other.attributes.into_iter().filter(|a: &Attribute| !attributes.contains(&fingerprint(&keys, a))));
        self.start_ns = self.start_ns.min(other.start_ns);
        if !self.source.split(", ").any(|s| s == other.source) {
            self.source = format!("{}, {}", self.source, other.source);
        }
        done
    }
}

impl TraceSet {
    /// Adds another load's content and returns the indices of the traces it touched, in its order.
    /// Traces already present stay where they are; a trace whose id is already loaded takes in the
    /// new part by the rule in this module's header, and its tree and totals are rebuilt.
    pub fn merge(&mut self, other: TraceSet) -> Vec<usize> {
        let mut index: HashMap<String, usize> =
            self.traces.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let mut touched = Vec::new();
        let mut rebuilt = Vec::new();
        let mut notes = Vec::new();
        for t in other.traces {
            match index.get(&t.id) {
                Some(&i) => {
                    let (id, from, before) = (t.id.clone(), t.source.clone(), self.traces[i].source.clone());
                    let done = self.traces[i].absorb(t);
                    if done.conflicts > 0 {
                        notes.push(Warning::new(
                            &from,
                            WarningKind::MergeConflict {
                                trace_id: id,
                                conflicts: done.conflicts,
                                joined: done.joined,
                                loaded_from: before,
                            },
                        ));
                    }
                    rebuilt.push(i);
                    touched.push(i);
                }
                None => {
                    index.insert(t.id.clone(), self.traces.len());
                    touched.push(self.traces.len());
                    self.traces.push(t);
                }
            }
        }
        self.add_scores(other.scores);
        let rebuilt_ids: HashSet<String> = rebuilt.iter().map(|&i| self.traces[i].id.clone()).collect();
        self.warnings.retain(|w| w.trace_id.as_ref().is_none_or(|id| !rebuilt_ids.contains(id)));
        self.warnings.extend(
            other.warnings.into_iter().filter(|w| w.trace_id.as_ref().is_none_or(|id| !rebuilt_ids.contains(id))),
        );
        self.warnings.extend(notes);
        for i in rebuilt {
            let t = &mut self.traces[i];
            let observations = std::mem::take(&mut t.observations);
            let source = t.source.clone();
            let rebuilt = Trace::build(t.id.clone(), observations, &source, &mut self.warnings);
            t.observations = rebuilt.observations;
            t.tree = rebuilt.tree;
            t.totals = rebuilt.totals;
        }
        // log records wait for their spans, whichever file comes first
        self.pending_logs.extend(other.pending_logs);
        let joined = self.attach_logs();
        touched.dedup();
        if !joined.is_empty() {
            let seen: HashSet<usize> = touched.iter().copied().collect();
            touched.extend(joined.into_iter().filter(|i| !seen.contains(i)));
        }
        self.rebuild_sessions();
        touched
    }

    /// Adds scores, leaving out those identical in every field to one already loaded (a file of
    /// scores dropped again). Scores that differ in anything are all kept.
    fn add_scores(&mut self, scores: Vec<Score>) {
        if self.scores.is_empty() {
            self.scores = scores;
            return;
        }
        let keys = RandomState::new();
        let loaded: HashSet<u64> = self.scores.iter().map(|s| fingerprint(&keys, s)).collect();
        self.scores.extend(scores.into_iter().filter(|s| !loaded.contains(&fingerprint(&keys, s))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, ScoreValue};

    fn part(source: &str, spans: &[(&str, Option<&str>, &str, i64)]) -> TraceSet {
        let obs = spans
            .iter()
            .map(|&(id, parent, name, start)| {
                let mut o = Observation::new(id, Kind::Span, name, start);
                o.parent_id = parent.map(str::to_string);
                o.end_ns = Some(start.saturating_add(10));
                o
            })
            .collect();
        let mut set = TraceSet::default();
        set.traces.push(Trace::build("t".into(), obs, source, &mut set.warnings));
        set.scores.push(Score {
            id: "s1".into(),
            name: "q".into(),
            value: ScoreValue::Numeric(0.5),
            source: None,
            comment: None,
            trace_id: Some("t".into()),
            observation_id: None,
            session_id: None,
            time_ns: None,
        });
        set
    }

    #[test]
    fn the_same_file_again_adds_nothing_and_says_nothing() {
        let file = part("a.json", &[("r", None, "root", 0), ("c", Some("r"), "child", 5)]);
        let mut set = file.clone();
        assert_eq!(set.merge(file.clone()), vec![0]);
        assert_eq!(set.traces[0].observations.len(), 2);
        assert_eq!(set.scores.len(), 1);
        assert!(set.warnings.is_empty(), "{:?}", set.warnings);
        assert_eq!(set.traces[0].source, "a.json");
    }

    #[test]
    fn a_different_span_with_a_loaded_id_is_kept_and_said() {
        let mut set = part("a.json", &[("r", None, "root", 0), ("c", Some("r"), "child", 5)]);
        // same id and name, 1 µs later (the old rule dropped anything within 1 ms), and a new span
        let other = part("b.json", &[("c", Some("r"), "child", 1_005), ("d", Some("r"), "new", 7)]);
        set.merge(other);
        let t = &set.traces[0];
        let starts: Vec<(&str, i64)> = t.observations.iter().map(|o| (o.id.as_str(), o.start_ns)).collect();
        assert_eq!(starts, vec![("r", 0), ("c", 5), ("c", 1_005), ("d", 7)]);
        let notes: Vec<String> = set.warnings.iter().map(|w| format!("{}: {}", w.source, w.kind)).collect();
        let want = "b.json: trace t: 1 observation has the id of a different one already loaded from a.json; \
                    both are kept; 1 observation more joined the trace";
        assert!(notes.iter().any(|n| n == want), "{notes:?}");
        assert_eq!(t.source, "a.json, b.json");
    }

    #[test]
    fn times_at_the_ends_of_i64_are_not_one_span() {
        // the old rule subtracted the starts: i64::MIN - i64::MAX wrapped to 1 and dropped a span
        let mut set = part("a.json", &[("x", None, "x", i64::MIN)]);
        set.merge(part("b.json", &[("x", None, "x", i64::MAX)]));
        let starts: Vec<i64> = set.traces[0].observations.iter().map(|o| o.start_ns).collect();
        assert_eq!(starts, vec![i64::MIN, i64::MAX]);
    }
}
