//! Langfuse public API client (cloud or self-hosted): trace list pages with server-side filters,
//! then each trace with its observations and scores. HTTP Basic auth with the project's public
//! and secret key; the keys are sent only to the host the user typed and never shown or stored.

use super::SourceError;
use serde::Deserialize;

#[derive(Clone)]
pub struct Langfuse {
    pub host: String,
    pub public_key: String,
    pub secret_key: String,
    /// Told when a request waits to retry (rate limits, brief server failures).
    pub notify: std::rc::Rc<dyn Fn(String)>,
}

/// Server-side filters of `GET /api/public/traces`.
#[derive(Clone, Default)]
pub struct TraceFilter {
    pub name: String,
    pub user_id: String,
    pub session_id: String,
    pub tags: String,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<TraceRef>,
    meta: Meta,
}

#[derive(Deserialize)]
struct TraceRef {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    total_pages: Option<f64>,
    total_items: Option<f64>,
}

impl Langfuse {
    fn auth(&self) -> String {
        let raw = format!("{}:{}", self.public_key.trim(), self.secret_key.trim());
        let b64 = web_sys::window().and_then(|w| w.btoa(&raw).ok()).unwrap_or_default();
        format!("Basic {b64}")
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let url = format!("{}{path}", self.host.trim().trim_end_matches('/'));
        let headers = vec![("Authorization".to_string(), self.auth())];
        let notify = self.notify.clone();
        super::api_get(&url, &headers, &move |m| notify(m)).await
    }

    /// Ids of the traces matching `filter` on page `page` (1-based), and (total pages, total items).
    pub async fn trace_ids(
        &self,
        filter: &TraceFilter,
        page: usize,
        limit: usize,
    ) -> Result<(Vec<String>, usize, usize), SourceError> {
        let mut path = format!("/api/public/traces?page={page}&limit={limit}");
        for (k, v) in [("name", &filter.name), ("userId", &filter.user_id), ("sessionId", &filter.session_id)] {
            if !v.trim().is_empty() {
                path.push_str(&format!("&{k}={}", js_sys::encode_uri_component(v.trim())));
            }
        }
        for tag in filter.tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            path.push_str(&format!("&tags={}", js_sys::encode_uri_component(tag)));
        }
        let body = self.get(&path).await?;
        let p: Page = serde_json::from_slice(&body)
            .map_err(|e| SourceError::Read(format!("the trace list is not what Langfuse sends: {e}")))?;
        Ok((
            p.data.into_iter().map(|t| t.id).collect(),
            p.meta.total_pages.unwrap_or(1.0).max(0.0) as usize,
            p.meta.total_items.unwrap_or(0.0).max(0.0) as usize,
        ))
    }

    /// `GET /api/public/traces/{id}`: the trace with its observations and scores.
    pub async fn trace(&self, id: &str) -> Result<Vec<u8>, SourceError> {
        self.get(&format!("/api/public/traces/{}", js_sys::encode_uri_component(id))).await
    }
}
