//! First-run setup (the one-time link that creates the first administrator), signing in
//! and signing out.

use crate::app::App;
use crate::render::views::admin::LoginCodePage;
use crate::render::views::admin::{LoginPage, SetupPage};
use crate::services::accounts::{self, AccountError, NewAccount, SignInStep, SignedIn};
use crate::services::comments::Commenter;
use crate::services::passkeys;
use crate::services::second_factor::{self, SecondFactorError};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::{
    FormFields, cookie, device_cookie_name, session_cookie_name, set_cookie,
};
use crate::web::public::redirect;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use tidings_domain::Role;

use super::{query_value, render};
use crate::web::extract::AdminForm;

fn session_cookie(app: &App, value: &str, max_age: i64) -> HeaderValue {
    set_cookie(
        &app.config,
        session_cookie_name(&app.config),
        value,
        max_age,
    )
}

fn signed_in_redirect(app: &App, signed_in: &SignedIn, target: &str) -> Response {
    let mut response = redirect(StatusCode::SEE_OTHER, target);
    set_sign_in_cookies(app, signed_in, &mut response);
    response
}

/// The session's cookie, and the one that makes this browser known to the account.
pub(super) fn set_sign_in_cookies(app: &App, signed_in: &SignedIn, response: &mut Response) {
    let max_age = (signed_in.session.expires_at - signed_in.session.created_at).whole_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(app, &signed_in.token, max_age),
    );
    if let Some(device) = &signed_in.device_cookie {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                &app.config,
                device_cookie_name(&app.config),
                device,
                accounts::DEVICE_LIFETIME.whole_seconds(),
            ),
        );
    }
}

fn bad_setup_link() -> AppError {
    AppError::Forbidden {
        message: "This setup link is not valid. It works once, while the site has no account; `tidings serve` prints a fresh one at each start until then, and `tidings user add` creates an account from the command line.".into(),
        kept_text: None,
    }
}

pub async fn show_setup(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let token = query_value(&query, "token").unwrap_or_default();
    if !site::setup_token_is_valid(&app, &token).await? {
        return Err(bad_setup_link());
    }
    let page = SetupPage {
        site: app.site_view(),
        noindex: true,
        password_rule: tidings_domain::user::PASSWORD_RULE,
        token,
        email: String::new(),
        name: String::new(),
        error: None,
        error_field: None,
    };
    render(&app, StatusCode::OK, "admin/setup.html", page)
}

pub async fn complete_setup(
    State(app): State<App>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let account = NewAccount {
        email: form.get("email").to_owned(),
        display_name: form.get("name").to_owned(),
        role: Role::Administrator,
        password: form.get("password").to_owned(),
    };
    match accounts::complete_setup(&app, form.get("token"), account).await {
        Ok(user) => {
            let signed_in =
                accounts::start_session(&app, &user, &commenter.ip, &commenter.user_agent).await?;
            tracing::info!(user = %user.id, "first administrator created");
            Ok(signed_in_redirect(&app, &signed_in, "/admin/"))
        }
        Err(AccountError::Invalid(field, message)) => {
            let page = SetupPage {
                site: app.site_view(),
                noindex: true,
                password_rule: tidings_domain::user::PASSWORD_RULE,
                token: form.get("token").to_owned(),
                email: form.get("email").to_owned(),
                name: form.get("name").to_owned(),
                error: Some(message),
                error_field: Some(field),
            };
            render(
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/setup.html",
                page,
            )
        }
        Err(AccountError::BadSetupToken) => Err(bad_setup_link()),
        Err(other) => Err(account_error(other)),
    }
}

fn account_error(error: AccountError) -> AppError {
    match error {
        AccountError::Store(error) => error.into(),
        other => AppError::Internal(other.into()),
    }
}

// Signing in and out.

/// Only addresses inside the admin; anything else could send a moderator to another site.
pub(super) fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin") && !next.contains("//") && !next.contains('\\') {
        next
    } else {
        "/admin/"
    }
}

pub async fn show_login(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let next = query_value(&query, "next").unwrap_or_default();
    let token = cookie(&headers, session_cookie_name(&app.config)).unwrap_or_default();
    if accounts::session_for_token(&app, &token).await?.is_some() {
        return Ok(redirect(StatusCode::SEE_OTHER, safe_next(&next)));
    }
    let page = LoginPage {
        site: app.site_view(),
        noindex: true,
        next: safe_next(&next).to_owned(),
        email: String::new(),
        error: None,
        passkeys: passkeys::available(&app),
    };
    render(&app, StatusCode::OK, "admin/login.html", page)
}

