//! How the site is doing: the database, the page cache, the backups and the disk.

use crate::app::App;
use crate::render::views::admin::StatusPage;
use crate::web::error::AppError;
use crate::web::extract::Admin;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{chrome, render};

/// How the site is doing: the database, the page cache's hit ratio, and the last good
/// backup (with a warning when there is none from the last day).
pub async fn show_status(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let stats = app.cache.stats();
    let backups = crate::services::backups::status(app.store.as_ref()).await?;
    let last_good = backups
        .last_good_at
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok());
    let megabytes = |bytes: usize| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    let disk = crate::services::disk::of_data_folder(&app).await;
    let gigabytes = |bytes: u64| format!("{:.1} GB", bytes as f64 / 1e9);
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
        backup_every_hours: app.config.backup_every_hours,
        backup_keep: app.config.backup_keep,
        backup_last_good: last_good.map(crate::render::views::human_date_time),
        backup_last_file: backups.last_good_file,
        backup_last_megabytes: backups
            .last_good_bytes
            .map(|bytes| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))),
        backup_last_error: backups.last_error,
        backup_stale: last_good
            .is_none_or(|at| app.now() - at > crate::services::backups::STALE_AFTER),
        disk_space: disk.map(|disk| {
            format!(
                "{} free of {}",
                gigabytes(disk.free_bytes),
                gigabytes(disk.total_bytes)
            )
        }),
        disk_nearly_full: disk.is_some_and(|disk| disk.nearly_full()),
    };
    render(&app, StatusCode::OK, "admin/status.html", page)
}
