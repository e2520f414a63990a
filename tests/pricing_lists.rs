//! The trace list's filter and sort and the session sums see estimated costs like reported
//! ones, and say where they come from.

use canopy::model::key::Key;
use canopy::model::pricing::{Origin, PriceTable};
use canopy::model::tracelist::{filter, sessions, sort, Column, ListQuery};
use canopy::model::{Kind, Observation, Trace, TraceSet, Usage};

const TABLE: &str = r#"{"models":[{"name":"gpt-4o","provider":"openai","in":2.5,"out":10,"src":"litellm"}]}"#;

fn call(id: &str, model: &str, input: u64) -> Observation {
    let mut o = Observation::new(id, Kind::Generation, id, 0);
    o.end_ns = Some(10);
    o.model = Some(Key::new(model));
    o.usage = Usage { input: Some(input), output: Some(0), ..Usage::default() };
    o
}

fn trace(obs: Vec<Observation>) -> Trace {
    Trace::build("t".into(), obs, "f.json", &mut Vec::new())
}

/// The list filter and the session sums see estimated costs like reported ones, and say so.
#[test]
fn list_filter_sort_and_sessions_use_estimated_costs() {
    let t = PriceTable::from_json(TABLE).unwrap();
    let with_session = |id: &str, model: &str, input: u64| {
        let mut tr = trace(vec![call(id, model, input)]);
        tr.id = id.into();
        tr.session_id = Some("s".into());
        tr
    };
    let mut set = TraceSet {
        traces: vec![
            with_session("cheap", "gpt-4o", 1000),
            with_session("dear", "gpt-4o", 1_000_000),
            with_session("unpriced", "my-model", 1000),
        ],
        ..TraceSet::default()
    };
    set.rebuild_sessions();
    let before = sessions(&set);
    assert_eq!((before[0].cost_usd, before[0].cost_origin), (0.0, None), "nothing priced yet");
    assert!(filter(&set, &ListQuery::parse("cost>0.01")).is_empty());
    set.price(&t);
    assert_eq!(filter(&set, &ListQuery::parse("cost>0.01")), [1]);
    assert_eq!(filter(&set, &ListQuery::parse("cost>$0.001")), [0, 1]);
    assert_eq!(filter(&set, &ListQuery::parse("cost<1")), [0], "a trace without a cost has no cost to compare");
    assert_eq!(filter(&set, &ListQuery::parse("tokens>=1000000")), [1]);
    let mut rows = vec![0, 1, 2];
    sort(&set, &mut rows, &Column::Cost, true);
    assert_eq!(rows, [1, 0, 2]);
    let s = &sessions(&set)[0];
    assert!((s.cost_usd - (2.5 + 0.0025)).abs() < 1e-12);
    assert_eq!(s.cost_origin, Some(Origin::Estimated));
}
