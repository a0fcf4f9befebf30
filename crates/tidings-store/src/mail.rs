//! Mail to readers: their subscriptions (with the one-confirmation-a-day rule) and the
//! ledger of mail sent, which the hourly caps count. Every statement here is the same in
//! both dialects.

use crate::StoreResult;
use crate::database::{SqlStore, statement};
use crate::records::{Subscription, SubscriptionRequest};
use crate::rows::{Columns, subscription_columns, subscription_from_row, timestamp, to_u64};
use async_trait::async_trait;
use tidings_domain::ArticleId;
use tidings_domain::email::email_key;
use time::OffsetDateTime;

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Stores a reader's request for mail, unless the address has it already, and says
    /// whether a confirmation mail is due: at most one is sent to an address while an
    /// earlier one sent since `confirmations_since` waits unanswered. Decided in one
    /// transaction per address, so racing requests cannot each send one.
    async fn request_subscription(
        &self,
        subscription: &Subscription,
        confirmations_since: OffsetDateTime,
    ) -> StoreResult<SubscriptionRequest>;
    async fn subscription_by_token(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// Confirms the subscription with this token and returns it.
    async fn confirm_subscription(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// Deletes the subscription with this token and returns what it was.
    async fn delete_subscription(&self, token: &str) -> StoreResult<Option<Subscription>>;
    /// An article's confirmed subscriptions (to it, and to replies to its comments).
    async fn subscriptions_for_article(
        &self,
        article_id: ArticleId,
    ) -> StoreResult<Vec<Subscription>>;
    async fn subscriptions_by_email(&self, email: &str) -> StoreResult<Vec<Subscription>>;
    /// Notes that a mail to `recipient` was handed to the mail server; rows older than a
    /// day are forgotten.
    async fn record_mail_delivery(&self, recipient: &str, at: OffsetDateTime) -> StoreResult<()>;
    /// Mail handed over since `since`: to `recipient` (any case), and to anyone.
    async fn mail_deliveries_since(
        &self,
        recipient: &str,
        since: OffsetDateTime,
    ) -> StoreResult<(u64, u64)>;
}

const BY_TOKEN: &str = concat!(
    "SELECT ",
    subscription_columns!(),
    " FROM subscriptions WHERE token = ?"
);

#[async_trait]
impl MailStore for SqlStore {
    async fn request_subscription(
        &self,
        subscription: &Subscription,
        confirmations_since: OffsetDateTime,
    ) -> StoreResult<SubscriptionRequest> {
        let email = email_key(&subscription.email);
        let mut transaction = self.begin().await?;
        transaction
            .serialize_on(&format!("subscribe:{email}"))
            .await?;
        let existing = transaction
            .fetch_optional(statement!(
                "SELECT id FROM subscriptions
                 WHERE email = ? AND article_id = ? AND COALESCE(comment_id, 0) = ? LIMIT 1",
                &email,
                subscription.article_id.0,
                subscription.comment_id.map_or(0, |id| id.0),
            ))
            .await?;
        if existing.is_some() {
            transaction.commit().await?;
            return Ok(SubscriptionRequest::AlreadyThere);
        }
        let waiting = transaction
            .fetch_optional(statement!(
                "SELECT id FROM subscriptions
                 WHERE email = ? AND NOT confirmed AND confirmation_sent_at >= ? LIMIT 1",
                &email,
                timestamp(confirmations_since),
            ))
            .await?;
        let outcome = if waiting.is_some() {
            SubscriptionRequest::Waiting
        } else {
            SubscriptionRequest::MailConfirmation
        };
        transaction
            .execute(statement!(
                "INSERT INTO subscriptions (email, article_id, comment_id, token, confirmed,
                    created_at, confirmation_sent_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                &email,
                subscription.article_id.0,
                subscription.comment_id.map(|id| id.0),
                &subscription.token,
                subscription.confirmed,
                timestamp(subscription.created_at),
                (outcome == SubscriptionRequest::MailConfirmation)
                    .then(|| timestamp(subscription.created_at)),
            ))
            .await?;
        transaction.commit().await?;
        Ok(outcome)
    }

    async fn subscription_by_token(&self, token: &str) -> StoreResult<Option<Subscription>> {
        self.fetch_optional(statement!(BY_TOKEN, token))
            .await?
            .as_ref()
            .map(subscription_from_row)
            .transpose()
    }

    async fn confirm_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                concat!(
                    "UPDATE subscriptions SET confirmed = ? WHERE token = ? RETURNING ",
                    subscription_columns!()
                ),
                true,
                token,
            ))
            .await?;
        transaction.commit().await?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn delete_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let mut transaction = self.begin().await?;
        let row = transaction
            .fetch_optional(statement!(
                concat!(
                    "DELETE FROM subscriptions WHERE token = ? RETURNING ",
                    subscription_columns!()
                ),
                token,
            ))
            .await?;
        transaction.commit().await?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn subscriptions_for_article(
        &self,
        article_id: ArticleId,
    ) -> StoreResult<Vec<Subscription>> {
        self.fetch_all(statement!(
            concat!(
                "SELECT ",
                subscription_columns!(),
                " FROM subscriptions WHERE article_id = ? AND confirmed ORDER BY id"
            ),
            article_id.0,
        ))
        .await?
        .iter()
        .map(subscription_from_row)
        .collect()
    }

    async fn subscriptions_by_email(&self, email: &str) -> StoreResult<Vec<Subscription>> {
        self.fetch_all(statement!(
            concat!(
                "SELECT ",
                subscription_columns!(),
                " FROM subscriptions WHERE email = ? ORDER BY id"
            ),
            email_key(email),
        ))
        .await?
        .iter()
        .map(subscription_from_row)
        .collect()
    }

    async fn record_mail_delivery(&self, recipient: &str, at: OffsetDateTime) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        transaction
            .execute(statement!(
                "DELETE FROM mail_deliveries WHERE sent_at < ?",
                timestamp(at) - 86_400
            ))
            .await?;
        transaction
            .execute(statement!(
                "INSERT INTO mail_deliveries (recipient, sent_at) VALUES (?, ?)",
                email_key(recipient),
                timestamp(at),
            ))
            .await?;
        transaction.commit().await
    }

    async fn mail_deliveries_since(
        &self,
        recipient: &str,
        since: OffsetDateTime,
    ) -> StoreResult<(u64, u64)> {
        let row = self
            .fetch_one(statement!(
                "SELECT (SELECT COUNT(*) FROM mail_deliveries
                          WHERE recipient = ? AND sent_at >= ?) AS to_recipient,
                        (SELECT COUNT(*) FROM mail_deliveries WHERE sent_at >= ?) AS to_anyone",
                email_key(recipient),
                timestamp(since),
                timestamp(since),
            ))
            .await?;
        Ok((
            to_u64(row.integer("to_recipient")?),
            to_u64(row.integer("to_anyone")?),
        ))
    }
}
