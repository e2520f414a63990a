//! The price table estimated costs come from: the app's own `models.json`, fetched from the
//! page's origin the first time something loaded has calls to price (never before, never from
//! anywhere else), with the prices the user typed kept in this browser on top.

use super::{Data, NoticeKind, Notices};
use crate::model::pricing::{Entry, PriceTable};
use leptos::prelude::*;
use std::sync::Arc;

/// Where the app's price table is, relative to the page.
pub const TABLE_PATH: &str = "models.json";
/// The user's own prices in this browser's storage.
const USER_KEY: &str = "canopy.prices";

/// How far the price table is.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceStatus {
    /// Nothing loaded needed it yet.
    Idle,
    Loading,
    Ready,
    /// It could not be fetched or read (the text says why): costs stay as the files gave them.
    Failed(String),
}

/// The price table's state; the table itself lives in `Data`, which prices every load with it.
#[derive(Clone, Copy)]
pub struct Prices {
    pub status: RwSignal<PriceStatus>,
}

impl Prices {
    pub fn new() -> Prices {
        Prices { status: RwSignal::new(PriceStatus::Idle) }
    }

    /// Fetches the table when something loaded wants prices and it is not there yet.
    pub fn ensure(&self, data: Data, notices: Notices) {
        if self.status.get_untracked() != PriceStatus::Idle || !data.wants_prices() {
            return;
        }
        self.fetch(data, notices);
    }

    /// Fetches the table now (the prices panel opened before any load needed it).
    pub fn fetch(&self, data: Data, notices: Notices) {
        if matches!(self.status.get_untracked(), PriceStatus::Loading | PriceStatus::Ready) {
            return;
        }
        self.status.set(PriceStatus::Loading);
        let status = self.status;
        leptos::task::spawn_local(async move {
            match crate::source::fetch_url_with(TABLE_PATH, &[]).await {
                Ok((_, bytes)) => match PriceTable::from_json(&String::from_utf8_lossy(&bytes)) {
                    Ok(mut table) => {
                        if let Some(mine) = stored() {
                            table.with_user(&mine);
                        }
                        data.set_prices(Arc::new(table));
                        status.set(PriceStatus::Ready);
                    }
                    Err(e) => failed(status, notices, e.to_string()),
                },
                Err(e) => failed(status, notices, e.to_string()),
            }
        });
    }

    /// Sets one price the user typed: kept in this browser, applied to everything loaded.
    pub fn set_user(&self, data: Data, e: Entry) {
        self.edit(data, |t| t.set_user(e));
    }

    /// Forgets the user's price for this name and provider (the table's own, if any, applies again).
    pub fn remove_user(&self, data: Data, name: &str, provider: &str) {
        self.edit(data, |t| t.remove_user(name, provider));
    }

    fn edit(&self, data: Data, change: impl FnOnce(&mut PriceTable)) {
        let Some(current) = data.prices_untracked() else { return };
        let mut table = (*current).clone();
        change(&mut table);
        store(&table.user_json());
        data.set_prices(Arc::new(table));
    }
}

impl Default for Prices {
    fn default() -> Self {
        Prices::new()
    }
}

fn failed(status: RwSignal<PriceStatus>, notices: Notices, why: String) {
    let text = format!("{TABLE_PATH}: prices could not be loaded ({why}); costs show only where the files carry them");
    notices.push(NoticeKind::PricesFailed, text.clone());
    status.set(PriceStatus::Failed(text));
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The user's prices kept in this browser.
fn stored() -> Option<String> {
    storage()?.get_item(USER_KEY).ok().flatten()
}

fn store(json: &str) {
    if let Some(s) = storage() {
        let _ = if json == "[]" { s.remove_item(USER_KEY) } else { s.set_item(USER_KEY, json) };
    }
}
