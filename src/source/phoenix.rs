//! Phoenix REST client: projects, and spans page by page (cursor), straight from the browser.
//! The API key, if any, is sent only to the host the user typed and never shown or stored.

use super::advice;
use super::SourceError;
use serde::Deserialize;

#[derive(Clone)]
pub struct Phoenix {
    pub host: String,
    pub api_key: Option<String>,
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
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.host.trim_end_matches('/'))
    }

    async fn get(&self, path: &str) -> Result<Vec<u8>, SourceError> {
        let url = self.url(path);
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let mut req = gloo_net::http::Request::get(&url);
        if let Some(k) = self.api_key.as_deref().filter(|k| !k.is_empty()) {
            req = req.header("Authorization", &format!("Bearer {k}"));
        }
        let resp = req.send().await.map_err(|_| SourceError::Network(advice::for_network_failure(&url, &origin)))?;
        if !resp.ok() {
            return Err(SourceError::Status(advice::for_status(resp.status(), &url)));
        }
        resp.binary().await.map_err(|_| SourceError::Network(advice::for_network_failure(&url, &origin)))
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
