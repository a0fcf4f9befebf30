//! The moderation queue: comments by status, search and filters, page by page, and the
//! actions on one or many.

use crate::app::App;
use crate::render::views::admin::{ActionButton, QueuePage, QueueRow, StatusTab};
use crate::render::views::{human_date_time, iso_date};
use crate::services::access;
use crate::services::comments::{self};
use crate::web::error::AppError;
use crate::web::extract::Admin;
use crate::web::public::redirect;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::Capability;
use tidings_domain::text::render_comment_preview;
use tidings_domain::{CommentId, CommentStatus, ModerationAction};
use tidings_store::{CommentQuery, KeysetPage};

use super::{chrome, query_value, render};
use crate::web::extract::AdminForm;

fn status_label(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Pending => "Pending",
        CommentStatus::Approved => "Approved",
        CommentStatus::Spam => "Spam",
        CommentStatus::Trash => "Trash",
    }
}

fn action_label(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::Approve => "Approve",
        ModerationAction::Unapprove => "Unapprove",
        ModerationAction::Spam => "Spam",
        ModerationAction::NotSpam => "Not spam",
        ModerationAction::Trash => "Trash",
        ModerationAction::Restore => "Restore",
        ModerationAction::Delete => "Delete permanently",
    }
}

fn buttons(status: CommentStatus) -> Vec<ActionButton> {
    ModerationAction::available_for(status)
        .iter()
        .map(|action| ActionButton {
            value: action.as_str(),
            label: action_label(*action),
        })
        .collect()
}

const QUEUE_PAGE_SIZE: u32 = 20;

/// The comment list's address for a status and filters, from a place in the list
/// (`before=TIME.ID` for older comments, `after=TIME.ID` for newer ones).
fn queue_url(
    status: &str,
    search: &str,
    email: &str,
    article: &str,
    from: Option<(&str, String)>,
) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    url.append_pair("status", status);
    for (name, value) in [("q", search), ("email", email), ("article", article)] {
        if !value.is_empty() {
            url.append_pair(name, value);
        }
    }
    if let Some((name, key)) = from {
        url.append_pair(name, &key);
    }
    format!("/admin/comments?{}", url.finish())
}

/// A row's place in the list, as the `before`/`after` parameters carry it.
fn list_key(comment: &tidings_domain::Comment) -> String {
    format!("{}.{}", comment.created_at.unix_timestamp(), comment.id)
}

fn parse_list_key(value: &str) -> Option<(time::OffsetDateTime, CommentId)> {
    let (at, id) = value.split_once('.')?;
    let at = time::OffsetDateTime::from_unix_timestamp(at.parse().ok()?).ok()?;
    Some((at, CommentId(id.parse().ok()?)))
}

