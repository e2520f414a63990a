//! The Export dialog: the shown trace, the traces the list filter keeps, or everything, as Canopy,
//! OTLP or Langfuse-export JSON, optionally redacted (detectors, patterns, field rules) with a
//! preview of what will be masked; the file is made in the page and downloaded, never sent.

use crate::export::redact::{plural, redact, Detector, Field, Pattern, Report, Rules};
use crate::export::{self, ExportFormat};
use crate::model::order;
use crate::model::tracelist::{self, ListQuery};
use crate::model::TraceSet;
use crate::state::{Data, Dialogs, ViewState};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A user pattern compiled by the browser's own `RegExp` (flags `gu`): no regex engine in the
/// bundle. The built-in detectors do not use it (they are linear scanners in `export::redact`).
struct BrowserRegExp(js_sys::RegExp);

fn browser_regexp(pattern: &str) -> Result<Box<dyn Pattern>, String> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"RegExp".into())
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .ok_or("this browser has no RegExp")?;
    let args = js_sys::Array::of2(&pattern.into(), &"gu".into());
    // a bad pattern throws a SyntaxError: caught here and said, never a crash
    match js_sys::Reflect::construct(&ctor, &args) {
        Ok(re) => re
            .dyn_into::<js_sys::RegExp>()
            .map(|re| Box::new(BrowserRegExp(re)) as Box<dyn Pattern>)
            .map_err(|_| "not a pattern".into()),
        Err(e) => Err(js_sys::Error::from(e).message().into()),
    }
}

impl Pattern for BrowserRegExp {
    fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        let js = js_sys::JsString::from(text);
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in js.match_all(&self.0).into_iter().flatten() {
            let start = js_sys::Reflect::get(&m, &"index".into()).ok().and_then(|i| i.as_f64()).unwrap_or(0.0) as usize;
            let len =
                js_sys::Array::from(&m).get(0).dyn_into::<js_sys::JsString>().map(|s| s.length() as usize).unwrap_or(0);
            if len > 0 {
                found.push((start, start + len));
            }
        }
        utf16_to_utf8(text, found)
    }
}

/// JavaScript counts UTF-16 units; Rust slices count bytes. Ranges in ascending order.
fn utf16_to_utf8(text: &str, ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        return ranges;
    }
    let mut bounds: Vec<usize> = ranges.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut map = std::collections::HashMap::new();
    order::sort(&mut bounds);
    let (mut u16_at, mut next) = (0usize, 0usize);
    for (byte, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        while next < bounds.len() && bounds[next] <= u16_at {
            map.insert(bounds[next], byte);
            next += 1;
        }
        u16_at += ch.len_utf16();
    }
    ranges.into_iter().filter_map(|(a, b)| Some((*map.get(&a)?, *map.get(&b)?))).collect()
}

/// Saves `text` as a file through the browser's download (a blob URL; nothing leaves the page).
fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).map_err(|_| "the browser refused to make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused to make the file")?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a = doc
        .create_element("a")
        .map_err(|_| "no link")?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

fn preview_text(r: &Report) -> String {
    if r.masked.is_empty() && r.dropped_fields == 0 {
        return "Nothing to mask was found.".into();
    }
    let mut parts: Vec<String> = r
        .masked
        .iter()
        .map(|(k, (distinct, n))| {
            format!("{} ({distinct} distinct)", plural(*n, &format!("{k} value"), &format!("{k} values")))
        })
        .collect();
    if r.dropped_fields > 0 {
        parts.push(format!("{} dropped", plural(r.dropped_fields, "field", "fields")));
    }
    format!("Will mask: {}", parts.join(", "))
}

