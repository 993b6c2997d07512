//! The full-text tokenizer: FTS5's `unicode61`, with CJK text cut one character a token.
//!
//! Chinese and Japanese put no spaces between words, and `unicode61` keeps a run of
//! letters up to the next space or punctuation as one token: a whole clause of CJK text
//! was one term, so a word inside it was never found (issue 16: `索引` found 482 of the
//! 4,143 cards holding it). Here every token `unicode61` makes is passed on unchanged,
//! unless it holds CJK characters (Han, kana, Hangul: [`is_cjk`]); then each of those is a
//! token of its own, and the letters between them one token each. A query goes through
//! the same tokenizer, so FTS5 makes the word `索引` the phrase `索 引`: the two characters
//! next to each other, anywhere in a run. Latin text is tokenized exactly as before
//! (case and diacritics folding, which `unicode61` does, are untouched).
//!
//! FTS5 numbers tokens, not bytes, so `索。引` would hold the phrase `索 引` as well: where
//! punctuation (anything but white space) stands between two tokens and one of them is
//! CJK, a [`BREAK`] token goes between them, which no word can produce. ASCII text never
//! gets one, so its phrases match as they always did.
//!
//! The tokenizer lives in the connection, not in the file: every connection that touches
//! `cards_fts` registers it first ([`register`]); the sqlite3 shell cannot query
//! `cards_fts` (it has no `termdex_cjk`), though it can read every other table.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::ptr;

use rusqlite::Connection;
use rusqlite::ffi;

/// How `cards_fts` is tokenized (migrations/0005_cjk_tokens.sql): `termdex_cjk` wrapping
/// `unicode61 remove_diacritics 2`, whose arguments it passes on.
pub const TOKENIZE: &str = "termdex_cjk unicode61 remove_diacritics 2";

/// The token put between two tokens that punctuation separates, when one is CJK. U+3002
/// (`。`) is punctuation to `unicode61`, so no text ever makes it a token.
pub const BREAK: &str = "\u{3002}";

const NAME: &CStr = c"termdex_cjk";

/// Registers `termdex_cjk` on `conn` (again is harmless: the newer registration wins).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is the open connection's, used on this thread only, and the API
    // pointer FTS5 hands out lives as long as that connection.
    unsafe {
        let db = conn.handle();
        let api = fts5_api(db)?;
        let mut module =
            ffi::fts5_tokenizer { xCreate: Some(create), xDelete: Some(delete), xTokenize: Some(tokenize) };
        let Some(create_tokenizer) = (*api).xCreateTokenizer else {
            return Err(missing("FTS5 offers no xCreateTokenizer"));
        };
        // FTS5 copies the module; the user data is the API itself, for finding `unicode61`.
        let rc = create_tokenizer(api, NAME.as_ptr(), api.cast(), &mut module, None);
        check(db, rc)
    }
}

/// The `fts5_api` of the connection, fetched as SQLite's docs say: `SELECT fts5(?1)` with a
/// pointer bound to `?1`, which FTS5 fills in.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    unsafe {
        let mut stmt: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let sql = c"SELECT fts5(?1)";
        check(db, ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()))?;
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        let mut rc =
            ffi::sqlite3_bind_pointer(stmt, 1, (&raw mut api).cast(), c"fts5_api_ptr".as_ptr(), None);
        if rc == ffi::SQLITE_OK {
            rc = ffi::sqlite3_step(stmt);
        }
        let finalized = ffi::sqlite3_finalize(stmt);
        if rc != ffi::SQLITE_ROW && rc != ffi::SQLITE_DONE {
            return check(db, rc).map(|()| api);
        }
        check(db, finalized)?;
        if api.is_null() {
            return Err(missing("this SQLite has no FTS5"));
        }
        Ok(api)
    }
}

fn missing(what: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some(what.to_string()))
}

unsafe fn check(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Result<()> {
    if rc == ffi::SQLITE_OK {
        return Ok(());
    }
    // SAFETY: `db` is an open connection; its message is copied before anything else runs.
    let message = unsafe {
        let text = ffi::sqlite3_errmsg(db);
        (!text.is_null()).then(|| CStr::from_ptr(text).to_string_lossy().into_owned())
    };
    Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), message))
}

/// One `termdex_cjk` tokenizer: the `unicode61` (or other) tokenizer it wraps.
struct Wrapper {
    parent: ffi::fts5_tokenizer,
    instance: *mut ffi::Fts5Tokenizer,
}

