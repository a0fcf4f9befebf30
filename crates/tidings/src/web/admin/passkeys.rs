//! Passkeys over HTTP: the Security screen's "Add a passkey" and "Remove", and the login
//! page's "Sign in with a passkey". The browser's side is `passkeys.js`: it asks for a
//! ceremony, hands its options to `navigator.credentials`, and posts the answer back as a
//! form field; these addresses answer it in JSON.

use crate::app::App;
use crate::services::comments::Commenter;
use crate::services::passkeys::{self, PasskeyError, SignInWith};
use crate::web::error::AppError;
use crate::web::extract::{AdminForm, FormFields, cookie, device_cookie_name};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::session::{safe_next, set_sign_in_cookies};
use super::url_encode;

/// A refusal the page shows beside the button; a fault of ours stays an error page.
fn refusal(error: PasskeyError) -> Result<Response, AppError> {
    let status = match &error {
        PasskeyError::Store(_) | PasskeyError::Internal(_) => {
            return Err(match error {
                PasskeyError::Store(error) => error.into(),
                other => AppError::Internal(other.into()),
            });
        }
        PasskeyError::Unavailable => StatusCode::CONFLICT,
        PasskeyError::Expired | PasskeyError::Refused | PasskeyError::UnknownPasskey => {
            StatusCode::UNAUTHORIZED
        }
        PasskeyError::WrongAccount | PasskeyError::WrongPassword => StatusCode::FORBIDDEN,
        PasskeyError::AlreadyRegistered => StatusCode::CONFLICT,
        PasskeyError::Malformed | PasskeyError::NameTooLong | PasskeyError::NameMissing => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok((status, Json(json!({ "error": error.to_string() }))).into_response())
}

fn go_to(target: &str) -> Response {
    Json(json!({ "redirect": target })).into_response()
}

pub async fn start_passkey_registration(
    State(app): State<App>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    match passkeys::start_registration(&app, &admin.user).await {
        Ok(started) => Ok(Json(started).into_response()),
        Err(error) => refusal(error),
    }
}

pub async fn add_passkey(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    match passkeys::finish_registration(
        &app,
        &admin.user,
        form.get("ceremony"),
        form.get("credential"),
        form.get("name"),
    )
    .await
    {
        Ok(passkey) => Ok(go_to(&format!(
            "/admin/profile/security?notice={}",
            url_encode(&format!("Passkey \u{201c}{}\u{201d} added.", passkey.name))
        ))),
        Err(error) => refusal(error),
    }
}

pub async fn remove_passkey(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let notice = match passkeys::remove(&app, &admin.user, id, form.get("password")).await {
        Ok(true) => "The passkey is removed.",
        Ok(false) => "That passkey was removed already.",
        Err(PasskeyError::WrongPassword) => {
            "The passkey is still there: the password was not right."
        }
        Err(PasskeyError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    Ok(crate::web::public::redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/profile/security?notice={}", url_encode(notice)),
    ))
}

/// The Security screen's name field beside each passkey (a plain form: no script needed).
pub async fn rename_passkey(
    State(app): State<App>,
    Path(id): Path<i64>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let notice = match passkeys::rename(&app, &admin.user, id, form.get("name")).await {
        Ok(true) => "The passkey is renamed.",
        Ok(false) => "That passkey was removed already.",
        Err(error @ (PasskeyError::NameMissing | PasskeyError::NameTooLong)) => {
            return super::security::security_page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(error.to_string()),
            )
            .await;
        }
        Err(PasskeyError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Internal(other.into())),
    };
    Ok(crate::web::public::redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/profile/security?notice={}", url_encode(notice)),
    ))
}

pub async fn start_passkey_sign_in(State(app): State<App>) -> Result<Response, AppError> {
    match passkeys::start_sign_in(&app) {
        Ok(started) => Ok(Json(started).into_response()),
        Err(error) => refusal(error),
    }
}

pub async fn finish_passkey_sign_in(
    State(app): State<App>,
    commenter: Commenter,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response, AppError> {
    let device = cookie(&headers, device_cookie_name(&app.config));
    let with = match form.get("ticket") {
        "" => SignInWith::PasskeyAlone {
            device_cookie: device.as_deref(),
        },
        ticket => SignInWith::AfterPassword { ticket },
    };
    let next = safe_next(form.get("next")).to_owned();
    match passkeys::finish_sign_in(
        &app,
        form.get("ceremony"),
        form.get("credential"),
        with,
        &commenter.ip,
        &commenter.user_agent,
    )
    .await
    {
        Ok(signed_in) => {
            // The cookies ride on the answer; the page then goes where it says.
            let mut response = go_to(&next);
            set_sign_in_cookies(&app, &signed_in, &mut response);
            Ok(response)
        }
        Err(error) => refusal(error),
    }
}
