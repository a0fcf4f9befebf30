//! The discussion's own bookkeeping: the spam filter's word counts and readers' reports.

use crate::database::{Dialect, SqlStore, statement};
use crate::records::Refusal;
use crate::rows::{Columns, timestamp, token_counts};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use std::collections::HashMap;
use tidings_domain::CommentId;
use tidings_domain::spam_filter::{self, Label, TokenCounts};
use time::OffsetDateTime;

#[async_trait]
pub trait DiscussionStore: Send + Sync {
    /// Training counts of these tokens (and of `spam_filter::DOCUMENTS`); tokens never
    /// seen may be missing.
    async fn spam_token_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<HashMap<String, TokenCounts>>;
    /// Teaches the filter that comment `id` (whose tokens these are) is `label`, first
    /// unteaching what it learnt from it before, in one transaction; `None` unteaches only.
    async fn train_spam_filter(
        &self,
        id: CommentId,
        tokens: &[String],
        label: Option<Label>,
    ) -> StoreResult<()>;
    /// Records a report unless `ip` already sent `max_per_ip` since `since`.
    async fn record_report(
        &self,
        comment_id: CommentId,
        reason: &str,
        ip: &str,
        at: OffsetDateTime,
        since: OffsetDateTime,
        max_per_ip: u32,
    ) -> StoreResult<Result<(), Refusal>>;
}

/// The tokens and the document counter, sorted (so two trainings take rows in one order
/// and cannot deadlock), as the JSON array both dialects unpack.
fn token_list(tokens: &[String]) -> StoreResult<String> {
    let mut all: Vec<&str> = tokens.iter().map(String::as_str).collect();
    all.push(spam_filter::DOCUMENTS);
    all.sort_unstable();
    all.dedup();
    serde_json::to_string(&all).map_err(|error| StoreError::Other(error.to_string()))
}

#[async_trait]
impl DiscussionStore for SqlStore {
    async fn spam_token_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<HashMap<String, TokenCounts>> {
        // Each dialect unpacks a JSON array with its own function.
        let sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT token, spam, ham FROM spam_tokens
                 WHERE token IN (SELECT value FROM json_each(?))"
            }
            Dialect::Postgres => {
                "SELECT token, spam, ham FROM spam_tokens
                 WHERE token IN (SELECT json_array_elements_text(?::json))"
            }
        };
        let rows = self.fetch_all(statement!(sql, token_list(tokens)?)).await?;
        let counts = rows
            .iter()
            .map(|row| {
                Ok((
                    row.text("token")?,
                    row.integer("spam")?,
                    row.integer("ham")?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(token_counts(counts))
    }

    async fn train_spam_filter(
        &self,
        id: CommentId,
        tokens: &[String],
        label: Option<Label>,
    ) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        // On PostgreSQL the row lock makes two moderators acting on one comment at once
        // train it once; SQLite's one writer already takes turns (and has no FOR UPDATE).
        let sql = match transaction.dialect() {
            Dialect::Sqlite => "SELECT trained_as FROM comments WHERE id = ?",
            Dialect::Postgres => "SELECT trained_as FROM comments WHERE id = ? FOR UPDATE",
        };
        let Some(row) = transaction.fetch_optional(statement!(sql, id.0)).await? else {
            return transaction.commit().await;
        };
        let before = row
            .optional_text("trained_as")?
            .as_deref()
            .and_then(Label::parse);
        if before == label {
            return transaction.commit().await;
        }
        let tokens = token_list(tokens)?;
        for (change, delta) in [(before, -1_i64), (label, 1)] {
            let Some(change) = change else { continue };
            let (spam, ham) = match change {
                Label::Spam => (delta, 0_i64),
                Label::Ham => (0, delta),
            };
            // An upsert of every token at once; the dialects differ in how they unpack the
            // JSON array and in the name of the larger-of function.
            let sql = match transaction.dialect() {
                Dialect::Sqlite => {
                    "INSERT INTO spam_tokens (token, spam, ham)
                     SELECT value, MAX(?1, 0), MAX(?2, 0) FROM json_each(?3) WHERE true
                     ON CONFLICT (token) DO UPDATE
                     SET spam = MAX(spam + ?1, 0), ham = MAX(ham + ?2, 0)"
                }
                Dialect::Postgres => {
                    "INSERT INTO spam_tokens (token, spam, ham)
                     SELECT token, GREATEST($1, 0), GREATEST($2, 0)
                     FROM json_array_elements_text($3::json) AS token
                     ON CONFLICT (token) DO UPDATE
                     SET spam = GREATEST(spam_tokens.spam + $1, 0),
                         ham = GREATEST(spam_tokens.ham + $2, 0)"
                }
            };
            transaction
                .execute(statement!(sql, spam, ham, tokens.as_str()))
                .await?;
        }
        transaction
            .execute(statement!(
                "UPDATE comments SET trained_as = ? WHERE id = ?",
                label.map(Label::as_str),
                id.0,
            ))
            .await?;
        transaction.commit().await
    }

    async fn record_report(
        &self,
        comment_id: CommentId,
        reason: &str,
        ip: &str,
        at: OffsetDateTime,
        since: OffsetDateTime,
        max_per_ip: u32,
    ) -> StoreResult<Result<(), Refusal>> {
        let mut transaction = self.begin().await?;
        transaction.serialize_on(&format!("report-ip:{ip}")).await?;
        let sent = transaction
            .fetch_one(statement!(
                "SELECT COUNT(*) AS count FROM comment_reports WHERE ip = ? AND created_at >= ?",
                ip,
                timestamp(since),
            ))
            .await?
            .integer("count")?;
        if sent >= i64::from(max_per_ip) {
            transaction.commit().await?;
            return Ok(Err(Refusal::RateLimited));
        }
        transaction
            .execute(statement!(
                "INSERT INTO comment_reports (comment_id, reason, ip, created_at)
                 VALUES (?, ?, ?, ?)",
                comment_id.0,
                reason,
                ip,
                timestamp(at),
            ))
            .await?;
        transaction.commit().await?;
        Ok(Ok(()))
    }
}
