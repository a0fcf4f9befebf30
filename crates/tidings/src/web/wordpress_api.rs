//! WordPress's REST API (`/wp-json/`, `/wp-json/wp/v2/`), so that headless front ends and
//! the WordPress clients a newsroom already has work unchanged: WordPress's field names,
//! `_embed`, `_fields`, `page`/`per_page` with `X-WP-Total` and `X-WP-TotalPages`, its
//! filters and orders, its error shape (`{code, message, data: {status}}`), and
//! application passwords over HTTP Basic.
//!
//! It is a translation layer: the handlers call the same services as the admin and the
//! JSON API (`web::api`), so roles, validation and the comment defences are the site's.

mod comments;
mod media;
mod people;
mod posts;
mod terms;

use crate::app::App;
use crate::web::api::{ApiError, Caller};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

/// Posts carry whole articles; media routes take the upload limit instead.
const BODY_LIMIT: usize = 4 * 1024 * 1024;

pub fn router(app: App, upload_limit: usize) -> Router<App> {
    let media_routes = Router::new()
        .route(
            "/wp-json/wp/v2/media",
            get(media::list_media).post(media::upload_media),
        )
        .layer(DefaultBodyLimit::max(upload_limit));
    // Posts and pages, read by anyone, are served from the page cache like the pages.
    let posts = Router::new()
        .route(
            "/wp-json/wp/v2/posts",
            get(posts::list_posts).post(posts::create_post),
        )
        .route(
            "/wp-json/wp/v2/posts/{id}",
            get(posts::get_post)
                .post(posts::update_post)
                .put(posts::update_post)
                .patch(posts::update_post)
                .delete(posts::delete_post),
        )
        .route(
            "/wp-json/wp/v2/pages",
            get(posts::list_pages).post(posts::create_page),
        )
        .route(
            "/wp-json/wp/v2/pages/{id}",
            get(posts::get_page)
                .post(posts::update_page)
                .put(posts::update_page)
                .patch(posts::update_page)
                .delete(posts::delete_page),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            app,
            crate::web::page_cache::serve_cached,
        ));
    Router::new()
        .route("/wp-json", get(index))
        .route("/wp-json/", get(index))
        .route("/wp-json/wp/v2", get(namespace))
        .route("/wp-json/wp/v2/", get(namespace))
        .merge(posts)
        .route("/wp-json/wp/v2/categories", get(terms::list_categories))
        .route("/wp-json/wp/v2/categories/{id}", get(terms::get_category))
        .route("/wp-json/wp/v2/tags", get(terms::list_tags))
        .route("/wp-json/wp/v2/tags/{id}", get(terms::get_tag))
        .route(
            "/wp-json/wp/v2/comments",
            get(comments::list_comments).post(comments::create_comment),
        )
        .route(
            "/wp-json/wp/v2/comments/{id}",
            get(comments::get_comment)
                .post(comments::update_comment)
                .put(comments::update_comment)
                .patch(comments::update_comment)
                .delete(comments::delete_comment),
        )
        .route("/wp-json/wp/v2/users", get(people::list_users))
        .route("/wp-json/wp/v2/users/me", get(people::me))
        .route("/wp-json/wp/v2/users/{id}", get(people::get_user))
        .route("/wp-json/wp/v2/media/{id}", get(media::get_media))
        .route(
            "/wp-json/{*rest}",
            axum::routing::any(|| async {
                WpError::new(
                    StatusCode::NOT_FOUND,
                    "rest_no_route",
                    "No route was found matching the URL and request method.",
                )
            }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .merge(media_routes)
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(axum::middleware::map_response(wordpress_errors))
}

/// axum's own answers under `/wp-json/` (a wrong method, a body too large) in WordPress's
/// shape.
async fn wordpress_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "rest_no_route",
            "No route was found matching the URL and request method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "rest_upload_file_too_big",
            "What you sent is larger than this site accepts.",
        ),
        status if status.is_server_error() => (
            "internal_server_error",
            "Something went wrong on the site's side. Please try again in a moment.",
        ),
        _ => ("rest_invalid_request", "The request could not be read."),
    };
    WpError::new(status, code, message).into_response()
}

/// Refuses a request whose query holds a NUL character, before any handler reads it.
async fn refuse_nul(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if crate::web::router::address_holds_nul(request.uri()) {
        return WpError::new(
            StatusCode::BAD_REQUEST,
            "rest_invalid_param",
            "No parameter may hold a NUL character.",
        )
        .into_response();
    }
    next.run(request).await
}

