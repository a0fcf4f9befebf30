//! `/wp/v2/posts` and `/wp/v2/pages`: tidings' articles and pages in WordPress's shape.

use super::{
    Params, WpCaller, WpError, avatar_urls, body_fields, bool_field, ids_field, paged,
    parse_wp_date, rest_url, text_field, wp_date,
};
use crate::app::App;
use crate::cache::Tag;
use crate::services::articles::{self as service, TrashError};
use crate::web::api::Caller;
use crate::web::api::articles::{article_error, input_of, may_edit, readable};
use crate::web::page_cache::CacheTags;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use tidings_domain::article::{ArticleInput, ArticleState};
use tidings_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, Capability, CommentStatus, Taxonomy, TermId,
    UserId,
};
use tidings_store::{ArticleFilter, ArticleOrder, ArticleQuery, CommentQuery, Page};

fn route(kind: ArticleKind) -> &'static str {
    match kind {
        ArticleKind::Article => "/wp/v2/posts",
        ArticleKind::Page => "/wp/v2/pages",
    }
}

fn not_found() -> WpError {
    WpError::new(
        StatusCode::NOT_FOUND,
        "rest_post_invalid_id",
        "Invalid post ID.",
    )
}

pub async fn list_posts(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    list(
        &app,
        &caller,
        &Params::parse(query.as_deref()),
        ArticleKind::Article,
    )
    .await
}

pub async fn list_pages(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    list(
        &app,
        &caller,
        &Params::parse(query.as_deref()),
        ArticleKind::Page,
    )
    .await
}

async fn list(
    app: &App,
    caller: &Caller,
    params: &Params,
    kind: ArticleKind,
) -> Result<Response, WpError> {
    let page = params.number("page", 1, u32::MAX)?;
    let per_page = params.number("per_page", 10, 100)?;
    let editing = params.editing(caller)?;
    let statuses = params.list("status");
    let state = match statuses.as_slice() {
        [] => Some(ArticleState::Published),
        [one] => status_filter(one)?,
        _ => None,
    };
    let mut author = params.id("author")?.map(UserId);
    if state != Some(ArticleState::Published) {
        let forbidden = || WpError::invalid_param("status", "Status is forbidden.".to_owned());
        let user = caller.user.as_ref().ok_or_else(forbidden)?;
        let sees_all = match kind {
            ArticleKind::Article => user.role.can(Capability::EditOthers),
            ArticleKind::Page => user.role.can(Capability::ManagePages),
        };
        if !sees_all {
            if kind == ArticleKind::Page {
                return Err(forbidden());
            }
            author = Some(user.id);
        }
    }
    let categories: Vec<TermId> = params.ids("categories")?.into_iter().map(TermId).collect();
    let tags: Vec<TermId> = params.ids("tags")?.into_iter().map(TermId).collect();
    let (any_terms, any_terms_too) = if categories.is_empty() {
        (tags, Vec::new())
    } else {
        (categories, tags)
    };
    let order = match params.get("orderby").unwrap_or("date") {
        "date" | "relevance" => ArticleOrder::Date,
        "modified" => ArticleOrder::Modified,
        "id" | "include" => ArticleOrder::Id,
        "title" => ArticleOrder::Title,
        "slug" | "include_slugs" => ArticleOrder::Slug,
        _ => {
            return Err(WpError::invalid_param(
                "orderby",
                "orderby is not one of date, modified, id, include, title, slug and relevance.",
            ));
        }
    };
    let parent = match params.id("parent")? {
        None => None,
        Some(0) => Some(None),
        Some(id) => Some(Some(ArticleId(id))),
    };
    let query = ArticleQuery {
        filter: ArticleFilter {
            kind,
            state,
            author,
            term: None,
            title_contains: None,
            now: app.now(),
        },
        any_terms,
        any_terms_too,
        words: params
            .get("search")
            .map(str::trim)
            .filter(|words| !words.is_empty())
            .map(str::to_owned),
        ids: params.ids("include")?.into_iter().map(ArticleId).collect(),
        slugs: params.list("slug"),
        parent,
        order,
        ascending: params.ascending(false)?,
    };
    let (summaries, total) = app
        .store
        .query_articles(
            &query,
            Page {
                number: page,
                size: per_page,
            },
        )
        .await?;
    let mut items = Vec::with_capacity(summaries.len());
    for summary in &summaries {
        let article = &summary.article;
        let editable = editing && may_edit_wp(app, caller, article).await?;
        items.push(post_json(app, article, editable, params.has("_embed")).await?);
    }
    let mut response = paged(app, route(kind), items, total, page, per_page, params)?;
    if !params.has("_embed") {
        let next_scheduled = app.store.next_publication_after(app.now()).await?;
        response
            .extensions_mut()
            .insert(CacheTags(vec![Tag::Lists], next_scheduled));
    }
    Ok(response)
}

