//! The Users screen (administrators: invite, change a role, deactivate), the page a
//! password link opens, and "Lost your password?".

use crate::app::App;
use crate::render::views::admin::{LostPasswordPage, PasswordPage, PeoplePage, PersonRow};
use crate::services::people::{self, LinkError, PeopleError, Purpose};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm, FormFields};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::{Capability, Role, UserId};

use super::{chrome, query_value, render, url_encode};

pub async fn list_people(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let notice = query_value(&query, "notice");
    people_page(
        &app,
        &admin,
        StatusCode::OK,
        notice,
        FormFields(Vec::new()),
        Vec::new(),
    )
    .await
}

async fn people_page(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    notice: Option<String>,
    typed: FormFields,
    errors: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let mut people = Vec::new();
    let with_second_factor = app.store.users_with_second_factor().await?;
    for user in app.store.all_users().await? {
        let author_url = app
            .store
            .author(user.id)
            .await?
            .map(|author| author.permalink())
            .unwrap_or_default();
        people.push(PersonRow {
            id: user.id.0,
            is_you: user.id == admin.user.id,
            name: user.display_name,
            email: user.email,
            role: user.role.as_str(),
            deactivated: user.deactivated,
            author_url,
            second_factor: with_second_factor.contains(&user.id),
        });
    }
    let page = PeoplePage {
        chrome: chrome(app, admin, "users", notice).await?,
        people,
        roles: Role::ALL
            .into_iter()
            .map(|role| (role.as_str(), role.label()))
            .collect(),
        email: typed.get("email").to_owned(),
        name: typed.get("name").to_owned(),
        role: typed.get("role").to_owned(),
        errors,
        second_factor_required: crate::services::second_factor::is_required(app).await?,
    };
    render(app, status, "admin/people.html", page)
}

pub async fn invite(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let Some(role) = Role::parse(form.get("role")) else {
        let errors = vec![("role".to_owned(), "Choose a role from the list.".to_owned())];
        return people_page(
            &app,
            &admin,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            form,
            errors,
        )
        .await;
    };
    match people::invite(&app, &admin.user, form.get("email"), form.get("name"), role).await {
        Ok(user) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/users?notice={}",
                url_encode(&format!(
                    "{} is invited: the mail with their link is on its way to {}.",
                    user.display_name, user.email
                ))
            ),
        )),
        Err(error @ PeopleError::MailNotQueued(_)) => mail_not_queued(&app, &admin, error).await,
        Err(PeopleError::Invalid(field, message)) => {
            let errors = vec![(field.to_owned(), message)];
            people_page(
                &app,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                form,
                errors,
            )
            .await
        }
        Err(error) => Err(people_error(error)),
    }
}

/// An invitation whose mail could not be queued: the account is made, so the form is not
/// the place to try again; its row's "Send the invitation again" is.
async fn mail_not_queued(
    app: &App,
    admin: &Admin,
    error: PeopleError,
) -> Result<Response, AppError> {
    people_page(
        app,
        admin,
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        FormFields(Vec::new()),
        vec![("email".to_owned(), error.to_string())],
    )
    .await
}

pub async fn resend_invitation(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let id = parse_id(&id)?;
    match people::resend_invitation(&app, &admin.user, id).await {
        Ok(user) => Ok(done(&format!(
            "A new invitation is on its way to {}.",
            user.email
        ))),
        Err(error @ PeopleError::MailNotQueued(_)) => mail_not_queued(&app, &admin, error).await,
        Err(error) => Err(people_error(error)),
    }
}

pub async fn change_role(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let id = parse_id(&id)?;
    let role = Role::parse(form.get("role"))
        .ok_or_else(|| AppError::BadRequest("Choose a role from the list.".into()))?;
    match people::change_role(&app, &admin.user, id, role).await {
        Ok(()) => Ok(done("The role is changed.")),
        Err(error) => Err(people_error(error)),
    }
}

pub async fn deactivate(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    match people::set_active(&app, &admin.user, id, false).await {
        Ok(()) => Ok(done(
            "The account is deactivated and signed out everywhere; its articles stay.",
        )),
        Err(error) => Err(people_error(error)),
    }
}

pub async fn reactivate(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    match people::set_active(&app, &admin.user, id, true).await {
        Ok(()) => Ok(done("The account is active again.")),
        Err(error) => Err(people_error(error)),
    }
}

/// Ends every session of a person (a lost laptop, a departure): they sign in again.
pub async fn sign_person_out(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let id = parse_id(&id)?;
    app.store.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let ended = crate::services::accounts::sign_out_elsewhere(&app, id, None).await?;
    Ok(done(&format!(
        "Signed out of {ended} session{}.",
        if ended == 1 { "" } else { "s" }
    )))
}

/// A person lost their phone or security key: their second factors are forgotten and
/// they are signed out everywhere.
pub async fn reset_second_factor(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let id = parse_id(&id)?;
    let person = app.store.user_by_id(id).await?.ok_or(AppError::NotFound)?;
    let had = crate::services::second_factor::reset(&app, id).await?;
    Ok(done(&if had {
        format!(
            "{}'s two-step sign-in and passkeys are removed, and they are signed out everywhere: they sign in with their password now.",
            person.display_name
        )
    } else {
        format!(
            "{} had no two-step sign-in or passkey.",
            person.display_name
        )
    }))
}

