//! The whole route table, and the layers every response passes through.

use crate::app::App;
use crate::render::views::ErrorPage as ErrorView;
use crate::web::error::{AppError, ErrorPage};
use crate::web::{admin, discussion, operations, page_cache, public};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};

/// The comment form's largest body: 65,525 characters of text, each up to 4 bytes of UTF-8
/// and 3 characters of percent-encoding, with room for the other fields.
const COMMENT_BODY_LIMIT: usize = 1024 * 1024;
/// Admin forms carry whole articles (1 MB of Markdown, percent-encoded).
const ADMIN_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// What an upload form may carry beside its file: the editor's whole article, an alt text,
/// the multipart framing.
const UPLOAD_FORM_ALLOWANCE: usize = ADMIN_BODY_LIMIT + 1024 * 1024;

/// A permanent redirect as WordPress answers one (301).
fn moved(target: &'static str) -> axum::response::Response {
    public::redirect(axum::http::StatusCode::MOVED_PERMANENTLY, target)
}

pub fn router(app: App) -> Router {
    let public = Router::new()
        .route("/", get(public::show_front_page))
        .route("/page/{number}/", get(public::show_front_page_number))
        .route("/{year}/{month}/{slug}/", get(public::show_article))
        .route(
            "/{year}/{month}/{slug}/{part}/",
            get(public::show_article_part),
        )
        .route(
            "/{year}/{month}/{slug}/feed/atom/",
            get(public::show_article_atom_feed),
        )
        .route("/comments/feed/", get(discussion::site_comment_feed))
        .route(
            "/comments/feed/atom/",
            get(discussion::site_comment_atom_feed),
        )
        .route("/{year}/{month}/{slug}", get(public::add_trailing_slash))
        .route("/wp-comments-post.php", post(public::post_comment))
        .route("/static/{file}", get(public::static_file))
        .route("/favicon.ico", get(public::favicon))
        .route("/robots.txt", get(public::robots_txt))
        .route("/sitemap.xml", get(public::sitemap_index))
        .route("/sitemaps/{file}", get(public::sitemap))
        .route("/feed/", get(public::show_feed))
        .route("/feed/atom/", get(public::show_atom_feed))
        .route("/tag/{slug}/feed/", get(public::show_tag_feed))
        .route("/tag/{slug}/feed/atom/", get(public::show_tag_atom_feed))
        .route("/author/{slug}/feed/", get(public::show_author_feed))
        .route(
            "/author/{slug}/feed/atom/",
            get(public::show_author_atom_feed),
        )
        .route("/feed", get(|| async { Redirect::permanent("/feed/") }))
        // WordPress's admin and sign-in addresses, as bookmarked and linked by a site that
        // came from WordPress.
        .route("/wp-admin", get(|| async { moved("/admin/") }))
        .route("/wp-admin/", get(|| async { moved("/admin/") }))
        .route("/wp-login.php", get(|| async { moved("/admin/login") }))
        // A section's address nests under its parents': the path is read by the handler.
        .route("/category/{*path}", get(public::show_section_path))
        .route("/author/{slug}/", get(public::show_author))
        .route(
            "/author/{slug}/page/{number}/",
            get(public::show_author_page),
        )
        .route("/corrections/", get(public::show_corrections))
        .route(
            "/corrections/page/{number}/",
            get(public::show_corrections_page),
        )
        .route("/search/{words}/", get(public::show_search))
        .route(
            "/search/{words}/page/{number}/",
            get(public::show_search_page),
        )
        .route("/tag/{slug}/", get(public::show_tag))
        .route("/tag/{slug}/page/{number}/", get(public::show_tag_page))
        .layer(DefaultBodyLimit::max(COMMENT_BODY_LIMIT))
        .route_layer(middleware::from_fn(
            refuse_large_bodies::<COMMENT_BODY_LIMIT>,
        ))
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            page_cache::serve_cached,
        ));
    // The discussion's pages for one reader: never cached.
    let discussion = Router::new()
        .route("/comments/challenge", get(discussion::challenge))
        .route("/avatars/{file}", get(discussion::avatar))
        .route("/comments/{id}/", get(discussion::comment_link))
        .route(
            "/comments/{id}/edit",
            get(discussion::show_edit).post(discussion::save_edit),
        )
        .route(
            "/comments/{id}/report",
            get(discussion::show_report).post(discussion::send_report),
        )
        .route(
            "/subscriptions/{token}/{step}",
            get(discussion::show_subscription_step).post(discussion::do_subscription_step),
        )
        .route(
            "/moderate/{id}/{action}",
            get(discussion::show_moderation_link).post(discussion::apply_moderation_link),
        )
        .layer(DefaultBodyLimit::max(COMMENT_BODY_LIMIT))
        .route_layer(middleware::from_fn(
            refuse_large_bodies::<COMMENT_BODY_LIMIT>,
        ))
        .layer(middleware::map_response(no_referrer));
    let routes = admin_routes();
    let admin = routes
        .router
        .layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT))
        .route_layer(middleware::from_fn(refuse_large_bodies::<ADMIN_BODY_LIMIT>))
        .layer(middleware::map_response(no_referrer));
    // An upload may be the site's limit, plus its form's other fields. A file up to twice
    // the limit is read to its end and dropped, so its form (an article, in the editor) is
    // answered with the reason and everything typed.
    let upload_limit = usize::try_from(app.config.media_max_upload_bytes())
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .saturating_add(UPLOAD_FORM_ALLOWANCE);
    let uploads = routes
        .uploads
        .layer(DefaultBodyLimit::max(upload_limit))
        .route_layer(middleware::from_fn_with_state(
            upload_limit,
            refuse_large_uploads,
        ))
        .layer(middleware::map_response(no_referrer));
    // A site's export, streamed to a file as it arrives.
    let import_limit = usize::try_from(crate::services::imports::DEFAULT_MAX_BYTES)
        .unwrap_or(usize::MAX)
        .saturating_add(UPLOAD_FORM_ALLOWANCE);
    let imports = routes
        .imports
        .layer(DefaultBodyLimit::max(import_limit))
        .route_layer(middleware::from_fn_with_state(
            import_limit,
            refuse_large_uploads,
        ))
        .layer(middleware::map_response(no_referrer));
    // Uploaded images: immutable files with their own caching headers, outside the page
    // cache.
    let media = Router::new().route("/media/{key}/{file}", get(public::media_file));
    // Pages live at any depth (`/about/team/`), so they are what no route claims; every
    // other address is a 404 from there. The page cache wraps them like the public routes.
    let pages = any(public::show_page)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            page_cache::serve_cached,
        ))
        .with_state(app.clone());
    // The JSON API: never cached (answers differ by who asks), its errors in JSON.
    let api = crate::web::api::router(app.clone(), upload_limit)
        .layer(middleware::map_response(no_referrer));
    // Pages name the site's WordPress REST API, as WordPress's do, for the clients and
    // headless front ends that discover it from any page.
    let api_link = HeaderValue::from_str(&format!(
        "<{}/wp-json/>; rel=\"https://api.w.org/\"",
        app.config.base_url()
    ))
    .unwrap_or(HeaderValue::from_static(
        "</wp-json/>; rel=\"https://api.w.org/\"",
    ));
    // WordPress's REST API, for the clients and front ends that speak it.
    let wordpress = crate::web::wordpress_api::router(app.clone(), upload_limit);
    // For load balancers, orchestrators and Prometheus.
    let operations = Router::new()
        .route("/healthz", get(operations::healthz))
        .route("/readyz", get(operations::readyz))
        .route("/metrics", get(operations::metrics));
    public
        .merge(operations)
        .merge(discussion)
        .merge(api)
        .merge(wordpress)
        .merge(admin)
        .merge(uploads)
        .merge(imports)
        .merge(media)
        .fallback_service(pages)
        // An imported site's old addresses, for whatever else found nothing.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            public::answer_old_addresses,
        ))
        .layer(middleware::from_fn_with_state(
            app.health.clone(),
            front_door,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            render_error_pages,
        ))
        .layer(middleware::map_response_with_state(
            api_link,
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            app.metrics.clone(),
            operations::observe,
        ))
        .with_state(app)
}

