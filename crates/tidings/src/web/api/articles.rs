//! Articles and pages: read by anyone when public, written within the caller's role.

use super::{
    ApiError, ApiJson, ApiQuery, Caller, decode_cursor, encode_cursor, etag_matches,
    json_with_etag, link_next, page_size,
};
use crate::app::App;
use crate::cache::Tag;
use crate::services::articles::{self as service, ArticleError, TrashError};
use crate::web::page_cache::CacheTags;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tidings_domain::article::{ArticleInput, ArticleState};
use tidings_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, Capability, Taxonomy, Term, TermId, User,
    UserId,
};
use tidings_store::{ArticleFilter, ArticleOrder, ArticleQuery, ArticleSummary, Page};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// An article or a page as the API gives it.
#[derive(Serialize, ToSchema)]
pub struct ArticleOut {
    pub id: i64,
    /// `article` or `page`.
    pub kind: String,
    pub title: String,
    pub subtitle: String,
    pub slug: String,
    /// The hand-written excerpt, or one made from the body.
    pub excerpt: String,
    /// The body as readers see it, sanitised.
    pub body_html: String,
    /// The body as written, for those who may edit it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// `draft`, `pending`, `scheduled`, `published`, `private` or `trash`.
    pub status: String,
    /// RFC 3339.
    pub published_at: String,
    pub updated_at: String,
    /// When the published text last changed, if it did.
    pub revised_at: Option<String>,
    /// Its address on the site.
    pub link: String,
    pub authors: Vec<AuthorRef>,
    pub sections: Vec<TermRef>,
    pub tags: Vec<TermRef>,
    pub comments_open: bool,
    /// Approved comments.
    pub comment_count: u64,
    pub sticky: bool,
    /// A page's parent page.
    pub parent_id: Option<i64>,
    /// The featured image's address, if any.
    pub featured_image: Option<String>,
    pub featured_image_alt: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorRef {
    pub id: i64,
    pub name: String,
    pub link: String,
}

#[derive(Serialize, ToSchema)]
pub struct TermRef {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub link: String,
}

#[derive(Serialize, ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleOut>,
    /// The cursor of the next page (also in the `Link` header), `null` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Items per page, 1 to 100 (20 by default).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// `published` (the default), or for staff `draft`, `pending`, `scheduled`,
    /// `private`, `trash` or `any` (all but the trash).
    pub status: Option<String>,
    /// A section's or tag's id.
    pub term: Option<i64>,
    /// An author's id.
    pub author: Option<i64>,
    /// Words the title contains.
    pub search: Option<String>,
}

