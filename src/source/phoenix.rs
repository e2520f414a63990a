//! Phoenix REST client: projects, and spans page by page (cursor), straight from the browser.
//! The API key, if any, is sent only to the host the user typed and never shown or stored.

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
        serde_json::from_slice::<Projects>(&body)
            .map(|p| p.data)
            .map_err(|e| SourceError::Read(format!("the projects list is not what Phoenix sends: {e}")))
    }

    /// One page of spans (Phoenix span JSON) and the cursor of the next page, if any.
    pub async fn spans_page(
        &self,
        project: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<u8>, Option<String>), SourceError> {
        let mut path = format!("/v1/projects/{}/spans?limit={limit}", js_sys::encode_uri_component(project));
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={}", js_sys::encode_uri_component(c)));
        }
        let body = self.get(&path).await?;
        let next = serde_json::from_slice::<Cursor>(&body).ok().and_then(|c| c.next_cursor).filter(|c| !c.is_empty());
        Ok((body, next))
    }
}
