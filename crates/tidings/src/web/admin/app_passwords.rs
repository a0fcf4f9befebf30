//! "Application passwords": the passwords a person gives their apps and scripts, each
//! shown once and revoked alone.

use crate::app::App;
use crate::render::views::admin::{AppPasswordRow, AppPasswordsPage, PersonAppPasswordsPage};
use crate::services::app_passwords::{self, AppPasswordError};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm, Administrator, AdministratorForm};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{chrome, query_value, render, url_encode};

const PATH: &str = "/admin/profile/app-passwords";

pub async fn show_app_passwords(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let notice = query_value(&query, "notice");
    page(
        &app,
        &admin,
        StatusCode::OK,
        notice,
        None,
        String::new(),
        None,
    )
    .await
}

pub async fn create_app_password(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let name = form.get("name");
    match app_passwords::create(&app, admin.user.id, name).await {
        // Shown in the answer to the form, never in an address or a log: once.
        Ok(made) => {
            let created = Some((made.record.name, made.password));
            page(
                &app,
                &admin,
                StatusCode::OK,
                None,
                created,
                String::new(),
                None,
            )
            .await
        }
        Err(AppPasswordError::Invalid(message)) => {
            let name = name.to_owned();
            let error = Some(message.to_owned());
            page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                name,
                error,
            )
            .await
        }
        Err(AppPasswordError::Store(error)) => Err(error.into()),
    }
}

pub async fn revoke_app_password(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { admin, .. }: AdminForm,
) -> Result<Response, AppError> {
    if !app_passwords::revoke(&app, admin.user.id, id).await? {
        return Err(AppError::NotFound);
    }
    let notice = url_encode("The password was revoked: the app that used it is signed out.");
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!("{PATH}?notice={notice}"),
    ))
}

async fn page(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    notice: Option<String>,
    created: Option<(String, String)>,
    name: String,
    error: Option<String>,
) -> Result<Response, AppError> {
    let when = crate::render::views::human_date_time;
    let passwords = app_passwords::list(app, admin.user.id)
        .await?
        .into_iter()
        .map(|password| AppPasswordRow {
            id: password.id,
            name: password.name,
            created: when(password.created_at),
            last_used: password.last_used_at.map(when),
            last_ip: password.last_used_ip,
        })
        .collect();
    let view = AppPasswordsPage {
        chrome: chrome(app, admin, "profile", notice).await?,
        username: admin.user.email.clone(),
        passwords,
        created,
        name,
        error,
    };
    render(app, status, "admin/app_passwords.html", view)
}

/// An administrator's view of another person's application passwords.
pub async fn show_person_app_passwords(
    State(app): State<App>,
    Administrator(admin): Administrator,
    Path(owner): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let owner = app
        .store
        .user_by_id(tidings_domain::UserId(owner))
        .await?
        .ok_or(AppError::NotFound)?;
    let passwords = app_passwords::list_for(&app, &admin.user, owner.id).await??;
    let when = crate::render::views::human_date_time;
    let view = PersonAppPasswordsPage {
        chrome: chrome(&app, &admin, "users", query_value(&query, "notice")).await?,
        id: owner.id.0,
        name: owner.display_name,
        email: owner.email,
        passwords: passwords
            .into_iter()
            .map(|password| AppPasswordRow {
                id: password.id,
                name: password.name,
                created: when(password.created_at),
                last_used: password.last_used_at.map(when),
                last_ip: password.last_used_ip,
            })
            .collect(),
    };
    render(
        &app,
        StatusCode::OK,
        "admin/person_app_passwords.html",
        view,
    )
}

pub async fn revoke_person_app_password(
    State(app): State<App>,
    Path(owner): Path<i64>,
    AdministratorForm { admin, form }: AdministratorForm,
) -> Result<Response, AppError> {
    let id = form
        .get("password")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let owner = tidings_domain::UserId(owner);
    if !app_passwords::revoke_for(&app, &admin.user, owner, id).await?? {
        return Err(AppError::NotFound);
    }
    let notice = url_encode("The password was revoked: the app that used it is signed out.");
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/users/{}/app-passwords?notice={notice}", owner.0),
    ))
}
