//! "Security": a person's two-step sign-in (one-time codes and recovery codes) and the
//! sessions their account is signed in with, each ended alone or all but this one.

use crate::app::App;
use crate::render::views::admin::{PasskeyRow, SecurityPage, SessionRow, TwoFactorPage};
use crate::services::accounts;
use crate::services::passkeys;
use crate::services::second_factor::{self, SecondFactorError};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;

use super::{chrome, query_value, render, url_encode};

pub async fn show_security(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    security_page(
        &app,
        &admin,
        StatusCode::OK,
        query_value(&query, "notice"),
        None,
    )
    .await
}

pub(super) async fn security_page(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let current = admin.session.public_id().to_owned();
    let sessions = accounts::sessions_of(app, admin.user.id)
        .await?
        .into_iter()
        .map(|session| SessionRow {
            id: session.public_id().to_owned(),
            started: crate::render::views::human_date_time(session.created_at),
            current: session.public_id() == current,
            ip: session.ip,
            browser: session.user_agent,
        })
        .collect();
    let page = SecurityPage {
        chrome: chrome(app, admin, "profile", notice).await?,
        second_factor: second_factor::has_codes(app, admin.user.id).await?,
        passkeys: passkeys::passkeys_of(app, admin.user.id)
            .await?
            .into_iter()
            .map(|passkey| PasskeyRow {
                id: passkey.id,
                name: passkey.name,
                added: crate::render::views::human_date_time(passkey.created_at),
                last_used: passkey
                    .last_used_at
                    .map(crate::render::views::human_date_time),
            })
            .collect(),
        passkeys_unavailable: passkeys::why_unavailable(app),
        recovery_codes_left: second_factor::unused_recovery_codes(app, admin.user.id).await?,
        required: second_factor::is_required(app).await?,
        sessions,
        error,
    };
    render(app, status, "admin/security.html", page)
}

pub async fn end_session(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let notice = if accounts::end_session(&app, admin.user.id, &id).await? {
        "That session is signed out."
    } else {
        "That session had ended already."
    };
    Ok(back(notice))
}

pub async fn end_other_sessions(
    State(app): State<App>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let ended = accounts::sign_out_elsewhere(&app, admin.user.id, Some(&admin.token)).await?;
    Ok(back(&format!(
        "Signed out of {ended} other session{}.",
        if ended == 1 { "" } else { "s" }
    )))
}

fn back(notice: &str) -> Response {
    redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/profile/security?notice={}", url_encode(notice)),
    )
}

/// Setting up one-time codes: a fresh secret each time the page is opened.
pub async fn show_two_factor(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    two_factor_page(&app, &admin, StatusCode::OK, None, None).await
}

async fn two_factor_page(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    secret: Option<&str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let enrolment = second_factor::enrolment(app, &admin.user, secret);
    let required = second_factor::is_required(app).await?
        && !second_factor::has_second_factor(app, admin.user.id).await?;
    let page = TwoFactorPage {
        chrome: chrome(app, admin, "profile", None).await?,
        qr_image: format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(enrolment.qr_svg.as_bytes())
        ),
        secret: enrolment.secret,
        uri: enrolment.uri,
        error,
        recovery_codes: Vec::new(),
        required,
        passkeys_available: passkeys::available(app),
    };
    render(app, status, "admin/two_factor.html", page)
}

pub async fn enable_two_factor(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let secret = form.get("secret");
    match second_factor::enable(&app, &admin.user, secret, form.get("code")).await {
        // Shown in the answer to the form, never in an address or a log: once.
        Ok(recovery_codes) => {
            let page = TwoFactorPage {
                chrome: chrome(&app, &admin, "profile", None).await?,
                secret: String::new(),
                uri: String::new(),
                qr_image: String::new(),
                error: None,
                recovery_codes,
                required: false,
                passkeys_available: false,
            };
            render(&app, StatusCode::OK, "admin/two_factor.html", page)
        }
        Err(error @ SecondFactorError::WrongCode) => {
            two_factor_page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(secret),
                Some(error.to_string()),
            )
            .await
        }
        Err(SecondFactorError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::Internal(other.into())),
    }
}

pub async fn disable_two_factor(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    if second_factor::is_required(&app).await? {
        return security_page(
            &app,
            &admin,
            StatusCode::FORBIDDEN,
            None,
            Some("This site requires two-step sign-in for every staff account.".into()),
        )
        .await;
    }
    match second_factor::disable(&app, &admin.user, form.get("password")).await {
        Ok(()) => Ok(back("Two-step sign-in is off.")),
        Err(error @ SecondFactorError::WrongPassword) => {
            security_page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(error.to_string()),
            )
            .await
        }
        Err(SecondFactorError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::Internal(other.into())),
    }
}
