//! The Markdown reader's events for each construct, and its cost on hostile text.

use super::Event::*;
use super::Tag::*;
use super::*;
use std::hint::black_box;
use std::time::Instant;

fn t(s: &str) -> Event {
    Text(s.into())
}

fn balanced(ev: &[Event]) -> bool {
    let mut d: i64 = 0;
    for e in ev {
        match e {
            Start(_) => d += 1,
            End => d -= 1,
            _ => {}
        }
        if d < 0 {
            return false;
        }
    }
    d == 0
}

#[test]
fn paragraphs_headings_and_rules() {
    let ev = events("# Title #\n\nSome *em* and **strong** and ~~gone~~.\nNext line  \nhard\n\n---\nSetext\n===");
    assert_eq!(
        ev,
        vec![
            Start(Heading(1)),
            t("Title"),
            End,
            Start(Paragraph),
            t("Some "),
            Start(Emphasis),
            t("em"),
            End,
            t(" and "),
            Start(Strong),
            t("strong"),
            End,
            t(" and "),
            Start(Strike),
            t("gone"),
            End,
            t("."),
            SoftBreak,
            t("Next line"),
            HardBreak,
            t("hard"),
            End,
            Rule,
            Start(Heading(1)),
            t("Setext"),
            End,
        ]
    );
}

#[test]
fn nested_lists_quotes_and_code() {
    // a tight list's items hold their text, a loose one's hold paragraphs (the page shows both alike)
    let ev = events("1. one\n2. two\n   - a\n   - b\n\n> quoted\n> ```py\n> x = 1\n> ```\n\n- c\n\n- d\n");
    assert_eq!(
        ev,
        vec![
            Start(List(Some(1))),
            Start(Item),
            t("one"),
            End,
            Start(Item),
            t("two"),
            Start(List(None)),
            Start(Item),
            t("a"),
            End,
            Start(Item),
            t("b"),
            End,
            End,
            End,
            End,
            Start(Quote),
            Start(Paragraph),
            t("quoted"),
            End,
            Start(CodeBlock),
            t("x = 1\n"),
            End,
            End,
            Start(List(None)),
            Start(Item),
            Start(Paragraph),
            t("c"),
            End,
            End,
            Start(Item),
            Start(Paragraph),
            t("d"),
            End,
            End,
            End,
        ]
    );
}

#[test]
fn task_lists_references_autolinks_and_images() {
    let ev = events("- [ ] open\n- [x] done\n\nSee [the docs][d] or <a@b.example>: ![a *b* `c`](http://i.example/p.png)\n\n[d]: https://d.example \"title\"\n");
    assert!(balanced(&ev));
    assert_eq!(ev[..4], [Start(List(None)), Start(Item), TaskMarker(false), t("open")]);
    assert_eq!(ev[5..8], [Start(Item), TaskMarker(true), t("done")]);
    assert!(ev.contains(&Start(Link("https://d.example".into()))), "{ev:?}");
    assert!(ev.contains(&Start(Link("mailto:a@b.example".into()))), "{ev:?}");
    // an image is its address and its alternative text, as plain text
    let at = ev.iter().position(|e| *e == Start(Image("http://i.example/p.png".into()))).unwrap();
    assert_eq!(ev[at + 1..at + 3], [t("a b c"), End]);
}

#[test]
fn raw_html_is_text() {
    let ev = events("<div onclick=\"x()\">\n<b>hi</b>\n</div>\n\nan <img src=x onerror=alert(1)> inline\n");
    assert_eq!(
        ev,
        vec![
            Start(Paragraph),
            t("<div onclick=\"x()\">\n<b>hi</b>\n</div>"),
            End,
            Start(Paragraph),
            t("an <img src=x onerror=alert(1)> inline"),
            End,
        ]
    );
}

#[test]
fn tables_links_code_spans_and_images() {
    let ev = events("| a | b |\n|---|:-:|\n| `x\\|y` | [site](https://e.example \"t\") |\n\n![alt](http://i.example/p.png) <https://a.example>");
    assert!(balanced(&ev));
    assert_eq!(ev[0], Start(Table));
    assert!(ev.contains(&Start(TableHead)));
    assert!(ev.contains(&Start(Link("https://e.example".into()))));
    assert!(ev.contains(&Start(Image("http://i.example/p.png".into()))));
    assert!(ev.contains(&Start(Link("https://a.example".into()))));
    assert!(ev.contains(&Code("x|y".into())), "an escaped pipe stays in its cell: {ev:?}");
}

