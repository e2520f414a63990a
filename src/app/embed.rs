//! Canopy inside another page: `?embed=1` options (parts to hide) and the postMessage API a host
//! page drives it with (`load`, `select`, `setView`, `setTheme`; events `ready`, `loaded`,
//! `selected`, `error`). The API exists only in embed mode and inside a frame: only the parent
//! window is heard and told anything, and only when its origin is listed in `origin=` (or is
//! Canopy's own); other messages are ignored and logged to the console.

use crate::source::fragment::ViewFragment;
use crate::state::{Level, MainView, Page, State, Theme};
use js_sys::Reflect;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Origins allowed to drive this page: those in `origin=` (comma-separated, `scheme://host[:port]`)
/// and the page's own. `*` is refused: a page anyone can drive could be fed anything.
fn allowed_origins(f: &ViewFragment) -> Vec<String> {
    let mut out: Vec<String> = web_sys::window().and_then(|w| w.location().origin().ok()).into_iter().collect();
    for o in f.kept("origin").unwrap_or("").split(',').map(str::trim).filter(|o| !o.is_empty()) {
        match web_sys::Url::new(o).ok().map(|u| u.origin()).filter(|o| o != "null") {
            Some(origin) if o != "*" => out.push(origin),
            _ => warn(&format!("Canopy: origin={o} is not an origin (scheme://host[:port]); it is not allowed")),
        }
    }
    out
}

/// Listens for the host's messages and tells it what happens; only with `embed=1` and inside a
/// frame. Without them a page (a link with `origin=` in it, a tab another site opened) takes no
/// orders and tells nobody what it shows.
pub fn install(state: State, initial: &ViewFragment) {
    if !state.embedded() {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let origins = StoredValue::new(allowed_origins(initial));
    let Some(host) = host_window(&window) else {
        // opened on its own: nobody to talk to, nobody allowed to drive it
        return;
    };
    let host = StoredValue::new_local(host);
    let send = move |kind: &str, fields: &[(&str, JsValue)]| {
        let msg = message(kind, fields);
        host.with_value(|h| {
            origins.with_value(|os| {
                for o in os {
                    // only a window at that origin receives it
                    let _ = h.post_message(&msg, o);
                }
            })
        });
    };

    let on_message = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        // the frame's own parent, not any window that holds a reference to this one (a page it
        // opened, a frame inside the host) even at an allowed origin
        let from_host = ev.source().is_some_and(|s| host.with_value(|h| js_sys::Object::is(&s, h)));
        if !from_host {
            warn("Canopy: ignored a message that did not come from the page this view is framed in");
            return;
        }
        let origin = ev.origin();
        if !origins.with_value(|os| os.contains(&origin)) {
            warn(&format!("Canopy: ignored a message from {origin}, which is not in this page's origin= list"));
            return;
        }
        let data = ev.data();
        let kind = field(&data, "type").as_string().unwrap_or_default();
        if let Err(e) = handle(state, &kind, &data) {
            send("canopy:error", &[("message", e.into()), ("request", kind.as_str().into())]);
        }
        if kind == "canopy:hello" {
            send("canopy:ready", &ready_fields());
        }
    });
    on_cleanup(move || on_message.remove());

    Effect::new(move |prev: Option<u64>| {
        let g = state.data.generation();
        if prev.is_some() {
            let (traces, observations) = state.data.with_untracked(|d| (d.traces.len(), d.observation_count()));
            send("canopy:loaded", &[("traces", traces.into()), ("observations", observations.into())]);
        }
        g
    });
    Effect::new(move |prev: Option<Option<(String, Option<String>)>>| {
        let (ti, sel) = (state.view.trace.get(), state.view.selected.get());
        let now = state.data.with_untracked(|d| {
            let t = d.traces.get(ti?)?;
            Some((t.id.clone(), sel.map(|i| t.tree.key(&t.observations, i))))
        });
        if prev.is_some_and(|p| p != now) {
            if let Some((trace, obs)) = &now {
                let name = sel.and_then(|i| {
                    state
                        .data
                        .with_untracked(|d| d.traces.get(ti?)?.observations.get(i as usize).map(|o| o.name.clone()))
                });
                send(
                    "canopy:selected",
                    &[
                        ("trace", trace.as_str().into()),
                        ("observation", obs.as_deref().map(JsValue::from).unwrap_or(JsValue::NULL)),
                        ("name", name.map(JsValue::from).unwrap_or(JsValue::NULL)),
                    ],
                );
            }
        }
        now
    });
    // notices are numbered for good, so "new" is "numbered at or past the last one sent"
    let next = StoredValue::new(0u64);
    Effect::new(move |_| {
        state.notices.with(|errors| {
            for n in errors.iter().filter(|n| n.id >= next.get_value()) {
                // a cancel or a load stopped at its limit is no error: the host hears it as a notice
                let kind = if n.level() == Level::Error { "canopy:error" } else { "canopy:notice" };
                send(kind, &[("message", n.text.as_str().into()), ("level", n.level().key().into())]);
                next.set_value(n.id + 1);
            }
        })
    });
    // after the first render, so a host that answers at once finds the page ready
    set_timeout(move || send("canopy:ready", &ready_fields()), std::time::Duration::from_millis(0));
}

