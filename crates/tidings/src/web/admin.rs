//! The admin at `/admin/`: first-run setup, signing in, the moderation queue, the article
//! editor and the discussion settings. Every state-changing form checks the session's CSRF
//! token; every page is private to the signed-in user.

use crate::app::App;
use crate::render::views::{FormErrors, FormValues, SiteView, human_date_time, iso_date};
use crate::services::accounts::{self, AccountError, NewAccount, SignedIn};
use crate::services::articles::{self, ArticleError};
use crate::services::comments::{self, Commenter};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::{
    Admin, FormFields, cookie, device_cookie_name, session_cookie_name, set_cookie,
};
use crate::web::public::{html, redirect};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tidings_domain::RawSubmission;
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::discussion::{CommentOrder, DefaultCommentsPage, MAX_THREAD_DEPTH};
use tidings_domain::text::render_comment_preview;
use tidings_domain::{
    Article, ArticleId, ArticleStatus, CommentId, CommentStatus, DiscussionSettings,
    ModerationAction, Role,
};
use tidings_store::{CommentQuery, KeysetPage, Page};
use time::PrimitiveDateTime;
use time::macros::format_description;

const PRIVATE: &str = "private, no-store";

fn query_value(query: &Option<String>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// What every admin page shows around its content.
#[derive(Serialize)]
struct Chrome {
    site: SiteView,
    noindex: bool,
    user_name: String,
    is_administrator: bool,
    csrf: String,
    pending_count: u64,
    section: &'static str,
    notice: Option<String>,
}

async fn chrome(
    app: &App,
    admin: &Admin,
    section: &'static str,
    notice: Option<String>,
) -> Result<Chrome, AppError> {
    Ok(Chrome {
        site: app.site_view(),
        noindex: true,
        user_name: admin.user.display_name.clone(),
        is_administrator: admin.user.role == Role::Administrator,
        csrf: admin.session.csrf_token.clone(),
        pending_count: app.store.comment_counts().await?.pending,
        section,
        notice,
    })
}

fn render(
    app: &App,
    status: StatusCode,
    name: &str,
    context: impl Serialize,
) -> Result<Response, AppError> {
    Ok(html(status, app.templates.render(name, context)?, PRIVATE))
}

fn session_cookie(app: &App, value: &str, max_age: i64) -> HeaderValue {
    set_cookie(
        &app.config,
        session_cookie_name(&app.config),
        value,
        max_age,
    )
}

fn signed_in_redirect(app: &App, signed_in: &SignedIn, target: &str) -> Response {
    let mut response = redirect(StatusCode::SEE_OTHER, target);
    let max_age = (signed_in.session.expires_at - signed_in.session.created_at).whole_seconds();
    response.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(app, &signed_in.token, max_age),
    );
    if let Some(device) = &signed_in.device_cookie {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                &app.config,
                device_cookie_name(&app.config),
                device,
                accounts::DEVICE_LIFETIME.whole_seconds(),
            ),
        );
    }
    response
}

pub async fn dashboard(_admin: Admin) -> Response {
    redirect(StatusCode::SEE_OTHER, "/admin/comments")
}

// First-run setup.

#[derive(Serialize)]
struct SetupPage {
    site: SiteView,
    noindex: bool,
    password_rule: &'static str,
    token: String,
    email: String,
    name: String,
    error: Option<String>,
    error_field: Option<&'static str>,
}

fn bad_setup_link() -> AppError {
    AppError::Forbidden {
        message: "This setup link is not valid. It works once, while the site has no account; `tidings serve` prints a fresh one at each start until then, and `tidings user add` creates an account from the command line.".into(),
        kept_text: None,
    }
}

pub async fn show_setup(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let token = query_value(&query, "token").unwrap_or_default();
    if !site::setup_token_is_valid(&app, &token).await? {
        return Err(bad_setup_link());
    }
    let page = SetupPage {
        site: app.site_view(),
        noindex: true,
        password_rule: tidings_domain::user::PASSWORD_RULE,
        token,
        email: String::new(),
        name: String::new(),
        error: None,
        error_field: None,
    };
    render(&app, StatusCode::OK, "admin/setup.html", page)
}

