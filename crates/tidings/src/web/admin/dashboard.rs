//! The dashboard at `/admin/`: what needs the desk now (articles waiting for review,
//! scheduled ones, comments waiting or reported) and comments per day over 30 days.

use crate::app::App;
use crate::render::chart::{DayRow, comments_chart};
use crate::render::views::admin::{DashboardPage, DeskArticle, DeskComment};
use crate::render::views::human_date_time;
use crate::web::error::AppError;
use crate::web::extract::Admin;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::article::ArticleState;
use tidings_domain::{ArticleKind, CommentStatus};
use tidings_store::{ArticleFilter, Page};
use time::macros::format_description;

use super::{chrome, render};

const CHART_DAYS: u32 = 30;
const LISTED: u32 = 10;

pub async fn dashboard(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let now = app.now();
    let desk = |state| {
        let app = app.clone();
        async move {
            let filter = ArticleFilter {
                kind: ArticleKind::Article,
                state: Some(state),
                author: None,
                term: None,
                title_contains: None,
                now,
            };
            let page = Page {
                number: 1,
                size: LISTED,
            };
            app.store.list_articles(&filter, page).await
        }
    };
    let (pending, pending_total) = desk(ArticleState::Pending).await?;
    let (mut scheduled, scheduled_total) = desk(ArticleState::Scheduled).await?;
    // The next to go out first.
    scheduled.reverse();
    let listed = |summaries: Vec<tidings_store::ArticleSummary>| {
        summaries
            .into_iter()
            .map(|summary| DeskArticle {
                id: summary.article.id.0,
                title: summary.article.title,
                author: summary.author_name,
                date: human_date_time(summary.article.published_at),
            })
            .collect::<Vec<_>>()
    };
    let reported = app
        .store
        .reported_comments(LISTED)
        .await?
        .into_iter()
        .map(|comment| DeskComment {
            id: comment.id.0,
            author_name: comment.author_name,
            article_title: comment.article_title,
            reports: comment.reports,
            status: comment.status.as_str(),
        })
        .collect();
    let days = comment_days(&app, now).await?;
    let month = DayRow {
        label: String::new(),
        date: String::new(),
        approved: days.iter().map(|day| day.approved).sum(),
        waiting: days.iter().map(|day| day.waiting).sum(),
        spam: days.iter().map(|day| day.spam).sum(),
    };
    let page = DashboardPage {
        chrome: chrome(&app, &admin, "dashboard", None).await?,
        pending_articles: listed(pending),
        pending_total,
        scheduled: listed(scheduled),
        scheduled_total,
        reported,
        chart: comments_chart(days),
        month,
    };
    render(&app, StatusCode::OK, "admin/dashboard.html", page)
}

/// The last 30 days (UTC), today included, each with its comments by status.
async fn comment_days(app: &App, now: time::OffsetDateTime) -> Result<Vec<DayRow>, AppError> {
    let today = now.replace_time(time::Time::MIDNIGHT);
    let first = today - time::Duration::days(i64::from(CHART_DAYS) - 1);
    let mut days: Vec<DayRow> = (0..CHART_DAYS)
        .map(|offset| {
            let day = first + time::Duration::days(i64::from(offset));
            DayRow {
                label: day
                    .format(format_description!("[month repr:short] [day padding:none]"))
                    .unwrap_or_default(),
                date: day
                    .format(format_description!("[year]-[month]-[day]"))
                    .unwrap_or_default(),
                ..DayRow::default()
            }
        })
        .collect();
    for count in app.store.comments_per_day(first).await? {
        let Some(day) = days.get_mut(count.day as usize) else {
            continue;
        };
        match count.status {
            CommentStatus::Approved => day.approved += count.count,
            CommentStatus::Pending => day.waiting += count.count,
            CommentStatus::Spam => day.spam += count.count,
            CommentStatus::Trash => {}
        }
    }
    Ok(days)
}
