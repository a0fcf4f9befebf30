//! tidings' own JSON API under `/api/v1/`, its OpenAPI document at `/api/openapi.json` and
//! the reference page at `/api/`.
//!
//! The handlers are as thin as the admin's and call the same services, so every role
//! check, validation and defence applies unchanged. What is the API's own lives here: who
//! the caller is (an application password over HTTP Basic, or the admin's session with its
//! CSRF token in a header), one JSON error shape, `ETag`s, and opaque cursors.

pub(crate) mod articles;
mod directory;
mod discussion;
mod media;
mod reference;

use crate::app::App;
use crate::services::{accounts, app_passwords};
use crate::web::error::{AppError, ErrorPage};
use crate::web::extract::{cookie, session_cookie_name};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tidings_domain::{Capability, User};
use utoipa::ToSchema;

/// The largest JSON body: a whole article (1 MB of Markdown) with room to spare.
const API_BODY_LIMIT: usize = 4 * 1024 * 1024;

pub fn router(app: App, upload_limit: usize) -> Router<App> {
    // Uploads take the site's upload limit; everything else the JSON limit.
    let uploads = Router::new()
        .route(
            "/api/v1/media",
            get(media::list_media).post(media::upload_media),
        )
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit));
    // Articles and pages, read by anyone, are served from the page cache like the pages.
    let articles = Router::new()
        .route(
            "/api/v1/articles",
            get(articles::list_articles).post(articles::create_article),
        )
        .route(
            "/api/v1/articles/{id}",
            get(articles::get_article)
                .patch(articles::update_article)
                .delete(articles::delete_article),
        )
        .route(
            "/api/v1/pages",
            get(articles::list_pages).post(articles::create_page),
        )
        .route(
            "/api/v1/pages/{id}",
            get(articles::get_page)
                .patch(articles::update_page)
                .delete(articles::delete_page),
        )
        .route_layer(middleware::from_fn_with_state(
            app,
            crate::web::page_cache::serve_cached,
        ));
    let v1 = Router::new()
        .route(
            "/api/v1/articles/{id}/comments",
            get(discussion::list_comments).post(discussion::post_comment),
        )
        .route(
            "/api/v1/comments/{id}",
            get(discussion::get_comment).patch(discussion::moderate_comment),
        )
        .route(
            "/api/v1/settings/discussion",
            get(discussion::get_settings).patch(discussion::change_settings),
        )
        .route(
            "/api/v1/sections",
            get(directory::list_sections).post(directory::create_section),
        )
        .route(
            "/api/v1/tags",
            get(directory::list_tags).post(directory::create_tag),
        )
        .route("/api/v1/media/{id}", get(media::get_media))
        .route("/api/v1/users", get(directory::list_users))
        .route("/api/v1/users/{id}", get(directory::get_user))
        .route("/api/v1/me", get(directory::me))
        // Whatever else is under /api/ is no route of the API: a JSON 404, not the site's page.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::from(AppError::NotFound) }),
        )
        .layer(axum::extract::DefaultBodyLimit::max(API_BODY_LIMIT));
    Router::new()
        .route("/api/openapi.json", get(reference::openapi_json))
        .route("/api/", get(reference::reference_page))
        .route(
            "/api",
            get(|| async { crate::web::public::redirect(StatusCode::MOVED_PERMANENTLY, "/api/") }),
        )
        .merge(articles)
        .merge(v1)
        .merge(uploads)
        .layer(middleware::from_fn(refuse_nul))
        .layer(middleware::from_fn(json_errors))
}

/// Every error under `/api/` is JSON, axum's own answers (no route, wrong method, a body
/// too large) included.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let page = response
        .extensions()
        .get::<ErrorPage>()
        .cloned()
        .unwrap_or_else(|| ErrorPage::for_status(status));
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let error = ApiError::new(page.status, page.code, page.message);
    let mut answer = error.into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE {
            answer.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    answer
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"))
}

/// The one shape of every error the API answers: a stable snake_case `code` (the same codes
/// as the site's error pages), a message for people, and the fields at fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable: `not_found`, `unauthorized`, `forbidden`, `invalid`, `conflict`,
    /// `duplicate`, `precondition_failed`, `payload_too_large`, `too_many_requests`,
    /// `comments_closed`, `bad_request`, `unavailable`, `storage_full`, `internal`…
    pub code: String,
    pub message: String,
    /// For `invalid`: each field at fault and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                code: code.to_owned(),
                message: message.into(),
                fields: Vec::new(),
            },
            retry_after: (status == StatusCode::SERVICE_UNAVAILABLE)
                .then_some(crate::web::error::RETRY_UNAVAILABLE.parse().unwrap_or(30)),
        }
    }

    pub fn invalid(fields: impl IntoIterator<Item = (String, String)>) -> ApiError {
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Some fields need fixing; nothing was saved.",
        );
        error.body.fields = fields
            .into_iter()
            .map(|(field, message)| FieldError { field, message })
            .collect();
        error
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in first: send your email and an application password over HTTP Basic.",
        )
    }

    pub fn precondition_failed() -> ApiError {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
            "It changed since you read it (its ETag no longer matches If-Match). Read it again, \
             apply your change to what is there now, and send it with the new ETag.",
        )
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &str {
        &self.body.code
    }

    pub fn message(&self) -> &str {
        &self.body.message
    }

    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.body
            .fields
            .iter()
            .map(|field| (field.field.as_str(), field.message.as_str()))
    }

    pub fn with_retry_after(mut self, seconds: u32) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, json_body(&self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tidings\", charset=\"UTF-8\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let page = error.into_page();
        ApiError::new(page.status, page.code, page.message)
    }
}