pub async fn complete_setup(
    State(app): State<App>,
    form: FormFields,
) -> Result<Response, AppError> {
    let account = NewAccount {
        email: form.get("email").to_owned(),
        display_name: form.get("name").to_owned(),
        role: Role::Administrator,
        password: form.get("password").to_owned(),
    };
    match accounts::complete_setup(&app, form.get("token"), account).await {
        Ok(user) => {
            let signed_in = accounts::start_session(&app, &user).await?;
            tracing::info!(user = %user.id, "first administrator created");
            Ok(signed_in_redirect(&app, &signed_in, "/admin/"))
        }
        Err(AccountError::Invalid(field, message)) => {
            let page = SetupPage {
                site: app.site_view(),
                noindex: true,
                password_rule: tidings_domain::user::PASSWORD_RULE,
                token: form.get("token").to_owned(),
                email: form.get("email").to_owned(),
                name: form.get("name").to_owned(),
                error: Some(message),
                error_field: Some(field),
            };
            render(
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/setup.html",
                page,
            )
        }
        Err(AccountError::BadSetupToken) => Err(bad_setup_link()),
        Err(other) => Err(account_error(other)),
    }
}

fn account_error(error: AccountError) -> AppError {
    match error {
        AccountError::Store(error) => error.into(),
        other => AppError::Internal(other.into()),
    }
}

// Signing in and out.

#[derive(Serialize)]
struct LoginPage {
    site: SiteView,
    noindex: bool,
    next: String,
    email: String,
    error: Option<String>,
}

/// Only addresses inside the admin; anything else could send a moderator to another site.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin") && !next.contains("//") && !next.contains('\\') {
        next
    } else {
        "/admin/"
    }
}

pub async fn show_login(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let next = query_value(&query, "next").unwrap_or_default();
    let token = cookie(&headers, session_cookie_name(&app.config)).unwrap_or_default();
    if accounts::session_for_token(&app, &token).await?.is_some() {
        return Ok(redirect(StatusCode::SEE_OTHER, safe_next(&next)));
    }
    let page = LoginPage {
        site: app.site_view(),
        noindex: true,
        next: safe_next(&next).to_owned(),
        email: String::new(),
        error: None,
    };
    render(&app, StatusCode::OK, "admin/login.html", page)
}

pub async fn sign_in(
    State(app): State<App>,
    commenter: Commenter,
    headers: HeaderMap,
    form: FormFields,
) -> Result<Response, AppError> {
    let next = safe_next(form.get("next")).to_owned();
    let device = cookie(&headers, device_cookie_name(&app.config));
    let mut retry_after = None;
    let (status, message) = match accounts::sign_in(
        &app,
        form.get("email"),
        form.get("password"),
        &commenter.ip,
        device.as_deref(),
    )
    .await
    {
        Ok(signed_in) => return Ok(signed_in_redirect(&app, &signed_in, &next)),
        Err(AccountError::WrongCredentials) => (
            StatusCode::UNAUTHORIZED,
            "The email or password is not right.".to_owned(),
        ),
        Err(AccountError::Throttled { seconds }) => {
            retry_after = Some(seconds);
            let minutes = (seconds + 59) / 60;
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many failed sign-ins from browsers this account has not used before. Please wait {minutes} minute(s) and try again, or sign in from a browser you have signed in with before."
                ),
            )
        }
        Err(other) => return Err(account_error(other)),
    };
    let page = LoginPage {
        site: app.site_view(),
        noindex: true,
        next,
        email: form.get("email").to_owned(),
        error: Some(message),
    };
    let mut response = render(&app, status, "admin/login.html", page)?;
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

pub async fn sign_out(
    State(app): State<App>,
    admin: Admin,
    form: FormFields,
) -> Result<Response, AppError> {
    admin.check_csrf(&form)?;
    accounts::sign_out(&app, &admin.token).await?;
    let mut response = redirect(StatusCode::SEE_OTHER, "/admin/login");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&app, "", 0));
    Ok(response)
}

// The moderation queue.

#[derive(Serialize)]
struct StatusTab {
    status: &'static str,
    label: &'static str,
    count: u64,
    current: bool,
}

#[derive(Serialize)]
struct ActionButton {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct QueueRow {
    id: i64,
    author_name: String,
    author_email: String,
    author_url: String,
    ip: String,
    user_agent: String,
    article_title: String,
    link: String,
    content_html: minijinja::Value,
    date: String,
    date_iso: String,
    reason: String,
    status: &'static str,
    /// The spam filter's score as a percentage, when it judged.
    spam_score: Option<u32>,
    reports: u64,
    history_url: String,
    /// Every comment on the same article.
    article_comments_url: String,
    actions: Vec<ActionButton>,
}

#[derive(Serialize)]
struct QueuePage {
    #[serde(flatten)]
    chrome: Chrome,
    /// The status shown, or "all".
    status: &'static str,
    tabs: Vec<StatusTab>,
    rows: Vec<QueueRow>,
    bulk_actions: Vec<ActionButton>,
    newer_url: Option<String>,
    older_url: Option<String>,
    search: String,
    email: String,
    article: String,
    /// The commenter whose history this is, with how many of their comments wait.
    commenter_pending: u64,
}

fn status_label(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Pending => "Pending",
        CommentStatus::Approved => "Approved",
        CommentStatus::Spam => "Spam",
        CommentStatus::Trash => "Trash",
    }
}

