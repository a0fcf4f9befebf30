//! Values that cross the store boundary besides the domain types themselves.

use tidings_domain::{Article, ArticleId, Comment, CommentId, CommentStatus, Role, UserId};
use time::OffsetDateTime;

/// Which slice of a list to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn offset(self) -> i64 {
        i64::from(self.number.max(1) - 1) * i64::from(self.size)
    }

    /// How many pages `total` items fill (at least one, so an empty list has a page 1).
    pub fn count(total: u64, size: u32) -> u32 {
        u32::try_from(total.div_ceil(u64::from(size.max(1))).max(1)).unwrap_or(u32::MAX)
    }
}

/// Where a page of a list ordered newest first begins: at the newest row, or next to a row
/// the reader has seen (its time and id), so a page costs the same wherever it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeysetPage {
    #[default]
    Newest,
    /// The rows after this one: older.
    OlderThan(OffsetDateTime, CommentId),
    /// The rows before this one: newer.
    NewerThan(OffsetDateTime, CommentId),
}

/// One page of a list, and whether another page follows: found by fetching one row more,
/// which is far cheaper than counting a large table.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Listed<T> {
    /// A page read with one row more than its `size`: that row, if it came, says there is
    /// a next page, and is not shown.
    pub(crate) fn from_one_extra(mut items: Vec<T>, size: u32) -> Listed<T> {
        let more = items.len() > size as usize;
        items.truncate(size as usize);
        Listed { items, more }
    }
}

/// A page read by [`KeysetPage`] (one row more than `size`), as a [`Listed`] newest first.
pub(crate) fn listed_newest_first(
    items: &mut Vec<QueuedComment>,
    page: KeysetPage,
    size: u32,
) -> Listed<QueuedComment> {
    let more = items.len() > size as usize;
    items.truncate(size as usize);
    if matches!(page, KeysetPage::NewerThan(..)) {
        items.reverse();
    }
    Listed {
        items: std::mem::take(items),
        more,
    }
}

/// Sorts article summaries newest first, as every list shows them.
pub(crate) fn newest_first(summaries: &mut [ArticleSummary]) {
    summaries.sort_by(|left, right| {
        (right.article.published_at, right.article.id)
            .cmp(&(left.article.published_at, left.article.id))
    });
}

/// Which articles (or pages) an admin list shows.
#[derive(Clone, Debug)]
pub struct ArticleFilter {
    pub kind: tidings_domain::ArticleKind,
    /// `None`: every state but the trash, as WordPress's "All".
    pub state: Option<tidings_domain::article::ArticleState>,
    pub author: Option<UserId>,
    /// A section or a tag it carries.
    pub term: Option<tidings_domain::TermId>,
    /// Words its title contains, in any case.
    pub title_contains: Option<String>,
    /// The moment that tells scheduled from published.
    pub now: OffsetDateTime,
}

/// A section or tag, with how many articles carry it.
#[derive(Clone, Debug)]
pub struct TermUse {
    pub term: tidings_domain::Term,
    pub articles: u64,
}

/// An article in a list, with what the list shows about its discussion.
#[derive(Clone, Debug)]
pub struct ArticleSummary {
    pub article: Article,
    pub author_name: Option<String>,
    pub approved_comments: u64,
}

/// A comment as stored, before it has an id.
#[derive(Clone, Debug)]
pub struct CommentRecord {
    pub article_id: ArticleId,
    pub parent_id: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub content: String,
    /// The content rendered by `tidings_domain::text::render_comment`.
    pub content_html: String,
    pub status: CommentStatus,
    pub moderation_reason: String,
    pub ip: String,
    pub user_agent: String,
    pub created_at: OffsetDateTime,
    /// The spam filter's score, when it judged.
    pub spam_score: Option<f64>,
    /// The proof-of-work challenge it came with: a second comment with the same one is
    /// refused.
    pub proof: Option<String>,
    pub avatar_key: Option<String>,
}

/// Checks that must see the database in the same transaction as the insert.
#[derive(Clone, Debug, Default)]
pub struct SubmissionGuard {
    /// Refuse when the same IP or email commented at or after this moment.
    pub flood_since: Option<OffsetDateTime>,
    /// Refuse when the same comment (article, parent, name, email, text) exists outside
    /// the trash, as WordPress does.
    pub reject_duplicates: bool,
    /// Count comments since this moment against the hourly limits below.
    pub rate_since: Option<OffsetDateTime>,
    /// Refuse when this IP address posted this many comments since `rate_since`; 0: no limit.
    pub max_per_ip: u32,
    /// The same for the email address.
    pub max_per_email: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Flood,
    Duplicate,
    /// Over an hourly limit.
    RateLimited,
    /// The proof of work was spent on an earlier comment.
    ProofReused,
}

/// What a moderator or, within its edit window, a commenter may change in a comment.
#[derive(Clone, Debug)]
pub struct CommentEdit {
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub content: String,
    pub content_html: String,
}

/// Which comments the admin's comment list shows.
#[derive(Clone, Debug, Default)]
pub struct CommentQuery {
    pub status: Option<CommentStatus>,
    pub article_id: Option<ArticleId>,
    /// Exactly this author email (any case).
    pub email: Option<String>,
    /// Words found in the text, name, email or IP address (any case).
    pub search: String,
}

