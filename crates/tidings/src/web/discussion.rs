//! The discussion's pages around the article: the proof-of-work challenge, avatars, comment
//! permalinks, a commenter's edit and delete, reports, subscriptions, one-click moderation
//! from mail, and the comment feeds. Pages reached from mail show one button rather than
//! acting on a GET, because mail scanners open links.

use crate::app::App;
use crate::cache::Tag;
use crate::render::views::{self, SiteView};
use crate::services::comments::{self, Commenter, EditOutcome, ReportOutcome};
use crate::services::{notify, site, spam};
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use crate::web::page_cache::CacheTags;
use crate::web::public::{html, redirect};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tidings_domain::text::{render_comment, strip_tags};
use tidings_domain::{
    Article, Comment, CommentId, CommentStatus, DiscussionSettings, ModerationAction,
};
use tidings_store::{CommentQuery, KeysetPage};

const PRIVATE: &str = "private, no-store";

#[derive(Serialize)]
struct MessagePage {
    site: SiteView,
    noindex: bool,
    heading: String,
    paragraphs: Vec<String>,
    quote: Option<String>,
    form: Option<MessageForm>,
    back_url: Option<String>,
    back_label: String,
}

#[derive(Serialize)]
struct MessageForm {
    action: String,
    fields: Vec<(String, String)>,
    /// Checkboxes, each with its field name, value and label, unchecked.
    choices: Vec<(String, String, String)>,
    button: String,
}

fn message(app: &App, heading: &str, paragraphs: &[&str]) -> MessagePage {
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

fn show(app: &App, status: StatusCode, page: &MessagePage) -> Result<Response, AppError> {
    Ok(html(
        status,
        app.templates.render("message.html", page)?,
        PRIVATE,
    ))
}

fn query_pairs(query: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn query_value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn parse_id(id: &str) -> Result<CommentId, AppError> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(CommentId)
        .ok_or(AppError::NotFound)
}

// The proof-of-work challenge and avatars.

pub async fn challenge(State(app): State<App>) -> Result<Response, AppError> {
    let settings = site::discussion_settings(&app).await?;
    let body = serde_json::to_string(&spam::issue_challenge(&app, &settings))
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// `/avatars/KEY.svg`: the picture is drawn from the key alone, so serving it reads nothing
/// and reveals nothing; browsers may keep it for a year.
pub async fn avatar(Path(file): Path<String>) -> Result<Response, AppError> {
    let key = file.strip_suffix(".svg").ok_or(AppError::NotFound)?;
    if key.len() != 32 || !key.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let digest: Vec<u8> = (0..16)
        .filter_map(|index| u8::from_str_radix(&key[index * 2..index * 2 + 2], 16).ok())
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        tidings_domain::avatar::identicon_svg(&digest),
    )
        .into_response())
}

// Comment permalinks.

/// `/comments/ID/`: the page that holds an approved comment, whichever page that is now.
/// Mail and feeds link here, so their links stay right as comment pages fill up.
pub async fn comment_link(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let comment = visible_comment(&app, parse_id(&id)?).await?;
    let article = public_article(&app, comment.article_id).await?;
    let settings = site::discussion_settings(&app).await?;
    let target = comments::comment_address(&app, &settings, &article, comment.id).await?;
    Ok(redirect(StatusCode::FOUND, &target))
}

async fn visible_comment(app: &App, id: CommentId) -> Result<Comment, AppError> {
    app.store
        .comment_by_id(id)
        .await?
        .filter(|comment| comment.status == CommentStatus::Approved)
        .ok_or(AppError::NotFound)
}

async fn public_article(app: &App, id: tidings_domain::ArticleId) -> Result<Article, AppError> {
    app.store
        .article_by_id(id)
        .await?
        .filter(|article| article.is_public(app.now()))
        .ok_or(AppError::NotFound)
}

// A commenter's own comment.

#[derive(Serialize)]
struct EditPage {
    site: SiteView,
    noindex: bool,
    article_title: String,
    article_url: String,
    until: String,
    action: String,
    expires: String,
    signature: String,
    content: String,
    error: Option<String>,
    max_comment: usize,
}

/// The comment an edit link names, while its window is open.
const EDIT_LINK_INVALID: &str = "This link to edit a comment has expired, or is not valid. \
     Comments can be changed for a short while after posting; after that, please ask the \
     site’s moderators.";

