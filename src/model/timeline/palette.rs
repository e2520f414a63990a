//! The colour of each kind: the one table the timeline's canvases draw with. The page's CSS names
//! the same colours as `--k-<kind>` (badges, roles, compare marks); a test here fails when the two
//! differ, in any theme.

use crate::model::Kind;

/// The colour of kind `k` (the same in the light and dark themes).
pub fn kind_color(k: Kind) -> &'static str {
    match k {
        Kind::Generation => "#7b3fe4",
        Kind::Agent => "#d9480f",
        Kind::Tool => "#0c8599",
        Kind::Chain => "#2b8a3e",
        Kind::Retriever => "#1971c2",
        Kind::Embedding => "#ae3ec9",
        Kind::Evaluator => "#e67700",
        Kind::Guardrail => "#c92a2a",
        Kind::Reranker => "#1864ab",
        Kind::Prompt => "#5c940d",
        Kind::Event => "#5f6b7a",
        Kind::Span => "#7a7f87",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Every `--k-<name>: <value>` set in the app's style sheets, with the file it is in.
    fn css_kind_colors() -> Vec<(String, String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("style");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("style/ is readable") {
            let path = entry.expect("a style/ entry").path();
            if path.extension().is_none_or(|e| e != "css") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a readable style sheet");
            for (at, _) in text.match_indices("--k-") {
                let rest = &text[at + 4..];
                // a definition, not a use (`var(--k-tool)`)
                let Some((name, value)) = rest.split_once(':') else { continue };
                if name.contains(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                    continue;
                }
                let value = value.split(';').next().unwrap_or_default().trim().to_string();
                out.push((path.display().to_string(), name.to_string(), value));
            }
        }
        out
    }

    #[test]
    fn the_css_names_the_same_colours() {
        let css = css_kind_colors();
        for k in Kind::ALL {
            assert!(css.iter().any(|(_, name, _)| name == k.label()), "style/ sets no --k-{}", k.label());
        }
        for (file, name, value) in &css {
            let kind = Kind::ALL.into_iter().find(|k| k.label() == name);
            let kind = kind.unwrap_or_else(|| panic!("{file}: --k-{name} is no kind"));
            assert_eq!(value.to_lowercase(), kind_color(kind), "{file}: --k-{name} differs from the canvas's colour");
        }
    }
}
