//! Turning rows into domain values, shared by both backends: each row type says how to read
//! a column of each kind ([`Columns`]), and the mappings are written once on top of that.

use crate::records::{ArticleSummary, QueuedComment, Session, Subscription};
use crate::{StoreError, StoreResult};
use sqlx::Row;
use tidings_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, Comment, CommentId, CommentKind, CommentStatus,
    Role, SafeHtml, Slug, Taxonomy, Term, TermId, User, UserId,
};
use time::OffsetDateTime;

/// An article's columns, for `article_from_row` (macros, so statements can `concat!` them
/// into one constant).
macro_rules! article_columns {
    () => {
        "a.id, a.kind, a.slug, a.title, a.subtitle, a.excerpt, a.body_markdown, a.status, \
         a.status_before_trash, a.trashed_at, a.published_at, a.updated_at, a.revised_at, \
         a.author_id, a.comments_open, a.sticky, a.parent_id, a.page_path, a.featured_image, \
         a.featured_image_alt"
    };
}
pub(crate) use article_columns;

/// A comment's columns for public pages: the private ones (email, IP address, user agent,
/// the moderation reason) come back empty, so a page cannot show what it never loaded.
macro_rules! public_comment_columns {
    () => {
        "c.id, c.article_id, c.parent_id, c.author_name, '' AS author_email, c.author_url, \
         c.content, c.status, c.status_before, '' AS moderation_reason, '' AS ip, \
         '' AS user_agent, c.created_at, c.content_html, c.avatar_key, c.kind"
    };
}
pub(crate) use public_comment_columns;

macro_rules! comment_columns {
    () => {
        "c.id, c.article_id, c.parent_id, c.author_name, c.author_email, c.author_url, \
         c.content, c.status, c.status_before, c.moderation_reason, c.ip, c.user_agent, \
         c.created_at, c.content_html, c.avatar_key, c.kind"
    };
}
pub(crate) use comment_columns;

pub(crate) fn timestamp(moment: OffsetDateTime) -> i64 {
    moment.unix_timestamp()
}

pub(crate) fn moment(seconds: i64) -> StoreResult<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|error| {
        StoreError::Other(format!("stored time {seconds} is out of range: {error}"))
    })
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Other(format!("stored {what} {value:?} is not valid"))
}

pub(crate) fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

/// A count and the time of its oldest row, as `COUNT(*), MIN(at)` reads them.
pub(crate) fn attempts(count: i64, oldest: Option<i64>) -> StoreResult<crate::records::Attempts> {
    Ok(crate::records::Attempts {
        count: to_u64(count),
        oldest: oldest.map(moment).transpose()?,
    })
}

pub(crate) fn status_from(value: &str) -> StoreResult<CommentStatus> {
    CommentStatus::parse(value).ok_or_else(|| corrupt("comment status", value))
}

pub(crate) fn slug_from(value: &str) -> StoreResult<Slug> {
    // Stored slugs were normalised when written; one that is not is damage, not a slug to
    // quietly rewrite (its address would change).
    Slug::parse(value)
        .filter(|slug| slug.as_str() == value)
        .ok_or_else(|| corrupt("slug", value))
}

/// Reading one column of each kind the schema uses.
pub(crate) trait Columns {
    fn integer(&self, column: &str) -> StoreResult<i64>;
    fn optional_integer(&self, column: &str) -> StoreResult<Option<i64>>;
    fn text(&self, column: &str) -> StoreResult<String>;
    fn optional_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn optional_float(&self, column: &str) -> StoreResult<Option<f64>>;
    /// SQLite keeps booleans as 0 and 1, PostgreSQL as BOOLEAN; sqlx reads both as `bool`.
    fn flag(&self, column: &str) -> StoreResult<bool>;
}

fn decoding(column: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |error| StoreError::Other(format!("reading column {column}: {error}"))
}

