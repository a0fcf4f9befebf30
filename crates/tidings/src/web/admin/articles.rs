//! The article list and the editor: new, edit, preview, save.

use crate::app::App;
use crate::render::views::admin::{ArticleRow, ArticlesPage, EditorPage, EditorValues};
use crate::render::views::{FormErrors, FormValues, human_date_time};
use crate::services::articles::{self, ArticleError};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::{Admin, FormFields};
use crate::web::public::{html, redirect};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::{Article, ArticleId, ArticleStatus};
use tidings_store::Page;
use time::PrimitiveDateTime;
use time::macros::format_description;

use super::{PRIVATE, chrome, query_value, render};
use crate::web::extract::AdminForm;

const ARTICLES_PAGE_SIZE: u32 = 50;

pub async fn list_articles(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let number = query_value(&query, "page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1_u32)
        .max(1);
    let total = app.store.count_all_articles().await?;
    let summaries = app
        .store
        .all_articles(Page {
            number,
            size: ARTICLES_PAGE_SIZE,
        })
        .await?;
    let now = app.now();
    let page = ArticlesPage {
        chrome: chrome(&app, &admin, "articles", query_value(&query, "notice")).await?,
        rows: summaries
            .into_iter()
            .map(|summary| ArticleRow {
                id: summary.article.id.0,
                title: summary.article.title.clone(),
                status: summary.article.state(now).as_str(),
                date: human_date_time(summary.article.published_at),
                comments: summary.approved_comments,
                permalink: summary.article.permalink(),
            })
            .collect(),
        page: number,
        pages: Page::count(total, ARTICLES_PAGE_SIZE),
    };
    render(&app, StatusCode::OK, "admin/articles.html", page)
}

const DATE_INPUT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]");

fn editor_values(article: &Article) -> EditorValues {
    EditorValues {
        title: article.title.clone(),
        slug: article.slug.to_string(),
        body: article.body_markdown.clone(),
        status: article.status.as_str().to_owned(),
        published_at: article.published_at.format(DATE_INPUT).unwrap_or_default(),
        comments_open: article.comments_open,
    }
}

async fn editor(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    article: Option<&Article>,
    values: EditorValues,
    errors: Vec<(String, String)>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let warnings = if values.body.trim().is_empty() {
        Vec::new()
    } else {
        articles::editorial_warnings(app, &values.body).await?
    };
    let page = EditorPage {
        chrome: chrome(app, admin, "articles", notice).await?,
        warnings,
        id: article.map(|article| article.id.0),
        permalink: article
            .filter(|article| article.is_public(app.now()))
            .map(Article::permalink),
        values,
        errors,
    };
    render(app, status, "admin/article_edit.html", page)
}

/// The article as readers will see it, whatever its status; for checking a draft.
pub async fn preview_article(
    State(app): State<App>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    let settings = site::discussion_settings(&app).await?;
    let page = crate::web::public::article_page_html(
        &app,
        &article,
        &settings,
        crate::web::public::ArticleExtras::default(),
        FormValues::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(StatusCode::OK, page, PRIVATE))
}

pub async fn new_article(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let values = EditorValues {
        status: "draft".into(),
        comments_open: site::discussion_settings(&app)
            .await?
            .comments_on_new_articles,
        ..EditorValues::default()
    };
    editor(&app, &admin, StatusCode::OK, None, values, Vec::new(), None).await
}

pub async fn edit_article(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    editor(
        &app,
        &admin,
        StatusCode::OK,
        Some(&article),
        editor_values(&article),
        Vec::new(),
        query_value(&query, "notice"),
    )
    .await
}

async fn find_article(app: &App, id: &str) -> Result<Article, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .article_by_id(ArticleId(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The editor's form as typed, and the article input it means (or why it means none).
fn article_from_form(
    form: &FormFields,
    now: time::OffsetDateTime,
) -> (EditorValues, Result<ArticleInput, InvalidArticle>) {
    let values = EditorValues {
        title: form.get("title").to_owned(),
        slug: form.get("slug").to_owned(),
        body: form.get("body").to_owned(),
        status: form.get("status").to_owned(),
        published_at: form.get("published_at").trim().to_owned(),
        comments_open: form.checked("comments_open"),
    };
    let mut invalid = InvalidArticle::default();
    let published_at = if values.published_at.is_empty() {
        None
    } else {
        match PrimitiveDateTime::parse(&values.published_at, DATE_INPUT) {
            Ok(moment) => Some(moment.assume_utc()),
            Err(_) => {
                invalid.fields.push((
                    "published_at",
                    "Please give the date as YYYY-MM-DD HH:MM.".into(),
                ));
                None
            }
        }
    };
    let status = ArticleStatus::parse(&values.status);
    if status.is_none() {
        invalid
            .fields
            .push(("status", "Choose draft or published.".into()));
    }
    let input = ArticleInput {
        title: values.title.clone(),
        slug: values.slug.clone(),
        body_markdown: values.body.clone(),
        status,
        published_at,
        comments_open: values.comments_open,
    };
    if invalid.fields.is_empty() {
        return (values, Ok(input));
    }
    // Report the other fields' problems in the same round.
    if let Err(more) = input.validate(now) {
        invalid.fields.extend(more.fields);
    }
    (values, Err(invalid))
}

fn error_list(invalid: InvalidArticle) -> Vec<(String, String)> {
    invalid
        .fields
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message))
        .collect()
}

pub async fn create_article(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    save_article(&app, &admin, None, &form).await
}

pub async fn update_article(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    save_article(&app, &admin, Some(&article), &form).await
}

/// Creates an article (`existing` is `None`) or replaces one from the editor's form; on a
/// problem, the editor comes back with the messages and everything typed.
async fn save_article(
    app: &App,
    admin: &Admin,
    existing: Option<&Article>,
    form: &FormFields,
) -> Result<Response, AppError> {
    let (values, input) = article_from_form(form, app.now());
    let result = match (input, existing) {
        (Ok(input), Some(article)) => articles::update_article(app, article.id, input).await,
        (Ok(input), None) => articles::create_article(app, input, Some(admin.user.id)).await,
        (Err(invalid), _) => Err(ArticleError::Invalid(invalid)),
    };
    match result {
        Ok(article) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/articles/{}?notice=Saved.", article.id),
        )),
        Err(ArticleError::Invalid(invalid)) => {
            let errors = error_list(invalid);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            editor(app, admin, status, existing, values, errors, None).await
        }
        Err(ArticleError::NotFound) => Err(AppError::NotFound),
        Err(ArticleError::Store(error)) => Err(error.into()),
    }
}