/// A comment an edit link names, while its window is open.
struct Editable {
    comment: Comment,
    article: Article,
    settings: DiscussionSettings,
    /// When the window closes.
    until: time::OffsetDateTime,
}

async fn editable_comment(
    app: &App,
    id: &str,
    expires: &str,
    signature: &str,
) -> Result<Editable, AppError> {
    let too_late = || AppError::Forbidden {
        message: EDIT_LINK_INVALID.into(),
        kept_text: None,
    };
    let comment = comments::authored_comment(app, id, expires, signature)
        .await?
        .ok_or_else(too_late)?;
    let settings = site::discussion_settings(app).await?;
    let until = settings
        .edit_deadline(&comment)
        .filter(|until| app.now() < *until)
        .ok_or_else(too_late)?;
    let article = public_article(app, comment.article_id).await?;
    Ok(Editable {
        comment,
        article,
        settings,
        until,
    })
}

/// The signed link's two halves, carried through the edit form.
struct EditLink<'a> {
    expires: &'a str,
    signature: &'a str,
}

fn edit_page(
    app: &App,
    comment: &Comment,
    article: &Article,
    link: EditLink<'_>,
    content: String,
    error: Option<String>,
    until: time::OffsetDateTime,
) -> Result<String, AppError> {
    Ok(app.templates.render(
        "comment_edit.html",
        &EditPage {
            site: app.site_view(),
            noindex: true,
            article_title: article.title.clone(),
            article_url: article.permalink(),
            until: views::human_date_time(until),
            action: format!("/comments/{}/edit", comment.id),
            expires: link.expires.to_owned(),
            signature: link.signature.to_owned(),
            content,
            error,
            max_comment: tidings_domain::comment::MAX_COMMENT_CHARS,
        },
    )?)
}

pub async fn show_edit(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = query_pairs(query);
    let (expires, signature) = (
        query_value(&pairs, "expires"),
        query_value(&pairs, "signature"),
    );
    let editable = editable_comment(&app, &id, expires, signature).await?;
    let body = edit_page(
        &app,
        &editable.comment,
        &editable.article,
        EditLink { expires, signature },
        editable.comment.content.clone(),
        None,
        editable.until,
    )?;
    Ok(html(StatusCode::OK, body, PRIVATE))
}

pub async fn save_edit(
    State(app): State<App>,
    Path(id): Path<String>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let (expires, signature) = (form.get("expires"), form.get("signature"));
    let Editable {
        comment,
        article,
        settings,
        until,
    } = match editable_comment(&app, &id, expires, signature).await {
        Ok(found) => found,
        Err(AppError::Forbidden { message, .. }) => {
            return Err(AppError::Forbidden {
                message,
                kept_text: Some(form.get("comment").to_owned()),
            });
        }
        Err(other) => return Err(other),
    };
    if form.get("do") == "delete" {
        comments::delete_own_comment(&app, &settings, &comment).await?;
        let mut page = message(
            &app,
            "Your comment was deleted",
            &["It no longer appears on the article."],
        );
        page.back_url = Some(article.permalink());
        page.back_label = format!("Back to “{}”", article.title);
        return show(&app, StatusCode::OK, &page);
    }
    match comments::edit_own_comment(&app, &settings, &comment, form.get("comment"), &commenter)
        .await?
    {
        EditOutcome::Saved { .. } => {
            let target = format!(
                "{}?{}#comment-{}",
                article.permalink(),
                comments::author_query(&app, &settings, comment.id, comment.created_at),
                comment.id
            );
            Ok(redirect(StatusCode::SEE_OTHER, &target))
        }
        EditOutcome::Invalid(errors) => {
            let error = errors
                .get("comment")
                .map_or("The comment could not be saved.", |message| message)
                .to_owned();
            let body = edit_page(
                &app,
                &comment,
                &article,
                EditLink { expires, signature },
                form.get("comment").to_owned(),
                Some(error),
                until,
            )?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body, PRIVATE))
        }
        EditOutcome::TooLate => Err(AppError::Forbidden {
            message: "The time to edit this comment is over.".into(),
            kept_text: Some(form.get("comment").to_owned()),
        }),
    }
}

// Reports.

