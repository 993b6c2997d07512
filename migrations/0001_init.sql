-- termdex index, schema 1.
-- The index is a cache of the dex's markdown files: everything here can be rebuilt from them.

-- One row per card file.
CREATE TABLE cards (
    id         INTEGER PRIMARY KEY,
    path       TEXT    NOT NULL UNIQUE,   -- relative to the dex root, '/'-separated
    title      TEXT    NOT NULL,
    fields     TEXT    NOT NULL DEFAULT '{}', -- the frontmatter as a JSON object, key order kept
    body       TEXT    NOT NULL DEFAULT '',   -- text after the frontmatter (capped)
    format     TEXT,                      -- 'yaml' | 'toml' | 'json', NULL without frontmatter
    mtime_ns   INTEGER NOT NULL,          -- change detection: (mtime_ns, size) as last read
    size       INTEGER NOT NULL,
    created    TEXT    NOT NULL,          -- sortable date: frontmatter created/date, else mtime
    error      TEXT,                      -- why the frontmatter did not parse
    error_line INTEGER,                   -- 1-based file line of that error
    lossy      INTEGER NOT NULL DEFAULT 0, -- 1: not valid UTF-8, read with replacement characters
    truncated  INTEGER NOT NULL DEFAULT 0  -- 1: larger than the cap, only the start is indexed
) STRICT;

-- Covers the no-change refresh, which reads every stamp and must not touch the bodies.
CREATE INDEX cards_by_stamp ON cards (path, mtime_ns, size);
-- `check` and the error count in every summary.
CREATE INDEX cards_with_error ON cards (path) WHERE error IS NOT NULL;

-- Fields flattened for filtering and facets: one row per scalar, per list element, and
-- per nested map (dotted keys: 'author.name'). Filters never have to scan JSON.
CREATE TABLE card_fields (
    card_id INTEGER NOT NULL,             -- cards.id
    key     TEXT    NOT NULL,             -- lower-cased dotted key
    pos     INTEGER NOT NULL,             -- element number within the key, 0 for a scalar
    kind    TEXT    NOT NULL,             -- 'text' | 'number' | 'bool' | 'date' | 'null' | 'map'
    text    TEXT,                         -- the value as written
    norm    TEXT,                         -- lower-cased text, for case-insensitive matching
    num     REAL,                         -- numbers; booleans as 0/1
    time    TEXT,                         -- dates 'YYYY-MM-DD', datetimes 'YYYY-MM-DDTHH:MM:SS'
    PRIMARY KEY (card_id, key, pos)
) STRICT, WITHOUT ROWID;

CREATE INDEX card_fields_by_text ON card_fields (key, norm);
CREATE INDEX card_fields_by_num  ON card_fields (key, num)  WHERE num IS NOT NULL;
CREATE INDEX card_fields_by_time ON card_fields (key, time) WHERE time IS NOT NULL;

-- Links out of each card: 'wiki' targets are names, 'path' targets dex-relative paths.
CREATE TABLE links (
    card_id INTEGER NOT NULL,             -- cards.id
    target  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    PRIMARY KEY (card_id, target, kind)
) STRICT, WITHOUT ROWID;

CREATE INDEX links_by_target ON links (target);

-- Full text over title and body; the text lives in `cards`, FTS5 keeps only its index.
CREATE VIRTUAL TABLE cards_fts USING fts5 (
    title, body,
    content = 'cards', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN
    INSERT INTO cards_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN
    INSERT INTO cards_fts (cards_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;

CREATE TRIGGER cards_fts_update AFTER UPDATE OF title, body ON cards BEGIN
    INSERT INTO cards_fts (cards_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO cards_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
