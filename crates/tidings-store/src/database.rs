//! The one store type, [`SqlStore`], and the small layer that lets every statement be
//! written once for both dialects.
//!
//! A [`Statement`] is SQL with `?` placeholders and its values in order. SQLite runs it as
//! written; for PostgreSQL the placeholders become `$1`, `$2`… as it is sent. Rows come
//! back as one [`Row`] type that `rows.rs` maps to domain values for both. Transactions are
//! a [`Tx`], with the two things the dialects do differently behind one method each:
//! [`Tx::serialize_on`] (PostgreSQL takes an advisory lock; SQLite's one writer connection
//! already serialises) and [`Tx::attempt`] (PostgreSQL needs a savepoint for a statement
//! that may fail without ending the transaction; SQLite does not). What remains per
//! dialect is written where it happens, as `match` arms that say why.
//!
//! Weighed against a query builder (sea-query) or sqlx's `Any` driver: our statements are
//! plain SQL that both dialects mostly agree on, and the few differences (JSON aggregation,
//! `= ANY`, `GREATEST`, advisory locks, group commit) are semantic rather than spelling, so
//! a builder would hide the SQL without removing them; `Any` gives up the native drivers
//! that group commit and advisory locks need.

use crate::StoreError;
use crate::postgres::PostgresBackend;
use crate::rows::Columns;
use crate::sqlite::{SqliteBackend, WriteTransaction};
use std::borrow::Cow;

/// Which dialect a store speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A value to bind to a placeholder.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
    Real(Option<f64>),
    Flag(bool),
}

impl From<i64> for Value {
    fn from(value: i64) -> Value {
        Value::Integer(Some(value))
    }
}

impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Value {
        Value::Integer(value)
    }
}

/// Text as both backends take it. PostgreSQL refuses a NUL character in text (and would
/// answer the lookup or the write with an error), and it means nothing in any field: both
/// backends get the text without it, so a lookup never fails and a write keeps the rest,
/// alike on each (as the form decoder drops it too).
fn storable(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "")
    } else {
        text
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Value {
        Value::Text(Some(storable(value.to_owned())))
    }
}

impl From<&String> for Value {
    fn from(value: &String) -> Value {
        Value::Text(Some(storable(value.clone())))
    }
}

impl From<String> for Value {
    fn from(value: String) -> Value {
        Value::Text(Some(storable(value)))
    }
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Value {
        Value::Text(value.map(|text| storable(text.to_owned())))
    }
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Value {
        Value::Text(value.map(storable))
    }
}

impl From<Option<f64>> for Value {
    fn from(value: Option<f64>) -> Value {
        Value::Real(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Value {
        Value::Flag(value)
    }
}

/// SQL with `?` placeholders, and the values of those placeholders in order.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub sql: Cow<'static, str>,
    pub values: Vec<Value>,
}

/// `statement!(SQL, value, value…)`: a [`Statement`], each value converted with `From`.
macro_rules! statement {
    ($sql:expr $(, $value:expr)* $(,)?) => {
        $crate::database::Statement {
            sql: ::std::borrow::Cow::from($sql),
            values: vec![$($crate::database::Value::from($value)),*],
        }
    };
}
pub(crate) use statement;

impl Statement {
    /// The SQL as `dialect` wants it: PostgreSQL numbers its placeholders. Our SQL never
    /// has a `?` inside a string literal, so every `?` is a placeholder.
    pub fn sql_for(&self, dialect: Dialect) -> Cow<'_, str> {
        match dialect {
            Dialect::Sqlite => Cow::Borrowed(&self.sql),
            Dialect::Postgres => {
                let mut numbered = String::with_capacity(self.sql.len() + 16);
                let mut number = 0;
                for character in self.sql.chars() {
                    if character == '?' {
                        number += 1;
                        numbered.push('$');
                        numbered.push_str(&number.to_string());
                    } else {
                        numbered.push(character);
                    }
                }
                Cow::Owned(numbered)
            }
        }
    }
}

