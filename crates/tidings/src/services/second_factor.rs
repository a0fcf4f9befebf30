//! A second factor for staff: one-time codes from an authenticator app, recovery codes for
//! a lost phone, the sign-in step that asks for either, and the site-wide rule that every
//! staff account must have one.
//!
//! Between the password and the code nothing is stored: the password step hands the
//! browser a signed ticket (the account, this browser's key, five minutes), and only the
//! code step starts a session. Wrong codes count as failed sign-ins, so a stolen password
//! cannot be followed by a million guesses.

use crate::app::App;
use crate::security::{random_bytes, sha256_hex, verify_password};
use crate::services::accounts::{self, AccountError, SignedIn};
use tidings_domain::second_factor::{self, RECOVERY_CODE_BYTES, RECOVERY_CODES, SECRET_BYTES};
use tidings_domain::{User, UserId};
use tidings_store::StoreError;

/// How long the code step may follow the password step.
const TICKET_LIFETIME: time::Duration = time::Duration::minutes(5);
/// The setting that makes a second factor compulsory for every staff account.
const REQUIRED_SETTING: &str = "require_second_factor";

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    #[error(
        "That code is not right, or it was used already. Type the code your app shows now, or one of your recovery codes."
    )]
    WrongCode,
    #[error("The password is not right.")]
    WrongPassword,
    #[error("This sign-in took too long. Please sign in again.")]
    Expired,
    #[error("too many failed sign-ins; try again in {seconds} seconds")]
    Throttled { seconds: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the set-up page shows: the secret (to type by hand), and its QR code.
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
    /// An `<svg>` image of `uri`.
    pub qr_svg: String,
}

/// A fresh secret to set up, or the one being set up again after a wrong code.
pub fn enrolment(app: &App, user: &User, secret: Option<&str>) -> Enrolment {
    let secret = secret
        .filter(|secret| {
            second_factor::from_base32(secret).is_some_and(|bytes| bytes.len() == SECRET_BYTES)
        })
        .map_or_else(
            || second_factor::base32(&random_bytes::<SECRET_BYTES>()),
            str::to_owned,
        );
    let uri = second_factor::otpauth_uri(&app.config.title, &user.email, &secret);
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    // The renderer writes an XML declaration first; inline in HTML it must not be there.
    let qr_svg = match qr_svg.find("<svg") {
        Some(start) => qr_svg[start..].to_owned(),
        None => String::new(),
    };
    Enrolment {
        secret,
        uri,
        qr_svg,
    }
}

/// Turns one-time codes on once `code` proves the app holds `secret`; returns the recovery
/// codes, to be shown once.
pub async fn enable(
    app: &App,
    user: &User,
    secret: &str,
    code: &str,
) -> Result<Vec<String>, SecondFactorError> {
    let now = app.now().unix_timestamp();
    if second_factor::from_base32(secret).is_none_or(|bytes| bytes.len() != SECRET_BYTES) {
        return Err(SecondFactorError::WrongCode);
    }
    let step =
        second_factor::check_code(secret, code, now, 0).ok_or(SecondFactorError::WrongCode)?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| second_factor::recovery_code(&random_bytes::<RECOVERY_CODE_BYTES>()))
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|code| second_factor::normalise_recovery_code(code))
        .map(|plain| sha256_hex(&plain))
        .collect();
    app.store.set_totp(user.id, Some(secret), &hashes).await?;
    // The code that confirmed it is spent: it cannot sign anyone in.
    app.store.spend_totp_step(user.id, step).await?;
    tracing::info!(user = %user.id, "second factor turned on");
    Ok(codes)
}

/// Turns one-time codes off, with the account's password.
pub async fn disable(app: &App, user: &User, password: &str) -> Result<(), SecondFactorError> {
    if !verify_password(password.to_owned(), user.password_hash.clone()).await? {
        return Err(SecondFactorError::WrongPassword);
    }
    app.store.set_totp(user.id, None, &[]).await?;
    tracing::info!(user = %user.id, "second factor turned off");
    Ok(())
}

/// Whether the person has a second factor: one-time codes, or a passkey.
pub async fn has_second_factor(app: &App, user: UserId) -> Result<bool, StoreError> {
    app.store.has_second_factor(user).await
}

/// Whether the person has turned one-time codes on.
pub async fn has_codes(app: &App, user: UserId) -> Result<bool, StoreError> {
    Ok(app.store.totp_of(user).await?.is_some())
}

pub async fn unused_recovery_codes(app: &App, user: UserId) -> Result<u64, StoreError> {
    app.store.unused_recovery_codes(user).await
}

