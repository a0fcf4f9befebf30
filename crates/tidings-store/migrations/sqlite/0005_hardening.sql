-- Hardening after an attack on the comment section and the admin.
--
-- 1. Ids are never reused. Without AUTOINCREMENT, SQLite gives a new row the largest id in
--    the table plus one, so deleting the newest comment for good handed its id to the next
--    one, and a signed link naming the old id then acted on a stranger's comment. The tables
--    whose ids appear in addresses and signed links are rebuilt with AUTOINCREMENT (SQLite
--    cannot add it in place); the migration runner turns foreign keys off around this file,
--    so dropping the old tables cascades nowhere, and checks them before it commits. An id
--    freed before this migration can still come back once, which is why signed links also
--    name the comment's creation time.

CREATE TABLE users_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('administrator', 'editor')),
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
INSERT INTO users_rebuilt (id, email, display_name, role, password_hash, created_at)
    SELECT id, email, display_name, role, password_hash, created_at FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;

CREATE TABLE articles_rebuilt (
    -- Kept equal to the WordPress post id on import, so /?p=ID links keep working.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    comments_open INTEGER NOT NULL CHECK (comments_open IN (0, 1))
) STRICT;
INSERT INTO articles_rebuilt (id, slug, title, body_markdown, status, published_at, updated_at,
        author_id, comments_open)
    SELECT id, slug, title, body_markdown, status, published_at, updated_at, author_id,
        comments_open FROM articles;
DROP TABLE articles;
ALTER TABLE articles_rebuilt RENAME TO articles;
CREATE INDEX articles_by_status_and_date ON articles (status, published_at DESC, id DESC);

CREATE TABLE comments_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
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
    created_at INTEGER NOT NULL,
    content_html TEXT,
    spam_score REAL,
    trained_as TEXT CHECK (trained_as IN ('spam', 'ham')),
    proof TEXT,
    edited_at INTEGER,
    avatar_key TEXT
) STRICT;
INSERT INTO comments_rebuilt (id, article_id, parent_id, author_name, author_email, author_url,
        content, status, status_before, moderation_reason, ip, user_agent, created_at,
        content_html, spam_score, trained_as, proof, edited_at, avatar_key)
    SELECT id, article_id, parent_id, author_name, author_email, author_url, content, status,
        status_before, moderation_reason, ip, user_agent, created_at, content_html, spam_score,
        trained_as, proof, edited_at, avatar_key FROM comments;
DROP TABLE comments;
ALTER TABLE comments_rebuilt RENAME TO comments;
CREATE INDEX comments_by_article ON comments (article_id, status, created_at);
-- Ascending, so read backwards it gives the queue's order (newest first, then highest id)
-- without a sort; the implicit rowid column sorts ascending too.
CREATE INDEX comments_by_status ON comments (status, created_at);
CREATE INDEX comments_by_ip ON comments (ip, created_at);
CREATE INDEX comments_by_parent ON comments (parent_id);
CREATE UNIQUE INDEX comments_by_proof ON comments (proof) WHERE proof IS NOT NULL;

-- 2. One address, one person: Victim@example.com and vICTIM@EXAMPLE.COM count together for
--    the hourly limits, flood control and "previously approved author". Lookups go through
--    lower(author_email), the same expression in both dialects.
CREATE INDEX comments_by_email ON comments (lower(author_email), created_at);

-- 3. The admin's comment list pages by key (created_at, id), never by OFFSET, in every tab.
CREATE INDEX comments_by_time ON comments (created_at, id);

-- 4. At most one confirmation mail a day to an address that has not confirmed: when the
--    one pending subscription's mail went out (NULL: none was sent for this one).
ALTER TABLE subscriptions ADD COLUMN confirmation_sent_at INTEGER;

-- 5. Failed sign-ins from a browser the account signed in with before carry that browser's
--    random key, so they count against its own allowance and an attacker's failures
--    (without it) cannot lock the owner out. '' for every other browser.
ALTER TABLE failed_logins ADD COLUMN device TEXT NOT NULL DEFAULT '';
CREATE INDEX failed_logins_by_device ON failed_logins (device, at);

-- 6. Mail handed to the mail server, for the hourly caps per address and for the whole site,
--    which hold across restarts and nodes. Rows older than a day are pruned.
CREATE TABLE mail_deliveries (
    id INTEGER PRIMARY KEY,
    -- Lower-cased, like every address the caps compare.
    recipient TEXT NOT NULL,
    sent_at INTEGER NOT NULL
) STRICT;
CREATE INDEX mail_deliveries_by_recipient ON mail_deliveries (recipient, sent_at);
CREATE INDEX mail_deliveries_by_time ON mail_deliveries (sent_at);
