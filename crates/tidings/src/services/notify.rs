//! Mail about comments: to the article's author when a comment appears, to the moderators
//! when one waits (with signed one-click links to approve, spam or trash it), and to readers
//! who subscribed to an article or to the replies to their comment, after they confirmed
//! their address (double opt-in).
//!
//! Mail is queued, never sent on the request path, and a failure to queue it is logged
//! rather than failing the comment: the comment is what must not be lost.

use crate::app::App;
use crate::render::views::mail::{
    CommentToAuthorMail, CommentToSubscriberMail, CommentWaitingMail, ConfirmSubscriptionMail,
};
use crate::security::random_token;
use crate::services::mail::Mail;
use tidings_domain::{
    Article, Comment, CommentId, CommentStatus, DiscussionSettings, ModerationAction,
};
use tidings_store::{StoreError, Subscription, SubscriptionRequest};

/// How long the links in a moderator's mail keep working.
pub const MODERATION_LINK_DAYS: i64 = 7;
/// The least time between two confirmation mails to an address that answered neither.
pub const CONFIRMATION_PAUSE: time::Duration = time::Duration::days(1);

/// What a reader asked for with the form's subscription choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscribeTo {
    Nothing,
    RepliesToMe,
    WholeArticle,
}

impl SubscribeTo {
    pub fn parse(value: &str) -> SubscribeTo {
        match value {
            "replies" => SubscribeTo::RepliesToMe,
            "all" => SubscribeTo::WholeArticle,
            _ => SubscribeTo::Nothing,
        }
    }
}

/// Tells a staff member that their account signed in from a browser it never used: where,
/// when and in what, and where to end the session if it was not them.
pub async fn new_sign_in(app: &App, user: &tidings_domain::User, ip: &str, user_agent: &str) {
    let browser: String = user_agent.chars().take(200).collect();
    let mail = crate::render::views::mail::NewSignInMail {
        site: app.site_view(),
        name: user.display_name.clone(),
        time: crate::render::views::human_date_time(app.now()),
        ip: if ip.is_empty() {
            "an unknown address".into()
        } else {
            ip.to_owned()
        },
        browser: if browser.trim().is_empty() {
            "an unnamed browser".into()
        } else {
            browser
        },
        security_url: format!("{}/admin/profile/security", app.config.base_url()),
    };
    send_mail(app, &user.email, "new_sign_in", &mail, None).await;
}

async fn send(app: &App, mail: Mail) {
    if let Err(error) = app.mailer.enqueue(mail, app.now()).await {
        tracing::error!(error = %format!("{error:#}"), "could not queue a mail");
    }
}

/// Renders the mail of `kind` from the theme's templates (`mail/KIND.subject.txt` and
/// `mail/KIND.txt`) and queues it to `to`. A template that fails is logged, as a mail that
/// cannot be queued is: the comment that caused it is what must not be lost.
pub(crate) async fn send_mail(
    app: &App,
    to: &str,
    kind: &str,
    context: impl serde::Serialize,
    unsubscribe_url: Option<String>,
) {
    match app.templates.render_mail(kind, context) {
        Ok((subject, body)) => {
            send(
                app,
                Mail {
                    to: to.to_owned(),
                    subject,
                    body,
                    unsubscribe_url,
                },
            )
            .await
        }
        Err(error) => tracing::error!(%error, kind, "a mail template failed"),
    }
}

/// As [`send_mail`], for mail a person waits for (an invitation): whether it could be
/// queued, so the one who sent it can be told.
pub(crate) async fn send_mail_or_say(
    app: &App,
    to: &str,
    kind: &str,
    context: impl serde::Serialize,
) -> anyhow::Result<()> {
    let (subject, body) = app.templates.render_mail(kind, context)?;
    app.mailer
        .enqueue(
            Mail {
                to: to.to_owned(),
                subject,
                body,
                unsubscribe_url: None,
            },
            app.now(),
        )
        .await
}

fn comment_link(app: &App, comment_id: CommentId) -> String {
    format!("{}/comments/{comment_id}/", app.config.base_url())
}

/// What a moderation link signs: the comment (its id, and its creation time, which a
/// reused id cannot share), the state it was sent for, the action and the expiry.
fn moderation_message(
    comment: &Comment,
    from: CommentStatus,
    action: &str,
    expires: i64,
) -> String {
    format!(
        "moderate:{}:{}:{}:{action}:{expires}",
        comment.id,
        comment.created_at.unix_timestamp(),
        from.as_str()
    )
}