/// An administrator's answer to a lost phone or security key: the person's one-time codes,
/// recovery codes and passkeys are forgotten and every session of theirs ends, so they
/// sign in with their password alone (and set up a second factor again, where the site
/// requires one). `false` when they had no second factor.
pub async fn reset(app: &App, user: UserId) -> Result<bool, StoreError> {
    let had = app.store.forget_second_factors(user).await?;
    accounts::sign_out_elsewhere(app, user, None).await?;
    tracing::info!(user = %user, had, "second factors reset");
    Ok(had)
}

/// Whether every staff account must have a second factor.
pub async fn is_required(app: &App) -> Result<bool, StoreError> {
    Ok(app.store.setting(REQUIRED_SETTING).await?.as_deref() == Some("1"))
}

pub async fn set_required(app: &App, required: bool) -> Result<(), StoreError> {
    app.store
        .put_setting(REQUIRED_SETTING, if required { "1" } else { "0" })
        .await
}

fn ticket_message(user: UserId, expires: i64, device: &str, new_browser: bool) -> String {
    format!(
        "second-factor:{}:{expires}:{device}:{}",
        user.0,
        u8::from(new_browser)
    )
}

/// The signed ticket the password step hands to the code step.
pub fn ticket(app: &App, user: UserId, device: &str, new_browser: bool) -> String {
    let expires = (app.now() + TICKET_LIFETIME).unix_timestamp();
    let signature = app
        .signer
        .sign(&ticket_message(user, expires, device, new_browser));
    format!(
        "{}.{expires}.{device}.{}.{signature}",
        user.0,
        u8::from(new_browser)
    )
}

/// What a valid ticket says: whose password was right, in which browser.
pub struct Ticket {
    pub user: UserId,
    /// The browser's key (known to the account, or new).
    pub device: String,
    pub new_browser: bool,
}

/// The ticket's content, when it is signed by this site and not expired.
pub fn open_ticket(app: &App, ticket: &str) -> Option<Ticket> {
    let parts: Vec<&str> = ticket.split('.').collect();
    let [user, expires, device, new_browser, signature] = parts[..] else {
        return None;
    };
    let (Ok(user), Ok(expires)) = (user.parse::<i64>(), expires.parse::<i64>()) else {
        return None;
    };
    let new_browser = new_browser == "1";
    let valid = device.len() == 32
        && app.signer.verify(
            &ticket_message(UserId(user), expires, device, new_browser),
            signature,
        )
        && app.now().unix_timestamp() <= expires;
    valid.then(|| Ticket {
        user: UserId(user),
        device: device.to_owned(),
        new_browser,
    })
}

/// The code step: the ticket, then a one-time code or a recovery code, then a session.
pub async fn complete_sign_in(
    app: &App,
    ticket: &str,
    code: &str,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, SecondFactorError> {
    let result = code_step(app, ticket, code, ip, user_agent).await;
    let outcome = match &result {
        Ok(_) => "signed_in",
        Err(SecondFactorError::WrongCode) => "refused",
        Err(SecondFactorError::Throttled { .. }) => "throttled",
        Err(SecondFactorError::Expired) => "expired",
        Err(_) => "failed",
    };
    app.metrics.record_sign_in("code", outcome);
    result
}

async fn code_step(
    app: &App,
    ticket: &str,
    code: &str,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, SecondFactorError> {
    let Some(Ticket {
        user,
        device,
        new_browser,
    }) = open_ticket(app, ticket)
    else {
        return Err(SecondFactorError::Expired);
    };
    let device = device.as_str();
    let now = app.now();
    let Some(user) = app
        .store
        .user_by_id(user)
        .await?
        .filter(|user| !user.deactivated)
    else {
        return Err(SecondFactorError::Expired);
    };
    // A browser the account knew before keeps its own allowance, as at the password step.
    let known_device = (!new_browser).then_some(device);
    match accounts::check_throttle(app, &user.email, ip, known_device).await {
        Err(AccountError::Throttled { seconds }) => {
            return Err(SecondFactorError::Throttled { seconds });
        }
        Err(AccountError::Store(error)) => return Err(error.into()),
        _ => {}
    }
    let Some((secret, last_step)) = app.store.totp_of(user.id).await? else {
        return Err(SecondFactorError::Expired);
    };
    let accepted = match second_factor::check_code(&secret, code, now.unix_timestamp(), last_step) {
        Some(step) => app.store.spend_totp_step(user.id, step).await?,
        None => match second_factor::normalise_recovery_code(code) {
            Some(plain) => {
                app.store
                    .spend_recovery_code(user.id, &sha256_hex(&plain), now)
                    .await?
            }
            None => false,
        },
    };
    if !accepted {
        app.store
            .record_failed_login(&user.email, ip, known_device.unwrap_or(""), now)
            .await?;
        return Err(SecondFactorError::WrongCode);
    }
    Ok(accounts::finish_sign_in(app, &user, device, new_browser, ip, user_agent).await?)
}
