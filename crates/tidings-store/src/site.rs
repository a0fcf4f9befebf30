//! Site-wide state: settings, the log of page invalidations that nodes sharing a database
//! apply to their caches, the schema version, and the database's health.

use crate::database::{Backend, SqlStore, statement};
use crate::rows::{Columns, timestamp};
use crate::{PoolUse, StoreError, StoreResult};
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
pub trait SiteStore: Send + Sync {
    /// The schema version the database is at.
    async fn schema_version(&self) -> StoreResult<i64>;
    async fn setting(&self, name: &str) -> StoreResult<Option<String>>;
    async fn put_setting(&self, name: &str, value: &str) -> StoreResult<()>;
    /// Stores `value` only if nothing is stored under `name`, and returns what is stored:
    /// how several nodes agree on one generated secret.
    async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String>;
    /// Appends to the log of page invalidations the tags a write made stale, and returns
    /// the entry's epoch. Entries are numbered in commit order; a day's worth is kept.
    async fn record_page_changes(&self, tags: &str, at: OffsetDateTime) -> StoreResult<i64>;
    /// The log entries after `epoch`, oldest first: (epoch, tags).
    async fn page_changes_since(&self, epoch: i64) -> StoreResult<Vec<(i64, String)>>;
    /// The newest entry's epoch, or 0.
    async fn latest_page_change(&self) -> StoreResult<i64>;
    /// A quick check of the database's own structure; `Some` describes what is damaged.
    async fn check_integrity(&self) -> StoreResult<Option<String>>;
    /// Whether the database answers and is at the schema this program knows: what a node
    /// must see before a load balancer sends it readers.
    async fn schema_is_current(&self) -> StoreResult<bool>;
    /// The connections each pool holds now, and how many of them wait for work.
    fn connection_pools(&self) -> Vec<PoolUse>;
    /// Writes a consistent copy of the whole database to the file `target` while the site
    /// serves; `false` on PostgreSQL, whose own tools (`pg_dump`) do that.
    async fn copy_database_to(&self, target: &std::path::Path) -> StoreResult<bool>;
    /// The rows of the tables a backup's manifest counts ([`COUNTED_TABLES`]), by name.
    async fn table_counts(&self) -> StoreResult<Vec<(String, i64)>>;
}

/// The tables whose rows a backup counts: what a site owner would miss.
pub const COUNTED_TABLES: [&str; 9] = [
    "articles",
    "article_revisions",
    "comments",
    "terms",
    "users",
    "media",
    "subscriptions",
    "redirects",
    "webhooks",
];

pub(crate) const SETTING: &str = "SELECT value FROM settings WHERE name = ?";

#[async_trait]
impl SiteStore for SqlStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        self.fetch_one(statement!(
            "SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations"
        ))
        .await?
        .integer("version")
    }

    async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        self.fetch_optional(statement!(SETTING, name))
            .await?
            .map(|row| row.text("value"))
            .transpose()
    }

    async fn put_setting(&self, name: &str, value: &str) -> StoreResult<()> {
        self.execute(statement!(
            "INSERT INTO settings (name, value) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            name,
            value,
        ))
        .await?;
        Ok(())
    }

    async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String> {
        let mut transaction = self.begin().await?;
        transaction
            .execute(statement!(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                name,
                value,
            ))
            .await?;
        let stored = transaction.fetch_one(statement!(SETTING, name)).await?;
        transaction.commit().await?;
        stored.text("value")
    }

    async fn record_page_changes(&self, tags: &str, at: OffsetDateTime) -> StoreResult<i64> {
        let mut transaction = self.begin().await?;
        // One appender at a time, so an entry's epoch is also its place in commit order: a
        // reader that has seen epoch N never later finds a new entry below N.
        transaction.serialize_on("page-invalidations").await?;
        let epoch = transaction
            .fetch_one(statement!(
                "INSERT INTO page_invalidations (epoch, tags, at)
                 SELECT COALESCE(MAX(epoch), 0) + 1, ?, ? FROM page_invalidations
                 RETURNING epoch",
                tags,
                timestamp(at),
            ))
            .await?
            .integer("epoch")?;
        transaction
            .execute(statement!(
                "DELETE FROM page_invalidations WHERE at < ? AND epoch < ?",
                timestamp(at) - 86_400,
                epoch,
            ))
            .await?;
        transaction.commit().await?;
        Ok(epoch)
    }

    async fn page_changes_since(&self, epoch: i64) -> StoreResult<Vec<(i64, String)>> {
        self.fetch_all(statement!(
            "SELECT epoch, tags FROM page_invalidations WHERE epoch > ? ORDER BY epoch",
            epoch
        ))
        .await?
        .iter()
        .map(|row| Ok((row.integer("epoch")?, row.text("tags")?)))
        .collect()
    }

    async fn latest_page_change(&self) -> StoreResult<i64> {
        self.fetch_one(statement!(
            "SELECT COALESCE(MAX(epoch), 0) AS epoch FROM page_invalidations"
        ))
        .await?
        .integer("epoch")
    }

    async fn schema_is_current(&self) -> StoreResult<bool> {
        let known = match self.backend {
            Backend::Sqlite(_) => crate::migrations::latest(crate::migrations::SQLITE),
            Backend::Postgres(_) => crate::migrations::latest(crate::migrations::POSTGRES),
        };
        Ok(self.schema_version().await? == known)
    }

    fn connection_pools(&self) -> Vec<PoolUse> {
        let usage = |name: &'static str, open: u32, idle: usize| PoolUse {
            name,
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX).min(open),
        };
        match &self.backend {
            Backend::Sqlite(sqlite) => vec![
                usage("write", sqlite.writer.size(), sqlite.writer.num_idle()),
                usage("read", sqlite.readers.size(), sqlite.readers.num_idle()),
            ],
            Backend::Postgres(postgres) => vec![usage(
                "postgres",
                postgres.pool.size(),
                postgres.pool.num_idle(),
            )],
        }
    }

    async fn copy_database_to(&self, target: &std::path::Path) -> StoreResult<bool> {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite.copy_into(target).await.map(|()| true),
            Backend::Postgres(_) => Ok(false),
        }
    }

    async fn table_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut counts = Vec::with_capacity(COUNTED_TABLES.len());
        for table in COUNTED_TABLES {
            let count = self
                .fetch_one(statement!(format!("SELECT COUNT(*) AS count FROM {table}")))
                .await?
                .integer("count")?;
            counts.push((table.to_owned(), count));
        }
        Ok(counts)
    }

    async fn check_integrity(&self) -> StoreResult<Option<String>> {
        match &self.backend {
            Backend::Sqlite(sqlite) => match sqlite.quick_check().await {
                Ok(problems) => Ok((problems != ["ok"]).then(|| problems.join("; "))),
                // So damaged that the check itself cannot read it.
                Err(StoreError::Corrupt(problem)) => Ok(Some(problem)),
                Err(other) => Err(other),
            },
            // PostgreSQL checks its own pages as it reads them (and with data checksums, if
            // the cluster has them); nothing cheap to add here.
            Backend::Postgres(_) => Ok(None),
        }
    }
}
