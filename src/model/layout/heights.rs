//! Rows of different heights, virtualized: each row's height is a guess until it is drawn and
//! measured, row tops are prefix sums, and the rows to draw are found by binary search. A row
//! measured taller or shorter than its guess moves every row below it; when it lies above the
//! visible part, the scroll offset moves by the same amount so what the reader sees stays put.

/// Heights of `n` rows and their tops; `tops[i]` is where row `i` starts, `tops[n]` the total.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heights {
    heights: Vec<f64>,
    tops: Vec<f64>,
    /// Rows whose height was measured (the rest are guesses).
    measured: Vec<bool>,
}

/// Rows drawn beyond the visible part on each side, so a fast scroll shows no gap.
const OVERSCAN_PX: f64 = 600.0;

impl Heights {
    /// Rows with these guessed heights (each at least 1 px).
    pub fn new(guesses: impl IntoIterator<Item = f64>) -> Self {
        let heights: Vec<f64> = guesses.into_iter().map(|h| if h.is_finite() { h.max(1.0) } else { 1.0 }).collect();
        let measured = vec![false; heights.len()];
        let mut h = Heights { tops: Vec::with_capacity(heights.len() + 1), heights, measured };
        h.sum_from(0);
        h
    }

    pub fn len(&self) -> usize {
        self.heights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heights.is_empty()
    }

    /// The height of all rows together.
    pub fn total(&self) -> f64 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// Where row `i` starts (the total for `i >= len`).
    pub fn top(&self, i: usize) -> f64 {
        self.tops.get(i).or(self.tops.last()).copied().unwrap_or(0.0)
    }

    pub fn height(&self, i: usize) -> f64 {
        self.heights.get(i).copied().unwrap_or(0.0)
    }

    /// Keeps the tops of rows `..=from` and sums the rest again.
    fn sum_from(&mut self, from: usize) {
        self.tops.truncate(from.min(self.heights.len()) + 1);
        if self.tops.is_empty() {
            self.tops.push(0.0);
        }
        let mut at = self.tops[self.tops.len() - 1];
        for i in self.tops.len() - 1..self.heights.len() {
            at += self.heights[i];
            self.tops.push(at);
        }
    }

    /// Records row `i`'s measured height. Returns how far the rows below it moved (0 when the
    /// guess was right), for the caller to move the scroll offset when the row is above the view.
    pub fn measured(&mut self, i: usize, h: f64) -> f64 {
        let Some(old) = self.heights.get(i).copied() else { return 0.0 };
        let h = if h.is_finite() { h.max(1.0) } else { return 0.0 };
        self.measured[i] = true;
        if (h - old).abs() < 0.5 {
            return 0.0;
        }
        self.heights[i] = h;
        self.sum_from(i);
        h - old
    }

    /// The row at `y` px from the top (the last row for `y` past the end).
    pub fn row_at(&self, y: f64) -> usize {
        if self.heights.is_empty() {
            return 0;
        }
        // tops[1..] are the rows' ends: the first end past y is the row
        let ends = &self.tops[1..];
        ends.partition_point(|&end| end <= y).min(self.heights.len() - 1)
    }

    /// The rows to draw for a view of `height` px scrolled to `scroll_top`, with overscan.
    pub fn window(&self, scroll_top: f64, height: f64) -> std::ops::Range<usize> {
        if self.heights.is_empty() {
            return 0..0;
        }
        let first = self.row_at((scroll_top - OVERSCAN_PX).max(0.0));
        let last = self.row_at(scroll_top + height + OVERSCAN_PX);
        first..last + 1
    }

    /// The scroll offset that shows row `i` whole (its top when it is taller than the view), or
    /// `None` when it is already in view. A row never measured is shown from its top: its height
    /// is a guess, and rows measured above it keep it there.
    pub fn reveal(&self, i: usize, scroll_top: f64, height: f64) -> Option<f64> {
        if i >= self.heights.len() {
            return None;
        }
        let (top, bottom) = (self.top(i), self.top(i) + self.height(i));
        if top < scroll_top || self.height(i) > height || !self.measured[i] {
            (top != scroll_top).then_some(top)
        } else if bottom > scroll_top + height {
            Some(bottom - height)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tops_are_prefix_sums_and_rows_are_found_by_position() {
        let h = Heights::new([10.0, 20.0, 30.0]);
        assert_eq!((h.top(0), h.top(1), h.top(2), h.total()), (0.0, 10.0, 30.0, 60.0));
        assert_eq!([h.row_at(0.0), h.row_at(9.9), h.row_at(10.0), h.row_at(59.0), h.row_at(500.0)], [0, 0, 1, 2, 2]);
        assert_eq!(Heights::new([]).window(0.0, 100.0), 0..0);
    }

    #[test]
    fn a_measured_row_moves_the_rows_below_and_says_by_how_much() {
        let mut h = Heights::new([10.0, 20.0, 30.0, 40.0]);
        assert_eq!(h.measured(1, 50.0), 30.0);
        assert_eq!((h.top(2), h.top(3), h.total()), (60.0, 90.0, 130.0));
        assert_eq!(h.measured(1, 50.2), 0.0, "sub-pixel changes are noise");
        assert_eq!(h.measured(0, 5.0), -5.0);
        assert_eq!((h.top(1), h.top(3)), (5.0, 85.0));
        assert_eq!(h.measured(9, 5.0), 0.0, "no such row");
        assert_eq!(h.measured(3, f64::NAN), 0.0);
    }

    #[test]
    fn the_window_covers_the_view_and_its_overscan_only() {
        let h = Heights::new(std::iter::repeat_n(100.0, 1000));
        let w = h.window(50_000.0, 800.0);
        // rows 500..508 are visible; 600 px of overscan is six rows each side
        assert_eq!(w, 494..515);
        assert_eq!(h.window(0.0, 800.0).start, 0);
        assert_eq!(h.window(1e9, 800.0).end, 1000);
    }

    #[test]
    fn reveal_scrolls_the_least_and_shows_a_tall_row_from_its_top() {
        let mut h = Heights::new([100.0, 100.0, 1000.0, 100.0]);
        assert_eq!(h.reveal(1, 0.0, 300.0), Some(100.0), "a guessed row is shown from its top");
        for i in 0..4 {
            h.measured(i, h.height(i));
        }
        assert_eq!(h.reveal(1, 0.0, 300.0), None);
        assert_eq!(h.reveal(3, 0.0, 300.0), Some(1000.0));
        assert_eq!(h.reveal(0, 150.0, 300.0), Some(0.0));
        assert_eq!(h.reveal(2, 0.0, 300.0), Some(200.0));
        assert_eq!(h.reveal(2, 200.0, 300.0), None);
    }
}
