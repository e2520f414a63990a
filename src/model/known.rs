//! Unknown is not zero: how much of a total (cost, tokens) the observations carry, and how it
//! reads. A figure no observation carries shows `–` with why, never `$0`; a sum over only some of
//! the calls shows `≥ $0.42` with how many calls it covers.

use super::Observation;

/// How much of a sum is known: whether some observation carries the figure at all, and how many
/// of the model calls it covers. A call is a generation or embedding with no call below it (a
/// wrapper around a call is not a second one), except one that failed without token counts (the
/// API refused it: there is nothing to price); a figure covers it when the call carries it, a
/// step below it does, or the ancestor whose figure is counted in the totals does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Known {
    pub carried: bool,
    pub covered: usize,
    pub calls: usize,
}

/// Which figure a `Known` describes, for its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Cost,
    Tokens,
}

impl Known {
    /// A figure known for all of `calls` (a total the platform reported for the trace).
    pub fn all(calls: usize) -> Known {
        Known { carried: true, covered: calls, calls }
    }

    pub fn is_unknown(self) -> bool {
        !self.carried
    }

    /// Some calls carry the figure and some do not: the sum is a lower bound.
    pub fn is_partial(self) -> bool {
        self.carried && self.covered < self.calls
    }

    /// The coverage of two sums added together (a session's traces, all loaded traces).
    pub fn and(self, o: Known) -> Known {
        Known { carried: self.carried || o.carried, covered: self.covered + o.covered, calls: self.calls + o.calls }
    }

    /// The text of the sum formatted as `value`: `–` when unknown, `≥ $0.42` when partial, else
    /// the value. (A `String`, not a closure: one copy of this code in the bundle.)
    pub fn show(self, value: String) -> String {
        if self.is_unknown() {
            "–".to_string()
        } else if self.is_partial() {
            "≥ ".to_string() + &value
        } else {
            value
        }
    }

    /// Why the sum reads as it does, for its hover text: `None` when it is whole.
    pub fn note(self, figure: Figure) -> Option<String> {
        let (none, some) = match figure {
            Figure::Cost => ("no cost in this file", "priced"),
            Figure::Tokens => ("no token counts in this file", "with token counts"),
        };
        if self.is_unknown() {
            Some(none.to_string())
        } else if self.is_partial() {
            Some(format!("{} of {} {some}", self.covered, super::units::plural(self.calls, "call", "calls")))
        } else {
            None
        }
    }
}

/// What of the calls in `span` (the tree's preorder, or one step's subtree: a slice of it) the
/// figure `has` tells covers (see `Known`). Two passes, iterative: what lies below each
/// observation, then what covers it from above, within `span`. `parent_of` is the tree's
/// (`Tree::parent_of`): taken as a function so this module does not depend on the tree's.
pub fn coverage(
    obs: &[Observation],
    parent_of: &dyn Fn(u32) -> Option<u32>,
    span: &[u32],
    has: fn(&Observation) -> bool,
) -> Known {
    let n = obs.len();
    let mut below = vec![false; n];
    let mut call_below = vec![false; n];
    for &i in span.iter().rev() {
        if let Some(p) = parent_of(i) {
            let (iu, pu) = (i as usize, p as usize);
            below[pu] |= below[iu] || has(&obs[iu]);
            call_below[pu] |= call_below[iu] || obs[iu].kind.is_model_call();
        }
    }
    // whether an ancestor's figure, counted in the totals (none below it), covers each
    let mut above = vec![false; n];
    let mut k = Known::default();
    for (at, &i) in span.iter().enumerate() {
        let iu = i as usize;
        let o = &obs[iu];
        let own = has(o);
        k.carried |= own;
        // the first of a subtree's span is its top: what is above it is not counted here
        if let Some(p) = parent_of(i).filter(|_| at > 0) {
            let pu = p as usize;
            above[iu] = above[pu] || (has(&obs[pu]) && !below[pu]);
        }
        let refused = o.level == super::Level::Error && o.usage.is_empty();
        if o.kind.is_model_call() && !call_below[iu] && !refused {
            k.calls += 1;
            k.covered += usize::from(own || below[iu] || above[iu]);
        }
    }
    k
}

/// A cost the file or the price table gave (zero included: a free call is priced).
pub fn has_cost(o: &Observation) -> bool {
    o.cost.total.is_some()
}