/// `tokenize = 'termdex_cjk PARENT ARGS...'`: creates PARENT with ARGS (`unicode61` when
/// none is named).
unsafe extern "C" fn create(
    api: *mut c_void,
    args: *mut *const c_char,
    count: c_int,
    out: *mut *mut ffi::Fts5Tokenizer,
) -> c_int {
    unsafe {
        let api: *mut ffi::fts5_api = api.cast();
        let Some(find) = (*api).xFindTokenizer else { return ffi::SQLITE_ERROR };
        let (name, args, count) = if count > 0 && !args.is_null() {
            (*args, args.add(1), count - 1)
        } else {
            (c"unicode61".as_ptr(), args, 0)
        };
        let mut user: *mut c_void = ptr::null_mut();
        let mut parent = ffi::fts5_tokenizer { xCreate: None, xDelete: None, xTokenize: None };
        let rc = find(api, name, &mut user, &mut parent);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let (Some(make), Some(_), Some(_)) = (parent.xCreate, parent.xDelete, parent.xTokenize) else {
            return ffi::SQLITE_ERROR;
        };
        let mut instance = ptr::null_mut();
        let rc = make(user, args, count, &mut instance);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        *out = Box::into_raw(Box::new(Wrapper { parent, instance })).cast();
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn delete(tokenizer: *mut ffi::Fts5Tokenizer) {
    if tokenizer.is_null() {
        return;
    }
    // SAFETY: `create` made it from a Box, and FTS5 deletes each tokenizer once.
    let wrapper = unsafe { Box::from_raw(tokenizer.cast::<Wrapper>()) };
    if let Some(delete) = wrapper.parent.xDelete {
        unsafe { delete(wrapper.instance) };
    }
}

type TokenFn = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, c_int, c_int, c_int) -> c_int;

/// What the callback given to the parent tokenizer needs: the text, where FTS5 wants the
/// tokens, and what came before.
struct Cutting {
    text: *const u8,
    len: usize,
    emit: TokenFn,
    context: *mut c_void,
    /// The previous token's end (a byte offset) and whether its last character is CJK.
    previous: Option<(usize, bool)>,
}

unsafe extern "C" fn tokenize(
    tokenizer: *mut ffi::Fts5Tokenizer,
    context: *mut c_void,
    flags: c_int,
    text: *const c_char,
    len: c_int,
    emit: Option<TokenFn>,
) -> c_int {
    unsafe {
        let wrapper = &*tokenizer.cast::<Wrapper>();
        let (Some(parent_tokenize), Some(emit)) = (wrapper.parent.xTokenize, emit) else {
            return ffi::SQLITE_ERROR;
        };
        let mut cutting = Cutting {
            text: text.cast(),
            len: usize::try_from(len).unwrap_or(0),
            emit,
            context,
            previous: None,
        };
        parent_tokenize(wrapper.instance, (&raw mut cutting).cast(), flags, text, len, Some(cut))
    }
}

/// Called by the parent for each of its tokens: passes it on, cut where it holds CJK.
unsafe extern "C" fn cut(
    cutting: *mut c_void,
    flags: c_int,
    token: *const c_char,
    token_len: c_int,
    start: c_int,
    end: c_int,
) -> c_int {
    // SAFETY: `cutting` is the `Cutting` that `tokenize` passed down, alive for the call;
    // FTS5's text and token pointers are valid for the lengths it gives.
    unsafe {
        let cutting = &mut *cutting.cast::<Cutting>();
        let text = slice(cutting.text, cutting.len);
        let folded = slice(token.cast(), usize::try_from(token_len).unwrap_or(0));
        let (start_at, end_at) = (usize::try_from(start).unwrap_or(0), usize::try_from(end).unwrap_or(0));
        let broken = |cutting: &Cutting| {
            cutting.previous.is_some_and(|(previous_end, _)| {
                text.get(previous_end..start_at).is_some_and(holds_punctuation)
            })
        };
        // Nearly every token of Latin text: no CJK in it, passed on as it is, in one look
        // at its bytes (its break only when the token before it ended in CJK).
        if folded.is_ascii() {
            if cutting.previous.is_some_and(|(_, cjk)| cjk) && broken(cutting) {
                let rc = emit_break(cutting, flags, start_at);
                if rc != ffi::SQLITE_OK {
                    return rc;
                }
            }
            cutting.previous = Some((end_at, false));
            return (cutting.emit)(cutting.context, flags, token, token_len, start, end);
        }
        let (Ok(folded), Some(original)) = (
            std::str::from_utf8(folded),
            text.get(start_at..end_at).and_then(|t| std::str::from_utf8(t).ok()),
        ) else {
            // Not text we can read: as the parent made it.
            cutting.previous = Some((end_at, false));
            return (cutting.emit)(cutting.context, flags, token, token_len, start, end);
        };
        let send = |piece: &str, from: usize, to: usize| {
            let (Ok(n), Ok(from), Ok(to)) =
                (c_int::try_from(piece.len()), c_int::try_from(from), c_int::try_from(to))
            else {
                return ffi::SQLITE_TOOBIG;
            };
            (cutting.emit)(cutting.context, flags, piece.as_ptr().cast(), n, from, to)
        };
        if (cutting.previous.is_some_and(|(_, cjk)| cjk) || folded.chars().next().is_some_and(is_cjk))
            && broken(cutting)
        {
            let rc = emit_break(cutting, flags, start_at);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        cutting.previous = Some((end_at, folded.chars().next_back().is_some_and(is_cjk)));
        let mut rc = ffi::SQLITE_OK;
        pieces(folded, original, |piece, from, to| {
            if rc == ffi::SQLITE_OK {
                rc = send(piece, start_at + from, start_at + to);
            }
        });
        rc
    }
}

/// The [`BREAK`] token, spanning the punctuation from the previous token's end to `to`.
unsafe fn emit_break(cutting: &Cutting, flags: c_int, to: usize) -> c_int {
    let from = cutting.previous.map_or(to, |(end, _)| end);
    let (Ok(from), Ok(to)) = (c_int::try_from(from), c_int::try_from(to)) else { return ffi::SQLITE_TOOBIG };
    // SAFETY: FTS5's callback and context, as `tokenize` received them.
    unsafe { (cutting.emit)(cutting.context, flags, BREAK.as_ptr().cast(), BREAK.len() as c_int, from, to) }
}

unsafe fn slice<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if data.is_null() || len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(data, len) } }
}