/// An error as WordPress answers one.
#[derive(Debug)]
pub struct WpError {
    status: StatusCode,
    code: String,
    message: String,
    params: Map<String, Value>,
}

impl WpError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> WpError {
        WpError {
            status,
            code: code.to_owned(),
            message: message.into(),
            params: Map::new(),
        }
    }

    /// WordPress's answer to a parameter it cannot take: 400 `rest_invalid_param`, each
    /// parameter with its reason.
    pub fn invalid<'a>(fields: impl IntoIterator<Item = (&'a str, String)>) -> WpError {
        let mut error = WpError::new(StatusCode::BAD_REQUEST, "rest_invalid_param", "");
        let mut names = Vec::new();
        for (field, message) in fields {
            names.push(field.to_owned());
            error
                .params
                .insert(field.to_owned(), Value::String(message));
        }
        error.message = format!("Invalid parameter(s): {}", names.join(", "));
        error
    }

    pub fn invalid_param(field: &str, message: impl Into<String>) -> WpError {
        WpError::invalid([(field, message.into())])
    }
}

impl IntoResponse for WpError {
    fn into_response(self) -> Response {
        let mut data = Map::new();
        data.insert("status".into(), json!(self.status.as_u16()));
        if !self.params.is_empty() {
            data.insert("params".into(), Value::Object(self.params));
        }
        let body = json!({"code": self.code, "message": self.message, "data": data});
        let mut response = (self.status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tidings\", charset=\"UTF-8\""),
            );
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(crate::web::error::RETRY_UNAVAILABLE),
            );
        }
        response
    }
}

/// The site's own API errors in WordPress's words: the same status, WordPress's code for
/// it.
impl From<ApiError> for WpError {
    fn from(error: ApiError) -> Self {
        let fields: Vec<(String, String)> = error
            .fields()
            .map(|(field, message)| (field.to_owned(), message.to_owned()))
            .collect();
        if !fields.is_empty() {
            return WpError::invalid(
                fields
                    .iter()
                    .map(|(field, message)| (wordpress_field(field), message.clone())),
            );
        }
        let code = match (error.status(), error.code()) {
            (StatusCode::UNAUTHORIZED, _) => "rest_not_logged_in",
            (StatusCode::FORBIDDEN, "forbidden") => "rest_forbidden",
            (StatusCode::NOT_FOUND, _) => "rest_not_found",
            (StatusCode::BAD_REQUEST, _) => "rest_invalid_param",
            (status, _) if status.is_server_error() => "internal_server_error",
            (_, code) => code,
        };
        let code = code.to_owned();
        WpError::new(error.status(), &code, error.message())
    }
}

impl From<tidings_store::StoreError> for WpError {
    fn from(error: tidings_store::StoreError) -> Self {
        ApiError::from(error).into()
    }
}

/// tidings' field names as WordPress calls them.
fn wordpress_field(field: &str) -> &str {
    match field {
        "body_markdown" => "content",
        "sections" => "categories",
        "published_at" => "date",
        "featured_image" => "featured_media",
        "parent_id" => "parent",
        "authors" => "author",
        other => other,
    }
}

/// Who is calling, as for the JSON API; a refused sign-in in WordPress's words.
pub struct WpCaller(pub Caller);

impl FromRequestParts<App> for WpCaller {
    type Rejection = WpError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        match Caller::from_request_parts(parts, app).await {
            Ok(caller) => Ok(WpCaller(caller)),
            Err(error) if error.status() == StatusCode::UNAUTHORIZED => Err(WpError::new(
                StatusCode::UNAUTHORIZED,
                "incorrect_password",
                "The provided password is an invalid application password.",
            )),
            Err(error) if error.status() == StatusCode::FORBIDDEN => Err(WpError::new(
                StatusCode::FORBIDDEN,
                "rest_cookie_invalid_nonce",
                error.message(),
            )),
            Err(error) => Err(error.into()),
        }
    }
}

