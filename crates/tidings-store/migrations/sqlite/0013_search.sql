-- Search: SQLite's full-text engine, FTS5, over the words of each public article and page
-- (its rowid is the article's id). The words come already cut and folded by the program
-- (tidings_domain::search), so PostgreSQL's index finds the same things; FTS5 keeps only
-- its index of them (contentless), not a second copy of the text, and
-- `contentless_delete` lets a document be removed by its rowid alone. The store writes a
-- document in the transaction that changes the article, and removes it when the article
-- stops being public; the program fills it on start for articles that have none.
CREATE VIRTUAL TABLE article_search USING fts5(
    title, standfirst, terms, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
