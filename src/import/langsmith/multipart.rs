//! LangSmith's multipart ingest bodies (`POST /runs/multipart`, the Python SDK's default since
//! 0.2): one part per operation and field, named `post.<run id>` (the run without its large
//! fields), `post.<run id>.inputs` / `.outputs` / `.events` / `.extra` / `.error` / `.serialized`,
//! the same for `patch.<run id>`, `feedback.<id>`, and `attachment.<run id>.<name>` (skipped).
//! Several bodies saved one after another (each ends with its closing boundary) read as one.

use super::super::{shape_error, Format, ImportError};
use super::run::Run;
use super::Ops;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Whether the text is a multipart body: a boundary line, then a form-data part.
pub(super) fn is_multipart(body: &str) -> bool {
    let head = body.trim_start();
    let mut end = head.len().min(1024);
    while !head.is_char_boundary(end) {
        end -= 1;
    }
    let head = &head[..end];
    head.starts_with("--") && head.to_ascii_lowercase().contains("content-disposition: form-data")
}

fn broken(what: &str) -> ImportError {
    ImportError::Unrecognized(format!("a LangSmith multipart body, but {what}"))
}

/// Reads every part of every body into `ops`: each run's parts joined into one create or update.
pub(super) fn read(body: &str, ops: &mut Ops, format: Format) -> Result<(), ImportError> {
    let mut runs: Vec<(bool, Run)> = Vec::new();
    let mut at: HashMap<(bool, String), usize> = HashMap::new();
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let (first, after) = rest.split_once('\n').ok_or_else(|| broken("it ends after its boundary"))?;
        let delimiter = first.trim_end();
        if !delimiter.starts_with("--") || delimiter.len() < 3 {
            return Err(broken("a body does not start with a boundary"));
        }
        rest = after;
        loop {
            let end = rest.find(delimiter).ok_or_else(|| broken("a part has no closing boundary"))?;
            let part = &rest[..end];
            // the line break before a boundary belongs to the boundary
            let part = part.strip_suffix('\n').map(|p| p.strip_suffix('\r').unwrap_or(p)).unwrap_or(part);
            take(part, &mut runs, &mut at, ops, format)?;
            rest = &rest[end + delimiter.len()..];
            if let Some(after_close) = rest.strip_prefix("--") {
                rest = after_close.trim_start();
                break;
            }
            rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n')).unwrap_or(rest);
        }
    }
    for (is_post, r) in runs {
        if is_post {
            ops.posts.push(r);
        } else {
            ops.patches.push(r);
        }
    }
    Ok(())
}

/// One part: its name from `Content-Disposition`, its JSON after the blank line.
fn take(
    part: &str,
    runs: &mut Vec<(bool, Run)>,
    at: &mut HashMap<(bool, String), usize>,
    ops: &mut Ops,
    format: Format,
) -> Result<(), ImportError> {
    let (headers, json) = part
        .split_once("\r\n\r\n")
        .or_else(|| part.split_once("\n\n"))
        .ok_or_else(|| broken("a part has no blank line after its headers"))?;
    let name = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
        .and_then(|l| l.split_once("name=\""))
        .and_then(|(_, n)| n.split_once('"'))
        .map(|(n, _)| n)
        .ok_or_else(|| broken("a part has no name"))?;
    let err = |e: serde_json::Error| shape_error(format, &e);
    let mut segments = name.splitn(3, '.');
    let (op, id, field) = (segments.next().unwrap_or(""), segments.next().unwrap_or(""), segments.next());
    let is_post = match op {
        "post" => true,
        "patch" => false,
        "feedback" => {
            ops.feedback.push(super::feedback(json).map_err(err)?);
            return Ok(());
        }
        _ => return Ok(()), // attachments and parts of later SDKs: not trace data
    };
    let i = *at.entry((is_post, id.to_string())).or_insert_with(|| {
        runs.push((is_post, Run { id: Some(id.to_string()), ..Run::default() }));
        runs.len() - 1
    });
    let run = &mut runs[i].1;
    match field {
        None => {
            let main = super::run::parse(json).map_err(err)?;
            super::run::patch(run, main);
        }
        Some("inputs") => run.inputs = Some(serde_json::from_str::<Box<RawValue>>(json).map_err(err)?),
        Some("outputs") => run.outputs = Some(serde_json::from_str::<Box<RawValue>>(json).map_err(err)?),
        Some("events") => run.events = Some(super::run::events(json).map_err(err)?),
        Some("extra") => run.extra = Some(super::run::extra(json).map_err(err)?),
        Some("error") => run.error = serde_json::from_str::<Option<String>>(json).map_err(err)?,
        Some(_) => {} // `serialized`: how the run was made, not what it did
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line breaks of either kind, a field before its run, an attachment and feedback: each run
    /// once, with its fields; the attachment skipped.
    #[test]
    fn parts_join_their_runs_in_any_order() {
        let body = "--b\nContent-Disposition: form-data; name=\"post.r1.inputs\"\nContent-Type: application/json\n\n{\"q\":1}\n\
                    --b\r\nContent-Disposition: form-data; name=\"post.r1\"\r\n\r\n{\"id\":\"r1\",\"name\":\"a\",\"run_type\":\"chain\",\"start_time\":\"2024-05-01T12:00:00Z\"}\r\n\
                    --b\nContent-Disposition: form-data; name=\"attachment.r1.img\"\n\n\u{1}binary\n\
                    --b\nContent-Disposition: form-data; name=\"feedback.f1\"\n\n{\"id\":\"f1\",\"run_id\":\"r1\",\"key\":\"ok\",\"score\":1}\n\
                    --b\nContent-Disposition: form-data; name=\"patch.r1.error\"\n\n\"boom\"\n--b--\n";
        assert!(is_multipart(body));
        let mut ops = Ops::default();
        read(body, &mut ops, Format::LangSmith).unwrap();
        assert_eq!((ops.posts.len(), ops.patches.len(), ops.feedback.len()), (1, 1, 1));
        assert_eq!(ops.posts[0].name.as_deref(), Some("a"));
        assert_eq!(ops.posts[0].inputs.as_ref().map(|r| r.get()), Some("{\"q\":1}"));
        assert_eq!(ops.patches[0].error.as_deref(), Some("boom"));
        let (runs, _) = ops.merged();
        assert_eq!(runs.len(), 1, "the patch completes the post");
        assert_eq!(runs[0].error.as_deref(), Some("boom"));
    }

    #[test]
    fn a_body_cut_short_is_refused() {
        let mut ops = Ops::default();
        let e = read("--b\nContent-Disposition: form-data; name=\"post.r1\"\n\n{\"id\":", &mut ops, Format::LangSmith);
        assert!(matches!(e, Err(ImportError::Unrecognized(ref m)) if m.contains("closing boundary")), "{e:?}");
    }
}
