//! Accounts of the people who run the site: creating them, signing in (throttled), and
//! sessions that work on whichever node a request lands.

use crate::app::App;
use crate::security::{hash_password, random_token, sha256_hex, verify_password};
use crate::services::site;
use tidings_domain::email::{is_valid_email, normalise_email};
use tidings_domain::text::{clean_line, is_invisible_text};
use tidings_domain::user::check_password;
use tidings_domain::{Role, User, UserId};
use tidings_store::{NewUser, Session, StoreError};

/// How long a sign-in lasts.
pub const SESSION_LIFETIME: time::Duration = time::Duration::days(14);
/// How long a browser stays known to an account after signing in with it.
pub const DEVICE_LIFETIME: time::Duration = time::Duration::days(365);

/// Failed sign-ins are counted over this window. Three allowances, in the way OWASP's
/// "device cookies" describe: browsers an account never signed in with share one allowance
/// per account and one per IP address; a browser the account signed in with before carries a
/// signed cookie and has an allowance of its own, which failures elsewhere cannot spend.
/// So an attacker can slow down strangers' guesses at an account, never lock its owner out
/// of the browsers they use.
pub const THROTTLE_WINDOW: time::Duration = time::Duration::minutes(15);
/// Failures for one account from unknown browsers, per window.
pub const MAX_FAILURES_PER_EMAIL: u64 = 5;
/// Failures from one IP address from unknown browsers, across all accounts, per window.
pub const MAX_FAILURES_PER_IP: u64 = 20;
/// Failures from one known browser, per window.
pub const MAX_FAILURES_PER_DEVICE: u64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Field name and message.
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error("the email or password is not right")]
    WrongCredentials,
    #[error("too many failed sign-ins; try again in {seconds} seconds")]
    Throttled { seconds: i64 },
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
    let email = normalise_email(&account.email);
    let display_name = clean_line(&account.display_name);
    if !is_valid_email(&email) {
        return Err(AccountError::Invalid(
            "email",
            "Please enter a valid email address.".into(),
        ));
    }
    if is_invisible_text(&display_name) || display_name.chars().count() > 100 {
        return Err(AccountError::Invalid(
            "name",
            "Please enter a name of 1 to 100 characters.".into(),
        ));
    }
    check_password(&account.password, &[&email, &display_name])
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

/// A signed-in session: the token goes in the cookie, only its hash in the database; and
/// the cookie that makes this browser known to the account next time.
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub device_cookie: Option<String>,
}

fn device_message(email: &str, key: &str) -> String {
    format!("device:{}:{key}", tidings_domain::email::email_key(email))
}

/// The key a sign-in by `email` in this browser goes by, and whether the browser is new
/// to the account: the key in its device cookie when the cookie was issued to this
/// account, or else a fresh one.
pub fn browser_key(app: &App, email: &str, cookie: Option<&str>) -> (String, bool) {
    match known_device(app, email, cookie) {
        Some(key) => (key, false),
        None => (random_token()[..32].to_owned(), true),
    }
}

/// The device key in a browser's cookie, when the cookie was issued to this account.
fn known_device(app: &App, email: &str, cookie: Option<&str>) -> Option<String> {
    let (key, signature) = cookie?.split_once('.')?;
    (key.len() == 32 && app.signer.verify(&device_message(email, key), signature))
        .then(|| key.to_owned())
}

fn device_cookie(app: &App, email: &str, key: &str) -> String {
    format!("{key}.{}", app.signer.sign(&device_message(email, key)))
}

/// Seconds until the oldest of `attempts` leaves the window: when a retry may succeed.
fn retry_after(attempts: tidings_store::Attempts, now: time::OffsetDateTime) -> i64 {
    attempts
        .oldest
        .map_or(THROTTLE_WINDOW.whole_seconds(), |oldest| {
            (oldest + THROTTLE_WINDOW - now).whole_seconds()
        })
        .max(1)
}

/// Where the password step leaves a sign-in.
pub enum SignInStep {
    SignedIn(SignedIn),
    /// The account has a second factor: the next step takes this ticket, with a one-time
    /// code (when `codes`) or a passkey (when `passkey`).
    NeedsSecondFactor {
        ticket: String,
        codes: bool,
        passkey: bool,
    },
}

/// Refuses with [`AccountError::Throttled`] when the allowance this attempt draws on is
/// spent: the known browser's own (`device`), or else the account's and the IP address's.
pub async fn check_throttle(
    app: &App,
    email: &str,
    ip: &str,
    device: Option<&str>,
) -> Result<(), AccountError> {
    let now = app.now();
    let failed = app
        .store
        .failed_logins_since(email, ip, device.unwrap_or(""), now - THROTTLE_WINDOW)
        .await?;
    let throttled = match device {
        Some(_) => (failed.device.count >= MAX_FAILURES_PER_DEVICE).then_some(failed.device),
        None if failed.account.count >= MAX_FAILURES_PER_EMAIL => Some(failed.account),
        None => (failed.ip.count >= MAX_FAILURES_PER_IP).then_some(failed.ip),
    };
    match throttled {
        Some(attempts) => Err(AccountError::Throttled {
            seconds: retry_after(attempts, now),
        }),
        None => Ok(()),
    }
}

