//! A reader's comment, from the submitted form to the moderation queue and back onto the
//! page, and what moderators do to it.

use crate::app::App;
use crate::cache::Tag;
use crate::services::notify::{self, SubscribeTo};
use crate::services::site;
use crate::services::spam;
use tidings_domain::comment::MAX_USER_AGENT_CHARS;
use tidings_domain::discussion::{Candidate, ProofCheck, Signals};
use tidings_domain::spam_filter::Label;
use tidings_domain::text::render_comment;
use tidings_domain::{
    Article, Comment, CommentId, CommentStatus, DiscussionSettings, FieldErrors, ModerationAction,
    RawSubmission, Transition, decide,
};
use tidings_store::{CommentEdit, CommentRecord, Refusal, StoreError, SubmissionGuard};

/// How long the link that shows a pending comment to its author keeps working.
pub const PENDING_LINK_LIFETIME: time::Duration = time::Duration::hours(2);

/// Where a request came from; stored for moderators, never shown publicly.
#[derive(Clone, Debug, Default)]
pub struct Commenter {
    pub ip: String,
    pub user_agent: String,
}

/// What the form sends besides the comment: the spam traps' fields and the reader's
/// subscription choice.
#[derive(Clone, Debug)]
pub struct FormExtras {
    /// The field hidden from people; only bots fill it in.
    pub honeypot: String,
    /// The proof-of-work challenge and the browser's answer.
    pub challenge: String,
    pub answer: String,
    pub subscribe: SubscribeTo,
}

impl Default for FormExtras {
    fn default() -> Self {
        FormExtras {
            honeypot: String::new(),
            challenge: String::new(),
            answer: String::new(),
            subscribe: SubscribeTo::Nothing,
        }
    }
}

pub enum SubmitOutcome {
    /// Stored. `status` is what the moderation decision gave it.
    Accepted {
        article: Article,
        comment_id: CommentId,
        /// When it was stored: its author link names it.
        created_at: time::OffsetDateTime,
        status: CommentStatus,
        /// The settings it was judged under, for the answer's link.
        settings: Box<DiscussionSettings>,
    },
    /// Not stored; the form is shown again with the reader's text and this problem.
    Rejected { article: Article, problem: Problem },
}