/// What every request meets first, in one layer (each layer costs a little on every
/// request): HTTP/1.1 requires exactly one `Host` header (RFC 9112, 3.2), so a request with
/// none or two is answered 400; and once the start-up check found the database damaged,
/// every request gets a 503 that says so (the log says which file and what to do) instead
/// of errors page by page.
async fn front_door(
    State(health): State<std::sync::Arc<crate::app::Health>>,
    request: Request,
    next: Next,
) -> Response {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    let needs_host = request.version() >= axum::http::Version::HTTP_11;
    if (needs_host && hosts == 0) || hosts > 1 {
        let mut response = AppError::BadRequest(
            "A request must name the site it is for in exactly one Host header.".into(),
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    // The health checks answer for themselves: the process is up, the database is not.
    if health.damaged.get().is_some() && !matches!(request.uri().path(), "/healthz" | "/readyz") {
        return AppError::DatabaseDamaged.into_response();
    }
    next.run(request).await
}

/// Whether a request's path or query decodes to a NUL character.
pub(crate) fn address_holds_nul(uri: &axum::http::Uri) -> bool {
    percent_encoding::percent_decode_str(uri.path()).any(|byte| byte == 0)
        || crate::web::api::query_holds_nul(uri.query())
}

/// A body declared larger than the route accepts is refused before any of it is read: a
/// 413 at once, with no `100 Continue` to a client that asked, and the connection closed
/// (its body is never read). Chunked bodies, which declare no length, meet the same limit
/// as they are read.
async fn refuse_large_bodies<const LIMIT: usize>(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > LIMIT as u64) {
        let mut response = AppError::PayloadTooLarge.into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    next.run(request).await
}

/// As [`refuse_large_bodies`] for the routes that take files: a form with a file may be
/// `limit` bytes, one without the forms' limit.
async fn refuse_large_uploads(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let with_files = request
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"multipart/form-data"));
    let allowed = if with_files { limit } else { ADMIN_BODY_LIMIT };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > allowed as u64) {
        let mut response = AppError::PayloadTooLarge.into_response();
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    next.run(request).await
}

