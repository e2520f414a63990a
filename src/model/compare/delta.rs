//! What changed in a matched step (duration, tokens, cost, model, payloads, error), and the
//! summary of a comparison: totals, pairing counts, scores by name and the most-changed steps.

use super::align::{Pairing, Row};
use crate::model::{order, Level, Observation, Payload, Score, ScoreValue, Trace};

/// A before/after pair of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

impl Change<f64> {
    /// The relative change in percent; `None` from zero.
    pub fn percent(&self) -> Option<f64> {
        (self.before != 0.0).then(|| (self.after - self.before) / self.before.abs() * 100.0)
    }
}

/// What changed in one matched step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDelta {
    /// Duration in ms (`NaN` when still running).
    pub duration_ms: Change<f64>,
    pub tokens: Change<f64>,
    pub cost_usd: Change<f64>,
    pub model: Option<Change<String>>,
    pub parameters_changed: bool,
    pub input_changed: bool,
    pub output_changed: bool,
    pub error: Change<bool>,
}

fn ms(o: &Observation) -> f64 {
    o.duration_ns().map_or(f64::NAN, |d| d as f64 / 1e6)
}

/// The duration of a matched pair in ms (`NaN` while running): all a list row needs, without
/// comparing payloads as `step_delta` does.
pub fn duration_ms(a: &Observation, b: &Observation) -> Change<f64> {
    Change { before: ms(a), after: ms(b) }
}

fn raw(p: &Option<Payload>) -> &str {
    p.as_ref().map_or("", |p| p.raw())
}

/// The deltas of a matched pair of steps.
pub fn step_delta(a: &Observation, b: &Observation) -> StepDelta {
    let is_error = |o: &Observation| o.level == Level::Error;
    StepDelta {
        duration_ms: duration_ms(a, b),
        tokens: Change { before: a.usage.total_tokens() as f64, after: b.usage.total_tokens() as f64 },
        cost_usd: Change { before: a.cost.total.unwrap_or(0.0), after: b.cost.total.unwrap_or(0.0) },
        model: (a.model != b.model).then(|| Change {
            before: a.model.as_deref().unwrap_or_default().to_string(),
            after: b.model.as_deref().unwrap_or_default().to_string(),
        }),
        parameters_changed: raw(&a.model_parameters) != raw(&b.model_parameters),
        input_changed: raw(&a.input) != raw(&b.input),
        output_changed: raw(&a.output) != raw(&b.output),
        error: Change { before: is_error(a), after: is_error(b) },
    }
}

impl StepDelta {
    /// How much the step changed, to rank steps: relative duration and token changes, plus one
    /// for each of a changed model, parameters, input, output or error state.
    pub fn weight(&self) -> f64 {
        let rel = |c: &Change<f64>| {
            if c.before.is_nan() || c.after.is_nan() {
                0.0
            } else {
                (c.after - c.before).abs() / c.before.abs().max(c.after.abs()).max(1e-9)
            }
        };
        rel(&self.duration_ms)
            + rel(&self.tokens)
            + rel(&self.cost_usd)
            + [
                self.model.is_some(),
                self.parameters_changed,
                self.input_changed,
                self.output_changed,
                self.error.before != self.error.after,
            ]
            .iter()
            .filter(|x| **x)
            .count() as f64
    }
}

/// A score of both traces by name: numbers as their mean, other values as text.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreChange {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub numeric: Option<Change<f64>>,
}

/// The top of the compare view.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub duration_ms: Change<f64>,
    pub tokens: Change<f64>,
    pub cost_usd: Change<f64>,
    pub errors: Change<f64>,
    pub same: usize,
    pub renamed: usize,
    pub added: usize,
    pub removed: usize,
    pub scores: Vec<ScoreChange>,
    /// Rows (indices into the aligned rows) of the matched steps that changed most, most first.
    pub most_changed: Vec<usize>,
}

