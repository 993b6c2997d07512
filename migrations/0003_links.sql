-- termdex index, schema 3: links resolve to cards.
-- Every link keeps where it is (line), what it says (target, label) and the card it names
-- (to_id, NULL when broken); every card keeps the names links find it by. Resolution
-- (src/index/links.rs) follows the cards as they are added, renamed and removed.

-- Schema 1's links had one row per (card, target): no line, no label, not resolved.
DROP TABLE links;

CREATE TABLE links (
    card_id   INTEGER NOT NULL,           -- the linking card (cards.id)
    pos       INTEGER NOT NULL,           -- the link's place among the card's links, from 0
    line      INTEGER NOT NULL,           -- 1-based line of the file
    body_line INTEGER NOT NULL,           -- the same line, 1-based, within card_text.body
    kind      TEXT    NOT NULL,           -- 'wiki' [[x]] | 'embed' ![[x]] | 'path' [t](x.md)
    target    TEXT    NOT NULL,           -- as written: 'Target#Heading', '../x%20y.md'
    label     TEXT,                       -- [[x|label]], [label](x.md)
    key       TEXT    NOT NULL,           -- the name looked up: folded, extension dropped;
                                          -- the dex-relative path of a relative link
    tail      TEXT    NOT NULL,           -- key after its last '/': what file stems match
    suffix    TEXT    NOT NULL,           -- the folders and name as written ('notes/target'),
                                          -- which a stem match's path must end with; ''
                                          -- when the link names no folder
    to_id     INTEGER,                    -- the card it names (cards.id); NULL when broken
    PRIMARY KEY (card_id, pos)
) STRICT, WITHOUT ROWID;

-- A change to a card's names re-resolves only the links whose tail is one of them.
CREATE INDEX links_by_tail ON links (tail);
-- Backlinks, `links:X`, `has:backlinks`.
CREATE INDEX links_by_to ON links (to_id) WHERE to_id IS NOT NULL;

-- The names a card answers to, folded like links.key: kind 2 its file stem, 3 its title,
-- 4 each alias (an `aliases` field). A link takes the first match of: its key as a path,
-- its tail as a stem (whose path ends with the link's suffix), its key as a title, as an
-- alias; among several cards, the shortest path. Every row carries the card's path, so
-- that a lookup is one walk of card_names_by_key, shortest path first.
CREATE TABLE card_names (
    card_id INTEGER NOT NULL,             -- cards.id
    kind    INTEGER NOT NULL,
    key     TEXT    NOT NULL,
    path    TEXT    NOT NULL,             -- the card's path, folded, extension dropped
    plen    INTEGER NOT NULL,             -- the length of the card's path as written
    PRIMARY KEY (card_id, kind, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX card_names_by_key ON card_names (key, kind, plen, path);

-- Cards indexed before this schema have neither names nor resolvable links: the next
-- refresh reads every card again, as `termdex index --full` would. (A new index has no
-- cards, and its first refresh reads them all anyway.)
INSERT INTO termdex_meta (key, value)
    SELECT 'reread', 'schema 3: links resolve to cards' WHERE EXISTS (SELECT 1 FROM cards)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