/// Whether the bytes between two tokens hold anything but white space.
fn holds_punctuation(gap: &[u8]) -> bool {
    String::from_utf8_lossy(gap).chars().any(|c| !c.is_whitespace())
}

/// Cuts a token (`folded`, as the parent made it, from the text `original`) into its
/// pieces: each CJK character alone, the other characters between them together. Each
/// piece goes to `piece` with its byte span in `original`. CJK characters fold to
/// themselves, so each is found in `original` as it is; the others' spans are what lies
/// between those (folding may change their bytes, or drop a combining mark).
pub fn pieces(folded: &str, original: &str, mut piece: impl FnMut(&str, usize, usize)) {
    if !folded.chars().any(is_cjk) {
        piece(folded, 0, original.len());
        return;
    }
    let mut cursor = 0;
    let mut run: Option<usize> = None;
    for (at, c) in folded.char_indices() {
        if !is_cjk(c) {
            run.get_or_insert(at);
            continue;
        }
        let found = original.get(cursor..).and_then(|rest| rest.find(c)).map(|p| cursor + p);
        if let Some(run_start) = run.take() {
            piece(&folded[run_start..at], cursor, found.unwrap_or(cursor));
        }
        let from = found.unwrap_or(cursor);
        let to = found.map_or(cursor, |p| p + c.len_utf8());
        piece(&folded[at..at + c.len_utf8()], from, to);
        cursor = to;
    }
    if let Some(run_start) = run {
        piece(&folded[run_start..], cursor, original.len());
    }
}

