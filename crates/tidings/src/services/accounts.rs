//! Accounts of the people who run the site: creating them, signing in (throttled), and
//! sessions that work on whichever node a request lands.

use crate::app::App;
use crate::security::{hash_password, random_token, sha256_hex, verify_password};
use crate::services::site;
use tidings_domain::comment::is_valid_email;
use tidings_domain::user::check_password;
use tidings_domain::{Role, User};
use tidings_store::{NewUser, Session, StoreError};

/// How long a sign-in lasts.
pub const SESSION_LIFETIME: time::Duration = time::Duration::days(14);
/// Failed sign-ins counted over this window…
pub const THROTTLE_WINDOW: time::Duration = time::Duration::minutes(15);
/// …may be this many for one email before it is refused for the rest of the window. The
/// window is short so an attacker can slow the owner down but never lock them out for good.
pub const MAX_FAILURES_PER_EMAIL: u64 = 5;
/// …and this many from one IP address, across all emails.
pub const MAX_FAILURES_PER_IP: u64 = 20;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Field name and message.
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error("the email or password is not right")]
    WrongCredentials,
    #[error("too many failed sign-ins; try again in {minutes} minutes")]
    Throttled { minutes: i64 },
    #[error("the setup link is not valid; it works once, while no account exists")]
    BadSetupToken,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

pub async fn add_user(app: &App, account: NewAccount) -> Result<User, AccountError> {
    let email = account.email.trim().to_owned();
    let display_name = account
        .display_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !is_valid_email(&email) || email.len() > 100 {
        return Err(AccountError::Invalid(
            "email",
            "Please enter a valid email address.".into(),
        ));
    }
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(AccountError::Invalid(
            "name",
            "Please enter a name of 1 to 100 characters.".into(),
        ));
    }
    check_password(&account.password)
        .map_err(|message| AccountError::Invalid("password", message))?;
    let password_hash = hash_password(account.password, app.password_cost).await?;
    let user = NewUser {
        email,
        display_name,
        role: account.role,
        password_hash,
    };
    match app.store.insert_user(&user, app.now()).await {
        Err(StoreError::Conflict { .. }) => Err(AccountError::Invalid(
            "email",
            "An account with this email already exists.".into(),
        )),
        other => Ok(other?),
    }
}

/// Creates the first administrator with the one-time setup token.
pub async fn complete_setup(
    app: &App,
    token: &str,
    account: NewAccount,
) -> Result<User, AccountError> {
    if !site::setup_token_is_valid(app, token).await? {
        return Err(AccountError::BadSetupToken);
    }
    let user = add_user(
        app,
        NewAccount {
            role: Role::Administrator,
            ..account
        },
    )
    .await?;
    site::forget_setup_token(app).await?;
    Ok(user)
}

/// A signed-in session: the token goes in the cookie, only its hash in the database.
pub struct SignedIn {
    pub token: String,
    pub session: Session,
}

pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<SignedIn, AccountError> {
    let now = app.now();
    let email = email.trim();
    let (by_email, by_ip) = app
        .store
        .failed_logins_since(email, ip, now - THROTTLE_WINDOW)
        .await?;
    if by_email >= MAX_FAILURES_PER_EMAIL || by_ip >= MAX_FAILURES_PER_IP {
        return Err(AccountError::Throttled {
            minutes: THROTTLE_WINDOW.whole_minutes(),
        });
    }
    let user = app.store.user_by_email(email).await?;
    let verified = match &user {
        Some(user) => verify_password(password.to_owned(), user.password_hash.clone()).await?,
        // Hash anyway, so a missing account answers as slowly as a wrong password and
        // response times do not reveal which emails have accounts.
        None => {
            hash_password(password.to_owned(), app.password_cost).await?;
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        app.store.record_failed_login(email, ip, now).await?;
        return Err(AccountError::WrongCredentials);
    };
    app.store.clear_failed_logins(email).await?;
    Ok(start_session(app, &user).await?)
}

/// Signs `user` in without a password: right after they proved who they are another way
/// (creating the first account with the setup token).
pub async fn start_session(app: &App, user: &User) -> Result<SignedIn, StoreError> {
    let now = app.now();
    let token = random_token();
    let session = Session {
        token_hash: sha256_hex(&token),
        user_id: user.id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + SESSION_LIFETIME,
    };
    app.store.insert_session(&session).await?;
    Ok(SignedIn { token, session })
}

pub async fn session_for_token(
    app: &App,
    token: &str,
) -> Result<Option<(Session, User)>, StoreError> {
    if token.is_empty() {
        return Ok(None);
    }
    app.store
        .session_by_token_hash(&sha256_hex(token), app.now())
        .await
}

pub async fn sign_out(app: &App, token: &str) -> Result<(), StoreError> {
    app.store.delete_session(&sha256_hex(token)).await
}
