//! The discussion settings, for administrators.

use crate::app::App;
use crate::render::views::admin::DiscussionPage;
use crate::services::site;
use crate::web::error::AppError;
use crate::web::public::redirect;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::discussion::MAX_THREAD_DEPTH;

use super::{chrome, query_value, render};
use crate::web::extract::{Administrator, AdministratorForm};
use tidings_domain::discussion::settings_from_form;

pub async fn show_discussion_settings(
    State(app): State<App>,
    Administrator(admin): Administrator,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let page = DiscussionPage {
        chrome: chrome(&app, &admin, "discussion", query_value(&query, "notice")).await?,
        settings: site::discussion_settings(&app).await?,
        errors: Vec::new(),
        max_thread_depth: MAX_THREAD_DEPTH,
    };
    render(&app, StatusCode::OK, "admin/discussion.html", page)
}

pub async fn save_discussion_settings(
    State(app): State<App>,
    AdministratorForm { admin, form }: AdministratorForm,
) -> Result<Response, AppError> {
    let (settings, errors) = settings_from_form(|field| form.get(field).to_owned());
    let errors: Vec<(String, String)> = errors
        .iter()
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
        .collect();
    if !errors.is_empty() {
        let page = DiscussionPage {
            chrome: chrome(&app, &admin, "discussion", None).await?,
            settings,
            errors,
            max_thread_depth: MAX_THREAD_DEPTH,
        };
        return render(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/discussion.html",
            page,
        );
    }
    site::save_discussion_settings(&app, &settings).await?;
    Ok(redirect(
        StatusCode::SEE_OTHER,
        "/admin/settings/discussion?notice=Settings%20saved.",
    ))
}