/// The password step of a sign-in, counted in the metrics by its outcome.
pub async fn sign_in(
    app: &App,
    email: &str,
    password: &str,
    ip: &str,
    user_agent: &str,
    device: Option<&str>,
) -> Result<SignInStep, AccountError> {
    let result = password_step(app, email, password, ip, user_agent, device).await;
    let outcome = match &result {
        Ok(SignInStep::SignedIn(_)) => "signed_in",
        Ok(SignInStep::NeedsSecondFactor { .. }) => "second_step",
        Err(AccountError::WrongCredentials) => "refused",
        Err(AccountError::Throttled { .. }) => "throttled",
        Err(_) => "failed",
    };
    app.metrics.record_sign_in("password", outcome);
    result
}

async fn password_step(
    app: &App,
    email: &str,
    password: &str,
    ip: &str,
    user_agent: &str,
    device: Option<&str>,
) -> Result<SignInStep, AccountError> {
    let now = app.now();
    let email = email.trim();
    let (key, new_browser) = browser_key(app, email, device);
    let known = (!new_browser).then_some(key.as_str());
    check_throttle(app, email, ip, known).await?;
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
    // A deactivated account answers like a wrong password: it signs in nowhere.
    let Some(user) = user.filter(|user| verified && !user.deactivated) else {
        app.store
            .record_failed_login(email, ip, known.unwrap_or(""), now)
            .await?;
        return Err(AccountError::WrongCredentials);
    };
    let codes = app.store.totp_of(user.id).await?.is_some();
    let passkey = !app.store.passkeys_of(user.id).await?.is_empty();
    if codes || passkey {
        return Ok(SignInStep::NeedsSecondFactor {
            ticket: crate::services::second_factor::ticket(app, user.id, &key, new_browser),
            codes,
            passkey,
        });
    }
    Ok(SignInStep::SignedIn(
        finish_sign_in(app, &user, &key, new_browser, ip, user_agent).await?,
    ))
}

/// The last step of a sign-in, once every factor is proven: the session, the cookie that
/// makes this browser known, and, for a browser the account never used (after its very
/// first sign-in), a mail to its owner saying where and when.
pub async fn finish_sign_in(
    app: &App,
    user: &User,
    device_key: &str,
    new_browser: bool,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, StoreError> {
    if !new_browser {
        // Only this browser's own failures are forgiven: the ones strangers made against
        // the account still count against strangers.
        app.store.clear_failed_logins(device_key).await?;
    }
    let mut signed_in = start_session(app, user, ip, user_agent).await?;
    signed_in.device_cookie = Some(device_cookie(app, &user.email, device_key));
    let signed_in_before = app.store.record_sign_in(user.id, app.now()).await?;
    if new_browser && signed_in_before {
        crate::services::notify::new_sign_in(app, user, ip, user_agent).await;
    }
    Ok(signed_in)
}

/// Signs `user` in without a password: right after they proved who they are another way
/// (creating the first account with the setup token).
pub async fn start_session(
    app: &App,
    user: &User,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, StoreError> {
    let now = app.now();
    let token = random_token();
    let session = Session {
        token_hash: sha256_hex(&token),
        user_id: user.id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + SESSION_LIFETIME,
        ip: ip.to_owned(),
        user_agent: user_agent.chars().take(300).collect(),
    };
    app.store.insert_session(&session).await?;
    Ok(SignedIn {
        token,
        session,
        device_cookie: None,
    })
}

/// A person's sessions, newest first.
pub async fn sessions_of(app: &App, user: UserId) -> Result<Vec<Session>, StoreError> {
    app.store.sessions_of(user, app.now()).await
}

/// Signs a person out of every session but `keep` (the one they act from); returns how
/// many ended.
pub async fn sign_out_elsewhere(
    app: &App,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let ended = app
        .store
        .delete_sessions_of(user, keep.map(sha256_hex).as_deref())
        .await?;
    tracing::info!(user = %user, ended, "signed out of other sessions");
    Ok(ended)
}

/// Ends one of a person's sessions, named by its public id.
pub async fn end_session(app: &App, user: UserId, public_id: &str) -> Result<bool, StoreError> {
    app.store.delete_session_of(user, public_id).await
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

/// Changes what readers see of the signed-in person: their name in bylines, the address
/// of their author page, their bio. Each problem is a field and its message.
pub async fn update_profile(
    app: &App,
    user: UserId,
    name: &str,
    slug: &str,
    bio: &str,
) -> Result<tidings_domain::Author, ProfileError> {
    let profile =
        tidings_domain::user::check_profile(name, slug, bio).map_err(ProfileError::Invalid)?;
    let saved = app
        .store
        .update_profile(user, &profile.name, &profile.slug, &profile.bio)
        .await;
    let author = match saved {
        Err(StoreError::Conflict { what: "slug" }) => {
            return Err(ProfileError::Invalid(vec![(
                "slug",
                "Another author already has this address.".into(),
            )]));
        }
        other => other?.ok_or(ProfileError::NotFound)?,
    };
    // Bylines on every page that shows one.
    site::all_pages_changed(app).await?;
    Ok(author)
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile has invalid fields")]
    Invalid(Vec<(&'static str, String)>),
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}
