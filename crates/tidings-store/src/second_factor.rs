//! Second factors: a person's one-time-code secret with the last step it was used for, and
//! their recovery codes (hashes, each spent once). Every statement here is the same in both
//! dialects, and each spend is one conditional `UPDATE`, so two nodes given the same code
//! at once let only one sign in.

use crate::database::{SqlStore, statement};
use crate::rows::{Columns, timestamp};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::UserId;
use time::OffsetDateTime;

#[async_trait]
pub trait SecondFactorStore: Send + Sync {
    /// The person's one-time-code secret and the last step a code was accepted for.
    async fn totp_of(&self, user: UserId) -> StoreResult<Option<(String, i64)>>;
    /// Turns one-time codes on with `secret`, replacing the recovery codes with
    /// `recovery_hashes`, in one transaction; or, with `None`, turns them off and forgets
    /// the recovery codes.
    async fn set_totp(
        &self,
        user: UserId,
        secret: Option<&str>,
        recovery_hashes: &[String],
    ) -> StoreResult<()>;
    /// Records that a code for `step` was accepted: `false` when that step (or a later one)
    /// was used already, so the code is refused.
    async fn spend_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool>;
    /// Spends the unused recovery code with this hash: `false` when there is none.
    async fn spend_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool>;
    async fn unused_recovery_codes(&self, user: UserId) -> StoreResult<u64>;
    /// The people who have a second factor: one-time codes or a passkey.
    async fn users_with_second_factor(&self) -> StoreResult<Vec<UserId>>;
    /// Whether `user` has a second factor (one-time codes or a passkey), in one read: the
    /// admin's guard asks on every request while the site requires one.
    async fn has_second_factor(&self, user: UserId) -> StoreResult<bool>;
    /// Forgets every second factor a person has (one-time codes, recovery codes, passkeys)
    /// in one transaction: `false` when they had none.
    async fn forget_second_factors(&self, user: UserId) -> StoreResult<bool>;
}

#[async_trait]
impl SecondFactorStore for SqlStore {
    async fn totp_of(&self, user: UserId) -> StoreResult<Option<(String, i64)>> {
        let Some(row) = self
            .fetch_optional(statement!(
                "SELECT totp_secret, totp_last_step FROM users
                  WHERE id = ? AND totp_secret IS NOT NULL",
                user.0
            ))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            row.text("totp_secret")?,
            row.integer("totp_last_step")?,
        )))
    }

    async fn set_totp(
        &self,
        user: UserId,
        secret: Option<&str>,
        recovery_hashes: &[String],
    ) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        let changed = transaction
            .execute(statement!(
                "UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ?",
                secret.map(str::to_owned),
                user.0,
            ))
            .await?;
        if changed == 0 {
            return Err(StoreError::Other(format!("there is no user {}", user.0)));
        }
        transaction
            .execute(statement!(
                "DELETE FROM recovery_codes WHERE user_id = ?",
                user.0
            ))
            .await?;
        if secret.is_some() {
            for hash in recovery_hashes {
                transaction
                    .execute(statement!(
                        "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)",
                        user.0,
                        hash,
                    ))
                    .await?;
            }
        }
        transaction.commit().await
    }

    async fn spend_totp_step(&self, user: UserId, step: i64) -> StoreResult<bool> {
        let changed = self
            .execute(statement!(
                "UPDATE users SET totp_last_step = ?
                  WHERE id = ? AND totp_secret IS NOT NULL AND totp_last_step < ?",
                step,
                user.0,
                step,
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn spend_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self
            .execute(statement!(
                "UPDATE recovery_codes SET used_at = ?
                  WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                timestamp(now),
                user.0,
                code_hash,
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn unused_recovery_codes(&self, user: UserId) -> StoreResult<u64> {
        let count = self
            .fetch_one(statement!(
                "SELECT COUNT(*) AS unused FROM recovery_codes
                  WHERE user_id = ? AND used_at IS NULL",
                user.0
            ))
            .await?
            .integer("unused")?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn forget_second_factors(&self, user: UserId) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        let codes = transaction
            .execute(statement!(
                "UPDATE users SET totp_secret = NULL, totp_last_step = 0
                  WHERE id = ? AND totp_secret IS NOT NULL",
                user.0
            ))
            .await?;
        transaction
            .execute(statement!(
                "DELETE FROM recovery_codes WHERE user_id = ?",
                user.0
            ))
            .await?;
        let passkeys = transaction
            .execute(statement!("DELETE FROM passkeys WHERE user_id = ?", user.0))
            .await?;
        transaction.commit().await?;
        Ok(codes + passkeys > 0)
    }

    async fn users_with_second_factor(&self) -> StoreResult<Vec<UserId>> {
        self.fetch_all(statement!(
            "SELECT id FROM users
              WHERE totp_secret IS NOT NULL
                 OR EXISTS (SELECT 1 FROM passkeys WHERE passkeys.user_id = users.id)
              ORDER BY id"
        ))
        .await?
        .iter()
        .map(|row| row.integer("id").map(UserId))
        .collect()
    }

    async fn has_second_factor(&self, user: UserId) -> StoreResult<bool> {
        Ok(self
            .fetch_optional(statement!(
                "SELECT id FROM users
                  WHERE id = ?
                    AND (totp_secret IS NOT NULL
                         OR EXISTS (SELECT 1 FROM passkeys WHERE passkeys.user_id = users.id))",
                user.0
            ))
            .await?
            .is_some())
    }
}