/// WordPress's status names, and `any`.
fn status_filter(status: &str) -> Result<Option<ArticleState>, WpError> {
    Ok(Some(match status {
        "publish" => ArticleState::Published,
        "future" => ArticleState::Scheduled,
        "draft" => ArticleState::Draft,
        "pending" => ArticleState::Pending,
        "private" => ArticleState::Private,
        "trash" => ArticleState::Trash,
        "any" => return Ok(None),
        _ => {
            return Err(WpError::invalid_param(
                "status",
                "status is not one of publish, future, draft, pending, private, trash, any.",
            ));
        }
    }))
}

fn wp_status(state: ArticleState) -> &'static str {
    match state {
        ArticleState::Published => "publish",
        ArticleState::Scheduled => "future",
        ArticleState::Draft => "draft",
        ArticleState::Pending => "pending",
        ArticleState::Private => "private",
        ArticleState::Trash => "trash",
    }
}

async fn may_edit_wp(app: &App, caller: &Caller, article: &Article) -> Result<bool, WpError> {
    match &caller.user {
        Some(user) => Ok(may_edit(app, user, article).await?),
        None => Ok(false),
    }
}

pub async fn get_post(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    read(
        &app,
        &caller,
        &id,
        &Params::parse(query.as_deref()),
        ArticleKind::Article,
    )
    .await
}

pub async fn get_page(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    read(
        &app,
        &caller,
        &id,
        &Params::parse(query.as_deref()),
        ArticleKind::Page,
    )
    .await
}

async fn read(
    app: &App,
    caller: &Caller,
    id: &str,
    params: &Params,
    kind: ArticleKind,
) -> Result<Response, WpError> {
    let editing = params.editing(caller)?;
    let article = readable(app, caller, id, kind)
        .await
        .map_err(|_| not_found())?;
    let editable = editing && may_edit_wp(app, caller, &article).await?;
    if editing && !editable {
        return Err(WpError::new(
            StatusCode::FORBIDDEN,
            "rest_forbidden_context",
            "Sorry, you are not allowed to edit this post.",
        ));
    }
    let post = post_json(app, &article, editable, params.has("_embed")).await?;
    let mut response = super::answer(StatusCode::OK, &post, params);
    // An embedded author or image may change without the article: those are not kept.
    if !params.has("_embed") {
        response
            .extensions_mut()
            .insert(CacheTags(vec![Tag::Article(article.id)], None));
    }
    Ok(response)
}

pub async fn create_post(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    create(
        &app,
        &caller,
        &headers,
        &Params::parse(query.as_deref()),
        &body,
        ArticleKind::Article,
    )
    .await
}

pub async fn create_page(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    create(
        &app,
        &caller,
        &headers,
        &Params::parse(query.as_deref()),
        &body,
        ArticleKind::Page,
    )
    .await
}

async fn create(
    app: &App,
    caller: &Caller,
    headers: &HeaderMap,
    params: &Params,
    body: &[u8],
    kind: ArticleKind,
) -> Result<Response, WpError> {
    let user = caller.user.clone().ok_or_else(|| {
        WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_cannot_create",
            "Sorry, you are not allowed to create posts as this user.",
        )
    })?;
    let fields = body_fields(headers.get(header::CONTENT_TYPE), body)?;
    let input = ArticleInput {
        kind: Some(kind),
        comments_open: true,
        ..ArticleInput::default()
    };
    let input = apply(app, input, &fields, kind).await?;
    let article = service::create_article_as(app, &user, input)
        .await
        .map_err(|error| WpError::from(article_error(error)))?;
    let post = post_json(app, &article, true, false).await?;
    let mut response = super::answer(StatusCode::CREATED, &post, params);
    if let Ok(location) = rest_url(app, &format!("{}/{}", route(kind), article.id.0)).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub async fn update_post(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    update(
        &app,
        &caller,
        &id,
        &headers,
        &Params::parse(query.as_deref()),
        &body,
        ArticleKind::Article,
    )
    .await
}

