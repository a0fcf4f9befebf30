-- A log of which cached pages each write made stale, for nodes that share a database: a
-- node applies the entries it has not seen before serving from its page cache. A SQLite
-- site is one process and does not write here; the table exists so both dialects keep the
-- same schema. Entries older than a day are pruned; a node that finds a gap drops its cache.
CREATE TABLE page_invalidations (
    epoch INTEGER PRIMARY KEY,
    -- Space-separated tags: "article:42", "lists", "all".
    tags TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
