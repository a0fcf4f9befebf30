//! "Your profile": the name in your bylines, the address of your author page, your bio.

use crate::app::App;
use crate::render::views::admin::ProfilePage;
use crate::services::accounts::{self, ProfileError};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm};
use crate::web::public::redirect;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{chrome, query_value, render, url_encode};

pub async fn show_profile(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let author = app
        .store
        .author(admin.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ProfilePage {
        chrome: chrome(&app, &admin, "profile", query_value(&query, "notice")).await?,
        name: author.display_name.clone(),
        slug: author.slug.to_string(),
        bio: author.bio.clone(),
        permalink: author.permalink(),
        picture: crate::services::media::picture_of(&app, &admin.user.email, &author),
        limit_megabytes: app.config.media_max_upload_megabytes,
        errors: Vec::new(),
    };
    render(&app, StatusCode::OK, "admin/profile.html", page)
}

/// The profile screen as stored, with `errors` beside the picture's field.
pub(super) async fn profile_with_errors(
    app: &App,
    admin: &crate::web::extract::Admin,
    status: StatusCode,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let author = app
        .store
        .author(admin.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = ProfilePage {
        chrome: chrome(app, admin, "profile", None).await?,
        name: author.display_name.clone(),
        slug: author.slug.to_string(),
        bio: author.bio.clone(),
        permalink: author.permalink(),
        picture: crate::services::media::picture_of(app, &admin.user.email, &author),
        limit_megabytes: app.config.media_max_upload_megabytes,
        errors,
    };
    render(app, status, "admin/profile.html", page)
}

pub async fn save_profile(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let (name, slug, bio) = (form.get("name"), form.get("slug"), form.get("bio"));
    match accounts::update_profile(&app, admin.user.id, name, slug, bio).await {
        Ok(_) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/profile?notice={}", url_encode("Profile saved.")),
        )),
        Err(ProfileError::Invalid(errors)) => {
            let current = app
                .store
                .author(admin.user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let page = ProfilePage {
                chrome: chrome(&app, &admin, "profile", None).await?,
                name: name.to_owned(),
                slug: slug.to_owned(),
                bio: bio.to_owned(),
                permalink: current.permalink(),
                picture: crate::services::media::picture_of(&app, &admin.user.email, &current),
                limit_megabytes: app.config.media_max_upload_megabytes,
                errors: errors
                    .into_iter()
                    .map(|(field, message)| (field.to_owned(), message))
                    .collect(),
            };
            render(
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/profile.html",
                page,
            )
        }
        Err(ProfileError::NotFound) => Err(AppError::NotFound),
        Err(ProfileError::Store(error)) => Err(error.into()),
    }
}
