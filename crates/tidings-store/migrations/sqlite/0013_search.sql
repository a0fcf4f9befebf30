-- Search: SQLite's full-text engine, FTS5, over the words of each public article and page
-- (its rowid is the article's id). The words come already cut and folded by the program
-- (tidings_domain::search), so PostgreSQL's index finds the same things. FTS5 keeps its own
-- copy of those words: a contentless table ("contentless_delete") would save the space, but
-- its integrity check failed now and then on a database written this way, and a damaged
-- index stops the site, so the long-proven kind it is. The store writes a
-- document in the transaction that changes the article, and removes it when the article
-- stops being public; the program fills it on start for articles that have none.
CREATE VIRTUAL TABLE article_search USING fts5(
    title, standfirst, terms, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
