//! Any user template (`.termdex/templates/NAME.md`) with any `--set` values: rendering
//! must never panic, and a card it renders must parse. The checks are in
//! `tests/hostile/oracle.rs`, shared with the proptests, so a crash replays as a test.

#![no_main]

#[path = "../../tests/hostile/oracle.rs"]
mod oracle;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oracle::template_bytes(data));
