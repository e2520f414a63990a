//! Where a bar's label goes on the canvas, so that every label drawn is whole and readable:
//! beside the bar, inside it, or (a bar that starts left of the window) pinned to the window's
//! left edge; a label that fits nowhere is dropped, never clipped or drawn over another.

/// About how wide a character of the 12 px label font is (no text metrics: one browser call per
/// label per frame, and one web-sys feature, less).
pub const CHAR_W: f64 = 7.0;
/// The space between a label and its bar's edge, or the canvas's.
const PAD: f64 = 4.0;

/// Where a label sits relative to its bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// Inside the bar, from its left end.
    Inside,
    /// Inside what shows of a bar that starts left of the window, from the window's left edge.
    Pinned,
    /// Just after the bar's right end.
    Right,
    /// Just before the bar's left end, aligned right.
    Left,
}

/// A label's place: its anchor x, and whether the text runs right from it (else it ends there).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelAt {
    pub x: f64,
    pub left_aligned: bool,
    pub place: Place,
}

/// The place of a label `chars` characters long for a bar from `x0` to `x1` on a canvas `width`
/// wide (the bar's ends may lie outside it). `beside`: the row holds only this bar, so the label
/// may go outside it (a tree row); otherwise (a lane, bars side by side) only inside it.
///
/// A bar that starts left of the window pins its label to the window's left edge, inside what
/// shows of the bar; others put it after the bar, else inside, else before it; failing all of
/// these the label is dropped (`None`).
pub fn place_label(x0: f64, x1: f64, chars: usize, width: f64, beside: bool) -> Option<LabelAt> {
    let need = chars as f64 * CHAR_W;
    let (left, right) = (x0.max(0.0), x1.min(width));
    let at = |x, left_aligned, place| Some(LabelAt { x, left_aligned, place });
    let fits_inside = right - left >= need + 2.0 * PAD;
    let fits_right = beside && x1 >= 0.0 && x1 + PAD + need <= width - PAD;
    if x0 < 0.0 && fits_inside {
        return at(PAD, true, Place::Pinned);
    }
    if fits_right {
        return at(x1 + PAD, true, Place::Right);
    }
    if x0 >= 0.0 && fits_inside {
        return at(left + PAD, true, Place::Inside);
    }
    if beside && x0 - PAD - need >= PAD && x0 <= width {
        return at(x0 - PAD, false, Place::Left);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the text of a placed label starts and ends.
    fn span(l: LabelAt, chars: usize) -> (f64, f64) {
        let w = chars as f64 * CHAR_W;
        if l.left_aligned {
            (l.x, l.x + w)
        } else {
            (l.x - w, l.x)
        }
    }

    #[test]
    fn each_place_and_none_clipped() {
        // 10 characters: 70 px of text; an 800 px canvas
        let place = |x0, x1, beside| place_label(x0, x1, 10, 800.0, beside);
        // room after the bar: there
        assert_eq!(place(100.0, 300.0, true).map(|l| (l.place, l.x)), Some((Place::Right, 304.0)));
        // a bar reaching the right edge holds its label inside, from its start
        assert_eq!(place(100.0, 790.0, true).map(|l| (l.place, l.x)), Some((Place::Inside, 104.0)));
        // too short to hold it and too near the right edge for it after: before the bar
        let l = place(700.0, 760.0, true).unwrap();
        assert_eq!((l.place, l.x, l.left_aligned), (Place::Left, 696.0, false));
        // starting left of the window: pinned to its left edge, inside what shows of the bar
        // (the root label once cut to "search_agent 6.37s" for "research_agent 6.37s")
        let l = place(-5_000.0, 9_000.0, true).unwrap();
        assert_eq!((l.place, l.x, l.left_aligned), (Place::Pinned, 4.0, true));
        // starting left and ending soon after the edge: after it, where it is whole
        assert_eq!(place(-500.0, 30.0, true).map(|l| (l.place, l.x)), Some((Place::Right, 34.0)));
        // fits nowhere: a short bar at the left edge of a canvas too narrow for the label after it
        assert_eq!(place_label(2.0, 10.0, 10, 80.0, true), None);
        // in a lane (bars side by side) only inside: dropped rather than over the next bar
        assert_eq!(place(100.0, 150.0, false), None);
        assert_eq!(place(100.0, 300.0, false).map(|l| l.place), Some(Place::Inside));
        assert_eq!(place(-100.0, 300.0, false).map(|l| (l.place, l.x)), Some((Place::Pinned, 4.0)));
        // whatever the bar, a label drawn lies whole inside the canvas
        for x0 in (-1_000..900).step_by(37) {
            for len in [1, 13, 120, 2_000] {
                for beside in [true, false] {
                    let (x0, x1) = (f64::from(x0), f64::from(x0 + len));
                    if let Some(l) = place(x0, x1, beside) {
                        let (a, b) = span(l, 10);
                        assert!(a >= 0.0 && b <= 800.0, "{x0}..{x1}: {l:?}");
                        if !beside {
                            assert!(a >= x0.max(0.0) && b <= x1, "inside the bar in a lane: {x0}..{x1} {l:?}");
                        }
                    }
                }
            }
        }
    }
}
