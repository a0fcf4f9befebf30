//! The discussion's pages around the article: the proof-of-work challenge, avatars, comment
//! permalinks, a commenter's edit and delete, reports, subscriptions, one-click moderation
//! from mail, and the comment feeds. Pages reached from mail show one button rather than
//! acting on a GET, because mail scanners open links.

mod challenge;
mod feeds;
mod moderation_links;
mod own_comment;
mod reports;
mod subscriptions;

pub use challenge::{avatar, challenge};
pub use feeds::{article_comment_feed, site_comment_atom_feed, site_comment_feed};
pub use moderation_links::{apply_moderation_link, show_moderation_link};
pub use own_comment::{comment_link, save_edit, show_edit};
pub use reports::{send_report, show_report};
pub use subscriptions::{do_subscription_step, show_subscription_step};

use crate::app::App;
use crate::render::views::discussion::MessagePage;
use crate::web::error::AppError;
use crate::web::public::html;
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::{Article, Comment, CommentId, CommentStatus};

pub(super) const PRIVATE: &str = "private, no-store";

pub(super) fn message(app: &App, heading: &str, paragraphs: &[&str]) -> MessagePage {
    MessagePage {
        site: app.site_view(),
        noindex: true,
        heading: heading.to_owned(),
        paragraphs: paragraphs.iter().map(|line| (*line).to_owned()).collect(),
        quote: None,
        form: None,
        back_url: Some("/".into()),
        back_label: "Go to the front page".into(),
    }
}

pub(super) fn show(
    app: &App,
    status: StatusCode,
    page: &MessagePage,
) -> Result<Response, AppError> {
    Ok(html(
        status,
        app.templates.render("message.html", page)?,
        PRIVATE,
    ))
}

pub(super) fn query_pairs(query: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

pub(super) fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

pub(super) fn parse_id(id: &str) -> Result<CommentId, AppError> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(CommentId)
        .ok_or(AppError::NotFound)
}

pub(super) async fn visible_comment(app: &App, id: CommentId) -> Result<Comment, AppError> {
    app.store
        .comment_by_id(id)
        .await?
        .filter(|comment| comment.status == CommentStatus::Approved)
        .ok_or(AppError::NotFound)
}

pub(super) async fn public_article(
    app: &App,
    id: tidings_domain::ArticleId,
) -> Result<Article, AppError> {
    app.store
        .article_by_id(id)
        .await?
        .filter(|article| article.is_public(app.now()))
        .ok_or(AppError::NotFound)
}
