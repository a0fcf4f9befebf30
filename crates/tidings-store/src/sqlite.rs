//! What is SQLite's own: opening the file in WAL mode, its migrations, write transactions
//! that cannot be acknowledged without committing, and the group commit of new comments.
//!
//! Writes go through a pool of exactly one connection, so transactions inside the process
//! never contend for SQLite's single write lock; reads use a separate pool of read-only
//! connections, which WAL lets run beside the writer. `synchronous=FULL` syncs the WAL at
//! every commit, so a comment whose success response was sent survives a process crash and
//! a power loss.

use crate::comments::insert_one;
use crate::database::{Backend, SqlStore, Tx, execute_sqlite};
use crate::migrations::{self, Migration};
use crate::records::{CommentRecord, KeysetPage, Refusal, SubmissionGuard};
use crate::{StoreError, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};
use std::path::Path;
use std::time::Duration;
use tidings_domain::CommentId;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

/// Readers beside the one writer; two cores rarely keep more than this many busy.
const READER_CONNECTIONS: u32 = 4;
/// How long a statement waits for a lock held by another process (a backup, the CLI).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a process waits for another one (a `serve` and a `user add` started together
/// on a new data folder) to finish migrating, before it gives up.
const MIGRATION_WAIT: Duration = Duration::from_secs(600);

/// Opens SQLite databases.
pub struct SqliteStore;

/// The SQLite side of an [`SqlStore`].
pub(crate) struct SqliteBackend {
    pub(crate) writer: SqlitePool,
    pub(crate) readers: SqlitePool,
    /// How the integrity checks connect: afresh each time, never through the pool. FTS5
    /// keeps what it read of its index in the connection, and checked on a pooled
    /// connection that searched before a later write, the search index is reported
    /// "malformed" when it is not (queries themselves re-read it).
    checks: Box<SqliteConnectOptions>,
    /// How a backup connects: afresh, read-write (SQLite refuses `VACUUM INTO` on a
    /// read-only connection), never holding the writer the comments wait for.
    copies: Box<SqliteConnectOptions>,
    /// New comments go through one task that commits them in groups.
    comment_jobs: mpsc::Sender<CommentJob>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<SqlStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            .pragma("trusted_schema", "OFF");
        let writer = connect_writer(&options).await?;
        copy_before_upgrading(&writer, path).await?;
        apply_migrations(&writer, migrations::SQLITE).await?;
        let checks = Box::new(options.clone().read_only(true));
        let copies = Box::new(options.clone().create_if_missing(false));
        let readers = SqlitePoolOptions::new()
            .max_connections(READER_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.read_only(true))
            .await?;
        let (comment_jobs, jobs) = mpsc::channel(1024);
        tokio::spawn(write_comments(writer.clone(), jobs));
        let store = SqlStore {
            backend: Backend::Sqlite(SqliteBackend {
                writer,
                readers,
                checks,
                copies,
                comment_jobs,
            }),
        };
        store.catch_up_section_paths().await?;
        Ok(store)
    }
}

/// What a database file holds, read without changing a byte of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseFile {
    /// `PRAGMA integrity_check`'s answer: `ok`, or what is damaged.
    pub integrity: String,
    pub schema_version: i64,
    /// The rows of [`crate::COUNTED_TABLES`], by name.
    pub counts: Vec<(String, i64)>,
}

impl SqliteStore {
    /// Reads a database file that nothing else has open (a backup's copy) on one read-only
    /// connection: its full integrity check, its schema version and the rows a backup
    /// counts. The file is never migrated or written.
    pub async fn inspect(path: &Path) -> StoreResult<DatabaseFile> {
        use sqlx::Connection;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true)
            .pragma("trusted_schema", "OFF");
        let mut connection = sqlx::SqliteConnection::connect_with(&options).await?;
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut connection)
            .await?;
        let integrity = integrity.join("; ");
        let (schema_version, counts) = if integrity == "ok" {
            let version: i64 = sqlx::query_scalar(migrations::CURRENT_VERSION)
                .fetch_one(&mut connection)
                .await?;
            let mut counts = Vec::new();
            for table in crate::COUNTED_TABLES {
                let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&mut connection)
                    .await?;
                counts.push((table.to_owned(), count));
            }
            (version, counts)
        } else {
            (0, Vec::new())
        };
        connection.close().await?;
        Ok(DatabaseFile {
            integrity,
            schema_version,
            counts,
        })
    }

    /// The newest schema version this program knows.
    pub fn known_schema_version() -> i64 {
        migrations::latest(migrations::SQLITE)
    }
}

