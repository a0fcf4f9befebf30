//! What the comment form's script and the comment list fetch: the proof-of-work challenge
//! and the identicons.

use crate::app::App;
use crate::services::{site, spam};
use crate::web::error::AppError;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub async fn challenge(State(app): State<App>) -> Result<Response, AppError> {
    let settings = site::discussion_settings(&app).await?;
    let body = serde_json::to_string(&spam::issue_challenge(&app, &settings))
        .map_err(|error| AppError::Internal(error.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

/// `/avatars/KEY.svg`: the picture is drawn from the key alone, so serving it reads nothing
/// and reveals nothing; browsers may keep it for a year.
pub async fn avatar(Path(file): Path<String>) -> Result<Response, AppError> {
    let key = file.strip_suffix(".svg").ok_or(AppError::NotFound)?;
    if key.len() != 32 || !key.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let digest: Vec<u8> = (0..16)
        .filter_map(|index| u8::from_str_radix(&key[index * 2..index * 2 + 2], 16).ok())
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        tidings_domain::avatar::identicon_svg(&digest),
    )
        .into_response())
}
