-- The discussion: spam filtering, proof of work, edits by commenters, reports, and
-- subscriptions to replies.

-- The statistical spam filter's verdict when the comment arrived (0 = surely legitimate,
-- 1 = surely spam), shown in the moderation queue; NULL before the filter existed.
ALTER TABLE comments ADD COLUMN spam_score REAL;
-- What the filter learnt from this comment ('spam' or 'ham'), so that a moderator who
-- changes their mind unteaches it first; NULL when it taught nothing yet.
ALTER TABLE comments ADD COLUMN trained_as TEXT CHECK (trained_as IN ('spam', 'ham'));
-- The proof-of-work challenge the comment was posted with: each challenge buys one comment.
ALTER TABLE comments ADD COLUMN proof TEXT;
-- When the commenter (through their signed link) or a moderator last edited it.
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
-- The commenter's avatar: a keyed hash of their email under a secret of the site, so the
-- same person gets the same picture and nothing in the page can be matched to the email.
ALTER TABLE comments ADD COLUMN avatar_key TEXT;
-- Partial: most comments (imports, replies from the admin) have none, and posting should
-- not pay for indexing them.
CREATE UNIQUE INDEX comments_by_proof ON comments (proof) WHERE proof IS NOT NULL;

-- How often each word appeared in spam and in legitimate comments the filter learnt from.
-- The row with the empty token counts the comments themselves.
CREATE TABLE spam_tokens (
    token TEXT PRIMARY KEY,
    spam INTEGER NOT NULL,
    ham INTEGER NOT NULL
) STRICT;

-- Readers telling the moderators that a comment is out of line.
CREATE TABLE comment_reports (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX comment_reports_by_comment ON comment_reports (comment_id);
CREATE INDEX comment_reports_by_ip ON comment_reports (ip, created_at);

-- Readers who asked for mail about new comments: on a whole article (comment_id NULL) or on
-- the replies to one comment. Nothing is sent until the address confirms (double opt-in).
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    -- Stored lower-cased by the app, so plain equality finds an address in both dialects.
    email TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    -- A random token: the confirmation and unsubscribe links carry it.
    token TEXT NOT NULL UNIQUE,
    confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_by_article ON subscriptions (article_id, comment_id);
CREATE INDEX subscriptions_by_email ON subscriptions (email);
