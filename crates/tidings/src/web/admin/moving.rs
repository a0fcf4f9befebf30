//! Moving in and out (administrators only): upload a WordPress or Disqus export, watch it
//! import, read its report; download the whole site as a WordPress export.

use crate::app::App;
use crate::render::views::admin::{ImportJobView, MovingPage};
use crate::services::exports;
use crate::services::imports::{self, DEFAULT_MAX_BYTES, ImportKind};
use crate::web::error::AppError;
use crate::web::extract::{Admin, FormFields};
use crate::web::public::redirect;
use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::sync::atomic::Ordering;
use tidings_domain::Capability;

use super::{chrome, render};

pub async fn show_moving(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageSite)?;
    let job = app.imports.snapshot().map(|job| {
        let read = job.progress.bytes_read.load(Ordering::Relaxed);
        let total = job.progress.total_bytes.load(Ordering::Relaxed).max(1);
        let seconds = job.started.elapsed().as_secs_f64().max(0.001);
        let (lines, error) = match &job.outcome {
            Some(Ok(lines)) => (lines.clone(), None),
            Some(Err(error)) => (Vec::new(), Some(error.clone())),
            None => (Vec::new(), None),
        };
        ImportJobView {
            file_name: job.file_name.clone(),
            kind: match job.kind {
                ImportKind::Wxr => "WordPress",
                ImportKind::Disqus => "Disqus",
            },
            dry_run: job.dry_run,
            running: job.outcome.is_none(),
            percent: (read as f64 / total as f64 * 100.0).min(100.0).round() as u32,
            megabytes_read: format!("{:.1}", read as f64 / 1e6),
            megabytes_total: format!("{:.1}", total as f64 / 1e6),
            records: job.progress.records.load(Ordering::Relaxed),
            rate: format!("{:.1}", read as f64 / 1e6 / seconds),
            lines,
            error,
        }
    });
    let page = MovingPage {
        chrome: chrome(&app, &admin, "moving", None).await?,
        refresh: job.as_ref().is_some_and(|job| job.running),
        job,
        limit_megabytes: DEFAULT_MAX_BYTES / (1024 * 1024),
    };
    render(&app, StatusCode::OK, "admin/moving.html", page)
}

/// Receives an export file, written to the data folder as it arrives (never held in
/// memory), and starts importing it in the background.
pub async fn upload_import(
    State(app): State<App>,
    admin: Admin,
    request: Request,
) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageSite)?;
    let multipart_body = request
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"multipart/form-data"));
    if !multipart_body {
        // A form without its file: its token is checked like any other's first.
        let form = FormFields::from_request(request, &app)
            .await
            .map_err(|_| AppError::BadRequest("This form could not be read.".into()))?;
        admin.check_csrf(&form)?;
        return Err(AppError::BadRequest(
            "Choose the export file to import: no file came with the form.".into(),
        ));
    }
    let mut multipart = axum::extract::Multipart::from_request(request, &app)
        .await
        .map_err(|_| {
            AppError::BadRequest(
                "This address expects an export file sent from the Import page's form.".into(),
            )
        })?;
    let folder = app.data_dir.join("imports");
    std::fs::create_dir_all(&folder)
        .map_err(|error| file_error(error, "creating the imports folder"))?;
    let mut fields = FormFields(Vec::new());
    let mut file: Option<(std::path::PathBuf, String)> = None;
    let unreadable = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(format!(
                "The upload could not be read ({}). Nothing was imported; please send it again.",
                error.body_text()
            ))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) if file.is_none() => {
                // The token comes before the file in the form: a forged form is refused
                // before its file is read.
                admin.check_csrf(&fields)?;
                let path = folder.join(format!("upload-{}.xml", crate::security::random_token()));
                let mut out = std::fs::File::create(&path)
                    .map_err(|error| file_error(error, "creating an import file"))?;
                let mut size: u64 = 0;
                let written = async {
                    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                        size += chunk.len() as u64;
                        if size > DEFAULT_MAX_BYTES {
                            return Err(AppError::PayloadTooLarge);
                        }
                        out.write_all(&chunk)
                            .map_err(|error| file_error(error, "writing an import file"))?;
                    }
                    Ok(())
                }
                .await;
                if let Err(error) = written {
                    let _ = std::fs::remove_file(&path);
                    return Err(error);
                }
                file = Some((path, file_name));
            }
            Some(_) => {}
            None => {
                let value = field.text().await.map_err(unreadable)?;
                if value.len() > 4096 {
                    return Err(AppError::BadRequest(format!(
                        "The field {name} is too long."
                    )));
                }
                fields.0.push((name, value));
            }
        }
    }
    admin.check_csrf(&fields)?;
    let Some((path, file_name)) =
        file.filter(|(path, _)| std::fs::metadata(path).is_ok_and(|metadata| metadata.len() > 0))
    else {
        return Err(AppError::BadRequest(
            "Choose the export file to import: no file came with the form.".into(),
        ));
    };
    let kind = match fields.get("kind") {
        "disqus" => ImportKind::Disqus,
        _ => ImportKind::Wxr,
    };
    let dry_run = fields.get("dry_run") == "1";
    if !imports::start_in_background(&app, path, file_name, kind, dry_run) {
        return Err(AppError::Conflict(
            "Another import is still running on this server; wait for it to finish.".into(),
        ));
    }
    Ok(redirect(StatusCode::SEE_OTHER, "/admin/import"))
}

/// A failure to keep the uploaded file: a full disk says so (503, nothing imported), as a
/// full disk does everywhere else; anything else is the server's fault.
fn file_error(error: std::io::Error, doing: &str) -> AppError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        AppError::StorageFull(format!("{doing}: {error}"))
    } else {
        AppError::Internal(anyhow::anyhow!("{doing}: {error}"))
    }
}

/// The whole site as a WordPress export, streamed as it is written.
pub async fn download_export(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    crate::services::access::require(&admin.user, Capability::ManageSite)?;
    let (sender, receiver) = tokio::sync::mpsc::channel(8);
    let exporting = app.clone();
    tokio::spawn(async move {
        if let Err(error) = exports::export_wxr(&exporting, sender).await {
            tracing::warn!(%error, "an export stopped before its end");
        }
    });
    let day = app
        .now()
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default();
    let disposition = format!("attachment; filename=\"tidings-export-{day}.xml\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/rss+xml; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::new(ChunkBody(receiver)),
    )
        .into_response())
}

/// A response body fed by the exporter's chunks.
struct ChunkBody(tokio::sync::mpsc::Receiver<bytes::Bytes>);

impl http_body::Body for ChunkBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.0
            .poll_recv(context)
            .map(|chunk| chunk.map(|chunk| Ok(http_body::Frame::data(chunk))))
    }
}
