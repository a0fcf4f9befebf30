//! The SQL of the admin's comment list, built from the filters in use.

use crate::database::{Dialect, Statement, Value};
use crate::records::{CommentQuery, KeysetPage, Page};
use crate::rows::{comment_columns, like_pattern, queue_columns, timestamp};
use tidings_domain::email::email_key;
use time::OffsetDateTime;

/// The admin's comment list: the filters asked for, one page of rows newest first from a
/// key (never an OFFSET, so page 2,000 costs what page 1 costs), one row more than `size` to
/// tell whether another page follows. Only the filters in use appear in the SQL, so each
/// query can use the index that fits it. Moving to newer rows reads them oldest first;
/// the caller puts them back in order.
pub(crate) fn find_statement(
    dialect: Dialect,
    query: &CommentQuery,
    page: KeysetPage,
    size: u32,
) -> Statement {
    let (mut conditions, mut values) = query_conditions(dialect, query);
    let order = match page {
        KeysetPage::Newest => "DESC",
        KeysetPage::OlderThan(at, id) => {
            conditions.push("(c.created_at, c.id) < (?, ?)".to_owned());
            values.extend([timestamp(at).into(), id.0.into()]);
            "DESC"
        }
        KeysetPage::NewerThan(at, id) => {
            conditions.push("(c.created_at, c.id) > (?, ?)".to_owned());
            values.extend([timestamp(at).into(), id.0.into()]);
            "ASC"
        }
    };
    values.push((i64::from(size) + 1).into());
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    Statement {
        sql: format!(
            concat!(
                "SELECT ",
                comment_columns!(),
                ", ",
                queue_columns!(),
                " FROM comments c JOIN articles a ON a.id = c.article_id
                 {filter}
                 ORDER BY c.created_at {order}, c.id {order}
                 LIMIT ?"
            ),
            filter = filter,
            order = order
        )
        .into(),
        values,
    }
}

/// The conditions a query's filters make, and their values.
fn query_conditions(dialect: Dialect, query: &CommentQuery) -> (Vec<String>, Vec<Value>) {
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(status) = query.status {
        conditions.push("c.status = ?".to_owned());
        values.push(status.as_str().into());
    }
    if let Some(article_id) = query.article_id {
        conditions.push("c.article_id = ?".to_owned());
        values.push(article_id.0.into());
    }
    if let Some(email) = &query.email {
        conditions.push("lower(c.author_email) = ?".to_owned());
        values.push(email_key(email).into());
    }
    let pattern = like_pattern(&query.search);
    if !pattern.is_empty() {
        // SQLite's LIKE ignores ASCII case, PostgreSQL's ILIKE all case; both take `\` as
        // the escape of the pattern's wildcards, SQLite only when told.
        let (like, escape) = match dialect {
            Dialect::Sqlite => ("LIKE", " ESCAPE '\\'"),
            Dialect::Postgres => ("ILIKE", ""),
        };
        let matches: Vec<String> = ["c.content", "c.author_name", "c.author_email", "c.ip"]
            .iter()
            .map(|column| format!("{column} {like} ?{escape}"))
            .collect();
        for _ in &matches {
            values.push(pattern.as_str().into());
        }
        conditions.push(format!("({})", matches.join(" OR ")));
    }
    (conditions, values)
}

/// One numbered page of the comments a query selects (WordPress's REST API pages by
/// number, with a total), by date, and the statement that counts them all. With
/// `public_at`, only comments on articles public at that moment.
pub(crate) fn page_statements(
    dialect: Dialect,
    query: &CommentQuery,
    public_at: Option<OffsetDateTime>,
    oldest_first: bool,
    page: Page,
) -> (Statement, Statement) {
    let (mut conditions, mut values) = query_conditions(dialect, query);
    if let Some(at) = public_at {
        conditions.push("a.status = 'published' AND a.published_at <= ?".to_owned());
        values.push(timestamp(at).into());
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let count = Statement {
        sql: format!(
            "SELECT COUNT(*) AS count FROM comments c JOIN articles a ON a.id = c.article_id {filter}"
        )
        .into(),
        values: values.clone(),
    };
    let order = if oldest_first { "ASC" } else { "DESC" };
    values.push(i64::from(page.size).into());
    values.push(page.offset().into());
    let list = Statement {
        sql: format!(
            concat!(
                "SELECT ",
                comment_columns!(),
                " FROM comments c JOIN articles a ON a.id = c.article_id
                 {filter}
                 ORDER BY c.created_at {order}, c.id {order}
                 LIMIT ? OFFSET ?"
            ),
            filter = filter,
            order = order
        )
        .into(),
        values,
    };
    (count, list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_domain::{ArticleId, CommentId, CommentStatus};

    #[test]
    fn only_the_filters_in_use_reach_the_sql() {
        let plain = find_statement(
            Dialect::Sqlite,
            &CommentQuery::default(),
            KeysetPage::Newest,
            20,
        );
        assert!(!plain.sql.contains("c.status ="), "{}", plain.sql);
        assert_eq!(plain.values, [Value::Integer(Some(21))]);

        let query = CommentQuery {
            status: Some(CommentStatus::Pending),
            article_id: Some(ArticleId(7)),
            email: Some("Ada@Example.com".into()),
            search: "50%".into(),
        };
        let at = time::macros::datetime!(2026-06-01 12:00 UTC);
        let postgres = find_statement(
            Dialect::Postgres,
            &query,
            KeysetPage::OlderThan(at, CommentId(9)),
            20,
        );
        let sql = postgres.sql_for(Dialect::Postgres);
        assert!(sql.contains("c.status = $1"), "{sql}");
        assert!(sql.contains("lower(c.author_email) = $3"), "{sql}");
        assert!(sql.contains("c.ip ILIKE $7"), "{sql}");
        assert!(sql.contains("(c.created_at, c.id) < ($8, $9)"), "{sql}");
        assert!(sql.contains("LIMIT $10"), "{sql}");
        assert_eq!(
            postgres.values[2],
            Value::Text(Some("ada@example.com".into()))
        );
        assert_eq!(postgres.values[3], Value::Text(Some("%50\\%%".into())));

        let sqlite = find_statement(
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
