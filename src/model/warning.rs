//! What a load says about its input besides the traces: each warning is a kind with the facts it
//! is about, worded only by `Display`, so that callers match kinds (never wording) and the page
//! can show each level in its own style.

use super::units::plural;
use std::fmt;

/// Something odd in the input that did not stop the import.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The file (or page) it was found in.
    pub source: String,
    /// The trace a structural warning is about; replaced when that trace is rebuilt by a merge.
    pub trace_id: Option<String>,
    pub kind: WarningKind,
}

/// How much a warning matters, ordered so that `max` gives the worst. (Not `model::Level`, which
/// is an observation's own severity.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningLevel {
    /// For information: nothing is missing or wrong.
    Notice,
    /// Something was read differently from how it was written, or is missing.
    Warning,
    /// The source itself reported a failure.
    Error,
}

/// Which service a page of results came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagedService {
    Langfuse,
    Phoenix,
    Mlflow,
}

/// What `Trace::build` found wrong with a trace's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeProblem {
    /// Parents that are not in the file; those observations are shown as roots.
    MissingParent,
    /// Children that start before their parent.
    ClockSkew,
    /// Ends before starts; shown with no duration.
    EndsBeforeStart,
    /// Observation ids used more than once.
    RepeatedId,
    /// Parent cycles, broken.
    ParentCycle,
}

/// Every warning a load gives, with the facts it is about.
#[derive(Debug, Clone, PartialEq)]
pub enum WarningKind {
    /// The file was UTF-16 and was read as its text.
    Utf16,
    /// Bytes that are not UTF-8 were replaced by U+FFFD.
    NotUtf8,
    /// Spans without a start time, placed at time 0.
    Untimed { spans: usize },
    /// Attributes or events the exporter dropped before writing the file (span limits).
    Dropped { count: i64 },
    /// One span's attribute map, shown as one observation.
    AttributeMap,
    /// One page of a longer paged result: later pages are not in the file.
    OnePage { of: PagedService },
    /// Times written without a zone (Phoenix's 2023 spans, the LangSmith Python SDK), read as UTC.
    NoTimeZone { times: usize },
    /// Langfuse's total cost of a trace differs from its observations' sum.
    CostMismatch { trace_id: String, reported: f64, computed: f64 },
    /// The note a Canopy file carries (what was redacted, for one).
    FileNote { note: String },
    /// An error the server put in its response (Jaeger's `errors`).
    ServerError { message: String },
    /// A warning the server put on one trace (Jaeger's `warnings`).
    ServerTraceWarning { trace_id: String, message: String },
    /// `count` observations of a trace have `problem`.
    Tree { trace_id: String, problem: TreeProblem, count: usize },
    /// A merge found `conflicts` observations with the ids of different ones already loaded from
    /// `loaded_from` (both kept), and `joined` new ones.
    MergeConflict { trace_id: String, conflicts: usize, joined: usize, loaded_from: String },
    /// Log records whose span is not loaded (yet): they join it when a file with it is opened.
    LogsWaiting { records: usize },
}

impl Warning {
    /// A warning about the input, not tied to one trace's structure (a merge keeps it as it is).
    pub fn new(source: &str, kind: WarningKind) -> Warning {
        Warning { source: source.to_string(), trace_id: None, kind }
    }

    pub fn level(&self) -> WarningLevel {
        self.kind.level()
    }
}

impl WarningKind {
    pub fn level(&self) -> WarningLevel {
        match self {
            WarningKind::Utf16
            | WarningKind::AttributeMap
            | WarningKind::OnePage { .. }
            | WarningKind::NoTimeZone { .. }
            | WarningKind::FileNote { .. }
            | WarningKind::LogsWaiting { .. } => WarningLevel::Notice,
            WarningKind::ServerError { .. } => WarningLevel::Error,
            WarningKind::NotUtf8
            | WarningKind::Untimed { .. }
            | WarningKind::Dropped { .. }
            | WarningKind::CostMismatch { .. }
            | WarningKind::ServerTraceWarning { .. }
            | WarningKind::Tree { .. }
            | WarningKind::MergeConflict { .. } => WarningLevel::Warning,
        }
    }