fn action_label(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::Approve => "Approve",
        ModerationAction::Unapprove => "Unapprove",
        ModerationAction::Spam => "Spam",
        ModerationAction::NotSpam => "Not spam",
        ModerationAction::Trash => "Trash",
        ModerationAction::Restore => "Restore",
        ModerationAction::Delete => "Delete permanently",
    }
}

fn buttons(status: CommentStatus) -> Vec<ActionButton> {
    ModerationAction::available_for(status)
        .iter()
        .map(|action| ActionButton {
            value: action.as_str(),
            label: action_label(*action),
        })
        .collect()
}

const QUEUE_PAGE_SIZE: u32 = 20;

/// The comment list's address for a status and filters, from a place in the list
/// (`before=TIME.ID` for older comments, `after=TIME.ID` for newer ones).
fn queue_url(
    status: &str,
    search: &str,
    email: &str,
    article: &str,
    from: Option<(&str, String)>,
) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    url.append_pair("status", status);
    for (name, value) in [("q", search), ("email", email), ("article", article)] {
        if !value.is_empty() {
            url.append_pair(name, value);
        }
    }
    if let Some((name, key)) = from {
        url.append_pair(name, &key);
    }
    format!("/admin/comments?{}", url.finish())
}

/// A row's place in the list, as the `before`/`after` parameters carry it.
fn list_key(comment: &tidings_domain::Comment) -> String {
    format!("{}.{}", comment.created_at.unix_timestamp(), comment.id)
}

fn parse_list_key(value: &str) -> Option<(time::OffsetDateTime, CommentId)> {
    let (at, id) = value.split_once('.')?;
    let at = time::OffsetDateTime::from_unix_timestamp(at.parse().ok()?).ok()?;
    Some((at, CommentId(id.parse().ok()?)))
}

pub async fn list_comments(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let requested = query_value(&query, "status").unwrap_or_default();
    // A commenter's history and searches look through every status unless one is asked.
    let search = query_value(&query, "q")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let email = query_value(&query, "email")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let article = query_value(&query, "article")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let status = match CommentStatus::parse(&requested) {
        Some(status) => Some(status),
        None if requested == "all" || !email.is_empty() || !search.is_empty() => None,
        None => Some(CommentStatus::Pending),
    };
    let status_name = status.map_or("all", CommentStatus::as_str);
    let page = match (
        query_value(&query, "before")
            .as_deref()
            .and_then(parse_list_key),
        query_value(&query, "after")
            .as_deref()
            .and_then(parse_list_key),
    ) {
        (Some((at, id)), _) => KeysetPage::OlderThan(at, id),
        (None, Some((at, id))) => KeysetPage::NewerThan(at, id),
        (None, None) => KeysetPage::Newest,
    };
    let notice = query_value(&query, "notice");
    let counts = app.store.comment_counts().await?;
    let filter = CommentQuery {
        status,
        article_id: article.parse::<i64>().ok().map(tidings_domain::ArticleId),
        email: (!email.is_empty()).then(|| email.clone()),
        search: search.clone(),
    };
    let listed = app
        .store
        .find_comments(&filter, page, QUEUE_PAGE_SIZE)
        .await?;
    // Older comments follow when the store says so, or when these came from paging back;
    // newer ones precede when this page was reached by paging on.
    let (has_older, has_newer) = match page {
        KeysetPage::Newest => (listed.more, false),
        KeysetPage::OlderThan(..) => (listed.more, true),
        KeysetPage::NewerThan(..) => (true, listed.more),
    };
    let newer_url = listed.items.first().filter(|_| has_newer).map(|first| {
        queue_url(
            status_name,
            &search,
            &email,
            &article,
            Some(("after", list_key(&first.comment))),
        )
    });
    let older_url = listed.items.last().filter(|_| has_older).map(|last| {
        queue_url(
            status_name,
            &search,
            &email,
            &article,
            Some(("before", list_key(&last.comment))),
        )
    });
    let queued = listed.items;
    let commenter_pending = if email.is_empty() {
        0
    } else {
        comments::waiting_from(&app, &email).await?.len() as u64
    };
    let rows = queued
        .into_iter()
        .map(|queued| {
            let comment = queued.comment;
            QueueRow {
                id: comment.id.0,
                link: if comment.status == CommentStatus::Approved {
                    format!("/comments/{}/", comment.id)
                } else {
                    queued.article_permalink
                },
                history_url: queue_url("all", "", &comment.author_email, "", None),
                article_comments_url: queue_url(
                    "all",
                    "",
                    "",
                    &comment.article_id.0.to_string(),
                    None,
                ),
                author_name: comment.author_name,
                author_email: comment.author_email,
                author_url: comment.author_url,
                ip: comment.ip,
                user_agent: comment.user_agent,
                article_title: queued.article_title,
                content_html: minijinja::Value::from_safe_string(
                    render_comment_preview(&comment.content).as_str().to_owned(),
                ),
                date: human_date_time(comment.created_at),
                date_iso: iso_date(comment.created_at),
                reason: comment.moderation_reason,
                status: comment.status.as_str(),
                spam_score: queued
                    .spam_score
                    .map(|score| (score * 100.0).round().clamp(0.0, 100.0) as u32),
                reports: queued.reports,
                actions: buttons(comment.status),
            }
        })
        .collect();
    let page = QueuePage {
        chrome: chrome(&app, &admin, "comments", notice).await?,
        status: status_name,
        tabs: CommentStatus::ALL
            .into_iter()
            .map(|tab| StatusTab {
                status: tab.as_str(),
                label: status_label(tab),
                count: counts.get(tab),
                current: Some(tab) == status,
            })
            .collect(),
        rows,
        bulk_actions: match status {
            Some(status) => buttons(status),
            None => [
                ModerationAction::Approve,
                ModerationAction::Unapprove,
                ModerationAction::Spam,
                ModerationAction::Trash,
            ]
            .into_iter()
            .map(|action| ActionButton {
                value: action.as_str(),
                label: action_label(action),
            })
            .collect(),
        },
        newer_url,
        older_url,
        search,
        email,
        article,
        commenter_pending,
    };
    render(&app, StatusCode::OK, "admin/comments.html", page)
}