pub enum Problem {
    Fields(FieldErrors),
    /// The same IP address or email commented less than the flood interval ago.
    TooFast {
        seconds: u32,
    },
    /// Over the hourly limit for one IP address or email.
    TooMany,
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the article does not exist or is not published")]
    NoSuchArticle,
    #[error("comments are closed on this article")]
    Closed(Box<Article>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn submit_comment(
    app: &App,
    raw: &RawSubmission,
    extras: &FormExtras,
    commenter: &Commenter,
) -> Result<SubmitOutcome, SubmitError> {
    let now = app.now();
    let article = match raw.article_id.trim().parse::<i64>() {
        Ok(id) => {
            app.store
                .article_by_id(tidings_domain::ArticleId(id))
                .await?
        }
        Err(_) => None,
    };
    let Some(article) = article.filter(|article| article.is_public(now)) else {
        return Err(SubmitError::NoSuchArticle);
    };
    let settings = site::discussion_settings(app).await?;
    if !article.accepts_comments(now, settings.close_after_days) {
        return Err(SubmitError::Closed(Box::new(article)));
    }
    let rejected = |article, problem| Ok(SubmitOutcome::Rejected { article, problem });

    let comment = match raw.validate(settings.require_name_email) {
        Ok(comment) => comment,
        Err(errors) => return rejected(article, Problem::Fields(errors)),
    };
    if let Some(parent_id) = comment.parent_id {
        let parent = app.store.comment_by_id(parent_id).await?;
        let replyable = parent.is_some_and(|parent| {
            parent.article_id == article.id && parent.status == CommentStatus::Approved
        });
        if !replyable {
            let mut errors = FieldErrors::default();
            errors.add(
                "comment_parent",
                "The comment you replied to is no longer available; your comment will be posted as a new comment.",
            );
            return rejected(article, Problem::Fields(errors));
        }
    }

    let user_agent: String = commenter
        .user_agent
        .chars()
        .take(MAX_USER_AGENT_CHARS)
        .collect();
    let rendered = render_comment(&comment.content);
    let previously_approved = settings.require_previously_approved
        && !comment.author_email.is_empty()
        && app
            .store
            .has_approved_comment_from(&comment.author_name, &comment.author_email)
            .await?;
    let proof = spam::check_proof(app, &settings, &extras.challenge, &extras.answer);
    let signals = Signals {
        honeypot_filled: !extras.honeypot.trim().is_empty(),
        proof: proof.clone(),
        spam_score: spam::score(
            app,
            &comment.author_name,
            &comment.author_url,
            &comment.content,
        )
        .await?,
    };
    let verdict = decide(
        &Candidate {
            comment: &comment,
            rendered: &rendered,
            ip: &commenter.ip,
            user_agent: &user_agent,
            previously_approved,
            signals: &signals,
        },
        &settings,
    );
    let avatar_key = avatar_key(app, &comment.author_email, &comment.author_name);
    let record = CommentRecord {
        article_id: article.id,
        parent_id: comment.parent_id,
        author_name: comment.author_name,
        author_email: comment.author_email,
        author_url: comment.author_url,
        content: comment.content,
        content_html: rendered.as_str().to_owned(),
        status: verdict.status,
        moderation_reason: verdict.reason.to_string(),
        ip: commenter.ip.clone(),
        user_agent,
        created_at: now,
        spam_score: signals.spam_score,
        // Only a solved challenge is spent: a missing or broken one proves nothing to reuse.
        proof: matches!(proof, ProofCheck::Solved { .. }).then(|| extras.challenge.clone()),
        avatar_key: Some(avatar_key),
    };
    let guard = SubmissionGuard {
        flood_since: flood_window_start(&settings, now),
        reject_duplicates: true,
        rate_since: Some(now - time::Duration::hours(1)),
        max_per_ip: settings.max_comments_per_ip_per_hour,
        max_per_email: settings.max_comments_per_email_per_hour,
    };
    match app.store.insert_comment(&record, &guard).await? {
        Ok(comment_id) => {
            tracing::info!(comment = %comment_id, article = %article.id, status = verdict.status.as_str(), reason = %verdict.reason, "comment stored");
            // Only an approved comment changes what the public sees.
            if verdict.status == CommentStatus::Approved {
                site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
            }
            if verdict.status != CommentStatus::Spam {
                notify::subscribe(
                    app,
                    &settings,
                    &article,
                    &record.author_email,
                    comment_id,
                    extras.subscribe,
                )
                .await?;
            }
            // A comment held because it looks like a bot's (no proof of work, too quick, a
            // suspicious score) waits in the queue without mailing anyone: bots come in
            // floods, and a flood of mail helps nobody.
            let mail_due = verdict.status == CommentStatus::Approved
                || (verdict.status == CommentStatus::Pending && !verdict.reason.suggests_a_bot());
            if mail_due && let Some(stored) = app.store.comment_by_id(comment_id).await? {
                if verdict.status == CommentStatus::Approved {
                    notify::comment_published(app, &settings, &article, &stored).await?;
                } else {
                    notify::comment_waiting(app, &settings, &article, &stored).await?;
                }
            }
            Ok(SubmitOutcome::Accepted {
                article,
                comment_id,
                created_at: now,
                status: verdict.status,
                settings: Box::new(settings),
            })
        }
        Err(Refusal::Flood) => rejected(
            article,
            Problem::TooFast {
                seconds: settings.flood_interval_seconds,
            },
        ),
        Err(Refusal::Duplicate) => rejected(article, Problem::Duplicate),
        Err(Refusal::RateLimited) => rejected(article, Problem::TooMany),
        // The same solved challenge twice: a replay, or a double click. Either way the
        // second copy waits for a moderator rather than vanishing.
        Err(Refusal::ProofReused) => {
            let record = CommentRecord {
                proof: None,
                status: CommentStatus::Pending,
                moderation_reason: "its proof of work was already spent on another comment".into(),
                ..record
            };
            match app.store.insert_comment(&record, &guard).await? {
                Ok(comment_id) => Ok(SubmitOutcome::Accepted {
                    article,
                    comment_id,
                    created_at: now,
                    status: CommentStatus::Pending,
                    settings: Box::new(settings),
                }),
                Err(Refusal::Duplicate) => rejected(article, Problem::Duplicate),
                Err(Refusal::Flood) => rejected(
                    article,
                    Problem::TooFast {
                        seconds: settings.flood_interval_seconds,
                    },
                ),
                Err(_) => rejected(article, Problem::TooMany),
            }
        }
    }
}

/// The key of a commenter's avatar: a keyed hash of their email (or, without one, their
/// name) under the site's secret, so it says nothing that could be matched elsewhere.
pub fn avatar_key(app: &App, email: &str, name: &str) -> String {
    let identity = if email.trim().is_empty() {
        format!("name:{}", name.trim().to_lowercase())
    } else {
        format!("email:{}", email.trim().to_lowercase())
    };
    app.signer.sign(&format!("avatar:{identity}"))[..32].to_owned()
}

fn flood_window_start(
    settings: &DiscussionSettings,
    now: time::OffsetDateTime,
) -> Option<time::OffsetDateTime> {
    (settings.flood_interval_seconds > 0).then(|| {
        now - time::Duration::seconds(i64::from(settings.flood_interval_seconds))
            + time::Duration::seconds(1)
    })
}

/// What an author link signs: the comment's id and its creation time (an id freed before
/// ids stopped being reused could come back; the pair cannot), and the expiry.
fn pending_message(
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
    expires: i64,
) -> String {
    format!(
        "pending-comment:{comment_id}:{}:{expires}",
        created_at.unix_timestamp()
    )
}

/// Where a comment is shown: its article, on the comment page that holds it when comments
/// are paged, at its anchor.
pub async fn comment_address(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: CommentId,
) -> Result<String, StoreError> {
    let permalink = article.permalink();
    let page = if settings.page_comments {
        let approved = app.store.approved_comments(article.id).await?;
        settings.page_holding(
            &tidings_domain::thread(&approved, settings.thread_depth),
            comment_id,
        )
    } else {
        1
    };
    Ok(format!(
        "{}#comment-{comment_id}",
        settings.comment_page_url(&permalink, page)
    ))
}

/// How long a comment's author link works: long enough to see it wait, and to the end of
/// the window for editing it.
fn author_link_lifetime(settings: &DiscussionSettings) -> time::Duration {
    PENDING_LINK_LIFETIME.max(time::Duration::minutes(i64::from(
        settings.edit_window_minutes,
    )))
}

/// The signed query that proves its holder wrote a comment: `unapproved=ID&expires=…&
/// signature=…`, WordPress's parameter name, so the page shows the author their waiting
/// comment and, while the site allows it, a link to edit or delete it. Only a URL with it
/// differs from the page everybody else sees (and the page cache never stores it).
pub fn author_query(
    app: &App,
    settings: &DiscussionSettings,
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
) -> String {
    let expires = (app.now() + author_link_lifetime(settings)).unix_timestamp();
    let signature = app
        .signer
        .sign(&pending_message(comment_id, created_at, expires));
    format!("unapproved={comment_id}&expires={expires}&signature={signature}")
}

/// The article's address with the author's signed query, at the comment.
pub fn pending_link(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
) -> String {
    format!(
        "{}?{}#comment-{comment_id}",
        article.permalink(),
        author_query(app, settings, comment_id, created_at)
    )
}

/// A reader's own comment, shown to them through its signed link: while it waits, and
/// while they may still edit it.
#[derive(Clone, Debug)]
pub struct PendingPreview {
    pub comment: Comment,
    /// Where they edit or delete it, while the site's edit window is open.
    pub edit_url: Option<String>,
}

/// The comment an author link names, if the link is genuine and unexpired.
pub async fn authored_comment(
    app: &App,
    comment_id: &str,
    expires: &str,
    signature: &str,
) -> Result<Option<Comment>, StoreError> {
    let (Ok(comment_id), Ok(expires)) = (comment_id.parse::<i64>(), expires.parse::<i64>()) else {
        return Ok(None);
    };
    let comment_id = CommentId(comment_id);
    if expires < app.now().unix_timestamp() {
        return Ok(None);
    }
    let comment = app.store.comment_by_id(comment_id).await?;
    Ok(comment.filter(|comment| {
        app.signer.verify(
            &pending_message(comment_id, comment.created_at, expires),
            signature,
        )
    }))
}

/// Until when the author of `comment` may change it; `None` when they never may (no edit
/// window, or the comment is in the trash).
pub fn edit_deadline(
    comment: &Comment,
    settings: &DiscussionSettings,
) -> Option<time::OffsetDateTime> {
    (settings.edit_window_minutes > 0 && comment.status != CommentStatus::Trash).then(|| {
        comment.created_at + time::Duration::minutes(i64::from(settings.edit_window_minutes))
    })
}

/// Whether the author of `comment` may still change it at `now`.
pub fn editable(
    comment: &Comment,
    settings: &DiscussionSettings,
    now: time::OffsetDateTime,
) -> bool {
    edit_deadline(comment, settings).is_some_and(|until| now < until)
}

/// The comment an author link names, if the link is genuine, unexpired, for this article,
/// and the comment waits (or was caught as spam: its author is not told) or may still be
/// edited.
pub async fn pending_preview(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: &str,
    expires: &str,
    signature: &str,
) -> Result<Option<PendingPreview>, StoreError> {
    let Some(comment) = authored_comment(app, comment_id, expires, signature).await? else {
        return Ok(None);
    };
    let can_edit = editable(&comment, settings, app.now());
    let shown = comment.article_id == article.id
        && (matches!(comment.status, CommentStatus::Pending | CommentStatus::Spam)
            || (comment.status == CommentStatus::Approved && can_edit));
    Ok(shown.then(|| PendingPreview {
        edit_url: can_edit.then(|| {
            format!(
                "/comments/{}/edit?expires={expires}&signature={signature}",
                comment.id
            )
        }),
        comment,
    }))
}

pub enum EditOutcome {
    Saved {
        status: CommentStatus,
    },
    Invalid(FieldErrors),
    /// The window closed, or the comment is gone.
    TooLate,
}

/// A commenter changes their comment inside the edit window. The new text goes through the
/// same checks as a new comment; an edit can hold a comment again (links added to an
/// approved comment send it back to the queue), never release one.
pub async fn edit_own_comment(
    app: &App,
    settings: &DiscussionSettings,
    comment: &Comment,
    content: &str,
    commenter: &Commenter,
) -> Result<EditOutcome, StoreError> {
    if !editable(comment, settings, app.now()) {
        return Ok(EditOutcome::TooLate);
    }
    let raw = RawSubmission {
        article_id: comment.article_id.0.to_string(),
        parent_id: String::new(),
        author_name: comment.author_name.clone(),
        author_email: comment.author_email.clone(),
        author_url: comment.author_url.clone(),
        content: content.to_owned(),
    };
    let edited = match raw.validate(false) {
        Ok(edited) => edited,
        Err(errors) => return Ok(EditOutcome::Invalid(errors)),
    };
    let rendered = render_comment(&edited.content);
    let verdict = decide(
        &Candidate {
            comment: &edited,
            rendered: &rendered,
            ip: &commenter.ip,
            user_agent: &commenter.user_agent,
            previously_approved: true,
            signals: &Signals {
                spam_score: spam::score(
                    app,
                    &edited.author_name,
                    &edited.author_url,
                    &edited.content,
                )
                .await?,
                ..Signals::default()
            },
        },
        &DiscussionSettings {
            // Already judged once; only what the new text says can hold it again.
            manual_approval: false,
            ..settings.clone()
        },
    );
    let status = match (comment.status, verdict.status) {
        (_, CommentStatus::Spam) | (CommentStatus::Spam, _) => CommentStatus::Spam,
        (CommentStatus::Approved, CommentStatus::Approved) => CommentStatus::Approved,
        _ => CommentStatus::Pending,
    };
    let edit = CommentEdit {
        author_name: comment.author_name.clone(),
        author_email: comment.author_email.clone(),
        author_url: comment.author_url.clone(),
        content: edited.content,
        content_html: rendered.as_str().to_owned(),
    };
    if !app.store.edit_comment(comment.id, &edit, app.now()).await? {
        return Ok(EditOutcome::TooLate);
    }
    if status != comment.status {
        app.store
            .set_comment_status(comment.id, status, Some(comment.status))
            .await?;
    }
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(EditOutcome::Saved { status })
}

/// A commenter deletes their comment inside the edit window: it goes to the trash, where
/// moderators can still see it until it is emptied.
pub async fn delete_own_comment(
    app: &App,
    settings: &DiscussionSettings,
    comment: &Comment,
) -> Result<bool, StoreError> {
    if !editable(comment, settings, app.now()) {
        return Ok(false);
    }
    app.store
        .set_comment_status(comment.id, CommentStatus::Trash, Some(comment.status))
        .await?;
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(true)
}

/// The most characters a report's reason may have.
pub const MAX_REPORT_REASON_CHARS: usize = 500;

pub enum ReportOutcome {
    Recorded,
    NoSuchComment,
    TooMany,
    Invalid(&'static str),
}

/// A reader tells the moderators that an approved comment is out of line.
pub async fn report_comment(
    app: &App,
    comment_id: CommentId,
    reason: &str,
    commenter: &Commenter,
) -> Result<ReportOutcome, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(ReportOutcome::Invalid(
            "Please say what is wrong with this comment.",
        ));
    }
    if reason.chars().count() > MAX_REPORT_REASON_CHARS {
        return Ok(ReportOutcome::Invalid(
            "Please keep the reason under 500 characters.",
        ));
    }
    let visible = app
        .store
        .comment_by_id(comment_id)
        .await?
        .is_some_and(|comment| comment.status == CommentStatus::Approved);
    if !visible {
        return Ok(ReportOutcome::NoSuchComment);
    }
    let settings = site::discussion_settings(app).await?;
    let now = app.now();
    let outcome = app
        .store
        .record_report(
            comment_id,
            reason,
            &commenter.ip,
            now,
            now - time::Duration::hours(1),
            settings.max_reports_per_ip_per_hour,
        )
        .await?;
    Ok(match outcome {
        Ok(()) => ReportOutcome::Recorded,
        Err(_) => ReportOutcome::TooMany,
    })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModerationSummary {
    pub changed: usize,
    /// Comments the action did not apply to (already gone, or in the wrong status).
    pub skipped: usize,
}

/// Applies one moderation action to each comment.
/// Renders and stores the HTML of comments that have none yet (written before HTML was
/// stored, or by an import), a batch at a time. Returns how many it rendered.
pub async fn render_missing_html(store: &dyn tidings_store::Store) -> Result<u64, StoreError> {
    let mut rendered = 0;
    loop {
        let batch = store.comments_without_html(1000).await?;
        if batch.is_empty() {
            return Ok(rendered);
        }
        let html: Vec<(CommentId, String)> = batch
            .into_iter()
            .map(|(id, content)| (id, render_comment(&content).as_str().to_owned()))
            .collect();
        rendered += html.len() as u64;
        store.store_comment_html(&html).await?;
    }
}

pub async fn moderate(
    app: &App,
    ids: &[CommentId],
    action: ModerationAction,
) -> Result<ModerationSummary, StoreError> {
    let mut summary = ModerationSummary::default();
    let mut changed_pages = vec![Tag::Lists];
    // Only these actions can make a comment appear, which is when readers are mailed.
    let settings = match action {
        ModerationAction::Approve | ModerationAction::NotSpam => {
            Some(site::discussion_settings(app).await?)
        }
        _ => None,
    };
    let outcome = async {
        for id in ids {
            let Some(comment) = app.store.comment_by_id(*id).await? else {
                summary.skipped += 1;
                continue;
            };
            match action.transition(comment.status, comment.status_before) {
                Some(Transition::Become {
                    status,
                    status_before,
                }) => {
                    app.store
                        .set_comment_status(*id, status, status_before)
                        .await?;
                    // Every approve, spam and "not spam" teaches the filter.
                    let lesson = match action {
                        ModerationAction::Approve | ModerationAction::NotSpam => Some(Label::Ham),
                        ModerationAction::Spam => Some(Label::Spam),
                        _ => None,
                    };
                    if let Some(label) = lesson {
                        spam::learn(app, &comment, label).await?;
                    }
                    // Readers hear of a comment when it first appears, not when it comes
                    // back from the trash.
                    let first_appearance = status == CommentStatus::Approved
                        && matches!(comment.status, CommentStatus::Pending | CommentStatus::Spam);
                    if first_appearance
                        && let Some(settings) = &settings
                        && let Some(article) = app.store.article_by_id(comment.article_id).await?
                    {
                        notify::comment_published(app, settings, &article, &comment).await?;
                    }
                }
                // Deleting moves replies up, which changes the page too.
                Some(Transition::Delete) => app.store.delete_comment(*id).await?,
                None => {
                    summary.skipped += 1;
                    continue;
                }
            }
            summary.changed += 1;
            changed_pages.push(Tag::Article(comment.article_id));
        }
        Ok::<_, StoreError>(())
    }
    .await;
    // Even when a later comment failed, the ones before it changed: drop their pages.
    if summary.changed > 0 {
        site::pages_changed(app, &changed_pages).await?;
    }
    outcome.map(|()| summary)
}

/// A moderator corrects a comment: its author fields and text, checked like a reader's.
pub async fn edit_by_moderator(
    app: &App,
    comment: &Comment,
    raw: &RawSubmission,
) -> Result<Result<(), FieldErrors>, StoreError> {
    let edited = match raw.validate(false) {
        Ok(edited) => edited,
        Err(errors) => return Ok(Err(errors)),
    };
    let rendered = render_comment(&edited.content);
    let edit = CommentEdit {
        author_name: edited.author_name,
        author_email: edited.author_email,
        author_url: edited.author_url,
        content: edited.content,
        content_html: rendered.as_str().to_owned(),
    };
    app.store.edit_comment(comment.id, &edit, app.now()).await?;
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(Ok(()))
}

/// A moderator answers a comment from the queue, under their own name. Answering a waiting
/// comment approves it first, as WordPress's "Approve and Reply" does.
pub async fn reply_as_staff(
    app: &App,
    user: &tidings_domain::User,
    parent: &Comment,
    content: &str,
) -> Result<Result<CommentId, FieldErrors>, StoreError> {
    let raw = RawSubmission {
        article_id: parent.article_id.0.to_string(),
        parent_id: parent.id.0.to_string(),
        author_name: user.display_name.clone(),
        author_email: user.email.clone(),
        author_url: String::new(),
        content: content.to_owned(),
    };
    let reply = match raw.validate(true) {
        Ok(reply) => reply,
        Err(errors) => return Ok(Err(errors)),
    };
    if parent.status == CommentStatus::Pending {
        moderate(app, &[parent.id], ModerationAction::Approve).await?;
    }
    let rendered = render_comment(&reply.content);
    let record = CommentRecord {
        article_id: parent.article_id,
        parent_id: Some(parent.id),
        author_name: reply.author_name,
        author_email: reply.author_email.clone(),
        author_url: reply.author_url,
        content: reply.content,
        content_html: rendered.as_str().to_owned(),
        status: CommentStatus::Approved,
        moderation_reason: format!("reply by the moderator {}", user.display_name),
        ip: String::new(),
        user_agent: String::new(),
        created_at: app.now(),
        spam_score: None,
        proof: None,
        avatar_key: Some(avatar_key(app, &reply.author_email, "")),
    };
    let id = match app
        .store
        .insert_comment(&record, &SubmissionGuard::default())
        .await?
    {
        Ok(id) => id,
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "comment",
                "The reply could not be stored; please try again.",
            );
            return Ok(Err(errors));
        }
    };
    site::pages_changed(app, &[Tag::Article(parent.article_id), Tag::Lists]).await?;
    if let (Some(article), Some(stored)) = (
        app.store.article_by_id(parent.article_id).await?,
        app.store.comment_by_id(id).await?,
    ) {
        let settings = site::discussion_settings(app).await?;
        notify::comment_published(app, &settings, &article, &stored).await?;
    }
    Ok(Ok(id))
}

