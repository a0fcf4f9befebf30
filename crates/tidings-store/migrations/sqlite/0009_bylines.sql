-- Bylines and author pages.
--
-- Every account gets a slug for its public author page (`/author/slug/`) and a bio; new
-- accounts take their slug from their name, accounts from before this migration get
-- `author-ID` until their profile changes it. An article's authors are listed in order
-- in `article_authors`; `articles.author_id` stays the first of them, WordPress's one
-- author, for what reads only one.
ALTER TABLE users ADD COLUMN slug TEXT;
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
UPDATE users SET slug = 'author-' || CAST(id AS TEXT);
CREATE UNIQUE INDEX users_by_slug ON users (slug);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, user_id)
) STRICT;
CREATE INDEX article_authors_by_user ON article_authors (user_id, article_id);
INSERT INTO article_authors (article_id, user_id, position)
    SELECT id, author_id, 0 FROM articles WHERE author_id IS NOT NULL;