impl From<tidings_store::StoreError> for ApiError {
    fn from(error: tidings_store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<crate::services::access::Forbidden> for ApiError {
    fn from(refused: crate::services::access::Forbidden) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", refused.0)
    }
}

fn json_body(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|error| {
        tracing::error!(%error, "an API answer could not be serialised");
        b"{}".to_vec()
    })
}

/// Who is calling: an app with an application password, the admin's own script with the
/// session, or anyone.
pub struct Caller {
    pub user: Option<User>,
}

impl Caller {
    /// The signed-in user, or a 401 for anyone else.
    pub fn signed_in(&self) -> Result<&User, ApiError> {
        self.user.as_ref().ok_or_else(ApiError::unauthorized)
    }

    /// The signed-in user if their role has `capability`: 401 for anyone, 403 for a role
    /// without it.
    pub fn with(&self, capability: Capability) -> Result<&User, ApiError> {
        let user = self.signed_in()?;
        crate::services::access::require(user, capability)?;
        Ok(user)
    }

    pub fn can(&self, capability: Capability) -> bool {
        self.user
            .as_ref()
            .is_some_and(|user| user.role.can(capability))
    }
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let (username, password) = basic_credentials(value).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "The Authorization header must be HTTP Basic: your email and an \
                     application password.",
                )
            })?;
            let ip = crate::web::extract::client_ip(parts, app);
            return match app_passwords::authenticate(app, &username, &password, &ip).await? {
                Some(user) => Ok(Caller { user: Some(user) }),
                None => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "That email and application password do not match a live application \
                     password. Make one under Your profile → Application passwords.",
                )),
            };
        }
        let Some(token) = cookie(&parts.headers, session_cookie_name(&app.config)) else {
            return Ok(Caller { user: None });
        };
        let Some((session, user)) = accounts::session_for_token(app, &token).await? else {
            return Ok(Caller { user: None });
        };
        // A page of another site can make the browser send the cookie, never this header.
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            if !crate::security::same_secret(&session.csrf_token, sent) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "A request made with the admin's session must carry its CSRF token in an \
                     X-CSRF-Token header.",
                ));
            }
        }
        // A session may act only once the site's rule on second factors is met, here as in
        // the admin.
        if crate::services::second_factor::is_required(app).await?
            && !crate::services::second_factor::has_second_factor(app, user.id).await?
        {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "second_factor_required",
                "This site requires two-step sign-in: set it up under Your profile → Security \
                 before using the API with this session.",
            ));
        }
        Ok(Caller { user: Some(user) })
    }
}

fn basic_credentials(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_owned(), password.to_owned()))
}

/// A JSON body, its faults answered in the API's error shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) => {
                if holds_nul(&value) {
                    return Err(nul_refused());
                }
                serde_json::from_value(value).map(ApiJson).map_err(|error| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        format!(
                            "Failed to deserialize the JSON body into the target type: {error}"
                        ),
                    )
                })
            }
            Err(rejection) => {
                let status = rejection.status();
                let code = match status {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                    StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                    StatusCode::UNPROCESSABLE_ENTITY => "invalid",
                    _ => "bad_request",
                };
                Err(ApiError::new(status, code, rejection.body_text()))
            }
        }
    }
}

/// Whether any string of a JSON value (or any key) holds a NUL character: no field of the
/// site may hold one, and PostgreSQL cannot store it.
pub fn holds_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, field)| key.contains('\0') || holds_nul(field)),
        _ => false,
    }
}

/// Whether a query string decodes to a NUL character anywhere.
pub fn query_holds_nul(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(name, value)| name.contains('\0') || value.contains('\0'))
}

fn nul_refused() -> ApiError {
    ApiError::bad_request("No field or parameter may hold a NUL character (\\u0000).")
}

/// Refuses a request whose query holds a NUL character, before any handler reads it.
async fn refuse_nul(request: Request, next: Next) -> Response {
    if crate::web::router::address_holds_nul(request.uri()) {
        return nul_refused().into_response();
    }
    next.run(request).await
}

/// Query parameters, their faults answered in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// A JSON answer with its `ETag`; `304 Not Modified` when the client's `If-None-Match`
/// already names it. The tag is the page cache's for the same bytes, so an answer served
/// from the cache and one rendered anew validate alike.
pub fn json_with_etag(request: &HeaderMap, status: StatusCode, value: &impl Serialize) -> Response {
    let body = json_body(value);
    let etag = etag_of(&body);
    if status == StatusCode::OK && etag_matches(request.get(header::IF_NONE_MATCH), &etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        set_json_headers(response.headers_mut(), &etag);
        return response;
    }
    let mut response = (status, body).into_response();
    set_json_headers(response.headers_mut(), &etag);
    response
}

