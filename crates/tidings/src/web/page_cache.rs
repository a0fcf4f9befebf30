//! The full-page cache in front of the public routes.
//!
//! A response is cached when its handler marked it public (`Cache-Control: no-cache`, the
//! same for every visitor) and said what it shows ([`CacheTags`]). Signed-in editors and the
//! signed pending-comment view bypass the cache. Every response it serves carries an `ETag`,
//! `Last-Modified` and `Vary: Accept-Encoding`, answers conditional requests with 304, and
//! comes brotli- or gzip-compressed when the browser accepts it. `X-Cache` says HIT, MISS or
//! BYPASS.

use crate::app::App;
use crate::cache::{CachedPage, Tag, parse_http_date};
use crate::services::site;
use crate::web::extract::has_session_cookie;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Set by a handler on a public response: what the page shows, so writes can drop it, and
/// when it goes stale by itself (a list, when the next scheduled article is due).
#[derive(Clone, Debug)]
pub struct CacheTags(pub Vec<Tag>, pub Option<time::OffsetDateTime>);

/// How long a request waits for another's render of the same page before rendering it
/// itself.
const RENDER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

pub async fn serve_cached(State(app): State<App>, request: Request, next: Next) -> Response {
    // An API client that signs in sees what its account may: kept by nobody, as an editor.
    let signed_in = has_session_cookie(request.headers())
        || request.headers().contains_key(header::AUTHORIZATION);
    let cacheable_request = matches!(*request.method(), Method::GET | Method::HEAD)
        && !signed_in
        && !request
            .uri()
            .query()
            .is_some_and(|query| query.contains("unapproved="));
    if signed_in {
        // A signed-in editor's view of a public page may differ from everyone's (and come
        // before a write is public): it is kept by nobody.
        let mut response = next.run(request).await;
        if response
            .headers()
            .get(header::CACHE_CONTROL)
            .is_some_and(|value| value == "no-cache")
        {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
        }
        return with_cache_status(response, "BYPASS");
    }
    if !cacheable_request || app.config.cache_megabytes == 0 {
        return with_cache_status(next.run(request).await, "BYPASS");
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("", |matched| matched.as_str());
    let key = cache_key(request.uri(), significant_parameters(route));
    // On a shared database, first apply what other nodes' writes made stale.
    if app.shared_database
        && let Err(error) = site::sync_page_changes(&app).await
    {
        tracing::warn!(%error, "cannot read the shared page invalidations; rendering");
        return with_cache_status(next.run(request).await, "BYPASS");
    }
    if let Some(page) = app.cache.get(&key) {
        if page.valid_until.is_none_or(|until| app.now() < until) {
            return respond(&page, request.headers(), "HIT");
        }
        app.cache.count_stale_hit();
    }
    // One render per page at a time: the requests that missed it together take the first
    // one's copy (a long render lets the others go on after a few seconds).
    let _turn = app.cache.render_turn(&key, RENDER_PATIENCE).await;
    if let Some(page) = app.cache.get_again(&key)
        && page.valid_until.is_none_or(|until| app.now() < until)
    {
        return respond(&page, request.headers(), "HIT");
    }

    let request_headers = request.headers().clone();
    let local_epoch = app.cache.epoch();
    let rendered_at = app.now();
    let response = next.run(request).await;
    let is_public = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .is_some_and(|value| value == "no-cache");
    let Some(CacheTags(tags, valid_until)) = response
        .extensions()
        .get::<CacheTags>()
        .cloned()
        .filter(|_| is_public)
    else {
        return with_cache_status(response, "BYPASS");
    };
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("text/html; charset=utf-8")
        .to_owned();
    let status = response.status().as_u16();
    let kept_headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let body = match axum::body::to_bytes(response.into_body(), usize::MAX).await {
        Ok(body) => body.to_vec(),
        Err(error) => {
            tracing::error!(%error, "reading a rendered page for the cache");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // Compressing is CPU work: keep it off the threads that serve other requests.
    let page = tokio::task::spawn_blocking(move || {
        let mut page = CachedPage::new(status, content_type, body, tags, rendered_at);
        page.valid_until = valid_until;
        page.headers = kept_headers;
        page
    })
    .await;
    match page {
        Ok(page) => {
            let page = app.cache.insert(key, page, local_epoch);
            respond(&page, &request_headers, "MISS")
        }
        Err(error) => {
            tracing::error!(%error, "compressing a page for the cache");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The headers a cached answer keeps beside its body: an API list's next page and totals
/// (and the `Link` to the REST API that the site's own layer adds to every page anyway).
const KEPT_HEADERS: &[&str] = &["link", "x-wp-total", "x-wp-totalpages"];

/// The query parameters a route's page reads; any other (`utm_source`, a cache-buster, a
/// parameter another route reads) does not change the page, so it makes no other copy of
/// it. The front page reads WordPress's plain links and its search (to redirect them); an
/// article,
/// `replytocom`, and only for an approved comment of its own (anything else is redirected
/// to the plain page, so random values cannot fill the cache).
fn significant_parameters(route: &str) -> &'static [&'static str] {
    match route {
        "/" => &[
            "p",
            "paged",
            "page_id",
            "cat",
            "tag",
            "attachment_id",
            "author",
            "s",
        ],
        "/{year}/{month}/{slug}/" | "/{year}/{month}/{slug}/{part}/" => &["replytocom"],
        // The APIs' reads, with the parameters each reads.
        "/api/v1/articles" | "/api/v1/pages" => {
            &["limit", "cursor", "status", "term", "author", "search"]
        }
        "/wp-json/wp/v2/posts" | "/wp-json/wp/v2/pages" => &[
            "page",
            "per_page",
            "search",
            "categories",
            "categories[]",
            "tags",
            "tags[]",
            "author",
            "status",
            "orderby",
            "order",
            "include",
            "include[]",
            "slug",
            "slug[]",
            "parent",
            "_fields",
            "context",
            "_embed",
        ],
        "/wp-json/wp/v2/posts/{id}" | "/wp-json/wp/v2/pages/{id}" => {
            &["_fields", "context", "_embed"]
        }
        _ => &[],
    }
}

/// The path, plus the significant query parameters in a fixed order.
fn cache_key(uri: &axum::http::Uri, significant_parameters: &[&str]) -> String {
    let mut significant: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(name, _)| significant_parameters.contains(&name.as_ref()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
    significant.sort();
    let mut key = uri.path().to_owned();
    if !significant.is_empty() {
        key.push('?');
        key.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(significant)
                .finish(),
        );
    }
    key
}

fn with_cache_status(mut response: Response, status: &'static str) -> Response {
    response
        .headers_mut()
        .insert("x-cache", HeaderValue::from_static(status));
    response
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the client accepts: brotli, then gzip, then none. `q=0` refuses one.
pub(crate) fn negotiate(headers: &HeaderMap) -> Encoding {
    let accepted: Vec<(String, bool)> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|parameter| {
                parameter
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            (name, !refused)
        })
        .collect();
    let accepts = |name: &str| {
        accepted
            .iter()
            .any(|(accepted, ok)| *ok && (accepted == name || accepted == "*"))
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The strong validator of one representation: the content's digest, and the encoding for
/// a compressed one (as a cache between the reader and the site must never answer a
/// request for one encoding with another's bytes).
pub(crate) fn etag(digest: &str, encoding: Encoding) -> String {
    let suffix = match encoding {
        Encoding::Brotli => "-br",
        Encoding::Gzip => "-gzip",
        Encoding::Identity => "",
    };
    format!("\"{digest}{suffix}\"")
}

/// Whether the request's `If-None-Match` names `etag` (or anything, `*`); `None` when it
/// has none.
pub(crate) fn matches_etag(request: &HeaderMap, etag: &str) -> Option<bool> {
    let tags = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())?;
    Some(
        tags.split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag),
    )
}

fn not_modified(page: &CachedPage, request: &HeaderMap, etag: &str) -> bool {
    if let Some(matched) = matches_etag(request, etag) {
        return matched;
    }
    match (
        request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_http_date),
        parse_http_date(&page.last_modified),
    ) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

fn respond(page: &CachedPage, request: &HeaderMap, cache_status: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    let value = |text: &str| HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static(""));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let encoding = negotiate(request);
    let etag = etag(&page.digest, encoding);
    headers.insert(header::ETAG, value(&etag));
    headers.insert(header::LAST_MODIFIED, value(&page.last_modified));
    headers.insert("x-cache", HeaderValue::from_static(cache_status));
    for (name, kept) in &page.headers {
        if let (Ok(name), Ok(kept)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(kept),
        ) {
            headers.insert(name, kept);
        }
    }
    if not_modified(page, request, &etag) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, value(&page.content_type));
    let body = match encoding {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            page.brotli.clone()
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            page.gzip.clone()
        }
        Encoding::Identity => page.identity.clone(),
    };
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    (status, headers, Body::from(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::{cache_key, significant_parameters};

    #[test]
    fn only_the_parameters_a_route_reads_make_a_new_key() {
        let article = |uri: &str| {
            cache_key(
                &uri.parse().unwrap(),
                significant_parameters("/{year}/{month}/{slug}/"),
            )
        };
        let front = |uri: &str| cache_key(&uri.parse().unwrap(), significant_parameters("/"));
        assert_eq!(article("/2026/06/story/"), "/2026/06/story/");
        assert_eq!(
            article("/2026/06/story/?utm_source=mail&fbclid=x"),
            "/2026/06/story/"
        );
        assert_eq!(
            article("/2026/06/story/?replytocom=5&utm=1"),
            "/2026/06/story/?replytocom=5"
        );
        // What only the front page reads makes no copy of an article.
        assert_eq!(article("/2026/06/story/?p=1&paged=9"), "/2026/06/story/");
        assert_eq!(front("/?paged=2&p=7"), front("/?p=7&paged=2"));
        assert_ne!(front("/?p=7"), front("/"));
        assert_eq!(front("/?replytocom=3"), "/");
        let feed = cache_key(
            &"/feed/?replytocom=1&p=2".parse().unwrap(),
            significant_parameters("/feed/"),
        );
        assert_eq!(feed, "/feed/");
    }
}
