//! Fuzzes redaction (`export::redact`, user patterns by `regex-lite` as in tests/redaction.rs): a
//! trace whose payload is the fuzzer's JSON (or its text as a string) next to planted secrets,
//! redacted with the detectors and options the first byte picks. Never a panic; every export
//! format opens again with every observation; and a planted secret whose detector is on is in no
//! export.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_checks/mod.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::redaction(data));
