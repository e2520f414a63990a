//! Live trace stores behind one seam: what each store can do, the credentials it sends, and one
//! pager (`pager`) that runs every load (paging, retries, progress, limit, Cancel). A store file
//! (`phoenix`, `langfuse`, `tempo`, `jaeger`) turns a query into pages; the app hands the pager a
//! [`Sink`] for what comes back. This layer sits below app state: no signals, no app state.
//! The capabilities, credentials and pager are pure and host-tested; the stores are wasm only.

pub mod pager;

#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod jaeger;
#[cfg(target_arch = "wasm32")]
pub mod langfuse;
#[cfg(target_arch = "wasm32")]
pub mod phoenix;
#[cfg(target_arch = "wasm32")]
pub mod tempo;

use super::link::{SourceKind, SourceLink};
use crate::model::TraceSet;

/// What a store can do today. The Connect dialog shows only what its store has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Lists the projects a load is scoped to (Phoenix).
    pub list_projects: bool,
    /// Lists the services a search needs one of (Jaeger).
    pub list_services: bool,
    /// Finds many traces by time and filters.
    pub search: bool,
    /// Opens one trace by id.
    pub trace: bool,
    /// Opens one session by id.
    pub session: bool,
    /// Reads annotations or scores along with the traces.
    pub annotations: bool,
    /// Writes scores back (no store does yet).
    pub write_scores: bool,
}

impl SourceKind {
    /// What this store can do (one table a store, below).
    pub fn can(self) -> Capabilities {
        match self {
            SourceKind::Phoenix => PHOENIX,
            SourceKind::Langfuse => LANGFUSE,
            SourceKind::Tempo => TEMPO,
            SourceKind::Jaeger => JAEGER,
        }
    }
}

// The tables live here rather than in the store files so that they are known on the host (the
// store files are wasm only); each is named after its store.
const PHOENIX: Capabilities = Capabilities {
    list_projects: true,
    list_services: false,
    search: true,
    trace: true,
    session: true,
    annotations: true,
    write_scores: false,
};
const LANGFUSE: Capabilities = Capabilities {
    list_projects: false,
    list_services: false,
    search: true,
    trace: true,
    session: true,
    annotations: true,
    write_scores: false,
};
const TEMPO: Capabilities = Capabilities {
    list_projects: false,
    list_services: false,
    search: true,
    trace: true,
    session: false,
    annotations: false,
    write_scores: false,
};
const JAEGER: Capabilities = Capabilities {
    list_projects: false,
    list_services: true,
    search: true,
    trace: true,
    session: false,
    annotations: false,
    write_scores: false,
};

/// What a store is sent to prove who asks. Held in memory for the load only (remembering keys on
/// the device is `keys`, and only when the user asks); never in a link or a message.
#[derive(Clone, Default, PartialEq)]
pub enum Credentials {
    #[default]
    None,
    /// `Authorization: Bearer …` when not empty (Phoenix's API key).
    Bearer(String),
    /// HTTP Basic with a public and a secret key (Langfuse's project keys).
    Basic { public_key: String, secret_key: String },
    /// Request headers as typed, "Name: value" (Tempo and Jaeger: auth, tenant).
    Headers(Vec<(String, String)>),
}

impl Credentials {
    /// "Name: value" per line, as the Connect dialog takes them; lines without a name are dropped.
    pub fn parse_headers(text: &str) -> Vec<(String, String)> {
        text.lines()
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
            .filter(|(k, _)| !k.is_empty())
            .collect()
    }
}

/// Never prints a secret: only which kind of credentials these are.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("Credentials::None"),
            Credentials::Bearer(_) => f.write_str("Credentials::Bearer(…)"),
            Credentials::Basic { .. } => f.write_str("Credentials::Basic(…)"),
            Credentials::Headers(h) => write!(f, "Credentials::Headers({} headers)", h.len()),
        }
    }
}

/// What the progress bar shows while a load runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress {
    pub what: String,
    pub done: usize,
    /// Unknown until the server says (a cursor has no total).
    pub total: Option<usize>,
    pub unit: &'static str,
    pub bytes: usize,
    /// The step under way or a wait ("rate limited; retrying in 3 s").
    pub note: String,
}

/// Where a load puts what it fetched: the app implements it over its state, tests over a record.
/// What a load's message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// A request or an import failed; what was loaded stays.
    Failed,
    /// Cancel was pressed.
    Cancelled,
    /// The load stopped at its limit; more is on the server.
    Limit,
    /// A search matched nothing.
    NothingFound,
}

