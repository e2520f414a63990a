//! Lower-casing for search, filters and sorting: one char for one char, as `char::to_lowercase`
//! gives it, from a 189-run table. core's own tables for `str::to_lowercase` are 8 kB of the
//! gzipped wasm; these are 2 KB. A test checks every char against core's.

/// `(first, count, alternating, delta)`: the chars `first..first + count` lower-case to `c + delta`;
/// when alternating, only every other one does (upper-case at even offsets, its lower case after it).
const RUNS: [(u32, u16, bool, i32); 189] = [
    (0x0041, 26, false, 32),
    (0x00C0, 23, false, 32),
    (0x00D8, 7, false, 32),
    (0x0100, 48, true, 1),
    (0x0130, 1, false, -199),
    (0x0132, 6, true, 1),
    (0x0139, 16, true, 1),
    (0x014A, 46, true, 1),
    (0x0178, 1, false, -121),
    (0x0179, 6, true, 1),
    (0x0181, 1, false, 210),
    (0x0182, 4, true, 1),
    (0x0186, 1, false, 206),
    (0x0187, 1, false, 1),
    (0x0189, 2, false, 205),
    (0x018B, 1, false, 1),
    (0x018E, 1, false, 79),
    (0x018F, 1, false, 202),
    (0x0190, 1, false, 203),
    (0x0191, 1, false, 1),
    (0x0193, 1, false, 205),
    (0x0194, 1, false, 207),
    (0x0196, 1, false, 211),
    (0x0197, 1, false, 209),
    (0x0198, 1, false, 1),
    (0x019C, 1, false, 211),
    (0x019D, 1, false, 213),
    (0x019F, 1, false, 214),
    (0x01A0, 6, true, 1),
    (0x01A6, 1, false, 218),
    (0x01A7, 1, false, 1),
    (0x01A9, 1, false, 218),
    (0x01AC, 1, false, 1),
    (0x01AE, 1, false, 218),
    (0x01AF, 1, false, 1),
    (0x01B1, 2, false, 217),
    (0x01B3, 4, true, 1),
    (0x01B7, 1, false, 219),
    (0x01B8, 1, false, 1),
    (0x01BC, 1, false, 1),
    (0x01C4, 1, false, 2),
    (0x01C5, 1, false, 1),
    (0x01C7, 1, false, 2),
    (0x01C8, 1, false, 1),
    (0x01CA, 1, false, 2),
    (0x01CB, 18, true, 1),
    (0x01DE, 18, true, 1),
    (0x01F1, 1, false, 2),
    (0x01F2, 4, true, 1),
    (0x01F6, 1, false, -97),
    (0x01F7, 1, false, -56),
    (0x01F8, 40, true, 1),
    (0x0220, 1, false, -130),
    (0x0222, 18, true, 1),
    (0x023A, 1, false, 10795),
    (0x023B, 1, false, 1),
    (0x023D, 1, false, -163),
    (0x023E, 1, false, 10792),
    (0x0241, 1, false, 1),
    (0x0243, 1, false, -195),
    (0x0244, 1, false, 69),
    (0x0245, 1, false, 71),
    (0x0246, 10, true, 1),
    (0x0370, 4, true, 1),
    (0x0376, 1, false, 1),
    (0x037F, 1, false, 116),
    (0x0386, 1, false, 38),
    (0x0388, 3, false, 37),
    (0x038C, 1, false, 64),
    (0x038E, 2, false, 63),
    (0x0391, 17, false, 32),
    (0x03A3, 9, false, 32),
    (0x03CF, 1, false, 8),
    (0x03D8, 24, true, 1),
    (0x03F4, 1, false, -60),
    (0x03F7, 1, false, 1),
    (0x03F9, 1, false, -7),
    (0x03FA, 1, false, 1),
    (0x03FD, 3, false, -130),
    (0x0400, 16, false, 80),
    (0x0410, 32, false, 32),
    (0x0460, 34, true, 1),
    (0x048A, 54, true, 1),
    (0x04C0, 1, false, 15),
    (0x04C1, 14, true, 1),
    (0x04D0, 96, true, 1),
    (0x0531, 38, false, 48),
    (0x10A0, 38, false, 7264),
    (0x10C7, 1, false, 7264),
    (0x10CD, 1, false, 7264),
    (0x13A0, 80, false, 38864),
    (0x13F0, 6, false, 8),
    (0x1C89, 1, false, 1),
    (0x1C90, 43, false, -3008),
    (0x1CBD, 3, false, -3008),
    (0x1E00, 150, true, 1),
    (0x1E9E, 1, false, -7615),
    (0x1EA0, 96, true, 1),
    (0x1F08, 8, false, -8),
    (0x1F18, 6, false, -8),
    (0x1F28, 8, false, -8),
    (0x1F38, 8, false, -8),
    (0x1F48, 6, false, -8),
    (0x1F59, 1, false, -8),
    (0x1F5B, 1, false, -8),
    (0x1F5D, 1, false, -8),
    (0x1F5F, 1, false, -8),
    (0x1F68, 8, false, -8),
    (0x1F88, 8, false, -8),
    (0x1F98, 8, false, -8),
    (0x1FA8, 8, false, -8),
    (0x1FB8, 2, false, -8),
    (0x1FBA, 2, false, -74),
    (0x1FBC, 1, false, -9),
    (0x1FC8, 4, false, -86),
    (0x1FCC, 1, false, -9),
    (0x1FD8, 2, false, -8),
    (0x1FDA, 2, false, -100),
    (0x1FE8, 2, false, -8),
    (0x1FEA, 2, false, -112),
    (0x1FEC, 1, false, -7),
    (0x1FF8, 2, false, -128),
    (0x1FFA, 2, false, -126),
    (0x1FFC, 1, false, -9),
    (0x2126, 1, false, -7517),
    (0x212A, 1, false, -8383),
    (0x212B, 1, false, -8262),
    (0x2132, 1, false, 28),
    (0x2160, 16, false, 16),
    (0x2183, 1, false, 1),
    (0x24B6, 26, false, 26),
    (0x2C00, 48, false, 48),
    (0x2C60, 1, false, 1),
    (0x2C62, 1, false, -10743),
    (0x2C63, 1, false, -3814),
    (0x2C64, 1, false, -10727),
    (0x2C67, 6, true, 1),
    (0x2C6D, 1, false, -10780),
    (0x2C6E, 1, false, -10749),
    (0x2C6F, 1, false, -10783),
    (0x2C70, 1, false, -10782),
    (0x2C72, 1, false, 1),
    (0x2C75, 1, false, 1),
    (0x2C7E, 2, false, -10815),
    (0x2C80, 100, true, 1),
    (0x2CEB, 4, true, 1),
    (0x2CF2, 1, false, 1),
    (0xA640, 46, true, 1),
    (0xA680, 28, true, 1),
    (0xA722, 14, true, 1),
    (0xA732, 62, true, 1),
    (0xA779, 4, true, 1),
    (0xA77D, 1, false, -35332),
    (0xA77E, 10, true, 1),
    (0xA78B, 1, false, 1),
    (0xA78D, 1, false, -42280),
    (0xA790, 4, true, 1),
    (0xA796, 20, true, 1),
    (0xA7AA, 1, false, -42308),
    (0xA7AB, 1, false, -42319),
    (0xA7AC, 1, false, -42315),
    (0xA7AD, 1, false, -42305),
    (0xA7AE, 1, false, -42308),
    (0xA7B0, 1, false, -42258),
    (0xA7B1, 1, false, -42282),
    (0xA7B2, 1, false, -42261),
    (0xA7B3, 1, false, 928),
    (0xA7B4, 16, true, 1),
    (0xA7C4, 1, false, -48),
    (0xA7C5, 1, false, -42307),
    (0xA7C6, 1, false, -35384),
    (0xA7C7, 4, true, 1),
    (0xA7CB, 1, false, -42343),
    (0xA7CC, 16, true, 1),
    (0xA7DC, 1, false, -42561),
    (0xA7F5, 1, false, 1),
    (0xFF21, 26, false, 32),
    (0x10400, 40, false, 40),
    (0x104B0, 36, false, 40),
    (0x10570, 11, false, 39),
    (0x1057C, 15, false, 39),
    (0x1058C, 7, false, 39),
    (0x10594, 2, false, 39),
    (0x10C80, 51, false, 64),
    (0x10D50, 22, false, 32),
    (0x118A0, 32, false, 32),
    (0x16E40, 32, false, 32),
    (0x16EA0, 25, false, 27),
    (0x1E900, 34, false, 34),
];