/// Pages of the admin and the signed links (edit, moderate, subscriptions) send no
/// `Referer` anywhere: their addresses carry secrets.
async fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The admin's routes, and the addresses among them where a signed-in user posts a form, as
/// they are registered: the test that every such form checks its CSRF token walks that
/// list, so a new form cannot be left out of it.
pub struct AdminRoutes {
    router: Router<App>,
    /// Routes that receive files, with the site's upload limit instead of the forms' one.
    uploads: Router<App>,
    /// The import form's address, which takes whole site exports.
    imports: Router<App>,
    pub posts: Vec<&'static str>,
    /// The pages a signed-in user reads, for the test that walks every route with every
    /// role.
    pub gets: Vec<&'static str>,
}

impl AdminRoutes {
    fn get<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, page: H) -> Self {
        self.router = self.router.route(path, get(page));
        self.gets.push(path);
        self
    }

    /// A route with a form: registered and recorded in one step.
    fn post<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, form: H) -> Self {
        self.router = self.router.route(path, post(form));
        self.posts.push(path);
        self
    }

    /// A form posted before there is a session (the first administrator's setup, signing
    /// in): it carries its own proof, the setup token or the password, not a CSRF token.
    fn before_session<G, TG, P, TP>(mut self, path: &'static str, page: G, form: P) -> Self
    where
        G: Handler<TG, App>,
        P: Handler<TP, App>,
        TG: 'static,
        TP: 'static,
    {
        self.router = self.router.route(path, get(page).post(form));
        self
    }

    /// A step of signing in that only posts (a passkey's ceremony): its proof is the
    /// ceremony itself, not a CSRF token.
    fn sign_in_step<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, form: H) -> Self {
        self.router = self.router.route(path, post(form));
        self
    }

    /// The address that receives a site's export (far larger than an image).
    fn import_upload<H: Handler<T, App>, T: 'static>(
        mut self,
        path: &'static str,
        form: H,
    ) -> Self {
        self.imports = self.imports.route(path, post(form));
        self.posts.push(path);
        self
    }

    /// An upload form's address.
    fn upload<H: Handler<T, App>, T: 'static>(mut self, path: &'static str, form: H) -> Self {
        self.uploads = self.uploads.route(path, post(form));
        self.posts.push(path);
        self
    }

    /// A page with an upload form.
    fn uploads<G, TG, P, TP>(mut self, path: &'static str, page: G, form: P) -> Self
    where
        G: Handler<TG, App>,
        P: Handler<TP, App>,
        TG: 'static,
        TP: 'static,
    {
        self.uploads = self.uploads.route(path, get(page).post(form));
        self.gets.push(path);
        self.posts.push(path);
        self
    }

    fn get_post<G, TG, P, TP>(mut self, path: &'static str, page: G, form: P) -> Self
    where
        G: Handler<TG, App>,
        P: Handler<TP, App>,
        TG: 'static,
        TP: 'static,
    {
        self.router = self.router.route(path, get(page).post(form));
        self.gets.push(path);
        self.posts.push(path);
        self
    }
}

pub fn admin_routes() -> AdminRoutes {
    AdminRoutes {
        router: Router::new(),
        uploads: Router::new(),
        imports: Router::new(),
        posts: Vec::new(),
        gets: Vec::new(),
    }
    .get("/admin", || async { Redirect::permanent("/admin/") })
    .get("/admin/", admin::dashboard)
    .before_session("/admin/setup", admin::show_setup, admin::complete_setup)
    .before_session("/admin/login", admin::show_login, admin::sign_in)
    .before_session(
        "/admin/login/code",
        admin::show_login_code,
        admin::complete_login_code,
    )
    .sign_in_step("/admin/login/passkey/start", admin::start_passkey_sign_in)
    .sign_in_step("/admin/login/passkey", admin::finish_passkey_sign_in)
    .before_session(
        "/admin/password",
        admin::show_password_form,
        admin::choose_password,
    )
    .before_session(
        "/admin/lost-password",
        admin::show_lost_password,
        admin::request_password_reset,
    )
    .get_post("/admin/users", admin::list_people, admin::invite)
    .get("/admin/import", admin::show_moving)
    .import_upload("/admin/import", admin::upload_import)
    .get("/admin/export/wxr", admin::download_export)
    .post("/admin/users/{id}/role", admin::change_role)
    .post("/admin/users/{id}/deactivate", admin::deactivate)
    .post("/admin/users/{id}/reactivate", admin::reactivate)
    .post("/admin/users/{id}/invitation", admin::resend_invitation)
    .post("/admin/users/{id}/sign-out", admin::sign_person_out)
    .post(
        "/admin/users/{id}/second-factor/reset",
        admin::reset_second_factor,
    )
    .post("/admin/users/second-factor", admin::require_second_factor)
    .get(
        "/admin/users/{id}/app-passwords",
        admin::show_person_app_passwords,
    )
    .post(
        "/admin/users/{id}/app-passwords/revoke",
        admin::revoke_person_app_password,
    )
    .post("/admin/logout", admin::sign_out)
    .get("/admin/status", admin::show_status)
    .get_post(
        "/admin/comments",
        admin::list_comments,
        admin::moderate_comments,
    )
    .uploads(
        "/admin/articles",
        admin::list_articles,
        admin::create_article,
    )
    .get("/admin/articles/new", admin::new_article)
    .uploads(
        "/admin/articles/{id}",
        admin::edit_article,
        admin::update_article,
    )
    .get("/admin/articles/{id}/preview", admin::preview_article)
    .post("/admin/preview", admin::preview)
    .get_post("/admin/profile", admin::show_profile, admin::save_profile)
    .uploads("/admin/media", admin::list_media, admin::upload_media)
    .post("/admin/media/{key}", admin::describe_media)
    .upload("/admin/profile/avatar", admin::upload_avatar)
    .get("/admin/profile/security", admin::show_security)
    .post(
        "/admin/profile/security/sessions/{id}/end",
        admin::end_session,
    )
    .post(
        "/admin/profile/security/sessions/end-others",
        admin::end_other_sessions,
    )
    .get_post(
        "/admin/profile/two-factor",
        admin::show_two_factor,
        admin::enable_two_factor,
    )
    .post("/admin/profile/two-factor/off", admin::disable_two_factor)
    .post(
        "/admin/profile/passkeys/start",
        admin::start_passkey_registration,
    )
    .post("/admin/profile/passkeys", admin::add_passkey)
    .post("/admin/profile/passkeys/{id}/remove", admin::remove_passkey)
    .post("/admin/profile/passkeys/{id}/rename", admin::rename_passkey)
    .get_post(
        "/admin/profile/app-passwords",
        admin::show_app_passwords,
        admin::create_app_password,
    )
    .post(
        "/admin/profile/app-passwords/{id}/revoke",
        admin::revoke_app_password,
    )
    .post("/admin/articles/{id}/trash", admin::trash_article)
    .post("/admin/articles/{id}/restore", admin::restore_article)
    .get("/admin/articles/{id}/revisions", admin::show_revisions)
    .post(
        "/admin/articles/{id}/revisions/{revision}/restore",
        admin::restore_revision,
    )
    .post("/admin/articles/{id}/autosave", admin::autosave)
    .post("/admin/articles/{id}/corrections", admin::add_correction)
    .post("/admin/corrections/{id}/delete", admin::delete_correction)
    .get("/admin/pages", admin::list_pages)
    .get("/admin/pages/new", admin::new_page)
    .get_post(
        "/admin/sections",
        admin::list_sections,
        admin::create_section,
    )
    .get_post(
        "/admin/sections/{id}",
        admin::edit_section,
        admin::update_section,
    )
    .post("/admin/sections/menu", admin::save_menu)
    .post("/admin/sections/{id}/merge", admin::merge_section)
    .post("/admin/sections/{id}/delete", admin::delete_section)
    .get_post("/admin/tags", admin::list_tags, admin::create_tag)
    .get_post("/admin/tags/{id}", admin::edit_tag, admin::update_tag)
    .post("/admin/tags/{id}/merge", admin::merge_tag)
    .post("/admin/tags/{id}/delete", admin::delete_tag)
    .get_post(
        "/admin/comments/{id}/edit",
        admin::edit_comment,
        admin::update_comment,
    )
    .post("/admin/comments/{id}/reply", admin::reply_to_comment)
    .get_post(
        "/admin/privacy",
        admin::show_privacy,
        admin::privacy_request,
    )
    .get_post(
        "/admin/webhooks",
        admin::list_webhooks,
        admin::create_webhook,
    )
    .get("/admin/webhooks/{id}", admin::show_webhook)
    .post("/admin/webhooks/{id}/delete", admin::delete_webhook)
    .post(
        "/admin/webhooks/deliveries/{id}/resend",
        admin::resend_delivery,
    )
    .get_post(
        "/admin/settings/discussion",
        admin::show_discussion_settings,
        admin::save_discussion_settings,
    )
}

/// Renders the theme's error page for errors from handlers and for axum's bare answers
/// (unknown route, wrong method), keeping headers such as `Allow` and `Retry-After`.
async fn render_error_pages(State(app): State<App>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let page = match response.extensions().get::<ErrorPage>() {
        Some(page) => page.clone(),
        // A script asked for JSON and its error says what went wrong in JSON.
        None if is_json(&response) => return response,
        // A health check or a scrape: its one line is for a machine.
        None if response
            .extensions()
            .get::<operations::MachineAnswer>()
            .is_some() =>
        {
            return response;
        }
        // axum's own answers (no route, wrong method, a path that is not UTF-8) come bare or
        // as plain text; they get the themed page too.
        None if !is_html(&response) => ErrorPage::for_status(status),
        None => return response,
    };
    let (mut parts, _) = response.into_parts();
    let view = ErrorView {
        site: app.site_view(),
        noindex: true,
        status: page.status.as_u16(),
        code: page.code,
        title: page.status.canonical_reason().unwrap_or("Error").to_owned(),
        message: page.message,
        kept_text: page.kept_text,
    };
    let body = match app.templates.render("error.html", &view) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "the error page template failed");
            format!("{} {}\n", view.status, view.title)
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    (parts, body).into_response()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"))
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Headers that make every page safer in the browser: no inline script or style, no
/// framing, no third-party requests but images in article bodies.
async fn security_headers(State(api_link): State<HeaderValue>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let defaults = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    let page = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if page && !headers.contains_key(header::LINK) {
        headers.insert(header::LINK, api_link);
    }
    response
}
