//! The Prices panel: the price table estimated costs come from (the app's `models.json` with the
//! user's own prices on top), searchable and virtualized, and a form to edit a model's prices or
//! add a model; the user's are kept in this browser and re-price everything loaded (`Prices`).

use crate::model::pricing::{self, Draft, Entry, PRICE_LABELS};
use crate::model::units::{format_count, format_price, format_tokens};
use crate::state::{Data, Dialogs, Notices, PriceStatus, Prices};
use crate::views::show::Show;
use crate::views::virtual_list::{Viewport, VirtualList};
use leptos::prelude::*;

const ROW_H: f64 = 28.0;
/// Model, provider, five prices, context, max output, source, actions.
const COLUMNS: &str = "240px 100px repeat(5, 92px) 80px 80px 170px 132px";

/// The table's head: label and class of each column.
const HEADS: [(&str, &str); 11] = [
    ("Model", "th"),
    ("Provider", "th"),
    ("Input", "th num"),
    ("Output", "th num"),
    ("Cache read", "th num"),
    ("Cache write", "th num"),
    ("Reasoning", "th num"),
    ("Context", "th num"),
    ("Max out", "th num"),
    ("Source", "th"),
    ("", "th"),
];

/// The form's fields in order: name, provider, the prices (`PRICE_LABELS`), context, max output.
const FIELDS: usize = 9;

fn field_label(i: usize) -> &'static str {
    match i {
        0 => "Model",
        1 => "Provider",
        7 => "Context window (tokens)",
        8 => "Max output (tokens)",
        p => PRICE_LABELS[p - 2],
    }
}

fn text(d: &Draft, i: usize) -> &str {
    match i {
        0 => &d.name,
        1 => &d.provider,
        7 => &d.context,
        8 => &d.max_output,
        p => &d.prices[p - 2],
    }
}

fn slot(d: &mut Draft, i: usize) -> &mut String {
    match i {
        0 => &mut d.name,
        1 => &mut d.provider,
        7 => &mut d.context,
        8 => &mut d.max_output,
        p => &mut d.prices[p - 2],
    }
}

/// One price cell: `$2.50`, or nothing when the entry has none.
fn price_text(v: Option<f64>) -> String {
    v.map(format_price).unwrap_or_default()
}

