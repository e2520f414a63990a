//! The whole view in the URL fragment: where the data came from (file URLs or an API, never a
//! key), which page, trace, observation and view, the filters, the timeline window and the
//! collapsed nodes. Reading then writing a fragment gives it back unchanged, so the page can tell
//! a real change (a history entry) from its own echo.

use super::link::{decode, encode, SourceKind, SourceLink};

/// The pages of the app, as written to `page=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageKey {
    #[default]
    Trace,
    Traces,
    Sessions,
    Session,
    Scores,
    Costs,
    /// Two traces compared: `trace` with `vs`.
    Compare,
    /// Every observation of the loaded traces in one table.
    Spans,
}

/// The views of one trace: `view=` in the link (the tree has no key: it is the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewKey {
    #[default]
    Tree,
    Timeline,
    /// Its cost and tokens by model and step, and the context of its LLM calls.
    Costs,
    /// The run read as one conversation.
    Transcript,
    /// Which agents and tools call which: one node per name (or per run step), edges are calls.
    Graph,
    /// Where the time (or tokens, or cost) goes: a flame graph of the trace.
    Flame,
    /// Per-name statistics: count, total, self time, percentiles, tokens, cost, errors.
    Stats,
}

impl ViewKey {
    const ALL: [ViewKey; 7] = [
        ViewKey::Tree,
        ViewKey::Timeline,
        ViewKey::Costs,
        ViewKey::Transcript,
        ViewKey::Graph,
        ViewKey::Flame,
        ViewKey::Stats,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ViewKey::Tree => "tree",
            ViewKey::Timeline => "timeline",
            ViewKey::Costs => "costs",
            ViewKey::Transcript => "transcript",
            ViewKey::Graph => "graph",
            ViewKey::Flame => "flame",
            ViewKey::Stats => "stats",
        }
    }

    pub fn from_key(s: &str) -> Option<ViewKey> {
        ViewKey::ALL.into_iter().find(|v| v.key() == s)
    }
}

impl PageKey {
    const ALL: [PageKey; 8] = [
        PageKey::Trace,
        PageKey::Traces,
        PageKey::Sessions,
        PageKey::Session,
        PageKey::Scores,
        PageKey::Costs,
        PageKey::Compare,
        PageKey::Spans,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PageKey::Trace => "trace",
            PageKey::Traces => "traces",
            PageKey::Sessions => "sessions",
            PageKey::Session => "session",
            PageKey::Scores => "scores",
            PageKey::Costs => "costs",
            PageKey::Compare => "compare",
            PageKey::Spans => "spans",
        }
    }

    pub fn from_key(s: &str) -> Option<PageKey> {
        PageKey::ALL.into_iter().find(|p| p.key() == s)
    }
}

/// Which observations are folded in the tree and the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Collapsed {
    #[default]
    None,
    /// Every observation with children ("Collapse all").
    All,
    /// Observation keys (`id` or `id~rank` for repeated ids).
    Keys(Vec<String>),
}

/// More collapsed keys than this are left out of the link (it would grow past what browsers and
/// chat apps keep); the view then opens expanded.
pub const MAX_COLLAPSED_KEYS: usize = 300;

/// A link opens at most this many `url=` files by itself; one with more asks first (the first
/// ten, all, or none): a crafted link must not make the browser fetch hundreds of addresses.
pub const MAX_LINK_URLS: usize = 10;

/// What the page asks before opening a link's `n` files (more than `MAX_LINK_URLS`).
pub fn many_urls_question(n: usize) -> String {
    format!("This link opens {n} files. Open the first {MAX_LINK_URLS}, all {n}, or none?")
}

/// Parameters set by an embedding page; kept as given when the fragment is rewritten.
pub const KEPT: [&str; 4] = ["embed", "theme", "hide", "origin"];

/// Everything a link reopens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViewFragment {
    /// Trace files opened by address, in the order they were opened (`url=`, repeated).
    pub urls: Vec<String>,
    /// The API the data came from: kind, host and project; what to load is `trace`/`session`.
    pub api: Option<SourceLink>,
    pub page: PageKey,
    pub trace: Option<String>,
    /// The trace `trace` is compared with (`page=compare`).
    pub vs: Option<String>,
    pub session: Option<String>,
    pub obs: Option<String>,
    /// Which view of the trace (`view=costs` is a trace's costs; the page of all traces' costs
    /// is `page=costs`).
    pub view: ViewKey,
    /// Trace list filter, sort column key and direction, content search, tree filter.
    pub list_query: String,
    pub sort: Option<(String, bool)>,
    pub find: String,
    pub tree_filter: String,
    /// Timeline window in nanoseconds from the trace's start.
    pub zoom: Option<(i64, i64)>,
    /// The timeline folds idle gaps.
    pub compress: bool,
    /// The timeline is laid out in lanes by agent (`lanes=agent`).
    pub lanes: bool,
    /// The shown view's own mode (`mode=`): the graph's as-run layout, the flame graph's order
    /// and weight, the statistics' grouping, scope and sort. Each view reads the words it knows.
    pub mode: String,
    pub collapsed: Collapsed,
    /// `embed`, `theme`, `hide`, `origin`: the embedding page's, written back as they came.
    pub kept: Vec<(String, String)>,
}

