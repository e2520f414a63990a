//! A word-level diff of two texts (Myers' shortest edit script over words, spaces and marks),
//! replaced whole past a bound on edits.

/// A piece of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Beyond this many word edits the texts are shown as replaced whole: the walk back keeps about
/// the square of it (600 → 360k positions, under 3 MB), and such texts have little in common.
const MAX_EDITS: usize = 600;

/// Words, runs of spaces, and single other characters (byte ranges): the units of a text diff.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            0u8
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev = None;
    for (i, c) in s.char_indices() {
        let k = class(c);
        if i > start && (prev != Some(k) || k == 2) {
            out.push((start, i));
            start = i;
        }
        prev = Some(k);
    }
    if start < s.len() {
        out.push((start, s.len()));
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Sort {
    Same,
    Removed,
    Added,
}

/// A word-level diff of `a` to `b` (Myers' algorithm; texts too different are replaced whole).
/// Same and removed pieces are slices of `a`, added ones of `b`.
pub fn words<'a>(a: &'a str, b: &'a str) -> Vec<Piece<'a>> {
    let (ta, tb) = (tokens(a), tokens(b));
    let ea: Vec<&str> = ta.iter().map(|&(s, e)| &a[s..e]).collect();
    let eb: Vec<&str> = tb.iter().map(|&(s, e)| &b[s..e]).collect();
    // common ends first: most edits are small and local
    let pre = ea.iter().zip(&eb).take_while(|(x, y)| x == y).count();
    let suf = ea[pre..].iter().rev().zip(eb[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (end_a, end_b) = (ea.len() - suf, eb.len() - suf);
    // (sort, token index: in A for same and removed, in B for added)
    let mut script: Vec<(Sort, usize)> = (0..pre).map(|i| (Sort::Same, i)).collect();
    match myers(&ea[pre..end_a], &eb[pre..end_b]) {
        Some(middle) => script.extend(middle.into_iter().map(|(sort, i)| (sort, pre + i))),
        None => {
            script.extend((pre..end_a).map(|i| (Sort::Removed, i)));
            script.extend((pre..end_b).map(|i| (Sort::Added, i)));
        }
    }
    script.extend((end_a..ea.len()).map(|i| (Sort::Same, i)));
    // runs of one sort over consecutive tokens become one slice
    let mut out = Vec::new();
    let mut k = 0;
    while k < script.len() {
        let (sort, first) = script[k];
        let mut last = first;
        while k + 1 < script.len() && script[k + 1].0 == sort && script[k + 1].1 == last + 1 {
            k += 1;
            last += 1;
        }
        let (text, t) = if sort == Sort::Added { (b, &tb) } else { (a, &ta) };
        let slice = &text[t[first].0..t[last].1];
        out.push(match sort {
            Sort::Same => Piece::Same(slice),
            Sort::Removed => Piece::Removed(slice),
            Sort::Added => Piece::Added(slice),
        });
        k += 1;
    }
    out
}

/// The shortest edit script from `a` to `b` (indices into each), or `None` past `MAX_EDITS`.
pub(super) fn myers(a: &[&str], b: &[&str]) -> Option<Vec<(Sort, usize)>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        let mut out: Vec<(Sort, usize)> = (0..a.len()).map(|i| (Sort::Removed, i)).collect();
        out.extend((0..b.len()).map(|j| (Sort::Added, j)));
        return Some(out);
    }
    let max = ((n + m) as usize).min(MAX_EDITS) as isize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * offset as usize + 1];
    // the furthest points of each round, to walk back
    let mut rounds: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'rounds: for d in 0..=max {
        // only diagonals -d..=d can have been reached before this round
        rounds.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let at = (k + offset) as usize;
            let mut x = if k == -d || (k != d && v[at - 1] < v[at + 1]) { v[at + 1] } else { v[at - 1] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'rounds;
            }
            k += 2;
        }
    }
    let d_end = found?;
    let mut out = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (1..=d_end).rev() {
        // round d's saved furthest points, diagonal k at k + d
        let v = &rounds[d as usize];
        let get = |k: isize| v.get((k + d) as usize).copied().unwrap_or(0);
        let k = x - y;
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) { k + 1 } else { k - 1 };
        let prev_x = get(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push((Sort::Same, x as usize));
        }
        if x == prev_x {
            y -= 1;
            out.push((Sort::Added, y as usize));
        } else {
            x -= 1;
            out.push((Sort::Removed, x as usize));
        }
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        out.push((Sort::Same, x as usize));
    }
    out.reverse();
    Some(out)
}

/// A piece of a diff with its own text (of decoded payloads, which do not outlive the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    Same(String),
    Removed(String),
    Added(String),
}

/// `words`, with owned pieces.
pub fn words_owned(a: &str, b: &str) -> Vec<Owned> {
    words(a, b)
        .into_iter()
        .map(|p| match p {
            Piece::Same(s) => Owned::Same(s.to_string()),
            Piece::Removed(s) => Owned::Removed(s.to_string()),
            Piece::Added(s) => Owned::Added(s.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One side of a word diff: the first text (`removed`) or the second, rebuilt from its pieces.
    fn side(d: &[Piece], removed: bool) -> String {
        d.iter()
            .filter_map(|p| match p {
                Piece::Same(s) => Some(*s),
                Piece::Removed(s) if removed => Some(*s),
                Piece::Added(s) if !removed => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn word_diff() {
        let d = words("The cat sat on the mat.", "The dog sat on the red mat!");
        let show: Vec<String> = d
            .iter()
            .map(|p| match p {
                Piece::Same(s) => s.to_string(),
                Piece::Removed(s) => format!("[-{s}]"),
                Piece::Added(s) => format!("[+{s}]"),
            })
            .collect();
        assert_eq!(show.concat(), "The [-cat][+dog] sat on the [+red ]mat[-.][+!]");
        // both texts come back whole from the pieces
        assert_eq!(side(&d, true), "The cat sat on the mat.");
        assert_eq!(side(&d, false), "The dog sat on the red mat!");
        assert_eq!(words("same", "same"), vec![Piece::Same("same")]);
        assert_eq!(words("", "new"), vec![Piece::Added("new")]);
    }

    /// Both texts come back from the pieces, and nothing same is reported as changed.
    #[test]
    fn word_diff_rebuilds_both_sides() {
        let vocab = ["a", "b", "c", " ", ".", "é", "long_word", "\n"];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..500 {
            let mut text = || (0..next(30)).map(|_| vocab[next(vocab.len())]).collect::<String>();
            let (a, b) = (text(), text());
            let d = words(&a, &b);
            assert_eq!((side(&d, true), side(&d, false)), (a.clone(), b.clone()));
            if a == b {
                assert!(d.iter().all(|p| matches!(p, Piece::Same(_))));
            }
        }
    }

    #[test]
    fn very_different_long_texts_are_replaced_whole() {
        let a: String = (0..5000).map(|i| format!("a{i} ")).collect();
        let b: String = (0..5000).map(|i| format!("b{i} ")).collect();
        let d = words(&a, &b);
        assert_eq!(d, vec![Piece::Removed(a.trim_end()), Piece::Added(b.trim_end()), Piece::Same(" ")]);
    }
}
