//! Imports: a whole file written in one transaction (all or nothing), record by record as
//! it is read, so memory does not grow with the file. Each record is found by its legacy
//! id first, so importing the same file twice adds nothing; what names something not yet
//! seen (a page's parent, a reply's comment, an attachment's article) is settled when the
//! import finishes.

use crate::database::{Dialect, SqlStore, Tx, statement};
use crate::rows::{Columns, timestamp};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use std::collections::HashMap;
use tidings_domain::import::{
    ImportRecord, ImportSource, ImportedArticle, ImportedAttachment, ImportedAuthor,
    ImportedComment, ImportedTerm, LegacyKind, Outcome,
};
use tidings_domain::{ArticleKind, Slug, Taxonomy};
use time::OffsetDateTime;

/// An attachment of an imported site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub article_id: Option<i64>,
    /// The media library's image, when the file came too: its path (`/media/key/1600.jpg`).
    pub media_path: Option<String>,
    pub title: String,
    pub url: String,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Begins an import from `source`. Accounts it creates get `password_hash` (of a
    /// password no one knows: they are invited later). Nothing is visible to anyone else
    /// until [`ImportSession::finish`] commits.
    async fn begin_import(
        &self,
        source: &ImportSource,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Box<dyn ImportSession>>;

    /// What an old site's id (`/?p=ID`, `/?cat=ID`) now names, whichever import it came
    /// from, if it still exists.
    async fn legacy_target(&self, kind: LegacyKind, legacy_id: &str) -> StoreResult<Option<i64>>;

    /// The attachment whose old page was at `path`, or whose legacy id is `legacy_id`.
    async fn attachment_at(&self, path: &str) -> StoreResult<Option<Attachment>>;
    async fn attachment_by_id(&self, id: i64) -> StoreResult<Option<Attachment>>;
    /// The media library's image (its address) of a file under the old uploads folder
    /// (`2019/05/photo.jpg`), or of the original a resized copy (`photo-300x200.jpg`) was
    /// made from, when its file came with the import.
    async fn upload_image(&self, file: &str) -> StoreResult<Option<String>>;
    /// How many attachments the site has (for the import's tests and report).
    async fn count_attachments(&self) -> StoreResult<u64>;
}

/// One import in progress: one transaction.
#[async_trait]
pub trait ImportSession: Send {
    /// Writes one record: added, already there, or orphaned (what it belongs to is not in
    /// the site).
    async fn write(&mut self, record: &ImportRecord) -> StoreResult<Outcome>;
    /// Records an image whose files are written, for an attachment that brought its file:
    /// its id, for [`ImportedAttachment::media_id`].
    async fn add_media(&mut self, media: &crate::NewMedia) -> StoreResult<i64>;
    /// Whether the attachment with this legacy id is in the site already (so its file
    /// need not be read again).
    async fn has_attachment(&mut self, legacy_id: i64) -> StoreResult<bool>;
    /// Settles what named things that came later (parents, attachments' articles), then
    /// commits, or rolls everything back when `commit` is false (a dry run).
    async fn finish(self: Box<Self>, commit: bool) -> StoreResult<()>;
}

struct SqlImport {
    transaction: Tx,
    source: String,
    password_hash: String,
    now: OffsetDateTime,
    /// Pages written, with their slug and parent's legacy id: paths are made at the end.
    pages: Vec<(i64, String, Option<i64>)>,
    /// Sections whose parent (by slug) was not there yet.
    section_parents: Vec<(i64, String)>,
    /// Replies whose comment was not there yet.
    comment_parents: Vec<(i64, i64)>,
    /// Attachments whose article was not there yet.
    attachment_articles: Vec<(i64, i64)>,
    /// Articles with a featured image, by the attachment's legacy id.
    featured: Vec<(i64, i64)>,
    /// Articles whose bodies show images from the old uploads folder.
    with_uploaded_images: Vec<i64>,
    /// Accounts by login, as mapped during this import.
    authors: HashMap<String, i64>,
    /// The article the last comment was on (legacy id, id here), and that article's
    /// comments so far: a file lists an item's comments together, so a reply's parent and
    /// its article are found here without a query.
    thread: Option<(i64, Option<i64>)>,
    thread_comments: HashMap<i64, i64>,
    /// The highest id each table had given when the import began, read once.
    high_water: HashMap<&'static str, i64>,
}

#[async_trait]
impl ImportStore for SqlStore {
    async fn begin_import(
        &self,
        source: &ImportSource,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Box<dyn ImportSession>> {
        let mut transaction = self.begin().await?;
        // Two imports at once on PostgreSQL would race for the same legacy ids.
        transaction.serialize_on("import").await?;
        Ok(Box::new(SqlImport {
            transaction,
            source: source.0.clone(),
            password_hash: password_hash.to_owned(),
            now,
            pages: Vec::new(),
            section_parents: Vec::new(),
            comment_parents: Vec::new(),
            attachment_articles: Vec::new(),
            featured: Vec::new(),
            with_uploaded_images: Vec::new(),
            authors: HashMap::new(),
            thread: None,
            thread_comments: HashMap::new(),
            high_water: HashMap::new(),
        }))
    }

    async fn legacy_target(&self, kind: LegacyKind, legacy_id: &str) -> StoreResult<Option<i64>> {
        let table = match kind {
            LegacyKind::User => "users",
            LegacyKind::Term => "terms",
            LegacyKind::Post => "articles",
            LegacyKind::Comment => "comments",
            LegacyKind::Attachment => "attachments",
        };
        let row = self
            .fetch_optional(statement!(
                format!(
                    "SELECT l.local_id FROM legacy_ids l JOIN {table} t ON t.id = l.local_id
                      WHERE l.kind = ? AND l.legacy_id = ? ORDER BY l.source LIMIT 1"
                ),
                kind.as_str(),
                legacy_id
            ))
            .await?;
        row.map(|row| row.integer("local_id")).transpose()
    }

    async fn attachment_at(&self, path: &str) -> StoreResult<Option<Attachment>> {
        let row = self
            .fetch_optional(statement!(
                concat!(
                    "SELECT ",
                    attachment_columns!(),
                    " FROM attachment_redirects r JOIN attachments a ON a.id = r.attachment_id
                      LEFT JOIN media m ON m.id = a.media_id WHERE r.path = ?"
                ),
                path
            ))
            .await?;
        row.as_ref().map(attachment_from_row).transpose()
    }

    async fn attachment_by_id(&self, id: i64) -> StoreResult<Option<Attachment>> {
        let row = self
            .fetch_optional(statement!(
                concat!(
                    "SELECT ",
                    attachment_columns!(),
                    " FROM attachments a LEFT JOIN media m ON m.id = a.media_id WHERE a.id = ?"
                ),
                id
            ))
            .await?;
        row.as_ref().map(attachment_from_row).transpose()
    }

    async fn upload_image(&self, file: &str) -> StoreResult<Option<String>> {
        for candidate in upload_candidates(file) {
            let row = self.fetch_optional(image_of_file(&candidate)).await?;
            if let Some(path) = image_path(row)? {
                return Ok(Some(path));
            }
        }
        Ok(None)
    }

    async fn count_attachments(&self) -> StoreResult<u64> {
        let row = self
            .fetch_one(statement!("SELECT COUNT(*) AS n FROM attachments"))
            .await?;
        Ok(u64::try_from(row.integer("n")?).unwrap_or(0))
    }
}

/// An `INSERT INTO table (columns…) VALUES (?…)` given the row's id when it has one:
/// PostgreSQL's identity columns take an explicit id, but not an explicit NULL.
fn with_id(mut insert: crate::database::Statement, id: Option<i64>) -> crate::database::Statement {
    let Some(id) = id else { return insert };
    let sql = insert
        .sql
        .replacen(" (", " (id, ", 1)
        .replacen("VALUES (", "VALUES (?, ", 1);
    insert.sql = sql.into();
    insert.values.insert(0, crate::database::Value::from(id));
    insert
}

macro_rules! attachment_columns {
    () => {
        "a.id, a.article_id, a.title, a.url, m.key AS media_key, m.format AS media_format,
         m.width AS media_width"
    };
}
use attachment_columns;

/// An old upload's file, then the original a resized copy of it was made from.
fn upload_candidates(file: &str) -> [String; 2] {
    [
        file.to_owned(),
        tidings_domain::wordpress::without_size_suffix(file),
    ]
}

/// The attachment of an old upload's file that brought its image.
fn image_of_file(file: &str) -> crate::database::Statement {
    statement!(
        concat!(
            "SELECT ",
            attachment_columns!(),
            " FROM attachments a JOIN media m ON m.id = a.media_id
              WHERE a.file = ? ORDER BY a.id LIMIT 1"
        ),
        file
    )
}

/// The image address of the row [`image_of_file`] found, if any.
fn image_path(row: Option<crate::database::Row>) -> StoreResult<Option<String>> {
    Ok(row
        .as_ref()
        .map(attachment_from_row)
        .transpose()?
        .and_then(|found| found.media_path))
}

fn attachment_from_row(row: &crate::database::Row) -> StoreResult<Attachment> {
    let media_path = match (
        row.optional_text("media_key")?,
        row.optional_text("media_format")?,
    ) {
        (Some(key), Some(format)) => {
            let key = tidings_domain::MediaKey::parse(&key);
            let format = tidings_domain::MediaFormat::parse(&format);
            let width = row
                .optional_integer("media_width")?
                .and_then(|width| u32::try_from(width).ok());
            match (key, format, width) {
                (Some(key), Some(format), Some(width)) => {
                    let widths = tidings_domain::media::variant_widths(format, width);
                    Some(
                        tidings_domain::MediaAddress {
                            key,
                            width: widths[widths.len() - 1],
                            format,
                        }
                        .path(),
                    )
                }
                _ => None,
            }
        }
        _ => None,
    };
    Ok(Attachment {
        id: row.integer("id")?,
        article_id: row.optional_integer("article_id")?,
        media_path,
        title: row.text("title")?,
        url: row.text("url")?,
    })
}

#[async_trait]
impl ImportSession for SqlImport {
    async fn write(&mut self, record: &ImportRecord) -> StoreResult<Outcome> {
        match record {
            ImportRecord::Author(author) => self.author(author).await,
            ImportRecord::Term(term) => self.term(term).await,
            ImportRecord::Article(article) => self.article(article).await,
            ImportRecord::Comment(comment) => self.comment(comment).await,
            ImportRecord::Attachment(attachment) => self.attachment(attachment).await,
        }
    }

    async fn add_media(&mut self, media: &crate::NewMedia) -> StoreResult<i64> {
        crate::media::insert_media_row(&mut self.transaction, media, self.now)
            .await?
            .integer("id")
    }

    async fn has_attachment(&mut self, legacy_id: i64) -> StoreResult<bool> {
        Ok(self
            .known(LegacyKind::Attachment, &legacy_id.to_string())
            .await?
            .is_some())
    }

    async fn finish(mut self: Box<Self>, commit: bool) -> StoreResult<()> {
        self.settle_sections().await?;
        self.settle_pages().await?;
        self.settle_comments().await?;
        self.settle_attachments().await?;
        self.settle_featured_images().await?;
        self.settle_uploaded_images().await?;
        if self.transaction.dialect() == Dialect::Postgres {
            // Rows were written with their old ids: the identity sequences move past them.
            for table in ["articles", "comments", "terms", "users", "attachments"] {
                self.transaction
                    .execute(statement!(format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                            GREATEST((SELECT MAX(id) FROM {table}), 1))"
                    )))
                    .await?;
            }
        }
        if commit {
            self.transaction.commit().await
        } else {
            // Dropped without a commit, the transaction rolls back.
            Ok(())
        }
    }
}