impl SqliteBackend {
    /// Hands a new comment to the group-commit task and waits for its outcome, which comes
    /// only after the group's transaction committed.
    pub(crate) async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>> {
        let stopped = || StoreError::Unavailable("the comment writer has stopped".into());
        let (reply, answer) = oneshot::channel();
        let job = CommentJob {
            comment: comment.clone(),
            guard: guard.clone(),
            reply,
        };
        self.comment_jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// `PRAGMA quick_check`: "ok", or what is damaged.
    pub(crate) async fn quick_check(&self) -> StoreResult<Vec<String>> {
        self.check("PRAGMA quick_check").await
    }

    /// Writes a consistent copy of the database to `target` (a file that must not exist)
    /// while the site keeps writing: `VACUUM INTO` reads one snapshot, as any reader does
    /// in WAL mode, and the copy is compacted, with no journal beside it.
    pub(crate) async fn copy_into(&self, target: &Path) -> StoreResult<()> {
        use sqlx::Connection;
        let target = target.to_str().ok_or_else(|| {
            StoreError::Other(format!("{} is not a UTF-8 path", target.display()))
        })?;
        let mut connection = sqlx::SqliteConnection::connect_with(&self.copies).await?;
        let copied = sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&mut connection)
            .await;
        connection.close().await?;
        copied?;
        Ok(())
    }

    /// A check on a connection of its own, closed after.
    async fn check(&self, pragma: &'static str) -> StoreResult<Vec<String>> {
        use sqlx::Connection;
        let mut connection = sqlx::SqliteConnection::connect_with(&self.checks).await?;
        let found = sqlx::query_scalar(pragma).fetch_all(&mut connection).await;
        connection.close().await?;
        Ok(found?)
    }
}

impl SqlStore {
    /// `PRAGMA integrity_check` (SQLite; "ok" on PostgreSQL), for crash tests.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        match &self.backend {
            Backend::Sqlite(sqlite) => Ok(sqlite.check("PRAGMA integrity_check").await?.join("; ")),
            Backend::Postgres(_) => Ok("ok".into()),
        }
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(sqlite) => {
                sqlite.readers.close().await;
                sqlite.writer.close().await;
            }
            Backend::Postgres(postgres) => postgres.pool.close().await,
        }
    }

    /// SQLite's plan for each statement of the public site and the admin's lists, by name:
    /// what the query-plan test reads to check that none scans a whole table.
    pub async fn query_plans(&self) -> StoreResult<Vec<(&'static str, Vec<String>)>> {
        let Backend::Sqlite(sqlite) = &self.backend else {
            return Err(StoreError::Other("query plans are read on SQLite".into()));
        };
        let mut plans = Vec::new();
        for (name, sql) in planned_statements() {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for _ in 0..sql.matches('?').count() {
                query = query.bind(0_i64);
            }
            let steps = query.fetch_all(&sqlite.readers).await?;
            plans.push((
                name,
                steps.into_iter().map(|(_, _, _, detail)| detail).collect(),
            ));
        }
        Ok(plans)
    }
}

/// The statements behind public pages, posted comments and the admin's lists.
fn planned_statements() -> Vec<(&'static str, String)> {
    use crate::records::CommentQuery;
    use crate::{accounts, articles, comments, site};
    let queue = |status, email: Option<&str>, deep: bool| {
        let query = CommentQuery {
            status,
            email: email.map(str::to_owned),
            ..CommentQuery::default()
        };
        let page = if deep {
            KeysetPage::OlderThan(OffsetDateTime::UNIX_EPOCH, CommentId(1))
        } else {
            KeysetPage::Newest
        };
        comments::find_statement(crate::database::Dialect::Sqlite, &query, page, 20)
            .sql
            .into_owned()
    };
    vec![
        ("article by slug", articles::BY_SLUG.to_owned()),
        ("article by id", articles::BY_ID.to_owned()),
        ("published articles", articles::PUBLISHED.to_owned()),
        ("next publication", articles::NEXT_PUBLICATION.to_owned()),
        ("page by path", articles::BY_PATH.to_owned()),
        ("sticky articles", articles::STICKY.to_owned()),
        ("a section's articles", articles::WITH_TERM.to_owned()),
        ("the previous article", crate::reading::PREVIOUS.to_owned()),
        ("a date archive", crate::reading::BETWEEN.to_owned()),
        ("the next article", crate::reading::NEXT.to_owned()),
        (
            "more in a section",
            crate::reading::MORE_IN_SECTION.to_owned(),
        ),
        (
            "a month's articles for the sitemap",
            crate::sitemaps::month_articles_sql(),
        ),
        (
            "the menu's sections",
            crate::reading::ALL_SECTIONS.to_owned(),
        ),
        (
            "the menu's pages",
            crate::reading::TOP_LEVEL_PAGES.to_owned(),
        ),
        ("search", search_plan(false)),
        (
            "first publication",
            crate::search::FIRST_PUBLICATION.to_owned(),
        ),
        ("search in a section and a year", search_plan(true)),
        ("approved comments", comments::APPROVED_AS_JSON.to_owned()),
        ("comment by id", comments::BY_ID.to_owned()),
        ("approved comment from", comments::APPROVED_FROM.to_owned()),
        ("duplicate comment", comments::DUPLICATE.to_owned()),
        ("recent comment", comments::RECENT.to_owned()),
        ("recent counts", comments::RECENT_COUNTS.to_owned()),
        ("session", accounts::SESSION.to_owned()),
        ("setting", site::SETTING.to_owned()),
        (
            "comment queue, one status, deep page",
            queue(Some(tidings_domain::CommentStatus::Pending), None, true),
        ),
        ("comment queue, every status", queue(None, None, false)),
        (
            "a commenter's history",
            queue(None, Some("ada@example.com"), true),
        ),
    ]
}

