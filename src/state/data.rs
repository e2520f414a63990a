//! The loaded data: one `TraceSet` that each load merges into, with a version per trace, so what
//! shows one trace reruns when that trace changes and not on every merge.

use crate::model::loops::{self, Loop};
use crate::model::pricing::PriceTable;
use crate::model::transcript::{self, Transcript};
use crate::model::{Trace, TraceSet};
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// One trace as it is now: its place among the loaded traces (stable: a merge only adds traces
/// or grows them, and only `clear` forgets them) and the version it is at. Two refs are equal
/// while the trace is unchanged, so a memo of one re-runs only when that trace did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceRef {
    pub index: usize,
    pub version: u64,
}

/// Everything loaded. The set is written only by `merge`, `set_prices` and `clear`, which keep
/// the versions in step; views read it.
#[derive(Clone, Copy)]
pub struct Data {
    set: RwSignal<TraceSet>,
    /// Per trace, the change (a load, new prices) that last changed it.
    versions: RwSignal<Vec<u64>>,
    /// Bumped by every load and by `clear`: per-load UI state (a list's rows, a search index)
    /// starts again when it changes.
    generation: RwSignal<u64>,
    /// The prices estimated costs come from, once fetched (`state::prices`): every merge
    /// prices what it brings with them.
    prices: RwSignal<Option<Arc<PriceTable>>>,
    /// The last version given to a trace: versions only grow, whatever changed the trace.
    last_version: StoredValue<u64>,
    /// Bumped when new prices changed some costs: lists of traces draw their rows again.
    repriced: RwSignal<u64>,
    /// The loops found in each trace as it is (by `TraceRef`): the header, the tree and the list
    /// ask for them, and finding them reads the trace's tool arguments.
    loops: StoredValue<HashMap<TraceRef, Arc<Vec<Loop>>>, LocalStorage>,
    transcripts: StoredValue<HashMap<TraceRef, Arc<Transcript>>, LocalStorage>,
}

impl Data {
    pub fn new() -> Data {
        Data::from_set(TraceSet::default())
    }

    /// Data already loaded (component tests mount a view over it).
    pub fn from_set(set: TraceSet) -> Data {
        let versions = vec![0; set.traces.len()];
        Data {
            set: RwSignal::new(set),
            versions: RwSignal::new(versions),
            generation: RwSignal::new(0),
            prices: RwSignal::new(None),
            last_version: StoredValue::new(0),
            repriced: RwSignal::new(0),
            loops: StoredValue::new_local(HashMap::new()),
            transcripts: StoredValue::new_local(HashMap::new()),
        }
    }

