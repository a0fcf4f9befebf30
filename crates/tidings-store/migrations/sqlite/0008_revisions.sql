-- Revisions and corrections.
--
-- Every save of an article keeps its text (headline, standfirst, excerpt, body) with who
-- saved it and when; an autosave is one more row per editor and article, replaced each
-- time and removed when that editor saves. Articles written before this migration get
-- their current text as their first revision, so there is something to compare with.
CREATE TABLE article_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    autosave INTEGER NOT NULL CHECK (autosave IN (0, 1)),
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    body_markdown TEXT NOT NULL
) STRICT;
CREATE INDEX article_revisions_by_article ON article_revisions (article_id, id);
INSERT INTO article_revisions (article_id, author_id, created_at, autosave, title, subtitle,
        excerpt, body_markdown)
    SELECT id, author_id, updated_at, FALSE, title, subtitle, excerpt, body_markdown
      FROM articles ORDER BY id;

-- A correction note on an article, dated, with the revision current when it was added.
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    revision_id INTEGER REFERENCES article_revisions (id) ON DELETE SET NULL,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX corrections_by_article ON corrections (article_id, created_at);
CREATE INDEX corrections_by_time ON corrections (created_at DESC, id DESC);
