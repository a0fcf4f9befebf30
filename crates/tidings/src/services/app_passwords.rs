//! Application passwords, as WordPress 5.6+ has them: a person makes one per script or
//! app that acts for them, names it, sees it once, and revokes it alone when the app is
//! lost. The app signs in with the person's email and that password over HTTP Basic, and
//! acts with the person's role, no more.

use crate::app::App;
use crate::security::{random_bytes, sha256_hex};
use crate::services::access::{self, Forbidden};
use tidings_domain::Capability;
use tidings_domain::{User, UserId};
use tidings_store::{ApplicationPassword, StoreError};
use time::Duration;

/// A name says which app a password is for ("Phone", "Wire desk script").
pub const MAX_NAME_CHARS: usize = 100;
/// More than any person has apps; a script that makes one per run is stopped.
pub const MAX_PER_PERSON: usize = 50;
/// The last-used time is written at most this often, so an app's reads stay reads.
const USE_RECORDED_EVERY: Duration = Duration::minutes(1);
/// 24 characters from 62: about 143 bits, beyond any guessing.
const PASSWORD_CHARS: usize = 24;
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[derive(Debug, thiserror::Error)]
pub enum AppPasswordError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new password, shown to its owner this once: `password` in groups of four, as
/// WordPress shows it (apps accept it with or without the spaces).
pub struct NewAppPassword {
    pub record: ApplicationPassword,
    pub password: String,
}

pub async fn create(
    app: &App,
    owner: UserId,
    name: &str,
) -> Result<NewAppPassword, AppPasswordError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppPasswordError::Invalid(
            "Give the password a name that says which app it is for.",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppPasswordError::Invalid(
            "A name has at most 100 characters, on one line.",
        ));
    }
    if app.store.application_passwords_of(owner).await?.len() >= MAX_PER_PERSON {
        return Err(AppPasswordError::Invalid(
            "You have 50 application passwords already; revoke the ones no app uses.",
        ));
    }
    let password = fresh_password();
    let record = app
        .store
        .insert_application_password(owner, name, &hash(&password), app.now())
        .await?;
    Ok(NewAppPassword {
        record,
        password: grouped(&password),
    })
}

pub async fn list(app: &App, owner: UserId) -> Result<Vec<ApplicationPassword>, StoreError> {
    app.store.application_passwords_of(owner).await
}

pub async fn revoke(app: &App, owner: UserId, id: i64) -> Result<bool, StoreError> {
    app.store.revoke_application_password(owner, id).await
}

/// Another person's application passwords, for an administrator (a lost laptop, someone
/// who left): listed, and revoked one by one.
pub async fn list_for(
    app: &App,
    actor: &User,
    owner: UserId,
) -> Result<Result<Vec<ApplicationPassword>, Forbidden>, StoreError> {
    if let Err(refused) = access::require(actor, Capability::ManageUsers) {
        return Ok(Err(refused));
    }
    list(app, owner).await.map(Ok)
}

pub async fn revoke_for(
    app: &App,
    actor: &User,
    owner: UserId,
    id: i64,
) -> Result<Result<bool, Forbidden>, StoreError> {
    if let Err(refused) = access::require(actor, Capability::ManageUsers) {
        return Ok(Err(refused));
    }
    revoke(app, owner, id).await.map(Ok)
}

/// The account an app signs in as: `username` is the account's email, and `password` one
/// of its live application passwords (spaces anywhere are ignored, as WordPress does).
/// `None` for anything else, a deactivated account included.
pub async fn authenticate(
    app: &App,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<Option<User>, StoreError> {
    let password: String = password.chars().filter(|c| *c != ' ').collect();
    if password.len() != PASSWORD_CHARS {
        return Ok(None);
    }
    let Some((record, user)) = app
        .store
        .application_password_by_hash(&hash(&password))
        .await?
    else {
        return Ok(None);
    };
    if !user.email.eq_ignore_ascii_case(username.trim()) {
        return Ok(None);
    }
    let now = app.now();
    let stale = record
        .last_used_at
        .is_none_or(|at| now - at >= USE_RECORDED_EVERY);
    if stale || record.last_used_ip.as_deref() != Some(ip) {
        app.store
            .record_application_password_use(record.id, now, ip)
            .await?;
    }
    Ok(Some(user))
}

fn fresh_password() -> String {
    // 256 is a multiple of none of 62's factors but 2: bytes past the last whole multiple
    // of 62 are skipped so every character is equally likely.
    let mut out = String::with_capacity(PASSWORD_CHARS);
    while out.len() < PASSWORD_CHARS {
        for byte in random_bytes::<32>() {
            if out.len() == PASSWORD_CHARS {
                break;
            }
            if usize::from(byte) < 62 * 4 {
                out.push(char::from(ALPHABET[usize::from(byte) % 62]));
            }
        }
    }
    out
}

fn hash(password: &str) -> String {
    sha256_hex(password)
}

fn grouped(password: &str) -> String {
    password
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_24_characters_of_the_alphabet_and_differ() {
        let one = fresh_password();
        let two = fresh_password();
        assert_eq!(one.len(), PASSWORD_CHARS);
        assert!(one.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(one, two);
    }

    #[test]
    fn shown_in_groups_of_four() {
        assert_eq!(
            grouped("abcdEFGH1234ijklMNOP5678"),
            "abcd EFGH 1234 ijkl MNOP 5678"
        );
    }
}