    /// The texts that came from the input (ids, file names, what a server or a note said), for
    /// redaction to mask.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        match self {
            WarningKind::CostMismatch { trace_id, .. } | WarningKind::Tree { trace_id, .. } => vec![trace_id],
            WarningKind::FileNote { note: text } | WarningKind::ServerError { message: text } => vec![text],
            WarningKind::ServerTraceWarning { trace_id, message } => vec![trace_id, message],
            WarningKind::MergeConflict { trace_id, loaded_from, .. } => vec![trace_id, loaded_from],
            WarningKind::Utf16
            | WarningKind::NotUtf8
            | WarningKind::Untimed { .. }
            | WarningKind::Dropped { .. }
            | WarningKind::AttributeMap
            | WarningKind::NoTimeZone { .. }
            | WarningKind::OnePage { .. }
            | WarningKind::LogsWaiting { .. } => Vec::new(),
        }
    }
}

impl TreeProblem {
    /// The wording for one observation, for several, and what follows the count.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            TreeProblem::MissingParent => {
                ("observation names", "observations name", " a parent that is not in the file; shown as roots")
            }
            TreeProblem::ClockSkew => (
                "observation starts before its parent",
                "observations start before their parent",
                " (clock skew between hosts?)",
            ),
            TreeProblem::EndsBeforeStart => {
                ("observation ends before it starts", "observations end before they start", "; shown with no duration")
            }
            TreeProblem::RepeatedId => {
                ("observation repeats", "observations repeat", " an id already used; all are kept")
            }
            TreeProblem::ParentCycle => {
                ("parent cycle", "parent cycles", " broken; the observation closing each cycle is shown as a root")
            }
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::Utf16 => {
                f.write_str("the file is UTF-16 encoded; it was read as its text (UTF-8 is smaller and faster)")
            }
            WarningKind::NotUtf8 => f.write_str(
                "the file has bytes that are not UTF-8 (another encoding, such as Latin-1?); they are shown as \u{FFFD}",
            ),
            WarningKind::Untimed { spans } => {
                write!(f, "{} no start time; placed at time 0", plural(*spans, "span has", "spans have"))
            }
            WarningKind::Dropped { count } => write!(
                f,
                "the exporter dropped {} before writing this file (span limits); those values are not in it",
                plural(*count, "attribute or event", "attributes or events")
            ),
            WarningKind::AttributeMap => {
                f.write_str("a single span's attributes, without ids or times: shown as one observation at time 0")
            }
            WarningKind::OnePage { of: PagedService::Langfuse } => {
                f.write_str("this is one page of a longer Langfuse result; later pages are not in the file")
            }
            WarningKind::OnePage { of: PagedService::Phoenix } => f.write_str(
                "this is one page of a longer Phoenix result (next_cursor is set); later pages are not in the file",
            ),
            WarningKind::NoTimeZone { times } => write!(
                f,
                "{} no time zone; read as UTC",
                plural(*times, "time in the file has", "times in the file have")
            ),
            WarningKind::OnePage { of: PagedService::Mlflow } => f.write_str(
                "this is one page of a longer MLflow result (next_page_token is set); later pages are not in the file",
            ),
            WarningKind::CostMismatch { trace_id, reported, computed } => write!(
                f,
                "trace {trace_id}: Langfuse reports a total cost of ${reported}; the observations in the file add up to ${computed} (Langfuse's figure is shown)"
            ),
            WarningKind::FileNote { note } => write!(f, "note in the file: {note}"),
            WarningKind::ServerError { message } => write!(f, "the server reported: {message}"),
            WarningKind::ServerTraceWarning { trace_id, message } => write!(f, "trace {trace_id}: {message}"),
            WarningKind::Tree { trace_id, problem, count } => {
                let (one, many, rest) = problem.words();
                write!(f, "trace {trace_id}: {}{rest}", plural(*count, one, many))
            }
            WarningKind::MergeConflict { trace_id, conflicts, joined, loaded_from } => {
                let have = if *conflicts == 1 { "has the id of a different one" } else { "have the ids of different ones" };
                write!(f, "trace {trace_id}: {} {have} already loaded from {loaded_from}; both are kept", observations(*conflicts))?;
                if *joined > 0 {
                    write!(f, "; {} more joined the trace", observations(*joined))?;
                }
                Ok(())
            }
            WarningKind::LogsWaiting { records } => write!(
                f,
                "{}; open the file with the spans and they join them",
                plural(*records, "log record waits for its span", "log records wait for their spans"),
            ),
        }
    }
}

