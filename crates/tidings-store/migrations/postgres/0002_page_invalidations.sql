-- A log of which cached pages each write made stale, for nodes that share this database: a
-- node applies the entries it has not seen before serving from its page cache. Entries are
-- appended under an advisory lock, so their order is their commit order and a reader never
-- skips one that commits late. Entries older than a day are pruned; a node that finds a gap
-- drops its whole cache.
CREATE TABLE page_invalidations (
    epoch BIGINT PRIMARY KEY,
    -- Space-separated tags: "article:42", "lists", "all".
    tags TEXT NOT NULL,
    at BIGINT NOT NULL
);