pub async fn update_page(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    update(
        &app,
        &caller,
        &id,
        &headers,
        &Params::parse(query.as_deref()),
        &body,
        ArticleKind::Page,
    )
    .await
}

async fn update(
    app: &App,
    caller: &Caller,
    id: &str,
    headers: &HeaderMap,
    params: &Params,
    body: &[u8],
    kind: ArticleKind,
) -> Result<Response, WpError> {
    let user = caller.user.clone().ok_or_else(|| {
        WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_cannot_edit",
            "Sorry, you are not allowed to edit this post.",
        )
    })?;
    let id = id.parse::<i64>().map(ArticleId).map_err(|_| not_found())?;
    let before = match app.store.article_by_id(id).await? {
        Some(article) if article.kind == kind => article,
        _ => return Err(not_found()),
    };
    let fields = body_fields(headers.get(header::CONTENT_TYPE), body)?;
    let input = apply(app, input_of(app, &before).await?, &fields, kind).await?;
    let article = service::update_article_as(app, &user, id, input, None)
        .await
        .map_err(|error| match error {
            service::ArticleError::Forbidden(_) => WpError::new(
                StatusCode::FORBIDDEN,
                "rest_cannot_edit",
                "Sorry, you are not allowed to edit this post.",
            ),
            other => article_error(other).into(),
        })?;
    let post = post_json(app, &article, true, false).await?;
    Ok(super::answer(StatusCode::OK, &post, params))
}

pub async fn delete_post(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    delete(
        &app,
        &caller,
        &id,
        &Params::parse(query.as_deref()),
        ArticleKind::Article,
    )
    .await
}

pub async fn delete_page(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    delete(
        &app,
        &caller,
        &id,
        &Params::parse(query.as_deref()),
        ArticleKind::Page,
    )
    .await
}

/// Moves a post to the trash, as WordPress does without `force`. tidings keeps what is
/// deleted in the trash for 30 days (restorable from the admin) and never deletes an
/// article at once, so `force=true` is refused with the reason.
async fn delete(
    app: &App,
    caller: &Caller,
    id: &str,
    params: &Params,
    kind: ArticleKind,
) -> Result<Response, WpError> {
    let user = caller.user.clone().ok_or_else(|| {
        WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_cannot_delete",
            "Sorry, you are not allowed to delete this post.",
        )
    })?;
    let id = id.parse::<i64>().map(ArticleId).map_err(|_| not_found())?;
    match app.store.article_by_id(id).await? {
        Some(article) if article.kind == kind => {}
        _ => return Err(not_found()),
    }
    if params.flag("force") {
        return Err(WpError::new(
            StatusCode::NOT_IMPLEMENTED,
            "rest_trash_only",
            "This site keeps deleted posts in the trash for 30 days, where they can be \
             restored; delete without force to move it there.",
        ));
    }
    let article = match service::trash_article(app, &user, id).await {
        Ok(article) => article,
        Err(TrashError::NotFound) => return Err(not_found()),
        Err(TrashError::Forbidden(_)) => {
            return Err(WpError::new(
                StatusCode::FORBIDDEN,
                "rest_cannot_delete",
                "Sorry, you are not allowed to delete this post.",
            ));
        }
        Err(TrashError::Refused(why)) => {
            return Err(WpError::new(
                StatusCode::CONFLICT,
                "rest_cannot_delete",
                why,
            ));
        }
        Err(TrashError::Store(error)) => return Err(error.into()),
    };
    let post = post_json(app, &article, true, false).await?;
    Ok(super::answer(StatusCode::OK, &post, params))
}