/// A reader's wish to hear about new comments by mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub email: String,
    pub article_id: ArticleId,
    /// `None`: every new comment on the article; otherwise the replies to this comment.
    pub comment_id: Option<CommentId>,
    pub token: String,
    pub confirmed: bool,
    pub created_at: OffsetDateTime,
    /// When its confirmation mail went out; `None` when none was sent for it (the address
    /// had one waiting already), or for subscriptions from before this was kept.
    pub confirmation_sent_at: Option<OffsetDateTime>,
}

/// What became of a reader's request for mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionRequest {
    /// The address already has this subscription, confirmed or not: nothing changed.
    AlreadyThere,
    /// Stored; its confirmation mail is due now.
    MailConfirmation,
    /// Stored without a mail: the address was sent one recently that it has not acted on,
    /// and the page that mail leads to lists this request too.
    Waiting,
}

/// Failed sign-ins counted over a window, each with the moment its oldest one happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailedLogins {
    /// For the account, from browsers it never signed in with.
    pub account: Attempts,
    /// From the address, from browsers their accounts never signed in with.
    pub ip: Attempts,
    /// From the browser this account signed in with before (none for other browsers).
    pub device: Attempts,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attempts {
    pub count: u64,
    pub oldest: Option<OffsetDateTime>,
}

/// What erasing one email address's personal data changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Erased {
    pub comments: u64,
    pub subscriptions: u64,
}

/// A comment in the moderation queue with the title and link of its article.
#[derive(Clone, Debug)]
pub struct QueuedComment {
    pub comment: Comment,
    pub article_title: String,
    pub article_permalink: String,
    pub spam_score: Option<f64>,
    /// How many readers reported it.
    pub reports: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub pending: u64,
    pub approved: u64,
    pub spam: u64,
    pub trash: u64,
}

impl StatusCounts {
    pub fn set(&mut self, status: CommentStatus, count: u64) {
        match status {
            CommentStatus::Pending => self.pending = count,
            CommentStatus::Approved => self.approved = count,
            CommentStatus::Spam => self.spam = count,
            CommentStatus::Trash => self.trash = count,
        }
    }

    pub fn get(&self, status: CommentStatus) -> u64 {
        match status {
            CommentStatus::Pending => self.pending,
            CommentStatus::Approved => self.approved,
            CommentStatus::Spam => self.spam,
            CommentStatus::Trash => self.trash,
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Where and in what browser it began, for the person's list of their sessions.
    pub ip: String,
    pub user_agent: String,
}

impl Session {
    /// What names a session in its person's list: the start of its token's hash, which
    /// opens nothing.
    pub fn public_id(&self) -> &str {
        &self.token_hash[..self.token_hash.len().min(16)]
    }
}

/// One of a person's application passwords, as their profile lists it: never the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationPassword {
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
}

/// One of a person's passkeys: its public key and counter (`credential`, as webauthn-rs
/// serialises it) and the name its owner gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPasskey {
    pub id: i64,
    pub user_id: UserId,
    /// The credential's id, base64url without padding.
    pub credential_id: String,
    pub name: String,
    pub credential: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// The order of a queried list, as WordPress's REST API offers it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ArticleOrder {
    #[default]
    Date,
    Modified,
    Id,
    Title,
    Slug,
}

/// A list query with WordPress's REST filters: the admin's filter, and any of these
/// sections or tags, words in the title or body, these ids or slugs, in this order.
#[derive(Clone, Debug)]
pub struct ArticleQuery {
    pub filter: ArticleFilter,
    /// Filed under any of these (sections or tags); empty for no condition.
    pub any_terms: Vec<tidings_domain::TermId>,
    /// Also filed under any of these; a second group that must match too (WordPress's
    /// `categories` and `tags` together).
    pub any_terms_too: Vec<tidings_domain::TermId>,
    /// Words in the title, excerpt or body, in any case.
    pub words: Option<String>,
    pub ids: Vec<tidings_domain::ArticleId>,
    pub slugs: Vec<String>,
    /// A page's parent; `Some(None)` for top-level pages.
    pub parent: Option<Option<tidings_domain::ArticleId>>,
    pub order: ArticleOrder,
    pub ascending: bool,
}

/// A URL an administrator registered for some events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// Event names (`article.published`…).
    pub events: Vec<String>,
    /// The key its deliveries are signed with.
    pub secret: String,
    pub created_at: OffsetDateTime,
}

/// A delivery taken from the queue, with what sending it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub subject: String,
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
    pub url: String,
    pub secret: String,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub delivered: bool,
    pub status_code: Option<u16>,
    /// Why it failed, for the log; empty when it did not.
    pub error: String,
    /// When to try again; `None` (and not delivered) gives it up.
    pub retry_at: Option<OffsetDateTime>,
}

/// A delivery as the admin's log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryLog {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub subject: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: OffsetDateTime,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_status_code: Option<u16>,
    pub last_error: String,
    pub created_at: OffsetDateTime,
}

/// One connection pool's use at a moment, for the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUse {
    /// `write` and `read` on SQLite; `postgres`.
    pub name: &'static str,
    /// Connections open.
    pub open: u32,
    /// Of those, the ones waiting for work.
    pub idle: u32,
}
