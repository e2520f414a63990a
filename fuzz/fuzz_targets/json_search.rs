//! Fuzzes the JSON viewer's search (`model::fold::find_folded`): whatever the text and query,
//! every match is a range on char boundaries of the text itself, non-empty, left to right and not
//! overlapping, that lower-cases to the query; and the matches are exactly the leftmost ones a
//! char-by-char search of the lower-cased text finds.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::json_search(data));
