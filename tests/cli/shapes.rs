//! The synthetic deck generator (`examples/gen_corpus.rs`): its default output never
//! changes (benchmarks compare figures across commits), and each shape option changes
//! what it says it does.

use std::fs;
use std::path::{Path, PathBuf};

#[path = "../../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// FNV-1a over every file's relative path and bytes, in path order: std's hashers
/// promise no stability across releases, this one is fixed.
fn deck_hash(root: &Path) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in files(root) {
        let rel = path.strip_prefix(root).expect("under the root");
        eat(rel.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&fs::read(&path).expect("read a generated card"));
        eat(&[0]);
    }
    hash
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read a generated folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out.sort();
    out
}

#[test]
fn the_default_deck_is_byte_for_byte_what_it_was() {
    // Recorded from the generator as it was before shapes existed (commit e809a5a).
    for (n, seed, recorded) in [(300, 1, 0x7a59_f795_38b5_d0d8), (1100, 7, 0x8442_da53_976d_11e7)] {
        let dir = tempfile::tempdir().expect("temp dir");
        gen_corpus::generate(n, seed, dir.path()).expect("generate");
        let hash = deck_hash(dir.path());
        assert_eq!(hash, recorded, "{n} cards, seed {seed}: 0x{hash:016x}");
    }
}