/// The lower case of `c`; its first char where core's is several (only U+0130 `İ`, to `i`).
pub fn lower_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let u = c as u32;
    let i = RUNS.partition_point(|r| r.0 <= u);
    let Some(&(first, count, alternating, delta)) = i.checked_sub(1).and_then(|i| RUNS.get(i)) else {
        return c;
    };
    let offset = u - first;
    if offset >= count as u32 || (alternating && offset % 2 == 1) {
        return c;
    }
    char::from_u32(u.wrapping_add_signed(delta)).unwrap_or(c)
}

/// `s` lower-cased char by char (Σ is always σ: search compares folded text with folded text).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.chars().map(lower_char).collect()
    }
}

/// Every case-insensitive occurrence of `query` in `text`, left to right and not overlapping, as
/// byte ranges of `text` itself: each starts and ends on one of its char boundaries, and `text[r]`
/// lower-cases (as `lower`) to `lower(query)`. Lower-casing can change a char's length (`Ⱥ` 2 → 3
/// bytes, `ẞ` 3 → 2), so offsets found in lower-cased text are mapped back char by char, never
/// used on the original as they are. An empty query matches nothing. O(text + query).
pub fn find_folded(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
    let q = lower(query);
    if q.is_empty() {
        return Vec::new();
    }
    if text.is_ascii() {
        // ASCII folds byte for byte: offsets in the folded text are offsets in `text`
        let folded = text.to_ascii_lowercase();
        return folded.match_indices(q.as_str()).map(|(at, m)| at..at + m.len()).collect();
    }
    // one char folds to one char: `origin[k]` is where, in `text`, the folded char at byte k began
    let mut folded = String::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        folded.push(lower_char(c));
        origin.resize(folded.len(), at);
    }
    origin.push(text.len());
    // a match of valid UTF-8 starts and ends on char boundaries of `folded`, all of which `origin` maps
    folded.match_indices(q.as_str()).filter_map(|(at, m)| Some(*origin.get(at)?..*origin.get(at + m.len())?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract of `find_folded`, checked on one input.
    fn check(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
        let found = find_folded(text, query);
        let q = lower(query);
        let mut last_end = 0;
        for r in &found {
            assert!(r.start >= last_end && r.start < r.end, "{text:?} {query:?}: {found:?}");
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{text:?} {query:?}: {r:?}");
            assert_eq!(lower(&text[r.clone()]), q, "{text:?} {query:?}: {r:?}");
            last_end = r.end;
        }
        // and nothing is missed: as many as the folded text holds
        let want = if q.is_empty() { 0 } else { lower(text).matches(q.as_str()).count() };
        assert_eq!(found.len(), want, "{text:?} {query:?}");
        found
    }

    #[test]
    fn matches_are_ranges_of_the_original_text() {
        // `Ⱥ` grows by a byte when lower-cased and `ẞ` shrinks by one: lengths agree, offsets do not
        assert_eq!(check("Ⱥabcẞ", "abc"), vec![2..5]);
        assert_eq!(check("Ⱥabcẞ", "ABCẞ"), vec![2..8]);
        assert_eq!(check("ȺȺȺ", "ⱥ"), vec![0..2, 2..4, 4..6]);
        // `İ` lower-cases to `i` (its first char), `ẞ` to `ß`; `ß` is not `ss` (no full folding)
        assert_eq!(check("İstanbul", "is"), vec![0..3]);
        assert_eq!(check("STRAẞE strasse Straße", "straße"), vec![0..8, 17..24]);
        assert_eq!(check("Σίσυφος ΣΊΣΥΦΟΣ", "σίσυφο"), vec![0..12, 15..27]);
        assert_eq!(check("aaaa", "aa"), vec![0..2, 2..4], "not overlapping");
        assert_eq!(check("Hello", "LL"), vec![2..4]);
        assert!(check("anything", "").is_empty());
        assert!(check("", "x").is_empty());
        assert!(check("Ⱥ", "ⱥⱥ").is_empty());
    }

    #[test]
    fn every_range_is_on_char_boundaries_for_mixed_widths() {
        // chars whose lower case is longer, shorter or the same length, in every arrangement
        let alphabet = ['a', 'A', 'Ⱥ', 'ⱥ', 'ẞ', 'ß', 'İ', 'i', 'K', 'k', 'Σ', '𐐀', 'é'];
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let text: String = (0..next(24)).map(|_| alphabet[next(alphabet.len())]).collect();
            let query: String = (0..1 + next(3)).map(|_| alphabet[next(alphabet.len())]).collect();
            check(&text, &query);
        }
    }

    #[test]
    fn every_char_lower_cases_as_core_does() {
        for u in 0..=0x10FFFFu32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(Some(lower_char(c)), c.to_lowercase().next(), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn strings_lower_case_as_core_does_apart_from_final_sigma() {
        for s in
            ["Hello WORLD", "ÀÉÎÕÜ Straße", "ПРИВЕТ мир", "ΑΘΗΝΑ", "ՀԱՅԵՐԵՆ", "Ǆǅǆ", "ＡＢＣ", "𐐀𐐁", "mixed ÄbC 42"]
        {
            assert_eq!(lower(s), s.to_lowercase(), "{s}");
        }
        assert_eq!(lower("ΟΔΟΣ"), "οδοσ");
        assert_eq!(lower("İstanbul"), "istanbul");
    }
}
