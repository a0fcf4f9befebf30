//! A reader's comment, from the submitted form to the moderation queue and back onto the
//! page, and what moderators do to it.

use crate::app::App;
use crate::cache::Tag;
use crate::services::site;
use tidings_domain::comment::MAX_USER_AGENT_CHARS;
use tidings_domain::discussion::Candidate;
use tidings_domain::text::render_comment;
use tidings_domain::{
    Article, Comment, CommentId, CommentStatus, DiscussionSettings, FieldErrors, ModerationAction,
    RawSubmission, Transition, decide,
};
use tidings_store::{CommentRecord, Refusal, StoreError, SubmissionGuard};

/// How long the link that shows a pending comment to its author keeps working.
pub const PENDING_LINK_LIFETIME: time::Duration = time::Duration::hours(2);

/// Where a request came from; stored for moderators, never shown publicly.
#[derive(Clone, Debug, Default)]
pub struct Commenter {
    pub ip: String,
    pub user_agent: String,
}

pub enum SubmitOutcome {
    /// Stored. `status` is what the moderation decision gave it.
    Accepted {
        article: Article,
        comment_id: CommentId,
        status: CommentStatus,
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
    if !article.accepts_comments(now) {
        return Err(SubmitError::Closed(Box::new(article)));
    }
    let settings = site::discussion_settings(app).await?;
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
    let verdict = decide(
        &Candidate {
            comment: &comment,
            rendered: &rendered,
            ip: &commenter.ip,
            user_agent: &user_agent,
            previously_approved,
        },
        &settings,
    );
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
    };
    let guard = SubmissionGuard {
        flood_since: flood_window_start(&settings, now),
        reject_duplicates: true,
    };
    match app.store.insert_comment(&record, &guard).await? {
        Ok(comment_id) => {
            tracing::info!(comment = %comment_id, article = %article.id, status = verdict.status.as_str(), reason = %verdict.reason, "comment stored");
            // Only an approved comment changes what the public sees.
            if verdict.status == CommentStatus::Approved {
                site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
            }
            Ok(SubmitOutcome::Accepted {
                article,
                comment_id,
                status: verdict.status,
            })
        }
        Err(Refusal::Flood) => rejected(
            article,
            Problem::TooFast {
                seconds: settings.flood_interval_seconds,
            },
        ),
        Err(Refusal::Duplicate) => rejected(article, Problem::Duplicate),
    }
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

fn pending_message(comment_id: CommentId, expires: i64) -> String {
    format!("pending-comment:{comment_id}:{expires}")
}

/// The article's address with a signed, expiring query that shows the author their own
/// pending comment. The page stays the same for everyone else: only this URL shows it.
pub fn pending_link(app: &App, article: &Article, comment_id: CommentId) -> String {
    let expires = (app.now() + PENDING_LINK_LIFETIME).unix_timestamp();
    let signature = app.signer.sign(&pending_message(comment_id, expires));
    format!(
        "{}?unapproved={comment_id}&expires={expires}&signature={signature}#comment-{comment_id}",
        article.permalink()
    )
}

/// A pending comment shown to its author.
#[derive(Clone, Debug)]
pub struct PendingPreview {
    pub comment: Comment,
}

/// The comment a pending link names, if the link is genuine, unexpired, for this article,
/// and the comment still waits (or was caught as spam: its author is not told).
pub async fn pending_preview(
    app: &App,
    article: &Article,
    comment_id: &str,
    expires: &str,
    signature: &str,
) -> Result<Option<PendingPreview>, StoreError> {
    let (Ok(comment_id), Ok(expires)) = (comment_id.parse::<i64>(), expires.parse::<i64>()) else {
        return Ok(None);
    };
    let comment_id = CommentId(comment_id);
    if expires < app.now().unix_timestamp()
        || !app
            .signer
            .verify(&pending_message(comment_id, expires), signature)
    {
        return Ok(None);
    }
    let comment = app.store.comment_by_id(comment_id).await?;
    Ok(comment
        .filter(|comment| {
            comment.article_id == article.id
                && matches!(comment.status, CommentStatus::Pending | CommentStatus::Spam)
        })
        .map(|comment| PendingPreview { comment }))
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
