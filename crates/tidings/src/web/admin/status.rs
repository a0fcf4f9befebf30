//! How the site is doing: the database and the page cache.

use crate::app::App;
use crate::render::views::admin::StatusPage;
use crate::web::error::AppError;
use crate::web::extract::Admin;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{chrome, render};

/// How the site is doing: the database, and the page cache's hit ratio.
pub async fn show_status(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let stats = app.cache.stats();
    let megabytes = |bytes: usize| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    let page = StatusPage {
        chrome: chrome(&app, &admin, "status", None).await?,
        backend: if app.shared_database {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        schema_version: app.store.schema_version().await?,
        cache_pages: stats.pages,
        cache_megabytes: megabytes(stats.bytes),
        cache_limit_megabytes: megabytes(stats.limit_bytes),
        cache_hits: stats.hits,
        cache_misses: stats.misses,
        cache_hit_ratio: format!("{:.1}%", stats.hit_ratio() * 100.0),
        cache_invalidations: stats.invalidations,
        cache_evictions: stats.evictions,
    };
    render(&app, StatusCode::OK, "admin/status.html", page)
}