/// A row from either dialect.
pub(crate) enum Row {
    Sqlite(sqlx::sqlite::SqliteRow),
    Postgres(sqlx::postgres::PgRow),
}

/// Each column reader of [`Columns`], passed to the dialect's own row.
macro_rules! delegate_columns {
    ($($method:ident -> $value:ty),* $(,)?) => {
        $(fn $method(&self, column: &str) -> crate::StoreResult<$value> {
            match self {
                Row::Sqlite(row) => row.$method(column),
                Row::Postgres(row) => row.$method(column),
            }
        })*
    };
}

impl Columns for Row {
    delegate_columns!(
        integer -> i64,
        optional_integer -> Option<i64>,
        text -> String,
        optional_text -> Option<String>,
        optional_float -> Option<f64>,
        flag -> bool,
    );
}

/// Binds a statement's values in order (the two drivers' query types differ, the binding
/// does not).
macro_rules! bound {
    ($sql:expr, $values:expr) => {
        $values
            .iter()
            .fold(sqlx::query($sql), |query, value| match value {
                Value::Integer(number) => query.bind(*number),
                Value::Text(text) => query.bind(text.as_deref()),
                Value::Real(number) => query.bind(*number),
                Value::Flag(flag) => query.bind(*flag),
            })
    };
}

/// The statement's rows (at most one wanted, or all), on any SQLite executor.
async fn sqlite_rows<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    statement: &Statement,
    all: bool,
) -> Result<Vec<Row>, StoreError> {
    let query = bound!(&*statement.sql, statement.values);
    let rows = if all {
        query.fetch_all(executor).await?
    } else {
        query.fetch_optional(executor).await?.into_iter().collect()
    };
    Ok(rows.into_iter().map(Row::Sqlite).collect())
}

/// The statement's rows (at most one wanted, or all), on any PostgreSQL executor.
async fn postgres_rows<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Postgres>,
    statement: &Statement,
    all: bool,
) -> Result<Vec<Row>, StoreError> {
    let sql = statement.sql_for(Dialect::Postgres);
    let query = bound!(&*sql, statement.values);
    let rows = if all {
        query.fetch_all(executor).await?
    } else {
        query.fetch_optional(executor).await?.into_iter().collect()
    };
    Ok(rows.into_iter().map(Row::Postgres).collect())
}

/// Runs one statement on a SQLite connection or pool: how many rows it changed.
pub(crate) async fn execute_sqlite<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    statement: Statement,
) -> Result<u64, StoreError> {
    let query = bound!(&*statement.sql, statement.values);
    Ok(query.execute(executor).await?.rows_affected())
}

/// Runs one statement on a PostgreSQL connection or pool: how many rows it changed.
pub(crate) async fn execute_postgres<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Postgres>,
    statement: Statement,
) -> Result<u64, StoreError> {
    let sql = statement.sql_for(Dialect::Postgres);
    let query = bound!(&*sql, statement.values);
    Ok(query.execute(executor).await?.rows_affected())
}

fn first(rows: Vec<Row>) -> Option<Row> {
    rows.into_iter().next()
}

fn exactly_one(row: Option<Row>) -> Result<Row, StoreError> {
    row.ok_or_else(|| StoreError::Other("a statement that returns a row returned none".into()))
}

/// The store: the SQL of every concern (articles, comments…) over one of the backends.
pub struct SqlStore {
    pub(crate) backend: Backend,
}

pub(crate) enum Backend {
    Sqlite(SqliteBackend),
    Postgres(PostgresBackend),
}

impl SqlStore {
    pub(crate) fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The rows of a read, on a read connection.
    async fn rows(&self, statement: Statement, all: bool) -> Result<Vec<Row>, StoreError> {
        match &self.backend {
            Backend::Sqlite(sqlite) => sqlite_rows(&sqlite.readers, &statement, all).await,
            Backend::Postgres(postgres) => postgres_rows(&postgres.pool, &statement, all).await,
        }
    }

    /// One row or none.
    pub(crate) async fn fetch_optional(
        &self,
        statement: Statement,
    ) -> Result<Option<Row>, StoreError> {
        Ok(first(self.rows(statement, false).await?))
    }