/// Characters of scripts written without spaces between words, or whose words take
/// particles without a space (Korean): Han ideographs, kana, bopomofo, Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x2E80..=0x2FDF     // CJK radicals, Kangxi radicals
        | 0x3005..=0x3007     // 々 〆 〇
        | 0x3021..=0x3029     // Hangzhou numerals
        | 0x3031..=0x3035     // kana repetition marks
        | 0x3038..=0x303C
        | 0x3040..=0x30FF     // hiragana, katakana (ー included)
        | 0x3100..=0x312F     // bopomofo
        | 0x3131..=0x318F     // Hangul compatibility jamo
        | 0x31A0..=0x31BF     // bopomofo extended
        | 0x31F0..=0x31FF     // katakana phonetic extensions
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK unified ideographs
        | 0xA960..=0xA97F     // Hangul Jamo extended A
        | 0xAC00..=0xD7FF     // Hangul syllables, Jamo extended B
        | 0xF900..=0xFAFF     // CJK compatibility ideographs
        | 0xFF66..=0xFF9F     // halfwidth katakana
        | 0xFFA0..=0xFFDC     // halfwidth Hangul
        | 0x1B000..=0x1B16F   // kana supplement, extended A
        | 0x20000..=0x323AF   // CJK extensions B to H, compatibility supplement
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The terms `text` is indexed under, in order, via a real FTS5 table.
    fn terms(text: &str) -> Vec<String> {
        let conn = Connection::open_in_memory().expect("open");
        register(&conn).expect("register");
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = '{TOKENIZE}');
             CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');"
        ))
        .expect("tables");
        conn.execute("INSERT INTO t (rowid, x) VALUES (1, ?1)", [text]).expect("insert");
        let mut stmt = conn.prepare("SELECT term FROM v ORDER BY offset").expect("vocab");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("terms")
    }

    #[test]
    fn cjk_is_cut_one_character_a_token_and_latin_is_not_touched() {
        assert_eq!(terms("Café Naïve don't"), ["cafe", "naive", "don", "t"]);
        assert_eq!(terms("数据库索引"), ["数", "据", "库", "索", "引"]);
        assert_eq!(terms("キャッシュのDoc索引"), ["キ", "ャ", "ッ", "シ", "ュ", "の", "doc", "索", "引"]);
        assert_eq!(terms("색인을 만든다"), ["색", "인", "을", "만", "든", "다"]);
    }

    #[test]
    fn punctuation_next_to_cjk_is_a_break_and_white_space_is_not() {
        assert_eq!(terms("索。引"), ["索", BREAK, "引"]);
        assert_eq!(terms("索引。Done"), ["索", "引", BREAK, "done"]);
        assert_eq!(terms("索引 done"), ["索", "引", "done"]);
        assert_eq!(terms("done. next"), ["done", "next"], "ASCII phrases span punctuation as before");
    }

    #[test]
    fn an_index_of_schema_four_is_migrated_and_then_finds_the_cjk_word() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        let text = "我们为数据库建立索引以加快查询。\n";
        std::fs::write(root.join("a.md"), text).expect("write");
        let db = root.join(".termdex/index.db");
        std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir");
        let finds = |conn: &Connection| -> i64 {
            conn.query_row("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH '\"索引\"'", [], |r| {
                r.get(0)
            })
            .expect("match")
        };
        {
            // As schema 4 left it: the card indexed, its stamp current, the full-text index
            // built by `unicode61`, which holds the sentence as one token.
            let conn = Connection::open(&db).expect("create");
            crate::index::migrate::schema_at(&conn, 4);
            let meta = std::fs::metadata(root.join("a.md")).expect("stat");
            let mtime_ns = meta.mtime() * 1_000_000_000 + meta.mtime_nsec();
            conn.execute(
                "INSERT INTO cards (id, path, title, mtime_ns, size, created) VALUES (1, 'a.md', 'a', ?1, ?2, '')",
                rusqlite::params![mtime_ns, meta.len() as i64],
            )
            .expect("card");
            conn.execute("INSERT INTO card_text (id, title, body) VALUES (1, 'a', ?1)", [text])
                .expect("text");
            conn.execute_batch("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')").expect("rebuild");
            assert_eq!(finds(&conn), 0, "schema 4 does not find the word");
        }
        let opened = crate::index::Index::open(&db).expect("open");
        assert_eq!(opened.warning, None, "migrated, not rebuilt");
        let mut index = opened.index;
        let version: i64 = index.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, crate::index::SCHEMA_VERSION);
        assert_eq!(finds(&index.conn), 1, "found right after the migration, before any refresh");
        crate::index::refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!(finds(&index.conn), 1);
    }

    #[test]
    fn pieces_keep_their_place_in_the_original_text() {
        let mut got = Vec::new();
        pieces("doc索引é", "DOC索引É", |p, a, b| got.push((p.to_string(), a, b)));
        assert_eq!(
            got,
            [("doc".into(), 0, 3), ("索".into(), 3, 6), ("引".into(), 6, 9), ("é".into(), 9, 11)]
        );
    }
}
