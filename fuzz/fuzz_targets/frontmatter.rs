//! Any bytes as a card: reading and indexing it must never panic. The checks are in
//! `tests/hostile/oracle.rs`, shared with the proptests, so a crash replays as a test.

#![no_main]

#[path = "../../tests/hostile/oracle.rs"]
mod oracle;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| oracle::card_bytes(data));