#[derive(Serialize)]
struct ReportPage {
    site: SiteView,
    noindex: bool,
    author_name: String,
    content_html: minijinja::Value,
    action: String,
    back_url: String,
    reason: String,
    error: Option<String>,
    max_reason: usize,
}

async fn report_page(
    app: &App,
    comment: &Comment,
    reason: &str,
    error: Option<String>,
) -> Result<String, AppError> {
    let article = public_article(app, comment.article_id).await?;
    Ok(app.templates.render(
        "report.html",
        &ReportPage {
            site: app.site_view(),
            noindex: true,
            author_name: comment.author_name.clone(),
            content_html: minijinja::Value::from_safe_string(
                comment
                    .content_html
                    .clone()
                    .unwrap_or_else(|| render_comment(&comment.content))
                    .as_str()
                    .to_owned(),
            ),
            action: format!("/comments/{}/report", comment.id),
            back_url: format!("{}#comment-{}", article.permalink(), comment.id),
            reason: reason.to_owned(),
            error,
            max_reason: comments::MAX_REPORT_REASON_CHARS,
        },
    )?)
}

pub async fn show_report(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let comment = visible_comment(&app, parse_id(&id)?).await?;
    let body = report_page(&app, &comment, "", None).await?;
    Ok(html(StatusCode::OK, body, PRIVATE))
}

pub async fn send_report(
    State(app): State<App>,
    Path(id): Path<String>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let reason = form.get("reason");
    match comments::report_comment(&app, id, reason, &commenter).await? {
        ReportOutcome::Recorded => {
            let comment = visible_comment(&app, id).await?;
            let article = public_article(&app, comment.article_id).await?;
            let mut page = message(
                &app,
                "Thank you for your report",
                &["The moderators will look at the comment."],
            );
            page.back_url = Some(format!("{}#comment-{id}", article.permalink()));
            page.back_label = "Back to the article".into();
            show(&app, StatusCode::OK, &page)
        }
        ReportOutcome::NoSuchComment => Err(AppError::NotFound),
        ReportOutcome::Invalid(problem) => {
            let comment = visible_comment(&app, id).await?;
            let body = report_page(&app, &comment, reason, Some(problem.to_owned())).await?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body, PRIVATE))
        }
        ReportOutcome::TooMany => Err(AppError::TooManyRequests(
            "You have sent as many reports as this site accepts in an hour. Please try again later."
                .into(),
        )),
    }
}

// Subscriptions.

fn token_is_plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|byte| byte.is_ascii_hexdigit())
}