/// A request's query string, read as WordPress reads it: `tags=1,2` and `tags[]=1&tags[]=2`
/// alike.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }

    pub fn list(&self, name: &str) -> Vec<String> {
        let bracketed = format!("{name}[");
        self.0
            .iter()
            .filter(|(key, _)| key == name || key.starts_with(&bracketed))
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub fn ids(&self, name: &str) -> Result<Vec<i64>, WpError> {
        self.list(name)
            .iter()
            .map(|value| {
                value
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id >= 0)
                    .ok_or_else(|| {
                        WpError::invalid_param(name, format!("{name} is not a list of ids."))
                    })
            })
            .collect()
    }

    pub fn id(&self, name: &str) -> Result<Option<i64>, WpError> {
        match self.ids(name)?.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(WpError::invalid_param(
                name,
                format!("This site takes one {name} at a time."),
            )),
        }
    }

    pub fn number(&self, name: &str, default: u32, max: u32) -> Result<u32, WpError> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(value) => value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|number| (1..=max).contains(number))
                .ok_or_else(|| {
                    WpError::invalid_param(
                        name,
                        format!("{name} must be between 1 ({name}) and {max}."),
                    )
                }),
        }
    }

    /// `force=true`, `force=1`, or `force` alone.
    pub fn flag(&self, name: &str) -> bool {
        !matches!(self.get(name), None | Some("0" | "false"))
    }

    /// `order`: `desc` unless `asc` (or the other way round when `ascending_default`).
    pub fn ascending(&self, ascending_default: bool) -> Result<bool, WpError> {
        match self.get("order") {
            None | Some("") => Ok(ascending_default),
            Some("asc") => Ok(true),
            Some("desc") => Ok(false),
            Some(_) => Err(WpError::invalid_param(
                "order",
                "order is not one of asc, desc.",
            )),
        }
    }

    /// `context`: `view`, `embed` or, for someone signed in, `edit`.
    pub fn editing(&self, caller: &Caller) -> Result<bool, WpError> {
        match self.get("context") {
            None | Some("" | "view" | "embed") => Ok(false),
            Some("edit") if caller.user.is_some() => Ok(true),
            Some("edit") => Err(WpError::new(
                StatusCode::UNAUTHORIZED,
                "rest_forbidden_context",
                "Sorry, you are not allowed to edit this resource.",
            )),
            Some(_) => Err(WpError::invalid_param(
                "context",
                "context is not one of view, embed, and edit.",
            )),
        }
    }
}

/// The site's address, and a route's address under `/wp-json/`.
pub fn rest_url(app: &App, route: &str) -> String {
    format!("{}/wp-json{route}", app.config.base_url())
}

/// WordPress's dates: the site's local time without an offset (tidings sites keep UTC),
/// and the same in GMT.
pub fn wp_date(moment: OffsetDateTime) -> String {
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

/// A date as WordPress clients send one: with an offset, or without (then UTC).
pub fn parse_wp_date(value: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(date) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(date);
    }
    let plain = time::PrimitiveDateTime::parse(
        value.trim(),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .ok()?;
    Some(plain.assume_utc())
}

/// `_fields=id,title.rendered`: only these, as WordPress trims its answers.
pub fn only_fields(value: Value, params: &Params) -> Value {
    let wanted = params.list("_fields");
    if wanted.is_empty() {
        return value;
    }
    let Value::Object(object) = value else {
        return value;
    };
    let mut kept = Map::new();
    for (key, field) in object {
        let nested: Vec<&str> = wanted
            .iter()
            .filter_map(|path| path.strip_prefix(&format!("{key}.")))
            .collect();
        if wanted.contains(&key) {
            kept.insert(key, field);
        } else if !nested.is_empty()
            && let Value::Object(inner) = field
        {
            let inner: Map<String, Value> = inner
                .into_iter()
                .filter(|(name, _)| nested.contains(&name.as_str()))
                .collect();
            kept.insert(key, Value::Object(inner));
        } else if key == "_embedded" && params.has("_embed") {
            kept.insert(key, field);
        }
    }
    Value::Object(kept)
}

/// One item as JSON.
pub fn answer(status: StatusCode, value: &Value, params: &Params) -> Response {
    let body = only_fields(value.clone(), params).to_string();
    json_response(status, body)
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie"),
    );
    response
}

