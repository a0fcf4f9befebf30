//! A reader reports a comment to the moderators.

use crate::app::App;
use crate::render::views::discussion::ReportPage;
use crate::services::comments::{self, Commenter, ReportOutcome};
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use crate::web::public::html;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::Comment;
use tidings_domain::text::render_comment;

use super::{PRIVATE, message, parse_id, public_article, show, visible_comment};

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