/// Everything stored about one email address, as JSON, for the person it belongs to.
pub async fn export_personal_data(app: &App, email: &str) -> Result<String, StoreError> {
    // Every comment of the address, a thousand at a time.
    let query = tidings_store::CommentQuery {
        email: Some(email.to_owned()),
        ..tidings_store::CommentQuery::default()
    };
    let mut comments = Vec::new();
    let mut page = tidings_store::KeysetPage::Newest;
    loop {
        let listed = app.store.find_comments(&query, page, 1000).await?;
        let last = listed.items.last().map(|queued| {
            tidings_store::KeysetPage::OlderThan(queued.comment.created_at, queued.comment.id)
        });
        comments.extend(listed.items);
        match last {
            Some(next) if listed.more => page = next,
            _ => break,
        }
    }
    let subscriptions = app.store.subscriptions_by_email(email).await?;
    let base = app.config.base_url();
    let export = serde_json::json!({
        "email": email,
        "exported_at": app.now().unix_timestamp(),
        "site": base,
        "comments": comments.iter().map(|queued| {
            let comment = &queued.comment;
            serde_json::json!({
                "id": comment.id.0,
                "article": queued.article_title,
                "article_url": format!("{base}{}", queued.article_permalink),
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "text": comment.content,
                "status": comment.status.as_str(),
                "ip_address": comment.ip,
                "user_agent": comment.user_agent,
                "created_at": comment.created_at.unix_timestamp(),
            })
        }).collect::<Vec<_>>(),
        "subscriptions": subscriptions.iter().map(|subscription| serde_json::json!({
            "article_id": subscription.article_id.0,
            "replies_to_comment": subscription.comment_id.map(|id| id.0),
            "confirmed": subscription.confirmed,
            "created_at": subscription.created_at.unix_timestamp(),
        })).collect::<Vec<_>>(),
    });
    Ok(serde_json::to_string_pretty(&export).unwrap_or_default())
}

