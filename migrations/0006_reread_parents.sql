-- termdex index, schema 6: no new tables, a new reading of parent fields. A parent that
-- is a table or a yes/no (`parent: {a: 1}`, `parent: yes`) names no card: it is now kept
-- as a parent that does not resolve (the card is marked, `check` warns) where schema 5
-- read no parent at all and put the card at the top unmarked. Cards indexed before read
-- it otherwise: the next refresh reads every card again, as `termdex index --full` would.
INSERT INTO termdex_meta (key, value)
    SELECT 'reread', 'schema 6: parent fields that are tables or yes/no' WHERE EXISTS (SELECT 1 FROM cards)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
