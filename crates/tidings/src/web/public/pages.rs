//! Pages (About, Contact) at `/slug/` under their parents: `/about/team/`, with their
//! comments on `comment-page-N/` like an article's.

use super::{Viewer, article_response, public_or_moved, redirect};
use crate::app::App;
use crate::web::error::AppError;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use tidings_domain::date_archive::DateArchive;

/// Every address no other route claims: a page, or a 404. Only GET and HEAD can read one.
pub async fn show_page(
    State(app): State<App>,
    method: Method,
    uri: Uri,
    RawQuery(query): RawQuery,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(AppError::NotFound);
    }
    // The path as sent, percent-decoded (a page's slug may be in any script).
    let Ok(path) = percent_encoding::percent_decode_str(uri.path()).decode_utf8() else {
        return Err(AppError::NotFound);
    };
    let path = path.trim_start_matches('/');
    if !path.ends_with('/') {
        // `/about` is `/about/`, as WordPress redirects it, when there is such a page.
        let Some(page) = app.store.page_by_path(path).await? else {
            return Err(AppError::NotFound);
        };
        if !page.is_visible_to(viewer.staff, app.now()) {
            return Err(AppError::NotFound);
        }
        let query = query.map(|query| format!("?{query}")).unwrap_or_default();
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{}{query}", page.permalink()),
        ));
    }
    page_at(&app, path.trim_matches('/'), query, &viewer).await
}

/// The page at `path` (no slashes around it), or its comment page when the path ends in
/// `comment-page-N`.
pub(super) async fn page_at(
    app: &App,
    path: &str,
    query: Option<String>,
    viewer: &Viewer,
) -> Result<Response, AppError> {
    // A date archive (`/2026/`, `/2026/11/`, `/2026/11/30/page/2/`): years are not page
    // slugs, so no page can be hidden by one.
    let parts: Vec<&str> = path.split('/').collect();
    if let Some((archive, number)) = DateArchive::parse(&parts) {
        return super::archives::date_archive(app, archive, number).await;
    }
    let (page_path, comment_page) = match path.rsplit_once('/') {
        Some((parent, last)) if last.starts_with("comment-page-") => {
            let number = last["comment-page-".len()..]
                .parse::<u32>()
                .ok()
                .filter(|number| *number > 0)
                .ok_or(AppError::NotFound)?;
            (parent, Some(number))
        }
        _ => (path, None),
    };
    if page_path.is_empty() || page_path.split('/').any(str::is_empty) {
        return Err(AppError::NotFound);
    }
    let suffix = comment_page.map_or(String::new(), |page| format!("comment-page-{page}/"));
    let found = app.store.page_by_path(page_path).await?;
    let address = format!("/{page_path}/");
    let page = match public_or_moved(app, found, &address, &suffix, viewer).await? {
        Ok(page) => page,
        Err(moved) => return Ok(moved),
    };
    if page.permalink() != address {
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{}{suffix}", page.permalink()),
        ));
    }
    article_response(app, &page, comment_page, query).await
}
