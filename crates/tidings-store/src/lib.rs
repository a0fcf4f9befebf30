//! Storage behind one interface: the [`Store`] trait, and [`SqlStore`], which speaks SQLite
//! (one file, the default) or PostgreSQL (several app nodes).
//!
//! The app holds an `Arc<dyn Store>` and never names a backend. `Store` is the sum of one
//! trait per concern, each named for what the app asks ("the approved comments of this
//! article"), not generic CRUD, and each implemented once, in its own module, for both
//! dialects:
//!
//! - [`ArticleStore`] (`articles.rs`): articles and pages, their lists and the trash.
//! - [`TermStore`] (`terms.rs`): sections and tags.
//! - [`AuthorStore`] (`authors.rs`): bylines, author pages, profiles.
//! - [`RevisionStore`] (`revisions.rs`): revisions, autosaves and corrections.
//! - [`CommentStore`] (`comments.rs`): comments, the moderation queue, personal data.
//! - [`DeskStore`] (`desk.rs`): what the dashboard counts.
//! - [`DiscussionStore`] (`discussion.rs`): the spam filter's counts and readers' reports.
//! - [`MailStore`] (`mail.rs`): subscriptions and the ledger of mail sent.
//! - [`MediaStore`] (`media.rs`): the media library, avatars.
//! - [`AccountStore`] (`accounts.rs`): users, sessions and the sign-in throttle.
//! - [`AppPasswordStore`] (`app_passwords.rs`): the application passwords scripts sign in with.
//! - [`SecondFactorStore`] (`second_factor.rs`): one-time-code secrets and recovery codes.
//! - [`PasskeyStore`] (`passkeys.rs`): passkeys and the challenges of finished ceremonies.
//! - [`SiteStore`] (`site.rs`): settings, the page-invalidation log, schema and health.
//! - [`SitemapStore`] (`sitemaps.rs`): every public address and when it last changed.
//! - [`ReadingStore`] (`reading.rs`): an article's neighbours, its section's others, the menu.
//! - [`SearchStore`] (`search.rs`): full-text search, FTS5 or PostgreSQL's.
//! - [`ImportStore`] (`imports.rs`): a WordPress or Disqus import, in one transaction.
//! - [`ExportStore`] (`exports.rs`): everything, page by page, for a WordPress export.
//! - [`WebhookStore`] (`webhooks.rs`): webhooks and the queue of their deliveries.
//!
//! `database.rs` is the layer that lets a statement be written once; `sqlite.rs` and
//! `postgres.rs` hold only what is the backend's own: opening it, its migrations, SQLite's
//! group commit, PostgreSQL's advisory locks. This crate knows the domain types but nothing
//! of HTTP or templates.

mod accounts;
mod app_passwords;
mod articles;
mod authors;
mod comments;
mod database;
mod desk;
mod discussion;
mod exports;
mod imports;
mod mail;
mod media;
mod migrations;
mod passkeys;
mod postgres;
mod reading;
pub mod records;
mod revisions;
mod rows;
mod search;
mod second_factor;
mod site;
mod sitemaps;
mod sqlite;
mod terms;
mod webhooks;

