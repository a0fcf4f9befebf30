-- Search: PostgreSQL's full-text search over the words of each public article and page,
-- weighted (title A, standfirst and sections B, body D) and indexed by GIN. The words come
-- already cut and folded by the program (tidings_domain::search), so SQLite's index finds
-- the same things. The store writes a document in the transaction that changes the
-- article, and removes it when the article stops being public; the program fills it on
-- start for articles that have none.
CREATE TABLE article_search (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL
);
CREATE INDEX article_search_by_word ON article_search USING GIN (document);
