-- termdex index, schema 2.
-- The views that open newest first (notes, week: `-modified`; journal, bookmarks:
-- `-created`) show their first screen from these: SQLite walks the index from the end
-- and stops once the screen is full, instead of testing every card and sorting them.
-- Descending, because those views are: the order then needs no sorting at all.
CREATE INDEX cards_by_modified ON cards (mtime_ns DESC, path);
CREATE INDEX cards_by_created  ON cards (created DESC, path);
