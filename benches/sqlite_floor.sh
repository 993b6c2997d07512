#!/usr/bin/env bash
# The floor under any first index kept in SQLite (docs/benchmarks.md, "The floor under
# any SQLite build"): what SQLite alone needs to build termdex's tables from rows it
# already has, with nothing read from the cards, nothing parsed, no journal and no sync.
# A first index cannot be faster than this, however its loader is written.
#
#   bash benches/sqlite_floor.sh DECK
#
# DECK must hold an index (`termdex --dex DECK index`). Needs the sqlite3 shell; it cannot
# load termdex's own tokenizer, so full text is built with FTS5's `unicode61
# remove_diacritics 2`, which costs the same on text without CJK (see "CJK full text").
# Prints the wall, user and system time of:
#   cat    `cat` of every card (the floor of issue 16)
#   fields cards, fields, names and links copied into a new file, then their indexes
#   text   the cards' text copied into another new file, then its full-text index
#   both   the two at once, as two processes (one per core on a 2-core machine)
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: bash benches/sqlite_floor.sh DECK" >&2; exit 2; }
deck=$(cd "$1" && pwd)
index=$deck/.termdex/index.db
[ -f "$index" ] || { echo "no index in $deck: run termdex --dex $deck index first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fast="PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
PRAGMA temp_store=MEMORY; PRAGMA threads=2;"
tables="cards card_fields card_names links"
{
    echo "$fast"
    for t in $tables; do sqlite3 "$index" ".schema $t" | grep -v '^CREATE INDEX'; done
    echo "ATTACH '$index' AS o; BEGIN;"
    for t in $tables; do echo "INSERT INTO $t SELECT * FROM o.$t;"; done
    for t in $tables; do sqlite3 "$index" ".schema $t" | grep '^CREATE INDEX'; done
    echo "COMMIT;"
} > "$work/fields.sql"
{
    echo "$fast"
    sqlite3 "$index" ".schema card_text"
    echo "CREATE VIRTUAL TABLE cards_fts USING fts5 (title, body, content = 'card_text',
        content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');"
    echo "ATTACH '$index' AS o; BEGIN;"
    echo "INSERT INTO card_text SELECT * FROM o.card_text;"
    echo "INSERT INTO cards_fts (cards_fts) VALUES ('rebuild');"
    echo "COMMIT;"
} > "$work/text.sql"

find "$deck" -path "$deck/.termdex" -prune -o -name '*.md' -print0 > "$work/list"
cat "$index" > /dev/null # the source rows come from the page cache, as the cards do
time_it() { /usr/bin/time -f "$1 %e s wall, %U s user, %S s sys" sh -c "$2"; }
for run in 1 2 3; do
    echo "run $run"
    time_it cat "xargs -0 cat < '$work/list' > /dev/null"
    rm -f "$work/f.db" "$work/t.db"
    time_it fields "sqlite3 '$work/f.db' < '$work/fields.sql' > /dev/null"
    time_it text "sqlite3 '$work/t.db' < '$work/text.sql' > /dev/null"
    rm -f "$work/f.db" "$work/t.db"
    time_it both "sqlite3 '$work/f.db' < '$work/fields.sql' > /dev/null &
        sqlite3 '$work/t.db' < '$work/text.sql' > /dev/null; wait"
done