fn search_plan(filtered: bool) -> String {
    let filter = crate::SearchFilter {
        term: filtered.then_some(tidings_domain::TermId(1)),
        between: filtered.then_some((OffsetDateTime::UNIX_EPOCH, OffsetDateTime::UNIX_EPOCH)),
    };
    crate::search::search_statement(
        crate::database::Dialect::Sqlite,
        &tidings_domain::search::SearchQuery::parse("bridge council"),
        &filter,
        OffsetDateTime::UNIX_EPOCH,
        crate::Page {
            number: 1,
            size: 10,
        },
    )
    .sql
    .into_owned()
}

/// Opens the pool of the one writer connection. Turning a new database to WAL takes an
/// exclusive lock that SQLite's busy timeout does not wait for, so when two processes
/// create the same database at once (a `serve` and a `user add`), the second's first try
/// fails with `SQLITE_BUSY`; it tries again for up to [`MIGRATION_WAIT`].
async fn connect_writer(options: &SqliteConnectOptions) -> StoreResult<SqlitePool> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        let connected = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .map_err(StoreError::from);
        match connected {
            Err(StoreError::Unavailable(_)) if started.elapsed() < MIGRATION_WAIT => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// Before migrations change a database that already holds a site, a copy of it as it was,
/// beside it (`tidings.db.schema-18`): the way back to the release before, which refuses a
/// newer schema. Written whole (under a temporary name, then renamed) with `VACUUM INTO`;
/// once it is, the copy an earlier upgrade left is removed, so one copy is kept. A copy
/// that cannot be written stops the upgrade: better a site that does not start and says
/// why than one that cannot go back.
async fn copy_before_upgrading(writer: &SqlitePool, database: &Path) -> StoreResult<()> {
    let mut connection = writer.acquire().await?;
    let tracked: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
    )
    .fetch_one(&mut *connection)
    .await?;
    if !tracked {
        return Ok(());
    }
    let found: i64 = sqlx::query_scalar(migrations::CURRENT_VERSION)
        .fetch_one(&mut *connection)
        .await?;
    let known = migrations::latest(migrations::SQLITE);
    if found == 0 || found >= known {
        return Ok(());
    }
    let name = database.file_name().map_or_else(
        || "tidings.db".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    let copy = database.with_file_name(format!("{name}.schema-{found}"));
    if copy.exists() {
        // An upgrade from this version began before and stopped: its copy is the one.
        return Ok(());
    }
    // Two processes may start on the same old database at once: each writes its own.
    let partial = copy.with_file_name(format!(
        "{name}.schema-{found}.{}.partial",
        std::process::id()
    ));
    let failed = |error: StoreError| match error {
        StoreError::Full(message) => StoreError::Full(format!(
            "keeping a copy of the database before upgrading it: {message}"
        )),
        other => StoreError::Other(format!(
            "keeping a copy of the database (schema {found}) before upgrading it to {known}: {other}"
        )),
    };
    let _ = std::fs::remove_file(&partial);
    let written = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut *connection)
        .await;
    if let Err(error) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(error.into()));
    }
    let settled = (|| -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
        }
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &copy)
    })();
    if let Err(error) = settled {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(StoreError::Other(error.to_string())));
    }
    // The copies earlier upgrades left: only the newest is kept.
    let earlier = format!("{name}.schema-");
    if let Some(folder) = database
        .parent()
        .and_then(|folder| std::fs::read_dir(folder).ok())
    {
        for entry in folder.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let older = name
                .strip_prefix(&earlier)
                .and_then(|version| version.parse::<i64>().ok())
                .is_some_and(|version| version < found);
            if older {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    tracing::info!(
        copy = %copy.display(),
        from = found,
        to = known,
        "the database as it was is kept beside it; its schema is upgraded next"
    );
    Ok(())
}

/// Brings the schema up to date. The version is read and every missing migration applied in
/// one `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock first: a second
/// process starting at the same moment waits for it, then finds the schema current, as a
/// second PostgreSQL node waits on the advisory lock. Foreign keys are off meanwhile (a
/// migration that rebuilds a table must not cascade its drop) and checked before commit.
async fn apply_migrations(pool: &SqlitePool, all: &'static [Migration]) -> StoreResult<()> {
    let mut connection = pool.acquire().await?;
    let setup = format!(
        "PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = {}",
        MIGRATION_WAIT.as_millis()
    );
    sqlx::raw_sql(&setup).execute(&mut *connection).await?;
    let outcome = apply_locked(&mut connection, all).await;
    let restore = format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}",
        BUSY_TIMEOUT.as_millis()
    );
    let restored = sqlx::raw_sql(&restore).execute(&mut *connection).await;
    if outcome.is_err() || restored.is_err() {
        // Whatever state the connection is in, the next writer gets a fresh one.
        connection.close_on_drop();
    }
    outcome?;
    restored?;
    Ok(())
}

