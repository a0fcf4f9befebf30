//! Webhooks and their deliveries: a queue in the database that every node takes from, a
//! row at a time, under a lease.

use crate::database::{Dialect, SqlStore, Statement, Value, statement};
use crate::records::{Delivery, DeliveryLog, DeliveryOutcome, Webhook};
use crate::rows::{Columns, moment, timestamp};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn insert_webhook(
        &self,
        url: &str,
        events: &[&str],
        secret: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Webhook>;
    /// Every webhook, oldest first.
    async fn webhooks(&self) -> StoreResult<Vec<Webhook>>;
    async fn webhook_by_id(&self, id: i64) -> StoreResult<Option<Webhook>>;
    /// Deletes a webhook and its deliveries; `false` when there was none.
    async fn delete_webhook(&self, id: i64) -> StoreResult<bool>;
    /// Queues `event` for every webhook that subscribed to it; how many deliveries that
    /// made. `subject` ("article:12") keeps one subject's deliveries in order.
    async fn enqueue_webhook_event(
        &self,
        event: &str,
        subject: &str,
        payload: &str,
        now: OffsetDateTime,
    ) -> StoreResult<u64>;
    /// Takes up to `limit` due deliveries for this node until `lease_until`: each is taken
    /// by one node, and only when no older delivery of its hook and subject is pending.
    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>>;
    /// Records an attempt and what follows: delivered, tried again at a moment, or given up.
    async fn record_delivery_attempt(
        &self,
        id: i64,
        at: OffsetDateTime,
        outcome: &DeliveryOutcome,
    ) -> StoreResult<()>;
    /// A hook's deliveries, newest first.
    async fn deliveries_of(&self, webhook_id: i64, limit: u32) -> StoreResult<Vec<DeliveryLog>>;
    async fn delivery_by_id(&self, id: i64) -> StoreResult<Option<DeliveryLog>>;
    /// Puts a delivery back in the queue, due now, its attempts counted afresh ("send
    /// again"); `false` when there is none.
    async fn resend_delivery(&self, id: i64, now: OffsetDateTime) -> StoreResult<bool>;
    /// When the longest-waiting pending delivery that is due at `now` fell due: how far the
    /// senders are behind. `None` when nothing due waits.
    async fn oldest_due_delivery(&self, now: OffsetDateTime) -> StoreResult<Option<i64>>;
}

const LOG_COLUMNS: &str = "d.id, d.webhook_id, d.event, d.subject, d.payload, d.status, \
    d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, \
    d.created_at";

fn webhook_from_row(row: &impl Columns) -> StoreResult<Webhook> {
    Ok(Webhook {
        id: row.integer("id")?,
        url: row.text("url")?,
        events: row
            .text("events")?
            .split(',')
            .filter(|event| !event.is_empty())
            .map(str::to_owned)
            .collect(),
        secret: row.text("secret")?,
        created_at: moment(row.integer("created_at")?)?,
    })
}