/// What a `canopy:*` message asks, done; `Err` says why it could not be.
fn handle(state: State, kind: &str, data: &JsValue) -> Result<(), String> {
    match kind {
        "canopy:hello" => Ok(()),
        "canopy:load" => {
            let merge = field(data, "merge").as_bool().unwrap_or(false);
            let name = field(data, "name").as_string().unwrap_or_else(|| "message.json".into());
            // without `merge`, what is shown is replaced only once the new data has opened: a
            // load that fails leaves it as it was (and says why, `canopy:error`)
            if let Some(url) = field(data, "url").as_string() {
                if merge {
                    state.loader().load_url(url);
                } else {
                    state.loader().load_url_replacing(url);
                }
                return Ok(());
            }
            let body = field(data, "data");
            let bytes = if let Some(text) = body.as_string() {
                text.into_bytes()
            } else if body.is_instance_of::<js_sys::ArrayBuffer>() || body.is_instance_of::<js_sys::Uint8Array>() {
                js_sys::Uint8Array::new(&body).to_vec()
            } else {
                return Err("load needs `data` (JSON text or an ArrayBuffer) or `url`".into());
            };
            let loaded = if merge {
                state.loader().load_bytes(&name, &bytes)
            } else {
                state.loader().load_bytes_replacing(&name, &bytes)
            };
            if loaded {
                state.links.unlinkable.update(|u| u.push(format!("{name} (sent by the embedding page)")));
            }
            Ok(())
        }
        "canopy:select" => {
            let trace = field(data, "trace").as_string().ok_or("select needs `trace` (a trace id)")?;
            let obs = field(data, "observation").as_string();
            let found = state.data.with_untracked(|d| {
                let ti = d.traces.iter().position(|t| t.id == trace)?;
                let t = &d.traces[ti];
                Some((ti, obs.as_deref().map(|k| t.tree.find_key(&t.observations, k))))
            });
            match found {
                None => Err(format!("no loaded trace has the id {trace}")),
                Some((_, Some(None))) => Err(format!("trace {trace} has no observation {}", obs.unwrap_or_default())),
                Some((ti, o)) => {
                    state.view.open_trace(ti, o.flatten());
                    Ok(())
                }
            }
        }
        "canopy:setView" => {
            let view = field(data, "view").as_string().unwrap_or_default();
            if let Some(main) = MainView::from_key(&view) {
                state.view.main.set(main);
                if state.view.trace.get_untracked().is_some() {
                    state.view.page.set(Page::Trace);
                }
                return Ok(());
            }
            match view.as_str() {
                "traces" => state.view.page.set(Page::Traces),
                "sessions" => state.view.page.set(Page::Sessions),
                "scores" => state.view.page.set(Page::Scores),
                _ => {
                    return Err(format!(
                        "setView takes tree, timeline, costs, transcript, traces, sessions or scores, not {view:?}"
                    ))
                }
            }
            Ok(())
        }
        "canopy:setTheme" => {
            let theme = field(data, "theme").as_string().unwrap_or_default();
            state
                .view
                .theme
                .set(Theme::from_key(&theme).ok_or(format!("setTheme takes light, dark or system, not {theme:?}"))?);
            Ok(())
        }
        other => Err(format!("unknown message type {other:?}")),
    }
}

/// The page this one is framed in; `None` for a top-level page. Not the opener: a page that
/// opened Canopy in a tab is no host, and any site can open a tab.
fn host_window(w: &web_sys::Window) -> Option<web_sys::Window> {
    w.parent().ok().flatten().filter(|p| !js_sys::Object::is(p, w))
}

fn ready_fields() -> Vec<(&'static str, JsValue)> {
    vec![("version", env!("CARGO_PKG_VERSION").into())]
}

fn message(kind: &str, fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"type".into(), &kind.into());
    for (k, v) in fields {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

fn field(data: &JsValue, name: &str) -> JsValue {
    if !data.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn warn(text: &str) {
    web_sys::console::warn_1(&text.into());
}
