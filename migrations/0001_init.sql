-- termdex index, schema 1.
-- The index is a cache of the dex's markdown files: everything here can be rebuilt from them.

-- Facts about the index itself: 'schema' holds a fingerprint of the migrations that
-- built it, so an index from a build with a different schema is rebuilt, not trusted.
CREATE TABLE termdex_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per card file.
CREATE TABLE cards (
    id         INTEGER PRIMARY KEY,
    path       TEXT    NOT NULL UNIQUE,   -- relative to the dex root, '/'-separated
    title      TEXT    NOT NULL,
    fields     TEXT    NOT NULL DEFAULT '{}', -- the frontmatter as a JSON object, key order kept
    format     TEXT,                      -- 'yaml' | 'toml' | 'json', NULL without frontmatter
    mtime_ns   INTEGER NOT NULL,          -- change detection: (mtime_ns, size) as last read
    size       INTEGER NOT NULL,
    created    TEXT    NOT NULL,          -- sortable date: frontmatter created/date, else mtime
    error      TEXT,                      -- why the frontmatter did not parse
    error_line INTEGER,                   -- 1-based file line of that error
    lossy      INTEGER NOT NULL DEFAULT 0, -- 1: not valid UTF-8, read with replacement characters
    truncated  INTEGER NOT NULL DEFAULT 0  -- 1: larger than the cap, only the start is indexed
) STRICT;

-- The text full-text search reads: kept apart from `cards` so that listing cards never
-- pages through bodies. `id` is `cards.id`.
CREATE TABLE card_text (
    id    INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body  TEXT NOT NULL                   -- text after the frontmatter (capped)
) STRICT;

-- Covers the no-change refresh, which reads every stamp and nothing else.
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

-- Full text over title and body. The text lives in `card_text`; FTS5 keeps only its index.
-- No triggers: the index layer updates this table itself, because FTS5 flushes its
-- pending data at every statement savepoint a trigger opens, which made bulk indexing
-- ten times slower; a full index instead rebuilds it in one pass.
CREATE VIRTUAL TABLE cards_fts USING fts5 (
    title, body,
    content = 'card_text', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- A 16 MiB in-memory term buffer (default 1 MiB): a full index writes a few large
-- segments instead of hundreds of small ones that then have to be merged.
INSERT INTO cards_fts (cards_fts, rank) VALUES ('hashsize', 16777216);
