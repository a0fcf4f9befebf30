//! The editor's preview: the text as typed, rendered by the server with the code the
//! public page uses. With script, the editor asks for the body alone (`?fragment`) as the
//! editor types and shows it beside the text; without, the Preview button opens the whole
//! page as readers will see it.

use crate::app::App;
use crate::render::views::{FormErrors, FormValues};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::AdminForm;
use crate::web::public::{ArticleExtras, article_page_html, html};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::text::{reading_minutes, render_markdown, word_count};
use tidings_domain::{Article, ArticleId, ArticleKind, ArticleStatus, Slug};

use super::PRIVATE;

pub async fn preview(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, tidings_domain::Capability::Write)?;
    let body = tidings_domain::text::clean_text(form.get("body"));
    if body.len() > tidings_domain::article::MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if query
        .as_deref()
        .is_some_and(|query| query.contains("fragment"))
    {
        let words = word_count(&body);
        let fragment = format!(
            "<p class=\"preview-stats\" data-words=\"{words}\">{}</p>\n{}",
            stats(words),
            render_markdown(&body).as_str()
        );
        return Ok(html(StatusCode::OK, fragment, PRIVATE));
    }
    let now = app.now();
    let kind = ArticleKind::parse(form.get("kind")).unwrap_or(ArticleKind::Article);
    let title = tidings_domain::text::clean_line(form.get("title"));
    let slug = Slug::from_title(&title)
        .or_else(|| Slug::parse("preview"))
        .ok_or(AppError::NotFound)?;
    // Not stored and never found by its id: a stand-in with what was typed.
    let article = Article {
        id: ArticleId(0),
        kind,
        slug,
        title,
        subtitle: tidings_domain::text::clean_line(form.get("subtitle")),
        excerpt: String::new(),
        body_markdown: body,
        status: ArticleStatus::Draft,
        published_at: now,
        updated_at: now,
        revised_at: None,
        trashed: None,
        author_id: None,
        comments_open: false,
        sticky: false,
        parent_id: None,
        page_path: (kind == ArticleKind::Page).then(|| "preview".to_owned()),
        featured_image: tidings_domain::MediaAddress::parse_path(form.get("featured_image").trim()),
        featured_image_alt: tidings_domain::text::clean_line(form.get("featured_image_alt")),
    };
    let settings = site::discussion_settings(&app).await?;
    let page = article_page_html(
        &app,
        &article,
        &settings,
        ArticleExtras::default(),
        FormValues::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(StatusCode::OK, page, PRIVATE))
}

/// "1,234 words · 6 min read".
pub fn stats(words: usize) -> String {
    let plural = if words == 1 { "" } else { "s" };
    format!("{words} word{plural} · {} min read", reading_minutes(words))
}
