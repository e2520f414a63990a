//! The one virtualized list every list and tree of the app draws with: fixed-height rows placed
//! in a spacer, only the rows on screen (plus overscan) in the DOM, the visible height measured on
//! mount, on every resize of the scroller (ResizeObserver) and whenever the number of rows
//! changes, and keyboard moves that reach every row.
//!
//! Why one component: each view used to copy the set-up, and the copies measured the scroller
//! before layout (height 0, so one screen of about eight rows) and never again. A list that did
//! not overflow then never scrolled, and its other rows could not be reached.

use crate::model::layout::{scroll_to_reveal, visible_window};
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A list's scroll state. The view makes it (`Viewport::new`) and hands it to `VirtualList`, so
/// it can bring a row into view, go back to the top, or move the keyboard cursor.
#[derive(Clone, Copy)]
pub struct Viewport {
    /// Every row's height in CSS pixels (rows are placed at `pos * row_h`).
    pub row_h: f64,
    /// The scroller's `scrollTop`, as last scrolled.
    scroll_top: RwSignal<f64>,
    /// The height in which rows show: the scroller's client height less a sticky header's,
    /// never more than the browser window (so rows drawn stay bounded if styles fail).
    height: RwSignal<f64>,
    /// The keyboard cursor: the position of the row the arrow keys move from.
    pub cursor: RwSignal<Option<usize>>,
    scroller: NodeRef<Div>,
    spacer: NodeRef<Div>,
}

impl Viewport {
    pub fn new(row_h: f64) -> Self {
        Self {
            row_h: row_px(row_h),
            scroll_top: RwSignal::new(0.0),
            // until measured: one window's height, so the first frame is never short of rows
            height: RwSignal::new(window_height()),
            cursor: RwSignal::new(None),
            scroller: NodeRef::new(),
            spacer: NodeRef::new(),
        }
    }

    /// The rows' positions to draw now: what the visible height shows at the scroll offset, plus
    /// overscan. Reactive (scroll, resize).
    pub fn window(&self, len: usize) -> std::ops::Range<usize> {
        visible_window(self.scroll_top.get(), self.height.get(), self.row_h, len)
    }

    /// The `top` style of the row at `pos`.
    pub fn top(&self, pos: usize) -> String {
        format!("{}px", pos as f64 * self.row_h)
    }

    /// How many whole rows fit on one screen (at least one): a Page Up/Down step.
    pub fn page_rows(&self) -> usize {
        ((self.height.get_untracked() / self.row_h).floor() as usize).max(1)
    }

    /// Scrolls as little as needed to show the row at `pos` whole.
    pub fn reveal(&self, pos: usize) {
        self.measure();
        let (top, h) = (self.scroll_top.get_untracked(), self.height.get_untracked());
        if let Some(to) = scroll_to_reveal(pos, top, h, self.row_h) {
            self.scroll_to(to);
        }
    }

    /// Shows the row at `pos` with `above` rows of context over it (a jump to a search match).
    pub fn show_near_top(&self, pos: usize, above: usize) {
        self.scroll_to((pos.saturating_sub(above) as f64 * self.row_h).max(0.0));
    }

    /// Back to the first row (a new trace, a new filter).
    pub fn to_top(&self) {
        self.scroll_to(0.0);
    }

    fn scroll_to(&self, top: f64) {
        if let Some(el) = self.scroller.get_untracked() {
            el.set_scroll_top(top.round() as i32);
            // the browser clamps at the end of the content: keep what it took
            self.scroll_top.set(f64::from(el.scroll_top()));
        } else {
            self.scroll_top.set(top);
        }
    }

    /// Reads the scroller's real size now (layout is up to date when the browser answers).
    fn measure(&self) {
        let (Some(el), Some(spacer)) = (self.scroller.get_untracked(), self.spacer.get_untracked()) else {
            return;
        };
        // a header stuck to the top of the scroller covers the first pixels of its height
        let above = f64::from(spacer.offset_top()).max(0.0);
        let visible = f64::from(el.client_height()) - above;
        let h = visible.clamp(self.row_h, window_height().max(self.row_h));
        if self.height.get_untracked() != h {
            self.height.set(h);
        }
        let top = f64::from(el.scroll_top());
        if self.scroll_top.get_untracked() != top {
            self.scroll_top.set(top);
        }
    }

    /// Moves the keyboard cursor by `step` rows (or to `to`), keeps it on a row, shows it.
    fn move_cursor(&self, len: usize, to: impl FnOnce(Option<usize>) -> usize) {
        if len == 0 {
            return;
        }
        let next = to(self.cursor.get_untracked().filter(|&c| c < len)).min(len - 1);
        self.cursor.set(Some(next));
        self.reveal(next);
    }

    /// The standard moves: arrows, Page Up/Down, Home/End; `true` when `key` was one of them.
    pub fn key_move(&self, key: &str, len: usize) -> bool {
        let page = self.page_rows();
        match key {
            "ArrowDown" | "j" => self.move_cursor(len, |c| c.map_or(0, |c| c + 1)),
            "ArrowUp" | "k" => self.move_cursor(len, |c| c.map_or(0, |c| c.saturating_sub(1))),
            "PageDown" => self.move_cursor(len, |c| c.map_or(0, |c| c) + page),
            "PageUp" => self.move_cursor(len, |c| c.map_or(0, |c| c).saturating_sub(page)),
            "Home" => self.move_cursor(len, |_| 0),
            "End" => self.move_cursor(len, |_| usize::MAX),
            _ => return false,
        }
        true
    }
}