impl SqlImport {
    async fn known(&mut self, kind: LegacyKind, legacy_id: &str) -> StoreResult<Option<i64>> {
        let row = self
            .transaction
            .fetch_optional(statement!(
                "SELECT local_id FROM legacy_ids WHERE source = ? AND kind = ? AND legacy_id = ?",
                &self.source,
                kind.as_str(),
                legacy_id
            ))
            .await?;
        row.map(|row| row.integer("local_id")).transpose()
    }

    async fn remember(&mut self, kind: LegacyKind, legacy_id: &str, local: i64) -> StoreResult<()> {
        self.transaction
            .execute(statement!(
                "INSERT INTO legacy_ids (source, kind, legacy_id, local_id) VALUES (?, ?, ?, ?)
                 ON CONFLICT (source, kind, legacy_id) DO NOTHING",
                &self.source,
                kind.as_str(),
                legacy_id,
                local
            ))
            .await?;
        Ok(())
    }

    /// Whether an imported row can keep its old id (so the old site's `/?p=ID` and
    /// `#comment-ID` stay true): only an id above every id `table` ever gave before this
    /// import (ids are never reused, even a deleted row's) that no row has.
    async fn id_is_free(&mut self, table: &'static str, id: i64) -> StoreResult<bool> {
        if id <= 0 || id <= self.high_water(table).await? {
            return Ok(false);
        }
        let row = self
            .transaction
            .fetch_optional(statement!(
                format!("SELECT 1 AS taken FROM {table} WHERE id = ?"),
                id
            ))
            .await?;
        Ok(row.is_none())
    }

