//! Passkeys (WebAuthn) for staff: registering one from the Security screen, and signing in
//! with one, either on its own from the login page (a passkey is both factors: the device,
//! and the PIN or fingerprint it asks for) or as the second step after a password.
//!
//! webauthn-rs does the protocol and its cryptography. A ceremony's state (its challenge)
//! does not wait in memory, where another node could not find it: it travels with the
//! browser, signed with the site's key and dated, and when the ceremony finishes its
//! challenge is recorded as spent, so each one counts once on every node. Starting a
//! sign-in writes nothing, so a flood of starts costs the database nothing.

use crate::app::App;
use crate::security::{random_bytes, sha256_hex};
use crate::services::accounts::{self, SignedIn};
use crate::services::second_factor;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tidings_domain::text::clean_line;
use tidings_domain::{User, UserId};
use tidings_store::{StoreError, StoredPasskey};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// How long a browser has between asking for a ceremony and answering it.
const CEREMONY_LIFETIME: time::Duration = time::Duration::minutes(5);
/// The longest name a passkey may be given.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest answer from a browser worth reading: real ones are a few kilobytes.
const MAX_CREDENTIAL_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error(
        "Passkeys need the site to have a name, not an IP address: set base_url to the address readers use (https://news.example.com)."
    )]
    Unavailable,
    #[error("This took too long, or it was done already. Please try again.")]
    Expired,
    #[error("The browser's answer could not be read. Please try again.")]
    Malformed,
    #[error("This passkey is not registered with this site, or its account is not active.")]
    UnknownPasskey,
    #[error("This passkey belongs to another account.")]
    WrongAccount,
    #[error("The passkey's answer did not check out. Please try again.")]
    Refused,
    #[error("This passkey is registered already.")]
    AlreadyRegistered,
    #[error("A passkey's name must be at most {MAX_NAME_CHARS} characters.")]
    NameTooLong,
    #[error("Give the passkey a name.")]
    NameMissing,
    #[error("The password is not right.")]
    WrongPassword,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A ceremony the browser is to perform: `options` go to `navigator.credentials`, and the
/// `ceremony` token comes back with the answer.
#[derive(Serialize)]
pub struct Started {
    pub ceremony: String,
    pub options: serde_json::Value,
}

