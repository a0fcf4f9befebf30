-- The newsroom: more article states, pages beside articles, a standfirst, an excerpt, sticky
-- articles, the "Updated" time, and sections and tags.
--
-- States: `pending` (submitted for review), `private` (staff only) and `trash` (restorable
-- for 30 days; `status_before_trash` says what restoring gives back). A CHECK cannot be
-- changed in place in SQLite, so the table is rebuilt, keeping every id (the migration
-- runner turns foreign keys off around a migration and checks them before it commits).
--
-- Pages (About, Contact) are rows of the same table with `kind = 'page'`: they share the
-- comment section, the editor and the revisions. A page lives at `/page_path/`, which the
-- store keeps equal to its parent's path, a slash and its slug; an article's slug is unique
-- among articles, a page's path among pages.

CREATE TABLE articles_rebuilt (
    -- The columns of before in their order, then the new ones in PostgreSQL's order (it
    -- adds them at the end), so both dialects describe the same table.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'pending', 'published', 'private', 'trash')),
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    comments_open INTEGER NOT NULL CHECK (comments_open IN (0, 1)),
    kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'page')),
    subtitle TEXT NOT NULL DEFAULT '',
    excerpt TEXT NOT NULL DEFAULT '',
    status_before_trash TEXT
        CHECK (status_before_trash IN ('draft', 'pending', 'published', 'private')),
    trashed_at INTEGER,
    revised_at INTEGER,
    sticky INTEGER NOT NULL DEFAULT 0 CHECK (sticky IN (0, 1)),
    parent_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    page_path TEXT,
    CHECK ((kind = 'page') = (page_path IS NOT NULL))
) STRICT;
INSERT INTO articles_rebuilt (id, slug, title, body_markdown, status, published_at, updated_at,
        author_id, comments_open)
    SELECT id, slug, title, body_markdown, status, published_at, updated_at, author_id,
        comments_open FROM articles;
DROP TABLE articles;
ALTER TABLE articles_rebuilt RENAME TO articles;
CREATE UNIQUE INDEX articles_by_slug ON articles (slug) WHERE kind = 'article';
CREATE UNIQUE INDEX pages_by_path ON articles (page_path) WHERE kind = 'page';
CREATE INDEX articles_by_status_and_date
    ON articles (kind, status, published_at DESC, id DESC);
CREATE INDEX articles_by_author ON articles (author_id);
CREATE INDEX articles_in_trash ON articles (trashed_at) WHERE status = 'trash';
-- The few sticky articles, for the top of the front page.
CREATE INDEX articles_pinned ON articles (published_at) WHERE sticky = TRUE;

-- Sections (WordPress's categories, hierarchical) and tags (flat). A slug is unique in its
-- taxonomy; a section's parent is another section, and the store refuses loops.
CREATE TABLE terms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('section', 'tag')),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES terms (id) ON DELETE SET NULL,
    UNIQUE (taxonomy, slug)
) STRICT;
CREATE INDEX terms_by_parent ON terms (parent_id);

-- An article's sections and tags in the order the editor gave them; its first section is
-- its primary one.
CREATE TABLE article_terms (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    term_id INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- The article's date, copied here (every save rewrites these rows) so a section's
    -- archive reads its newest articles through one index instead of sorting them all.
    published_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, term_id)
) STRICT;
CREATE INDEX article_terms_by_term
    ON article_terms (term_id, published_at DESC, article_id DESC);

-- Every article has a section: "Uncategorised" until an editor chooses one, as in WordPress.
INSERT INTO terms (taxonomy, slug, name) VALUES ('section', 'uncategorised', 'Uncategorised');
INSERT INTO settings (name, value)
    SELECT 'default_section', CAST(id AS TEXT) FROM terms WHERE slug = 'uncategorised'
    ON CONFLICT (name) DO NOTHING;
INSERT INTO article_terms (article_id, term_id, position, published_at)
    SELECT a.id, t.id, 0, a.published_at FROM articles a, terms t
     WHERE t.taxonomy = 'section' AND t.slug = 'uncategorised';
