-- Old addresses of sections and tags: a term re-slugged, or merged into another, answers
-- 301 from its old archive address (`/category/old/`) to the term of the moment, as an
-- article's old permalinks do. A redirect names the term, so it never chains.
CREATE TABLE term_redirects (
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('section', 'tag')),
    slug TEXT NOT NULL,
    term_id BIGINT NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    PRIMARY KEY (taxonomy, slug)
);
CREATE INDEX term_redirects_by_term ON term_redirects (term_id);
