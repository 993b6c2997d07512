-- termdex index, schema 4: no new tables, a new reading of numbers. YAML and TOML floats
-- beyond a 64-bit float (1e400, 1e-400) are numbers with their digits, `.inf`, `.nan`
-- and TOML's `inf`/`nan` stay text and are the card's error. Cards indexed before read
-- them otherwise: the next refresh reads every card again, as `termdex index --full`
-- would. (A new index has no cards, and its first refresh reads them all anyway.)
INSERT INTO termdex_meta (key, value)
    SELECT 'reread', 'schema 4: YAML and TOML numbers read as JSON''s' WHERE EXISTS (SELECT 1 FROM cards)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
