//! What to tell the user when fetching a trace fails: what happened and what to do about it.

/// Advice for an HTTP error status from `url`.
pub fn for_status(status: u16, url: &str) -> String {
    let host = host_of(url);
    match status {
        401 => format!("{host} answered 401 Unauthorized: the address needs credentials (an API key or a login) that this request did not carry"),
        403 => format!("{host} answered 403 Forbidden: the credentials were refused, or this file is not shared with you"),
        404 => format!("{host} answered 404 Not Found: check the address (a typo, an expired link, or a wrong API path or version)"),
        408 | 504 => format!("{host} answered {status}: the server timed out; try again, or ask for a smaller page of data"),
        413 => format!("{host} answered 413: the response is too large for the server to send"),
        429 => format!("{host} answered 429 Too Many Requests: the server is rate limiting; wait a minute and try again"),
        500..=599 => format!("{host} answered {status}: the server failed; try again later or check its logs"),
        _ => format!("{host} answered {status}"),
    }
}

/// Advice for a request that failed before any answer came. Browsers hide the reason; from a
/// different origin the usual one is CORS.
pub fn for_network_failure(url: &str, page_origin: &str) -> String {
    let host = host_of(url);
    let cross_origin = origin_of(url).is_some_and(|o| o != page_origin);
    if cross_origin {
        format!(
            "no answer could be read from {host}. If the server is up, it most likely does not allow this page ({page_origin}) to read it (CORS): allow that origin on the server (for Phoenix set PHOENIX_ALLOWED_ORIGINS, for a file host add an Access-Control-Allow-Origin header), or download the file and drop it here"
        )
    } else {
        format!("no answer could be read from {host}: the server may be down or unreachable from this browser")
    }
}

/// Advice for an answer whose connection broke after `received` bytes of its body.
pub fn for_dropped_connection(url: &str, received: usize) -> String {
    let host = host_of(url);
    if received == 0 {
        format!("{host} began to answer, then the connection dropped; try again")
    } else {
        format!("the connection to {host} dropped after {received} bytes of the answer; try again")
    }
}

/// `https://host:port` of an absolute address, `None` for relative ones.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host); // never echo credentials
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// The host keys belong to: `scheme://host[:port]` of an http(s) address, lower-cased, without
/// credentials, a default port (80, 443), a path, a query or a trailing dot; `None` for anything
/// else. Two spellings of one server give the same text, and no other server does.
pub fn canonical_host(raw: &str) -> Option<String> {
    let (scheme, rest) = raw.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h).to_ascii_lowercase();
    // `[v6]:port`, or `name:port`
    let (name, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (inside, after) = v6.split_once(']')?;
            if inside.is_empty() || !inside.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                return None;
            }
            (format!("[{inside}]"), after.strip_prefix(':').or(after.is_empty().then_some(""))?)
        }
        None => {
            let (name, port) = authority.split_once(':').unwrap_or((&authority, ""));
            let name = name.trim_end_matches('.');
            let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
            if name.is_empty() || !name.chars().all(fine) {
                return None;
            }
            (name.to_string(), port)
        }
    };
    let port = match port {
        "" => default_port,
        p if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => p.parse::<u16>().ok()?,
        _ => return None,
    };
    Some(if port == default_port { format!("{scheme}://{name}") } else { format!("{scheme}://{name}:{port}") })
}

/// The host of an address for messages (credentials and query stripped), or the address itself.
pub fn host_of(url: &str) -> String {
    match url.trim().split_once("://") {
        Some((_, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host).to_string()
        }
        None => "the server".to_string(),
    }
}

/// The credential an address carries, if any: `user:password@`, or a query parameter whose name
/// says it is one (`token`, `api_key`, `X-Amz-Signature`, `sig`, `rlkey`…), read percent-decoded.
/// Such an address is opened but never written into the page's address or a link.
pub fn credential_in(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some("a user name and password".into());
    }
    let query = rest.split_once('?')?.1.split('#').next().unwrap_or("");
    let names = || query.split('&').map(|pair| pair.split('=').next().unwrap_or(""));
    // a cloud signature's parameters all start alike; name the signature itself if it is there
    let cloud = |name: &str| {
        let lower = name.to_ascii_lowercase();
        lower.starts_with("x-amz-") || lower.starts_with("x-goog-")
    };
    names()
        .find(|name| credential_word(&decoded(name)))
        .or_else(|| names().find(|name| cloud(&decoded(name))))
        .map(str::to_string)
}

