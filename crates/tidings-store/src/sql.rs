//! Statements written once for both dialects: SQL whose shape depends on the request (which
//! filters a list applies) is assembled here with placeholders in each dialect's spelling,
//! with its values in order, and each backend binds and runs it.

use crate::records::{CommentQuery, KeysetPage};
use crate::rows::{COMMENT_COLUMNS, QUEUE_COLUMNS, like_pattern, timestamp};
use tidings_domain::email::email_key;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// A value to bind.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Integer(i64),
}

/// SQL and the values of its placeholders, in order.
#[derive(Clone, Debug)]
pub(crate) struct Statement {
    pub sql: String,
    pub values: Vec<Value>,
    dialect: Dialect,
}

impl Statement {
    fn new(dialect: Dialect) -> Statement {
        Statement {
            sql: String::new(),
            values: Vec::new(),
            dialect,
        }
    }

    /// Appends `value` and returns its placeholder: `?` or `$N`.
    fn bind(&mut self, value: Value) -> String {
        self.values.push(value);
        match self.dialect {
            Dialect::Sqlite => "?".to_owned(),
            Dialect::Postgres => format!("${}", self.values.len()),
        }
    }
}

/// The admin's comment list: the filters asked for, one page of rows newest first from a
/// key (never an OFFSET, so page 2,000 costs what page 1 costs), one row more than `size` to
/// tell whether another page follows. Only the filters in use appear in the SQL, so each
/// query can use the index that fits it. Moving to newer rows reads them oldest first;
/// callers put them back in order.
pub(crate) fn find_comments(
    dialect: Dialect,
    query: &CommentQuery,
    page: KeysetPage,
    size: u32,
) -> Statement {
    let mut statement = Statement::new(dialect);
    let mut conditions = Vec::new();
    if let Some(status) = query.status {
        let placeholder = statement.bind(Value::Text(status.as_str().to_owned()));
        conditions.push(format!("c.status = {placeholder}"));
    }
    if let Some(article_id) = query.article_id {
        let placeholder = statement.bind(Value::Integer(article_id.0));
        conditions.push(format!("c.article_id = {placeholder}"));
    }
    if let Some(email) = &query.email {
        let placeholder = statement.bind(Value::Text(email_key(email)));
        conditions.push(format!("lower(c.author_email) = {placeholder}"));
    }
    let pattern = like_pattern(&query.search);
    if !pattern.is_empty() {
        // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE ignores all case. Both take
        // `\` as the escape of the pattern's wildcards.
        let (like, escape) = match dialect {
            Dialect::Sqlite => ("LIKE", " ESCAPE '\\'"),
            Dialect::Postgres => ("ILIKE", ""),
        };
        let placeholder = statement.bind(Value::Text(pattern));
        let matches: Vec<String> = ["c.content", "c.author_name", "c.author_email", "c.ip"]
            .iter()
            .map(|column| format!("{column} {like} {placeholder}{escape}"))
            .collect();
        // One value, named once per column: PostgreSQL reuses `$N`; SQLite needs it again.
        if dialect == Dialect::Sqlite {
            for _ in 1..matches.len() {
                statement
                    .values
                    .push(Value::Text(like_pattern(&query.search)));
            }
        }
        conditions.push(format!("({})", matches.join(" OR ")));
    }
    let order = match page {
        KeysetPage::Newest => "DESC",
        KeysetPage::OlderThan(at, id) => {
            let at = statement.bind(Value::Integer(timestamp(at)));
            let id = statement.bind(Value::Integer(id.0));
            conditions.push(format!("(c.created_at, c.id) < ({at}, {id})"));
            "DESC"
        }
        KeysetPage::NewerThan(at, id) => {
            let at = statement.bind(Value::Integer(timestamp(at)));
            let id = statement.bind(Value::Integer(id.0));
            conditions.push(format!("(c.created_at, c.id) > ({at}, {id})"));
            "ASC"
        }
    };
    let limit = statement.bind(Value::Integer(i64::from(size) + 1));
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    statement.sql = format!(
        "SELECT {COMMENT_COLUMNS}, {QUEUE_COLUMNS}
         FROM comments c JOIN articles a ON a.id = c.article_id
         {filter}
         ORDER BY c.created_at {order}, c.id {order}
         LIMIT {limit}"
    );
    statement
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_domain::{ArticleId, CommentId, CommentStatus};

    #[test]
    fn only_the_filters_in_use_reach_the_sql() {
        let plain = find_comments(
            Dialect::Sqlite,
            &CommentQuery::default(),
            KeysetPage::Newest,
            20,
        );
        assert!(!plain.sql.contains("c.status ="), "{}", plain.sql);
        assert_eq!(plain.values, [Value::Integer(21)]);

        let query = CommentQuery {
            status: Some(CommentStatus::Pending),
            article_id: Some(ArticleId(7)),
            email: Some("Ada@Example.com".into()),
            search: "50%".into(),
        };
        let at = time::macros::datetime!(2026-06-01 12:00 UTC);
        let postgres = find_comments(
            Dialect::Postgres,
            &query,
            KeysetPage::OlderThan(at, CommentId(9)),
            20,
        );
        assert!(postgres.sql.contains("c.status = $1"), "{}", postgres.sql);
        assert!(
            postgres.sql.contains("lower(c.author_email) = $3"),
            "{}",
            postgres.sql
        );
        assert!(postgres.sql.contains("c.ip ILIKE $4"), "{}", postgres.sql);
        assert!(
            postgres.sql.contains("(c.created_at, c.id) < ($5, $6)"),
            "{}",
            postgres.sql
        );
        assert!(postgres.sql.contains("LIMIT $7"), "{}", postgres.sql);
        assert_eq!(postgres.values[2], Value::Text("ada@example.com".into()));
        assert_eq!(postgres.values[3], Value::Text("%50\\%%".into()));

        let sqlite = find_comments(
            Dialect::Sqlite,
            &query,
            KeysetPage::NewerThan(at, CommentId(9)),
            20,
        );
        assert_eq!(sqlite.sql.matches('?').count(), sqlite.values.len());
        assert!(
            sqlite.sql.contains("ORDER BY c.created_at ASC"),
            "{}",
            sqlite.sql
        );
    }
}
