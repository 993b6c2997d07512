//! The full-text table built four ways from one index's text, for issue 16's choice of
//! tokenizer: what each costs (CPU time of a rebuild, bytes on disk) and what it finds.
//!
//!     cargo run --release --example fts_tokenizers -- DECK/.termdex/index.db WORD...
//!
//! Works on a copy of the index (DECK/.termdex/index.db is not changed). For each way:
//! `unicode61` (schema 4), `termdex_cjk` (schema 5), the text with a space between CJK
//! characters into `unicode61` (the transform), `trigram`. Prints the CPU seconds of the
//! rebuild, the full-text table's MB (dbstat), its distinct terms and how many cards
//! each WORD finds.

use std::time::Duration;

use rusqlite::Connection;

fn cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time =
        |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The text with a space on either side of every CJK character.
fn spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if termdex::index::is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((db, words)) = args.split_first() else {
        return Err("usage: fts_tokenizers INDEX.db WORD...".into());
    };
    let scratch = tempfile::tempdir_in(std::path::Path::new(db).parent().ok_or("no folder")?)?;
    println!("| way | rebuild CPU | full-text MB | terms | {} |", words.join(" | "));
    println!("|---|---|---|---|{}", "---|".repeat(words.len()));
    for (way, create, fill) in [
        (
            "unicode61 (schema 4)",
            "content = 'card_text', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'",
            None,
        ),
        (
            "termdex_cjk (schema 5)",
            "content = 'card_text', content_rowid = 'id', tokenize = 'termdex_cjk unicode61 remove_diacritics 2'",
            None,
        ),
        (
            "spaced CJK into unicode61",
            "content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'",
            Some(
                "INSERT INTO cards_fts (rowid, title, body) SELECT id, spaced(title), spaced(body) FROM card_text",
            ),
        ),
        (
            "trigram",
            "content = 'card_text', content_rowid = 'id', tokenize = 'trigram remove_diacritics 1'",
            None,
        ),
    ] {
        let copy = scratch.path().join("index.db");
        std::fs::copy(db, &copy)?;
        let conn = Connection::open(&copy)?;
        termdex::index::register_tokenizer(&conn)?;
        conn.create_scalar_function(
            "spaced",
            1,
            rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| Ok(spaced(&ctx.get::<String>(0)?)),
        )?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; DROP TABLE cards_fts;
             CREATE VIRTUAL TABLE cards_fts USING fts5 (title, body, {create});
             INSERT INTO cards_fts (cards_fts, rank) VALUES ('hashsize', 16777216);
             CREATE VIRTUAL TABLE terms USING fts5vocab (cards_fts, 'row');"
        ))?;
        let start = cpu();
        conn.execute_batch(&format!(
            "BEGIN; {}; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
            fill.unwrap_or("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')")
        ))?;
        let took = cpu() - start;
        let bytes: i64 = conn.query_row(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'cards\\_fts\\_%' ESCAPE '\\'",
            [],
            |r| r.get(0),
        )?;
        let terms: i64 = conn.query_row("SELECT count(*) FROM terms", [], |r| r.get(0))?;
        let mut found = Vec::new();
        for word in words {
            let query = if way.starts_with("spaced") { spaced(word) } else { word.clone() };
            let query = format!("\"{}\"", query.trim().replace('"', "\"\""));
            found.push(
                conn.query_row("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH ?1", [&query], |r| {
                    r.get::<_, i64>(0)
                })?
                .to_string(),
            );
        }
        println!(
            "| {way} | {:.2} s | {:.1} | {terms} | {} |",
            took.as_secs_f64(),
            bytes as f64 / 1e6,
            found.join(" | ")
        );
        drop(conn);
        std::fs::remove_file(&copy)?;
        let _ = std::fs::remove_file(copy.with_extension("db-wal"));
        let _ = std::fs::remove_file(copy.with_extension("db-shm"));
    }
    Ok(())
}