pub async fn sign_in(
    State(app): State<App>,
    commenter: Commenter,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response, AppError> {
    let next = safe_next(form.get("next")).to_owned();
    let device = cookie(&headers, device_cookie_name(&app.config));
    let mut retry_after = None;
    let (status, message) = match accounts::sign_in(
        &app,
        form.get("email"),
        form.get("password"),
        &commenter.ip,
        &commenter.user_agent,
        device.as_deref(),
    )
    .await
    {
        Ok(SignInStep::SignedIn(signed_in)) => {
            return Ok(signed_in_redirect(&app, &signed_in, &next));
        }
        Ok(SignInStep::NeedsSecondFactor {
            ticket,
            codes,
            passkey,
        }) => {
            let step = SecondStep {
                ticket,
                next,
                codes,
                passkey,
            };
            return code_page(&app, StatusCode::OK, step, None);
        }
        Err(AccountError::WrongCredentials) => (
            StatusCode::UNAUTHORIZED,
            "The email or password is not right.".to_owned(),
        ),
        Err(AccountError::Throttled { seconds }) => {
            retry_after = Some(seconds);
            let minutes = (seconds + 59) / 60;
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many failed sign-ins from browsers this account has not used before. Please wait {minutes} minute(s) and try again, or sign in from a browser you have signed in with before."
                ),
            )
        }
        Err(other) => return Err(account_error(other)),
    };
    let page = LoginPage {
        site: app.site_view(),
        noindex: true,
        next,
        email: form.get("email").to_owned(),
        error: Some(message),
        passkeys: passkeys::available(&app),
    };
    let mut response = render(&app, status, "admin/login.html", page)?;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

/// Where a sign-in stands after the password, and how it may go on.
struct SecondStep {
    ticket: String,
    next: String,
    /// A one-time code (or a recovery code) will do.
    codes: bool,
    /// A passkey will do.
    passkey: bool,
}

/// The second step of a sign-in, for an account with a second factor.
fn code_page(
    app: &App,
    status: StatusCode,
    step: SecondStep,
    error: Option<String>,
) -> Result<Response, AppError> {
    let page = LoginCodePage {
        site: app.site_view(),
        noindex: true,
        ticket: step.ticket,
        next: step.next,
        codes: step.codes,
        passkey: step.passkey && passkeys::available(app),
        error,
    };
    render(app, status, "admin/login_code.html", page)
}

/// The second step again, after a wrong code: the ways the ticket's account has.
async fn second_step(app: &App, ticket: String, next: String) -> Result<SecondStep, AppError> {
    let passkey = match second_factor::open_ticket(app, &ticket) {
        Some(opened) => !passkeys::passkeys_of(app, opened.user).await?.is_empty(),
        None => false,
    };
    Ok(SecondStep {
        ticket,
        next,
        codes: true,
        passkey,
    })
}

/// The code step has no page of its own to come back to: start again.
pub async fn show_login_code() -> Response {
    redirect(StatusCode::SEE_OTHER, "/admin/login")
}

pub async fn complete_login_code(
    State(app): State<App>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let next = safe_next(form.get("next")).to_owned();
    let ticket = form.get("ticket").to_owned();
    match second_factor::complete_sign_in(
        &app,
        &ticket,
        form.get("code"),
        &commenter.ip,
        &commenter.user_agent,
    )
    .await
    {
        Ok(signed_in) => Ok(signed_in_redirect(&app, &signed_in, &next)),
        Err(error @ SecondFactorError::WrongCode) => code_page(
            &app,
            StatusCode::UNAUTHORIZED,
            second_step(&app, ticket, next).await?,
            Some(error.to_string()),
        ),
        Err(SecondFactorError::Throttled { seconds }) => {
            let minutes = (seconds + 59) / 60;
            let mut response = code_page(
                &app,
                StatusCode::TOO_MANY_REQUESTS,
                second_step(&app, ticket, next).await?,
                Some(format!(
                    "Too many wrong codes. Please wait {minutes} minute(s) and try again."
                )),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            Ok(response)
        }
        Err(error @ SecondFactorError::Expired) => {
            let page = LoginPage {
                site: app.site_view(),
                noindex: true,
                next,
                email: String::new(),
                error: Some(error.to_string()),
                passkeys: passkeys::available(&app),
            };
            render(&app, StatusCode::UNAUTHORIZED, "admin/login.html", page)
        }
        Err(SecondFactorError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::Internal(other.into())),
    }
}

pub async fn sign_out(
    State(app): State<App>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    accounts::sign_out(&app, &admin.token).await?;
    let mut response = redirect(StatusCode::SEE_OTHER, "/admin/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&app, "", 0));
    Ok(response)
}