fn observations(n: usize) -> String {
    plural(n, "observation", "observations")
}

impl fmt::Display for Warning {
    /// The warning's text (without its source).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_level() {
        let tree = |problem| WarningKind::Tree { trace_id: "t".into(), problem, count: 1 };
        let notices = [
            WarningKind::Utf16,
            WarningKind::AttributeMap,
            WarningKind::OnePage { of: PagedService::Langfuse },
            WarningKind::OnePage { of: PagedService::Phoenix },
            WarningKind::OnePage { of: PagedService::Mlflow },
            WarningKind::FileNote { note: "redacted".into() },
        ];
        let warnings = [
            WarningKind::NotUtf8,
            WarningKind::Untimed { spans: 2 },
            WarningKind::Dropped { count: 3 },
            WarningKind::CostMismatch { trace_id: "t".into(), reported: 0.5, computed: 0.25 },
            WarningKind::ServerTraceWarning { trace_id: "t".into(), message: "clock skew adjusted".into() },
            tree(TreeProblem::MissingParent),
            tree(TreeProblem::ParentCycle),
            WarningKind::MergeConflict { trace_id: "t".into(), conflicts: 1, joined: 0, loaded_from: "a".into() },
        ];
        assert!(notices.iter().all(|k| k.level() == WarningLevel::Notice));
        assert!(warnings.iter().all(|k| k.level() == WarningLevel::Warning));
        let server = Warning::new("x.json", WarningKind::ServerError { message: "timeout".into() });
        assert_eq!(server.level(), WarningLevel::Error);
        // ordered so that the worst of a load is its `max`
        let worst = notices.iter().chain(&warnings).map(WarningKind::level).max();
        assert_eq!(worst, Some(WarningLevel::Warning));
        assert!(WarningLevel::Notice < WarningLevel::Warning && WarningLevel::Warning < WarningLevel::Error);
    }

    #[test]
    fn the_text_names_the_facts_with_plurals_by_count() {
        let tree = |problem, count| WarningKind::Tree { trace_id: "abc".into(), problem, count }.to_string();
        assert_eq!(
            tree(TreeProblem::MissingParent, 1),
            "trace abc: 1 observation names a parent that is not in the file; shown as roots"
        );
        assert_eq!(
            tree(TreeProblem::EndsBeforeStart, 2),
            "trace abc: 2 observations end before they start; shown with no duration"
        );
        let merge = |conflicts, joined| {
            WarningKind::MergeConflict { trace_id: "t".into(), conflicts, joined, loaded_from: "a.json".into() }
                .to_string()
        };
        assert_eq!(
            merge(2, 0),
            "trace t: 2 observations have the ids of different ones already loaded from a.json; both are kept"
        );
        assert_eq!(
            merge(1, 3),
            "trace t: 1 observation has the id of a different one already loaded from a.json; both are kept; 3 observations more joined the trace"
        );
        assert_eq!(
            WarningKind::Dropped { count: 1 }.to_string().split(" before").next(),
            Some("the exporter dropped 1 attribute or event")
        );
    }

    #[test]
    fn redaction_reaches_every_text_from_the_input() {
        let mut k = WarningKind::ServerTraceWarning { trace_id: "t".into(), message: "mail a@b.c".into() };
        for t in k.texts_mut() {
            *t = t.replace("a@b.c", "[email]");
        }
        assert_eq!(k.to_string(), "trace t: mail [email]");
        assert!(WarningKind::Untimed { spans: 1 }.texts_mut().is_empty());
    }
}
