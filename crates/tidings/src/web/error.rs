//! Errors as readers and clients see them.
//!
//! | layer | error type | becomes |
//! |---|---|---|
//! | domain | small enums (`InvalidArticle`, `FieldErrors`) | a form shown again with messages beside fields |
//! | store | `StoreError` | 409 for a conflict, 503 when unavailable or the disk is full, 500 otherwise |
//! | services | one enum per use case (`SubmitError`, `AccountError`) | mapped by the handler that called it |
//! | web | [`AppError`] | the theme's error page, with a stable snake_case code |
//! | startup and CLI | `anyhow::Error` with context | a message on standard error and exit code 1 |
//!
//! A handler returns `AppError` and knows nothing of templates: the error becomes an empty
//! response carrying an [`ErrorPage`] extension, and the `render_error_pages` middleware
//! turns that (and axum's own bare 404 and 405 answers) into the themed page. Internal causes
//! are logged where they become a 500 and never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_store::StoreError;

/// Seconds a client is asked to wait after a 503.
pub const RETRY_UNAVAILABLE: &str = "30";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 404: nothing public lives at this address.
    #[error("not found")]
    NotFound,
    /// 400: the request cannot be read at all.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 403: understood and refused; `kept_text` is a reader's comment to show back.
    #[error("forbidden: {message}")]
    Forbidden {
        message: String,
        kept_text: Option<String>,
    },
    /// 404 that keeps a reader's comment text, for a comment on a vanished article.
    #[error("not found: {message}")]
    GoneWithText { message: String, kept_text: String },
    /// 409: the change clashes with what is stored.
    #[error("conflict: {0}")]
    Conflict(String),
    /// 408: the request's body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    /// 413: the body is larger than this route accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 429: slow down.
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// 503: the database is unavailable; retrying later may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 503: the disk is full, so nothing could be saved; it passes once space is freed.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// 503: the database was found damaged; the site serves nothing until it is restored.
    #[error("the database is damaged")]
    DatabaseDamaged,
    /// 503 that shows a reader's comment back: it could not be stored for now.
    #[error("unavailable, with a reader's text kept")]
    UnavailableWithText { kept_text: String },
    /// 500: a bug or a broken environment; logged, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

/// What the error-page middleware needs to render a themed page.
#[derive(Clone, Debug)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub kept_text: Option<String>,
}

impl ErrorPage {
    /// The page for a bare status from axum itself (unknown route, wrong method).
    pub fn for_status(status: StatusCode) -> ErrorPage {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => (
                "not_found",
                "There is nothing at this address. It may have moved, or the link may be mistyped.",
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "This address does not accept that kind of request.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload_too_large",
                "What you sent is larger than this site accepts.",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "This address expects a form submission.",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "request_timeout",
                "What you sent arrived too slowly and was not read.",
            ),
            status if status.is_server_error() => (
                "internal",
                "Something went wrong on our side. Please try again in a moment.",
            ),
            _ => ("bad_request", "The request could not be understood."),
        };
        ErrorPage {
            status,
            code,
            message: message.into(),
            kept_text: None,
        }
    }
}

impl AppError {
    /// The status, stable code and message this error is answered with, for the JSON API.
    pub(crate) fn into_page(self) -> ErrorPage {
        self.page()
    }

    fn page(self) -> ErrorPage {
        let page = |status, code, message: String, kept_text| ErrorPage {
            status,
            code,
            message,
            kept_text,
        };
        match self {
            AppError::NotFound => ErrorPage::for_status(StatusCode::NOT_FOUND),
            AppError::BadRequest(message) => page(StatusCode::BAD_REQUEST, "bad_request", message, None),
            AppError::Forbidden { message, kept_text } => page(StatusCode::FORBIDDEN, "forbidden", message, kept_text),
            AppError::GoneWithText { message, kept_text } => page(StatusCode::NOT_FOUND, "not_found", message, Some(kept_text)),
            AppError::Conflict(message) => page(StatusCode::CONFLICT, "conflict", message, None),
            AppError::RequestTimeout => page(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "What you sent arrived too slowly and was not read. Nothing was saved; please send it again.".into(),
                None,
            ),
            AppError::PayloadTooLarge => page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "What you sent is larger than this site accepts. A comment may have at most 65,525 characters.".into(),
                None,
            ),
            AppError::TooManyRequests(message) => page(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message, None),
            AppError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The site is busy or under maintenance. Please try again in a moment.".into(),
                    None,
                )
            }
            AppError::StorageFull(cause) => {
                tracing::error!(%cause, "the disk is full: nothing can be saved until space is freed");
                page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_full",
                    "The site cannot save anything at the moment. Nothing you sent was saved; please try again in a few minutes.".into(),
                    None,
                )
            }
            AppError::DatabaseDamaged => page(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_damaged",
                "The site is closed while its database is repaired. Please come back later.".into(),
                None,
            ),
            AppError::UnavailableWithText { kept_text } => page(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The site cannot save anything at the moment, so your comment was not saved. Its text is below: please keep it and post it again in a few minutes.".into(),
                Some(kept_text),
            ),
            AppError::Internal(cause) => {
                tracing::error!(cause = %format!("{cause:#}"), "internal error");
                ErrorPage::for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = self.page();
        let mut response = page.status.into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if page.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_UNAVAILABLE),
            );
        }
        response.extensions_mut().insert(page);
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { what } => {
                AppError::Conflict(format!("That {what} is already taken."))
            }
            StoreError::Unavailable(cause) => AppError::Unavailable(cause),
            StoreError::Full(cause) => AppError::StorageFull(cause),
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

impl From<minijinja::Error> for AppError {
    fn from(error: minijinja::Error) -> Self {
        AppError::Internal(anyhow::Error::new(error).context("rendering a template"))
    }
}

impl From<crate::services::access::Forbidden> for AppError {
    fn from(refused: crate::services::access::Forbidden) -> Self {
        AppError::Forbidden {
            message: refused.0,
            kept_text: None,
        }
    }
}

impl From<crate::services::comments::ModerationError> for AppError {
    fn from(error: crate::services::comments::ModerationError) -> Self {
        match error {
            crate::services::comments::ModerationError::Forbidden(refused) => refused.into(),
            crate::services::comments::ModerationError::Store(error) => error.into(),
        }
    }
}
