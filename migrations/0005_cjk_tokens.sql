-- termdex index, schema 5: CJK words are found inside sentences (issue 16).
-- `unicode61` kept a run of CJK characters up to the next space or punctuation as one
-- token, so a word inside a Chinese or Japanese sentence was not found. `termdex_cjk`
-- (src/index/tokenizer.rs) wraps the same `unicode61 remove_diacritics 2` and cuts CJK
-- text one character a token; Latin text is tokenized as before. The text is all in
-- `card_text`, so the full-text index is rebuilt from it here, as `termdex index --full`
-- would rebuild it, without reading any card again. (A new index has no text, and the
-- rebuild costs nothing.)
DROP TABLE cards_fts;

CREATE VIRTUAL TABLE cards_fts USING fts5 (
    title, body,
    content = 'card_text', content_rowid = 'id',
    tokenize = 'termdex_cjk unicode61 remove_diacritics 2'
);

-- As schema 1: a 16 MiB in-memory term buffer for the bulk builds.
INSERT INTO cards_fts (cards_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO cards_fts (cards_fts) VALUES ('rebuild');
