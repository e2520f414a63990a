//! Fuzzes the Markdown reader on any text: never a panic, every `Start` has its `End`, nesting
//! stays within the caps, and links and images only carry addresses written in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::markdown(data));