pub async fn moderate_comments(
    State(app): State<App>,
    admin: Admin,
    form: FormFields,
) -> Result<Response, AppError> {
    admin.check_csrf(&form)?;
    // One button per row posts `single=ACTION:ID`; the bulk form posts `bulk_action` and
    // `ids`; a commenter's history posts `approve_all_from=EMAIL`.
    let everyone_from = form.get("approve_all_from");
    let (action, ids) = if everyone_from.is_empty() {
        let (action, ids): (&str, Vec<&str>) = match form.get("single").split_once(':') {
            Some((action, id)) => (action, vec![id]),
            None => (form.get("bulk_action"), form.all("ids").collect()),
        };
        let action = ModerationAction::parse(action).ok_or_else(|| {
            AppError::BadRequest("Choose what to do with the selected comments.".into())
        })?;
        let ids: Vec<CommentId> = ids
            .into_iter()
            .map(|id| id.parse::<i64>().map(CommentId))
            .collect::<Result<_, _>>()
            .map_err(|_| AppError::BadRequest("The selected comments are not valid.".into()))?;
        (action, ids)
    } else {
        (
            ModerationAction::Approve,
            comments::waiting_from(&app, everyone_from).await?,
        )
    };
    let status = form.get("status");
    let status = if status == "all" || CommentStatus::parse(status).is_some() {
        status
    } else {
        "pending"
    };
    let notice = if ids.is_empty() {
        "Select at least one comment first.".to_owned()
    } else {
        let summary = comments::moderate(&app, &ids, action).await?;
        let mut notice = format!("{}: {} comment(s).", action_label(action), summary.changed);
        if summary.skipped > 0 {
            notice.push_str(&format!(
                " {} skipped: they had moved on or been deleted.",
                summary.skipped
            ));
        }
        notice
    };
    let target = format!(
        "{}&notice={}",
        queue_url(
            status,
            form.get("q"),
            form.get("email"),
            form.get("article"),
            None
        ),
        form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
    );
    Ok(redirect(StatusCode::SEE_OTHER, &target))
}

// Articles.

#[derive(Serialize)]
struct ArticleRow {
    id: i64,
    title: String,
    status: &'static str,
    date: String,
    comments: u64,
    permalink: String,
}

#[derive(Serialize)]
struct ArticlesPage {
    #[serde(flatten)]
    chrome: Chrome,
    rows: Vec<ArticleRow>,
    page: u32,
    pages: u32,
}

const ARTICLES_PAGE_SIZE: u32 = 50;

