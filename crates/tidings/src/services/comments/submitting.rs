//! A reader's comment from the submitted form to the store: the field checks, the spam
//! defences, the moderation decision and the guard's checks in the insert's transaction.

use crate::app::App;
use crate::cache::Tag;
use crate::services::notify::{self, SubscribeTo};
use crate::services::site;
use crate::services::spam;
use crate::services::webhooks;
use tidings_domain::comment::MAX_USER_AGENT_CHARS;
use tidings_domain::discussion::{Candidate, ProofCheck, Signals};
use tidings_domain::text::render_comment;
use tidings_domain::webhook::Event;
use tidings_domain::{
    Article, CommentId, CommentStatus, DiscussionSettings, FieldErrors, RawSubmission, decide,
};
use tidings_store::{CommentRecord, Refusal, StoreError, SubmissionGuard};

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
    let outcome = judge_and_store(app, raw, extras, commenter).await;
    app.metrics.record_comment(match &outcome {
        Ok(SubmitOutcome::Accepted { status, .. }) => status.as_str(),
        Ok(SubmitOutcome::Rejected { .. }) => "refused",
        Err(_) => "error",
    });
    let outcome = outcome?;
    if let SubmitOutcome::Accepted {
        article,
        comment_id,
        status,
        ..
    } = &outcome
        && let Some(comment) = app.store.comment_by_id(*comment_id).await?
    {
        let event = if *status == CommentStatus::Spam {
            Event::CommentSpam
        } else {
            Event::CommentCreated
        };
        webhooks::emit(
            app,
            event,
            &webhooks::article_subject(article),
            webhooks::comment_data(app, &comment),
        )
        .await;
    }
    Ok(outcome)
}

async fn judge_and_store(
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
        flood_since: settings.flood_window_start(now),
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