impl ViewFragment {
    /// Reads a fragment (with or without `#`). Unknown keys and unreadable values are skipped, so
    /// a mangled link still opens what it can.
    pub fn parse(fragment: &str) -> ViewFragment {
        let mut f = ViewFragment::default();
        let (mut src, mut host, mut project) = (None, None, None);
        let mut page = None;
        let mut seen_urls = std::collections::HashSet::new();
        for part in fragment.trim_start_matches('#').split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let Some(v) = decode(v) else { continue };
            let text = || Some(v.clone()).filter(|v| !v.trim().is_empty());
            match k {
                // an address named twice (a query and a fragment that both carry it) loads once
                "url" => f.urls.extend(text().filter(|u| seen_urls.insert(u.clone()))),
                "src" => src = SourceKind::from_key(&v),
                "host" => host = text(),
                "project" => project = text(),
                "page" => page = PageKey::from_key(&v),
                "trace" => f.trace = text(),
                "vs" => f.vs = text(),
                "session" => f.session = text(),
                "obs" => f.obs = text(),
                // also the embedding page's `view=`: a view of the trace or a page
                "view" => match ViewKey::from_key(&v) {
                    Some(view) => f.view = view,
                    None => page = page.or(PageKey::from_key(&v)),
                },
                "q" => f.list_query = v,
                "sort" => {
                    f.sort = match v.strip_prefix('-') {
                        Some(col) => Some((col.to_string(), true)),
                        None => Some((v.clone(), false)),
                    }
                    .filter(|(c, _)| !c.is_empty())
                }
                "find" => f.find = v,
                "filter" => f.tree_filter = v,
                "mode" => f.mode = v,
                "zoom" => f.zoom = parse_window(&v),
                "compress" => f.compress = v == "1",
                "lanes" => f.lanes = v == "agent",
                "collapsed" if v == "*" => f.collapsed = Collapsed::All,
                "collapsed" => {
                    let keys: Vec<String> =
                        v.split(',').filter(|k| !k.is_empty()).filter_map(decode).take(MAX_COLLAPSED_KEYS).collect();
                    f.collapsed = if keys.is_empty() { Collapsed::None } else { Collapsed::Keys(keys) };
                }
                k if KEPT.contains(&k) => f.kept.push((k.to_string(), v)),
                _ => {}
            }
        }
        if let (Some(kind), Some(host)) = (src, host) {
            f.api = SourceLink::new(kind, &host).map(|mut l| {
                l.project = project;
                l
            });
        }
        // links written before `page=` existed: a session alone is the session page
        f.page =
            page.unwrap_or(if f.session.is_some() && f.trace.is_none() { PageKey::Session } else { PageKey::Trace });
        f
    }

    /// The fragment without `#`; empty when there is nothing to say.
    pub fn write(&self) -> String {
        let mut out: Vec<(&str, String)> = Vec::new();
        for u in &self.urls {
            out.push(("url", encode(u)));
        }
        if let Some(api) = &self.api {
            out.push(("src", api.kind.key().to_string()));
            out.push(("host", encode(&api.host)));
            if let Some(p) = &api.project {
                out.push(("project", encode(p)));
            }
        }
        if self.page != PageKey::Trace {
            out.push(("page", self.page.key().to_string()));
        }
        for (k, v) in [("trace", &self.trace), ("vs", &self.vs), ("session", &self.session), ("obs", &self.obs)] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                out.push((k, encode(v)));
            }
        }
        if self.view != ViewKey::Tree {
            out.push(("view", self.view.key().into()));
        }
        for (k, v) in
            [("q", &self.list_query), ("find", &self.find), ("filter", &self.tree_filter), ("mode", &self.mode)]
        {
            if !v.is_empty() {
                out.push((k, encode(v)));
            }
        }
        if let Some((col, desc)) = &self.sort {
            out.push(("sort", format!("{}{}", if *desc { "-" } else { "" }, encode(col))));
        }
        if let Some((a, b)) = self.zoom {
            out.push(("zoom", format!("{a}_{b}")));
        }
        if self.compress {
            out.push(("compress", "1".into()));
        }
        if self.lanes {
            out.push(("lanes", "agent".into()));
        }
        match &self.collapsed {
            Collapsed::None => {}
            Collapsed::All => out.push(("collapsed", "*".into())),
            Collapsed::Keys(keys) => {
                // each key is encoded on its own (a comma inside one becomes %2C), then the list
                let list: Vec<String> = keys.iter().take(MAX_COLLAPSED_KEYS).map(|k| encode(k)).collect();
                out.push(("collapsed", encode(&list.join(","))));
            }
        }
        for (k, v) in &self.kept {
            out.push((k.as_str(), encode(v)));
        }
        out.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
    }

    /// The API link to reopen: the shown session on a session page, else the shown trace, else
    /// the session. `None` without an API source.
    pub fn api_to_load(&self) -> Option<SourceLink> {
        let mut link = self.api.clone()?;
        let session_first = self.page == PageKey::Session || self.trace.is_none();
        if session_first && self.session.is_some() {
            link.session = self.session.clone();
        } else {
            link.trace = self.trace.clone();
        }
        Some(link)
    }

    /// The part of the view that gets a history entry when it changes: back and forward walk
    /// through pages, traces and tree/timeline, not through every click, keystroke or zoom step.
    pub fn place(&self) -> (PageKey, Option<&str>, Option<&str>, ViewKey) {
        (self.page, self.trace.as_deref(), self.session.as_deref(), self.view)
    }

    /// A parameter the embedding page set (`embed`, `theme`, `hide`, `origin`).
    pub fn kept(&self, key: &str) -> Option<&str> {
        self.kept.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// `start_end` in nanoseconds, start before end; anything else is no window.
fn parse_window(v: &str) -> Option<(i64, i64)> {
    let (a, b) = v.split_once('_')?;
    let (a, b) = (a.parse::<i64>().ok()?, b.parse::<i64>().ok()?);
    (a < b).then_some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ViewFragment {
        let mut api = SourceLink::new(SourceKind::Phoenix, "http://127.0.0.1:6006").unwrap();
        api.project = Some("default".into());
        ViewFragment {
            urls: vec!["demo/agent-tools.json".into(), "https://h.example/t.json?a=1&b=2".into()],
            api: Some(api),
            page: PageKey::Compare,
            trace: Some("t-1".into()),
            vs: Some("t 2/é".into()),
            session: None,
            obs: Some("span,1~2".into()),
            view: ViewKey::Timeline,
            list_query: "level:error model=gpt-4o".into(),
            sort: Some(("score:helpful ness".into(), true)),
            find: "refund".into(),
            tree_filter: "kind:tool".into(),
            mode: "left-heavy tokens".into(),
            zoom: Some((1_500_000, 9_000_000_000)),
            compress: true,
            lanes: true,
            collapsed: Collapsed::Keys(vec!["a,b".into(), "c~1".into(), "é&=".into()]),
            kept: vec![("embed".into(), "1".into()), ("origin".into(), "https://host.example".into())],
        }
    }

    #[test]
    fn every_part_survives_a_round_trip() {
        let f = full();
        let text = f.write();
        assert_eq!(ViewFragment::parse(&format!("#{text}")), f, "{text}");
        assert_eq!(ViewFragment::parse(&text).write(), text, "writing what was read changes nothing");
        for bad in ['#', ' ', '?'] {
            assert!(!text.contains(bad), "{bad:?} would break the link: {text}");
        }
    }

    #[test]
    fn an_empty_view_is_an_empty_fragment() {
        assert_eq!(ViewFragment::default().write(), "");
        assert_eq!(ViewFragment::parse(""), ViewFragment::default());
        assert_eq!(ViewFragment::parse("#"), ViewFragment::default());
    }

    #[test]
    fn an_address_named_twice_loads_once() {
        let f = ViewFragment::parse("url=a.json&url=b.json&url=a.json");
        assert_eq!(f.urls, ["a.json", "b.json"]);
    }

    #[test]
    fn older_links_still_open() {
        // the deep link of the first releases and the issue-7 API links
        let f = ViewFragment::parse("#trace=demo-agent-trace&obs=gen-plan");
        assert_eq!(
            (f.trace.as_deref(), f.obs.as_deref(), f.page),
            (Some("demo-agent-trace"), Some("gen-plan"), PageKey::Trace)
        );
        let f = ViewFragment::parse("#src=langfuse&host=https%3A%2F%2Fh.example&session=s1");
        assert_eq!(f.page, PageKey::Session);
        let load = f.api_to_load().unwrap();
        assert_eq!((load.session.as_deref(), load.trace), (Some("s1"), None));
    }

    #[test]
    fn the_api_reopens_what_is_shown() {
        let mut f = ViewFragment::parse("src=phoenix&host=http%3A%2F%2Fh%3A6006&project=p&trace=t&session=s");
        assert_eq!(f.api_to_load().unwrap().trace.as_deref(), Some("t"), "a trace page reopens its trace");
        f.page = PageKey::Session;
        let l = f.api_to_load().unwrap();
        assert_eq!((l.session.as_deref(), l.trace.as_deref(), l.project.as_deref()), (Some("s"), None, Some("p")));
        assert!(ViewFragment::parse("trace=t").api_to_load().is_none(), "a file's view has no API");
    }

    #[test]
    fn lanes_by_agent_are_kept_in_the_link() {
        let f = ViewFragment::parse("trace=t&view=timeline&lanes=agent");
        assert!(f.lanes && f.view == ViewKey::Timeline);
        assert_eq!(f.write(), "trace=t&view=timeline&lanes=agent");
        assert!(!ViewFragment::parse("trace=t&lanes=service").lanes, "only the lanes Canopy draws");
        assert!(!ViewFragment::parse("trace=t").write().contains("lanes"), "off is no key");
    }

    #[test]
    fn hostile_values_are_dropped_not_obeyed() {
        let f = ViewFragment::parse(
            "src=phoenix&host=javascript%3Aalert(1)&zoom=9_1&zoom2=1&sort=&page=admin&collapsed=&obs=%FF&view=x&compress=yes",
        );
        assert_eq!(f.api, None, "only http(s) hosts");
        assert_eq!(f.zoom, None, "an inverted window is no window");
        assert_eq!((f.sort, f.page, f.obs, f.view, f.compress), (None, PageKey::Trace, None, ViewKey::Tree, false));
        assert_eq!(f.collapsed, Collapsed::None);
        assert!(ViewFragment::parse("zoom=1_99999999999999999999").zoom.is_none(), "beyond i64");
        let many: Vec<String> = (0..1000).map(|i| format!("k{i}")).collect();
        let f = ViewFragment::parse(&format!("collapsed={}", many.join(",")));
        assert_eq!(f.collapsed, Collapsed::Keys(many[..MAX_COLLAPSED_KEYS].to_vec()));
    }

    #[test]
    fn an_embedding_pages_view_picks_the_page() {
        let f = ViewFragment::parse("embed=1&view=sessions&theme=dark&hide=list%2Cdetail");
        assert_eq!((f.page, f.view), (PageKey::Sessions, ViewKey::Tree));
        assert_eq!((f.kept("embed"), f.kept("theme"), f.kept("hide")), (Some("1"), Some("dark"), Some("list,detail")));
        assert_eq!(ViewFragment::parse("view=timeline").view, ViewKey::Timeline);
        assert_eq!(ViewFragment::parse("page=scores&view=traces").page, PageKey::Scores, "page= wins");
    }

    #[test]
    fn the_costs_page_and_a_trace_s_costs_tab_have_their_own_keys() {
        let page = ViewFragment::parse("page=costs");
        assert_eq!((page.page, page.view), (PageKey::Costs, ViewKey::Tree));
        let tab = ViewFragment::parse("trace=t&view=costs");
        assert_eq!((tab.page, tab.view), (PageKey::Trace, ViewKey::Costs));
        assert_eq!(tab.write(), "trace=t&view=costs");
        let transcript = ViewFragment::parse("trace=t&view=transcript&obs=o");
        assert_eq!(transcript.view, ViewKey::Transcript);
        assert_eq!(transcript.write(), "trace=t&obs=o&view=transcript");
        assert_eq!(ViewFragment::parse(&tab.write()), tab);
        assert_ne!(tab.place(), ViewFragment::parse("trace=t").place(), "a history entry of its own");
    }

    #[test]
    fn keys_never_enter_the_fragment() {
        let f = ViewFragment::parse("src=langfuse&host=https%3A%2F%2Fpk-lf-1%3Ask-lf-2%40cloud.langfuse.com&trace=t");
        assert_eq!(f.api.as_ref().map(|a| a.host.as_str()), Some("https://cloud.langfuse.com"));
        assert!(!f.write().contains("sk-lf"));
    }

    #[test]
    fn place_ignores_selection_filters_and_zoom() {
        let a = full();
        let mut b = a.clone();
        b.obs = None;
        b.zoom = None;
        b.list_query.clear();
        b.collapsed = Collapsed::All;
        assert_eq!(a.place(), b.place());
        b.view = ViewKey::Tree;
        assert_ne!(a.place(), b.place());
    }

    #[test]
    fn a_link_with_many_files_asks_before_opening_them() {
        let many: String = (0..37).map(|i| format!("url=f{i}.json&")).collect();
        let f = ViewFragment::parse(&many);
        assert_eq!(f.urls.len(), 37);
        assert!(f.urls.len() > MAX_LINK_URLS);
        assert_eq!(many_urls_question(37), "This link opens 37 files. Open the first 10, all 37, or none?");
        // repeats still count once, however many there are
        let repeated: String = (0..5000).map(|i| format!("url=f{}.json&", i % 3)).collect();
        assert_eq!(ViewFragment::parse(&repeated).urls, ["f0.json", "f1.json", "f2.json"]);
    }
}