#[component]
pub fn PricesPanel(data: Data, prices: Prices, notices: Notices, dialogs: Dialogs) -> impl IntoView {
    // the table is fetched the first time something loaded needs it, or now
    prices.fetch(data, notices);
    let query = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        let q = query.get();
        data.prices().map(|t| pricing::search(&t, &q)).unwrap_or_default()
    });
    // every new table (an edit) draws the rows again: an entry may change in place
    let epoch = Memo::new(move |prev: Option<&u64>| {
        data.prices();
        prev.map_or(0, |p| p + 1)
    });
    let viewport = Viewport::new(ROW_H);
    let draft = RwSignal::new(None::<Draft>);
    let error = RwSignal::new(String::new());

    let open_form = move |e: Option<Entry>| {
        draft.set(Some(Draft::from_entry(&e.unwrap_or_default())));
        error.set(String::new());
    };
    let edit_at = move |pos: usize| {
        let at = found.with_untracked(|f| f.get(pos).copied());
        let e = at.and_then(|at| data.prices_untracked().and_then(|t| t.get(at).cloned()));
        if e.is_some() {
            open_form(e);
        }
    };
    let save = move || {
        let Some(d) = draft.get_untracked() else { return };
        match d.to_entry() {
            Ok(e) => {
                // one of the user's entries saved under another name or provider: the new one replaces it
                if let Some((name, provider)) =
                    d.replaces().filter(|&old| old != (e.name.as_str(), e.provider.as_str()))
                {
                    prices.remove_user(data, name, provider);
                }
                query.set(e.name.clone());
                prices.set_user(data, e);
                draft.set(None);
            }
            Err(why) => error.set(why),
        }
    };

    let status = move || match prices.status.get() {
        PriceStatus::Idle | PriceStatus::Loading => "Loading prices…".to_string(),
        PriceStatus::Failed(why) => why,
        PriceStatus::Ready => {
            let sources = data
                .prices()
                .map(|t| t.sources.iter().map(|s| format!("{} of {}", s.key, s.date)).collect::<Vec<_>>().join(", "));
            format!(
                "{} of {} models. US dollars per million tokens, from {}. Your own prices are kept in this browser, \
                 win over the table's and are listed in Canopy exports.",
                format_count(found.with(Vec::len) as u64),
                format_count(data.prices().map_or(0, |t| t.entries.len()) as u64),
                sources.unwrap_or_default()
            )
        }
    };
    let ready = move || prices.status.with(|s| *s == PriceStatus::Ready);

    let form = move || {
        let inputs = (0..FIELDS)
            .map(|i| {
                let value = move || draft.with(|d| d.as_ref().map(|d| text(d, i).to_string())).unwrap_or_default();
                view! {
                    <label class:wide={i < 2}>{field_label(i)}
                        <input
                            id=format!("price-field-{i}")
                            inputmode=if i < 2 { "text" } else { "decimal" }
                            prop:value=value
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|d| if let Some(d) = d { *slot(d, i) = v });
                            }
                        />
                    </label>
                }
            })
            .collect_view();
        view! {
            <form class="price-form" id="price-form" on:submit=move |ev: web_sys::SubmitEvent| {
                ev.prevent_default();
                save();
            }>
                <div class="price-fields">{inputs}</div>
                <p class="price-error" id="price-error" role="alert">{move || error.get()}</p>
                <div class="modal-row">
                    <button class="btn" type="submit" id="price-save">"Save my price"</button>
                    <button class="btn" type="button" id="price-cancel" on:click=move |_| draft.set(None)>"Cancel"</button>
                    <span class="hint">"Prices in US dollars per million tokens; leave a box empty for none."</span>
                </div>
            </form>
        }
    };

    // Escape closes it wherever the focus is (a saved form takes its inputs away)
    let on_key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            dialogs.prices.set(false);
        }
    });
    on_cleanup(move || on_key.remove());

    view! {
        <div class="modal-backdrop" on:click=move |_| dialogs.prices.set(false)>
            <div
                class="modal prices-modal"
                id="prices-panel"
                role="dialog"
                aria-label="Prices"
                on:click=|ev| ev.stop_propagation()
            >
                <div class="modal-row">
                    <h3>"Prices"</h3>
                    <input
                        type="search"
                        id="prices-search"
                        placeholder="Search models"
                        aria-label="Search models or providers"
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            query.set(event_target_value(&ev));
                            viewport.to_top();
                        }
                    />
                    <button class="btn" id="price-add" disabled=move || !ready() on:click=move |_| open_form(None)>"Add a model"</button>
                    <button class="btn" id="prices-close" on:click=move |_| dialogs.prices.set(false)>"Close"</button>
                </div>
                <p class="hint" id="prices-status" role="status">{status}</p>
                <Show when=move || draft.with(Option::is_some)>{form}</Show>
                <VirtualList
                    viewport=viewport
                    len=Signal::derive(move || found.with(Vec::len))
                    item=Callback::new(move |pos| found.with_untracked(|f| f.get(pos).map_or(u64::MAX, |&i| u64::from(i))))
                    epoch=Signal::derive(move || epoch.get())
                    class="table-scroll prices-table"
                    label="Model prices"
                    role="grid"
                    header=move || view! {
                        <div class="table-head" role="row" style:grid-template-columns=COLUMNS>
                            {HEADS.map(|(l, c)| view! { <span class=c title=l>{l}</span> }).collect_view()}
                        </div>
                    }
                    on_enter=Callback::new(edit_at)
                    row=Callback::new(move |(pos, at): (usize, u64)| {
                        let table = data.prices_untracked();
                        let Some(e) = table.as_ref().and_then(|t| t.get(at as u32)) else { return ().into_any() };
                        let source = match table.as_ref().and_then(|t| t.source_of(e)) {
                            Some(s) => format!("{} · {}", s.key, s.date),
                            None if e.is_user() => "yours (this browser)".to_string(),
                            None => e.source.clone(),
                        };
                        let mine = e.is_user();
                        let (name, provider) = (e.name.clone(), e.provider.clone());
                        let remove = (name.clone(), provider.clone());
                        let prices_cells = [e.input, e.output, e.cache_read, e.cache_write, e.reasoning].map(price_text);
                        // every cell one kind of element: a `(text, class)` each
                        let mut cells = vec![(name.clone(), "td"), (provider.clone(), "td")];
                        cells.extend(prices_cells.into_iter().map(|c| (c, "td num")));
                        cells.push((e.context.map(format_tokens).unwrap_or_default(), "td num"));
                        cells.push((e.max_output.map(format_tokens).unwrap_or_default(), "td num"));
                        cells.push((source, "td"));
                        view! {
                            <div
                                class="tr price-row"
                                role="row"
                                class:mine=mine
                                class:cursor=move || viewport.cursor.get() == Some(pos)
                                style:top=viewport.top(pos)
                                style:grid-template-columns=COLUMNS
                                data-name=name
                                data-provider=provider
                                on:click=move |_| viewport.cursor.set(Some(pos))
                            >
                                {cells.into_iter().map(|(t, c)| { let title = t.clone(); view! { <span class=c role="gridcell" title=title>{t}</span> } }).collect_view()}
                                <span class="td" role="gridcell">
                                    <button class="btn small price-edit" on:click=move |_| edit_at(pos)>"Edit"</button>
                                    {mine.then(|| view! {
                                        <button class="btn small price-remove" on:click=move |_| {
                                            prices.remove_user(data, &remove.0, &remove.1);
                                            draft.set(None);
                                        }>"Remove"</button>
                                    })}
                                </span>
                            </div>
                        }
                        .into_any()
                    })
                />
            </div>
        </div>
    }
}
