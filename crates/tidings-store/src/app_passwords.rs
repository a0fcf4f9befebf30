//! Application passwords: one per script or app a person lets act for them, kept as a hash.
//! Every statement here is the same in both dialects.

use crate::accounts::USER_COLUMNS_OF_U;
use crate::database::{SqlStore, statement};
use crate::records::ApplicationPassword;
use crate::rows::{Columns, moment, timestamp, user_from_row};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::{User, UserId};
use time::OffsetDateTime;

#[async_trait]
pub trait AppPasswordStore: Send + Sync {
    /// Stores a new application password's hash under `name` for `user`.
    async fn insert_application_password(
        &self,
        user: UserId,
        name: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<ApplicationPassword>;
    /// A person's application passwords, newest first.
    async fn application_passwords_of(&self, user: UserId)
    -> StoreResult<Vec<ApplicationPassword>>;
    /// The password with this hash and its account, if the account is active.
    async fn application_password_by_hash(
        &self,
        password_hash: &str,
    ) -> StoreResult<Option<(ApplicationPassword, User)>>;
    /// Notes when and from where a password was last used.
    async fn record_application_password_use(
        &self,
        id: i64,
        at: OffsetDateTime,
        ip: &str,
    ) -> StoreResult<()>;
    /// Revokes one of `user`'s passwords; `false` when they have none with this id.
    async fn revoke_application_password(&self, user: UserId, id: i64) -> StoreResult<bool>;
}

const COLUMNS: &str = "a.id AS password_id, a.user_id, a.name, a.created_at, a.last_used_at, \
                       a.last_used_ip";

fn password_from_row(row: &impl Columns) -> StoreResult<ApplicationPassword> {
    Ok(ApplicationPassword {
        id: row.integer("password_id")?,
        user_id: UserId(row.integer("user_id")?),
        name: row.text("name")?,
        created_at: moment(row.integer("created_at")?)?,
        last_used_at: row
            .optional_integer("last_used_at")?
            .map(moment)
            .transpose()?,
        last_used_ip: row.optional_text("last_used_ip")?,
    })
}

#[async_trait]
impl AppPasswordStore for SqlStore {
    async fn insert_application_password(
        &self,
        user: UserId,
        name: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<ApplicationPassword> {
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                "INSERT INTO application_passwords (user_id, name, password_hash, created_at)
                 VALUES (?, ?, ?, ?) RETURNING id",
                user.0,
                name,
                password_hash,
                timestamp(now),
            ))
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        transaction.commit().await?;
        Ok(ApplicationPassword {
            id: row.integer("id")?,
            user_id: user,
            name: name.to_owned(),
            created_at: now,
            last_used_at: None,
            last_used_ip: None,
        })
    }

    async fn application_passwords_of(
        &self,
        user: UserId,
    ) -> StoreResult<Vec<ApplicationPassword>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM application_passwords a WHERE a.user_id = ? ORDER BY a.id DESC"
        );
        self.fetch_all(statement!(sql, user.0))
            .await?
            .iter()
            .map(password_from_row)
            .collect()
    }

    async fn application_password_by_hash(
        &self,
        password_hash: &str,
    ) -> StoreResult<Option<(ApplicationPassword, User)>> {
        let sql = format!(
            "SELECT {COLUMNS}, {USER_COLUMNS_OF_U}
             FROM application_passwords a JOIN users u ON u.id = a.user_id
             WHERE a.password_hash = ? AND u.deactivated_at IS NULL"
        );
        let Some(row) = self.fetch_optional(statement!(sql, password_hash)).await? else {
            return Ok(None);
        };
        Ok(Some((password_from_row(&row)?, user_from_row(&row)?)))
    }

    async fn record_application_password_use(
        &self,
        id: i64,
        at: OffsetDateTime,
        ip: &str,
    ) -> StoreResult<()> {
        self.execute(statement!(
            "UPDATE application_passwords SET last_used_at = ?, last_used_ip = ? WHERE id = ?",
            timestamp(at),
            ip,
            id,
        ))
        .await?;
        Ok(())
    }

    async fn revoke_application_password(&self, user: UserId, id: i64) -> StoreResult<bool> {
        let done = self
            .execute(statement!(
                "DELETE FROM application_passwords WHERE id = ? AND user_id = ?",
                id,
                user.0,
            ))
            .await?;
        Ok(done > 0)
    }
}
