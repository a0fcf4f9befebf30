-- Webhooks: addresses an administrator registered for some events, each with the secret
-- its deliveries are signed with (kept as is: the site must sign with it, and the admin
-- shows it to whoever sets up the receiver).
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    -- The event names, each between commas (`,article.published,comment.created,`), so one
    -- LIKE finds the hooks of an event.
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- The queue and the log at once: one row a delivery of one event to one hook. Any node
-- takes a due row by leasing it (`claimed_until`); a node that dies mid-delivery lets the
-- lease run out and another takes it. Rows of one hook and one subject (an article, a
-- comment) go out in order: one waits while an older one is still pending.
CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until INTEGER,
    last_attempt_at INTEGER,
    last_status_code INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_subject ON webhook_deliveries (webhook_id, subject, id);
