//! The media library: upload images (a plain file field, or dropped on the page or the
//! editor, where a script sends them and gets JSON back), describe them, copy their
//! Markdown. Readers get the files from `/media/…` (`web::public::media`).

use crate::app::App;
use crate::render::views::admin::{MediaPage, MediaRow};
use crate::services::media::{self, Upload, UploadError};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm, AdminUpload, FilePart};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_domain::media::{MediaKey, UploadProblem};
use tidings_domain::{Capability, Media};
use tidings_store::Page;

use super::{chrome, query_value, render, url_encode};

const PER_PAGE: u32 = 40;

pub async fn list_media(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::Upload)?;
    let uploaded = match query_value(&query, "uploaded").and_then(|key| MediaKey::parse(&key)) {
        Some(key) => app.store.media_by_key(&key).await?,
        None => None,
    };
    let page = library_page(
        &app,
        &admin,
        &query,
        query_value(&query, "notice"),
        String::new(),
        Vec::new(),
    )
    .await?;
    let page = MediaPage {
        uploaded: uploaded.as_ref().map(MediaRow::of),
        ..page
    };
    render(&app, StatusCode::OK, "admin/media.html", page)
}

async fn library_page(
    app: &App,
    admin: &Admin,
    query: &Option<String>,
    notice: Option<String>,
    alt: String,
    errors: Vec<(String, String)>,
) -> Result<MediaPage, AppError> {
    let search = query_value(query, "q").unwrap_or_default();
    let number = query_value(query, "page")
        .and_then(|page| page.parse::<u32>().ok())
        .filter(|page| (1..=100_000).contains(page))
        .unwrap_or(1);
    let listed = app
        .store
        .media_library(
            &search,
            Page {
                number,
                size: PER_PAGE,
            },
        )
        .await?;
    let link = |number: u32| format!("/admin/media?q={}&page={number}", url_encode(&search));
    Ok(MediaPage {
        chrome: chrome(app, admin, "media", notice).await?,
        items: listed.items.iter().map(MediaRow::of).collect(),
        previous: (number > 1).then(|| link(number - 1)),
        next: listed.more.then(|| link(number + 1)),
        search,
        alt,
        errors,
        limit_megabytes: app.config.media_max_upload_megabytes,
        uploaded: None,
    })
}

