//! Mail about comments: to the article's author when a comment appears, to the moderators
//! when one waits (with signed one-click links to approve, spam or trash it), and to readers
//! who subscribed to an article or to the replies to their comment, after they confirmed
//! their address (double opt-in).
//!
//! Mail is queued, never sent on the request path, and a failure to queue it is logged
//! rather than failing the comment: the comment is what must not be lost.

use crate::app::App;
use crate::security::random_token;
use crate::services::mail::Mail;
use tidings_domain::{Article, Comment, CommentId, DiscussionSettings, ModerationAction};
use tidings_store::{StoreError, Subscription};

/// How long the links in a moderator's mail keep working.
pub const MODERATION_LINK_DAYS: i64 = 7;

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

async fn send(app: &App, mail: Mail) {
    if let Err(error) = app.mailer.enqueue(mail, app.now()).await {
        tracing::error!(error = %format!("{error:#}"), "could not queue a mail");
    }
}

fn comment_link(app: &App, comment_id: CommentId) -> String {
    format!("{}/comments/{comment_id}/", app.config.base_url())
}

fn quoted(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn moderation_message(id: CommentId, action: &str, expires: i64) -> String {
    format!("moderate:{id}:{action}:{expires}")
}

/// A link that applies `action` to a comment without signing in, until it expires.
pub fn moderation_link(app: &App, id: CommentId, action: ModerationAction) -> String {
    let expires = (app.now() + time::Duration::days(MODERATION_LINK_DAYS)).unix_timestamp();
    let name = action.as_str();
    let signature = app.signer.sign(&moderation_message(id, name, expires));
    format!(
        "{}/moderate/{id}/{name}?expires={expires}&signature={signature}",
        app.config.base_url()
    )
}

pub fn moderation_link_is_valid(
    app: &App,
    id: CommentId,
    action: ModerationAction,
    expires: &str,
    signature: &str,
) -> bool {
    let Ok(expires) = expires.parse::<i64>() else {
        return false;
    };
    expires >= app.now().unix_timestamp()
        && app
            .signer
            .verify(&moderation_message(id, action.as_str(), expires), signature)
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
    let body = format!(
        "A new comment on “{title}” is waiting for your approval.\n{base}{permalink}\n\n\
         Author: {name}\nWebsite: {url}\nWhy it waits: {reason}\n\n{text}\n\n\
         Approve it: {approve}\nMark it as spam: {spam}\nMove it to the trash: {trash}\n\n\
         {waiting} comment(s) are waiting in the queue: {base}/admin/comments\n",
        title = article.title,
        base = app.config.base_url(),
        permalink = article.permalink(),
        name = comment.author_name,
        url = if comment.author_url.is_empty() {
            "(none)"
        } else {
            &comment.author_url
        },
        reason = comment.moderation_reason,
        text = quoted(&comment.content),
        approve = moderation_link(app, comment.id, ModerationAction::Approve),
        spam = moderation_link(app, comment.id, ModerationAction::Spam),
        trash = moderation_link(app, comment.id, ModerationAction::Trash),
    );
    for user in app.store.all_users().await? {
        send(
            app,
            Mail {
                to: user.email.clone(),
                subject: format!(
                    "[{}] Please moderate: “{}”",
                    app.config.title, article.title
                ),
                body: body.clone(),
                unsubscribe_url: None,
            },
        )
        .await;
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
    let text = quoted(&comment.content);
    let link = comment_link(app, comment.id);
    if settings.notify_author
        && let Some(author_id) = article.author_id
        && let Some(author) = app.store.user_by_id(author_id).await?
        && !told.contains(&author.email.to_lowercase())
    {
        told.push(author.email.to_lowercase());
        send(
            app,
            Mail {
                to: author.email,
                subject: format!("[{}] Comment: “{}”", app.config.title, article.title),
                body: format!(
                    "{name} commented on your article “{title}”:\n\n{text}\n\n\
                     See it in place: {link}\nAll comments awaiting moderation: {base}/admin/comments\n",
                    name = comment.author_name,
                    title = article.title,
                    base = app.config.base_url(),
                ),
                unsubscribe_url: None,
            },
        )
        .await;
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
        let why = if subscription.comment_id.is_some() {
            "You asked to hear about replies to your comment."
        } else {
            "You asked to hear about new comments on this article."
        };
        let unsubscribe = unsubscribe_link(app, &subscription.token);
        send(
            app,
            Mail {
                to: subscription.email.clone(),
                subject: format!("[{}] New comment on “{}”", app.config.title, article.title),
                body: format!(
                    "{name} wrote on “{title}”:\n\n{text}\n\nRead it and reply: {link}\n\n\
                     {why} Stop these mails with one click: {unsubscribe}\n",
                    name = comment.author_name,
                    title = article.title,
                ),
                unsubscribe_url: Some(unsubscribe),
            },
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
    let email = email.trim().to_lowercase();
    if email.is_empty() || !settings.subscriptions {
        return Ok(());
    }
    // One subscription (and one confirmation mail) per address and thing subscribed to:
    // nobody can fill a stranger's inbox by subscribing them again and again.
    let already = app
        .store
        .subscriptions_by_email(&email)
        .await?
        .iter()
        .any(|existing| existing.article_id == article.id && existing.comment_id == comment_id);
    if already {
        return Ok(());
    }
    let subscription = Subscription {
        email: email.clone(),
        article_id: article.id,
        comment_id,
        token: random_token(),
        confirmed: false,
        created_at: app.now(),
    };
    app.store.insert_subscription(&subscription).await?;
    let what = if comment_id.is_some() {
        "replies to your comment"
    } else {
        "new comments"
    };
    let base = app.config.base_url();
    send(
        app,
        Mail {
            to: email,
            subject: format!("[{}] Please confirm your subscription", app.config.title),
            body: format!(
                "Someone, hopefully you, asked to receive mail about {what} on “{title}”.\n\n\
                 Confirm with one click: {base}/subscriptions/{token}/confirm\n\n\
                 If it was not you, ignore this mail: nothing more will be sent. \
                 Cancel: {unsubscribe}\n",
                title = article.title,
                token = subscription.token,
                unsubscribe = unsubscribe_link(app, &subscription.token),
            ),
            unsubscribe_url: Some(unsubscribe_link(app, &subscription.token)),
        },
    )
    .await;
    Ok(())
}
