//! Passkeys: each person's WebAuthn credentials, the handle their passkeys carry, and the
//! challenges of finished ceremonies (each counts once). Every statement here is the same
//! in both dialects.

use crate::database::{SqlStore, statement};
use crate::records::StoredPasskey;
use crate::rows::{Columns, moment, timestamp};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::UserId;
use time::OffsetDateTime;

#[async_trait]
pub trait PasskeyStore: Send + Sync {
    /// The handle a person's passkeys carry, once they have one.
    async fn passkey_handle_of(&self, user: UserId) -> StoreResult<Option<String>>;
    /// Gives `user` the handle `handle` unless they have one already; either way returns
    /// the handle they have now (two first passkeys at once agree on one).
    async fn claim_passkey_handle(&self, user: UserId, handle: &str) -> StoreResult<String>;
    /// The person whose passkeys carry `handle`.
    async fn user_by_passkey_handle(&self, handle: &str) -> StoreResult<Option<UserId>>;
    /// A person's passkeys, oldest first.
    async fn passkeys_of(&self, user: UserId) -> StoreResult<Vec<StoredPasskey>>;
    async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<StoredPasskey>>;
    /// Stores a new passkey; a credential registered already is a `Conflict`.
    async fn insert_passkey(
        &self,
        user: UserId,
        credential_id: &str,
        name: &str,
        credential: &str,
        now: OffsetDateTime,
    ) -> StoreResult<StoredPasskey>;
    /// Notes a sign-in with passkey `id`, with its credential as it is now (its counter).
    async fn record_passkey_use(
        &self,
        id: i64,
        credential: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()>;
    /// Removes one of `user`'s passkeys; `false` when they have none with this id.
    async fn delete_passkey(&self, user: UserId, id: i64) -> StoreResult<bool>;
    /// Gives one of `user`'s passkeys a new name; `false` when they have none with this id.
    async fn rename_passkey(&self, user: UserId, id: i64, name: &str) -> StoreResult<bool>;
    /// Marks a ceremony's challenge as used, forgetting challenges that expired before
    /// `now`: `false` when it was used already.
    async fn spend_challenge(
        &self,
        challenge_hash: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
}

const COLUMNS: &str = "id, user_id, credential_id, name, credential, created_at, last_used_at";

fn passkey_from_row(row: &impl Columns) -> StoreResult<StoredPasskey> {
    Ok(StoredPasskey {
        id: row.integer("id")?,
        user_id: UserId(row.integer("user_id")?),
        credential_id: row.text("credential_id")?,
        name: row.text("name")?,
        credential: row.text("credential")?,
        created_at: moment(row.integer("created_at")?)?,
        last_used_at: row
            .optional_integer("last_used_at")?
            .map(moment)
            .transpose()?,
    })
}

#[async_trait]
impl PasskeyStore for SqlStore {
    async fn passkey_handle_of(&self, user: UserId) -> StoreResult<Option<String>> {
        Ok(self
            .fetch_optional(statement!(
                "SELECT passkey_handle FROM users WHERE id = ?",
                user.0
            ))
            .await?
            .map(|row| row.optional_text("passkey_handle"))
            .transpose()?
            .flatten())
    }

    async fn claim_passkey_handle(&self, user: UserId, handle: &str) -> StoreResult<String> {
        self.execute(statement!(
            "UPDATE users SET passkey_handle = ? WHERE id = ? AND passkey_handle IS NULL",
            handle,
            user.0,
        ))
        .await?;
        self.passkey_handle_of(user)
            .await?
            .ok_or_else(|| StoreError::Other(format!("there is no user {}", user.0)))
    }

    async fn user_by_passkey_handle(&self, handle: &str) -> StoreResult<Option<UserId>> {
        self.fetch_optional(statement!(
            "SELECT id FROM users WHERE passkey_handle = ?",
            handle
        ))
        .await?
        .map(|row| row.integer("id").map(UserId))
        .transpose()
    }

    async fn passkeys_of(&self, user: UserId) -> StoreResult<Vec<StoredPasskey>> {
        self.fetch_all(statement!(
            format!("SELECT {COLUMNS} FROM passkeys WHERE user_id = ? ORDER BY id"),
            user.0
        ))
        .await?
        .iter()
        .map(passkey_from_row)
        .collect()
    }

    async fn passkey_by_credential_id(
        &self,
        credential_id: &str,
    ) -> StoreResult<Option<StoredPasskey>> {
        self.fetch_optional(statement!(
            format!("SELECT {COLUMNS} FROM passkeys WHERE credential_id = ?"),
            credential_id
        ))
        .await?
        .as_ref()
        .map(passkey_from_row)
        .transpose()
    }

    async fn insert_passkey(
        &self,
        user: UserId,
        credential_id: &str,
        name: &str,
        credential: &str,
        now: OffsetDateTime,
    ) -> StoreResult<StoredPasskey> {
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                format!(
                    "INSERT INTO passkeys (user_id, credential_id, name, credential, created_at)
                     VALUES (?, ?, ?, ?, ?) RETURNING {COLUMNS}"
                ),
                user.0,
                credential_id,
                name,
                credential,
                timestamp(now),
            ))
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        let passkey = passkey_from_row(&row)?;
        transaction.commit().await?;
        Ok(passkey)
    }

    async fn record_passkey_use(
        &self,
        id: i64,
        credential: &str,
        now: OffsetDateTime,
    ) -> StoreResult<()> {
        self.execute(statement!(
            "UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?",
            credential,
            timestamp(now),
            id,
        ))
        .await?;
        Ok(())
    }

    async fn delete_passkey(&self, user: UserId, id: i64) -> StoreResult<bool> {
        let deleted = self
            .execute(statement!(
                "DELETE FROM passkeys WHERE id = ? AND user_id = ?",
                id,
                user.0
            ))
            .await?;
        Ok(deleted > 0)
    }

    async fn rename_passkey(&self, user: UserId, id: i64, name: &str) -> StoreResult<bool> {
        let renamed = self
            .execute(statement!(
                "UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ?",
                name,
                id,
                user.0
            ))
            .await?;
        Ok(renamed > 0)
    }

    async fn spend_challenge(
        &self,
        challenge_hash: &str,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        self.execute(statement!(
            "DELETE FROM spent_challenges WHERE expires_at < ?",
            timestamp(now)
        ))
        .await?;
        let inserted = self
            .execute(statement!(
                "INSERT INTO spent_challenges (challenge_hash, expires_at) VALUES (?, ?)
                 ON CONFLICT (challenge_hash) DO NOTHING",
                challenge_hash,
                timestamp(expires_at),
            ))
            .await?;
        Ok(inserted > 0)
    }
}
