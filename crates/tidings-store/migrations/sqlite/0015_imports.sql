-- What imports brought in, by the id each thing had on the site it came from (a WordPress
-- post id, a Disqus post id): a second import of the same file finds what it added and
-- adds nothing, and the old site's `/?p=ID`, `/?cat=ID` and `/comments/ID/` addresses find
-- their new homes. `local_id` names a row of the table `kind` says; a row deleted since
-- leaves its entry, which lookups join away.
CREATE TABLE legacy_ids (
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'term', 'post', 'comment', 'attachment')),
    legacy_id TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (source, kind, legacy_id)
) STRICT;
CREATE INDEX legacy_ids_by_legacy_id ON legacy_ids (kind, legacy_id);

-- WordPress's pingbacks and trackbacks come in as what they are, beside readers' comments.
ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment'
    CHECK (kind IN ('comment', 'pingback', 'trackback'));

-- An old site's attachments: the record of a file (its title, caption, alt text, where it
-- was), and the media library's image when the file itself came too.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    media_id INTEGER REFERENCES media (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    caption TEXT NOT NULL,
    description TEXT NOT NULL,
    alt TEXT NOT NULL,
    url TEXT NOT NULL,
    file TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    uploaded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_article ON attachments (article_id);
-- An old upload's address (`/wp-content/uploads/2019/05/photo.jpg`) finds its image.
CREATE INDEX attachments_by_file ON attachments (file);

-- An attachment page's old address (`/2010/09/10/post/photo/`).
CREATE TABLE attachment_redirects (
    path TEXT PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachments (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX attachment_redirects_by_attachment ON attachment_redirects (attachment_id);
