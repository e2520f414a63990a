//! A virtualized list whose rows have their own heights (the transcript's blocks: a one-line tool
//! call, a long answer): heights are guessed, then measured as rows are drawn (one
//! ResizeObserver for the rows on screen and the scroller), and only the rows on screen plus
//! overscan are in the DOM. A row above the view measured taller or shorter moves the scroll by
//! the same amount, so what the reader looks at stays put. The arithmetic is `model::layout::Heights`.

use crate::model::layout::Heights;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The list's scroll state, made by the view so it can bring a row into view.
#[derive(Clone, Copy)]
pub struct Measured {
    pub heights: RwSignal<Heights>,
    scroll_top: RwSignal<f64>,
    height: RwSignal<f64>,
    scroller: NodeRef<Div>,
    spacer: NodeRef<Div>,
    /// The row last brought into view, kept in place as rows above it are measured, until the
    /// reader scrolls by hand (a wheel, or a pointer: touch comes as a pointer too).
    anchor: StoredValue<Option<usize>>,
}

impl Default for Measured {
    fn default() -> Self {
        Self::new()
    }
}

impl Measured {
    pub fn new() -> Self {
        Measured {
            heights: RwSignal::new(Heights::default()),
            scroll_top: RwSignal::new(0.0),
            height: RwSignal::new(800.0),
            scroller: NodeRef::new(),
            spacer: NodeRef::new(),
            anchor: StoredValue::new(None),
        }
    }

    /// Scrolls as little as needed to show row `i` (from its top when taller than the view).
    pub fn reveal(&self, i: usize) {
        // the scroller as it is now: the observer may not have reported its size yet
        if let Some(el) = self.scroller.get_untracked() {
            let (visible, top) = (f64::from(el.client_height()), f64::from(el.scroll_top()));
            if visible > 0.0 && visible != self.height.get_untracked() {
                self.height.set(visible);
            }
            self.scroll_top.set(top);
        }
        self.anchor.set_value(Some(i));
        let to =
            self.heights.with_untracked(|h| h.reveal(i, self.scroll_top.get_untracked(), self.height.get_untracked()));
        if let Some(to) = to {
            self.scroll_to(to);
        }
    }

    pub fn to_top(&self) {
        self.anchor.set_value(None);
        self.scroll_to(0.0);
    }

    fn scroll_to(&self, top: f64) {
        if let Some(el) = self.scroller.get_untracked() {
            el.set_scroll_top(top.round() as i32);
            self.scroll_top.set(f64::from(el.scroll_top()));
        } else {
            self.scroll_top.set(top);
        }
    }

    /// Reads the sizes the observer reports: the scroller's height, and each drawn row's.
    fn measure(&self, entries: &js_sys::Array) {
        let mut moved_above = 0.0;
        let top = self.scroll_top.get_untracked();
        let anchor = self.anchor.get_value();
        self.heights.update(|h| {
            for e in entries.iter() {
                let Ok(e) = e.dyn_into::<web_sys::ResizeObserverEntry>() else { continue };
                let el: web_sys::HtmlElement = e.target().unchecked_into();
                let Some(pos) = el.get_attribute("data-pos").and_then(|p| p.parse::<usize>().ok()) else { continue };
                let delta = h.measured(pos, f64::from(el.offset_height()));
                // rows above the anchored row (or, with none, above the view) move the scroll
                let above = match anchor {
                    Some(a) => pos < a,
                    None => h.top(pos) < top,
                };
                if delta != 0.0 && above {
                    moved_above += delta;
                }
            }
        });
        if let Some(el) = self.scroller.get_untracked() {
            let visible = f64::from(el.client_height());
            if visible > 0.0 && visible != self.height.get_untracked() {
                self.height.set(visible);
            }
            if moved_above != 0.0 {
                // the new height now, before scrolling: the reactive style comes later, and a
                // scroll past the old end would stop there
                if let Some(sp) = self.spacer.get_untracked() {
                    let total = self.heights.with_untracked(Heights::total);
                    web_sys::HtmlElement::style(&sp).set_property("height", &format!("{total}px")).ok();
                }
                self.scroll_to(f64::from(el.scroll_top()) + moved_above);
            }
        }
    }
}

/// A scroller of `len` rows of measured heights; `row(pos)` draws row `pos`, inside a wrapper
/// placed at its top. `epoch` changes when the rows are other rows (another trace).
#[component]
pub fn MeasuredList(
    list: Measured,
    #[prop(into)] epoch: Signal<u64>,
    row: Callback<usize, AnyView>,
    class: &'static str,
    label: &'static str,
    #[prop(optional)] on_keydown: Option<Callback<web_sys::KeyboardEvent>>,
) -> impl IntoView {
    let window = Memo::new(move |_| {
        let e = epoch.get();
        let (top, height) = (list.scroll_top.get(), list.height.get());
        list.heights.with(|h| h.window(top, height)).map(|pos| (e, pos)).collect::<Vec<_>>()
    });

    // one observer for the scroller and the rows drawn now, observed again when they change
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>);
    Effect::new(move |_| {
        window.track();
        let Some(el) = list.scroller.get() else { return };
        if observer.with_value(Option::is_none) {
            let on_resize =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| list.measure(&entries));
            if let Ok(ro) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                observer.set_value(Some((ro, on_resize)));
            }
        }
        observer.with_value(|o| {
            if let Some((ro, _)) = o {
                ro.disconnect();
                ro.observe(&el);
                let rows = el.query_selector_all(":scope > .measured-spacer > [data-pos]");
                if let Ok(rows) = rows {
                    for i in 0..rows.length() {
                        if let Some(r) = rows.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                            ro.observe(&r);
                        }
                    }
                }
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

    view! {
        <div
            class=class
            tabindex="0"
            role="list"
            aria-label=label
            node_ref=list.scroller
            on:scroll=move |ev| list.scroll_top.set(f64::from(event_target::<web_sys::Element>(&ev).scroll_top()))
            on:wheel=move |_| list.anchor.set_value(None)
            on:pointerdown=move |_| list.anchor.set_value(None)
            on:keydown=move |ev| {
                list.anchor.set_value(None);
                if let Some(k) = on_keydown {
                    k.run(ev)
                }
            }
        >
            <div class="measured-spacer" node_ref=list.spacer style:height=move || format!("{}px", list.heights.with(|h| h.total()))>
                <For
                    each=move || window.get()
                    key=|k| *k
                    children=move |(_, pos)| {
                        view! {
                            <div class="measured-row" role="listitem" data-pos=pos style:top=move || format!("{}px", list.heights.with(|h| h.top(pos)))>
                                {row.run(pos)}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