pub async fn list_articles(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let number = query_value(&query, "page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1_u32)
        .max(1);
    let total = app.store.count_all_articles().await?;
    let summaries = app
        .store
        .all_articles(Page {
            number,
            size: ARTICLES_PAGE_SIZE,
        })
        .await?;
    let page = ArticlesPage {
        chrome: chrome(&app, &admin, "articles", query_value(&query, "notice")).await?,
        rows: summaries
            .into_iter()
            .map(|summary| ArticleRow {
                id: summary.article.id.0,
                title: summary.article.title.clone(),
                status: summary.article.status.as_str(),
                date: human_date_time(summary.article.published_at),
                comments: summary.approved_comments,
                permalink: summary.article.permalink(),
            })
            .collect(),
        page: number,
        pages: Page::count(total, ARTICLES_PAGE_SIZE),
    };
    render(&app, StatusCode::OK, "admin/articles.html", page)
}

#[derive(Default, Serialize)]
struct EditorValues {
    title: String,
    slug: String,
    body: String,
    status: String,
    published_at: String,
    comments_open: bool,
}

#[derive(Serialize)]
struct EditorPage {
    #[serde(flatten)]
    chrome: Chrome,
    /// `None` for a new article.
    id: Option<i64>,
    permalink: Option<String>,
    values: EditorValues,
    errors: Vec<(String, String)>,
}

const DATE_INPUT: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]");

fn editor_values(article: &Article) -> EditorValues {
    EditorValues {
        title: article.title.clone(),
        slug: article.slug.to_string(),
        body: article.body_markdown.clone(),
        status: article.status.as_str().to_owned(),
        published_at: article.published_at.format(DATE_INPUT).unwrap_or_default(),
        comments_open: article.comments_open,
    }
}

async fn editor(
    app: &App,
    admin: &Admin,
    status: StatusCode,
    article: Option<&Article>,
    values: EditorValues,
    errors: Vec<(String, String)>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let page = EditorPage {
        chrome: chrome(app, admin, "articles", notice).await?,
        id: article.map(|article| article.id.0),
        permalink: article
            .filter(|article| article.is_public(app.now()))
            .map(Article::permalink),
        values,
        errors,
    };
    render(app, status, "admin/article_edit.html", page)
}

/// The article as readers will see it, whatever its status; for checking a draft.
pub async fn preview_article(
    State(app): State<App>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    let settings = site::discussion_settings(&app).await?;
    let page = crate::web::public::article_page_html(
        &app,
        &article,
        &settings,
        crate::web::public::ArticleExtras::default(),
        FormValues::default(),
        FormErrors::default(),
    )
    .await?;
    Ok(html(StatusCode::OK, page, PRIVATE))
}

pub async fn new_article(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let values = EditorValues {
        status: "draft".into(),
        comments_open: site::discussion_settings(&app)
            .await?
            .comments_on_new_articles,
        ..EditorValues::default()
    };
    editor(&app, &admin, StatusCode::OK, None, values, Vec::new(), None).await
}

pub async fn edit_article(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    editor(
        &app,
        &admin,
        StatusCode::OK,
        Some(&article),
        editor_values(&article),
        Vec::new(),
        query_value(&query, "notice"),
    )
    .await
}

async fn find_article(app: &App, id: &str) -> Result<Article, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .article_by_id(ArticleId(id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The editor's form as typed, and the article input it means (or why it means none).
fn article_from_form(
    form: &FormFields,
    now: time::OffsetDateTime,
) -> (EditorValues, Result<ArticleInput, InvalidArticle>) {
    let values = EditorValues {
        title: form.get("title").to_owned(),
        slug: form.get("slug").to_owned(),
        body: form.get("body").to_owned(),
        status: form.get("status").to_owned(),
        published_at: form.get("published_at").trim().to_owned(),
        comments_open: form.checked("comments_open"),
    };
    let mut invalid = InvalidArticle::default();
    let published_at = if values.published_at.is_empty() {
        None
    } else {
        match PrimitiveDateTime::parse(&values.published_at, DATE_INPUT) {
            Ok(moment) => Some(moment.assume_utc()),
            Err(_) => {
                invalid.fields.push((
                    "published_at",
                    "Please give the date as YYYY-MM-DD HH:MM.".into(),
                ));
                None
            }
        }
    };
    let status = ArticleStatus::parse(&values.status);
    if status.is_none() {
        invalid
            .fields
            .push(("status", "Choose draft or published.".into()));
    }
    let input = ArticleInput {
        title: values.title.clone(),
        slug: values.slug.clone(),
        body_markdown: values.body.clone(),
        status,
        published_at,
        comments_open: values.comments_open,
    };
    if invalid.fields.is_empty() {
        return (values, Ok(input));
    }
    // Report the other fields' problems in the same round.
    if let Err(more) = input.validate(now) {
        invalid.fields.extend(more.fields);
    }
    (values, Err(invalid))
}

fn error_list(invalid: InvalidArticle) -> Vec<(String, String)> {
    invalid
        .fields
        .into_iter()
        .map(|(field, message)| (field.to_owned(), message))
        .collect()
}

pub async fn create_article(
    State(app): State<App>,
    admin: Admin,
    form: FormFields,
) -> Result<Response, AppError> {
    save_article(&app, &admin, None, &form).await
}

pub async fn update_article(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    save_article(&app, &admin, Some(&article), &form).await
}

/// Creates an article (`existing` is `None`) or replaces one from the editor's form; on a
/// problem, the editor comes back with the messages and everything typed.
async fn save_article(
    app: &App,
    admin: &Admin,
    existing: Option<&Article>,
    form: &FormFields,
) -> Result<Response, AppError> {
    admin.check_csrf(form)?;
    let (values, input) = article_from_form(form, app.now());
    let result = match (input, existing) {
        (Ok(input), Some(article)) => articles::update_article(app, article.id, input).await,
        (Ok(input), None) => articles::create_article(app, input, Some(admin.user.id)).await,
        (Err(invalid), _) => Err(ArticleError::Invalid(invalid)),
    };
    match result {
        Ok(article) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!("/admin/articles/{}?notice=Saved.", article.id),
        )),
        Err(ArticleError::Invalid(invalid)) => {
            let errors = error_list(invalid);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            editor(app, admin, status, existing, values, errors, None).await
        }
        Err(ArticleError::NotFound) => Err(AppError::NotFound),
        Err(ArticleError::Store(error)) => Err(error.into()),
    }
}