pub async fn show_subscription_step(
    State(app): State<App>,
    Path((token, step)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !token_is_plausible(&token) || !matches!(step.as_str(), "confirm" | "unsubscribe") {
        return Err(AppError::NotFound);
    }
    let mut page = if step == "confirm" {
        message(
            &app,
            "Confirm your subscription",
            &["Confirm that you want mail about new comments."],
        )
    } else {
        message(
            &app,
            "Unsubscribe",
            &["Stop the mail about new comments that this link was sent with."],
        )
    };
    let mut choices = Vec::new();
    if step == "confirm" {
        let Some(request) = notify::confirmation_request(&app, &token).await? else {
            let page = message(
                &app,
                "This subscription no longer exists",
                &["It was cancelled, or the link is not complete."],
            );
            return show(&app, StatusCode::NOT_FOUND, &page);
        };
        let what = |subscription: &tidings_store::Subscription, title: &str| {
            if subscription.comment_id.is_some() {
                format!("replies to your comment on “{title}”")
            } else {
                format!("new comments on “{title}”")
            }
        };
        page.paragraphs = vec![format!(
            "Confirm that you want mail about {}.",
            what(
                &request.subscription,
                request.article_title.as_deref().unwrap_or("an article")
            )
        )];
        if !request.also_waiting.is_empty() {
            page.paragraphs.push(
                "This address also asked for the mail below, which waits for you to choose it (at most one confirmation mail a day is sent to an address):".into(),
            );
        }
        choices = request
            .also_waiting
            .iter()
            .map(|(subscription, title)| {
                (
                    "also".to_owned(),
                    subscription.token.clone(),
                    format!(
                        "{} (asked {})",
                        what(subscription, title),
                        views::human_date_time(subscription.created_at)
                    ),
                )
            })
            .collect();
    }
    page.form = Some(MessageForm {
        action: format!("/subscriptions/{token}/{step}"),
        fields: Vec::new(),
        choices,
        button: if step == "confirm" {
            "Confirm my subscription".into()
        } else {
            "Unsubscribe".into()
        },
    });
    show(&app, StatusCode::OK, &page)
}

/// Confirms or ends a subscription. Mail clients that honour RFC 8058 post here directly
/// (`List-Unsubscribe=One-Click`), without showing a page.
pub async fn do_subscription_step(
    State(app): State<App>,
    Path((token, step)): Path<(String, String)>,
    form: Option<FormFields>,
) -> Result<Response, AppError> {
    if !token_is_plausible(&token) {
        return Err(AppError::NotFound);
    }
    let also: Vec<&str> = form
        .as_ref()
        .map(|form| {
            form.all("also")
                .filter(|token| token_is_plausible(token))
                .collect()
        })
        .unwrap_or_default();
    let page = match step.as_str() {
        "confirm" => match notify::confirm(&app, &token, &also).await? {
            Some((subscription, count)) => {
                let mut page = message(
                    &app,
                    if count > 1 {
                        "Subscriptions confirmed"
                    } else {
                        "Subscription confirmed"
                    },
                    &["You will get mail about new comments. Every mail has a link to stop it."],
                );
                if let Some(article) = app.store.article_by_id(subscription.article_id).await? {
                    page.back_url = Some(article.permalink());
                    page.back_label = format!("Back to “{}”", article.title);
                }
                page
            }
            None => message(
                &app,
                "This subscription no longer exists",
                &["It was cancelled, or the link is not complete."],
            ),
        },
        "unsubscribe" => {
            // Unsubscribing twice is not an error: the reader gets what they wanted.
            app.store.delete_subscription(&token).await?;
            message(
                &app,
                "You are unsubscribed",
                &["No more mail will be sent for this subscription."],
            )
        }
        _ => return Err(AppError::NotFound),
    };
    show(&app, StatusCode::OK, &page)
}

// One-click moderation from mail.

/// The words for what a moderation link does.
fn moderation_verb(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::Approve => "Approve",
        ModerationAction::Spam => "Mark as spam",
        _ => "Move to the trash",
    }
}