/// A parameter name as the server reads it: percent-decoded (`api%5Fkey` is `api_key`), again
/// while that changes it (a proxy may decode a second time), a few rounds at most.
fn decoded(name: &str) -> String {
    let mut name = name.to_string();
    for _ in 0..4 {
        match super::link::decode(&name) {
            Some(d) if d != name => name = d,
            _ => break,
        }
    }
    name
}

/// Whether a query parameter's name says it holds a credential: one of its words (split at
/// punctuation and camelCase humps: `apiKey`, `access_token`, `api-key`) is a credential word.
fn credential_word(name: &str) -> bool {
    const WORDS: [&str; 14] = [
        "token",
        "key",
        "secret",
        "password",
        "passwd",
        "pwd",
        "signature",
        "sig",
        "auth",
        "authorization",
        "credential",
        "session",
        "jwt",
        "code",
    ];
    // `resourcekey` (Google Drive) and `rlkey` (Dropbox) open a shared file to whoever has them
    const COMPOUNDS: [&str; 12] = [
        "resourcekey",
        "rlkey",
        "apikey",
        "accesstoken",
        "authtoken",
        "idtoken",
        "refreshtoken",
        "sessiontoken",
        "clientsecret",
        "privatekey",
        "secretkey",
        "accesskey",
    ];
    let mut words: Vec<String> = Vec::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(String::new());
        } else {
            if c.is_ascii_uppercase() && prev_lower || words.is_empty() {
                words.push(String::new());
            }
            if let Some(w) = words.last_mut() {
                w.push(c.to_ascii_lowercase());
            }
        }
        prev_lower = c.is_ascii_lowercase();
    }
    let joined: String = words.concat();
    words.iter().any(|w| WORDS.contains(&w.as_str())) || COMPOUNDS.contains(&joined.as_str())
}