// Status.

#[derive(Serialize)]
struct StatusPage {
    #[serde(flatten)]
    chrome: Chrome,
    backend: &'static str,
    schema_version: i64,
    cache_pages: usize,
    cache_megabytes: String,
    cache_limit_megabytes: String,
    cache_hits: u64,
    cache_misses: u64,
    cache_hit_ratio: String,
    cache_invalidations: u64,
    cache_evictions: u64,
}

/// How the site is doing: the database, and the page cache's hit ratio.
pub async fn show_status(State(app): State<App>, admin: Admin) -> Result<Response, AppError> {
    let stats = app.cache.stats();
    let megabytes = |bytes: usize| format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
    let page = StatusPage {
        chrome: chrome(&app, &admin, "status", None).await?,
        backend: if app.shared_database {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        schema_version: app.store.schema_version().await?,
        cache_pages: stats.pages,
        cache_megabytes: megabytes(stats.bytes),
        cache_limit_megabytes: megabytes(stats.limit_bytes),
        cache_hits: stats.hits,
        cache_misses: stats.misses,
        cache_hit_ratio: format!("{:.1}%", stats.hit_ratio() * 100.0),
        cache_invalidations: stats.invalidations,
        cache_evictions: stats.evictions,
    };
    render(&app, StatusCode::OK, "admin/status.html", page)
}

// Discussion settings.

#[derive(Serialize)]
struct DiscussionPage {
    #[serde(flatten)]
    chrome: Chrome,
    settings: DiscussionSettings,
    errors: Vec<(String, String)>,
    max_thread_depth: u32,
}

fn require_administrator(admin: &Admin) -> Result<(), AppError> {
    if admin.user.role.can_change_settings() {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            message: "Only administrators can change the site's settings.".into(),
            kept_text: None,
        })
    }
}

pub async fn show_discussion_settings(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require_administrator(&admin)?;
    let page = DiscussionPage {
        chrome: chrome(&app, &admin, "discussion", query_value(&query, "notice")).await?,
        settings: site::discussion_settings(&app).await?,
        errors: Vec::new(),
        max_thread_depth: MAX_THREAD_DEPTH,
    };
    render(&app, StatusCode::OK, "admin/discussion.html", page)
}

/// The most characters a word list may hold; more is a paste accident.
const MAX_WORD_LIST_CHARS: usize = 64 * 1024;