fn log_from_row(row: &impl Columns) -> StoreResult<DeliveryLog> {
    Ok(DeliveryLog {
        id: row.integer("id")?,
        webhook_id: row.integer("webhook_id")?,
        event: row.text("event")?,
        subject: row.text("subject")?,
        payload: row.text("payload")?,
        status: row.text("status")?,
        attempts: u32::try_from(row.integer("attempts")?).unwrap_or(u32::MAX),
        next_attempt_at: moment(row.integer("next_attempt_at")?)?,
        last_attempt_at: row
            .optional_integer("last_attempt_at")?
            .map(moment)
            .transpose()?,
        last_status_code: row
            .optional_integer("last_status_code")?
            .and_then(|code| u16::try_from(code).ok()),
        last_error: row.text("last_error")?,
        created_at: moment(row.integer("created_at")?)?,
    })
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn insert_webhook(
        &self,
        url: &str,
        events: &[&str],
        secret: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Webhook> {
        let listed = format!(",{},", events.join(","));
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                "INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?)
                 RETURNING id, url, events, secret, created_at",
                url,
                &listed,
                secret,
                timestamp(now),
            ))
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        transaction.commit().await?;
        webhook_from_row(&row)
    }

    async fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        self.fetch_all(statement!(
            "SELECT id, url, events, secret, created_at FROM webhooks ORDER BY id"
        ))
        .await?
        .iter()
        .map(webhook_from_row)
        .collect()
    }

    async fn webhook_by_id(&self, id: i64) -> StoreResult<Option<Webhook>> {
        self.fetch_optional(statement!(
            "SELECT id, url, events, secret, created_at FROM webhooks WHERE id = ?",
            id
        ))
        .await?
        .as_ref()
        .map(webhook_from_row)
        .transpose()
    }

    async fn delete_webhook(&self, id: i64) -> StoreResult<bool> {
        let mut transaction = self.begin().await?;
        transaction
            .execute(statement!(
                "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
                id
            ))
            .await?;
        let deleted = transaction
            .execute(statement!("DELETE FROM webhooks WHERE id = ?", id))
            .await?;
        transaction.commit().await?;
        Ok(deleted > 0)
    }

    async fn enqueue_webhook_event(
        &self,
        event: &str,
        subject: &str,
        payload: &str,
        now: OffsetDateTime,
    ) -> StoreResult<u64> {
        self.execute(statement!(
            "INSERT INTO webhook_deliveries
                 (webhook_id, event, subject, payload, status, attempts, next_attempt_at, created_at)
             SELECT id, ?, ?, ?, 'pending', 0, ?, ? FROM webhooks WHERE events LIKE ?
             ORDER BY id",
            event,
            subject,
            payload,
            timestamp(now),
            timestamp(now),
            format!("%,{event},%"),
        ))
        .await
    }

    async fn claim_deliveries(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Delivery>> {
        // PostgreSQL: rows another node is taking this instant are skipped, not waited on.
        let skip_locked = match self.dialect() {
            Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let claim = Statement {
            sql: format!(
                "UPDATE webhook_deliveries SET claimed_until = ?
                  WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d
                     WHERE d.status = 'pending' AND d.next_attempt_at <= ?
                       AND (d.claimed_until IS NULL OR d.claimed_until <= ?)
                       AND NOT EXISTS (
                           SELECT 1 FROM webhook_deliveries e
                            WHERE e.webhook_id = d.webhook_id AND e.subject = d.subject
                              AND e.id < d.id AND e.status = 'pending')
                     ORDER BY d.id LIMIT ? {skip_locked})
                 RETURNING id"
            )
            .into(),
            values: vec![
                Value::from(timestamp(lease_until)),
                Value::from(timestamp(now)),
                Value::from(timestamp(now)),
                Value::from(i64::from(limit)),
            ],
        };
        let mut transaction = self.begin().await?;
        let claimed: Vec<i64> = transaction
            .fetch_all(claim)
            .await?
            .iter()
            .map(|row| row.integer("id"))
            .collect::<StoreResult<_>>()?;
        let mut deliveries = Vec::with_capacity(claimed.len());
        for id in claimed {
            let row = transaction
                .fetch_optional(statement!(
                    "SELECT d.id, d.webhook_id, d.event, d.subject, d.payload, d.attempts,
                            w.url, w.secret
                       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                      WHERE d.id = ?",
                    id
                ))
                .await?;
            if let Some(row) = row {
                deliveries.push(Delivery {
                    id: row.integer("id")?,
                    webhook_id: row.integer("webhook_id")?,
                    event: row.text("event")?,
                    subject: row.text("subject")?,
                    payload: row.text("payload")?,
                    attempts: u32::try_from(row.integer("attempts")?).unwrap_or(u32::MAX),
                    url: row.text("url")?,
                    secret: row.text("secret")?,
                });
            }
        }
        transaction.commit().await?;
        deliveries.sort_by_key(|delivery| delivery.id);
        Ok(deliveries)
    }

    async fn record_delivery_attempt(
        &self,
        id: i64,
        at: OffsetDateTime,
        outcome: &DeliveryOutcome,
    ) -> StoreResult<()> {
        let (status, next) = match outcome.retry_at {
            _ if outcome.delivered => ("delivered", at),
            Some(next) => ("pending", next),
            None => ("failed", at),
        };
        self.execute(statement!(
            "UPDATE webhook_deliveries
                SET attempts = attempts + 1, last_attempt_at = ?, last_status_code = ?,
                    last_error = ?, claimed_until = NULL, status = ?, next_attempt_at = ?
              WHERE id = ?",
            timestamp(at),
            outcome.status_code.map(i64::from),
            &outcome.error,
            status,
            timestamp(next),
            id,
        ))
        .await?;
        Ok(())
    }

    async fn deliveries_of(&self, webhook_id: i64, limit: u32) -> StoreResult<Vec<DeliveryLog>> {
        self.fetch_all(statement!(
            format!(
                "SELECT {LOG_COLUMNS} FROM webhook_deliveries d
                  WHERE d.webhook_id = ? ORDER BY d.id DESC LIMIT ?"
            ),
            webhook_id,
            i64::from(limit),
        ))
        .await?
        .iter()
        .map(log_from_row)
        .collect()
    }

    async fn delivery_by_id(&self, id: i64) -> StoreResult<Option<DeliveryLog>> {
        self.fetch_optional(statement!(
            format!("SELECT {LOG_COLUMNS} FROM webhook_deliveries d WHERE d.id = ?"),
            id
        ))
        .await?
        .as_ref()
        .map(log_from_row)
        .transpose()
    }

    async fn resend_delivery(&self, id: i64, now: OffsetDateTime) -> StoreResult<bool> {
        let changed = self
            .execute(statement!(
                "UPDATE webhook_deliveries
                    SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_until = NULL
                  WHERE id = ?",
                timestamp(now),
                id,
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn oldest_due_delivery(&self, now: OffsetDateTime) -> StoreResult<Option<i64>> {
        self.fetch_one(statement!(
            "SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries
              WHERE status = 'pending' AND next_attempt_at <= ?",
            timestamp(now),
        ))
        .await?
        .optional_integer("due")
    }
}
