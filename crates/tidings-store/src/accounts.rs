//! The people who run the site: accounts, sessions, and the sign-in throttle's record of
//! failures. Every statement here is the same in both dialects.

use crate::database::{SqlStore, statement};
use crate::records::{Attempts, FailedLogins, NewUser, Session};
use crate::rows::{Columns, attempts, session_from_row, timestamp, to_u64, user_from_row};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::email::email_key;
use tidings_domain::{Role, Slug, User, UserId};
use time::OffsetDateTime;

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Inserts a user; a taken email is a `Conflict { what: "email" }`.
    async fn insert_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<User>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The account of this email, in any case.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn count_users(&self) -> StoreResult<u64>;
    /// Every account, oldest first: the people who run the site and moderate it.
    async fn all_users(&self) -> StoreResult<Vec<User>>;
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// Gives an account another role; `false` when it does not exist.
    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<bool>;
    /// Deactivates an account (its sessions end in the same transaction) or makes it
    /// active again; `false` when it does not exist.
    async fn set_deactivated(
        &self,
        id: UserId,
        deactivated: bool,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Replaces an account's password hash (and, when given, its name) and ends its
    /// sessions; `false` when it does not exist or its hash is no longer `expected`, so a
    /// link bound to the old password works once.
    async fn replace_password(
        &self,
        id: UserId,
        expected: &str,
        new_hash: &str,
        display_name: Option<&str>,
    ) -> StoreResult<bool>;
    /// The session and its user, if the session exists and has not expired at `now`.
    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Records a failed sign-in; `device` is the key of a browser the account signed in
    /// with before, or "" for any other browser.
    async fn record_failed_login(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Failed sign-ins since `since`: for the account and for the IP address from unknown
    /// browsers, and from the browser with this `device` key (when not "").
    async fn failed_logins_since(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        since: OffsetDateTime,
    ) -> StoreResult<FailedLogins>;
    /// Forgets the failed sign-ins of one known browser, after it signed in.
    async fn clear_failed_logins(&self, device: &str) -> StoreResult<()>;
    /// Notes that `user` signed in at `now`; `true` when they had signed in before.
    async fn record_sign_in(&self, user: UserId, now: OffsetDateTime) -> StoreResult<bool>;
    /// A person's sessions that have not run out, newest first.
    async fn sessions_of(&self, user: UserId, now: OffsetDateTime) -> StoreResult<Vec<Session>>;
    /// Ends every session of `user` but the one with `keep`'s token hash (if given);
    /// returns how many ended.
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> StoreResult<u64>;
    /// Ends the session of `user` whose [`Session::public_id`] is `public_id`.
    async fn delete_session_of(&self, user: UserId, public_id: &str) -> StoreResult<bool>;
}

const USER_COLUMNS: &str = "id, email, display_name, role, password_hash, deactivated_at";
/// The same, from a join where the users table is `u`.
pub(crate) const USER_COLUMNS_OF_U: &str =
    "u.id, u.email, u.display_name, u.role, u.password_hash, u.deactivated_at";

pub(crate) const SESSION: &str =
    "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.ip,
            s.user_agent, u.id, u.email, u.display_name, u.role, u.password_hash, u.deactivated_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ? AND u.deactivated_at IS NULL";

/// Failures in one allowance: how many since a moment, and the oldest of them.
const FAILED: &str = "SELECT a.n AS account, a.oldest AS account_oldest,
        i.n AS ip, i.oldest AS ip_oldest, d.n AS device, d.oldest AS device_oldest
     FROM (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
            WHERE email = ? AND device = '' AND at >= ?) a,
          (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
            WHERE ip = ? AND device = '' AND at >= ?) i,
          (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
            WHERE device = ? AND device <> '' AND at >= ?) d";

#[async_trait]
impl AccountStore for SqlStore {
    async fn insert_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<User> {
        let mut transaction = self.begin().await?;
        // The author page's slug comes from the name; a taken one gets the first free -N.
        let base = Slug::from_title(&user.display_name)
            .or_else(|| Slug::parse("author"))
            .ok_or_else(|| StoreError::Other("no slug for an author".into()))?;
        let mut attempt = 1;
        let row = loop {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                base.with_suffix(attempt)
            };
            let insert = statement!(
                "INSERT INTO users (email, display_name, role, password_hash, created_at, slug)
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                &user.email,
                &user.display_name,
                user.role.as_str(),
                &user.password_hash,
                timestamp(now),
                slug.as_str(),
            );
            match transaction.attempt(insert).await {
                Ok(Some(row)) => break row,
                Ok(None) => return Err(StoreError::Other("insert returned no row".into())),
                Err(StoreError::Conflict { what: "slug" }) if attempt < 1000 => attempt += 1,
                Err(other) => return Err(other),
            }
        };
        transaction.commit().await?;
        Ok(User {
            id: UserId(row.integer("id")?),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            password_hash: user.password_hash.clone(),
            deactivated: false,
        })
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
        self.fetch_optional(statement!(sql, id.0))
            .await?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE lower(email) = ?");
        self.fetch_optional(statement!(sql, email_key(email)))
            .await?
            .as_ref()
            .map(user_from_row)
            .transpose()
    }

    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<bool> {
        let changed = self
            .execute(statement!(
                "UPDATE users SET role = ? WHERE id = ?",
                role.as_str(),
                id.0
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn set_deactivated(
        &self,
        id: UserId,
        deactivated: bool,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        let changed = transaction
            .execute(statement!(
                "UPDATE users SET deactivated_at = ? WHERE id = ?",
                deactivated.then(|| timestamp(now)),
                id.0
            ))
            .await?;
        if deactivated {
            transaction
                .execute(statement!("DELETE FROM sessions WHERE user_id = ?", id.0))
                .await?;
        }
        transaction.commit().await?;
        Ok(changed > 0)
    }

    async fn replace_password(
        &self,
        id: UserId,
        expected: &str,
        new_hash: &str,
        display_name: Option<&str>,
    ) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        let changed = transaction
            .execute(statement!(
                "UPDATE users SET password_hash = ?,
                        display_name = COALESCE(?, display_name)
                  WHERE id = ? AND password_hash = ?",
                new_hash,
                display_name,
                id.0,
                expected
            ))
            .await?;
        if changed > 0 {
            transaction
                .execute(statement!("DELETE FROM sessions WHERE user_id = ?", id.0))
                .await?;
        }
        transaction.commit().await?;
        Ok(changed > 0)
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let row = self
            .fetch_one(statement!("SELECT COUNT(*) AS count FROM users"))
            .await?;
        Ok(to_u64(row.integer("count")?))
    }

    async fn all_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
        self.fetch_all(statement!(sql))
            .await?
            .iter()
            .map(user_from_row)
            .collect()
    }

    async fn insert_session(&self, session: &Session) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        // Sign-in is a fine moment to forget sessions that ran out.
        transaction
            .execute(statement!(
                "DELETE FROM sessions WHERE expires_at < ?",
                timestamp(session.created_at)
            ))
            .await?;
        transaction
            .execute(statement!(
                "INSERT INTO sessions
                    (token_hash, user_id, csrf_token, created_at, expires_at, ip, user_agent)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                &session.token_hash,
                session.user_id.0,
                &session.csrf_token,
                timestamp(session.created_at),
                timestamp(session.expires_at),
                &session.ip,
                &session.user_agent,
            ))
            .await?;
        transaction.commit().await
    }

    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, User)>> {
        let Some(row) = self
            .fetch_optional(statement!(SESSION, token_hash, timestamp(now)))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((session_from_row(&row)?, user_from_row(&row)?)))
    }

    async fn record_sign_in(&self, user: UserId, now: OffsetDateTime) -> StoreResult<bool> {
        let again = self
            .execute(statement!(
                "UPDATE users SET last_sign_in_at = ?
                  WHERE id = ? AND last_sign_in_at IS NOT NULL",
                timestamp(now),
                user.0,
            ))
            .await?;
        if again > 0 {
            return Ok(true);
        }
        self.execute(statement!(
            "UPDATE users SET last_sign_in_at = ? WHERE id = ?",
            timestamp(now),
            user.0,
        ))
        .await?;
        Ok(false)
    }

    async fn sessions_of(&self, user: UserId, now: OffsetDateTime) -> StoreResult<Vec<Session>> {
        self.fetch_all(statement!(
            "SELECT token_hash, user_id, csrf_token, created_at, expires_at, ip, user_agent
               FROM sessions WHERE user_id = ? AND expires_at > ?
              ORDER BY created_at DESC, token_hash",
            user.0,
            timestamp(now),
        ))
        .await?
        .iter()
        .map(session_from_row)
        .collect()
    }

    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> StoreResult<u64> {
        self.execute(statement!(
            "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
            user.0,
            keep.unwrap_or(""),
        ))
        .await
    }

    async fn delete_session_of(&self, user: UserId, public_id: &str) -> StoreResult<bool> {
        if public_id.len() != 16 {
            return Ok(false);
        }
        let ended = self
            .execute(statement!(
                "DELETE FROM sessions WHERE user_id = ? AND substr(token_hash, 1, 16) = ?",
                user.0,
                public_id,
            ))
            .await?;
        Ok(ended > 0)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.execute(statement!(
            "DELETE FROM sessions WHERE token_hash = ?",
            token_hash
        ))
        .await?;
        Ok(())
    }

    async fn record_failed_login(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        // Only the last day matters to the throttle; older rows would only grow the table.
        transaction
            .execute(statement!(
                "DELETE FROM failed_logins WHERE at < ?",
                timestamp(at) - 86_400
            ))
            .await?;
        transaction
            .execute(statement!(
                "INSERT INTO failed_logins (email, ip, device, at) VALUES (?, ?, ?, ?)",
                email_key(email),
                ip,
                device,
                timestamp(at),
            ))
            .await?;
        transaction.commit().await
    }

    async fn failed_logins_since(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        since: OffsetDateTime,
    ) -> StoreResult<FailedLogins> {
        let since = timestamp(since);
        let row = self
            .fetch_one(statement!(
                FAILED,
                email_key(email),
                since,
                ip,
                since,
                device,
                since
            ))
            .await?;
        let allowance = |count: &str, oldest: &str| -> StoreResult<Attempts> {
            attempts(row.integer(count)?, row.optional_integer(oldest)?)
        };
        Ok(FailedLogins {
            account: allowance("account", "account_oldest")?,
            ip: allowance("ip", "ip_oldest")?,
            device: allowance("device", "device_oldest")?,
        })
    }

    async fn clear_failed_logins(&self, device: &str) -> StoreResult<()> {
        if device.is_empty() {
            return Ok(());
        }
        self.execute(statement!(
            "DELETE FROM failed_logins WHERE device = ?",
            device
        ))
        .await?;
        Ok(())
    }
}
