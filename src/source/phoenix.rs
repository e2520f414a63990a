//! Phoenix REST client: projects, spans page by page (cursor; Phoenix span JSON or OTLP), sessions,
//! and span/trace/session annotations, straight from the browser. The API key, if any, is sent
//! only to the host the user typed and never shown or stored.

use super::SourceError;
use serde::Deserialize;

#[derive(Clone)]
pub struct Phoenix {
    pub host: String,
    pub api_key: Option<String>,
    /// Told when a request waits to retry (rate limits, brief server failures).
    pub notify: std::rc::Rc<dyn Fn(String)>,
}

#[derive(Deserialize)]
struct Projects {
    data: Vec<Project>,
}

#[derive(Deserialize, Clone, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: String,
}

#[derive(Deserialize)]
struct Cursor {
    next_cursor: Option<String>,
}

/// Which spans to ask for.
#[derive(Clone, Default)]
pub struct SpanQuery {
    /// ISO 8601 bounds on span start (empty: none).
    pub from: String,
    pub to: String,
    /// Only these traces (empty: all).
    pub trace_ids: Vec<String>,
    /// `/spans/otlpv1` (OTLP span JSON) instead of Phoenix's own span JSON.
    pub otlp: bool,
}

#[derive(Deserialize)]
struct Session {
    data: SessionData,
}

#[derive(Deserialize)]
struct SessionData {
    session_id: String,
    traces: Vec<SessionTrace>,
}

#[derive(Deserialize)]
struct SessionTrace {
    trace_id: String,
}

/// What annotations are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotated {
    Span,
    Trace,
    Session,
}

/// Ids per annotation request: keeps the address well under servers' URL limits.
const IDS_PER_REQUEST: usize = 50;

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s.trim()).into()
}

impl Phoenix {
    async fn get(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let url = format!("{}{path}", self.host.trim().trim_end_matches('/'));
        let mut headers = Vec::new();
        if let Some(k) = self.api_key.as_deref().filter(|k| !k.is_empty()) {
            headers.push(("Authorization".to_string(), format!("Bearer {k}")));
        }
        let notify = self.notify.clone();
        super::api_get(&url, &headers, &move |m| notify(m)).await
    }

    pub async fn projects(&self) -> Result<Vec<Project>, SourceError> {
        let body = self.get("/v1/projects?limit=100").await?;
        crate::import::json_from_bytes::<Projects>(&body)
            .map(|p| p.data)
            .map_err(|e| SourceError::Read(format!("the projects list is not what Phoenix sends: {e}")))
    }

    /// One page of spans and the cursor of the next page, if any.
    pub async fn spans_page(
        &self,
        project: &str,
        query: &SpanQuery,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<u8>, Option<String>), SourceError> {
        let endpoint = if query.otlp { "spans/otlpv1" } else { "spans" };
        let mut path = format!("/v1/projects/{}/{endpoint}?limit={limit}", enc(project));
        if !query.from.trim().is_empty() {
            path.push_str(&format!("&start_time={}", enc(&query.from)));
        }
        if !query.to.trim().is_empty() {
            path.push_str(&format!("&end_time={}", enc(&query.to)));
        }
        for t in &query.trace_ids {
            path.push_str(&format!("&trace_id={}", enc(t)));
        }
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", enc(c)));
        }
        let body = self.get(&path).await?;
        let next =
            crate::import::json_from_bytes::<Cursor>(&body).ok().and_then(|c| c.next_cursor).filter(|c| !c.is_empty());
        Ok((body, next))
    }

    /// `GET /v1/sessions/{id}`: the session's own id and its traces' ids.
    pub async fn session(&self, id: &str) -> Result<(String, Vec<String>), SourceError> {
        let body = self.get(&format!("/v1/sessions/{}", enc(id))).await?;
        let s: Session = crate::import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the session is not what Phoenix sends: {e}")))?;
        Ok((s.data.session_id, s.data.traces.into_iter().map(|t| t.trace_id).collect()))
    }

    /// Every annotation on the given spans, traces or sessions: response bodies to import.
    pub async fn annotations(
        &self,
        project: &str,
        on: Annotated,
        ids: &[String],
        on_page: &dyn Fn(usize),
    ) -> Result<Vec<Vec<u8>>, SourceError> {
        let (endpoint, param) = match on {
            Annotated::Span => ("span_annotations", "span_ids"),
            Annotated::Trace => ("trace_annotations", "trace_ids"),
            Annotated::Session => ("session_annotations", "session_ids"),
        };
        let mut out = Vec::new();
        for chunk in ids.chunks(IDS_PER_REQUEST) {
            let mut base = format!("/v1/projects/{}/{endpoint}?limit=1000", enc(project));
            for id in chunk {
                base.push_str(&format!("&{param}={}", enc(id)));
            }
            let next_of = |body: &[u8]| crate::import::json_from_bytes::<Cursor>(body).ok().and_then(|c| c.next_cursor);
            let pages = super::follow_cursor(&base, |path| async move { self.get(&path).await }, next_of, on_page);
            out.extend(pages.await?);
        }
        Ok(out)
    }
}