/// A link that applies `action` to a comment without signing in, until it expires, and
/// only while the comment is in the state it is in now.
pub fn moderation_link(app: &App, comment: &Comment, action: ModerationAction) -> String {
    format!(
        "{}/moderate/{}/{}?{}",
        app.config.base_url(),
        comment.id,
        action.as_str(),
        moderation_query(app, comment, action)
    )
}

/// The signed query of a moderation link: `from=STATUS&expires=T&signature=S`.
pub fn moderation_query(app: &App, comment: &Comment, action: ModerationAction) -> String {
    let expires = (app.now() + time::Duration::days(MODERATION_LINK_DAYS)).unix_timestamp();
    let signature = app.signer.sign(&moderation_message(
        comment,
        comment.status,
        action.as_str(),
        expires,
    ));
    format!(
        "from={}&expires={expires}&signature={signature}",
        comment.status.as_str()
    )
}

/// Whether a moderation link is genuine and unexpired for this comment, sent while it was
/// `from`.
pub fn moderation_link_is_valid(
    app: &App,
    comment: &Comment,
    action: ModerationAction,
    from: &str,
    expires: &str,
    signature: &str,
) -> bool {
    let (Ok(expires), Some(from)) = (expires.parse::<i64>(), CommentStatus::parse(from)) else {
        return false;
    };
    expires >= app.now().unix_timestamp()
        && app.signer.verify(
            &moderation_message(comment, from, action.as_str(), expires),
            signature,
        )
}

/// A comment waits: the moderators hear of it, with links that act on it in one click.
pub async fn comment_waiting(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment: &Comment,
) -> Result<(), StoreError> {
    if !settings.notify_moderators {
        return Ok(());
    }
    let waiting = app.store.comment_counts().await?.pending;
    let base = app.config.base_url();
    let mail = CommentWaitingMail {
        site: app.site_view(),
        article_title: article.title.clone(),
        article_url: format!("{base}{}", article.permalink()),
        author_name: comment.author_name.clone(),
        author_url: (!comment.author_url.is_empty()).then(|| comment.author_url.clone()),
        reason: comment.moderation_reason.clone(),
        text: comment.content.clone(),
        approve_url: moderation_link(app, comment, ModerationAction::Approve),
        spam_url: moderation_link(app, comment, ModerationAction::Spam),
        trash_url: moderation_link(app, comment, ModerationAction::Trash),
        waiting,
        queue_url: format!("{base}/admin/comments"),
    };
    // Its links act on the comment: only active accounts whose role moderates get them.
    for user in app.store.all_users().await? {
        if user.deactivated || !user.role.can(tidings_domain::Capability::ModerateComments) {
            continue;
        }
        send_mail(app, &user.email, "comment_waiting", &mail, None).await;
    }
    Ok(())
}

/// A comment became visible: its article's author and the readers who subscribed hear of
/// it (never the commenter themself).
pub async fn comment_published(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment: &Comment,
) -> Result<(), StoreError> {
    let commenter = comment.author_email.to_lowercase();
    let mut told = vec![commenter.clone()];
    let link = comment_link(app, comment.id);
    if settings.notify_author
        && let Some(author_id) = article.author_id
        && let Some(author) = app.store.user_by_id(author_id).await?
        && !told.contains(&author.email.to_lowercase())
    {
        told.push(author.email.to_lowercase());
        let mail = CommentToAuthorMail {
            site: app.site_view(),
            article_title: article.title.clone(),
            author_name: comment.author_name.clone(),
            text: comment.content.clone(),
            comment_url: link.clone(),
            queue_url: format!("{}/admin/comments", app.config.base_url()),
        };
        send_mail(app, &author.email, "comment_to_author", &mail, None).await;
    }
    if !settings.subscriptions {
        return Ok(());
    }
    for subscription in app.store.subscriptions_for_article(article.id).await? {
        let wanted = match subscription.comment_id {
            None => true,
            Some(parent) => Some(parent) == comment.parent_id,
        };
        if !wanted || told.contains(&subscription.email) {
            continue;
        }
        told.push(subscription.email.clone());
        let unsubscribe = unsubscribe_link(app, &subscription.token);
        let mail = CommentToSubscriberMail {
            site: app.site_view(),
            article_title: article.title.clone(),
            author_name: comment.author_name.clone(),
            text: comment.content.clone(),
            comment_url: link.clone(),
            replies_only: subscription.comment_id.is_some(),
            unsubscribe_url: unsubscribe.clone(),
        };
        send_mail(
            app,
            &subscription.email,
            "comment_to_subscriber",
            &mail,
            Some(unsubscribe),
        )
        .await;
    }
    Ok(())
}