/// A page of a list, with WordPress's totals and `Link` to the pages beside it.
pub fn paged(
    app: &App,
    route: &str,
    items: Vec<Value>,
    total: u64,
    page: u32,
    per_page: u32,
    params: &Params,
) -> Result<Response, WpError> {
    let pages = total.div_ceil(u64::from(per_page));
    if u64::from(page) > pages.max(1) {
        return Err(WpError::new(
            StatusCode::BAD_REQUEST,
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
        ));
    }
    let items: Vec<Value> = items
        .into_iter()
        .map(|item| only_fields(item, params))
        .collect();
    let mut response = json_response(StatusCode::OK, Value::Array(items).to_string());
    let headers = response.headers_mut();
    headers.insert("x-wp-total", HeaderValue::from(total));
    headers.insert("x-wp-totalpages", HeaderValue::from(pages));
    let link = |number: u32| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &params.0 {
            if name != "page" {
                query.append_pair(name, value);
            }
        }
        query.append_pair("page", &number.to_string());
        format!("<{}?{}>", rest_url(app, route), query.finish())
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link(page - 1)));
    }
    if u64::from(page) < pages {
        links.push(format!("{}; rel=\"next\"", link(page + 1)));
    }
    if !links.is_empty()
        && let Ok(value) = HeaderValue::from_str(&links.join(", "))
    {
        headers.insert(header::LINK, value);
    }
    Ok(response)
}

/// A request body as WordPress reads one: JSON, or a form.
pub fn body_fields(
    content_type: Option<&HeaderValue>,
    body: &[u8],
) -> Result<Map<String, Value>, WpError> {
    let is_form = content_type
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    if is_form {
        if crate::web::api::query_holds_nul(std::str::from_utf8(body).ok()) {
            return Err(WpError::new(
                StatusCode::BAD_REQUEST,
                "rest_invalid_param",
                "No field may hold a NUL character.",
            ));
        }
        let mut fields = Map::new();
        for (name, value) in form_urlencoded::parse(body) {
            let name = name.trim_end_matches("[]").to_owned();
            match fields.get_mut(&name) {
                Some(Value::Array(values)) => values.push(Value::String(value.into_owned())),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, Value::String(value.into_owned())]);
                }
                None => {
                    fields.insert(name, Value::String(value.into_owned()));
                }
            }
        }
        return Ok(fields);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) if crate::web::api::holds_nul(&Value::Object(fields.clone())) => {
            Err(WpError::new(
                StatusCode::BAD_REQUEST,
                "rest_invalid_param",
                "No field may hold a NUL character.",
            ))
        }
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(WpError::new(
            StatusCode::BAD_REQUEST,
            "rest_invalid_json",
            "The body must be a JSON object.",
        )),
        Err(error) => Err(WpError::new(
            StatusCode::BAD_REQUEST,
            "rest_invalid_json",
            format!("Invalid JSON body passed: {error}"),
        )),
    }
}

/// A text field as clients send it: a string, or `{"raw": "…"}`.
pub fn text_field(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, WpError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Object(object)) => match object.get("raw") {
            Some(Value::String(text)) => Ok(Some(text.clone())),
            _ => Err(WpError::invalid_param(
                name,
                format!("{name} is not a string."),
            )),
        },
        Some(_) => Err(WpError::invalid_param(
            name,
            format!("{name} is not a string."),
        )),
    }
}

/// A list of ids as clients send one: `[1, 2]`, `"1,2"`, or one id.
pub fn ids_field(fields: &Map<String, Value>, name: &str) -> Result<Option<Vec<i64>>, WpError> {
    let refused = || WpError::invalid_param(name, format!("{name} is not a list of ids."));
    let one = |value: &Value| -> Result<Vec<i64>, WpError> {
        match value {
            Value::Number(number) => number.as_i64().map(|id| vec![id]).ok_or_else(refused),
            Value::String(text) => text
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| part.parse::<i64>().map_err(|_| refused()))
                .collect(),
            _ => Err(refused()),
        }
    };
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(values)) => {
            let mut ids = Vec::new();
            for value in values {
                ids.extend(one(value)?);
            }
            Ok(Some(ids))
        }
        Some(value) => one(value).map(Some),
    }
}

pub fn bool_field(fields: &Map<String, Value>, name: &str) -> Result<Option<bool>, WpError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(Value::String(text)) if matches!(text.as_str(), "1" | "true") => Ok(Some(true)),
        Some(Value::String(text)) if matches!(text.as_str(), "0" | "false" | "") => Ok(Some(false)),
        Some(_) => Err(WpError::invalid_param(
            name,
            format!("{name} is not of type boolean."),
        )),
    }
}

/// The avatars WordPress lists for a person or a commenter, in its three sizes.
pub fn avatar_urls(url: &str) -> Value {
    json!({"24": url, "48": url, "96": url})
}

