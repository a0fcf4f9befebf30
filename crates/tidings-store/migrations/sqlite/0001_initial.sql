-- The first schema: articles, comments, the people who run the site, their sessions, and
-- site settings. Times are whole seconds since the Unix epoch (UTC) in INTEGER columns, the
-- same in SQLite and PostgreSQL (BIGINT), so the two dialects store identical values.
-- STRICT tables make SQLite refuse a value of the wrong type instead of storing it.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- Compared case-insensitively: Ada@Example.com and ada@example.com are one account.
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'editor')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE articles (
    -- Kept equal to the WordPress post id on import, so /?p=ID links keep working.
    id INTEGER PRIMARY KEY,
    -- Unique across the site, as WordPress's post_name is in practice.
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    comments_open INTEGER NOT NULL CHECK (comments_open IN (0, 1))
) STRICT;

-- The front page: published articles, newest first.
CREATE INDEX articles_by_status_and_date ON articles (status, published_at DESC, id DESC);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- No foreign key: deleting a comment moves its replies up to its parent in the same
    -- transaction, and imported data may name parents that were never exported.
    parent_id INTEGER,
    author_name TEXT NOT NULL,
    author_email TEXT NOT NULL,
    author_url TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'trash')),
    status_before TEXT CHECK (status_before IN ('pending', 'approved', 'spam', 'trash')),
    moderation_reason TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- An article's approved comments and the per-article counts.
CREATE INDEX comments_by_article ON comments (article_id, status, created_at);
-- The moderation queue, newest first in each status.
CREATE INDEX comments_by_status ON comments (status, created_at DESC);
-- Flood control and "has this person an approved comment": lookups by IP and by email.
CREATE INDEX comments_by_ip ON comments (ip, created_at);
CREATE INDEX comments_by_email ON comments (author_email, created_at);
CREATE INDEX comments_by_parent ON comments (parent_id);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token: a stolen database does not yield live sessions.
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- Failed logins, counted per email and per IP address over a window, in the database so
-- that the count holds across several app nodes.
CREATE TABLE failed_logins (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX failed_logins_by_email ON failed_logins (email, at);
CREATE INDEX failed_logins_by_ip ON failed_logins (ip, at);

-- Site-wide settings as JSON documents under a name (discussion settings, secrets).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
