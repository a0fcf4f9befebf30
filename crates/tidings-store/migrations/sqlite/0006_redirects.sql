-- Old addresses of articles whose slug or date changed: each answers 301 to the article's
-- address of the moment, so a redirect never chains however often it moves.
CREATE TABLE redirects (
    path TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX redirects_by_article ON redirects (article_id);