fn discussion_from_form(form: &FormFields) -> (DiscussionSettings, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let mut number =
        |field: &str, label: &str, range: std::ops::RangeInclusive<u32>, fallback: u32| match form
            .get(field)
            .trim()
            .parse::<u32>()
        {
            Ok(value) if range.contains(&value) => value,
            // A form that leaves a number out (a script setting a few) keeps the default.
            Err(_) if form.get(field).trim().is_empty() => fallback,
            _ => {
                errors.push((
                    field.to_owned(),
                    format!(
                        "{label} must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                ));
                fallback
            }
        };
    let defaults = DiscussionSettings::default();
    let max_links = number("max_links", "The link limit", 0..=100, defaults.max_links);
    let flood_interval_seconds = number(
        "flood_interval_seconds",
        "The interval between comments",
        0..=3600,
        defaults.flood_interval_seconds,
    );
    let thread_depth = number(
        "thread_depth",
        "The thread depth",
        1..=MAX_THREAD_DEPTH,
        defaults.thread_depth,
    );
    let close_after_days = number(
        "close_after_days",
        "The days before comments close",
        0..=36500,
        defaults.close_after_days,
    );
    let comments_per_page = number(
        "comments_per_page",
        "Comments per page",
        1..=1000,
        defaults.comments_per_page,
    );
    let min_seconds_to_post = number(
        "min_seconds_to_post",
        "The shortest time to post",
        0..=600,
        defaults.min_seconds_to_post,
    );
    let proof_of_work_bits = number(
        "proof_of_work_bits",
        "The proof-of-work difficulty",
        0..=24,
        defaults.proof_of_work_bits,
    );
    let max_comments_per_ip_per_hour = number(
        "max_comments_per_ip_per_hour",
        "Comments per IP address an hour",
        0..=10000,
        defaults.max_comments_per_ip_per_hour,
    );
    let max_comments_per_email_per_hour = number(
        "max_comments_per_email_per_hour",
        "Comments per email an hour",
        0..=10000,
        defaults.max_comments_per_email_per_hour,
    );
    let purge_spam_after_days = number(
        "purge_spam_after_days",
        "The days spam is kept",
        0..=3650,
        defaults.purge_spam_after_days,
    );
    let keep_ip_days = number(
        "keep_ip_days",
        "The days IP addresses are kept",
        0..=3650,
        defaults.keep_ip_days,
    );
    let edit_window_minutes = number(
        "edit_window_minutes",
        "The editing window",
        0..=1440,
        defaults.edit_window_minutes,
    );
    let max_reports_per_ip_per_hour = number(
        "max_reports_per_ip_per_hour",
        "Reports per IP address an hour",
        1..=1000,
        defaults.max_reports_per_ip_per_hour,
    );
    let settings = DiscussionSettings {
        require_name_email: form.checked("require_name_email"),
        manual_approval: form.checked("manual_approval"),
        require_previously_approved: form.checked("require_previously_approved"),
        max_links,
        moderation_words: form.get("moderation_words").replace("\r\n", "\n"),
        disallowed_words: form.get("disallowed_words").replace("\r\n", "\n"),
        flood_interval_seconds,
        thread_depth,
        comments_on_new_articles: form.checked("comments_on_new_articles"),
        close_after_days,
        page_comments: form.checked("page_comments"),
        comments_per_page,
        default_comments_page: if form.get("default_comments_page") == "oldest" {
            DefaultCommentsPage::Oldest
        } else {
            DefaultCommentsPage::Newest
        },
        comment_order: if form.get("comment_order") == "newest_first" {
            CommentOrder::NewestFirst
        } else {
            CommentOrder::OldestFirst
        },
        show_avatars: form.checked("show_avatars"),
        remember_commenter_opt_in: form.checked("remember_commenter_opt_in"),
        notify_author: form.checked("notify_author"),
        notify_moderators: form.checked("notify_moderators"),
        subscriptions: form.checked("subscriptions"),
        min_seconds_to_post,
        proof_of_work_bits,
        max_comments_per_ip_per_hour,
        max_comments_per_email_per_hour,
        purge_spam_after_days,
        keep_ip_days,
        edit_window_minutes,
        max_reports_per_ip_per_hour,
    };
    for (field, list) in [
        ("moderation_words", &settings.moderation_words),
        ("disallowed_words", &settings.disallowed_words),
    ] {
        if list.chars().count() > MAX_WORD_LIST_CHARS {
            errors.push((
                field.to_owned(),
                format!("A word list may hold at most {MAX_WORD_LIST_CHARS} characters."),
            ));
        }
    }
    (settings, errors)
}

pub async fn save_discussion_settings(
    State(app): State<App>,
    admin: Admin,
    form: FormFields,
) -> Result<Response, AppError> {
    require_administrator(&admin)?;
    admin.check_csrf(&form)?;
    let (settings, errors) = discussion_from_form(&form);
    if !errors.is_empty() {
        let page = DiscussionPage {
            chrome: chrome(&app, &admin, "discussion", None).await?,
            settings,
            errors,
            max_thread_depth: MAX_THREAD_DEPTH,
        };
        return render(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/discussion.html",
            page,
        );
    }
    site::save_discussion_settings(&app, &settings).await?;
    Ok(redirect(
        StatusCode::SEE_OTHER,
        "/admin/settings/discussion?notice=Settings%20saved.",
    ))
}

// One comment: edit, reply.

#[derive(Serialize)]
struct CommentEditPage {
    #[serde(flatten)]
    chrome: Chrome,
    id: i64,
    article_title: String,
    article_url: String,
    status: &'static str,
    author: String,
    email: String,
    url: String,
    content: String,
    error: Option<String>,
}

async fn find_comment(app: &App, id: &str) -> Result<tidings_domain::Comment, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .comment_by_id(CommentId(id))
        .await?
        .ok_or(AppError::NotFound)
}

async fn comment_edit_page(
    app: &App,
    admin: &Admin,
    comment: &tidings_domain::Comment,
    values: (String, String, String, String),
    error: Option<String>,
) -> Result<CommentEditPage, AppError> {
    let article = app.store.article_by_id(comment.article_id).await?;
    let (author, email, url, content) = values;
    Ok(CommentEditPage {
        chrome: chrome(app, admin, "comments", None).await?,
        id: comment.id.0,
        article_title: article.as_ref().map_or(String::new(), |a| a.title.clone()),
        article_url: article.as_ref().map_or(String::new(), |a| a.permalink()),
        status: comment.status.as_str(),
        author,
        email,
        url,
        content,
        error,
    })
}

pub async fn edit_comment(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let comment = find_comment(&app, &id).await?;
    let values = (
        comment.author_name.clone(),
        comment.author_email.clone(),
        comment.author_url.clone(),
        comment.content.clone(),
    );
    let page = comment_edit_page(&app, &admin, &comment, values, None).await?;
    render(&app, StatusCode::OK, "admin/comment_edit.html", page)
}

pub async fn update_comment(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    admin.check_csrf(&form)?;
    let comment = find_comment(&app, &id).await?;
    let raw = RawSubmission {
        article_id: comment.article_id.0.to_string(),
        parent_id: String::new(),
        author_name: form.get("author").to_owned(),
        author_email: form.get("email").to_owned(),
        author_url: form.get("url").to_owned(),
        content: form.get("comment").to_owned(),
    };
    match comments::edit_by_moderator(&app, &comment, &raw).await? {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/comments?status={}&notice=Comment%20updated.",
                comment.status.as_str()
            ),
        )),
        Err(errors) => {
            let message = ["comment", "author", "email", "url"]
                .iter()
                .filter_map(|field| errors.get(field))
                .collect::<Vec<_>>()
                .join(" ");
            let values = (
                raw.author_name,
                raw.author_email,
                raw.author_url,
                raw.content,
            );
            let page = comment_edit_page(&app, &admin, &comment, values, Some(message)).await?;
            render(
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/comment_edit.html",
                page,
            )
        }
    }
}

