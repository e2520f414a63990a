//! Layout arithmetic for virtualized lists: which rows of a long list are on screen (rows of one
//! height here, rows of measured heights in `heights`).

mod heights;
pub use heights::Heights;

/// Rows drawn above and below the viewport so fast scrolling does not show gaps.
pub const OVERSCAN: usize = 6;

/// The range of row positions to render for a viewport at `scroll_top` of height `viewport_h`,
/// with rows of `row_h` pixels, out of `total`. Its length is bounded by the viewport, never by `total`.
pub fn visible_window(scroll_top: f64, viewport_h: f64, row_h: f64, total: usize) -> std::ops::Range<usize> {
    if total == 0 || row_h <= 0.0 {
        return 0..0;
    }
    let top = scroll_top.max(0.0);
    let first = (top / row_h).floor() as usize;
    let count = (viewport_h.max(row_h) / row_h).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + count + OVERSCAN).min(total);
    start..end.max(start)
}

/// The scroll offset that brings row `pos` into view, or `None` if it is already fully visible.
pub fn scroll_to_reveal(pos: usize, scroll_top: f64, viewport_h: f64, row_h: f64) -> Option<f64> {
    let top = pos as f64 * row_h;
    let bottom = top + row_h;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + viewport_h {
        Some((bottom - viewport_h).max(0.0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_bounded_by_the_viewport() {
        let r = visible_window(0.0, 600.0, 24.0, 100_000);
        assert_eq!(r.start, 0);
        assert!(r.len() <= 600 / 24 + 2 + OVERSCAN, "{r:?}");
        let r = visible_window(24.0 * 50_000.0, 600.0, 24.0, 100_000);
        assert_eq!(r.start, 50_000 - OVERSCAN);
        assert!(r.len() <= 26 + 2 * OVERSCAN);
        let r = visible_window(1e12, 600.0, 24.0, 10);
        assert_eq!(r, 10..10);
        assert_eq!(visible_window(0.0, 600.0, 24.0, 0), 0..0);
    }

    #[test]
    fn reveal_scrolls_minimally() {
        assert_eq!(scroll_to_reveal(5, 0.0, 240.0, 24.0), None);
        assert_eq!(scroll_to_reveal(20, 0.0, 240.0, 24.0), Some(21.0 * 24.0 - 240.0));
        assert_eq!(scroll_to_reveal(2, 240.0, 240.0, 24.0), Some(48.0));
    }
}