/// Erases one email address's personal data (see `Store::erase_personal_data`), and drops
/// the pages that showed the old names.
pub async fn erase_personal_data(
    app: &App,
    email: &str,
) -> Result<tidings_store::Erased, StoreError> {
    let erased = app.store.erase_personal_data(email).await?;
    if erased.comments > 0 {
        site::all_pages_changed(app).await?;
    }
    // Mail to the address this node still keeps goes too; the database holds the rest.
    match app.mailer.forget_recipient(email).await {
        Ok(forgotten) => tracing::info!(forgotten, "erased mail to an address"),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "could not erase mail to an address");
        }
    }
    Ok(erased)
}

/// The comments of one email address that wait for a moderator (a thousand at most): a
/// commenter's history offers to approve them all at once.
pub async fn waiting_from(app: &App, email: &str) -> Result<Vec<CommentId>, StoreError> {
    let waiting = app
        .store
        .find_comments(
            &tidings_store::CommentQuery {
                status: Some(CommentStatus::Pending),
                email: Some(email.to_owned()),
                ..tidings_store::CommentQuery::default()
            },
            tidings_store::KeysetPage::Newest,
            1000,
        )
        .await?;
    Ok(waiting
        .items
        .iter()
        .map(|queued| queued.comment.id)
        .collect())
}
