//! Any string as a filter, run the way `termdex query` and the TUI run it against a small
//! real index: no panic, and compiled SQL always runs. The checks are in
//! `tests/hostile/oracle.rs`, shared with the proptests, so a crash replays as a test.

#![no_main]

#[path = "../../tests/hostile/oracle.rs"]
mod oracle;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

/// Built once: indexing per input would cost more than the filter under test.
static DEX: LazyLock<std::sync::Mutex<oracle::FilterDex>> =
    LazyLock::new(|| std::sync::Mutex::new(oracle::FilterDex::new()));

fuzz_target!(|data: &[u8]| {
    let Ok(filter) = std::str::from_utf8(data) else { return };
    let dex = DEX.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    dex.filter(filter);
});