macro_rules! columns_for {
    ($row:ty) => {
        impl Columns for $row {
            fn integer(&self, column: &str) -> StoreResult<i64> {
                self.try_get(column).map_err(decoding(column))
            }
            fn optional_integer(&self, column: &str) -> StoreResult<Option<i64>> {
                self.try_get(column).map_err(decoding(column))
            }
            fn text(&self, column: &str) -> StoreResult<String> {
                self.try_get(column).map_err(decoding(column))
            }
            fn optional_text(&self, column: &str) -> StoreResult<Option<String>> {
                self.try_get(column).map_err(decoding(column))
            }
            fn optional_float(&self, column: &str) -> StoreResult<Option<f64>> {
                self.try_get(column).map_err(decoding(column))
            }
            fn flag(&self, column: &str) -> StoreResult<bool> {
                self.try_get(column).map_err(decoding(column))
            }
        }
    };
}

columns_for!(sqlx::sqlite::SqliteRow);
columns_for!(sqlx::postgres::PgRow);

pub(crate) fn article_from_row(row: &impl Columns) -> StoreResult<Article> {
    let article_status =
        |value: &str| ArticleStatus::parse(value).ok_or_else(|| corrupt("article status", value));
    let kind = row.text("kind")?;
    let trashed = match (
        row.optional_integer("trashed_at")?,
        row.optional_text("status_before_trash")?,
    ) {
        (Some(at), Some(before)) => Some((moment(at)?, article_status(&before)?)),
        _ => None,
    };
    Ok(Article {
        id: ArticleId(row.integer("id")?),
        kind: ArticleKind::parse(&kind).ok_or_else(|| corrupt("article kind", &kind))?,
        slug: slug_from(&row.text("slug")?)?,
        title: row.text("title")?,
        subtitle: row.text("subtitle")?,
        excerpt: row.text("excerpt")?,
        body_markdown: row.text("body_markdown")?,
        status: article_status(&row.text("status")?)?,
        published_at: moment(row.integer("published_at")?)?,
        updated_at: moment(row.integer("updated_at")?)?,
        revised_at: row
            .optional_integer("revised_at")?
            .map(moment)
            .transpose()?,
        trashed,
        author_id: row.optional_integer("author_id")?.map(UserId),
        comments_open: row.flag("comments_open")?,
        sticky: row.flag("sticky")?,
        parent_id: row.optional_integer("parent_id")?.map(ArticleId),
        page_path: row.optional_text("page_path")?,
        featured_image: tidings_domain::MediaAddress::parse_path(&row.text("featured_image")?),
        featured_image_alt: row.text("featured_image_alt")?,
    })
}

pub(crate) fn term_from_row(row: &impl Columns) -> StoreResult<Term> {
    let taxonomy = row.text("taxonomy")?;
    Ok(Term {
        id: TermId(row.integer("id")?),
        taxonomy: Taxonomy::parse(&taxonomy).ok_or_else(|| corrupt("taxonomy", &taxonomy))?,
        slug: slug_from(&row.text("slug")?)?,
        name: row.text("name")?,
        description: row.text("description")?,
        parent_id: row.optional_integer("parent_id")?.map(TermId),
        path: row.text("path")?,
    })
}

pub(crate) fn summary_from_row(row: &impl Columns) -> StoreResult<ArticleSummary> {
    Ok(ArticleSummary {
        article: article_from_row(row)?,
        author_name: row.optional_text("author_name")?,
        approved_comments: to_u64(row.integer("approved_comments")?),
    })
}

pub(crate) fn comment_from_row(row: &impl Columns) -> StoreResult<Comment> {
    Ok(Comment {
        id: CommentId(row.integer("id")?),
        article_id: ArticleId(row.integer("article_id")?),
        parent_id: row.optional_integer("parent_id")?.map(CommentId),
        author_name: row.text("author_name")?,
        author_email: row.text("author_email")?,
        author_url: row.text("author_url")?,
        content: row.text("content")?,
        status: status_from(&row.text("status")?)?,
        status_before: row
            .optional_text("status_before")?
            .as_deref()
            .map(status_from)
            .transpose()?,
        moderation_reason: row.text("moderation_reason")?,
        ip: row.text("ip")?,
        user_agent: row.text("user_agent")?,
        created_at: moment(row.integer("created_at")?)?,
        content_html: row
            .optional_text("content_html")?
            .map(SafeHtml::trusting_storage),
        avatar_key: row.optional_text("avatar_key")?,
        kind: comment_kind_from(&row.text("kind")?)?,
    })
}