    /// Exactly one row.
    pub(crate) async fn fetch_one(&self, statement: Statement) -> Result<Row, StoreError> {
        exactly_one(self.fetch_optional(statement).await?)
    }

    /// Every row.
    pub(crate) async fn fetch_all(&self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        self.rows(statement, true).await
    }

    /// One write on its own (its own transaction): how many rows it changed.
    pub(crate) async fn execute(&self, statement: Statement) -> Result<u64, StoreError> {
        match &self.backend {
            Backend::Sqlite(sqlite) => execute_sqlite(&sqlite.writer, statement).await,
            Backend::Postgres(postgres) => execute_postgres(&postgres.pool, statement).await,
        }
    }

    /// A write transaction.
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match &self.backend {
            Backend::Sqlite(sqlite) => Tx::Sqlite(WriteTransaction::begin(&sqlite.writer).await?),
            Backend::Postgres(postgres) => Tx::Postgres(postgres.pool.begin().await?),
        })
    }
}

/// A write transaction in either dialect. Dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(WriteTransaction),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    pub(crate) async fn fetch_optional(
        &mut self,
        statement: Statement,
    ) -> Result<Option<Row>, StoreError> {
        Ok(first(self.rows(statement, false).await?))
    }

    pub(crate) async fn fetch_all(&mut self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        self.rows(statement, true).await
    }

    async fn rows(&mut self, statement: Statement, all: bool) -> Result<Vec<Row>, StoreError> {
        match self {
            Tx::Sqlite(transaction) => sqlite_rows(&mut **transaction, &statement, all).await,
            Tx::Postgres(transaction) => postgres_rows(&mut **transaction, &statement, all).await,
        }
    }

    pub(crate) async fn fetch_one(&mut self, statement: Statement) -> Result<Row, StoreError> {
        exactly_one(self.fetch_optional(statement).await?)
    }

    pub(crate) async fn execute(&mut self, statement: Statement) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(transaction) => execute_sqlite(&mut **transaction, statement).await,
            Tx::Postgres(transaction) => execute_postgres(&mut **transaction, statement).await,
        }
    }

    /// Holds the transaction until every other writer serialising on `key` has finished:
    /// on PostgreSQL a transaction-scoped advisory lock (other nodes write beside this
    /// one); on SQLite nothing, as its one writer connection already takes turns.
    pub(crate) async fn serialize_on(&mut self, key: &str) -> Result<(), StoreError> {
        if let Tx::Postgres(transaction) = self {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **transaction)
                .await?;
        }
        Ok(())
    }

    /// One statement that may fail (a unique rule) without ending the transaction:
    /// PostgreSQL aborts a transaction at its first error unless the statement ran in a
    /// savepoint; SQLite undoes just the failed statement by itself.
    pub(crate) async fn attempt(
        &mut self,
        statement: Statement,
    ) -> Result<Option<Row>, StoreError> {
        let Tx::Postgres(transaction) = self else {
            return self.fetch_optional(statement).await;
        };
        let mut savepoint = sqlx::Connection::begin(&mut **transaction).await?;
        match postgres_rows(&mut *savepoint, &statement, false).await {
            Ok(rows) => {
                savepoint.commit().await?;
                Ok(first(rows))
            }
            Err(error) => {
                savepoint.rollback().await?;
                Err(error)
            }
        }
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(transaction) => transaction.commit().await?,
            Tx::Postgres(transaction) => transaction.commit().await?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_numbers_the_placeholders() {
        let statement = statement!(
            "SELECT ? FROM t WHERE a = ? AND b IN (?, ?)",
            1_i64,
            "x",
            2_i64,
            3_i64
        );
        assert_eq!(
            statement.sql_for(Dialect::Postgres),
            "SELECT $1 FROM t WHERE a = $2 AND b IN ($3, $4)"
        );
        assert_eq!(statement.sql_for(Dialect::Sqlite), statement.sql);
        assert_eq!(statement.values.len(), 4);
    }
}
