//! Langfuse public API client (cloud or self-hosted): trace list pages with server-side filters,
//! sessions, and each trace's observations and scores from whichever API generation the server
//! answers (v2 observations with a cursor + v3 scores, or the legacy trace endpoint). HTTP Basic
//! auth with the project's keys; they are sent only to the host the user typed, never shown or stored.

use super::SourceError;
use crate::import::Format;
use serde::Deserialize;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Clone)]
pub struct Langfuse {
    pub host: String,
    pub public_key: String,
    pub secret_key: String,
    /// Told when a request waits to retry (rate limits, brief server failures).
    pub notify: Rc<dyn Fn(String)>,
    /// What the server answered when asked once; shared by clones.
    pub generation: Rc<Cell<Option<Generation>>>,
}

/// The two generations of Langfuse's read API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// `GET /api/public/traces/{id}` with observations and scores inside.
    Legacy,
    /// `GET /api/public/v2/observations` (cursor) and `/v3/scores` (cursor; `/v2/scores` pages on
    /// servers that do not have v3 yet).
    Current { v3_scores: bool },
}

impl Generation {
    pub fn describe(self) -> &'static str {
        match self {
            Generation::Legacy => "legacy API (traces/{id})",
            Generation::Current { v3_scores: true } => "v2 observations + v3 scores",
            Generation::Current { v3_scores: false } => "v2 observations + v2 scores",
        }
    }
}

/// Server-side filters of `GET /api/public/traces`.
#[derive(Clone, Default)]
pub struct TraceFilter {
    pub name: String,
    pub user_id: String,
    pub session_id: String,
    pub tags: String,
    /// ISO 8601 bounds on the trace timestamp (empty: none).
    pub from: String,
    pub to: String,
}

/// One page of the trace list: its body (the traces' own fields), their ids, totals.
pub struct ListPage {
    pub body: Vec<u8>,
    pub ids: Vec<String>,
    pub total_pages: usize,
    pub total_items: usize,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<IdRef>,
    meta: Meta,
}

#[derive(Deserialize)]
struct IdRef {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    total_pages: Option<f64>,
    total_items: Option<f64>,
}

