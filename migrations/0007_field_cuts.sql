-- termdex index, schema 7: what of a card's fields got no rows in `card_fields`. A card
-- makes at most so many rows (shared fairly between its fields since this schema; before,
-- every field after a long list lost its rows), maps so deep and keys so long: `cut` says
-- what was left out, as JSON ({"listed": [{"why": "values" | "deep" | "long_key", "key":
-- ...}], "more": N}), so that `check` can warn; NULL when nothing was. Cards indexed
-- before have no such record and were flattened otherwise: the next refresh reads every
-- card again, as `termdex index --full` would.
ALTER TABLE cards ADD COLUMN cut TEXT;
INSERT INTO termdex_meta (key, value)
    SELECT 'reread', 'schema 7: fields cut from the index are recorded' WHERE EXISTS (SELECT 1 FROM cards)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
