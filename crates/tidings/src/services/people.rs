//! The people who run the site: invitations, roles, deactivation, and passwords chosen
//! through a signed link (an invitation's first one, or a forgotten one's replacement).
//!
//! A password link names the account and its expiry and is signed together with a digest
//! of the account's password hash: choosing a password changes the hash, so the link works
//! once, and a link for an old password is worthless. No token is stored.

use crate::app::App;
use crate::security::{hash_password, random_token, sha256_hex};
use crate::services::access::{self, Forbidden};
use crate::services::accounts::{AccountError, NewAccount, add_user};
use crate::services::notify;
use tidings_domain::email::normalise_email;
use tidings_domain::user::check_password;
use tidings_domain::{Capability, Role, User, UserId};
use tidings_store::StoreError;
use time::{Duration, OffsetDateTime};

/// How long an invitation's link works.
pub const INVITATION_DAYS: u32 = 7;
/// How long a lost password's link works.
pub const RESET_HOURS: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    /// A field and its message.
    #[error("{1}")]
    Invalid(&'static str, String),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// The account exists; its invitation mail could not be queued (a full disk).
    #[error(
        "The account of {0} is made, but the invitation mail could not be queued. Use “Send the invitation again” once the server's disk has room."
    )]
    MailNotQueued(String),
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<AccountError> for PeopleError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Invalid(field, message) => PeopleError::Invalid(field, message),
            AccountError::Store(error) => PeopleError::Store(error),
            other => PeopleError::Other(anyhow::anyhow!(other.to_string())),
        }
    }
}

/// What a password link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::Reset => "reset",
        }
    }

    pub fn parse(value: &str) -> Option<Purpose> {
        match value {
            "invitation" => Some(Purpose::Invitation),
            "reset" => Some(Purpose::Reset),
            _ => None,
        }
    }
}

fn link_message(purpose: Purpose, user: &User, expires: i64) -> String {
    format!(
        "password:{}:{}:{expires}:{}",
        purpose.as_str(),
        user.id,
        sha256_hex(&user.password_hash)
    )
}

fn password_link(app: &App, purpose: Purpose, user: &User, expires: OffsetDateTime) -> String {
    let expires = expires.unix_timestamp();
    let signature = app.signer.sign(&link_message(purpose, user, expires));
    format!(
        "{}/admin/password?for={}&user={}&expires={expires}&signature={signature}",
        app.config.base_url(),
        purpose.as_str(),
        user.id
    )
}

/// Invites someone: their account is made at once with the role chosen and a password no
/// one knows, and they get a mail with a link to choose their name and password.
pub async fn invite(
    app: &App,
    actor: &User,
    email: &str,
    name: &str,
    role: Role,
) -> Result<User, PeopleError> {
    access::require(actor, Capability::ManageUsers)?;
    let account = NewAccount {
        email: email.to_owned(),
        display_name: name.to_owned(),
        role,
        // Unguessable and unknown: the invited person chooses theirs through the link.
        password: format!("{}-{}", random_token(), random_token()),
    };
    let user = add_user(app, account).await?;
    send_invitation(app, actor, &user).await?;
    Ok(user)
}

/// Mails `user` an invitation with a new link (when the first mail never arrived); the
/// links sent before stay valid until one of them is used.
pub async fn resend_invitation(app: &App, actor: &User, user: UserId) -> Result<User, PeopleError> {
    access::require(actor, Capability::ManageUsers)?;
    let user = app
        .store
        .user_by_id(user)
        .await?
        .filter(|user| !user.deactivated)
        .ok_or(PeopleError::NotFound)?;
    send_invitation(app, actor, &user).await?;
    Ok(user)
}

async fn send_invitation(app: &App, actor: &User, user: &User) -> Result<(), PeopleError> {
    let role = user.role;
    let expires = app.now() + Duration::days(i64::from(INVITATION_DAYS));
    let article = match role {
        Role::Administrator | Role::Editor | Role::Author => "an",
        Role::Contributor => "a",
    };
    let mail = crate::render::views::mail::InvitationMail {
        site: app.site_view(),
        inviter: actor.display_name.clone(),
        role: format!("{article} {}", role.label().to_lowercase()),
        link: password_link(app, Purpose::Invitation, user, expires),
        valid_days: INVITATION_DAYS,
    };
    notify::send_mail_or_say(app, &user.email, "invitation", &mail)
        .await
        .map_err(|error| {
            tracing::error!(
                error = format!("{error:#}"),
                "an invitation could not be queued"
            );
            PeopleError::MailNotQueued(user.display_name.clone())
        })
}

