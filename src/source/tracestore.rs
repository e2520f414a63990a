//! Tempo and Jaeger query APIs: a trace by id, and search (Tempo: TraceQL → ids, then each trace;
//! Jaeger: services, then traces of a service in one answer). Request headers (auth, tenant) stay
//! in memory for these calls only.

use super::link::SourceKind;
use super::SourceError;
use crate::model::order;
use serde::Deserialize;

#[derive(Clone)]
pub struct TraceStore {
    pub kind: SourceKind,
    pub host: String,
    pub headers: Vec<(String, String)>,
    pub notify: std::rc::Rc<dyn Fn(String)>,
}

/// What to search for; times are Unix milliseconds (`None`: the last hour).
#[derive(Clone, Default)]
pub struct Search {
    /// Tempo: TraceQL (`{}` when empty). Jaeger: unused.
    pub query: String,
    /// Jaeger: service (required) and operation (optional).
    pub service: String,
    pub operation: String,
    /// Jaeger: `key=value` pairs separated by spaces.
    pub tags: String,
    pub from_ms: Option<f64>,
    pub to_ms: Option<f64>,
    pub limit: usize,
}

#[derive(Deserialize)]
struct TempoSearch {
    #[serde(default)]
    traces: Vec<TempoHit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TempoHit {
    #[serde(rename = "traceID")]
    trace_id: String,
}

#[derive(Deserialize)]
struct JaegerServices {
    #[serde(default)]
    data: Option<Vec<String>>,
}

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s.trim()).into()
}

impl TraceStore {
    async fn get(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let url = format!("{}{path}", self.host.trim().trim_end_matches('/'));
        let notify = self.notify.clone();
        super::api_get(&url, &self.headers, &move |m| notify(m)).await
    }

    /// `GET /api/traces/{id}` (both stores): OTLP JSON from Tempo, Jaeger JSON from Jaeger.
    pub async fn trace(&self, id: &str) -> Result<Vec<u8>, SourceError> {
        self.get(&format!("/api/traces/{}", enc(id))).await
    }

    fn window(s: &Search) -> (f64, f64) {
        let now = js_sys::Date::now();
        let to = s.to_ms.unwrap_or(now);
        (s.from_ms.unwrap_or(to - 3_600_000.0), to)
    }

    /// Tempo `GET /api/search`: ids of the matching traces, newest first as Tempo returns them.
    pub async fn tempo_search(&self, s: &Search) -> Result<Vec<String>, SourceError> {
        let (from, to) = Self::window(s);
        let q = if s.query.trim().is_empty() { "{}" } else { s.query.trim() };
        let path = format!(
            "/api/search?q={}&limit={}&start={}&end={}",
            enc(q),
            s.limit.max(1),
            (from / 1000.0).floor() as i64,
            (to / 1000.0).ceil() as i64
        );
        let body = self.get(&path).await?;
        let hits: TempoSearch = crate::import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the search answer is not what Tempo sends: {e}")))?;
        Ok(hits.traces.into_iter().map(|t| t.trace_id).collect())
    }

    /// Jaeger `GET /api/services`.
    pub async fn jaeger_services(&self) -> Result<Vec<String>, SourceError> {
        let body = self.get("/api/services").await?;
        let s: JaegerServices = crate::import::json_from_bytes(&body)
            .map_err(|e| SourceError::Read(format!("the services list is not what Jaeger sends: {e}")))?;
        let mut list = s.data.unwrap_or_default();
        order::sort(&mut list);
        Ok(list)
    }

    /// Jaeger `GET /api/traces?service=…`: the matching traces, whole, in one Jaeger JSON body.
    pub async fn jaeger_search(&self, s: &Search) -> Result<Vec<u8>, SourceError> {
        let (from, to) = Self::window(s);
        let mut path = format!(
            "/api/traces?service={}&limit={}&start={}&end={}",
            enc(&s.service),
            s.limit.max(1),
            (from * 1000.0) as i64,
            (to * 1000.0) as i64
        );
        if !s.operation.trim().is_empty() {
            path.push_str(&format!("&operation={}", enc(&s.operation)));
        }
        let tags: serde_json::Map<String, serde_json::Value> = s
            .tags
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        if !tags.is_empty() {
            path.push_str(&format!("&tags={}", enc(&serde_json::Value::Object(tags).to_string())));
        }
        self.get(&path).await
    }
}
