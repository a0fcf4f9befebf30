//! Personal data: everything stored about one email address, exported or erased.

use crate::app::App;
use crate::services::site;
use tidings_domain::{CommentId, CommentStatus};
use tidings_store::StoreError;

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
