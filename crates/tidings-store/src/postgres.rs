//! What is PostgreSQL's own: connecting with the timeouts a shared server needs, migrations
//! under an advisory lock, and schemas for tests.
//!
//! What one node decides must hold for all: schema migrations run once, under an advisory
//! lock; checks that must see each other's writes (flood control, the sign-in throttle,
//! subscriptions) take transaction-scoped advisory locks ([`crate::database::Tx::serialize_on`]);
//! every connection carries statement, lock and idle timeouts so a stuck query becomes a
//! 503, not a hung node. The pool tests a connection before handing it out, so a node
//! survives a database restart without being restarted itself.

use crate::database::{Backend, SqlStore, execute_postgres};
use crate::migrations::{self, Migration};
use crate::{StoreError, StoreResult};
use sqlx::PgConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The advisory lock key under which one node at a time applies migrations ("tidings" in
/// ASCII, as a number).
const MIGRATION_LOCK: i64 = 0x0074_6964_696e_6773;

/// How a node talks to PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    /// Connections this node keeps at most; keep the sum over all nodes well under the
    /// server's `max_connections`.
    pub max_connections: u32,
    /// The longest a statement may run before the server cancels it.
    pub statement_timeout: Duration,
    /// The longest a request waits for a free connection before it gets a 503.
    pub acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 10,
            statement_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens PostgreSQL databases.
pub struct PostgresStore;

/// The PostgreSQL side of an [`SqlStore`].
pub(crate) struct PostgresBackend {
    pub(crate) pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and brings the
    /// schema up to date.
    pub async fn open(url: &str, options: &PostgresOptions) -> StoreResult<SqlStore> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|error| {
                StoreError::Other(format!("the PostgreSQL URL is not valid: {error}"))
            })?
            .application_name("tidings")
            .options([
                (
                    "statement_timeout",
                    format!("{}ms", options.statement_timeout.as_millis()),
                ),
                (
                    "lock_timeout",
                    format!("{}ms", options.statement_timeout.as_millis()),
                ),
                ("idle_in_transaction_session_timeout", "60s".to_owned()),
            ]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(connect)
            .await?;
        apply_migrations(&pool, migrations::POSTGRES).await?;
        let store = SqlStore {
            backend: Backend::Postgres(PostgresBackend { pool }),
        };
        store.catch_up_section_paths().await?;
        Ok(store)
    }
}

/// Creates an empty schema with a unique name in the database at `url`, and returns a URL
/// whose connections use it. Tests use it to give each case a database of its own on one
/// server.
pub async fn fresh_schema_url(url: &str) -> StoreResult<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let schema = format!(
        "test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let options = PgConnectOptions::from_str(url)
        .map_err(|error| StoreError::Other(format!("the PostgreSQL URL is not valid: {error}")))?;
    let mut connection = <PgConnection as sqlx::Connection>::connect_with(&options).await?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut connection)
        .await?;
    let separator = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{separator}options[search_path]={schema}"))
}

async fn apply_migrations(pool: &PgPool, all: &'static [Migration]) -> StoreResult<()> {
    let mut connection = pool.acquire().await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *connection)
        .await?;
    let result = apply_locked(&mut connection, all).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *connection)
        .await;
    result?;
    unlocked?;
    Ok(())
}

async fn apply_locked(connection: &mut PgConnection, all: &'static [Migration]) -> StoreResult<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&mut *connection)
    .await?;
    let found: i64 = sqlx::query_scalar(migrations::CURRENT_VERSION)
        .fetch_one(&mut *connection)
        .await?;
    for migration in migrations::pending(all, found)? {
        let mut transaction = sqlx::Connection::begin(&mut *connection).await?;
        sqlx::raw_sql(migration.sql)
            .execute(&mut *transaction)
            .await?;
        execute_postgres(&mut *transaction, migrations::record(migration)).await?;
        transaction.commit().await?;
        migrations::log_applied(migration);
    }
    Ok(())
}
