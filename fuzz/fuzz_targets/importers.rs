//! Fuzzes each importer directly (no sniffing): the first byte picks the format, the rest is input.
#![no_main]

use canopy::import::{load_as, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let format = Format::ALL[pick as usize % Format::ALL.len()];
    let _ = load_as("fuzz.json", body, format);
});