/// Gives someone else another role. One's own role stays (an administrator cannot lock
/// the site out of its settings by accident).
pub async fn change_role(
    app: &App,
    actor: &User,
    user: UserId,
    role: Role,
) -> Result<(), PeopleError> {
    access::require(actor, Capability::ManageUsers)?;
    if user == actor.id {
        return Err(PeopleError::Invalid(
            "role",
            "You cannot change your own role; another administrator can.".into(),
        ));
    }
    if !app.store.set_role(user, role).await? {
        return Err(PeopleError::NotFound);
    }
    Ok(())
}

/// Deactivates someone (signed out everywhere at once; their articles stay) or makes
/// them active again.
pub async fn set_active(
    app: &App,
    actor: &User,
    user: UserId,
    active: bool,
) -> Result<(), PeopleError> {
    access::require(actor, Capability::ManageUsers)?;
    if user == actor.id {
        return Err(PeopleError::Invalid(
            "active",
            "You cannot deactivate your own account.".into(),
        ));
    }
    if !app.store.set_deactivated(user, !active, app.now()).await? {
        return Err(PeopleError::NotFound);
    }
    Ok(())
}

/// "Lost your password?": mails a link to choose a new one when the address has an
/// active account. The caller shows the same answer either way.
pub async fn request_password_reset(app: &App, email: &str) -> Result<(), PeopleError> {
    let email = normalise_email(email);
    let Some(user) = app.store.user_by_email(&email).await? else {
        return Ok(());
    };
    if user.deactivated {
        return Ok(());
    }
    let expires = app.now() + Duration::hours(i64::from(RESET_HOURS));
    let mail = crate::render::views::mail::PasswordResetMail {
        site: app.site_view(),
        name: user.display_name.clone(),
        link: password_link(app, Purpose::Reset, &user, expires),
        valid_hours: RESET_HOURS,
    };
    notify::send_mail(app, &user.email, "password_reset", &mail, None).await;
    Ok(())
}

/// Why a password link does not open.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("This link has expired. Ask for a new one.")]
    Expired,
    #[error("This link was used already, or it is not complete. Ask for a new one.")]
    Spent,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The account a password link is for, while it is valid.
pub async fn link_account(
    app: &App,
    purpose: Purpose,
    user: &str,
    expires: &str,
    signature: &str,
) -> Result<User, LinkError> {
    let (Ok(user), Ok(expires)) = (user.parse::<i64>(), expires.parse::<i64>()) else {
        return Err(LinkError::Spent);
    };
    let Some(account) = app.store.user_by_id(UserId(user)).await? else {
        return Err(LinkError::Spent);
    };
    if account.deactivated
        || !app
            .signer
            .verify(&link_message(purpose, &account, expires), signature)
    {
        return Err(LinkError::Spent);
    }
    if app.now().unix_timestamp() > expires {
        return Err(LinkError::Expired);
    }
    Ok(account)
}

/// Sets the password (and, from an invitation, the name) chosen through a valid link; the
/// link is spent by it, and any session of the account ends.
pub async fn choose_password(
    app: &App,
    account: &User,
    name: Option<&str>,
    password: &str,
) -> Result<(), PeopleError> {
    let name = match name {
        Some(typed) => {
            let cleaned = tidings_domain::text::clean_line(typed);
            if tidings_domain::text::is_invisible_text(&cleaned)
                || cleaned.chars().count() > tidings_domain::user::MAX_NAME_CHARS
            {
                return Err(PeopleError::Invalid(
                    "name",
                    "Please enter a name of 1 to 100 characters.".into(),
                ));
            }
            Some(cleaned)
        }
        None => None,
    };
    let shown_name = name.as_deref().unwrap_or(&account.display_name);
    check_password(password, &[&account.email, shown_name])
        .map_err(|message| PeopleError::Invalid("password", message))?;
    let hash = hash_password(password.to_owned(), app.password_cost).await?;
    let replaced = app
        .store
        .replace_password(account.id, &account.password_hash, &hash, name.as_deref())
        .await?;
    if !replaced {
        return Err(PeopleError::Invalid(
            "password",
            "This link was used already. Ask for a new one.".into(),
        ));
    }
    Ok(())
}

/// Whether anyone may see this person through the APIs: they have a published article, as
/// WordPress lists only the authors of published posts.
pub async fn has_published(app: &App, id: tidings_domain::UserId) -> Result<bool, StoreError> {
    let first = tidings_store::Page { number: 1, size: 1 };
    let published = app.store.published_by(id, app.now(), first).await?;
    Ok(!published.items.is_empty())
}