/// An epoch from what a list shows (which trace, which load): changes when either does.
pub fn epoch(shown: Option<usize>, generation: u64) -> u64 {
    let shown = shown.map_or(0, |s| s as u64 + 1);
    shown.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ generation
}

/// Rows are at least this tall where the pointer is a finger: a touch target of 40 px.
pub const TOUCH_ROW_PX: f64 = 40.0;

thread_local! {
    static COARSE: bool = web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|m| m.matches());
}

/// Whether the primary pointer is a finger (read once: the rows already drawn keep their height).
/// The page frame marks it with the class `touch`, so the CSS rows match `row_px`.
pub fn coarse_pointer() -> bool {
    COARSE.with(|c| *c)
}

/// A list's row height on this device: `h`, or a touch target's where the pointer is a finger.
pub fn row_px(h: f64) -> f64 {
    if coarse_pointer() {
        h.max(TOUCH_ROW_PX)
    } else {
        h
    }
}

fn window_height() -> f64 {
    web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(1080.0)
}

/// A scroller of `len` fixed-height rows. `item(pos)` names what the row at `pos` shows (an index
/// into the view's data; the row keeps its element while it stays on screen showing the same
/// item in the same `epoch`), and `row((pos, item))` draws it, placed with
/// `style:top=viewport.top(pos)`. Without `on_keydown`, the arrow keys, Page Up/Down, Home and End
/// move `viewport.cursor` and Enter calls `on_enter` with it.
///
/// Not generic on purpose: one copy of it is in the wasm however many views use it (generic, its
/// body was compiled once per view: +15 kB gzipped for six views).
#[component]
pub fn VirtualList(
    viewport: Viewport,
    #[prop(into)] len: Signal<usize>,
    item: Callback<usize, u64>,
    /// Changes when the same item at the same position may be drawn differently (a new load).
    #[prop(optional, into)]
    epoch: Option<Signal<u64>>,
    row: Callback<(usize, u64), AnyView>,
    /// The scroller's class; its CSS gives it a bounded height.
    class: &'static str,
    /// The list's accessible name.
    label: &'static str,
    #[prop(optional)] role: Option<&'static str>,
    /// Drawn above the rows inside the scroller, stuck to its top (a table's head).
    #[prop(optional, into)]
    header: Option<ViewFn>,
    /// Drawn after the rows (a note when there are none).
    #[prop(optional, into)]
    after: Option<ViewFn>,
    /// The view's own key handling, in place of the standard moves.
    #[prop(optional)]
    on_keydown: Option<Callback<web_sys::KeyboardEvent>>,
    #[prop(optional)] on_enter: Option<Callback<usize>>,
) -> impl IntoView {
    let rows = Memo::new(move |_| {
        let n = len.get();
        let e = epoch.map_or(0, |e| e.get());
        viewport.window(n).map(|pos| (pos, item.run(pos), e)).collect::<Vec<_>>()
    });

    // Measured once the scroller is in the page, whenever it changes size, and when the rows
    // change (a sticky header can change height with its columns).
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(el) = viewport.scroller.get() else { return };
        viewport.measure();
        if observer.with_value(Option::is_some) {
            return;
        }
        let on_resize = Closure::<dyn FnMut()>::new(move || viewport.measure());
        if let Ok(ro) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            ro.observe(&el);
            observer.set_value(Some((ro, on_resize)));
        }
    });
    Effect::new(move |_| {
        let n = len.get();
        viewport.measure();
        viewport.cursor.update(|c| {
            if c.is_some_and(|c| c >= n) {
                *c = n.checked_sub(1);
            }
        });
    });
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some((ro, _)) = o.take() {
                ro.disconnect();
            }
        })
    });

    let on_key = move |ev: web_sys::KeyboardEvent| {
        if let Some(handler) = on_keydown {
            handler.run(ev);
            return;
        }
        let key = ev.key();
        let handled = if key == "Enter" {
            match (on_enter, viewport.cursor.get_untracked()) {
                (Some(enter), Some(pos)) => {
                    enter.run(pos);
                    true
                }
                _ => false,
            }
        } else {
            viewport.key_move(&key, len.get_untracked())
        };
        if handled {
            ev.prevent_default();
        }
    };

    view! {
        <div
            class=class
            tabindex="0"
            role=role.unwrap_or("list")
            aria-label=label
            node_ref=viewport.scroller
            on:scroll=move |ev| viewport.scroll_top.set(f64::from(event_target::<web_sys::Element>(&ev).scroll_top()))
            on:keydown=on_key
        >
            {header.map(|h| h.run())}
            <div class="spacer" node_ref=viewport.spacer style:height=move || format!("{}px", len.get() as f64 * viewport.row_h)>
                <For each=move || rows.get() key=|k| *k children=move |(pos, it, _)| row.run((pos, it)) />
            </div>
            {after.map(|a| a.run())}
        </div>
    }
}
