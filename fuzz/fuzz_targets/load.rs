//! Fuzzes the whole import entry (sniffing + every importer): never a panic, and whatever loads
//! must survive a round trip through Canopy's own format.
#![no_main]

use canopy::import::{canopy as canopy_format, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = load("fuzz.json", data) {
        let written = canopy_format::write(&loaded.set, None);
        let again = load("again.json", written.as_bytes()).expect("a written Canopy file loads");
        assert_eq!(again.set.observation_count(), loaded.set.observation_count());
    }
});