/// `GET /wp-json/`: what the site is and which routes it has, as WordPress describes
/// itself to clients that discover it.
async fn index(State(app): State<App>) -> Response {
    let site = app.site_view();
    let routes: Map<String, Value> = ROUTES
        .iter()
        .map(|(route, methods)| {
            (
                (*route).to_owned(),
                json!({
                    "namespace": if *route == "/" { "" } else { "wp/v2" },
                    "methods": methods,
                    "endpoints": [{"methods": methods, "args": {}}],
                    "_links": {"self": [{"href": rest_url(&app, route)}]},
                }),
            )
        })
        .collect();
    let body = json!({
        "name": site.title,
        "description": site.tagline,
        "url": app.config.base_url(),
        "home": app.config.base_url(),
        "gmt_offset": 0,
        "timezone_string": "UTC",
        "namespaces": ["wp/v2"],
        "authentication": {
            "application-passwords": {
                "endpoints": {
                    "authorization": format!("{}/admin/profile/app-passwords", app.config.base_url())
                }
            }
        },
        "routes": routes,
        "site_logo": 0,
        "site_icon": 0,
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    });
    json_response(StatusCode::OK, body.to_string())
}

async fn namespace(State(app): State<App>) -> Response {
    let routes: Map<String, Value> = ROUTES
        .iter()
        .filter(|(route, _)| *route != "/")
        .map(|(route, methods)| {
            (
                (*route).to_owned(),
                json!({"namespace": "wp/v2", "methods": methods,
                       "endpoints": [{"methods": methods, "args": {}}],
                       "_links": {"self": [{"href": rest_url(&app, route)}]}}),
            )
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({"namespace": "wp/v2", "routes": routes}).to_string(),
    )
}

const ROUTES: &[(&str, &[&str])] = &[
    ("/", &["GET"]),
    ("/wp/v2", &["GET"]),
    ("/wp/v2/posts", &["GET", "POST"]),
    (
        "/wp/v2/posts/(?P<id>[\\d]+)",
        &["GET", "POST", "PUT", "PATCH", "DELETE"],
    ),
    ("/wp/v2/pages", &["GET", "POST"]),
    (
        "/wp/v2/pages/(?P<id>[\\d]+)",
        &["GET", "POST", "PUT", "PATCH", "DELETE"],
    ),
    ("/wp/v2/categories", &["GET"]),
    ("/wp/v2/categories/(?P<id>[\\d]+)", &["GET"]),
    ("/wp/v2/tags", &["GET"]),
    ("/wp/v2/tags/(?P<id>[\\d]+)", &["GET"]),
    ("/wp/v2/comments", &["GET", "POST"]),
    (
        "/wp/v2/comments/(?P<id>[\\d]+)",
        &["GET", "POST", "PUT", "PATCH", "DELETE"],
    ),
    ("/wp/v2/users", &["GET"]),
    ("/wp/v2/users/me", &["GET"]),
    ("/wp/v2/users/(?P<id>[\\d]+)", &["GET"]),
    ("/wp/v2/media", &["GET", "POST"]),
    ("/wp/v2/media/(?P<id>[\\d]+)", &["GET"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_read_with_commas_or_brackets() {
        let params = Params::parse(Some("tags=1,2&tags[]=3&categories%5B%5D=4&x=1"));
        assert_eq!(params.ids("tags").unwrap(), [1, 2, 3]);
        assert_eq!(params.ids("categories").unwrap(), [4]);
        assert!(Params::parse(Some("tags=a")).ids("tags").is_err());
    }

    #[test]
    fn fields_keep_what_is_asked_nested_too() {
        let value = json!({"id": 1, "title": {"rendered": "T", "raw": "t"}, "slug": "s"});
        let params = Params::parse(Some("_fields=id,title.rendered"));
        assert_eq!(
            only_fields(value, &params),
            json!({"id": 1, "title": {"rendered": "T"}})
        );
    }

    #[test]
    fn dates_without_an_offset_are_utc() {
        let date = parse_wp_date("2026-11-30T09:15:00").unwrap();
        assert_eq!(wp_date(date), "2026-11-30T09:15:00");
        let date = parse_wp_date("2026-11-30T09:15:00+01:00").unwrap();
        assert_eq!(wp_date(date), "2026-11-30T08:15:00");
        assert!(parse_wp_date("yesterday").is_none());
    }
}