fn set_json_headers(headers: &mut HeaderMap, etag: &str) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    // Answers differ by who asks; a shared cache keeps none, a client revalidates.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie"),
    );
}

pub fn etag_of(body: &[u8]) -> String {
    let digest = crate::security::sha256_hex_bytes(body);
    crate::web::page_cache::etag(&digest[..32], crate::web::page_cache::Encoding::Identity)
}

/// Whether an `If-None-Match` or `If-Match` value names `etag`: weakly (as RFC 9110 asks
/// for `If-None-Match`), in any content encoding the page cache served it in, or `*`.
pub fn etag_matches(header: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(value) = header.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let plain = |tag: &str| {
        let tag = tag.trim_start_matches("W/");
        tag.strip_suffix("-br\"")
            .or_else(|| tag.strip_suffix("-gzip\""))
            .map_or(tag.to_owned(), |stem| format!("{stem}\""))
    };
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || plain(candidate) == plain(etag))
}

/// A list's position, opaque to clients: the date and id of the last item they saw.
pub fn encode_cursor(at: time::OffsetDateTime, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{id}", at.unix_timestamp()))
}

pub fn decode_cursor(cursor: &str) -> Result<(time::OffsetDateTime, i64), ApiError> {
    let refused = || ApiError::bad_request("The cursor is not one this API gave out.");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
    let text = String::from_utf8(bytes).map_err(|_| refused())?;
    let (at, id) = text.split_once('.').ok_or_else(refused)?;
    let at = at.parse::<i64>().map_err(|_| refused())?;
    let at = time::OffsetDateTime::from_unix_timestamp(at).map_err(|_| refused())?;
    Ok((at, id.parse().map_err(|_| refused())?))
}

/// Adds `Link: <…>; rel="next"` for the next page of a list.
pub fn link_next(response: &mut Response, next: Option<String>) {
    if let Some(next) = next
        && let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\""))
    {
        response.headers_mut().insert(header::LINK, value);
    }
}

/// An id in a JSON body: JSON has one kind of number, and `12.0` is the integer 12 to a
/// JSON Schema (and to JavaScript), so it is read as one; `12.5` is refused.
#[derive(Clone, Copy, Debug)]
pub struct WholeNumber(pub i64);

impl<'de> serde::Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Number::deserialize(deserializer)?;
        if let Some(whole) = value.as_i64() {
            return Ok(WholeNumber(whole));
        }
        match value.as_f64() {
            Some(float) if float.fract() == 0.0 && float.abs() < 9.0e15 =>
            {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "checked whole and in range"
                )]
                Ok(WholeNumber(float as i64))
            }
            _ => Err(serde::de::Error::custom(format!(
                "expected a whole number, found {value}"
            ))),
        }
    }
}

/// The page size a client asked for: 1 to 100, 20 when unsaid.
pub fn page_size(asked: Option<u32>) -> Result<u32, ApiError> {
    match asked {
        None => Ok(20),
        Some(size @ 1..=100) => Ok(size),
        Some(_) => Err(ApiError::invalid([(
            "limit".to_owned(),
            "A page has 1 to 100 items.".to_owned(),
        )])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        let at = time::macros::datetime!(2026-11-30 12:00 UTC);
        let cursor = encode_cursor(at, 42);
        assert_eq!(decode_cursor(&cursor).unwrap(), (at, 42));
        assert!(decode_cursor("not a cursor").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("x.1")).is_err());
    }

    #[test]
    fn etags_match_weakly_in_any_encoding_and_by_star() {
        let tag = etag_of(b"{}");
        let header = |value: &str| HeaderValue::from_str(value).unwrap();
        assert!(etag_matches(Some(&header(&tag)), &tag));
        assert!(etag_matches(Some(&header(&format!("W/{tag}"))), &tag));
        assert!(etag_matches(Some(&header(&format!("\"x\", {tag}"))), &tag));
        let gzip = format!("{}-gzip\"", tag.trim_end_matches('"'));
        assert!(etag_matches(Some(&header(&gzip)), &tag));
        assert!(etag_matches(Some(&header("*")), &tag));
        assert!(!etag_matches(Some(&header("\"0\"")), &tag));
        assert!(!etag_matches(None, &tag));
        assert_eq!(tag, etag_of(b"{}"), "the same bytes, the same tag");
        assert_ne!(tag, etag_of(b"{ }"));
    }

    #[test]
    fn basic_credentials_are_read_with_colons_in_the_password() {
        let value =
            HeaderValue::from_str(&format!("Basic {}", STANDARD.encode("a@b.c:x:y z"))).unwrap();
        assert_eq!(
            basic_credentials(&value),
            Some(("a@b.c".to_owned(), "x:y z".to_owned()))
        );
        assert_eq!(
            basic_credentials(&HeaderValue::from_static("Bearer abc")),
            None
        );
    }
}