    /// Reads everything, tracked: re-runs on every load.
    pub fn with<R>(&self, f: impl FnOnce(&TraceSet) -> R) -> R {
        self.set.with(f)
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&TraceSet) -> R) -> R {
        self.set.with_untracked(f)
    }

    /// The load count (tracked).
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    pub fn generation_untracked(&self) -> u64 {
        self.generation.get_untracked()
    }

    /// What a list of traces draws its rows again on: a load, or new prices (a list's epoch).
    pub fn rows_epoch(&self) -> Signal<u64> {
        let (generation, repriced) = (self.generation, self.repriced);
        Signal::derive(move || generation.get() ^ repriced.get().rotate_left(32))
    }

    pub fn is_empty(&self) -> bool {
        self.versions.with(Vec::is_empty)
    }

    pub fn trace_count(&self) -> usize {
        self.versions.with(Vec::len)
    }

    /// The trace at `index` as it is now, tracking only the versions.
    pub fn trace_ref(&self, index: usize) -> Option<TraceRef> {
        self.versions.with(|v| v.get(index).map(|&version| TraceRef { index, version }))
    }

    /// Reads one trace. Untracked: call it where `r` is tracked (a memo of the current trace), as
    /// the ref changes whenever the trace does.
    pub fn with_trace<R>(&self, r: TraceRef, f: impl FnOnce(&Trace) -> R) -> Option<R> {
        self.set.with_untracked(|d| d.traces.get(r.index).map(f))
    }

    /// Reads the shown trace with the set it is in (its scores, the other traces), tracked: for
    /// what shows facts of the whole set about one trace.
    pub fn with_shown<R>(&self, shown: Option<TraceRef>, f: impl FnOnce(&TraceSet, &Trace) -> R) -> Option<R> {
        let r = shown?;
        self.set.with(|d| d.traces.get(r.index).map(|t| f(d, t)))
    }

    /// The position of the trace with this id, untracked.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.set.with_untracked(|d| d.traces.iter().position(|t| t.id == id))
    }

    /// Merges a load in; returns the positions of the traces it added or changed.
    pub fn merge(&self, loaded: TraceSet) -> Vec<usize> {
        let mut touched = Vec::new();
        let prices = self.prices_untracked();
        self.set.update(|d| {
            touched = d.merge(loaded);
            if let Some(table) = &prices {
                for &i in &touched {
                    if let Some(t) = d.traces.get_mut(i) {
                        t.price(table);
                    }
                }
            }
        });
        let generation = self.generation.get_untracked() + 1;
        let count = self.set.with_untracked(|d| d.traces.len());
        self.stamp(&touched, Some(count));
        self.generation.set(generation);
        touched
    }

    /// Gives the traces at `changed` a version no trace had before (and new traces, up to
    /// `count`, theirs).
    fn stamp(&self, changed: &[usize], count: Option<usize>) {
        let version = self.last_version.get_value() + 1;
        self.last_version.set_value(version);
        self.versions.update(|v| {
            if let Some(n) = count {
                v.resize(n, version);
            }
            for &i in changed {
                if let Some(slot) = v.get_mut(i) {
                    *slot = version;
                }
            }
        });
    }

    /// The price table, tracked (views that show a price's entry or a context window).
    pub fn prices(&self) -> Option<Arc<PriceTable>> {
        self.prices.get()
    }

    pub fn prices_untracked(&self) -> Option<Arc<PriceTable>> {
        self.prices.get_untracked()
    }

    /// Whether some loaded call has tokens and a model but no cost (what prices are fetched for).
    pub fn wants_prices(&self) -> bool {
        self.set.with_untracked(TraceSet::wants_prices)
    }

    /// Prices everything loaded with `table` (fetched, or edited by the user); the traces whose
    /// costs changed get a new version, so what shows them runs again.
    pub fn set_prices(&self, table: Arc<PriceTable>) {
        let mut changed = Vec::new();
        // (timed by `make bench`: pricing must add little to a load)
        super::load::mark("canopy:price-start");
        self.set.update(|d| changed = d.price(&table));
        super::load::mark("canopy:price-end");
        self.prices.set(Some(table));
        if !changed.is_empty() {
            self.stamp(&changed, None);
            self.repriced.update(|n| *n += 1);
        }
    }

    /// The loops of a trace as it is now (found once per version of it). Untracked, like
    /// `with_trace`.
    pub fn loops(&self, r: TraceRef) -> Arc<Vec<Loop>> {
        if let Some(l) = self.loops.with_value(|m| m.get(&r).cloned()) {
            return l;
        }
        let found = Arc::new(self.with_trace(r, loops::detect).unwrap_or_default());
        self.loops.update_value(|m| {
            // the versions of this trace before this one are gone for good
            m.retain(|k, _| k.index != r.index);
            m.insert(r, found.clone());
        });
        found
    }

    /// The transcript of a trace as it is now (built once per version of it, for the Transcript
    /// tab and the detail's "since the previous call"). Untracked, like `with_trace`.
    pub fn transcript(&self, r: TraceRef) -> Arc<Transcript> {
        if let Some(t) = self.transcripts.with_value(|m| m.get(&r).cloned()) {
            return t;
        }
        let built = Arc::new(self.with_trace(r, transcript::build).unwrap_or_default());
        self.transcripts.update_value(|m| {
            m.retain(|k, _| k.index != r.index);
            m.insert(r, built.clone());
        });
        built
    }

    /// Forgets everything loaded.
    pub fn clear(&self) {
        self.set.set(TraceSet::default());
        self.versions.set(Vec::new());
        self.generation.update(|g| *g += 1);
    }
}

impl Default for Data {
    fn default() -> Self {
        Data::new()
    }
}