pub trait Sink {
    /// A load begins: what the progress bar says and counts. `source` is where the data comes
    /// from, for the address as soon as the first trace shows (a reload mid-load reopens it).
    fn begin(&mut self, what: String, unit: &'static str, source: Option<SourceLink>);
    fn progress(&mut self, change: impl FnOnce(&mut Progress));
    /// Cancel was pressed.
    fn cancelled(&self) -> bool;
    /// Takes in one unit (a trace whole, or a page of spans), already imported.
    fn merge(&mut self, set: TraceSet);
    /// A message for the user (a failure, a stop, what was left on the server), with what it is
    /// about, so the app shows each in its style without reading the words.
    fn tell(&mut self, about: Told, text: String);
    /// Lets the page paint and take input between units.
    fn pause(&self) -> impl std::future::Future<Output = ()>;
    /// The load is over; `link` names all of what it opened.
    fn end(&mut self, link: Option<SourceLink>);
}

/// The load of one trace by id: recorded in the link (so the address reopens it) and given to
/// the pager as its only entry.
pub fn one_trace(link: &mut Option<SourceLink>, id: &str) -> Vec<pager::Entry> {
    if let Some(l) = link.as_mut() {
        l.trace = Some(id.to_string());
    }
    vec![pager::Entry::Trace { id: id.to_string(), meta: None }]
}

/// What Connect says when a link does not name what to load.
pub fn choose_what(link: &SourceLink) -> String {
    format!("This link was made from {}; choose what to load.", link.host)
}

/// One load from a live store: the registry of stores for the app (one line each).
#[cfg(target_arch = "wasm32")]
pub enum Query {
    Phoenix(phoenix::Query),
    Langfuse(langfuse::Query),
    Tempo(tempo::Query),
    Jaeger(jaeger::Query),
}

#[cfg(target_arch = "wasm32")]
impl Query {
    /// Runs the load to its end, telling `sink` of each unit.
    pub async fn run<S: Sink>(self, sink: &mut S) {
        match self {
            Query::Phoenix(q) => q.run(sink).await,
            Query::Langfuse(q) => q.run(sink).await,
            Query::Tempo(q) => q.run(sink).await,
            Query::Jaeger(q) => q.run(sink).await,
        }
    }

    /// The load a link names (its trace or session), with the keys remembered for its host; or
    /// why the user must be asked first (keys, a project, what to load).
    pub fn reopen(
        link: &SourceLink,
        keys: Option<super::keys::Keys>,
        notify: std::rc::Rc<dyn Fn(String)>,
    ) -> Result<Query, String> {
        let what = match (&link.trace, &link.session) {
            (Some(t), _) => format!("trace {t}"),
            (None, Some(s)) => format!("session {s}"),
            (None, None) => return Err(choose_what(link)),
        };
        let keys = keys.unwrap_or_default();
        match link.kind {
            SourceKind::Phoenix => phoenix::reopen(link, &what, keys, notify).map(Query::Phoenix),
            SourceKind::Langfuse => langfuse::reopen(link, &what, keys, notify).map(Query::Langfuse),
            SourceKind::Tempo => tempo::reopen(link, notify).map(Query::Tempo),
            SourceKind::Jaeger => jaeger::reopen(link, notify).map(Query::Jaeger),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_store_says_what_it_can_do() {
        let sessions: Vec<_> = SourceKind::ALL.into_iter().filter(|k| k.can().session).collect();
        assert_eq!(sessions, [SourceKind::Phoenix, SourceKind::Langfuse]);
        let projects: Vec<_> = SourceKind::ALL.into_iter().filter(|k| k.can().list_projects).collect();
        assert_eq!(projects, [SourceKind::Phoenix]);
        let services: Vec<_> = SourceKind::ALL.into_iter().filter(|k| k.can().list_services).collect();
        assert_eq!(services, [SourceKind::Jaeger]);
        assert!(SourceKind::ALL.into_iter().all(|k| k.can().trace && k.can().search));
        assert!(SourceKind::ALL.into_iter().all(|k| !k.can().write_scores), "no store writes scores yet");
    }

    #[test]
    fn credentials_never_print_their_secrets() {
        let all = [
            Credentials::Bearer("phx-secret".into()),
            Credentials::Basic { public_key: "pk-lf-1".into(), secret_key: "sk-lf-2".into() },
            Credentials::Headers(vec![("Authorization".into(), "Bearer tok-3".into())]),
        ];
        for c in all {
            let shown = format!("{c:?}");
            for secret in ["phx-secret", "pk-lf-1", "sk-lf-2", "tok-3"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }

    #[test]
    fn one_trace_is_named_in_the_link() {
        let mut link = SourceLink::new(SourceKind::Tempo, "http://127.0.0.1:3200/");
        let seed = one_trace(&mut link, "abc");
        assert!(matches!(seed.as_slice(), [pager::Entry::Trace { id, meta: None }] if id == "abc"));
        let link = link.unwrap();
        assert_eq!(link.trace.as_deref(), Some("abc"));
        assert_eq!(choose_what(&link), "This link was made from http://127.0.0.1:3200; choose what to load.");
    }

    #[test]
    fn headers_are_read_one_per_line() {
        let h = Credentials::parse_headers("Authorization: Bearer a:b\n: nameless\nX-Scope-OrgID:  t1 \nno colon");
        assert_eq!(
            h,
            [("Authorization".to_string(), "Bearer a:b".to_string()), ("X-Scope-OrgID".to_string(), "t1".to_string())]
        );
    }
}