fn unsubscribe_link(app: &App, token: &str) -> String {
    format!(
        "{}/subscriptions/{token}/unsubscribe",
        app.config.base_url()
    )
}

/// Records a reader's wish for mail and asks them to confirm it; nothing else is sent to
/// the address until they do, so nobody can sign up someone else.
pub async fn subscribe(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    email: &str,
    comment_id: CommentId,
    to: SubscribeTo,
) -> Result<(), StoreError> {
    let comment_id = match to {
        SubscribeTo::Nothing => return Ok(()),
        SubscribeTo::RepliesToMe => Some(comment_id),
        SubscribeTo::WholeArticle => None,
    };
    let email = tidings_domain::email::email_key(email);
    if email.is_empty() || !settings.subscriptions {
        return Ok(());
    }
    // One subscription per address and thing subscribed to, and at most one confirmation
    // mail a day to an address that has not answered the last: nobody can fill a
    // stranger's inbox by subscribing them again and again, from any number of addresses.
    let subscription = Subscription {
        email: email.clone(),
        article_id: article.id,
        comment_id,
        token: random_token(),
        confirmed: false,
        created_at: app.now(),
        confirmation_sent_at: None,
    };
    let request = app
        .store
        .request_subscription(&subscription, app.now() - CONFIRMATION_PAUSE)
        .await?;
    if request != SubscriptionRequest::MailConfirmation {
        return Ok(());
    }
    let unsubscribe = unsubscribe_link(app, &subscription.token);
    let mail = ConfirmSubscriptionMail {
        site: app.site_view(),
        article_title: article.title.clone(),
        replies_only: comment_id.is_some(),
        confirm_url: format!(
            "{}/subscriptions/{}/confirm",
            app.config.base_url(),
            subscription.token
        ),
        unsubscribe_url: unsubscribe.clone(),
    };
    send_mail(
        app,
        &email,
        "confirm_subscription",
        &mail,
        Some(unsubscribe),
    )
    .await;
    Ok(())
}

/// A confirmation link's subscription, with the other requests of the same address that
/// wait without a mail of their own (one mail a day goes to an address that has not
/// answered), each with its article's title.
pub struct ConfirmationRequest {
    pub subscription: Subscription,
    pub article_title: Option<String>,
    pub also_waiting: Vec<(Subscription, String)>,
}

/// What a confirmation link asks, if its token names a subscription.
pub async fn confirmation_request(
    app: &App,
    token: &str,
) -> Result<Option<ConfirmationRequest>, StoreError> {
    let Some(subscription) = app.store.subscription_by_token(token).await? else {
        return Ok(None);
    };
    let mut also_waiting = Vec::new();
    for other in app
        .store
        .subscriptions_by_email(&subscription.email)
        .await?
    {
        if other.confirmed || other.token == subscription.token {
            continue;
        }
        if let Some(article) = app.store.article_by_id(other.article_id).await? {
            also_waiting.push((other, article.title));
        }
    }
    let article_title = app
        .store
        .article_by_id(subscription.article_id)
        .await?
        .map(|article| article.title);
    Ok(Some(ConfirmationRequest {
        subscription,
        article_title,
        also_waiting,
    }))
}

/// Confirms the subscription of `token`, and those of `also` that belong to the same
/// address and were chosen on its page. Returns the first, and how many were confirmed.
pub async fn confirm(
    app: &App,
    token: &str,
    also: &[&str],
) -> Result<Option<(Subscription, usize)>, StoreError> {
    let Some(confirmed) = app.store.confirm_subscription(token).await? else {
        return Ok(None);
    };
    let mut count = 1;
    for other in also {
        let same_address = app
            .store
            .subscription_by_token(other)
            .await?
            .is_some_and(|other| other.email == confirmed.email);
        if same_address && app.store.confirm_subscription(other).await?.is_some() {
            count += 1;
        }
    }
    Ok(Some((confirmed, count)))
}

/// Ends the subscription of `token`. Ending one that is already gone is not an error: the
/// reader gets what they asked for either way.
pub async fn unsubscribe(app: &App, token: &str) -> Result<(), StoreError> {
    app.store.delete_subscription(token).await.map(drop)
}
