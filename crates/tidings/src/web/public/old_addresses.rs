//! The old site's addresses, answered where nothing else did: a not-found page whose path
//! an import recorded becomes a permanent redirect to where that thing is now.

use super::redirect;
use crate::app::App;
use crate::services::old_addresses;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub async fn answer_old_addresses(
    State(app): State<App>,
    request: Request,
    next: Next,
) -> Response {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let uri = request.uri().clone();
    let response = next.run(request).await;
    if !readable || response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let Ok(path) = percent_encoding::percent_decode_str(uri.path()).decode_utf8() else {
        return response;
    };
    match moved(&app, &path, uri.query()).await {
        Ok(Some(target)) if target != uri.path() => {
            redirect(StatusCode::MOVED_PERMANENTLY, &target)
        }
        Ok(_) => response,
        Err(error) => {
            tracing::warn!(%error, "looking up an old address failed");
            response
        }
    }
}

/// The path's new address, else that of WordPress's plain link in its query (`?p=ID` on
/// the old site's own path, `/blog/?p=ID`, when it did not live at the root).
async fn moved(
    app: &App,
    path: &str,
    query: Option<&str>,
) -> Result<Option<String>, tidings_store::StoreError> {
    if let Some(target) = old_addresses::moved_path(app, path).await? {
        return Ok(Some(target));
    }
    // Each known key once, whatever the query repeats: a few lookups at most.
    for key in ["p", "page_id", "cat", "tag", "attachment_id", "author"] {
        let value = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.into_owned());
        if let Some(value) = value
            && let Some(target) = old_addresses::moved_query(app, key, &value).await?
        {
            return Ok(Some(target));
        }
    }
    Ok(None)
}