/// Whether every staff account must sign in with a second factor. Those without one are
/// sent to set it up at their next page.
pub async fn require_second_factor(
    State(app): State<App>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageUsers)?;
    let required = form.get("required") == "1";
    crate::services::second_factor::set_required(&app, required).await?;
    Ok(done(if required {
        "Two-step sign-in is now required of everyone; those without it set it up at their next page."
    } else {
        "Two-step sign-in is no longer required."
    }))
}

fn parse_id(id: &str) -> Result<UserId, AppError> {
    id.parse::<i64>()
        .map(UserId)
        .map_err(|_| AppError::NotFound)
}

fn done(notice: &str) -> Response {
    redirect(
        StatusCode::SEE_OTHER,
        &format!("/admin/users?notice={}", url_encode(notice)),
    )
}

fn people_error(error: PeopleError) -> AppError {
    match error {
        PeopleError::Invalid(_, message) => AppError::Conflict(message),
        PeopleError::Forbidden(refused) => refused.into(),
        PeopleError::NotFound => AppError::NotFound,
        PeopleError::Store(error) => error.into(),
        PeopleError::Other(error) => AppError::Internal(error),
        PeopleError::MailNotQueued(name) => {
            AppError::StorageFull(format!("the invitation mail to {name} could not be queued"))
        }
    }
}

/// The page a password link opens: the form, or why the link does not open (410 Gone).
pub async fn show_password_form(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let value = |name: &str| query_value(&query, name).unwrap_or_default();
    password_page(
        &app,
        &value("for"),
        &value("user"),
        &value("expires"),
        &value("signature"),
        None,
        None,
    )
    .await
}

pub async fn choose_password(
    State(app): State<App>,
    form: FormFields,
) -> Result<Response, AppError> {
    let (purpose, user, expires, signature) = (
        form.get("for"),
        form.get("user"),
        form.get("expires"),
        form.get("signature"),
    );
    let Some(parsed) = Purpose::parse(purpose) else {
        return password_page(&app, purpose, user, expires, signature, None, None).await;
    };
    let account = match people::link_account(&app, parsed, user, expires, signature).await {
        Ok(account) => account,
        Err(_) => return password_page(&app, purpose, user, expires, signature, None, None).await,
    };
    let name = (parsed == Purpose::Invitation).then(|| form.get("name"));
    match people::choose_password(&app, &account, name, form.get("password")).await {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            "/admin/login?next=%2Fadmin%2F",
        )),
        Err(PeopleError::Invalid(field, message)) => {
            let typed_name = form.get("name").to_owned();
            password_page(
                &app,
                purpose,
                user,
                expires,
                signature,
                Some((field, message)),
                Some(typed_name),
            )
            .await
        }
        Err(error) => Err(people_error(error)),
    }
}

async fn password_page(
    app: &App,
    purpose: &str,
    user: &str,
    expires: &str,
    signature: &str,
    error: Option<(&'static str, String)>,
    typed_name: Option<String>,
) -> Result<Response, AppError> {
    let opened = match Purpose::parse(purpose) {
        Some(parsed) => people::link_account(app, parsed, user, expires, signature).await,
        None => Err(LinkError::Spent),
    };
    let (status, refused, account) = match opened {
        Ok(account) => (
            if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            },
            None,
            Some(account),
        ),
        Err(LinkError::Store(error)) => return Err(error.into()),
        Err(refusal) => (StatusCode::GONE, Some(refusal.to_string()), None),
    };
    let page = PasswordPage {
        site: app.site_view(),
        noindex: true,
        password_rule: tidings_domain::user::PASSWORD_RULE,
        purpose: Purpose::parse(purpose).map_or("reset", Purpose::as_str),
        user: user.to_owned(),
        expires: expires.to_owned(),
        signature: signature.to_owned(),
        email: account
            .as_ref()
            .map(|a| a.email.clone())
            .unwrap_or_default(),
        name: typed_name
            .or_else(|| account.as_ref().map(|a| a.display_name.clone()))
            .unwrap_or_default(),
        error_field: error.as_ref().map(|(field, _)| *field),
        error: error.map(|(_, message)| message),
        refused,
    };
    render(app, status, "admin/password.html", page)
}

pub async fn show_lost_password(State(app): State<App>) -> Result<Response, AppError> {
    let page = LostPasswordPage {
        site: app.site_view(),
        noindex: true,
        email: String::new(),
        sent: false,
    };
    render(&app, StatusCode::OK, "admin/lost_password.html", page)
}

/// The same answer whether the address has an account or not.
pub async fn request_password_reset(
    State(app): State<App>,
    form: FormFields,
) -> Result<Response, AppError> {
    let email = form.get("email").to_owned();
    people::request_password_reset(&app, &email)
        .await
        .map_err(people_error)?;
    let page = LostPasswordPage {
        site: app.site_view(),
        noindex: true,
        email,
        sent: true,
    };
    render(&app, StatusCode::OK, "admin/lost_password.html", page)
}
