//! Fresh stores on every backend this run can reach, and record builders.

pub use std::sync::Arc;
pub use tidings_domain::article::ArticleInput;
pub use tidings_domain::{
    ArticleId, ArticleKind, ArticleStatus, CommentId, CommentStatus, Role, Taxonomy, TermId, UserId,
};
pub use tidings_store::*;
pub use time::OffsetDateTime;
pub use time::macros::datetime;

pub const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

pub struct Fixture {
    pub store: Arc<dyn Store>,
    _folder: tempfile::TempDir,
}

/// A fresh store on each backend this run can reach.
pub async fn stores() -> Vec<Fixture> {
    let folder = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&folder.path().join("test.db"))
        .await
        .unwrap();
    let mut fixtures = vec![Fixture {
        store: Arc::new(sqlite),
        _folder: folder,
    }];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let url = fresh_schema_url(&url).await.unwrap();
        let options = PostgresOptions {
            max_connections: 4,
            ..PostgresOptions::default()
        };
        let postgres = PostgresStore::open(&url, &options).await.unwrap();
        fixtures.push(Fixture {
            store: Arc::new(postgres),
            _folder: tempfile::tempdir().unwrap(),
        });
    }
    fixtures
}

pub fn article(
    title: &str,
    change: impl FnOnce(&mut ArticleInput),
) -> tidings_domain::article::ValidArticle {
    let mut input = ArticleInput {
        title: title.into(),
        body_markdown: "body".into(),
        status: Some(ArticleStatus::Published),
        published_at: Some(NOW - time::Duration::hours(1)),
        comments_open: true,
        ..ArticleInput::default()
    };
    change(&mut input);
    input.validate(NOW).unwrap()
}

pub fn comment(
    article_id: ArticleId,
    content: &str,
    change: impl FnOnce(&mut CommentRecord),
) -> CommentRecord {
    let mut record = CommentRecord {
        article_id,
        parent_id: None,
        author_name: "Ada".into(),
        author_email: "ada@example.com".into(),
        author_url: String::new(),
        content: content.into(),
        content_html: format!("<p>{content}</p>"),
        status: CommentStatus::Approved,
        moderation_reason: String::new(),
        ip: "203.0.113.1".into(),
        user_agent: "agent".into(),
        created_at: NOW,
        spam_score: None,
        proof: None,
        avatar_key: Some("key".into()),
    };
    change(&mut record);
    record
}

pub async fn insert(store: &dyn Store, record: &CommentRecord) -> CommentId {
    store
        .insert_comment(record, &SubmissionGuard::default())
        .await
        .unwrap()
        .unwrap()
}