/// An address safe to show: without `user:password@` and without the query (which may hold keys).
pub fn redact_url(url: &str) -> String {
    let no_query = url.split(['?', '#']).next().unwrap_or(url);
    match no_query.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, String::new()));
            let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
            let q = if url.contains('?') { "?…" } else { "" };
            format!("{scheme}://{host}{path}{q}")
        }
        None => no_query.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_say_what_to_do() {
        assert!(for_status(401, "https://cloud.langfuse.com/api/public/traces").contains("needs credentials"));
        assert!(for_status(404, "https://x.example/t.json").starts_with("x.example answered 404"));
        assert!(for_status(429, "https://x.example/").contains("wait a minute"));
        assert!(for_status(503, "https://x.example/").contains("server failed"));
    }

    #[test]
    fn cross_origin_failures_explain_cors() {
        let m = for_network_failure("http://127.0.0.1:6006/v1/projects", "http://127.0.0.1:8080");
        assert!(
            m.contains("CORS") && m.contains("PHOENIX_ALLOWED_ORIGINS") && m.contains("http://127.0.0.1:8080"),
            "{m}"
        );
        let same = for_network_failure("http://127.0.0.1:8080/demo/x.json", "http://127.0.0.1:8080");
        assert!(!same.contains("CORS"));
    }

    #[test]
    fn dropped_connections_say_how_far_they_got() {
        assert_eq!(
            for_dropped_connection("https://pk:sk@h.example/api?k=1", 512),
            "the connection to h.example dropped after 512 bytes of the answer; try again"
        );
        assert!(for_dropped_connection("https://h.example/", 0).contains("began to answer"));
    }

    #[test]
    fn credentials_in_addresses_are_found() {
        let found = |u: &str| credential_in(u);
        assert_eq!(found("https://h.example/run.json"), None);
        assert_eq!(found("https://h.example/run.json?page=2&limit=50"), None);
        assert_eq!(found("demo/run.json"), None);
        assert_eq!(found("https://u:p@h.example/run.json").as_deref(), Some("a user name and password"));
        assert_eq!(found("https://h.example/r.json?token=abc").as_deref(), Some("token"));
        assert_eq!(found("https://h.example/r.json?a=1&access_token=abc").as_deref(), Some("access_token"));
        assert_eq!(found("https://h.example/r.json?apiKey=abc").as_deref(), Some("apiKey"));
        assert_eq!(found("https://h.example/r.json?api-key=abc").as_deref(), Some("api-key"));
        assert_eq!(
            found("https://b.s3.amazonaws.com/r.json?X-Amz-Signature=ab&X-Amz-Date=1").as_deref(),
            Some("X-Amz-Signature")
        );
        assert_eq!(
            found("https://storage.googleapis.com/b/r.json?X-Goog-Credential=x").as_deref(),
            Some("X-Goog-Credential")
        );
        assert_eq!(found("https://h.example/r.json?sig=abc").as_deref(), Some("sig"));
        // a word that only contains a credential word is not one
        assert_eq!(found("https://h.example/r.json?monkey=1&keyboard=2"), None);
        // the fragment is not the query
        assert_eq!(found("https://h.example/r.json#token=abc"), None);
    }

    #[test]
    fn secrets_never_reach_messages() {
        assert_eq!(host_of("https://pk:sk@cloud.langfuse.com/api"), "cloud.langfuse.com");
        assert_eq!(redact_url("https://pk:sk@host/a/b.json?token=abc"), "https://host/a/b.json?…");
        assert!(!for_status(401, "https://pk:sk@host/x").contains("sk"));
        assert_eq!(origin_of("HTTPS://Host:8443/x"), Some("https://host:8443".into()));
        assert_eq!(origin_of("demo/x.json"), None);
    }

    #[test]
    fn percent_encoded_parameter_names_are_read_as_the_server_reads_them() {
        let found = |u: &str| credential_in(u);
        // the server decodes the name before it reads it, so the check does too
        assert_eq!(found("https://h.example/r.json?api%5Fkey=abc").as_deref(), Some("api%5Fkey"));
        assert_eq!(found("https://h.example/r.json?%61pi_key=abc").as_deref(), Some("%61pi_key"));
        assert_eq!(found("https://h.example/r.json?ap%69key=abc").as_deref(), Some("ap%69key"));
        assert_eq!(found("https://h.example/r.json?%74%6F%6B%65%6E=abc").as_deref(), Some("%74%6F%6B%65%6E"));
        assert_eq!(found("https://h.example/r.json?X%2DAmz%2DSignature=ab").as_deref(), Some("X%2DAmz%2DSignature"));
        // encoded twice: decoded until it stops changing, so a proxy that decodes again is covered
        assert_eq!(found("https://h.example/r.json?api%255Fkey=abc").as_deref(), Some("api%255Fkey"));
        // encoded names that are not credentials stay harmless, and broken escapes do not panic
        assert_eq!(found("https://h.example/r.json?p%61ge=2&%zz=1&%=2&%E2=3"), None);
    }

    #[test]
    fn share_link_keys_of_drive_and_dropbox_are_credentials() {
        let found = |u: &str| credential_in(u);
        assert_eq!(found("https://drive.google.com/uc?id=1AbC&resourcekey=0-xyz").as_deref(), Some("resourcekey"));
        assert_eq!(found("https://www.dropbox.com/scl/fi/abc/run.json?rlkey=q1w2e3&dl=1").as_deref(), Some("rlkey"));
        assert_eq!(found("https://h.example/r.json?resourceKey=0-xyz").as_deref(), Some("resourceKey"));
        assert_eq!(found("https://h.example/r.json?rl%6Bey=q").as_deref(), Some("rl%6Bey"));
    }

    #[test]
    fn keys_belong_to_one_canonical_host() {
        let c = |h: &str| canonical_host(h);
        let cloud = Some("https://cloud.langfuse.com".to_string());
        for same in [
            "https://cloud.langfuse.com",
            "https://cloud.langfuse.com/",
            "  HTTPS://Cloud.Langfuse.COM:443/api/public?x=1#y ",
            "https://cloud.langfuse.com.",
            "https://pk:sk@cloud.langfuse.com/",
        ] {
            assert_eq!(c(same), cloud, "{same}");
        }
        assert_eq!(c("http://127.0.0.1:6006/"), Some("http://127.0.0.1:6006".into()));
        assert_eq!(c("http://127.0.0.1:80"), Some("http://127.0.0.1".into()));
        assert_eq!(c("http://127.0.0.1:06006"), Some("http://127.0.0.1:6006".into()));
        assert_eq!(c("http://[::1]:6006/x"), Some("http://[::1]:6006".into()));
        assert_eq!(c("http://[::1]"), Some("http://[::1]".into()));
        // other servers are other hosts
        for other in [
            "http://cloud.langfuse.com",
            "https://cloud.langfuse.com:8443",
            "https://us.cloud.langfuse.com",
            "https://cloud.langfuse.com.evil.example",
            "https://cloud.langfuse.com@evil.example",
            "https://evil.example\\@cloud.langfuse.com",
        ] {
            assert_ne!(c(other), cloud, "{other}");
        }
        // nothing that is not an http(s) host
        for none in [
            "cloud.langfuse.com",
            "ftp://h.example",
            "https://",
            "https://:443",
            "https://h:99999",
            "https://h:8x",
            "https://a b",
            "javascript://h.example",
            "https://[zz]:1",
            "https://[::1",
        ] {
            assert_eq!(c(none), None, "{none}");
        }
    }
}