/// What a client sends to create or change an article; on a change, what it leaves out
/// stays as it is.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ArticleWrite {
    pub title: Option<String>,
    /// Made from the title when empty.
    pub slug: Option<String>,
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    /// Markdown.
    pub body_markdown: Option<String>,
    /// `draft` (the default), `pending`, `published` or `private`.
    pub status: Option<String>,
    /// RFC 3339; a future date schedules a published article.
    pub published_at: Option<String>,
    pub comments_open: Option<bool>,
    pub sticky: Option<bool>,
    /// A page's parent page.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<super::WholeNumber>,
    /// Section ids, the primary one first.
    #[schema(value_type = Option<Vec<i64>>)]
    pub sections: Option<Vec<super::WholeNumber>>,
    /// Tag names (new ones are created) or slugs.
    pub tags: Option<Vec<String>>,
    /// Author ids in byline order (the desk's to set).
    #[schema(value_type = Option<Vec<i64>>)]
    pub authors: Option<Vec<super::WholeNumber>>,
    /// The address of a media library image, or empty for none.
    pub featured_image: Option<String>,
    pub featured_image_alt: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ListParams),
    responses((status = 200, description = "Newest first", body = ArticleList,
               headers(("Link" = String, description = "rel=\"next\": the next page"))),
              (status = 304, description = "Unchanged since the ETag sent"),
              (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn list_articles(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    list(app, caller, headers, params, ArticleKind::Article).await
}

#[utoipa::path(get, path = "/api/v1/pages", tag = "pages", params(ListParams),
    responses((status = 200, body = ArticleList), (status = 304, description = "Unchanged"),
              (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn list_pages(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    list(app, caller, headers, params, ArticleKind::Page).await
}

async fn list(
    app: App,
    caller: Caller,
    headers: HeaderMap,
    params: ListParams,
    kind: ArticleKind,
) -> Result<Response, ApiError> {
    let size = page_size(params.limit)?;
    let state = match params.status.as_deref().unwrap_or("published") {
        "any" => None,
        value => Some(ArticleState::parse(value).ok_or_else(|| {
            ApiError::invalid([(
                "status".to_owned(),
                "One of published, draft, pending, scheduled, private, trash or any.".to_owned(),
            )])
        })?),
    };
    let mut author = params.author.map(UserId);
    if state != Some(ArticleState::Published) {
        // What is not public is listed for staff, and only what they may edit.
        let user = caller.signed_in()?;
        let sees_all = match kind {
            ArticleKind::Article => user.role.can(Capability::EditOthers),
            ArticleKind::Page => user.role.can(Capability::ManagePages),
        };
        if !sees_all {
            if kind == ArticleKind::Page {
                return Err(
                    crate::services::access::refusal(user, "list unpublished pages").into(),
                );
            }
            author = Some(user.id);
        }
    }
    let filter = ArticleFilter {
        kind,
        state,
        author,
        term: params.term.map(TermId),
        title_contains: params
            .search
            .as_deref()
            .map(str::trim)
            .filter(|words| !words.is_empty())
            .map(str::to_owned),
        now: app.now(),
    };
    let after = params
        .cursor
        .as_deref()
        .map(decode_cursor)
        .transpose()?
        .map(|(at, id)| (at, ArticleId(id)));
    let listed = app.store.articles_after(&filter, after, size).await?;
    let next = listed
        .more
        .then(|| listed.items.last())
        .flatten()
        .map(|last| encode_cursor(last.article.published_at, last.article.id.0));
    let mut items = Vec::with_capacity(listed.items.len());
    for summary in &listed.items {
        items.push(summary_out(&app, &caller, summary).await?);
    }
    let next_link = next.as_ref().map(|cursor| {
        let base = app.config.base_url();
        let path = match kind {
            ArticleKind::Article => "articles",
            ArticleKind::Page => "pages",
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("limit", &size.to_string());
        query.append_pair("cursor", cursor);
        if let Some(status) = &params.status {
            query.append_pair("status", status);
        }
        for (name, value) in [("term", params.term), ("author", params.author)] {
            if let Some(value) = value {
                query.append_pair(name, &value.to_string());
            }
        }
        if let Some(search) = &params.search {
            query.append_pair("search", search);
        }
        format!("{base}/api/v1/{path}?{}", query.finish())
    });
    let list = ArticleList {
        items,
        next_cursor: next,
    };
    let mut response = json_with_etag(&headers, StatusCode::OK, &list);
    link_next(&mut response, next_link);
    let next_scheduled = app.store.next_publication_after(app.now()).await?;
    response
        .extensions_mut()
        .insert(CacheTags(vec![Tag::Lists], next_scheduled));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = i64, Path, description = "The article's id")),
    responses((status = 200, body = ArticleOut, headers(("ETag" = String, description = "Send it back in If-Match to change the article"))),
              (status = 304, description = "Unchanged since the ETag sent"),
              (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_article(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    read(app, caller, headers, &id, ArticleKind::Article).await
}

#[utoipa::path(get, path = "/api/v1/pages/{id}", tag = "pages",
    params(("id" = i64, Path, description = "The page's id")),
    responses((status = 200, body = ArticleOut), (status = 304, description = "Unchanged"),
              (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn get_page(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    read(app, caller, headers, &id, ArticleKind::Page).await
}

async fn read(
    app: App,
    caller: Caller,
    headers: HeaderMap,
    id: &str,
    kind: ArticleKind,
) -> Result<Response, ApiError> {
    let article = readable(&app, &caller, id, kind).await?;
    let out = article_out(&app, &caller, &article).await?;
    let mut response = json_with_etag(&headers, StatusCode::OK, &out);
    // The same for every anonymous reader: the page cache keeps it until the article
    // changes (a signed-in caller's answer bypasses the cache).
    response
        .extensions_mut()
        .insert(CacheTags(vec![Tag::Article(article.id)], None));
    Ok(response)
}

#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", request_body = ArticleWrite,
    security(("application_password" = []), ("session" = [])),
    responses((status = 201, body = ArticleOut, headers(("Location" = String), ("ETag" = String))),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_article(
    State(app): State<App>,
    caller: Caller,
    ApiJson(write): ApiJson<ArticleWrite>,
) -> Result<Response, ApiError> {
    create(app, caller, write, ArticleKind::Article).await
}

#[utoipa::path(post, path = "/api/v1/pages", tag = "pages", request_body = ArticleWrite,
    security(("application_password" = []), ("session" = [])),
    responses((status = 201, body = ArticleOut), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn create_page(
    State(app): State<App>,
    caller: Caller,
    ApiJson(write): ApiJson<ArticleWrite>,
) -> Result<Response, ApiError> {
    create(app, caller, write, ArticleKind::Page).await
}

async fn create(
    app: App,
    caller: Caller,
    write: ArticleWrite,
    kind: ArticleKind,
) -> Result<Response, ApiError> {
    let user = caller.signed_in()?.clone();
    let input = apply(
        ArticleInput {
            kind: Some(kind),
            comments_open: true,
            ..ArticleInput::default()
        },
        write,
    )?;
    let article = service::create_article_as(&app, &user, input)
        .await
        .map_err(article_error)?;
    let out = article_out(&app, &caller, &article).await?;
    let mut response = json_with_etag(&HeaderMap::new(), StatusCode::CREATED, &out);
    let location = format!(
        "/api/v1/{}/{}",
        if kind == ArticleKind::Page {
            "pages"
        } else {
            "articles"
        },
        article.id.0
    );
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles", request_body = ArticleWrite,
    params(("id" = i64, Path, description = "The article's id"),
           ("If-Match" = Option<String>, Header, description = "The ETag it was read with: refused with 412 if it changed since")),
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, body = ArticleOut), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
              (status = 412, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn update_article(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(write): ApiJson<ArticleWrite>,
) -> Result<Response, ApiError> {
    update(app, caller, headers, &id, write, ArticleKind::Article).await
}

#[utoipa::path(patch, path = "/api/v1/pages/{id}", tag = "pages", request_body = ArticleWrite,
    params(("id" = i64, Path, description = "The page's id"),
           ("If-Match" = Option<String>, Header, description = "The ETag it was read with")),
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, body = ArticleOut), (status = 401, body = super::ErrorBody),
              (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
              (status = 412, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn update_page(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(write): ApiJson<ArticleWrite>,
) -> Result<Response, ApiError> {
    update(app, caller, headers, &id, write, ArticleKind::Page).await
}

async fn update(
    app: App,
    caller: Caller,
    headers: HeaderMap,
    id: &str,
    write: ArticleWrite,
    kind: ArticleKind,
) -> Result<Response, ApiError> {
    let user = caller.signed_in()?.clone();
    let id = parse_id(id)?;
    let before = service::may_change(&app, &user, id)
        .await
        .map_err(article_error)?;
    if before.kind != kind || before.trashed.is_some() {
        return Err(crate::web::AppError::NotFound.into());
    }
    // The ETag is of everything the article showed when it was read (as this caller sees
    // it, or as anyone does): a change since is refused. The newest revision now goes to
    // the save, so the store refuses a save that lands between this check and the write.
    let based_on = match headers.get(header::IF_MATCH) {
        None => None,
        Some(sent) => {
            let based_on = app.store.latest_revision(id).await?;
            let mine = article_out(&app, &caller, &before).await?;
            let anyone = article_out(&app, &Caller { user: None }, &before).await?;
            let matches = [mine, anyone]
                .iter()
                .any(|out| etag_matches(Some(sent), &super::etag_of(&super::json_body(out))));
            if !matches {
                return Err(ApiError::precondition_failed());
            }
            based_on
        }
    };
    let input = apply(input_of(&app, &before).await?, write)?;
    let article = service::update_article_as(&app, &user, id, input, based_on)
        .await
        .map_err(|error| match error {
            ArticleError::EditedSince { .. } => ApiError::precondition_failed(),
            other => article_error(other),
        })?;
    let out = article_out(&app, &caller, &article).await?;
    Ok(json_with_etag(&HeaderMap::new(), StatusCode::OK, &out))
}

#[utoipa::path(delete, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = i64, Path, description = "The article's id")),
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "Moved to the trash (restorable for 30 days)", body = ArticleOut),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn delete_article(
    State(app): State<App>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    trash(app, caller, &id, ArticleKind::Article).await
}

#[utoipa::path(delete, path = "/api/v1/pages/{id}", tag = "pages",
    params(("id" = i64, Path, description = "The page's id")),
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "Moved to the trash", body = ArticleOut),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn delete_page(
    State(app): State<App>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    trash(app, caller, &id, ArticleKind::Page).await
}

async fn trash(
    app: App,
    caller: Caller,
    id: &str,
    kind: ArticleKind,
) -> Result<Response, ApiError> {
    let user = caller.signed_in()?.clone();
    let id = parse_id(id)?;
    match app.store.article_by_id(id).await? {
        Some(article) if article.kind == kind && article.trashed.is_none() => {}
        _ => return Err(crate::web::AppError::NotFound.into()),
    }
    let article = match service::trash_article(&app, &user, id).await {
        Ok(article) => article,
        Err(TrashError::NotFound) => return Err(crate::web::AppError::NotFound.into()),
        Err(TrashError::Forbidden(refused)) => return Err(refused.into()),
        Err(TrashError::Refused(why)) => {
            return Err(ApiError::new(StatusCode::CONFLICT, "conflict", why));
        }
        Err(TrashError::Store(error)) => return Err(error.into()),
    };
    let out = article_out(&app, &caller, &article).await?;
    Ok(axum::Json(out).into_response())
}

pub(crate) fn parse_id(id: &str) -> Result<ArticleId, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(ArticleId)
        .ok_or_else(|| crate::web::AppError::NotFound.into())
}

/// The article if the caller may read it: anyone what is public, a signed-in person a
/// private article or what they may edit. Anything else is not found, as on the site.
pub(crate) async fn readable(
    app: &App,
    caller: &Caller,
    id: &str,
    kind: ArticleKind,
) -> Result<Article, ApiError> {
    let not_found = || ApiError::from(crate::web::AppError::NotFound);
    let id = parse_id(id)?;
    let article = app.store.article_by_id(id).await?.ok_or_else(not_found)?;
    if article.kind != kind {
        return Err(not_found());
    }
    match article.state(app.now()) {
        ArticleState::Published => Ok(article),
        ArticleState::Private if caller.user.is_some() => Ok(article),
        // Deleted, as far as the API goes: found again in a list with `status=trash`, and
        // restored from the admin.
        ArticleState::Trash => Err(not_found()),
        _ => match &caller.user {
            Some(user) if may_edit(app, user, &article).await? => Ok(article),
            _ => Err(not_found()),
        },
    }
}

pub(crate) async fn may_edit(app: &App, user: &User, article: &Article) -> Result<bool, ApiError> {
    let authors: Vec<UserId> = app
        .store
        .authors_of(article.id)
        .await?
        .into_iter()
        .map(|author| author.id)
        .collect();
    Ok(tidings_domain::access::may_edit(user, article, &authors))
}

fn when(moment: OffsetDateTime) -> String {
    moment.format(&Rfc3339).unwrap_or_default()
}

fn term_ref(app: &App, term: &Term) -> TermRef {
    TermRef {
        id: term.id.0,
        name: term.name.clone(),
        slug: term.slug.to_string(),
        link: format!("{}{}", app.config.base_url(), term.permalink()),
    }
}

/// The article as the API shows it, and its version for the ETag (its newest revision).
async fn article_out(
    app: &App,
    caller: &Caller,
    article: &Article,
) -> Result<ArticleOut, ApiError> {
    let authors = app.store.authors_of(article.id).await?;
    let author_ids: Vec<UserId> = authors.iter().map(|author| author.id).collect();
    let editable = caller
        .user
        .as_ref()
        .is_some_and(|user| tidings_domain::access::may_edit(user, article, &author_ids));
    let comment_count = approved_count(app, article).await?;
    let mut out = base_out(app, article, editable, comment_count);
    out.authors = authors
        .iter()
        .map(|author| AuthorRef {
            id: author.id.0,
            name: author.display_name.clone(),
            link: format!("{}{}", app.config.base_url(), author.permalink()),
        })
        .collect();
    fill_terms(app, article.id, &mut out).await?;
    Ok(out)
}

/// An article's approved comments, counted by the query the lists use.
async fn approved_count(app: &App, article: &Article) -> Result<u64, ApiError> {
    let query = ArticleQuery {
        filter: ArticleFilter {
            kind: article.kind,
            state: None,
            author: None,
            term: None,
            title_contains: None,
            now: app.now(),
        },
        any_terms: Vec::new(),
        any_terms_too: Vec::new(),
        words: None,
        ids: vec![article.id],
        slugs: Vec::new(),
        parent: None,
        order: ArticleOrder::Date,
        ascending: false,
    };
    let first = Page { number: 1, size: 1 };
    let (found, _) = app.store.query_articles(&query, first).await?;
    Ok(found.first().map_or(0, |summary| summary.approved_comments))
}

async fn summary_out(
    app: &App,
    caller: &Caller,
    summary: &ArticleSummary,
) -> Result<ArticleOut, ApiError> {
    let article = &summary.article;
    // A list shows the byline's first name; the article itself has them all.
    let editable = match &caller.user {
        Some(user) if user.role.can(Capability::EditOthers) => true,
        Some(user) => article.author_id == Some(user.id),
        None => false,
    };
    let mut out = base_out(app, article, editable, summary.approved_comments);
    if let (Some(id), Some(name)) = (article.author_id, &summary.author_name) {
        out.authors.push(AuthorRef {
            id: id.0,
            name: name.clone(),
            link: String::new(),
        });
    }
    fill_terms(app, article.id, &mut out).await?;
    Ok(out)
}

fn base_out(app: &App, article: &Article, editable: bool, comment_count: u64) -> ArticleOut {
    ArticleOut {
        id: article.id.0,
        kind: article.kind.as_str().to_owned(),
        title: article.title.clone(),
        subtitle: article.subtitle.clone(),
        slug: article.slug.to_string(),
        excerpt: article.excerpt(),
        body_html: article.body_html().as_str().to_owned(),
        body_markdown: editable.then(|| article.body_markdown.clone()),
        status: article.state(app.now()).as_str().to_owned(),
        published_at: when(article.published_at),
        updated_at: when(article.updated_at),
        revised_at: article.revised_at.map(when),
        link: format!("{}{}", app.config.base_url(), article.permalink()),
        authors: Vec::new(),
        sections: Vec::new(),
        tags: Vec::new(),
        comments_open: article.comments_open,
        comment_count,
        sticky: article.sticky,
        parent_id: article.parent_id.map(|id| id.0),
        featured_image: article
            .featured_image
            .as_ref()
            .map(|image| format!("{}{}", app.config.base_url(), image.path())),
        featured_image_alt: article.featured_image_alt.clone(),
    }
}

async fn fill_terms(app: &App, id: ArticleId, out: &mut ArticleOut) -> Result<(), ApiError> {
    for term in app.store.article_terms(id).await? {
        match term.taxonomy {
            Taxonomy::Section => out.sections.push(term_ref(app, &term)),
            Taxonomy::Tag => out.tags.push(term_ref(app, &term)),
        }
    }
    Ok(())
}

/// What the article is now, as the editor's form would send it back unchanged.
pub(crate) async fn input_of(app: &App, article: &Article) -> Result<ArticleInput, ApiError> {
    let terms = app.store.article_terms(article.id).await?;
    Ok(ArticleInput {
        kind: Some(article.kind),
        title: article.title.clone(),
        slug: article.slug.to_string(),
        subtitle: article.subtitle.clone(),
        excerpt: article.excerpt.clone(),
        body_markdown: article.body_markdown.clone(),
        status: Some(article.trashed.map_or(article.status, |(_, before)| before)),
        published_at: Some(article.published_at),
        comments_open: article.comments_open,
        sticky: article.sticky,
        parent_id: article.parent_id,
        sections: terms
            .iter()
            .filter(|term| term.taxonomy == Taxonomy::Section)
            .map(|term| term.id)
            .collect(),
        tags: terms
            .iter()
            .filter(|term| term.taxonomy == Taxonomy::Tag)
            .map(|term| term.slug.to_string())
            .collect(),
        authors: Vec::new(),
        featured_image: article
            .featured_image
            .as_ref()
            .map(|image| image.path())
            .unwrap_or_default(),
        featured_image_alt: article.featured_image_alt.clone(),
    })
}

/// The client's fields over `input`; a field it did not send keeps its value.
fn apply(mut input: ArticleInput, write: ArticleWrite) -> Result<ArticleInput, ApiError> {
    let mut faults = Vec::new();
    if let Some(title) = write.title {
        input.title = title;
    }
    if let Some(slug) = write.slug {
        input.slug = slug;
    }
    if let Some(subtitle) = write.subtitle {
        input.subtitle = subtitle;
    }
    if let Some(excerpt) = write.excerpt {
        input.excerpt = excerpt;
    }
    if let Some(body) = write.body_markdown {
        input.body_markdown = body;
    }
    if let Some(status) = write.status {
        match ArticleStatus::parse(&status).filter(|status| *status != ArticleStatus::Trash) {
            Some(status) => input.status = Some(status),
            None => faults.push((
                "status".to_owned(),
                "One of draft, pending, published or private (DELETE moves it to the trash)."
                    .to_owned(),
            )),
        }
    }
    if let Some(date) = write.published_at {
        match OffsetDateTime::parse(&date, &Rfc3339) {
            Ok(date) => input.published_at = Some(date),
            Err(_) => faults.push((
                "published_at".to_owned(),
                "A date and time in RFC 3339, such as 2026-11-30T09:00:00Z.".to_owned(),
            )),
        }
    }
    if let Some(open) = write.comments_open {
        input.comments_open = open;
    }
    if let Some(sticky) = write.sticky {
        input.sticky = sticky;
    }
    if let Some(super::WholeNumber(parent)) = write.parent_id {
        input.parent_id = (parent > 0).then_some(ArticleId(parent));
    }
    if let Some(sections) = write.sections {
        input.sections = sections.into_iter().map(|id| TermId(id.0)).collect();
    }
    if let Some(tags) = write.tags {
        input.tags = tags;
    }
    if let Some(authors) = write.authors {
        input.authors = authors.into_iter().map(|id| UserId(id.0)).collect();
    }
    if let Some(image) = write.featured_image {
        input.featured_image = image;
    }
    if let Some(alt) = write.featured_image_alt {
        input.featured_image_alt = alt;
    }
    if faults.is_empty() {
        Ok(input)
    } else {
        Err(ApiError::invalid(faults))
    }
}

pub(crate) fn article_error(error: ArticleError) -> ApiError {
    match error {
        ArticleError::Invalid(invalid) => ApiError::invalid(
            invalid
                .fields
                .into_iter()
                .map(|(field, message)| (field.to_owned(), message)),
        ),
        ArticleError::NotFound => crate::web::AppError::NotFound.into(),
        ArticleError::Forbidden(refused) => refused.into(),
        ArticleError::EditedSince { by, .. } => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("{by} saved it while this change was made; read it again."),
        ),
        ArticleError::Store(error) => error.into(),
    }
}
