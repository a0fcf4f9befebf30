//! Storage behind one interface: the [`Store`] trait, and its SQLite and PostgreSQL
//! backends.
//!
//! The app holds an `Arc<dyn Store>` and never names a backend. Methods are named for what
//! the app asks ("the approved comments of this article"), not generic CRUD, and each backend
//! owns its SQL and turns driver errors into [`StoreError`]. This crate knows the domain
//! types but nothing of HTTP or templates.

mod migrations;
mod postgres;
pub mod records;
mod rows;
mod sql;
mod sqlite;

pub use postgres::{PostgresOptions, PostgresStore, fresh_schema_url};
pub use records::*;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use std::collections::HashMap;
use tidings_domain::article::ValidArticle;
use tidings_domain::spam_filter::{Label, TokenCounts};
use tidings_domain::{Article, ArticleId, Comment, CommentId, CommentStatus, User, UserId};
use time::OffsetDateTime;

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

#[async_trait]
pub trait Store: Send + Sync {
    /// The schema version the database is at.
    async fn schema_version(&self) -> StoreResult<i64>;

    // Articles.

    /// Inserts an article. When its slug came from the title and is taken, `-2`, `-3`, …
    /// are tried; a slug typed by the editor that is taken is a `Conflict`.
    async fn insert_article(
        &self,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Article>;
    /// Replaces an article's editable fields; `None` when it does not exist.
    async fn update_article(
        &self,
        id: ArticleId,
        article: &ValidArticle,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>>;
    async fn article_by_id(&self, id: ArticleId) -> StoreResult<Option<Article>>;
    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>>;
    /// Published articles dated no later than `now`, newest first, with approved comment counts.
    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// When the next article dated after `now` becomes public, if any: cached lists are
    /// fresh until then.
    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>>;
    /// Every article, drafts included, newest first, for the admin.
    async fn all_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>>;
    async fn count_all_articles(&self) -> StoreResult<u64>;

    // Comments.

    /// Stores a new comment unless the guard refuses it; the guard's checks and the insert
    /// happen in one transaction, so two racing requests cannot both slip past flood control.
    async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>>;
    async fn comment_by_id(&self, id: CommentId) -> StoreResult<Option<Comment>>;
    /// Up to `limit` comments whose HTML has not been rendered yet: (id, content).
    async fn comments_without_html(&self, limit: u32) -> StoreResult<Vec<(CommentId, String)>>;
    async fn store_comment_html(&self, rendered: &[(CommentId, String)]) -> StoreResult<()>;
    /// An article's approved comments, oldest first, for its public page: without their
    /// private fields (email, IP address, user agent and moderation reason are empty).
    async fn approved_comments(&self, article_id: ArticleId) -> StoreResult<Vec<Comment>>;
    /// Whether an approved comment exists with exactly this name and email.
    async fn has_approved_comment_from(&self, name: &str, email: &str) -> StoreResult<bool>;
    async fn comment_counts(&self) -> StoreResult<StatusCounts>;
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> StoreResult<()>;
    /// Deletes a comment for good, moving its replies up to its parent.
    async fn delete_comment(&self, id: CommentId) -> StoreResult<()>;
    /// Comments matching a query, newest first, with their article: `size` of them from
    /// `page` on, and whether more follow in that direction (older for `Newest` and
    /// `OlderThan`, newer for `NewerThan`).
    async fn find_comments(
        &self,
        query: &CommentQuery,
        page: KeysetPage,
        size: u32,
    ) -> StoreResult<Listed<QueuedComment>>;
    /// Replaces a comment's author fields and text; false when it does not exist.
    async fn edit_comment(
        &self,
        id: CommentId,
        edit: &CommentEdit,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;

    // The spam filter.

    /// Training counts of these tokens (and of `spam_filter::DOCUMENTS`); tokens never
    /// seen may be missing.
    async fn spam_token_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<HashMap<String, TokenCounts>>;
    /// Teaches the filter that comment `id` (whose tokens these are) is `label`, first
    /// unteaching what it learnt from it before, in one transaction; `None` unteaches only.
    async fn train_spam_filter(
        &self,
        id: CommentId,
        tokens: &[String],
        label: Option<Label>,
    ) -> StoreResult<()>;

    // Readers' reports.

    /// Records a report unless `ip` already sent `max_per_ip` since `since`.
    async fn record_report(
        &self,
        comment_id: CommentId,
        reason: &str,
        ip: &str,
        at: OffsetDateTime,
        since: OffsetDateTime,
        max_per_ip: u32,
    ) -> StoreResult<Result<(), Refusal>>;

    // Subscriptions.

    /// Stores a reader's request for mail, unless the address has it already, and says
    /// whether a confirmation mail is due: at most one is sent to an address while an
    /// earlier one sent since `confirmations_since` waits unanswered. Decided in one
    /// transaction per address, so racing requests cannot each send one.
    async fn request_subscription(
        &self,
        subscription: &Subscription,
        confirmations_since: OffsetDateTime,
    ) -> StoreResult<SubscriptionRequest>;
    async fn subscription_by_token(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// Confirms the subscription with this token and returns it.
    async fn confirm_subscription(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// Deletes the subscription with this token and returns what it was.
    async fn delete_subscription(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// An article's confirmed subscriptions (to it, and to replies to its comments).
    async fn subscriptions_for_article(
        &self,
        article_id: ArticleId,
    ) -> StoreResult<Vec<Subscription>>;
    async fn subscriptions_by_email(&self, email: &str) -> StoreResult<Vec<Subscription>>;

    // Privacy and housekeeping.

    /// Anonymises every comment of this email address (name "Anonymous"; email, website,
    /// IP address and user agent emptied; the text stays, as the discussion around it
    /// would not make sense without it) and deletes its subscriptions.
    async fn erase_personal_data(&self, email: &str) -> StoreResult<Erased>;
    /// Up to `limit` comments with an id above `after`, in id order, with when they were
    /// written and their IP address: the housekeeping's walk through comments due for
    /// anonymising. Rows come in the order they were stored (imported ones included,
    /// whatever their date), along the primary key.
    async fn comment_ips_after(
        &self,
        after: CommentId,
        limit: u32,
    ) -> StoreResult<Vec<(CommentId, OffsetDateTime, String)>>;
    async fn set_comment_ips(&self, ips: &[(CommentId, String)]) -> StoreResult<()>;
    /// Deletes spam older than `before`, moving any replies up; returns how many.
    async fn purge_spam_before(&self, before: OffsetDateTime) -> StoreResult<u64>;

    // Users, sessions and sign-in.

    /// Inserts a user; a taken email is a `Conflict { what: "email" }`.
    async fn insert_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<User>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn count_users(&self) -> StoreResult<u64>;
    /// Every account, oldest first: the people who run the site and moderate it.
    async fn all_users(&self) -> StoreResult<Vec<User>>;
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// The session and its user, if the session exists and has not expired at `now`.
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Records a failed sign-in; `device` is the key of a browser the account signed in
    /// with before, or "" for any other browser.
    async fn record_failed_login(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Failed sign-ins since `since`: for the account and for the IP address from unknown
    /// browsers, and from the browser with this `device` key (when not "").
    async fn failed_logins_since(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        since: OffsetDateTime,
    ) -> StoreResult<FailedLogins>;
    /// Forgets the failed sign-ins of one known browser, after it signed in.
    async fn clear_failed_logins(&self, device: &str) -> StoreResult<()>;

    // Page-cache coherence across nodes.

    /// Appends to the log of page invalidations the tags a write made stale, and returns
    /// the entry's epoch. Entries are numbered in commit order; a day's worth is kept.
    async fn record_page_changes(&self, tags: &str, at: OffsetDateTime) -> StoreResult<i64>;
    /// The log entries after `epoch`, oldest first: (epoch, tags).
    async fn page_changes_since(&self, epoch: i64) -> StoreResult<Vec<(i64, String)>>;
    /// The newest entry's epoch, or 0.
    async fn latest_page_change(&self) -> StoreResult<i64>;

    // Outgoing mail.

    /// Notes that a mail to `recipient` was handed to the mail server; rows older than a
    /// day are forgotten.
    async fn record_mail_delivery(&self, recipient: &str, at: OffsetDateTime) -> StoreResult<()>;
    /// Mail handed over since `since`: to `recipient` (any case), and to anyone.
    async fn mail_deliveries_since(
        &self,
        recipient: &str,
        since: OffsetDateTime,
    ) -> StoreResult<(u64, u64)>;

    // Health.

    /// A quick check of the database's own structure; `Some` describes what is damaged.
    async fn check_integrity(&self) -> StoreResult<Option<String>>;

    // Settings.

    async fn setting(&self, name: &str) -> StoreResult<Option<String>>;
    async fn put_setting(&self, name: &str, value: &str) -> StoreResult<()>;
    /// Stores `value` only if nothing is stored under `name`, and returns what is stored:
    /// how several nodes agree on one generated secret.
    async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String>;
}
