//! The comment feeds: one article's, and the site's.

use crate::app::App;
use crate::cache::Tag;
use crate::render::views::feeds::{CommentFeed, CommentFeedItem};
use crate::render::views::{self};
use crate::web::error::AppError;
use crate::web::page_cache::CacheTags;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tidings_domain::text::{render_comment, strip_tags};
use tidings_domain::{Article, Comment, CommentStatus};
use tidings_store::{CommentQuery, KeysetPage};

const FEED_ITEMS: usize = 10;

fn feed_item(app: &App, comment: &Comment, article: &Article, title: String) -> CommentFeedItem {
    let base = app.config.base_url();
    CommentFeedItem {
        title,
        // The comment's own address, which redirects to the page that holds it.
        link: format!("{base}/comments/{}/", comment.id),
        author: comment.author_name.clone(),
        pub_date: views::rss_date(comment.created_at),
        updated: views::atom_date(comment.created_at),
        guid: format!("{base}{}#comment-{}", article.permalink(), comment.id),
        text: strip_tags(&comment.content),
        content_html: comment
            .content_html
            .clone()
            .unwrap_or_else(|| render_comment(&comment.content))
            .as_str()
            .to_owned(),
    }
}

fn feed_response(
    app: &App,
    feed: &CommentFeed,
    atom: bool,
    tags: Vec<Tag>,
) -> Result<Response, AppError> {
    let (template, content_type) = if atom {
        ("comments_atom.xml", "application/atom+xml; charset=utf-8")
    } else {
        ("comments_feed.xml", "application/rss+xml; charset=utf-8")
    };
    let body = app.templates.render(template, feed)?;
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response();
    response.extensions_mut().insert(CacheTags(tags, None));
    Ok(response)
}

/// `/YYYY/MM/slug/feed/` (`feed/atom/`): an article's newest approved comments.
pub async fn article_comment_feed(
    app: &App,
    article: &Article,
    atom: bool,
) -> Result<Response, AppError> {
    let mut approved = app.store.approved_comments(article.id).await?;
    approved.reverse();
    approved.truncate(FEED_ITEMS);
    let base = app.config.base_url();
    let built = approved
        .first()
        .map_or(article.updated_at, |comment| comment.created_at);
    let feed = CommentFeed {
        site: app.site_view(),
        title: format!("Comments on: {}", article.title),
        link: format!("{base}{}", article.permalink()),
        self_url: format!(
            "{base}{}{}",
            article.permalink(),
            if atom { "feed/atom/" } else { "feed/" }
        ),
        last_build_date: views::rss_date(built),
        updated: views::atom_date(built),
        items: approved
            .iter()
            .map(|comment| {
                feed_item(
                    app,
                    comment,
                    article,
                    format!("By: {}", comment.author_name),
                )
            })
            .collect(),
    };
    feed_response(app, &feed, atom, vec![Tag::Article(article.id)])
}

/// `/comments/feed/`: the site's newest approved comments on public articles.
pub async fn site_comment_feed(State(app): State<App>) -> Result<Response, AppError> {
    site_comments(&app, false).await
}

/// `/comments/feed/atom/`: the same in Atom.
pub async fn site_comment_atom_feed(State(app): State<App>) -> Result<Response, AppError> {
    site_comments(&app, true).await
}

async fn site_comments(app: &App, atom: bool) -> Result<Response, AppError> {
    let recent = app
        .store
        .find_comments(
            &CommentQuery {
                status: Some(CommentStatus::Approved),
                ..CommentQuery::default()
            },
            KeysetPage::Newest,
            50,
        )
        .await?;
    let mut items = Vec::new();
    let mut newest = None;
    for queued in recent.items {
        if items.len() == FEED_ITEMS {
            break;
        }
        let Some(article) = app
            .store
            .article_by_id(queued.comment.article_id)
            .await?
            .filter(|article| article.is_public(app.now()))
        else {
            continue;
        };
        let title = format!(
            "Comment on {} by {}",
            article.title, queued.comment.author_name
        );
        newest = newest.or(Some(queued.comment.created_at));
        items.push(feed_item(app, &queued.comment, &article, title));
    }
    let base = app.config.base_url();
    let built = newest.unwrap_or_else(|| app.now());
    let feed = CommentFeed {
        site: app.site_view(),
        title: format!("Comments for {}", app.config.title),
        link: format!("{base}/"),
        self_url: format!("{base}/comments/feed/{}", if atom { "atom/" } else { "" }),
        last_build_date: views::rss_date(built),
        updated: views::atom_date(built),
        items,
    };
    // Any comment anywhere changes it, and every comment write drops the lists.
    feed_response(app, &feed, atom, vec![Tag::Lists])
}