/// The page that offers a moderation link's action as one button, for a comment in the
/// state the link was sent for; or, when it has moved on since (another moderator acted
/// first), a page that says so and offers the action again from the state it is in now.
fn moderation_page(
    app: &App,
    comment: &Comment,
    action: ModerationAction,
    from: CommentStatus,
) -> MessagePage {
    let verb = moderation_verb(action);
    let mut page = if comment.status == from {
        message(
            app,
            &format!("{verb}: the comment by {}", comment.author_name),
            &[&format!("It is {} now.", comment.status.as_str())],
        )
    } else {
        let mut page = message(
            app,
            "This comment changed since the mail was sent",
            &[
                &format!(
                    "It was {} when the mail was sent, and is {} now: another moderator, or its author, acted on it since. Nothing was done.",
                    from.as_str(),
                    comment.status.as_str()
                ),
                &format!("{verb} it anyway?"),
            ],
        );
        page.heading = format!("{} (the comment by {})", page.heading, comment.author_name);
        page
    };
    page.quote = Some(strip_tags(&comment.content));
    // A fresh signature for the state it is in now: this button acts only from there.
    let query = notify::moderation_query(app, comment, action);
    page.form = Some(MessageForm {
        choices: Vec::new(),
        action: format!("/moderate/{}/{}", comment.id, action.as_str()),
        fields: form_urlencoded::parse(query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect(),
        button: verb.to_owned(),
    });
    page.back_url = Some("/admin/comments".into());
    page.back_label = "Open the moderation queue".into();
    page
}

pub async fn show_moderation_link(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = query_pairs(query);
    let (action, comment, from) = moderation_target(
        &app,
        &id,
        &action,
        query_value(&pairs, "from"),
        query_value(&pairs, "expires"),
        query_value(&pairs, "signature"),
    )
    .await?;
    show(
        &app,
        StatusCode::OK,
        &moderation_page(&app, &comment, action, from),
    )
}

pub async fn apply_moderation_link(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    form: FormFields,
) -> Result<Response, AppError> {
    let (action, comment, from) = moderation_target(
        &app,
        &id,
        &action,
        form.get("from"),
        form.get("expires"),
        form.get("signature"),
    )
    .await?;
    if comment.status != from {
        return show(
            &app,
            StatusCode::CONFLICT,
            &moderation_page(&app, &comment, action, from),
        );
    }
    let summary = comments::moderate(&app, &[comment.id], action).await?;
    let done = if summary.changed == 1 {
        "Done."
    } else {
        "Nothing changed: the comment was already moderated."
    };
    let mut page = message(&app, done, &[]);
    page.back_url = Some("/admin/comments".into());
    page.back_label = "Open the moderation queue".into();
    show(&app, StatusCode::OK, &page)
}

/// The action, the comment and the state a moderation link was sent for, if the link is
/// genuine and unexpired for this very comment.
async fn moderation_target(
    app: &App,
    id: &str,
    action: &str,
    from: &str,
    expires: &str,
    signature: &str,
) -> Result<(ModerationAction, Comment, CommentStatus), AppError> {
    let id = parse_id(id)?;
    let action = ModerationAction::parse(action)
        .filter(|action| {
            matches!(
                action,
                ModerationAction::Approve | ModerationAction::Spam | ModerationAction::Trash
            )
        })
        .ok_or(AppError::NotFound)?;
    let invalid = || {
        AppError::Forbidden {
        message: "This moderation link has expired or is not valid. Sign in to the admin to moderate the comment.".into(),
        kept_text: None,
    }
    };
    let comment = app
        .store
        .comment_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = CommentStatus::parse(from).ok_or_else(invalid)?;
    if !notify::moderation_link_is_valid(app, &comment, action, from.as_str(), expires, signature) {
        return Err(invalid());
    }
    Ok((action, comment, from))
}

// Comment feeds.

#[derive(Serialize)]
struct CommentFeed {
    site: SiteView,
    title: String,
    link: String,
    self_url: String,
    last_build_date: String,
    items: Vec<CommentFeedItem>,
}

#[derive(Serialize)]
struct CommentFeedItem {
    title: String,
    link: String,
    author: String,
    pub_date: String,
    guid: String,
    text: String,
    content_html: String,
}

const FEED_ITEMS: usize = 10;

fn feed_item(app: &App, comment: &Comment, article: &Article, title: String) -> CommentFeedItem {
    let base = app.config.base_url();
    CommentFeedItem {
        title,
        // The comment's own address, which redirects to the page that holds it.
        link: format!("{base}/comments/{}/", comment.id),
        author: comment.author_name.clone(),
        pub_date: views::rss_date(comment.created_at),
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

fn feed_response(app: &App, feed: &CommentFeed, tags: Vec<Tag>) -> Result<Response, AppError> {
    let body = app.templates.render("comments_feed.xml", feed)?;
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/rss+xml; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response();
    response.extensions_mut().insert(CacheTags(tags, None));
    Ok(response)
}

/// `/YYYY/MM/slug/feed/`: an article's newest approved comments.
pub async fn article_comment_feed(app: &App, article: &Article) -> Result<Response, AppError> {
    let mut approved = app.store.approved_comments(article.id).await?;
    approved.reverse();
    approved.truncate(FEED_ITEMS);
    let base = app.config.base_url();
    let feed = CommentFeed {
        site: app.site_view(),
        title: format!("Comments on: {}", article.title),
        link: format!("{base}{}", article.permalink()),
        self_url: format!("{base}{}feed/", article.permalink()),
        last_build_date: views::rss_date(
            approved
                .first()
                .map_or(article.updated_at, |comment| comment.created_at),
        ),
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
    feed_response(app, &feed, vec![Tag::Article(article.id)])
}

/// `/comments/feed/`: the site's newest approved comments on public articles.
pub async fn site_comment_feed(State(app): State<App>) -> Result<Response, AppError> {
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
        items.push(feed_item(&app, &queued.comment, &article, title));
    }
    let base = app.config.base_url();
    let feed = CommentFeed {
        site: app.site_view(),
        title: format!("Comments for {}", app.config.title),
        link: format!("{base}/"),
        self_url: format!("{base}/comments/feed/"),
        last_build_date: items
            .first()
            .map_or_else(|| views::rss_date(app.now()), |item| item.pub_date.clone()),
        items,
    };
    // Any comment anywhere changes it, and every comment write drops the lists.
    feed_response(&app, &feed, vec![Tag::Lists])
}
