-- The media library: one row an uploaded image. Its files (the original, kept but never
-- served, and the variants made at upload) live in the media storage, the data folder or
-- an object store, under `key`; the row says what they are.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'gif')),
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    bytes INTEGER NOT NULL CHECK (bytes > 0),
    original_name TEXT NOT NULL,
    alt TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX media_newest_first ON media (uploaded_at DESC, id DESC);

-- An article's featured image and a person's avatar name the widest variant of an image
-- (`/media/key/1600.jpg`), from which every other width follows; empty when none.
ALTER TABLE articles ADD COLUMN featured_image TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN featured_image_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