/// The site as a WebAuthn relying party: its host name, and the origin pages are served
/// from. Browsers refuse IP addresses as relying parties, so a site without a name has no
/// passkeys (and says why); one on the loopback address (the default, on the owner's own
/// computer) has them at `localhost`, the name browsers give that address.
fn relying_party(app: &App) -> Result<Webauthn, PasskeyError> {
    let mut origin = Url::parse(&app.config.base_url()).map_err(|_| PasskeyError::Unavailable)?;
    let host = match origin.host() {
        Some(url::Host::Domain(host)) => host.to_owned(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback() => "localhost".to_owned(),
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => "localhost".to_owned(),
        _ => return Err(PasskeyError::Unavailable),
    };
    origin
        .set_host(Some(&host))
        .map_err(|_| PasskeyError::Unavailable)?;
    WebauthnBuilder::new(&host, &origin)
        .and_then(|builder| builder.rp_name(&app.config.title).build())
        .map_err(|_| PasskeyError::Unavailable)
}

/// Whether this site can offer passkeys at all.
pub fn available(app: &App) -> bool {
    relying_party(app).is_ok()
}

/// Why this site cannot offer passkeys, when it cannot.
pub fn why_unavailable(app: &App) -> Option<String> {
    relying_party(app).err().map(|error| error.to_string())
}

fn ceremony_message(purpose: &str, user: UserId, expires: i64, state: &str) -> String {
    format!("passkey-{purpose}:{}:{expires}:{state}", user.0)
}

/// The ceremony's state, signed and dated, for the browser to hand back.
fn seal(app: &App, purpose: &str, user: UserId, state: &impl Serialize) -> anyhow::Result<String> {
    let state = URL_SAFE_NO_PAD.encode(serde_json::to_vec(state)?);
    let expires = (app.now() + CEREMONY_LIFETIME).unix_timestamp();
    let signature = app
        .signer
        .sign(&ceremony_message(purpose, user, expires, &state));
    Ok(format!("{expires}.{state}.{signature}"))
}

/// The state of a ceremony this site started for `purpose` and `user`, not expired.
fn open<T: DeserializeOwned>(
    app: &App,
    purpose: &str,
    user: UserId,
    ceremony: &str,
) -> Result<(T, time::OffsetDateTime), PasskeyError> {
    let mut parts = ceremony.split('.');
    let (Some(expires), Some(state), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(PasskeyError::Expired);
    };
    let expires: i64 = expires.parse().map_err(|_| PasskeyError::Expired)?;
    if !app
        .signer
        .verify(&ceremony_message(purpose, user, expires, state), signature)
        || app.now().unix_timestamp() > expires
    {
        return Err(PasskeyError::Expired);
    }
    let expires_at =
        time::OffsetDateTime::from_unix_timestamp(expires).map_err(|_| PasskeyError::Expired)?;
    let state = URL_SAFE_NO_PAD
        .decode(state)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(PasskeyError::Expired)?;
    Ok((state, expires_at))
}

/// Marks the ceremony done; a second answer to it is refused.
async fn spend(
    app: &App,
    ceremony: &str,
    expires_at: time::OffsetDateTime,
) -> Result<(), PasskeyError> {
    if app
        .store
        .spend_challenge(&sha256_hex(ceremony), expires_at, app.now())
        .await?
    {
        Ok(())
    } else {
        Err(PasskeyError::Expired)
    }
}

fn read_answer<T: DeserializeOwned>(answer: &str) -> Result<T, PasskeyError> {
    if answer.len() > MAX_CREDENTIAL_BYTES {
        return Err(PasskeyError::Malformed);
    }
    serde_json::from_str(answer).map_err(|_| PasskeyError::Malformed)
}

fn stored_key(stored: &StoredPasskey) -> Result<Passkey, PasskeyError> {
    serde_json::from_str(&stored.credential)
        .map_err(|error| PasskeyError::Internal(anyhow::anyhow!("passkey {}: {error}", stored.id)))
}

/// A person's passkeys, oldest first.
pub async fn passkeys_of(app: &App, user: UserId) -> Result<Vec<StoredPasskey>, StoreError> {
    app.store.passkeys_of(user).await
}

/// Starts registering a new passkey for `user`.
pub async fn start_registration(app: &App, user: &User) -> Result<Started, PasskeyError> {
    let relying_party = relying_party(app)?;
    let handle = match app.store.passkey_handle_of(user.id).await? {
        Some(handle) => handle,
        None => {
            let fresh = Uuid::from_bytes(random_bytes::<16>()).to_string();
            app.store.claim_passkey_handle(user.id, &fresh).await?
        }
    };
    let handle = Uuid::parse_str(&handle)
        .map_err(|error| anyhow::anyhow!("user {}'s passkey handle: {error}", user.id))?;
    // The authenticators that hold one of the person's passkeys already are told so, and
    // offer to make no second one.
    let mut registered = Vec::new();
    for stored in app.store.passkeys_of(user.id).await? {
        registered.push(stored_key(&stored)?.cred_id().clone());
    }
    let (options, state) = relying_party
        .start_passkey_registration(handle, &user.email, &user.display_name, Some(registered))
        .map_err(|error| anyhow::anyhow!("starting a passkey registration: {error}"))?;
    let mut options = serde_json::to_value(options).map_err(anyhow::Error::from)?;
    // A passkey here must be discoverable: the login page asks for one without an email.
    // (The ceremony's state does not depend on this; only the browser reads it.)
    if let Some(selection) = options
        .pointer_mut("/publicKey/authenticatorSelection")
        .and_then(serde_json::Value::as_object_mut)
    {
        selection.insert("requireResidentKey".into(), true.into());
        selection.insert("residentKey".into(), "required".into());
    }
    Ok(Started {
        ceremony: seal(app, "register", user.id, &state)?,
        options,
    })
}

/// A passkey's name as given, tidied (spaces, control characters) and held to its limit;
/// it may be empty.
fn tidy_name(name: &str) -> Result<String, PasskeyError> {
    let name = clean_line(name);
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(PasskeyError::NameTooLong);
    }
    Ok(name)
}

/// Finishes a registration with the browser's `answer`, naming the passkey `name`.
pub async fn finish_registration(
    app: &App,
    user: &User,
    ceremony: &str,
    answer: &str,
    name: &str,
) -> Result<StoredPasskey, PasskeyError> {
    let name = tidy_name(name)?;
    let relying_party = relying_party(app)?;
    let (state, expires_at): (PasskeyRegistration, _) = open(app, "register", user.id, ceremony)?;
    let answer: RegisterPublicKeyCredential = read_answer(answer)?;
    let passkey = relying_party
        .finish_passkey_registration(&answer, &state)
        .map_err(|error| {
            tracing::warn!(user = %user.id, %error, "a passkey registration was refused");
            PasskeyError::Refused
        })?;
    spend(app, ceremony, expires_at).await?;
    let name = if name.is_empty() {
        "Passkey".to_owned()
    } else {
        name
    };
    let stored = app
        .store
        .insert_passkey(
            user.id,
            &URL_SAFE_NO_PAD.encode(passkey.cred_id()),
            &name,
            &serde_json::to_string(&passkey).map_err(anyhow::Error::from)?,
            app.now(),
        )
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => PasskeyError::AlreadyRegistered,
            other => other.into(),
        })?;
    tracing::info!(user = %user.id, passkey = stored.id, "passkey registered");
    Ok(stored)
}