pub async fn reply_to_comment(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    form: FormFields,
) -> Result<Response, AppError> {
    admin.check_csrf(&form)?;
    let parent = find_comment(&app, &id).await?;
    let notice =
        match comments::reply_as_staff(&app, &admin.user, &parent, form.get("comment")).await? {
            Ok(_) => "Reply published.".to_owned(),
            Err(errors) => errors
                .get("comment")
                .unwrap_or("The reply could not be published.")
                .to_owned(),
        };
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!(
            "/admin/comments?status={}&notice={}",
            parent.status.as_str(),
            form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
        ),
    ))
}

// Personal data: export and erase by email.

#[derive(Serialize)]
struct PrivacyPage {
    #[serde(flatten)]
    chrome: Chrome,
    email: String,
    error: Option<String>,
}

pub async fn show_privacy(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require_administrator(&admin)?;
    let page = PrivacyPage {
        chrome: chrome(&app, &admin, "privacy", query_value(&query, "notice")).await?,
        email: String::new(),
        error: None,
    };
    render(&app, StatusCode::OK, "admin/privacy.html", page)
}

pub async fn privacy_request(
    State(app): State<App>,
    admin: Admin,
    form: FormFields,
) -> Result<Response, AppError> {
    require_administrator(&admin)?;
    admin.check_csrf(&form)?;
    let email = form.get("email").trim().to_owned();
    if !email.contains('@') || email.len() > tidings_domain::comment::MAX_EMAIL_CHARS {
        let page = PrivacyPage {
            chrome: chrome(&app, &admin, "privacy", None).await?,
            email,
            error: Some("Please enter the commenter’s email address.".into()),
        };
        return render(
            &app,
            StatusCode::UNPROCESSABLE_ENTITY,
            "admin/privacy.html",
            page,
        );
    }
    if form.get("do") == "erase" {
        let erased = comments::erase_personal_data(&app, &email).await?;
        let notice = format!(
            "Erased: {} comment(s) anonymised, {} subscription(s) deleted.",
            erased.comments, erased.subscriptions
        );
        return Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/privacy?notice={}",
                form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
            ),
        ));
    }
    let export = comments::export_personal_data(&app, &email).await?;
    let name: String = email
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!(
                    "attachment; filename=\"personal-data-{name}.json\""
                ))
                .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        export,
    )
        .into_response())
}
