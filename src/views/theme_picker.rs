//! The theme picker: light, dark or the system's choice, remembered on this device.

use crate::state::{Theme, ViewState};
use leptos::prelude::*;

/// Light, dark or the system's choice; remembered on this device.
#[component]
pub fn ThemePicker(view: ViewState) -> impl IntoView {
    view! {
        <label class="theme-picker" title="Theme">
            <select
                id="theme"
                aria-label="Theme"
                prop:value=move || view.theme.get().key()
                on:change=move |ev| {
                    if let Some(t) = Theme::from_key(&event_target_value(&ev)) {
                        view.theme.set(t);
                        t.store();
                    }
                }
            >
                <option value="system">"System theme"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </label>
    }
}
