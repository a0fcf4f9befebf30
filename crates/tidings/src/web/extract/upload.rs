//! Upload forms (`multipart/form-data`): their text fields, and one file read up to the
//! site's limit.

use super::{Admin, FormFields};
use crate::app::App;
use crate::web::error::AppError;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A file sent in a `multipart/form-data` form.
pub struct UploadedFile {
    /// The name it had on the sender's machine.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What came of a file field.
pub enum FilePart {
    /// No file was chosen (an empty file field).
    None,
    Sent(UploadedFile),
    /// More bytes than `limit`: the rest was read and dropped, so the form's other fields
    /// can be shown back with the reason.
    TooLarge {
        size: u64,
    },
}

/// A signed-in user's `multipart/form-data` form (an image upload), its CSRF token
/// checked: its text fields, and its one file field read up to the site's upload limit.
/// The CSRF field must come before the file, as in every form of the site.
pub struct AdminUpload {
    pub admin: Admin,
    pub form: FormFields,
    pub file: FilePart,
}

/// The most bytes of one text field of an upload form (an alt text, a token).
const UPLOAD_TEXT_FIELD_LIMIT: usize = 64 * 1024;

impl AdminUpload {
    /// Reads the form of a signed-in `admin`: a handler checks what their role may do
    /// first, so a refused upload is a 403 whatever its body.
    pub async fn read(app: &App, admin: Admin, request: Request) -> Result<Self, Response> {
        AdminUpload::read_with_text(app, admin, request, UPLOAD_TEXT_FIELD_LIMIT).await
    }

    /// As [`AdminUpload::read`], with text fields of up to `text_limit` bytes (the editor's
    /// form carries a whole article beside its image).
    pub async fn read_with_text(
        app: &App,
        admin: Admin,
        request: Request,
        text_limit: usize,
    ) -> Result<Self, Response> {
        let plain_form = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_some_and(|value| {
                value
                    .as_bytes()
                    .starts_with(b"application/x-www-form-urlencoded")
            });
        if plain_form {
            // A form without its file (sent by a script, or a browser that lost the
            // enctype): its token is checked like any other, and it has no image.
            let form = FormFields::from_request(request, app)
                .await
                .map_err(IntoResponse::into_response)?;
            admin
                .check_csrf(&form)
                .map_err(IntoResponse::into_response)?;
            return Ok(AdminUpload {
                admin,
                form,
                file: FilePart::None,
            });
        }
        let mut multipart = axum::extract::Multipart::from_request(request, app)
            .await
            .map_err(|_| {
                AppError::BadRequest(
                    "This address expects a file sent from the site's upload form.".into(),
                )
                .into_response()
            })?;
        let limit = app.config.media_max_upload_bytes();
        let mut form = FormFields(Vec::new());
        let mut file = FilePart::None;
        let unreadable = |error: axum::extract::multipart::MultipartError| {
            if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
                None
            } else {
                Some(
                    AppError::BadRequest(format!(
                        "The upload could not be read ({}). Nothing was saved; please send it again.",
                        error.body_text()
                    ))
                    .into_response(),
                )
            }
        };
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(error) => match unreadable(error) {
                    // Over the route's whole limit: what was read is kept, the file is
                    // refused for its size.
                    None => {
                        file = FilePart::TooLarge {
                            size: limit.saturating_add(1),
                        };
                        break;
                    }
                    Some(response) => return Err(response),
                },
            };
            let name = field.name().unwrap_or("").to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let mut field = field;
            let mut bytes = Vec::new();
            let mut size: u64 = 0;
            let cap = if file_name.is_some() {
                limit
            } else {
                text_limit as u64
            };
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        size = size.saturating_add(chunk.len() as u64);
                        if size <= cap {
                            bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(error) => match unreadable(error) {
                        None => {
                            size = size.max(limit.saturating_add(1));
                            break;
                        }
                        Some(response) => return Err(response),
                    },
                }
            }
            match file_name {
                // One file a form, whatever its field is called.
                Some(file_name) if matches!(file, FilePart::None) => {
                    file = if size > limit {
                        FilePart::TooLarge { size }
                    } else if file_name.is_empty() && bytes.is_empty() {
                        FilePart::None
                    } else {
                        FilePart::Sent(UploadedFile {
                            name: file_name,
                            bytes,
                        })
                    };
                }
                Some(_) => {}
                None if size > cap => {
                    return Err(
                        AppError::BadRequest(format!("The field {name} is too long."))
                            .into_response(),
                    );
                }
                None => {
                    let Ok(value) = String::from_utf8(bytes) else {
                        return Err(AppError::BadRequest(
                            "The form contained bytes that are not UTF-8 text, so it could not be read.".into(),
                        )
                        .into_response());
                    };
                    // The token is checked as soon as it arrives: a forged form is refused
                    // before its file is read.
                    if name == "csrf" {
                        admin
                            .check_csrf(&FormFields(vec![("csrf".into(), value.clone())]))
                            .map_err(IntoResponse::into_response)?;
                    }
                    form.0.push((name, value));
                }
            }
        }
        admin
            .check_csrf(&form)
            .map_err(IntoResponse::into_response)?;
        Ok(AdminUpload { admin, form, file })
    }
}
