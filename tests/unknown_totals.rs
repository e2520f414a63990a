//! Unknown is not zero, over real files: a total no observation carries is unknown (not `$0`), a
//! sum over some of the calls says how many; the trace list sorts unknown with the missing values;
//! sessions and exports keep the difference. Files: the Jaeger UI export of jaegertracing/jaeger
//! (no model call), BeeAI's Langfuse export of langfuse/langfuse (5 generations, 3 with a
//! `totalCost`: counted with `python3 -c` over its JSON, see e2e/totals.test.mjs), and the
//! OpenInference LangChain export of tests/fixtures/realdata (tokens, no cost).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use canopy::export::{self, ExportFormat};
use canopy::model::known::{Figure, Known};
use canopy::model::pricing::PriceTable;
use canopy::model::tracelist::{self, Column};
use canopy::model::TraceSet;

fn langchain() -> TraceSet {
    common::open(common::own("realdata/openinference-langchain/traces.otlp.jsonl")).1
}

#[test]
fn a_file_without_model_calls_has_no_cost_and_no_tokens() {
    let (_, set) = common::open(common::shared("jaeger/ui_01.json"));
    assert!(!set.traces.is_empty());
    for t in &set.traces {
        assert!(t.cost_known().is_unknown() && t.totals.tokens_known.is_unknown(), "{}", t.id);
        assert_eq!(t.cost_known().show("$0".into()), "–");
        assert_eq!(t.cost_known().note(Figure::Cost).as_deref(), Some("no cost in this file"));
        assert_eq!(t.totals.tokens_known.note(Figure::Tokens).as_deref(), Some("no token counts in this file"));
    }
}

#[test]
fn some_calls_priced_is_a_lower_bound_that_says_how_many() {
    let (_, set) = common::open(common::shared("langfuse/beeai-2025-08-01.trace.json"));
    let t = &set.traces[0];
    assert_eq!(t.cost_known(), Known { carried: true, covered: 3, calls: 5 });
    assert_eq!(t.totals.tokens_known, Known { carried: true, covered: 3, calls: 5 });
    assert!((t.cost_usd() - (0.0002982 + 0.00035385 + 0.00017925)).abs() < 1e-12);
    assert_eq!(t.cost_known().note(Figure::Cost).as_deref(), Some("3 of 5 calls priced"));
    assert_eq!(t.cost_known().show("$0.0008313".into()), "≥ $0.0008313");
    // the step that holds them all says the same
    let root = t.tree.roots[0];
    let below = canopy::model::facts::children(t, root);
    assert_eq!(below.cost_known, Known { carried: true, covered: 3, calls: 5 });
    // its calls count input tokens only: their output is unknown, not 0
    let rows = canopy::model::breakdown::by_model(&set.traces);
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].input_known, rows[0].input_tokens, rows[0].output_known), (true, 5542, false));
}

#[test]
fn tokens_without_a_price_table_are_an_unknown_cost_until_priced() {
    let mut set = langchain();
    for t in &set.traces {
        assert!(t.cost_known().is_unknown(), "{}", t.id);
        assert!(!t.totals.tokens_known.is_unknown() && !t.totals.tokens_known.is_partial(), "{}", t.id);
    }
    let sessions = tracelist::sessions(&set);
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|s| s.cost_known.is_unknown()), "a session of unpriced turns costs –, not $0");
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let table = PriceTable::from_json(&std::fs::read_to_string(root.join("public/models.json")).unwrap()).unwrap();
    set.price(&table);
    for t in set.traces.iter().filter(|t| t.totals.tokens > 0) {
        let k = t.cost_known();
        assert!(!k.is_unknown() && !k.is_partial(), "{}: {k:?}", t.id);
    }
}

#[test]
fn unknown_sorts_with_the_missing_values_in_either_direction() {
    let mut set = common::open(common::shared("jaeger/ui_01.json")).1;
    let unknown = set.traces.len();
    set.merge(common::open(common::shared("langfuse/beeai-2025-08-01.trace.json")).1);
    set.merge(common::open(common::shared("langfuse/autogen-2025-06-06.trace.json")).1);
    for col in [Column::Cost, Column::Tokens] {
        for descending in [false, true] {
            let mut rows: Vec<usize> = (0..set.traces.len()).collect();
            tracelist::sort(&set, &mut rows, &col, descending);
            let known = rows.len() - unknown;
            assert!(
                rows[known..].iter().all(|&i| match col {
                    Column::Cost => set.traces[i].cost_known().is_unknown(),
                    _ => set.traces[i].totals.tokens_known.is_unknown(),
                }),
                "{col:?} {descending}: unknown last, not first as 0"
            );
        }
    }
}

#[test]
fn exports_leave_an_unknown_cost_unknown() {
    let mut set = common::open(common::shared("jaeger/ui_01.json")).1;
    set.merge(langchain());
    for format in ExportFormat::ALL {
        let written = export::write(&set, format, None);
        let again = canopy::import::load(&format!("again.{}", format.extension()), written.as_bytes()).unwrap().set;
        for t in &again.traces {
            assert!(t.cost_known().is_unknown(), "{format:?} {}: a cost was written", t.id);
        }
    }
}
