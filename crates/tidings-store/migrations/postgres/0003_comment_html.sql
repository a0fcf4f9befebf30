-- The rendered, sanitised HTML of each comment, made once when it is written instead of on
-- every view. NULL means "not rendered yet" (rows from before this column, or written by
-- an import): the page renders those on the fly and `tidings migrate` fills them in.
ALTER TABLE comments ADD COLUMN content_html TEXT;
