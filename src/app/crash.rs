//! The crash notice: a panic leaves the wasm instance unusable, so the page shows a report to copy
//! (where it panicked and what kind of panic, never the message, which can quote trace text) and a
//! Reload button, written with plain DOM calls.

use wasm_bindgen::JsCast;

/// A panic leaves the wasm instance unusable; instead of a dead or blank page, show what happened
/// and a text to copy into a bug report. Written with plain DOM calls since the app may be broken.
pub fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let report = crash_report(&info.to_string());
    web_sys::console::error_1(&report.clone().into());
    show_crash_report(&report);
}

/// The text of a bug report from a panic's text (`panicked at file:line:col:` and the message):
/// version, browser, where it panicked and a fixed name for what kind of panic it was. Nothing of
/// the message itself: it can quote trace text (a slicing panic quotes the string), and the
/// report is meant to be pasted into a public bug tracker.
pub fn crash_report(what: &str) -> String {
    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
    let (place, message) = match panic_place(what) {
        Some((place, message)) => (place, message),
        None => ("an unknown place", ""),
    };
    let kind = panic_kind(message);
    format!("Canopy {} crashed: panicked at {place}: {kind}\nbrowser: {agent}", env!("CARGO_PKG_VERSION"))
}

/// `file:line:col` right after `panicked at `, and the message after it; `None` when the text
/// does not start that way. The place is our source code's, never input.
fn panic_place(what: &str) -> Option<(&str, &str)> {
    let rest = what.strip_prefix("panicked at ")?;
    // the first `:line:col` that ends the place (followed by `:`, a line break or nothing)
    let bytes = rest.as_bytes();
    let digits = |from: usize| bytes.get(from..).map_or(0, |b| b.iter().take_while(|c| c.is_ascii_digit()).count());
    for (i, _) in rest.match_indices(':') {
        let line = digits(i + 1);
        if line == 0 || bytes.get(i + 1 + line) != Some(&b':') {
            continue;
        }
        let col = digits(i + 2 + line);
        let end = i + 2 + line + col;
        if col > 0 && matches!(bytes.get(end), None | Some(b':' | b'\n')) {
            let place = &rest[..end];
            let fine = !place[..i].is_empty()
                && place.len() <= 300
                && place.chars().all(|c| c.is_ascii_alphanumeric() || "/\\._-:+@~".contains(c));
            return fine.then(|| (place, rest[end..].trim_start_matches(':').trim_start()));
        }
    }
    None
}

/// The kind of a panic, as one of our own fixed texts, from the start of its message (the
/// standard library's wording); whatever the message goes on to quote is dropped.
fn panic_kind(message: &str) -> &'static str {
    const KINDS: [(&str, &str); 15] = [
        ("index out of bounds", "index out of bounds"),
        ("byte index", "string sliced off a character boundary"),
        ("begin <= end", "string sliced out of order"),
        ("range start index", "slice range out of bounds"),
        ("range end index", "slice range out of bounds"),
        ("slice index starts", "slice range out of order"),
        ("called `Option::unwrap()` on a `None` value", "Option::unwrap on None"),
        ("called `Result::unwrap()` on an `Err` value", "Result::unwrap on an Err"),
        ("attempt to divide by zero", "division by zero"),
        ("attempt to calculate the remainder with a divisor of zero", "division by zero"),
        ("attempt to ", "arithmetic overflow"),
        ("already borrowed", "RefCell already borrowed"),
        ("already mutably borrowed", "RefCell already borrowed"),
        ("user-provided comparison function does not correctly implement a total order", "sort order not total"),
        ("capacity overflow", "capacity overflow"),
    ];
    KINDS.iter().find(|(start, _)| message.starts_with(start)).map_or("panic", |(_, kind)| kind)
}

/// Puts the crash notice over the page: the report in a selected text box (Ctrl+C copies it, no
/// script needed) and a button that reloads the page.
pub fn show_crash_report(report: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else { return };
    div.set_class_name("crash-report");
    div.set_attribute("role", "alert").ok();
    if let Ok(h) = doc.create_element("strong") {
        h.set_text_content(Some(
            "Canopy hit an internal error and stopped. Please copy this report (it is selected: Ctrl+C) into a bug report, then reload:",
        ));
        div.append_child(&h).ok();
    }
    let area = doc.create_element("textarea").ok().and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
    if let Some(area) = &area {
        area.set_read_only(true);
        area.set_rows(6);
        area.set_value(report);
        area.set_attribute("aria-label", "crash report").ok();
        div.append_child(area).ok();
    }
    if let Ok(b) = doc.create_element("button") {
        b.set_class_name("crash-reload");
        b.set_text_content(Some("Reload Canopy"));
        // a fresh call into the module that touches no app state; F5 does the same
        let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        b.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref()).ok();
        reload.forget();
        div.append_child(&b).ok();
    }
    body.append_child(&div).ok();
    if let Some(area) = area {
        let _ = area.focus();
        area.select();
    }
}