pub(crate) fn comment_kind_from(value: &str) -> StoreResult<CommentKind> {
    CommentKind::parse(value)
        .ok_or_else(|| StoreError::Other(format!("unknown comment kind {value:?}")))
}

pub(crate) fn user_from_row(row: &impl Columns) -> StoreResult<User> {
    let role = row.text("role")?;
    Ok(User {
        id: UserId(row.integer("id")?),
        email: row.text("email")?,
        display_name: row.text("display_name")?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        password_hash: row.text("password_hash")?,
        deactivated: row.optional_integer("deactivated_at")?.is_some(),
    })
}

pub(crate) fn session_from_row(row: &impl Columns) -> StoreResult<Session> {
    Ok(Session {
        token_hash: row.text("token_hash")?,
        user_id: UserId(row.integer("user_id")?),
        csrf_token: row.text("csrf_token")?,
        created_at: moment(row.integer("created_at")?)?,
        expires_at: moment(row.integer("expires_at")?)?,
        ip: row.text("ip")?,
        user_agent: row.text("user_agent")?,
    })
}

/// A comment joined with its article's `article_title`, `article_slug` and
/// `article_published_at`.
pub(crate) fn queued_from_row(row: &impl Columns) -> StoreResult<QueuedComment> {
    let slug = slug_from(&row.text("article_slug")?)?;
    let published_at = moment(row.integer("article_published_at")?)?;
    Ok(QueuedComment {
        comment: comment_from_row(row)?,
        article_title: row.text("article_title")?,
        article_permalink: tidings_domain::article::permalink(published_at, &slug),
        spam_score: row.optional_float("spam_score")?,
        reports: to_u64(row.integer("reports")?),
    })
}

/// What the moderation queue shows beside a comment: its article, the spam filter's score
/// and the number of reports. For `queued_from_row`.
macro_rules! queue_columns {
    () => {
        "a.title AS article_title, a.slug AS article_slug, \
         a.published_at AS article_published_at, c.spam_score, \
         (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id) AS reports"
    };
}
pub(crate) use queue_columns;

/// `%words%` for a LIKE that finds `search` anywhere, with `\` escaping LIKE's wildcards;
/// empty for an empty search.
pub(crate) fn like_pattern(search: &str) -> String {
    let search = search.trim();
    if search.is_empty() {
        return String::new();
    }
    let mut pattern = String::from("%");
    for character in search.chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

pub(crate) fn token_counts(
    rows: Vec<(String, i64, i64)>,
) -> std::collections::HashMap<String, tidings_domain::spam_filter::TokenCounts> {
    rows.into_iter()
        .map(|(token, spam, ham)| {
            (
                token,
                tidings_domain::spam_filter::TokenCounts {
                    spam: to_u64(spam),
                    ham: to_u64(ham),
                },
            )
        })
        .collect()
}

macro_rules! subscription_columns {
    () => {
        "email, article_id, comment_id, token, confirmed, created_at, confirmation_sent_at"
    };
}
pub(crate) use subscription_columns;

pub(crate) fn subscription_from_row(row: &impl Columns) -> StoreResult<Subscription> {
    Ok(Subscription {
        email: row.text("email")?,
        article_id: ArticleId(row.integer("article_id")?),
        comment_id: row.optional_integer("comment_id")?.map(CommentId),
        token: row.text("token")?,
        confirmed: row.flag("confirmed")?,
        created_at: moment(row.integer("created_at")?)?,
        confirmation_sent_at: row
            .optional_integer("confirmation_sent_at")?
            .map(moment)
            .transpose()?,
    })
}
