//! `/wp/v2/media`: the media library's images, and uploads from WordPress clients (the
//! file as the body, its name in `Content-Disposition`, as WordPress documents).

use super::{Params, WpCaller, WpError, paged, rest_url, wp_date};
use crate::app::App;
use crate::services::media::{self as service, Upload, UploadError};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use tidings_domain::Media;
use tidings_domain::media::variant_widths;
use tidings_store::Page;

fn not_found() -> WpError {
    WpError::new(
        StatusCode::NOT_FOUND,
        "rest_post_invalid_id",
        "Invalid post ID.",
    )
}

pub async fn list_media(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let page = params.number("page", 1, u32::MAX)?;
    let per_page = params.number("per_page", 10, 100)?;
    let search = params.get("search").unwrap_or_default();
    let listed = app
        .store
        .media_library(
            search,
            Page {
                number: page,
                size: per_page,
            },
        )
        .await?;
    let total = app.store.count_media(search).await?;
    let items = listed
        .items
        .iter()
        .map(|media| media_json(&app, media))
        .collect();
    paged(&app, "/wp/v2/media", items, total, page, per_page, &params)
}

pub async fn get_media(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let media = app.store.media_by_id(id).await?.ok_or_else(not_found)?;
    Ok(super::answer(
        StatusCode::OK,
        &media_json(&app, &media),
        &params,
    ))
}

pub async fn upload_media(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let user = caller.user.clone().ok_or_else(|| {
        WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_cannot_create",
            "Sorry, you are not allowed to upload media as this user.",
        )
    })?;
    let name = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|value| value.to_str().ok())
        .and_then(file_name)
        .ok_or_else(|| {
            WpError::new(
                StatusCode::BAD_REQUEST,
                "rest_upload_no_content_disposition",
                "No Content-Disposition supplied: send the file as the body with \
                 Content-Disposition: attachment; filename=\"…\".",
            )
        })?;
    let upload = Upload {
        bytes: body.to_vec(),
        name,
        alt: params.get("alt_text").unwrap_or_default().to_owned(),
    };
    let media = match service::upload(&app, &user, upload).await {
        Ok(media) => media,
        Err(UploadError::Forbidden(_)) => {
            return Err(WpError::new(
                StatusCode::FORBIDDEN,
                "rest_cannot_create",
                "Sorry, you are not allowed to upload media as this user.",
            ));
        }
        Err(UploadError::Refused(problem)) => {
            let status = match problem {
                tidings_domain::media::UploadProblem::TooLarge { .. } => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                _ => StatusCode::BAD_REQUEST,
            };
            return Err(WpError::new(
                status,
                "rest_upload_unknown_error",
                problem.to_string(),
            ));
        }
        Err(UploadError::Storage(cause)) => {
            tracing::error!(%cause, "an upload could not be stored");
            return Err(WpError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "rest_upload_unknown_error",
                "The file could not be stored for now; nothing was saved. Please try again.",
            ));
        }
        Err(UploadError::Store(error)) => return Err(error.into()),
    };
    let mut response = super::answer(StatusCode::CREATED, &media_json(&app, &media), &params);
    if let Ok(location) = rest_url(&app, &format!("/wp/v2/media/{}", media.id)).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `attachment; filename="photo.jpg"` (or `filename*=UTF-8''…`): the name.
fn file_name(disposition: &str) -> Option<String> {
    disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| {
            if let Some(encoded) = part.strip_prefix("filename*=") {
                let encoded = encoded.split_once("''").map_or(encoded, |(_, rest)| rest);
                return percent_encoding::percent_decode_str(encoded)
                    .decode_utf8()
                    .ok()
                    .map(|name| name.into_owned());
            }
            part.strip_prefix("filename=")
                .map(|name| name.trim_matches('"').to_owned())
        })
        .filter(|name| !name.is_empty() && !name.contains('\0'))
}

/// An image as WordPress shows an attachment.
pub fn media_json(app: &App, media: &Media) -> Value {
    let base = app.config.base_url();
    let address = media.address();
    let mut sizes = Map::new();
    for width in variant_widths(media.format, media.width) {
        let height =
            (u64::from(media.height) * u64::from(width) / u64::from(media.width.max(1))) as u32;
        let variant = tidings_domain::MediaAddress {
            key: media.key.clone(),
            width,
            format: media.format,
        };
        let name = if width == address.width {
            "full".to_owned()
        } else {
            format!("w{width}")
        };
        sizes.insert(
            name,
            json!({
                "file": format!("{width}.{}", media.format.extension()),
                "width": width,
                "height": height,
                "mime_type": media.format.content_type(),
                "source_url": format!("{base}{}", variant.path()),
            }),
        );
    }
    let title = media
        .original_name
        .rsplit_once('.')
        .map_or(media.original_name.as_str(), |(stem, _)| stem);
    json!({
        "id": media.id,
        "date": wp_date(media.uploaded_at),
        "date_gmt": wp_date(media.uploaded_at),
        "guid": {"rendered": format!("{base}{}", address.path())},
        "modified": wp_date(media.uploaded_at),
        "modified_gmt": wp_date(media.uploaded_at),
        "slug": media.key.as_str(),
        "status": "inherit",
        "type": "attachment",
        "link": format!("{base}{}", address.path()),
        "title": {"rendered": super::posts::escape(title)},
        "author": media.uploaded_by.map_or(0, |id| id.0),
        "comment_status": "closed",
        "ping_status": "closed",
        "meta": [],
        "description": {"rendered": ""},
        "caption": {"rendered": ""},
        "alt_text": media.alt,
        "media_type": "image",
        "mime_type": media.format.content_type(),
        "media_details": {
            "width": media.width,
            "height": media.height,
            "filesize": media.bytes,
            "file": format!("{}/{}.{}", media.key, address.width, media.format.extension()),
            "sizes": sizes,
        },
        "post": null,
        "source_url": format!("{base}{}", address.path()),
        "_links": {
            "self": [{"href": rest_url(app, &format!("/wp/v2/media/{}", media.id))}],
            "collection": [{"href": rest_url(app, "/wp/v2/media")}],
            "about": [{"href": rest_url(app, "/wp/v2/types/attachment")}],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn the_file_name_comes_from_content_disposition() {
        assert_eq!(
            file_name("attachment; filename=\"harbour.jpg\"").as_deref(),
            Some("harbour.jpg")
        );
        assert_eq!(
            file_name("attachment; filename=a.png").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            file_name("attachment; filename*=UTF-8''caf%C3%A9.jpg").as_deref(),
            Some("café.jpg")
        );
        assert_eq!(file_name("attachment"), None);
        assert_eq!(file_name("attachment; filename=\"\""), None);
    }
}
