//! Work under way: the loading line, the progress bar of a load, Cancel, and how many files and
//! addresses are being read (a link's view waits for all of them).

use leptos::prelude::*;

/// What the progress bar shows: the live pager fills it in as well as a file being read.
pub use crate::source::live::Progress;

#[derive(Clone, Copy)]
pub struct Jobs {
    /// The status line ("Reading trace.json…").
    pub loading: RwSignal<Option<String>>,
    /// A load with a progress bar under way.
    pub progress: RwSignal<Option<Progress>>,
    /// Set by the Cancel button; a load checks it between pieces and pages.
    pub cancel: RwSignal<bool>,
    /// Files and addresses being read right now.
    pub reading: RwSignal<u32>,
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs {
            loading: RwSignal::new(None),
            progress: RwSignal::new(None),
            cancel: RwSignal::new(false),
            reading: RwSignal::new(0),
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.get_untracked()
    }

    /// Changes the progress bar, if one is shown.
    pub fn update_progress(&self, f: impl FnOnce(&mut Progress)) {
        self.progress.update(|p| {
            if let Some(p) = p {
                f(p)
            }
        });
    }

    /// Where a client's retry waits are told: the progress note and the status line.
    pub fn notifier(self) -> std::rc::Rc<dyn Fn(String)> {
        std::rc::Rc::new(move |m| {
            self.update_progress(|p| p.note = m.clone());
            self.loading.set(Some(m));
        })
    }

    pub fn started_reading(&self) {
        self.reading.update(|n| *n += 1);
    }

    pub fn done_reading(&self) {
        self.reading.update(|n| *n = n.saturating_sub(1));
    }
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::new()
    }
}