/// Removes one of the person's passkeys, with their password.
pub async fn remove(app: &App, user: &User, id: i64, password: &str) -> Result<bool, PasskeyError> {
    if !crate::security::verify_password(password.to_owned(), user.password_hash.clone()).await? {
        return Err(PasskeyError::WrongPassword);
    }
    let removed = app.store.delete_passkey(user.id, id).await?;
    if removed {
        tracing::info!(user = %user.id, passkey = id, "passkey removed");
    }
    Ok(removed)
}

/// Gives one of the person's passkeys a new name (no password asked: a name grants
/// nothing). `false` when they have no passkey with this id.
pub async fn rename(app: &App, user: &User, id: i64, name: &str) -> Result<bool, PasskeyError> {
    let name = tidy_name(name)?;
    if name.is_empty() {
        return Err(PasskeyError::NameMissing);
    }
    Ok(app.store.rename_passkey(user.id, id, &name).await?)
}

/// Starts a sign-in with whichever of this site's passkeys the browser holds.
pub fn start_sign_in(app: &App) -> Result<Started, PasskeyError> {
    let (mut options, state) = relying_party(app)?
        .start_discoverable_authentication()
        .map_err(|error| anyhow::anyhow!("starting a passkey sign-in: {error}"))?;
    // The person pressed a button: the browser asks at once (not only from the email
    // field's suggestions, the "conditional" way).
    options.mediation = None;
    Ok(Started {
        ceremony: seal(app, "sign-in", UserId(0), &state)?,
        options: serde_json::to_value(options).map_err(anyhow::Error::from)?,
    })
}

/// How a passkey sign-in came about.
pub enum SignInWith<'a> {
    /// On its own, from the login page: the browser's device cookie, if any.
    PasskeyAlone { device_cookie: Option<&'a str> },
    /// As the second step, after the password: the password step's ticket.
    AfterPassword { ticket: &'a str },
}

/// Finishes a passkey sign-in: the session, as a password (and code) would have started.
pub async fn finish_sign_in(
    app: &App,
    ceremony: &str,
    answer: &str,
    with: SignInWith<'_>,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, PasskeyError> {
    let result = passkey_step(app, ceremony, answer, with, ip, user_agent).await;
    let outcome = match &result {
        Ok(_) => "signed_in",
        Err(
            PasskeyError::Refused
            | PasskeyError::UnknownPasskey
            | PasskeyError::WrongAccount
            | PasskeyError::Malformed,
        ) => "refused",
        Err(PasskeyError::Expired) => "expired",
        Err(_) => "failed",
    };
    app.metrics.record_sign_in("passkey", outcome);
    result
}

async fn passkey_step(
    app: &App,
    ceremony: &str,
    answer: &str,
    with: SignInWith<'_>,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, PasskeyError> {
    let relying_party = relying_party(app)?;
    let (state, expires_at): (DiscoverableAuthentication, _) =
        open(app, "sign-in", UserId(0), ceremony)?;
    let answer: PublicKeyCredential = read_answer(answer)?;
    let (handle, credential_id) = relying_party
        .identify_discoverable_authentication(&answer)
        .map_err(|_| PasskeyError::UnknownPasskey)?;
    let stored = app
        .store
        .passkey_by_credential_id(&URL_SAFE_NO_PAD.encode(credential_id))
        .await?
        .ok_or(PasskeyError::UnknownPasskey)?;
    // The handle the browser names must be the one the passkey was registered under.
    if app
        .store
        .user_by_passkey_handle(&handle.to_string())
        .await?
        != Some(stored.user_id)
    {
        return Err(PasskeyError::UnknownPasskey);
    }
    let user = app
        .store
        .user_by_id(stored.user_id)
        .await?
        .filter(|user| !user.deactivated)
        .ok_or(PasskeyError::UnknownPasskey)?;
    let (device, new_browser) = match with {
        SignInWith::PasskeyAlone { device_cookie } => {
            accounts::browser_key(app, &user.email, device_cookie)
        }
        SignInWith::AfterPassword { ticket } => {
            let ticket = second_factor::open_ticket(app, ticket).ok_or(PasskeyError::Expired)?;
            if ticket.user != user.id {
                return Err(PasskeyError::WrongAccount);
            }
            (ticket.device, ticket.new_browser)
        }
    };
    let mut passkey = stored_key(&stored)?;
    let result = relying_party
        .finish_discoverable_authentication_v2(&answer, state, &passkey)
        .map_err(|error| {
            tracing::warn!(user = %user.id, passkey = stored.id, %error, "a passkey sign-in was refused");
            PasskeyError::Refused
        })?;
    spend(app, ceremony, expires_at).await?;
    passkey.update_credential(&result);
    app.store
        .record_passkey_use(
            stored.id,
            &serde_json::to_string(&passkey).map_err(anyhow::Error::from)?,
            app.now(),
        )
        .await?;
    Ok(accounts::finish_sign_in(app, &user, &device, new_browser, ip, user_agent).await?)
}