/// Whether the request came from the page's script, which wants JSON back.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.starts_with("application/json"))
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// The status and sentence of a refused upload.
fn refusal(problem: &UploadProblem) -> StatusCode {
    match problem {
        UploadProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        UploadProblem::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// Receives an image from the library's form or the editor's script.
pub async fn upload_media(
    State(app): State<App>,
    admin: Admin,
    request: Request,
) -> Result<Response, Response> {
    let json_wanted = wants_json(request.headers());
    if let Err(refused) = crate::services::access::require(&admin.user, Capability::Upload) {
        if json_wanted {
            return Ok(json(
                StatusCode::FORBIDDEN,
                serde_json::json!({ "error": refused.0 }),
            ));
        }
        return Err(AppError::from(refused).into_response());
    }
    let AdminUpload { admin, form, file } = AdminUpload::read(&app, admin, request).await?;
    store_upload(&app, admin, form, file, json_wanted)
        .await
        .map_err(IntoResponse::into_response)
}

async fn store_upload(
    app: &App,
    admin: Admin,
    form: crate::web::extract::FormFields,
    file: FilePart,
    json_wanted: bool,
) -> Result<Response, AppError> {
    let app = app.clone();
    let alt = form.get("alt").to_owned();
    let limit = app.config.media_max_upload_bytes();
    let result = match file {
        FilePart::None => Err(UploadError::Refused(UploadProblem::NoFile)),
        FilePart::TooLarge { size } => {
            Err(UploadError::Refused(UploadProblem::too_large(size, limit)))
        }
        FilePart::Sent(file) => {
            media::upload(
                &app,
                &admin.user,
                Upload {
                    bytes: file.bytes,
                    name: file.name,
                    alt: alt.clone(),
                },
            )
            .await
        }
    };
    let (status, message) = match result {
        Ok(media) => return Ok(uploaded(&media, json_wanted)),
        Err(UploadError::Refused(problem)) => (refusal(&problem), problem.to_string()),
        Err(UploadError::Forbidden(refused)) => return Err(refused.into()),
        Err(UploadError::Store(error)) => return Err(error.into()),
        Err(UploadError::Storage(cause)) => {
            tracing::error!(%cause, "an upload could not be stored");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The image could not be stored just now; nothing was saved. Please try again in a moment.".into(),
            )
        }
    };
    if json_wanted {
        return Ok(json(status, serde_json::json!({ "error": message })));
    }
    let page = library_page(
        &app,
        &admin,
        &None,
        None,
        alt,
        vec![("file".into(), message)],
    )
    .await?;
    render(&app, status, "admin/media.html", page)
}

fn uploaded(media: &Media, json_wanted: bool) -> Response {
    if json_wanted {
        let row = MediaRow::of(media);
        return json(
            StatusCode::CREATED,
            serde_json::json!({
                "key": row.key,
                "address": row.address,
                "thumbnail": row.thumbnail,
                "markdown": row.markdown,
                "alt": row.alt,
            }),
        );
    }
    redirect(
        StatusCode::SEE_OTHER,
        &format!(
            "/admin/media?uploaded={}&notice={}",
            media.key,
            url_encode("Image uploaded. Its Markdown is below, ready to paste into an article.")
        ),
    )
}

/// Changes an image's alt text.
pub async fn describe_media(
    State(app): State<App>,
    Path(key): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::Upload)?;
    let key = MediaKey::parse(&key).ok_or(AppError::NotFound)?;
    match media::describe(&app, &admin.user, &key, form.get("alt")).await {
        Ok(Some(_)) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/media?notice={}", url_encode("Alt text saved.")),
        )),
        Ok(None) => Err(AppError::NotFound),
        Err(UploadError::Forbidden(refused)) => Err(refused.into()),
        Err(UploadError::Refused(problem)) => {
            let page = library_page(
                &app,
                &admin,
                &None,
                None,
                String::new(),
                vec![(format!("alt-{key}"), problem.to_string())],
            )
            .await?;
            render(&app, refusal(&problem), "admin/media.html", page)
        }
        Err(UploadError::Store(error)) => Err(error.into()),
        Err(UploadError::Storage(cause)) => Err(AppError::Unavailable(cause)),
    }
}

/// Sets or removes the signed-in person's profile picture.
pub async fn upload_avatar(
    State(app): State<App>,
    admin: Admin,
    request: Request,
) -> Result<Response, Response> {
    let AdminUpload { admin, form, file } = AdminUpload::read(&app, admin, request).await?;
    let upload = match file {
        _ if form.checked("remove") => None,
        FilePart::Sent(file) => Some(Upload {
            bytes: file.bytes,
            name: file.name,
            alt: String::new(),
        }),
        FilePart::None => Some(Upload {
            bytes: Vec::new(),
            name: String::new(),
            alt: String::new(),
        }),
        FilePart::TooLarge { size } => {
            let problem = UploadProblem::too_large(size, app.config.media_max_upload_bytes());
            return super::profile::profile_with_errors(
                &app,
                &admin,
                refusal(&problem),
                vec![("avatar".into(), problem.to_string())],
            )
            .await
            .map_err(IntoResponse::into_response);
        }
    };
    let removing = upload.is_none();
    match media::set_avatar(&app, &admin.user, upload).await {
        Ok(_) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/profile?notice={}",
                url_encode(if removing {
                    "Picture removed: your author page shows your identicon again."
                } else {
                    "Picture saved."
                })
            ),
        )),
        Err(UploadError::Refused(problem)) => super::profile::profile_with_errors(
            &app,
            &admin,
            refusal(&problem),
            vec![("avatar".into(), problem.to_string())],
        )
        .await
        .map_err(IntoResponse::into_response),
        Err(UploadError::Forbidden(refused)) => Err(AppError::from(refused).into_response()),
        Err(UploadError::Store(error)) => Err(AppError::from(error).into_response()),
        Err(UploadError::Storage(cause)) => Err(AppError::Unavailable(cause).into_response()),
    }
}