async fn apply_locked(
    connection: &mut SqliteConnection,
    all: &'static [Migration],
) -> StoreResult<()> {
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *connection)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        ) STRICT",
    )
    .execute(&mut *connection)
    .await?;
    let found: i64 = sqlx::query_scalar(migrations::CURRENT_VERSION)
        .fetch_one(&mut *connection)
        .await?;
    let known = migrations::latest(all);
    for migration in migrations::pending(all, found)? {
        sqlx::raw_sql(migration.sql)
            .execute(&mut *connection)
            .await?;
        execute_sqlite(&mut *connection, migrations::record(migration)).await?;
        migrations::log_applied(migration);
    }
    // A migration that rebuilt a table must have kept every reference whole; checked only
    // when one ran, as it reads every table with a foreign key.
    if known > found {
        let broken: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
                .fetch_all(&mut *connection)
                .await?;
        if !broken.is_empty() {
            return Err(StoreError::Other(format!(
                "a migration left rows pointing nowhere: {broken:?}"
            )));
        }
    }
    sqlx::query("COMMIT").execute(&mut *connection).await?;
    Ok(())
}

/// A write transaction on the one writer connection: `BEGIN IMMEDIATE` … `COMMIT`, issued
/// by us rather than through sqlx's `Transaction`.
///
/// SQLite rolls a transaction back by itself on some errors (`SQLITE_FULL`, `SQLITE_IOERR`,
/// `SQLITE_BUSY`, `SQLITE_NOMEM`), and sqlx's transaction bookkeeping does not notice: its
/// next `begin` became a `SAVEPOINT` inside a transaction that never committed, so every
/// later comment was acknowledged and lost until a restart (found on a full disk). Here a
/// transaction either commits, or its connection is closed, which rolls back whatever is
/// left, and the pool opens a fresh one for the next writer.
pub(crate) struct WriteTransaction {
    connection: PoolConnection<Sqlite>,
    committed: bool,
}

impl WriteTransaction {
    pub(crate) async fn begin(pool: &SqlitePool) -> Result<WriteTransaction, sqlx::Error> {
        let mut connection = pool.acquire().await?;
        if let Err(error) = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *connection)
            .await
        {
            connection.close_on_drop();
            return Err(error);
        }
        Ok(WriteTransaction {
            connection,
            committed: false,
        })
    }

    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        sqlx::query("COMMIT").execute(&mut *self.connection).await?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        if !self.committed {
            self.connection.close_on_drop();
        }
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.connection
    }
}

impl std::ops::DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }
}

/// A comment waiting for the writer, and where to send its outcome.
struct CommentJob {
    comment: CommentRecord,
    guard: SubmissionGuard,
    reply: oneshot::Sender<StoreResult<Result<CommentId, Refusal>>>,
}

/// The most comments committed in one transaction.
const COMMENT_BATCH: usize = 64;

/// Group commit: takes every comment waiting (up to a batch), checks and inserts each in one
/// transaction, commits once (one WAL sync for the lot) and only then answers each request,
/// so an acknowledgement still means committed. If the batch fails as a whole, each comment
/// is tried again alone, so one bad row cannot sink the others.
async fn write_comments(writer: SqlitePool, mut jobs: mpsc::Receiver<CommentJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < COMMENT_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match insert_batch(&writer, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let outcome = insert_batch(&writer, std::slice::from_ref(&job))
                        .await
                        .map(|mut outcomes| outcomes.remove(0));
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                if let Some(job) = batch.pop() {
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

async fn insert_batch(
    writer: &SqlitePool,
    batch: &[CommentJob],
) -> StoreResult<Vec<Result<CommentId, Refusal>>> {
    let mut transaction = Tx::Sqlite(WriteTransaction::begin(writer).await?);
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(insert_one(&mut transaction, &job.comment, &job.guard).await?);
    }
    transaction.commit().await?;
    Ok(outcomes)
}
