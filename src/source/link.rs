//! Which API a view came from, kept in the URL fragment so a reload or a shared link reopens the
//! same trace or session: source kind, host, project, trace, session. Never a key: the type has no
//! field for one, and user:password in a typed host is dropped.

/// The trace stores Canopy reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Langfuse,
    Phoenix,
    Tempo,
    Jaeger,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [SourceKind::Phoenix, SourceKind::Langfuse, SourceKind::Tempo, SourceKind::Jaeger];

    /// The word used in the fragment and in the dialog's source list.
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Langfuse => "langfuse",
            SourceKind::Phoenix => "phoenix",
            SourceKind::Tempo => "tempo",
            SourceKind::Jaeger => "jaeger",
        }
    }

    pub fn from_key(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.key() == s)
    }

    /// Whether the store always needs keys (the link can only reopen once they are given).
    pub fn needs_keys(self) -> bool {
        matches!(self, SourceKind::Langfuse)
    }
}

/// What a view was loaded from, as written to `#src=…&host=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLink {
    pub kind: SourceKind,
    /// `scheme://host[:port][/path]`, without credentials or a trailing slash.
    pub host: String,
    /// Phoenix project (id or name).
    pub project: Option<String>,
    pub trace: Option<String>,
    pub session: Option<String>,
}

impl SourceLink {
    pub fn new(kind: SourceKind, host: &str) -> Option<SourceLink> {
        Some(SourceLink { kind, host: clean_host(host)?, project: None, trace: None, session: None })
    }

    /// `src=…&host=…[&project=…][&trace=…][&session=…][&obs=…]`, each value percent-encoded.
    pub fn to_fragment(&self, obs: Option<&str>) -> String {
        let mut out = format!("src={}&host={}", self.kind.key(), encode(&self.host));
        for (k, v) in [
            ("project", self.project.as_deref()),
            ("trace", self.trace.as_deref()),
            ("session", self.session.as_deref()),
            ("obs", obs),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                out.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        out
    }

    /// Reads a fragment (with or without the leading `#`); `None` unless it names a known source
    /// and an http(s) host. Also returns the `obs` to select, if any.
    pub fn from_fragment(fragment: &str) -> Option<(SourceLink, Option<String>)> {
        let mut pairs = std::collections::HashMap::new();
        for part in fragment.trim_start_matches('#').split('&') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            pairs.insert(k, decode(v)?);
        }
        let kind = SourceKind::from_key(pairs.get("src")?)?;
        let mut link = SourceLink::new(kind, pairs.get("host")?)?;
        let take = |k: &str| pairs.get(k).filter(|v| !v.trim().is_empty()).cloned();
        link.project = take("project");
        link.trace = take("trace");
        link.session = take("session");
        Some((link, take("obs")))
    }
}

/// An http(s) address with credentials, query and fragment removed, or `None` if it is not one.
pub fn clean_host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    // `user:secret@host` would put a secret in the link: keep only the host
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.is_empty() || authority.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{scheme}://{authority}{}", path.trim_end_matches('/')))
}

pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding (`+` is a space, as `URLSearchParams` writes it); `None` if not UTF-8.
pub(super) fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_what_was_opened() {
        let mut l = SourceLink::new(SourceKind::Phoenix, "http://127.0.0.1:6006/").unwrap();
        l.project = Some("my project/é".into());
        l.trace = Some("6e0c63257de34c92bf9efcd03927272e".into());
        let f = l.to_fragment(Some("a1b2&c=3"));
        assert_eq!(
            f,
            "src=phoenix&host=http%3A%2F%2F127.0.0.1%3A6006&project=my%20project%2F%C3%A9\
             &trace=6e0c63257de34c92bf9efcd03927272e&obs=a1b2%26c%3D3"
        );
        let (back, obs) = SourceLink::from_fragment(&format!("#{f}")).unwrap();
        assert_eq!(back, l);
        assert_eq!(obs.as_deref(), Some("a1b2&c=3"));
    }

    #[test]
    fn credentials_in_a_typed_host_never_reach_the_link() {
        let l = SourceLink::new(SourceKind::Langfuse, "https://pk-lf-1:sk-lf-2@cloud.langfuse.com/?x=1#y").unwrap();
        assert_eq!(l.host, "https://cloud.langfuse.com");
        let f = l.to_fragment(None);
        assert!(!f.contains("sk-lf") && !f.contains("pk-lf"), "{f}");
        // and a crafted link carrying them is cleaned on the way in
        let (l, _) = SourceLink::from_fragment("src=langfuse&host=https%3A%2F%2Fa%3Ab%40h.example").unwrap();
        assert_eq!(l.host, "https://h.example");
    }

    #[test]
    fn only_known_sources_and_web_hosts_are_read() {
        assert!(SourceLink::from_fragment("trace=abc&obs=1").is_none(), "a file's deep link is not a source");
        assert!(SourceLink::from_fragment("src=zipkin&host=http%3A%2F%2Fh").is_none());
        assert!(SourceLink::from_fragment("src=phoenix&host=javascript%3Aalert(1)").is_none());
        assert!(SourceLink::from_fragment("src=phoenix&host=file%3A%2F%2F%2Fetc").is_none());
        assert!(SourceLink::from_fragment("src=phoenix&host=http%3A%2F%2F").is_none());
        assert!(SourceLink::from_fragment("src=phoenix&host=%FF%FE").is_none(), "not UTF-8");
        // broken escapes are kept as text rather than failing or panicking
        let (l, _) = SourceLink::from_fragment("src=tempo&host=http://h:3200&trace=ab%zz%4").unwrap();
        assert_eq!(l.trace.as_deref(), Some("ab%zz%4"));
        assert_eq!(l.kind, SourceKind::Tempo);
    }

    #[test]
    fn empty_values_are_absent() {
        let (l, obs) =
            SourceLink::from_fragment("src=jaeger&host=http%3A%2F%2Fh%3A16686&trace=&session=+&obs=").unwrap();
        assert_eq!((l.trace, l.session, obs), (None, None, None));
    }
}