/// A post or page with WordPress's fields, its `_links`, and with `embed` what they point
/// to under `_embedded`.
pub async fn post_json(
    app: &App,
    article: &Article,
    editable: bool,
    embed: bool,
) -> Result<Value, WpError> {
    let base = app.config.base_url();
    let id = article.id.0;
    let kind = article.kind;
    let state = article.state(app.now());
    let terms = app.store.article_terms(article.id).await?;
    let ids_of = |taxonomy: Taxonomy| -> Vec<i64> {
        terms
            .iter()
            .filter(|term| term.taxonomy == taxonomy)
            .map(|term| term.id.0)
            .collect()
    };
    let featured_media = match &article.featured_image {
        Some(address) => app
            .store
            .media_by_key(&address.key)
            .await?
            .map_or(0, |media| media.id),
        None => 0,
    };
    let author = article.author_id.map_or(0, |id| id.0);
    let self_route = format!("{}/{id}", route(kind));
    let mut links = json!({
        "self": [{"href": rest_url(app, &self_route)}],
        "collection": [{"href": rest_url(app, route(kind))}],
        "about": [{"href": rest_url(app, &format!("/wp/v2/types/{}", wp_type(kind)))}],
        "author": [{"embeddable": true, "href": rest_url(app, &format!("/wp/v2/users/{author}"))}],
        "replies": [{"embeddable": true, "href": rest_url(app, &format!("/wp/v2/comments?post={id}"))}],
        "wp:attachment": [{"href": rest_url(app, &format!("/wp/v2/media?parent={id}"))}],
        "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": true}],
    });
    if featured_media != 0 {
        links["wp:featuredmedia"] = json!([{"embeddable": true, "href": rest_url(app, &format!("/wp/v2/media/{featured_media}"))}]);
    }
    if kind == ArticleKind::Article {
        links["wp:term"] = json!([
            {"taxonomy": "category", "embeddable": true, "href": rest_url(app, &format!("/wp/v2/categories?post={id}"))},
            {"taxonomy": "post_tag", "embeddable": true, "href": rest_url(app, &format!("/wp/v2/tags?post={id}"))},
        ]);
    }
    let excerpt_html = format!("<p>{}</p>\n", escape(&article.excerpt()));
    let mut title = json!({"rendered": escape(&article.title)});
    let mut content = json!({"rendered": article.body_html().as_str(), "protected": false});
    let mut excerpt = json!({"rendered": excerpt_html, "protected": false});
    if editable {
        title["raw"] = json!(article.title);
        content["raw"] = json!(article.body_markdown);
        excerpt["raw"] = json!(article.excerpt);
    }
    let mut post = json!({
        "id": id,
        "date": wp_date(article.published_at),
        "date_gmt": wp_date(article.published_at),
        "guid": {"rendered": format!("{base}/?p={id}")},
        "modified": wp_date(article.updated_at),
        "modified_gmt": wp_date(article.updated_at),
        "slug": article.slug.as_str(),
        "status": wp_status(state),
        "type": wp_type(kind),
        "link": format!("{base}{}", article.permalink()),
        "title": title,
        "content": content,
        "excerpt": excerpt,
        "author": author,
        "featured_media": featured_media,
        "comment_status": if article.comments_open { "open" } else { "closed" },
        "ping_status": "closed",
        "template": "",
        "meta": [],
        "_links": links,
    });
    match kind {
        ArticleKind::Article => {
            post["sticky"] = json!(article.sticky);
            post["format"] = json!("standard");
            post["categories"] = json!(ids_of(Taxonomy::Section));
            post["tags"] = json!(ids_of(Taxonomy::Tag));
        }
        ArticleKind::Page => {
            post["parent"] = json!(article.parent_id.map_or(0, |id| id.0));
            post["menu_order"] = json!(0);
        }
    }
    if embed {
        post["_embedded"] = embedded(app, article, &terms, featured_media).await?;
    }
    Ok(post)
}

fn wp_type(kind: ArticleKind) -> &'static str {
    match kind {
        ArticleKind::Article => "post",
        ArticleKind::Page => "page",
    }
}