#[component]
pub fn ExportDialog(data: Data, view: ViewState, dialogs: Dialogs) -> impl IntoView {
    let format = RwSignal::new(ExportFormat::Canopy);
    let scope = RwSignal::new("trace".to_string());
    // the order boxes are ticked in does not matter: `redact` runs detectors by precedence
    let detectors = RwSignal::new(Vec::<Detector>::new());
    let fields = RwSignal::new(Vec::<Field>::new());
    let patterns = RwSignal::new(String::new());
    let drop_inputs = RwSignal::new(false);
    let drop_outputs = RwSignal::new(false);
    let drop_attrs = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let rules = move || Rules {
        detectors: detectors.get_untracked(),
        patterns: patterns.get_untracked().lines().map(str::to_string).collect(),
        drop_inputs: drop_inputs.get_untracked(),
        drop_outputs: drop_outputs.get_untracked(),
        drop_attributes: drop_attrs.get_untracked().split(',').map(str::to_string).collect(),
        fields: fields.get_untracked(),
    };
    // "everything" is lent as it is (no copy of a large set); a choice is a new, smaller set
    let with_chosen = move |f: &mut dyn FnMut(&TraceSet)| {
        data.with_untracked(|d| match scope.get_untracked().as_str() {
            "all" => f(d),
            "list" => f(&export::select(d, &tracelist::filter(d, &ListQuery::parse(&view.list_query.get_untracked())))),
            _ => f(&export::select(d, &view.trace.get_untracked().into_iter().collect::<Vec<_>>())),
        })
    };
    let preview = move |_| {
        let r = rules();
        with_chosen(&mut |set| match redact(set, &r, browser_regexp) {
            Ok((_, report)) => status.set(preview_text(&report)),
            Err(e) => status.set(e.to_string()),
        });
    };
    let save = move |_| {
        let (r, f) = (rules(), format.get_untracked());
        with_chosen(&mut |set| {
            if set.traces.is_empty() {
                status.set("Nothing to export in this choice.".into());
                return;
            }
            let redacted;
            let (set, note) = if r.is_empty() {
                (set, None)
            } else {
                match redact(set, &r, browser_regexp) {
                    Ok((s, _)) => {
                        redacted = s;
                        (&redacted, Some(r.describe()))
                    }
                    Err(e) => {
                        status.set(e.to_string());
                        return;
                    }
                }
            };
            // a Canopy file lists the prices its estimated costs came from (and the user's own)
            let text = export::write_priced(set, f, note.as_deref(), data.prices_untracked().as_deref());
            let stem =
                if set.traces.len() == 1 { set.traces[0].id.clone() } else { format!("{}-traces", set.traces.len()) };
            let name = format!("{}.{}", stem.replace(['/', '\\', ':'], "_"), f.extension());
            match download(&name, &text) {
                Ok(()) => status.set(format!("Saved {name} ({}).", crate::model::units::human_bytes(text.len()))),
                Err(e) => status.set(e.to_string()),
            }
        });
    };
    let toggle = move |d: Detector, on: bool| {
        detectors.update(|v| {
            v.retain(|x| *x != d);
            if on {
                v.push(d);
            }
        })
    };
    let toggle_field = move |f: Field, on: bool| {
        fields.update(|v| {
            v.retain(|x| *x != f);
            if on {
                v.push(f);
            }
        })
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| dialogs.export.set(false)>
            <div class="modal" role="dialog" aria-label="Export" on:click=|ev| ev.stop_propagation()>
                <h3>"Export"</h3>
                <div class="filters">
                    <label>"What"
                        <select id="export-scope" on:change=move |ev| scope.set(event_target_value(&ev))>
                            <option value="trace" selected=true>"The shown trace"</option>
                            <option value="list">"Traces the list filter keeps"</option>
                            <option value="all">"Everything loaded"</option>
                        </select>
                    </label>
                    <label>"Format"
                        <select id="export-format" on:change=move |ev| format.set(ExportFormat::from_key(&event_target_value(&ev)).unwrap_or(ExportFormat::Canopy))>
                            {ExportFormat::ALL.into_iter().map(|f| view! { <option value=f.key()>{f.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <fieldset>
                    <legend>"Redact before saving"</legend>
                    <div class="modal-row export-detectors">
                        {Detector::ALL.into_iter().map(|d| view! {
                            <label class="toggle-label">
                                <input type="checkbox" id=format!("redact-{}", d.label()) on:change=move |ev| toggle(d, event_target_checked(&ev))/>
                                {format!("{}s", d.label())}
                            </label>
                        }).collect_view()}
                    </div>
                    <div class="modal-row export-fields">
                        "Also replace: "
                        {Field::ALL.into_iter().map(|f| view! {
                            <label class="toggle-label">
                                <input type="checkbox" id=format!("redact-field-{}", f.label()) on:change=move |ev| toggle_field(f, event_target_checked(&ev))/>
                                {f.title()}
                            </label>
                        }).collect_view()}
                    </div>
                    <label>"Your patterns (regular expressions, one per line)"
                        <textarea id="redact-patterns" rows="2" prop:value=move || patterns.get() on:input=move |ev| patterns.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="modal-row">
                        <label class="toggle-label"><input type="checkbox" id="redact-drop-inputs" on:change=move |ev| drop_inputs.set(event_target_checked(&ev))/>"drop inputs"</label>
                        <label class="toggle-label"><input type="checkbox" id="redact-drop-outputs" on:change=move |ev| drop_outputs.set(event_target_checked(&ev))/>"drop outputs"</label>
                    </div>
                    <label>"Drop attributes (keys, comma-separated; prefix* allowed)"
                        <input id="redact-drop-attrs" prop:value=move || drop_attrs.get() on:input=move |ev| drop_attrs.set(event_target_value(&ev))/>
                    </label>
                </fieldset>
                <div class="modal-row">
                    <button class="btn" id="export-preview" on:click=preview>"Preview"</button>
                    <button class="btn" id="export-save" on:click=save>"Download"</button>
                </div>
                <p class="hint export-status" role="status">{move || status.get()}</p>
            </div>
        </div>
    }
}
