-- termdex index, schema 8: no new tables, a new reading of names. Link targets and the
-- names cards answer to (paths, stems, titles, aliases) are compared in Unicode's
-- composed form (NFC), so that `Café` typed with a combining accent, as macOS writes
-- file names, names `Café.md`. Names stored before are read again by the next refresh,
-- as `termdex index --full` would.
INSERT INTO termdex_meta (key, value)
    SELECT 'reread', 'schema 8: names compared in NFC' WHERE EXISTS (SELECT 1 FROM cards)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