pub use accounts::AccountStore;
pub use app_passwords::AppPasswordStore;
pub use articles::ArticleStore;
pub use authors::AuthorStore;
pub use comments::CommentStore;
pub use database::SqlStore;
pub use desk::{DayCount, DeskStore, ReportedComment};
pub use discussion::DiscussionStore;
pub use exports::{ExportStore, ExportedArticle, ExportedAttachment, ExportedAuthor};
pub use imports::{Attachment, ImportSession, ImportStore};
pub use mail::MailStore;
pub use media::{MediaStore, NewMedia};
pub use passkeys::PasskeyStore;
pub use postgres::{PostgresOptions, PostgresStore, fresh_schema_url};
pub use reading::{Headline, PageLink, ReadingStore};
pub use records::*;
pub use revisions::RevisionStore;
pub use search::{SearchFilter, SearchStore};
pub use second_factor::SecondFactorStore;
pub use site::{COUNTED_TABLES, SiteStore};
pub use sitemaps::{SitemapEntry, SitemapMonth, SitemapStore};
pub use sqlite::{DatabaseFile, SqliteStore};
pub use terms::TermStore;
pub use webhooks::WebhookStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique rule was broken; `what` names it for the message ("slug", "email").
    #[error("{what} is already taken")]
    Conflict { what: &'static str },
    /// The database cannot be reached or is too busy; worth retrying later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The disk holding the database is full: nothing was written. Recovers by itself once
    /// space is freed.
    #[error("the database's disk is full: {0}")]
    Full(String),
    /// The database file is damaged: SQLite found a page that makes no sense.
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    /// The database holds a newer schema than this program knows.
    #[error(
        "the database schema is version {found}, newer than the {known} this program knows; upgrade tidings"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Every driver error becomes ours here, once for both dialects, so store code writes `?`.
impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        let database = match &error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => return StoreError::Unavailable(error.to_string()),
            sqlx::Error::Database(database) => database,
            _ => return StoreError::Other(error.to_string()),
        };
        if database.is_unique_violation() {
            // PostgreSQL names the constraint or index (`articles_by_slug`); SQLite the
            // column (`UNIQUE constraint failed: articles.slug`). A page's path is its slug
            // under its parent.
            let named = format!(
                "{} {}",
                database.constraint().unwrap_or(""),
                database.message()
            );
            let what = if named.contains("slug") || named.contains("path") {
                "slug"
            } else if named.contains("email") {
                "email"
            } else {
                "value"
            };
            return StoreError::Conflict { what };
        }
        let code = database.code().unwrap_or_default();
        if database
            .try_downcast_ref::<sqlx::sqlite::SqliteError>()
            .is_some()
        {
            // Extended result codes carry the primary code in their low byte.
            match code.parse::<i64>().map_or(0, |code| code & 0xff) {
                // SQLITE_FULL: the disk (or the file system's quota) is full.
                13 => StoreError::Full(error.to_string()),
                // SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged.
                11 | 26 => StoreError::Corrupt(error.to_string()),
                // SQLITE_BUSY and SQLITE_LOCKED (another process holds the lock),
                // SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR and SQLITE_CANTOPEN: the
                // database cannot be written now, which may pass.
                5 | 6 | 7 | 8 | 10 | 14 => StoreError::Unavailable(error.to_string()),
                _ => StoreError::Other(error.to_string()),
            }
        } else if code == "53100" {
            // PostgreSQL's disk_full.
            StoreError::Full(error.to_string())
        } else if code.starts_with("08")
            || code.starts_with("57P0")
            || matches!(
                code.as_ref(),
                "53200" | "53300" | "57014" | "55P03" | "40001" | "40P01"
            )
        {
            // Connection exceptions, shutdowns, out of memory, too many connections, a
            // cancelled statement, lock timeouts, serialization failures and deadlocks: all
            // pass, and are worth retrying.
            StoreError::Unavailable(error.to_string())
        } else {
            StoreError::Other(error.to_string())
        }
    }
}

/// Everything the app asks of its database: one trait per concern.
pub trait Store:
    ArticleStore
    + TermStore
    + AuthorStore
    + RevisionStore
    + DeskStore
    + CommentStore
    + DiscussionStore
    + MailStore
    + MediaStore
    + AccountStore
    + AppPasswordStore
    + SecondFactorStore
    + PasskeyStore
    + SiteStore
    + SitemapStore
    + ReadingStore
    + SearchStore
    + ImportStore
    + ExportStore
    + WebhookStore
{
}

impl<T> Store for T where
    T: ArticleStore
        + TermStore
        + AuthorStore
        + RevisionStore
        + DeskStore
        + CommentStore
        + DiscussionStore
        + MailStore
        + MediaStore
        + AccountStore
        + AppPasswordStore
        + SecondFactorStore
        + PasskeyStore
        + SiteStore
        + SitemapStore
        + ReadingStore
        + SearchStore
        + ImportStore
        + ExportStore
        + WebhookStore
{
}
