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
    let ev = events("1. one\n2. two\n   - a\n   - b\n\n> quoted\n> ```py\n> x = 1\n> ```\n");
    assert_eq!(
        ev,
        vec![
            Start(List(Some(1))),
            Start(Item),
            Start(Paragraph),
            t("one"),
            End,
            End,
            Start(Item),
            Start(Paragraph),
            t("two"),
            End,
            Start(List(None)),
            Start(Item),
            Start(Paragraph),
            t("a"),
            End,
            End,
            Start(Item),
            Start(Paragraph),
            t("b"),
            End,
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

/// Seconds `events` takes on `text`, the best of three runs (a busy machine only ever adds time).
fn seconds(text: &str) -> f64 {
    (0..3).map(|_| once(text)).fold(f64::INFINITY, f64::min)
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
        // 8 times the text: 8 times the work if linear, 64 if quadratic (24: room for a busy machine)
        let (a, b) = growth(&small, &large);
        assert!(b < 24.0 * a, "{what}: {a:.4} s for {} bytes, {b:.4} s for {}", small.len(), large.len());
    }
}

#[test]
fn a_megabyte_of_openers_that_never_close_reads_as_fast_as_prose() {
    let mb = 1 << 20;
    let fill = |unit: &str| unit.repeat(mb / unit.len());
    // code spans of 1 to 100 backticks, each length next seen past the search window
    let mut ticks = String::new();
    while ticks.len() < mb {
        for n in 1..=100 {
            ticks.push_str(&"`".repeat(n));
            ticks.push('x');
        }
    }
    let cases = [
        fill("<"),
        fill("<http://a"),
        fill("*a "),
        fill("_a "),
        fill("**a "),
        fill("~~a "),
        fill("*a _b "),
        fill("["),
        fill("!["),
        fill("[a]("),
        ticks,
    ];
    let prose = seconds(&fill("plain words "));
    for text in cases {
        // nothing closes: the text comes back whole, as one text
        let ev = events(&text);
        assert_eq!(ev.len(), 3, "{:?}", &text[..12]);
        assert_eq!(ev, vec![Start(Paragraph), t(&text), End]);
        let took = seconds(&text);
        assert!(took < 20.0 * prose, "{:?}…: {took:.3} s, prose {prose:.3} s", &text[..12]);
    }
}

#[test]
fn unclosed_fence_and_empty_input() {
    assert_eq!(events(""), vec![]);
    let ev = events("```\ncode\n");
    assert_eq!(ev, vec![Start(CodeBlock), t("code\n"), End]);
}