/// Summarizes the comparison of `a` and `b` aligned as `rows`; `scores` are all loaded scores.
pub fn summary(a: &Trace, b: &Trace, rows: &[Row], scores: &[Score]) -> Summary {
    let count = |p: Pairing| rows.iter().filter(|r| r.pairing == p).count();
    let dur = |t: &Trace| t.duration_ns().map_or(f64::NAN, |d| d as f64 / 1e6);
    let mut ranked: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let (x, y) = (r.a?, r.b?);
            let w = step_delta(&a.observations[x as usize], &b.observations[y as usize]).weight();
            (w > 0.0).then_some((w, k))
        })
        .collect();
    order::sort_by(&mut ranked, |p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
    Summary {
        duration_ms: Change { before: dur(a), after: dur(b) },
        tokens: Change { before: a.totals.tokens as f64, after: b.totals.tokens as f64 },
        cost_usd: Change { before: a.cost_usd(), after: b.cost_usd() },
        errors: Change { before: a.totals.errors as f64, after: b.totals.errors as f64 },
        same: count(Pairing::Same),
        renamed: count(Pairing::Renamed),
        added: count(Pairing::Added),
        removed: count(Pairing::Removed),
        scores: score_changes(a, b, scores),
        most_changed: ranked.into_iter().take(5).map(|(_, k)| k).collect(),
    }
}

fn score_changes(a: &Trace, b: &Trace, scores: &[Score]) -> Vec<ScoreChange> {
    // trace-level scores only: observation scores belong to their step
    let of = |t: &Trace| -> Vec<&Score> {
        scores.iter().filter(|s| s.trace_id.as_deref() == Some(t.id.as_str()) && s.observation_id.is_none()).collect()
    };
    let (sa, sb) = (of(a), of(b));
    let mut names: Vec<&str> = sa.iter().chain(&sb).map(|s| s.name.as_str()).collect();
    order::sort(&mut names);
    names.dedup();
    let mean = |list: &[&Score], name: &str| -> Option<f64> {
        let v: Vec<f64> = list
            .iter()
            .filter(|s| s.name == name)
            .filter_map(|s| match s.value {
                ScoreValue::Numeric(x) => Some(x),
                ScoreValue::Boolean(x) => Some(f64::from(u8::from(x))),
                _ => None,
            })
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let text = |list: &[&Score], name: &str| -> Option<String> {
        let v: Vec<String> = list.iter().filter(|s| s.name == name).map(|s| s.value.display()).collect();
        (!v.is_empty()).then(|| v.join(", "))
    };
    names
        .into_iter()
        .map(|name| ScoreChange {
            name: name.to_string(),
            before: text(&sa, name),
            after: text(&sb, name),
            numeric: match (mean(&sa, name), mean(&sb, name)) {
                (Some(before), Some(after)) => Some(Change { before, after }),
                _ => None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::align;
    use super::super::testing::{base, trace};
    use super::*;

    #[test]
    fn deltas_and_ranking() {
        let a = trace("a", &base());
        let mut b = trace("b", &base());
        let w = b.observations.iter_mut().find(|o| o.name == "write answer").unwrap();
        w.end_ns = Some(w.start_ns + 30_000_000); // 10 → 30 ms
        w.model = Some("gpt-5".into());
        let rows = align(&a, &b);
        let row =
            rows.iter().position(|r| r.b.is_some_and(|i| b.observations[i as usize].name == "write answer")).unwrap();
        let (x, y) = (rows[row].a.unwrap(), rows[row].b.unwrap());
        let d = step_delta(&a.observations[x as usize], &b.observations[y as usize]);
        assert_eq!((d.duration_ms.before, d.duration_ms.after), (10.0, 30.0));
        assert_eq!(d.duration_ms.percent(), Some(200.0));
        assert_eq!(d.model, Some(Change { before: String::new(), after: "gpt-5".into() }));
        let s = summary(&a, &b, &rows, &[]);
        assert_eq!(s.most_changed, vec![row]);
    }

    #[test]
    fn scores_by_name() {
        let (a, b) = (trace("a", &base()), trace("b", &base()));
        let score = |t: &str, name: &str, v: ScoreValue| Score {
            id: String::new(),
            name: name.into(),
            value: v,
            source: None,
            comment: None,
            trace_id: Some(t.into()),
            observation_id: None,
            session_id: None,
            time_ns: None,
        };
        let scores = [
            score("a", "helpful", ScoreValue::Numeric(0.5)),
            score("a", "helpful", ScoreValue::Numeric(1.0)),
            score("b", "helpful", ScoreValue::Numeric(0.25)),
            score("b", "tone", ScoreValue::Categorical("rude".into())),
        ];
        let s = summary(&a, &b, &align(&a, &b), &scores);
        assert_eq!(s.scores.len(), 2);
        assert_eq!(s.scores[0].numeric, Some(Change { before: 0.75, after: 0.25 }));
        assert_eq!((s.scores[1].before.as_deref(), s.scores[1].after.as_deref()), (None, Some("rude")));
    }
}