/// What `_embed` adds: the author, the approved comments, the sections and tags, and the
/// featured image.
async fn embedded(
    app: &App,
    article: &Article,
    terms: &[tidings_domain::Term],
    featured_media: i64,
) -> Result<Value, WpError> {
    let mut embedded = Map::new();
    let authors = match article.author_id {
        Some(author) => match app.store.author(author).await? {
            Some(author) => vec![super::people::author_json(app, &author)],
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    embedded.insert("author".into(), Value::Array(authors));
    let query = CommentQuery {
        status: Some(CommentStatus::Approved),
        article_id: Some(article.id),
        ..CommentQuery::default()
    };
    let (comments, _) = app
        .store
        .comment_page(
            &query,
            None,
            false,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await?;
    let replies: Vec<Value> = comments
        .iter()
        .map(|comment| super::comments::comment_json(app, comment, false))
        .collect();
    embedded.insert("replies".into(), json!([replies]));
    if article.kind == ArticleKind::Article {
        let of = |taxonomy: Taxonomy| -> Vec<Value> {
            terms
                .iter()
                .filter(|term| term.taxonomy == taxonomy)
                .map(|term| super::terms::embedded_term_json(app, term))
                .collect()
        };
        embedded.insert(
            "wp:term".into(),
            json!([of(Taxonomy::Section), of(Taxonomy::Tag)]),
        );
    }
    if featured_media != 0
        && let Some(media) = app.store.media_by_id(featured_media).await?
    {
        embedded.insert(
            "wp:featuredmedia".into(),
            json!([super::media::media_json(app, &media)]),
        );
    }
    Ok(Value::Object(embedded))
}

/// The fields a client sent over `input`: WordPress's names, HTML content.
async fn apply(
    app: &App,
    mut input: ArticleInput,
    fields: &Map<String, Value>,
    kind: ArticleKind,
) -> Result<ArticleInput, WpError> {
    if let Some(title) = text_field(fields, "title")? {
        input.title = title;
    }
    if let Some(content) = text_field(fields, "content")? {
        // WordPress clients send HTML: it is read as an imported post's body is.
        input.body_markdown = tidings_domain::wordpress::body_from_wordpress(&content).0;
    }
    if let Some(excerpt) = text_field(fields, "excerpt")? {
        input.excerpt = excerpt;
    }
    if let Some(slug) = text_field(fields, "slug")? {
        input.slug = slug;
    }
    let date = match (text_field(fields, "date_gmt")?, text_field(fields, "date")?) {
        (Some(date), _) | (None, Some(date)) => Some(
            parse_wp_date(&date)
                .ok_or_else(|| WpError::invalid_param("date", "Invalid date.".to_owned()))?,
        ),
        (None, None) => None,
    };
    if let Some(date) = date {
        input.published_at = Some(date);
    }
    if let Some(status) = text_field(fields, "status")? {
        input.status = Some(match status.as_str() {
            // A future date makes a published post scheduled, as WordPress's `future`.
            "publish" | "future" => ArticleStatus::Published,
            "draft" => ArticleStatus::Draft,
            "pending" => ArticleStatus::Pending,
            "private" => ArticleStatus::Private,
            _ => {
                return Err(WpError::invalid_param(
                    "status",
                    "status is not one of publish, future, draft, pending, private.".to_owned(),
                ));
            }
        });
    }
    if let Some(comment_status) = text_field(fields, "comment_status")? {
        input.comments_open = match comment_status.as_str() {
            "open" => true,
            "closed" => false,
            _ => {
                return Err(WpError::invalid_param(
                    "comment_status",
                    "comment_status is not one of open, closed.".to_owned(),
                ));
            }
        };
    }
    if let Some(sticky) = bool_field(fields, "sticky")? {
        input.sticky = sticky;
    }
    if let Some(authors) = ids_field(fields, "author")? {
        input.authors = authors.into_iter().map(UserId).collect();
    }
    if kind == ArticleKind::Article {
        if let Some(categories) = ids_field(fields, "categories")? {
            input.sections = categories.into_iter().map(TermId).collect();
        }
        if let Some(tags) = ids_field(fields, "tags")? {
            let mut slugs = Vec::new();
            for id in tags {
                match app.store.term_by_id(TermId(id)).await? {
                    Some(term) if term.taxonomy == Taxonomy::Tag => {
                        slugs.push(term.slug.to_string())
                    }
                    _ => {
                        return Err(WpError::invalid_param(
                            "tags",
                            format!("There is no tag with the id {id}."),
                        ));
                    }
                }
            }
            input.tags = slugs;
        }
    }
    if let Some(parent) = ids_field(fields, "parent")?.and_then(|ids| ids.first().copied()) {
        input.parent_id = (parent > 0).then_some(ArticleId(parent));
    }
    if let Some(media) = ids_field(fields, "featured_media")?.and_then(|ids| ids.first().copied()) {
        input.featured_image = if media == 0 {
            String::new()
        } else {
            let media = app.store.media_by_id(media).await?.ok_or_else(|| {
                WpError::invalid_param("featured_media", "Invalid featured media ID.".to_owned())
            })?;
            media.address().path()
        };
    }
    Ok(input)
}

/// Text for HTML, as WordPress's `rendered` fields are.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A person's avatar address for WordPress's `avatar_urls`.
pub fn person_avatar(app: &App, email: &str, author: &tidings_domain::Author) -> Value {
    let picture = crate::services::media::picture_of(app, email, author);
    let url = if picture.starts_with('/') {
        format!("{}{picture}", app.config.base_url())
    } else {
        picture
    };
    avatar_urls(&url)
}