    /// The highest id `table` had given when the import began.
    async fn high_water(&mut self, table: &'static str) -> StoreResult<i64> {
        if let Some(mark) = self.high_water.get(table) {
            return Ok(*mark);
        }
        let mark = match self.transaction.dialect() {
            Dialect::Sqlite => self
                .transaction
                .fetch_optional(statement!(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?",
                    table
                ))
                .await?
                .map(|row| row.integer("seq"))
                .transpose()?
                .unwrap_or(0),
            Dialect::Postgres => {
                let sequence = self
                    .transaction
                    .fetch_one(statement!(
                        "SELECT pg_get_serial_sequence(?, 'id') AS name",
                        table
                    ))
                    .await?
                    .text("name")?;
                // The name comes from the database itself, quoted as it needs.
                self.transaction
                    .fetch_one(statement!(format!(
                        "SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq
                           FROM {sequence}"
                    )))
                    .await?
                    .integer("seq")?
            }
        };
        self.high_water.insert(table, mark);
        Ok(mark)
    }

    async fn author(&mut self, author: &ImportedAuthor) -> StoreResult<Outcome> {
        if let Some(local) = self.known(LegacyKind::User, &author.login).await? {
            self.authors.insert(author.login.clone(), local);
            return Ok(Outcome::AlreadyThere);
        }
        let slug = Slug::parse(&author.login)
            .or_else(|| Slug::from_title(&author.display_name))
            .or_else(|| Slug::parse("author"))
            .ok_or_else(|| StoreError::Other("no slug for an author".into()))?;
        // An account with the same email, or whose author page has the login's slug, is
        // the same person.
        let existing = self
            .transaction
            .fetch_optional(statement!(
                "SELECT id FROM users WHERE lower(email) = lower(?) OR slug = ?
                  ORDER BY CASE WHEN lower(email) = lower(?) THEN 0 ELSE 1 END LIMIT 1",
                author.email.clone().unwrap_or_default(),
                slug.as_str(),
                author.email.clone().unwrap_or_default(),
            ))
            .await?;
        let (local, outcome) = match existing {
            Some(row) => (row.integer("id")?, Outcome::AlreadyThere),
            None => {
                let email = author
                    .email
                    .clone()
                    .unwrap_or_else(|| format!("{}@imported.invalid", slug.as_str()));
                let password_hash = self.password_hash.clone();
                let created_at = timestamp(self.now);
                let id = self
                    .insert_with_free_slug("users", &slug, |slug| {
                        statement!(
                            "INSERT INTO users (email, display_name, role, password_hash,
                                created_at, slug, bio)
                             VALUES (?, ?, 'author', ?, ?, ?, '') RETURNING id",
                            email.clone(),
                            author.display_name.clone(),
                            password_hash.clone(),
                            created_at,
                            slug.as_str(),
                        )
                    })
                    .await?;
                (id, Outcome::Added)
            }
        };
        self.remember(LegacyKind::User, &author.login, local)
            .await?;
        if let Some(id) = author.legacy_id {
            // `/?author=ID` names an author by the old site's number.
            self.remember(LegacyKind::User, &format!("id:{id}"), local)
                .await?;
        }
        self.authors.insert(author.login.clone(), local);
        Ok(outcome)
    }

    /// Inserts a row whose slug must be free, trying `-2`, `-3`… after it.
    async fn insert_with_free_slug(
        &mut self,
        what: &str,
        slug: &Slug,
        statement_for: impl Fn(&Slug) -> crate::database::Statement + Send + Sync,
    ) -> StoreResult<i64> {
        for attempt in 1..=1000 {
            let candidate = if attempt == 1 {
                slug.clone()
            } else {
                slug.with_suffix(attempt)
            };
            match self.transaction.attempt(statement_for(&candidate)).await {
                Ok(Some(row)) => return row.integer("id"),
                Ok(None) => break,
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(StoreError::Other(format!(
            "no free slug for {what} {}",
            slug.as_str()
        )))
    }

    async fn term(&mut self, term: &ImportedTerm) -> StoreResult<Outcome> {
        let taxonomy = term.taxonomy.as_str();
        let inserted = self
            .transaction
            .fetch_optional(statement!(
                "INSERT INTO terms (taxonomy, slug, name, description, path)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (taxonomy, slug) DO NOTHING RETURNING id",
                taxonomy,
                term.slug.as_str(),
                &term.name,
                &term.description,
                term.slug.as_str(),
            ))
            .await?;
        let (id, outcome) = match inserted {
            Some(row) => (row.integer("id")?, Outcome::Added),
            None => (
                self.term_id(term.taxonomy, &term.slug).await?,
                Outcome::AlreadyThere,
            ),
        };
        if outcome == Outcome::Added
            && let Some(parent) = &term.parent
        {
            self.section_parents.push((id, parent.as_str().to_owned()));
        }
        if let Some(legacy) = term.legacy_id {
            self.remember(LegacyKind::Term, &legacy.to_string(), id)
                .await?;
        }
        if let Some(old_slug) = &term.old_slug {
            self.transaction
                .execute(statement!(
                    "INSERT INTO term_redirects (taxonomy, slug, term_id) VALUES (?, ?, ?)
                     ON CONFLICT (taxonomy, slug) DO NOTHING",
                    taxonomy,
                    old_slug,
                    id
                ))
                .await?;
        }
        Ok(outcome)
    }

    async fn term_id(&mut self, taxonomy: Taxonomy, slug: &Slug) -> StoreResult<i64> {
        self.transaction
            .fetch_one(statement!(
                "SELECT id FROM terms WHERE taxonomy = ? AND slug = ?",
                taxonomy.as_str(),
                slug.as_str()
            ))
            .await?
            .integer("id")
    }

    /// A term by slug, made (without parent or description) when the file named it only
    /// on an item.
    async fn term_for_item(
        &mut self,
        taxonomy: Taxonomy,
        slug: &Slug,
        name: &str,
    ) -> StoreResult<i64> {
        let name = if name.trim().is_empty() {
            slug.as_str()
        } else {
            name
        };
        self.transaction
            .execute(statement!(
                "INSERT INTO terms (taxonomy, slug, name, path) VALUES (?, ?, ?, ?)
                 ON CONFLICT (taxonomy, slug) DO NOTHING",
                taxonomy.as_str(),
                slug.as_str(),
                name,
                slug.as_str(),
            ))
            .await?;
        self.term_id(taxonomy, slug).await
    }

    async fn author_id(&mut self, login: &Option<String>) -> StoreResult<Option<i64>> {
        let Some(login) = login else { return Ok(None) };
        if let Some(id) = self.authors.get(login) {
            return Ok(Some(*id));
        }
        let found = self.known(LegacyKind::User, login).await?;
        if let Some(id) = found {
            self.authors.insert(login.clone(), id);
        }
        Ok(found)
    }

    async fn article(&mut self, article: &ImportedArticle) -> StoreResult<Outcome> {
        let legacy = article.legacy_id.to_string();
        if self.known(LegacyKind::Post, &legacy).await?.is_some() {
            return Ok(Outcome::AlreadyThere);
        }
        let author = self.author_id(&article.author).await?;
        let keep_id = self.id_is_free("articles", article.legacy_id).await?;
        let is_page = article.kind == ArticleKind::Page;
        let trashed_at = article.status_before_trash.map(|_| timestamp(self.now));
        let id = self
            .insert_with_free_slug("article", &article.slug, |slug| {
                // A page's path is made when every page is in (its parent may come later):
                // until then it is unique by its old id.
                let page_path = is_page.then(|| format!("import-{}", article.legacy_id));
                let insert = statement!(
                    "INSERT INTO articles (kind, slug, title, subtitle, excerpt,
                        body_markdown, status, published_at, updated_at, author_id,
                        comments_open, sticky, page_path, status_before_trash, trashed_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    article.kind.as_str(),
                    slug.as_str(),
                    &article.title,
                    &article.subtitle,
                    &article.excerpt,
                    &article.body,
                    article.status.as_str(),
                    timestamp(article.published_at),
                    timestamp(article.updated_at),
                    author,
                    article.comments_open,
                    article.sticky,
                    page_path,
                    article.status_before_trash.map(|status| status.as_str()),
                    trashed_at,
                );
                with_id(insert, keep_id.then_some(article.legacy_id))
            })
            .await?;
        let slug = self
            .transaction
            .fetch_one(statement!("SELECT slug FROM articles WHERE id = ?", id))
            .await?
            .text("slug")?;
        if is_page {
            self.pages.push((id, slug.clone(), article.parent));
        } else {
            self.file_article(id, article).await?;
        }
        if let Some(author) = author {
            self.transaction
                .execute(statement!(
                    "INSERT INTO article_authors (article_id, user_id, position) VALUES (?, ?, 0)",
                    id,
                    author
                ))
                .await?;
        }
        self.transaction
            .execute(statement!(
                "INSERT INTO article_revisions (article_id, author_id, created_at, autosave,
                    title, subtitle, excerpt, body_markdown)
                 VALUES (?, ?, ?, FALSE, ?, ?, ?, ?)",
                id,
                author,
                timestamp(article.updated_at),
                &article.title,
                &article.subtitle,
                &article.excerpt,
                &article.body,
            ))
            .await?;
        let permalink = (!is_page).then(|| {
            Slug::parse(&slug)
                .map(|slug| tidings_domain::article::permalink(article.published_at, &slug))
        });
        for path in &article.old_paths {
            if permalink
                .as_ref()
                .is_some_and(|own| own.as_deref() == Some(path))
            {
                continue;
            }
            self.transaction
                .execute(statement!(
                    "INSERT INTO redirects (path, article_id, created_at) VALUES (?, ?, ?)
                     ON CONFLICT (path) DO NOTHING",
                    path,
                    id,
                    timestamp(self.now)
                ))
                .await?;
        }
        self.remember(LegacyKind::Post, &legacy, id).await?;
        if let Some(attachment) = article.featured_attachment {
            self.featured.push((id, attachment));
        }
        if !tidings_domain::wordpress::uploaded_images_in(&article.body).is_empty() {
            self.with_uploaded_images.push(id);
        }
        if let Some(guid_id) = article.guid_id {
            self.remember(LegacyKind::Post, &format!("guid:{guid_id}"), id)
                .await?;
        }
        if !is_page {
            crate::search::index_article(&mut self.transaction, id).await?;
        }
        Ok(Outcome::Added)
    }

    /// An article's sections (the site's default one when it has none) and tags.
    async fn file_article(&mut self, id: i64, article: &ImportedArticle) -> StoreResult<()> {
        let published_at = timestamp(article.published_at);
        let mut sections = Vec::new();
        for (slug, name) in &article.sections {
            let term = self.term_for_item(Taxonomy::Section, slug, name).await?;
            if !sections.contains(&term) {
                sections.push(term);
            }
        }
        if sections.is_empty() {
            sections.push(
                crate::articles::default_section(&mut self.transaction)
                    .await?
                    .0,
            );
        }
        let mut tags = Vec::new();
        for (slug, name) in &article.tags {
            let term = self.term_for_item(Taxonomy::Tag, slug, name).await?;
            if !tags.contains(&term) {
                tags.push(term);
            }
        }
        let positioned = sections
            .iter()
            .enumerate()
            .map(|(position, term)| (*term, position as i64))
            .chain(
                tags.iter()
                    .enumerate()
                    .map(|(position, term)| (*term, 1000 + position as i64)),
            );
        for (term, position) in positioned.collect::<Vec<_>>() {
            self.transaction
                .execute(statement!(
                    "INSERT INTO article_terms (article_id, term_id, position, published_at)
                     VALUES (?, ?, ?, ?)",
                    id,
                    term,
                    position,
                    published_at
                ))
                .await?;
        }
        Ok(())
    }

    async fn comment(&mut self, comment: &ImportedComment) -> StoreResult<Outcome> {
        let legacy = comment.legacy_id.to_string();
        if self.known(LegacyKind::Comment, &legacy).await?.is_some() {
            return Ok(Outcome::AlreadyThere);
        }
        let thread_key = comment.on_article.map_or(comment.article, |id| -id);
        let article = match self.thread {
            Some((key, article)) if key == thread_key => article,
            _ => {
                let article = match comment.on_article {
                    Some(id) => self
                        .transaction
                        .fetch_optional(statement!("SELECT id FROM articles WHERE id = ?", id))
                        .await?
                        .map(|row| row.integer("id"))
                        .transpose()?,
                    None => {
                        self.known(LegacyKind::Post, &comment.article.to_string())
                            .await?
                    }
                };
                self.thread = Some((thread_key, article));
                self.thread_comments.clear();
                article
            }
        };
        let Some(article) = article else {
            return Ok(Outcome::Orphaned);
        };
        let parent = match comment.parent {
            Some(parent) => match self.thread_comments.get(&parent) {
                Some(local) => Some(*local),
                None => self.known(LegacyKind::Comment, &parent.to_string()).await?,
            },
            None => None,
        };
        let keep_id =
            comment.keep_legacy_id && self.id_is_free("comments", comment.legacy_id).await?;
        // Spam and trash restore to "pending": a moderator decides again.
        let status_before = matches!(
            comment.status,
            tidings_domain::CommentStatus::Spam | tidings_domain::CommentStatus::Trash
        )
        .then_some("pending");
        let id = self
            .transaction
            .fetch_one(with_id(
                statement!(
                    "INSERT INTO comments (article_id, parent_id, author_name, author_email,
                    author_url, content, status, status_before, moderation_reason, ip,
                    user_agent, created_at, kind, avatar_key, content_html)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Imported.', ?, ?, ?, ?, ?, ?) RETURNING id",
                    article,
                    parent,
                    &comment.author_name,
                    &comment.author_email,
                    &comment.author_url,
                    &comment.content,
                    comment.status.as_str(),
                    status_before,
                    &comment.ip,
                    &comment.user_agent,
                    timestamp(comment.created_at),
                    comment.kind.as_str(),
                    comment.avatar_key.clone(),
                    comment
                        .content_html
                        .as_ref()
                        .map(|html| html.as_str().to_owned()),
                ),
                keep_id.then_some(comment.legacy_id),
            ))
            .await?
            .integer("id")?;
        if let (Some(parent), None) = (comment.parent, parent) {
            self.comment_parents.push((id, parent));
        }
        // Bounded: an article with more comments than this finds older parents by query.
        if self.thread_comments.len() < 100_000 {
            self.thread_comments.insert(comment.legacy_id, id);
        }
        self.remember(LegacyKind::Comment, &legacy, id).await?;
        Ok(Outcome::Added)
    }

    async fn attachment(&mut self, attachment: &ImportedAttachment) -> StoreResult<Outcome> {
        let legacy = attachment.legacy_id.to_string();
        if self.known(LegacyKind::Attachment, &legacy).await?.is_some() {
            return Ok(Outcome::AlreadyThere);
        }
        let article = match attachment.article {
            Some(article) => self.known(LegacyKind::Post, &article.to_string()).await?,
            None => None,
        };
        let id = self
            .transaction
            .fetch_one(statement!(
                "INSERT INTO attachments (article_id, media_id, title, caption, description,
                    alt, url, file, width, height, uploaded_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                article,
                attachment.media_id,
                &attachment.title,
                &attachment.caption,
                &attachment.description,
                &attachment.alt,
                &attachment.url,
                &attachment.file,
                attachment.width.map(i64::from),
                attachment.height.map(i64::from),
                timestamp(attachment.uploaded_at),
            ))
            .await?
            .integer("id")?;
        if let (Some(legacy_article), None) = (attachment.article, article) {
            self.attachment_articles.push((id, legacy_article));
        }
        for path in &attachment.old_paths {
            self.transaction
                .execute(statement!(
                    "INSERT INTO attachment_redirects (path, attachment_id) VALUES (?, ?)
                     ON CONFLICT (path) DO NOTHING",
                    path,
                    id
                ))
                .await?;
        }
        self.remember(LegacyKind::Attachment, &legacy, id).await?;
        Ok(Outcome::Added)
    }

    async fn settle_sections(&mut self) -> StoreResult<()> {
        for (id, parent) in std::mem::take(&mut self.section_parents) {
            self.transaction
                .execute(statement!(
                    "UPDATE terms SET parent_id =
                        (SELECT p.id FROM terms p WHERE p.taxonomy = 'section' AND p.slug = ?)
                      WHERE id = ? AND parent_id IS NULL",
                    parent,
                    id
                ))
                .await?;
        }
        crate::terms::write_section_paths(&mut self.transaction).await
    }

    /// Gives each imported page its parent and its path under it, parents first.
    async fn settle_pages(&mut self) -> StoreResult<()> {
        let pages = std::mem::take(&mut self.pages);
        let mut parents: HashMap<i64, Option<i64>> = HashMap::new();
        for (id, _, parent) in &pages {
            let parent = match parent {
                Some(legacy) => self.known(LegacyKind::Post, &legacy.to_string()).await?,
                None => None,
            };
            parents.insert(*id, parent.filter(|parent| parent != id));
        }
        let slugs: HashMap<i64, String> = pages
            .iter()
            .map(|(id, slug, _)| (*id, slug.clone()))
            .collect();
        let mut paths: HashMap<i64, String> = HashMap::new();
        // Each round settles the pages whose parent has its path; a loop (or a parent that
        // is not a page) leaves pages at the top level.
        let mut waiting: Vec<i64> = pages.iter().map(|(id, _, _)| *id).collect();
        while !waiting.is_empty() {
            let mut next = Vec::new();
            let mut settled_any = false;
            for id in waiting {
                let parent = parents.get(&id).copied().flatten();
                let parent_path = match parent {
                    None => Some(None),
                    Some(parent) if slugs.contains_key(&parent) => {
                        paths.get(&parent).map(|path| Some(path.clone()))
                    }
                    Some(parent) => Some(self.page_path_of(parent).await?),
                };
                match parent_path {
                    Some(parent_path) => {
                        let path = self
                            .place_page(id, &slugs[&id], parent, parent_path)
                            .await?;
                        paths.insert(id, path);
                        settled_any = true;
                    }
                    None => next.push(id),
                }
            }
            if !settled_any {
                for id in &next {
                    parents.insert(*id, None);
                }
            }
            waiting = next;
        }
        for (id, _, _) in &pages {
            // A page's own address never redirects to itself.
            if let Some(path) = paths.get(id) {
                self.transaction
                    .execute(statement!(
                        "DELETE FROM redirects WHERE path = ? AND article_id = ?",
                        format!("/{path}/"),
                        *id
                    ))
                    .await?;
            }
            crate::search::index_article(&mut self.transaction, *id).await?;
        }
        Ok(())
    }

    async fn page_path_of(&mut self, id: i64) -> StoreResult<Option<String>> {
        let row = self
            .transaction
            .fetch_optional(statement!(
                "SELECT page_path FROM articles WHERE id = ? AND kind = 'page'",
                id
            ))
            .await?;
        Ok(row
            .map(|row| row.optional_text("page_path"))
            .transpose()?
            .flatten())
    }

    async fn place_page(
        &mut self,
        id: i64,
        slug: &str,
        parent: Option<i64>,
        parent_path: Option<String>,
    ) -> StoreResult<String> {
        let base =
            Slug::parse(slug).ok_or_else(|| StoreError::Other("a page without a slug".into()))?;
        for attempt in 1..=1000 {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                base.with_suffix(attempt)
            };
            let path = match &parent_path {
                Some(parent) => format!("{parent}/{}", slug.as_str()),
                None => slug.as_str().to_owned(),
            };
            let placed = self
                .transaction
                .attempt(statement!(
                    "UPDATE articles SET slug = ?, page_path = ?, parent_id = ? WHERE id = ?
                     RETURNING id",
                    slug.as_str(),
                    path.clone(),
                    parent,
                    id
                ))
                .await;
            match placed {
                Ok(_) => return Ok(path),
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(StoreError::Other(format!(
            "no free path for the page {slug}"
        )))
    }

    async fn settle_comments(&mut self) -> StoreResult<()> {
        for (id, parent) in std::mem::take(&mut self.comment_parents) {
            if let Some(parent) = self.known(LegacyKind::Comment, &parent.to_string()).await? {
                self.transaction
                    .execute(statement!(
                        "UPDATE comments SET parent_id = ? WHERE id = ?",
                        parent,
                        id
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    /// Points the images of imported bodies at the media library's copies, where their
    /// attachment brought its file (a resized copy, `photo-300x200.jpg`, shows the image
    /// it was made from, in the widths the site makes).
    async fn settle_uploaded_images(&mut self) -> StoreResult<()> {
        use tidings_domain::wordpress::{uploaded_images_in, with_uploaded_images_moved};
        for id in std::mem::take(&mut self.with_uploaded_images) {
            let body = self
                .transaction
                .fetch_one(statement!(
                    "SELECT body_markdown FROM articles WHERE id = ?",
                    id
                ))
                .await?
                .text("body_markdown")?;
            let mut moved: HashMap<String, String> = HashMap::new();
            for file in uploaded_images_in(&body) {
                for candidate in upload_candidates(&file) {
                    let row = self
                        .transaction
                        .fetch_optional(image_of_file(&candidate))
                        .await?;
                    if let Some(path) = image_path(row)? {
                        moved.insert(file.clone(), path);
                        break;
                    }
                }
            }
            if moved.is_empty() {
                continue;
            }
            let new_body = with_uploaded_images_moved(&body, &|file| moved.get(file).cloned());
            self.transaction
                .execute(statement!(
                    "UPDATE articles SET body_markdown = ? WHERE id = ?",
                    new_body.clone(),
                    id
                ))
                .await?;
            self.transaction
                .execute(statement!(
                    "UPDATE article_revisions SET body_markdown = ? WHERE article_id = ?",
                    new_body,
                    id
                ))
                .await?;
        }
        Ok(())
    }

    /// Gives articles their featured image, where its attachment brought its file.
    async fn settle_featured_images(&mut self) -> StoreResult<()> {
        for (article, attachment) in std::mem::take(&mut self.featured) {
            let Some(local) = self
                .known(LegacyKind::Attachment, &attachment.to_string())
                .await?
            else {
                continue;
            };
            let row = self
                .transaction
                .fetch_optional(statement!(
                    concat!(
                        "SELECT ",
                        attachment_columns!(),
                        ", a.alt FROM attachments a JOIN media m ON m.id = a.media_id
                          WHERE a.id = ?"
                    ),
                    local
                ))
                .await?;
            let Some(row) = row else { continue };
            let found = attachment_from_row(&row)?;
            if let Some(path) = found.media_path {
                self.transaction
                    .execute(statement!(
                        "UPDATE articles SET featured_image = ?, featured_image_alt = ?
                          WHERE id = ?",
                        path,
                        row.text("alt")?,
                        article
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn settle_attachments(&mut self) -> StoreResult<()> {
        for (id, article) in std::mem::take(&mut self.attachment_articles) {
            if let Some(article) = self.known(LegacyKind::Post, &article.to_string()).await? {
                self.transaction
                    .execute(statement!(
                        "UPDATE attachments SET article_id = ? WHERE id = ?",
                        article,
                        id
                    ))
                    .await?;
            }
        }
        Ok(())
    }
}
