//! What the admin's screens receive. `Chrome` is what every screen shows around its
//! content (flattened into each page).

use super::SiteView;
use serde::Serialize;
use tidings_domain::DiscussionSettings;

/// What every admin page shows around its content.
#[derive(Serialize)]
pub struct Chrome {
    pub site: SiteView,
    pub noindex: bool,
    pub user_name: String,
    pub is_administrator: bool,
    pub csrf: String,
    pub pending_count: u64,
    pub section: &'static str,
    pub notice: Option<String>,
}

#[derive(Serialize)]
pub struct SetupPage {
    pub site: SiteView,
    pub noindex: bool,
    pub password_rule: &'static str,
    pub token: String,
    pub email: String,
    pub name: String,
    pub error: Option<String>,
    pub error_field: Option<&'static str>,
}

#[derive(Serialize)]
pub struct LoginPage {
    pub site: SiteView,
    pub noindex: bool,
    pub next: String,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct StatusTab {
    pub status: &'static str,
    pub label: &'static str,
    pub count: u64,
    pub current: bool,
}

#[derive(Serialize)]
pub struct ActionButton {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Serialize)]
pub struct QueueRow {
    pub id: i64,
    pub author_name: String,
    pub author_email: String,
    pub author_url: String,
    pub ip: String,
    pub user_agent: String,
    pub article_title: String,
    pub link: String,
    pub content_html: minijinja::Value,
    pub date: String,
    pub date_iso: String,
    pub reason: String,
    pub status: &'static str,
    /// The spam filter's score as a percentage, when it judged.
    pub spam_score: Option<u32>,
    pub reports: u64,
    pub history_url: String,
    /// Every comment on the same article.
    pub article_comments_url: String,
    pub actions: Vec<ActionButton>,
}

#[derive(Serialize)]
pub struct QueuePage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// The status shown, or "all".
    pub status: &'static str,
    pub tabs: Vec<StatusTab>,
    pub rows: Vec<QueueRow>,
    pub bulk_actions: Vec<ActionButton>,
    pub newer_url: Option<String>,
    pub older_url: Option<String>,
    pub search: String,
    pub email: String,
    pub article: String,
    /// The commenter whose history this is, with how many of their comments wait.
    pub commenter_pending: u64,
}

#[derive(Serialize)]
pub struct ArticleRow {
    pub id: i64,
    pub title: String,
    pub status: &'static str,
    pub date: String,
    pub comments: u64,
    pub permalink: String,
}

#[derive(Serialize)]
pub struct ArticlesPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub rows: Vec<ArticleRow>,
    pub page: u32,
    pub pages: u32,
}

#[derive(Default, Serialize)]
pub struct EditorValues {
    pub title: String,
    pub slug: String,
    pub body: String,
    pub status: String,
    pub published_at: String,
    pub comments_open: bool,
}

#[derive(Serialize)]
pub struct EditorPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    /// `None` for a new article.
    pub id: Option<i64>,
    pub permalink: Option<String>,
    pub values: EditorValues,
    pub errors: Vec<(String, String)>,
    /// What the editorial checks found in the body: warnings, never a refusal.
    pub warnings: Vec<tidings_domain::editorial::Warning>,
}

#[derive(Serialize)]
pub struct StatusPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub backend: &'static str,
    pub schema_version: i64,
    pub cache_pages: usize,
    pub cache_megabytes: String,
    pub cache_limit_megabytes: String,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_hit_ratio: String,
    pub cache_invalidations: u64,
    pub cache_evictions: u64,
}

#[derive(Serialize)]
pub struct DiscussionPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub settings: DiscussionSettings,
    pub errors: Vec<(String, String)>,
    pub max_thread_depth: u32,
}

#[derive(Serialize)]
pub struct CommentEditPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub id: i64,
    pub article_title: String,
    pub article_url: String,
    pub status: &'static str,
    pub author: String,
    pub email: String,
    pub url: String,
    pub content: String,
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct PrivacyPage {
    #[serde(flatten)]
    pub chrome: Chrome,
    pub email: String,
    pub error: Option<String>,
}
