//! What the dashboard asks: comments per day and the comments readers reported. Every
//! statement here is the same in both dialects.

use crate::database::{SqlStore, statement};
use crate::rows::{Columns, status_from, timestamp, to_u64};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::{CommentId, CommentStatus};
use time::OffsetDateTime;

/// How many comments in one status arrived on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayCount {
    /// Days after the first day asked for, from 0.
    pub day: u32,
    pub status: CommentStatus,
    pub count: u64,
}

/// A comment readers reported that still shows or waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedComment {
    pub id: CommentId,
    pub author_name: String,
    pub article_title: String,
    pub status: CommentStatus,
    pub reports: u64,
}

#[async_trait]
pub trait DeskStore: Send + Sync {
    /// Comments that arrived from `first_day` (a midnight) on, counted per day and status.
    async fn comments_per_day(&self, first_day: OffsetDateTime) -> StoreResult<Vec<DayCount>>;
    /// Approved or waiting comments with reports, the most reported first.
    async fn reported_comments(&self, limit: u32) -> StoreResult<Vec<ReportedComment>>;
}

#[async_trait]
impl DeskStore for SqlStore {
    async fn comments_per_day(&self, first_day: OffsetDateTime) -> StoreResult<Vec<DayCount>> {
        let start = timestamp(first_day);
        let rows = self
            .fetch_all(statement!(
                "SELECT (created_at - ?) / 86400 AS day, status, COUNT(*) AS count
                   FROM comments WHERE created_at >= ?
                  GROUP BY 1, 2",
                start,
                start
            ))
            .await?;
        rows.iter()
            .map(|row| {
                let day = row.integer("day")?;
                Ok(DayCount {
                    day: u32::try_from(day)
                        .map_err(|_| StoreError::Other(format!("day {day} out of range")))?,
                    status: status_from(&row.text("status")?)?,
                    count: to_u64(row.integer("count")?),
                })
            })
            .collect()
    }

    async fn reported_comments(&self, limit: u32) -> StoreResult<Vec<ReportedComment>> {
        let rows = self
            .fetch_all(statement!(
                "SELECT c.id, c.author_name, c.status, a.title, COUNT(*) AS reports
                   FROM comment_reports r
                   JOIN comments c ON c.id = r.comment_id
                   JOIN articles a ON a.id = c.article_id
                  WHERE c.status IN ('approved', 'pending')
                  GROUP BY c.id, c.author_name, c.status, a.title
                  ORDER BY COUNT(*) DESC, c.id DESC
                  LIMIT ?",
                i64::from(limit)
            ))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ReportedComment {
                    id: CommentId(row.integer("id")?),
                    author_name: row.text("author_name")?,
                    article_title: row.text("title")?,
                    status: status_from(&row.text("status")?)?,
                    reports: to_u64(row.integer("reports")?),
                })
            })
            .collect()
    }
}