#[test]
fn what_is_not_markup_stays_text() {
    let ev = events("snake_case_name and 2 * 3 * 4, <b>bold</b>, a \\*star\\* and [not a link]");
    let text: String = ev
        .iter()
        .filter_map(|e| match e {
            Text(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "snake_case_name and 2 * 3 * 4, <b>bold</b>, a *star* and [not a link]");
    assert!(!ev.iter().any(|e| matches!(e, Start(Emphasis | Strong | Link(_)))));
}

fn once(text: &str) -> f64 {
    let t = Instant::now();
    black_box(events(black_box(text)));
    t.elapsed().as_secs_f64()
}

/// How much longer `large` takes than `small`: each the best of three runs, taken in turns so a
/// busy moment of the machine slows one run of each, not all runs of one.
fn growth(small: &str, large: &str) -> (f64, f64) {
    let (mut a, mut b) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        a = a.min(once(small));
        b = b.min(once(large));
    }
    (a, b)
}

/// How deep `Start`s nest in `ev`.
fn depth(ev: &[Event]) -> usize {
    let (mut d, mut most) = (0usize, 0usize);
    for e in ev {
        match e {
            Start(_) => {
                d += 1;
                most = most.max(d);
            }
            End => d = d.saturating_sub(1),
            _ => {}
        }
    }
    most
}

/// Hostile shapes of `k` containers, or `4 * k` inline openers (cheaper each, and a text long
/// enough that both sizes measured are past the allocator's small sizes).
fn hostile(k: usize) -> Vec<(&'static str, String)> {
    let n = 4 * k;
    vec![
        ("quotes", format!("{}x", "> ".repeat(k))),
        ("lists", format!("{}x", "- ".repeat(k))),
        ("stars", format!("{}x{}", "*".repeat(n), "*".repeat(n))),
        ("brackets", "[".repeat(n) + &"]".repeat(n)),
        ("emphasis", "*a ".repeat(n)),
        ("angles", "<".repeat(n)),
        ("links", "[a](".repeat(n)),
    ]
}

#[test]
fn hostile_nesting_is_bounded_and_linear() {
    let deep = events(&hostile(100_000)[0].1);
    assert!(deep.iter().filter(|e| matches!(e, Start(Quote))).count() <= MAX_DEPTH);
    for ((what, small), (_, large)) in hostile(25_000).into_iter().zip(hostile(200_000)) {
        let ev = events(&large);
        assert!(balanced(&ev), "{what}");
        // containers, their leaf, then inline nesting: each capped
        assert!(depth(&ev) <= 2 * MAX_DEPTH + 1, "{what}: {} deep", depth(&ev));
        // 8 times the text: 8 times the work if linear, 64 if quadratic (32: room for a busy machine)
        let (a, b) = growth(&small, &large);
        assert!(b < 32.0 * a, "{what}: {a:.4} s for {} bytes, {b:.4} s for {}", small.len(), large.len());
    }
}

#[test]
fn a_megabyte_of_openers_that_never_close_is_read_in_linear_time() {
    let mb = 1 << 20;
    let fill = |unit: &str, size: usize| unit.repeat(size / unit.len());
    // code spans of 1 to 100 backticks: each run closes at the next run of its length, 5 kB on
    let ticks = |size: usize| {
        let mut s = String::new();
        while s.len() < size {
            for n in 1..=100 {
                s.push_str(&"`".repeat(n));
                s.push('x');
            }
        }
        s
    };
    let units = ["<", "<http://a", "*a ", "_a ", "**a ", "~~a ", "*a _b ", "[", "![", "[a]("];
    for unit in units {
        // nothing closes: the text comes back whole, as one text
        let text = fill(unit, mb);
        assert_eq!(events(&text), vec![Start(Paragraph), t(text.trim_end()), End], "{unit:?}");
    }
    let cases = units.iter().map(|u| (u.to_string(), fill(u, mb / 8), fill(u, mb)));
    for (what, small, large) in cases.chain([("ticks".to_string(), ticks(mb / 8), ticks(mb))]) {
        assert!(balanced(&events(&large)), "{what}");
        // 8 times the text: 8 times the work if linear, 64 if quadratic (32: room for a busy machine)
        let (a, b) = growth(&small, &large);
        assert!(b < 32.0 * a, "{what:?}: {a:.4} s for {} bytes, {b:.4} s for {}", small.len(), large.len());
    }
}

#[test]
fn unclosed_fence_and_empty_input() {
    assert_eq!(events(""), vec![]);
    let ev = events("```\ncode\n");
    assert_eq!(ev, vec![Start(CodeBlock), t("code\n"), End]);
}
