//! Uploaded images as readers get them: `/media/{key}/{width}.{ext}`.

use crate::app::App;
use crate::web::error::AppError;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_domain::MediaAddress;

/// A variant never changes once made (a new upload gets a new key), so it may be kept a
/// year by every cache, and its address is its version: the ETag is the address itself.
pub async fn media_file(
    State(app): State<App>,
    Path((key, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let address = MediaAddress::parse_file(&key, &file).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}-{}\"", address.key, address.width);
    let cache_headers = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).map_err(|error| AppError::Internal(error.into()))?,
        ),
    ];
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag
        });
    // The address is the version: a browser that has it needs nothing read.
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache_headers).into_response());
    }
    let bytes = match app.media.read(&address).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(AppError::NotFound),
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "reading an image from the media storage"
            );
            return Err(AppError::Unavailable(error.to_string()));
        }
    };
    Ok((
        cache_headers,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(address.format.content_type()),
        )],
        bytes,
    )
        .into_response())
}