#[derive(Deserialize)]
struct CursorPage {
    meta: Option<CursorMeta>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CursorMeta {
    cursor: Option<String>,
    page: Option<f64>,
    total_pages: Option<f64>,
}

#[derive(Deserialize)]
struct SessionTraces {
    traces: Vec<IdRef>,
}

/// Observation field groups asked of v2: all of them, so the detail view has what the legacy
/// endpoint gave.
const V2_FIELDS: &str = "core,basic,time,io,metadata,model,usage,prompt,metrics";

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s.trim()).into()
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

    /// Asks once which read API the server has: v2 observations answer 200 on current servers and
    /// 404 on older ones; then the same for v3 scores.
    pub async fn generation(&self) -> Result<Generation, SourceError> {
        if let Some(g) = self.generation.get() {
            return Ok(g);
        }
        let g = match self.get("/api/public/v2/observations?limit=1&fields=core").await {
            Ok(_) => Generation::Current {
                v3_scores: match self.get("/api/public/v3/scores?limit=1").await {
                    Ok(_) => true,
                    Err(SourceError::Status(404, _)) => false,
                    Err(e) => return Err(e),
                },
            },
            Err(SourceError::Status(404, _)) => Generation::Legacy,
            Err(e) => return Err(e),
        };
        self.generation.set(Some(g));
        Ok(g)
    }

    /// Page `page` (1-based) of the traces matching `filter`.
    pub async fn list(&self, filter: &TraceFilter, page: usize, limit: usize) -> Result<ListPage, SourceError> {
        let mut path = format!("/api/public/traces?page={page}&limit={limit}");
        for (k, v) in [
            ("name", &filter.name),
            ("userId", &filter.user_id),
            ("sessionId", &filter.session_id),
            ("fromTimestamp", &filter.from),
            ("toTimestamp", &filter.to),
        ] {
            if !v.trim().is_empty() {
                path.push_str(&format!("&{k}={}", enc(v)));
            }
        }
        for tag in filter.tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            path.push_str(&format!("&tags={}", enc(tag)));
        }
        let body = self.get(&path).await?;
        let p: Page = crate::import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the trace list is not what Langfuse sends: {e}")))?;
        Ok(ListPage {
            ids: p.data.into_iter().map(|t| t.id).collect(),
            total_pages: p.meta.total_pages.unwrap_or(1.0).max(0.0) as usize,
            total_items: p.meta.total_items.unwrap_or(0.0).max(0.0) as usize,
            body,
        })
    }

    /// `GET /api/public/sessions/{id}`: the session with its traces' own fields, and their ids.
    pub async fn session(&self, id: &str) -> Result<(Vec<u8>, Vec<String>), SourceError> {
        let body = self.get(&format!("/api/public/sessions/{}", enc(id))).await?;
        let s: SessionTraces = crate::import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the session is not what Langfuse sends: {e}")))?;
        let ids = s.traces.into_iter().map(|t| t.id).collect();
        Ok((body, ids))
    }

    /// Everything about one trace, as bodies to import in order, from the server's generation.
    /// `on_page` hears of each response (for progress).
    pub async fn trace(&self, id: &str, on_page: &dyn Fn(usize)) -> Result<Vec<(Format, Vec<u8>)>, SourceError> {
        match self.generation().await? {
            Generation::Legacy => {
                let body = self.get(&format!("/api/public/traces/{}", enc(id))).await?;
                on_page(body.len());
                Ok(vec![(Format::LangfuseApiTrace, body)])
            }
            Generation::Current { v3_scores } => {
                let mut out = Vec::new();
                let base = format!(
                    "/api/public/v2/observations?traceId={}&fields={V2_FIELDS}&expandMetadata=true&limit=1000",
                    enc(id)
                );
                self.cursor_pages(&base, Format::LangfuseObservations, &mut out, on_page).await?;
                if v3_scores {
                    let base = format!("/api/public/v3/scores?traceId={}&limit=100", enc(id));
                    self.cursor_pages(&base, Format::LangfuseScores, &mut out, on_page).await?;
                } else {
                    let base = format!("/api/public/v2/scores?traceId={}&limit=100", enc(id));
                    self.numbered_pages(&base, Format::LangfuseScores, &mut out, on_page).await?;
                }
                Ok(out)
            }
        }
    }

    async fn cursor_pages(
        &self,
        base: &str,
        format: Format,
        out: &mut Vec<(Format, Vec<u8>)>,
        on_page: &dyn Fn(usize),
    ) -> Result<(), SourceError> {
        let next_of =
            |body: &[u8]| crate::import::json_from_bytes::<CursorPage>(body).ok().and_then(|p| p.meta?.cursor);
        let pages = super::follow_cursor(base, |path| async move { self.get(&path).await }, next_of, on_page).await?;
        out.extend(pages.into_iter().map(|b| (format, b)));
        Ok(())
    }

    async fn numbered_pages(
        &self,
        base: &str,
        format: Format,
        out: &mut Vec<(Format, Vec<u8>)>,
        on_page: &dyn Fn(usize),
    ) -> Result<(), SourceError> {
        let mut page = 1usize;
        loop {
            let body = self.get(&format!("{base}&page={page}")).await?;
            on_page(body.len());
            let total = crate::import::json_from_bytes::<CursorPage>(&body)
                .ok()
                .and_then(|p| p.meta)
                .map(|m| (m.page.unwrap_or(page as f64), m.total_pages.unwrap_or(1.0)));
            out.push((format, body));
            match total {
                Some((p, t)) if p < t && page < 10_000 => page += 1,
                _ => break,
            }
        }
        Ok(())
    }
}