pub async fn list_comments(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    access::require(&admin.user, Capability::ModerateComments)?;
    let requested = query_value(&query, "status").unwrap_or_default();
    // A commenter's history and searches look through every status unless one is asked.
    let search = query_value(&query, "q")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let email = query_value(&query, "email")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let article = query_value(&query, "article")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let status = match CommentStatus::parse(&requested) {
        Some(status) => Some(status),
        None if requested == "all" || !email.is_empty() || !search.is_empty() => None,
        None => Some(CommentStatus::Pending),
    };
    let status_name = status.map_or("all", CommentStatus::as_str);
    let page = match (
        query_value(&query, "before")
            .as_deref()
            .and_then(parse_list_key),
        query_value(&query, "after")
            .as_deref()
            .and_then(parse_list_key),
    ) {
        (Some((at, id)), _) => KeysetPage::OlderThan(at, id),
        (None, Some((at, id))) => KeysetPage::NewerThan(at, id),
        (None, None) => KeysetPage::Newest,
    };
    let notice = query_value(&query, "notice");
    let counts = app.store.comment_counts().await?;
    let filter = CommentQuery {
        status,
        article_id: article.parse::<i64>().ok().map(tidings_domain::ArticleId),
        email: (!email.is_empty()).then(|| email.clone()),
        search: search.clone(),
    };
    let listed = app
        .store
        .find_comments(&filter, page, QUEUE_PAGE_SIZE)
        .await?;
    // Older comments follow when the store says so, or when these came from paging back;
    // newer ones precede when this page was reached by paging on.
    let (has_older, has_newer) = match page {
        KeysetPage::Newest => (listed.more, false),
        KeysetPage::OlderThan(..) => (listed.more, true),
        KeysetPage::NewerThan(..) => (true, listed.more),
    };
    let newer_url = listed.items.first().filter(|_| has_newer).map(|first| {
        queue_url(
            status_name,
            &search,
            &email,
            &article,
            Some(("after", list_key(&first.comment))),
        )
    });
    let older_url = listed.items.last().filter(|_| has_older).map(|last| {
        queue_url(
            status_name,
            &search,
            &email,
            &article,
            Some(("before", list_key(&last.comment))),
        )
    });
    let queued = listed.items;
    let commenter_pending = if email.is_empty() {
        0
    } else {
        comments::waiting_from(&app, &email).await?.len() as u64
    };
    let rows = queued
        .into_iter()
        .map(|queued| {
            let comment = queued.comment;
            QueueRow {
                id: comment.id.0,
                link: if comment.status == CommentStatus::Approved {
                    format!("/comments/{}/", comment.id)
                } else {
                    queued.article_permalink
                },
                history_url: queue_url("all", "", &comment.author_email, "", None),
                article_comments_url: queue_url(
                    "all",
                    "",
                    "",
                    &comment.article_id.0.to_string(),
                    None,
                ),
                author_name: comment.author_name,
                author_email: comment.author_email,
                author_url: comment.author_url,
                ip: comment.ip,
                user_agent: comment.user_agent,
                article_title: queued.article_title,
                content_html: minijinja::Value::from_safe_string(
                    render_comment_preview(&comment.content).as_str().to_owned(),
                ),
                date: human_date_time(comment.created_at),
                date_iso: iso_date(comment.created_at),
                reason: comment.moderation_reason,
                status: comment.status.as_str(),
                spam_score: queued
                    .spam_score
                    .map(|score| (score * 100.0).round().clamp(0.0, 100.0) as u32),
                reports: queued.reports,
                actions: buttons(comment.status),
            }
        })
        .collect();
    let page = QueuePage {
        chrome: chrome(&app, &admin, "comments", notice).await?,
        status: status_name,
        tabs: CommentStatus::ALL
            .into_iter()
            .map(|tab| StatusTab {
                status: tab.as_str(),
                label: status_label(tab),
                count: counts.get(tab),
                current: Some(tab) == status,
            })
            .collect(),
        rows,
        bulk_actions: match status {
            Some(status) => buttons(status),
            None => [
                ModerationAction::Approve,
                ModerationAction::Unapprove,
                ModerationAction::Spam,
                ModerationAction::Trash,
            ]
            .into_iter()
            .map(|action| ActionButton {
                value: action.as_str(),
                label: action_label(action),
            })
            .collect(),
        },
        newer_url,
        older_url,
        search,
        email,
        article,
        commenter_pending,
    };
    render(&app, StatusCode::OK, "admin/comments.html", page)
}

pub async fn moderate_comments(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    // One button per row posts `single=ACTION:ID`; the bulk form posts `bulk_action` and
    // `ids`; a commenter's history posts `approve_all_from=EMAIL`.
    let everyone_from = form.get("approve_all_from");
    let (action, ids) = if everyone_from.is_empty() {
        let (action, ids): (&str, Vec<&str>) = match form.get("single").split_once(':') {
            Some((action, id)) => (action, vec![id]),
            None => (form.get("bulk_action"), form.all("ids").collect()),
        };
        let action = ModerationAction::parse(action).ok_or_else(|| {
            AppError::BadRequest("Choose what to do with the selected comments.".into())
        })?;
        let ids: Vec<CommentId> = ids
            .into_iter()
            .map(|id| id.parse::<i64>().map(CommentId))
            .collect::<Result<_, _>>()
            .map_err(|_| AppError::BadRequest("The selected comments are not valid.".into()))?;
        (action, ids)
    } else {
        (
            ModerationAction::Approve,
            comments::waiting_from(&app, everyone_from).await?,
        )
    };
    let status = form.get("status");
    let status = if status == "all" || CommentStatus::parse(status).is_some() {
        status
    } else {
        "pending"
    };
    let notice = if ids.is_empty() {
        "Select at least one comment first.".to_owned()
    } else {
        let summary = comments::moderate_as(&app, &admin.user, &ids, action).await??;
        let mut notice = format!("{}: {} comment(s).", action_label(action), summary.changed);
        if summary.skipped > 0 {
            notice.push_str(&format!(
                " {} skipped: they had moved on or been deleted.",
                summary.skipped
            ));
        }
        notice
    };
    let target = format!(
        "{}&notice={}",
        queue_url(
            status,
            form.get("q"),
            form.get("email"),
            form.get("article"),
            None
        ),
        form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
    );
    Ok(redirect(StatusCode::SEE_OTHER, &target))
}
