-- Nested sections live under their parents' addresses, as in WordPress:
-- `/category/world/asia/`. `path` is a section's slug after its ancestors' (a tag's is its
-- slug). The store rewrites the paths of the sections a write moves, in its transaction;
-- here every term starts at its slug, and the store nests the sections that have parents
-- when it opens.
ALTER TABLE terms ADD COLUMN path TEXT NOT NULL DEFAULT '';
UPDATE terms SET path = slug;
