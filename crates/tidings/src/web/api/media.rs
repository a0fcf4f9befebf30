//! The media library: its images for anyone, uploads for those whose role may upload.

use super::{ApiError, ApiQuery, Caller, json_with_etag, link_next, page_size};
use crate::app::App;
use crate::services::media::{self as service, Upload, UploadError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tidings_domain::Media;
use tidings_domain::media::variant_widths;
use tidings_store::Page;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// An image of the library.
#[derive(Serialize, ToSchema)]
pub struct MediaOut {
    pub id: i64,
    /// Its widest variant, the address an article names.
    pub url: String,
    /// Every width it is served in, for `srcset`.
    pub sizes: Vec<MediaSize>,
    pub width: u32,
    pub height: u32,
    pub mime_type: String,
    pub alt: String,
    pub original_name: String,
    /// RFC 3339.
    pub uploaded_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MediaSize {
    pub width: u32,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct MediaList {
    pub items: Vec<MediaOut>,
    /// The next page's number, `null` on the last (also in the `Link` header).
    pub next_page: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaParams {
    /// Items per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// From 1 to 100,000.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Words of the alt text or the file's name.
    pub search: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name (its type is read from its bytes, never from the name).
    pub name: Option<String>,
    /// What the image shows, for readers who cannot see it.
    pub alt: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(MediaParams),
    responses((status = 200, body = MediaList), (status = 304, description = "Unchanged"),
              (status = 422, body = super::ErrorBody)))]
pub async fn list_media(
    State(app): State<App>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<MediaParams>,
) -> Result<Response, ApiError> {
    let size = page_size(params.limit)?;
    let number = match params.page {
        None => 1,
        Some(number @ 1..=100_000) => number,
        Some(_) => {
            return Err(ApiError::invalid([(
                "page".to_owned(),
                "Pages are numbered from 1 to 100,000.".to_owned(),
            )]));
        }
    };
    let search = params.search.unwrap_or_default();
    let listed = app
        .store
        .media_library(&search, Page { number, size })
        .await?;
    let next_page = listed.more.then_some(number.saturating_add(1));
    let list = MediaList {
        items: listed
            .items
            .iter()
            .map(|media| media_out(&app, media))
            .collect(),
        next_page,
    };
    let mut response = json_with_etag(&headers, StatusCode::OK, &list);
    let next = next_page.map(|page| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("limit", &size.to_string());
        query.append_pair("page", &page.to_string());
        if !search.is_empty() {
            query.append_pair("search", &search);
        }
        format!("{}/api/v1/media?{}", app.config.base_url(), query.finish())
    });
    link_next(&mut response, next);
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media",
    params(("id" = i64, Path, description = "The image's id")),
    responses((status = 200, body = MediaOut), (status = 304, description = "Unchanged"),
              (status = 404, body = super::ErrorBody)))]
pub async fn get_media(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::from(crate::web::AppError::NotFound);
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let media = app.store.media_by_id(id).await?.ok_or_else(not_found)?;
    Ok(json_with_etag(
        &headers,
        StatusCode::OK,
        &media_out(&app, &media),
    ))
}

#[utoipa::path(post, path = "/api/v1/media", tag = "media", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The image's bytes (JPEG, PNG, WebP or GIF)"),
    security(("application_password" = []), ("session" = [])),
    responses((status = 201, body = MediaOut, headers(("Location" = String))),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn upload_media(
    State(app): State<App>,
    caller: Caller,
    ApiQuery(params): ApiQuery<UploadParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = caller.signed_in()?.clone();
    let upload = Upload {
        bytes: body.to_vec(),
        name: params.name.unwrap_or_else(|| "upload".to_owned()),
        alt: params.alt.unwrap_or_default(),
    };
    let media = match service::upload(&app, &user, upload).await {
        Ok(media) => media,
        Err(UploadError::Forbidden(refused)) => return Err(refused.into()),
        Err(UploadError::Refused(problem)) => {
            let status = match problem {
                tidings_domain::media::UploadProblem::TooLarge { .. } => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "payload_too_large"
            } else {
                "invalid"
            };
            let mut error = ApiError::new(status, code, problem.to_string());
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                error = ApiError::invalid([("file".to_owned(), problem.to_string())]);
            }
            return Err(error);
        }
        Err(UploadError::Storage(cause)) => {
            tracing::error!(%cause, "an upload could not be stored");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The image could not be stored for now; nothing was saved. Please try again.",
            ));
        }
        Err(UploadError::Store(error)) => return Err(error.into()),
    };
    let mut response = (StatusCode::CREATED, axum::Json(media_out(&app, &media))).into_response();
    if let Ok(location) = format!("/api/v1/media/{}", media.id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

fn media_out(app: &App, media: &Media) -> MediaOut {
    let base = app.config.base_url();
    let sizes = variant_widths(media.format, media.width)
        .into_iter()
        .map(|width| MediaSize {
            width,
            url: format!(
                "{base}{}",
                tidings_domain::MediaAddress {
                    key: media.key.clone(),
                    width,
                    format: media.format,
                }
                .path()
            ),
        })
        .collect();
    MediaOut {
        id: media.id,
        url: format!("{base}{}", media.address().path()),
        sizes,
        width: media.width,
        height: media.height,
        mime_type: media.format.content_type().to_owned(),
        alt: media.alt.clone(),
        original_name: media.original_name.clone(),
        uploaded_at: media.uploaded_at.format(&Rfc3339).unwrap_or_default(),
    }
}