/// Token counts the file gave.
pub fn has_tokens(o: &Observation) -> bool {
    !o.usage.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn ob(id: &str, parent: Option<&str>, kind: Kind, cost: Option<f64>) -> Observation {
        let mut o = Observation::new(id, kind, id, 0);
        o.parent_id = parent.map(str::to_string);
        o.cost.total = cost;
        o
    }

    /// The parent of each observation, by its `parent_id` among `obs` (listed parents first, so
    /// the list is its own preorder).
    fn parents(obs: &[Observation]) -> impl Fn(u32) -> Option<u32> + '_ {
        move |i| {
            let p = obs.get(i as usize)?.parent_id.as_deref()?;
            obs.iter().position(|o| o.id == p).map(|p| p as u32)
        }
    }

    fn cost_of(obs: &[Observation]) -> Known {
        let preorder: Vec<u32> = (0..obs.len() as u32).collect();
        coverage(obs, &parents(obs), &preorder, has_cost)
    }

    #[test]
    fn nothing_carried_is_unknown_not_zero() {
        let k = cost_of(&[ob("a", None, Kind::Agent, None), ob("g", Some("a"), Kind::Generation, None)]);
        assert_eq!(k, Known { carried: false, covered: 0, calls: 1 });
        assert_eq!(k.show("$0".into()), "–");
        assert_eq!(k.note(Figure::Cost).as_deref(), Some("no cost in this file"));
        assert_eq!(k.note(Figure::Tokens).as_deref(), Some("no token counts in this file"));
    }

    #[test]
    fn some_calls_priced_is_a_lower_bound() {
        let k = cost_of(&[
            ob("a", None, Kind::Agent, None),
            ob("g1", Some("a"), Kind::Generation, Some(0.42)),
            ob("g2", Some("a"), Kind::Generation, None),
            ob("e", Some("a"), Kind::Embedding, Some(0.0)),
            ob("t", Some("a"), Kind::Tool, None),
        ]);
        assert_eq!(k, Known { carried: true, covered: 2, calls: 3 }, "a free call is priced; a tool is no call");
        assert_eq!(k.show("$0.42".into()), "≥ $0.42");
        assert_eq!(k.note(Figure::Cost).as_deref(), Some("2 of 3 calls priced"));
        assert_eq!(k.note(Figure::Tokens).as_deref(), Some("2 of 3 calls with token counts"));
        // a call the API refused (an error, no token counts) has nothing to price
        let mut refused = ob("r", Some("a"), Kind::Generation, None);
        refused.level = crate::model::Level::Error;
        let k = cost_of(&[ob("a", None, Kind::Agent, None), ob("g", Some("a"), Kind::Generation, Some(0.1)), refused]);
        assert_eq!(k, Known { carried: true, covered: 1, calls: 1 });
    }

    #[test]
    fn a_cost_above_or_below_a_call_covers_it() {
        // Langfuse-like: the agent carries the cost, its calls none
        let k = cost_of(&[
            ob("a", None, Kind::Agent, Some(0.1)),
            ob("g1", Some("a"), Kind::Generation, None),
            ob("g2", Some("a"), Kind::Generation, None),
        ]);
        assert_eq!(k, Known { carried: true, covered: 2, calls: 2 });
        assert_eq!(k.show("$0.1".into()), "$0.1");
        assert_eq!(k.note(Figure::Cost), None);
        // a wrapper generation around the call that carries the cost: one call, covered
        let k = cost_of(&[ob("w", None, Kind::Generation, None), ob("g", Some("w"), Kind::Generation, Some(0.2))]);
        assert_eq!(k, Known { carried: true, covered: 1, calls: 1 });
        // an agent's cost that is not counted (a call below it has its own) covers no other call
        let k = cost_of(&[
            ob("a", None, Kind::Agent, Some(0.3)),
            ob("g1", Some("a"), Kind::Generation, Some(0.2)),
            ob("g2", Some("a"), Kind::Generation, None),
        ]);
        assert_eq!(k, Known { carried: true, covered: 1, calls: 2 });
    }

    #[test]
    fn a_step_counts_the_calls_below_it_only() {
        let obs = [
            ob("a", None, Kind::Agent, Some(0.1)),
            ob("c", Some("a"), Kind::Chain, None),
            ob("g", Some("c"), Kind::Generation, None),
            ob("h", Some("a"), Kind::Generation, None),
        ];
        assert_eq!(cost_of(&obs), Known { carried: true, covered: 2, calls: 2 });
        // below the chain (its subtree: itself and `g`): the agent's cost is not part of it
        let below = coverage(&obs, &parents(&obs), &[1, 2], has_cost);
        assert_eq!(below, Known { carried: false, covered: 0, calls: 1 });
    }

    #[test]
    fn sums_add_their_coverage() {
        let priced = Known::all(3);
        let unknown = Known { carried: false, covered: 0, calls: 2 };
        assert_eq!(priced.and(unknown), Known { carried: true, covered: 3, calls: 5 });
        assert!(unknown.and(Known::default()).is_unknown());
        assert_eq!(Known::all(1).note(Figure::Cost), None);
        assert_eq!(
            Known { carried: true, covered: 0, calls: 1 }.note(Figure::Cost).as_deref(),
            Some("0 of 1 call priced")
        );
    }
}
