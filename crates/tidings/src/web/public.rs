//! What readers see: the front page, articles with their comments, and the comment form.

use crate::app::App;
use crate::cache::Tag;
use crate::render::views::{
    self, ArticleListItem, ArticlePageInput, FormErrors, FormValues, FrontPage,
};
use crate::services::comments::{self, PendingPreview};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::Viewer;
use crate::web::page_cache::CacheTags;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_domain::date_archive::DateArchive;
use tidings_domain::{Article, Comment, CommentId, CommentStatus, DiscussionSettings};
use tidings_store::Page;

mod archives;
pub use old_addresses::answer_old_addresses;
mod comment_form;
mod feeds;
mod media;
mod old_addresses;
mod pages;
mod search;
mod sitemaps;
pub use archives::{
    show_author, show_author_page, show_corrections, show_corrections_page, show_section_path,
    show_tag, show_tag_page,
};
pub use comment_form::post_comment;
pub use feeds::{
    show_atom_feed, show_author_atom_feed, show_author_feed, show_feed, show_tag_atom_feed,
    show_tag_feed,
};
pub use media::media_file;
pub use pages::show_page;
pub use search::{show_search, show_search_page};
pub use sitemaps::{sitemap, sitemap_index};

/// Public pages are the same for every visitor but may change at any write, so browsers
/// revalidate instead of keeping a copy.
pub(super) const PUBLIC: &str = "no-cache";
/// Pages made for one reader (their pending comment, their form with errors).
pub(super) const PRIVATE: &str = "private, no-store";

pub fn html(status: StatusCode, body: String, cache_control: &'static str) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control),
            ),
        ],
        body,
    )
        .into_response()
}

/// A `Location` header value: non-ASCII (slugs in any script) percent-encoded.
fn location(target: &str) -> HeaderValue {
    let mut encoded = String::with_capacity(target.len());
    for byte in target.bytes() {
        if byte.is_ascii_graphic() && !matches!(byte, b'"' | b'<' | b'>' | b'`' | b'\\') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&encoded).unwrap_or(HeaderValue::from_static("/"))
}

pub fn redirect(status: StatusCode, target: &str) -> Response {
    (
        status,
        [
            (header::LOCATION, location(target)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}

/// Query parameters as pairs; a malformed query is read as well as it can be, never refused.
struct QueryPairs(Vec<(String, String)>);

impl QueryPairs {
    fn parse(query: Option<String>) -> QueryPairs {
        QueryPairs(
            form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

pub async fn show_front_page(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let query = QueryPairs::parse(query);
    if let Some(words) = query.get("s") {
        return search::from_front_page(&app, words, &query).await;
    }
    // WordPress's plain links: /?p=ID for an article (by its id on an imported site
    // first), /?page_id=ID, /?cat=ID, /?tag=slug, /?attachment_id=ID, and /?paged=N for a
    // page of the list; /?author=ID too.
    for key in ["p", "page_id", "cat", "tag", "attachment_id", "author"] {
        if let Some(value) = query.get(key) {
            let target = crate::services::old_addresses::moved_query(&app, key, value)
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(redirect(StatusCode::MOVED_PERMANENTLY, &target));
        }
    }
    if let Some(page) = query.get("paged") {
        let page = page.parse::<u32>().map_err(|_| AppError::NotFound)?;
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &views::page_url(page),
        ));
    }
    front_page(&app, 1).await
}

pub async fn show_front_page_number(
    State(app): State<App>,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    match number.parse::<u32>() {
        Ok(0) | Err(_) => Err(AppError::NotFound),
        Ok(1) => Ok(redirect(StatusCode::MOVED_PERMANENTLY, "/")),
        Ok(number) => front_page(&app, number).await,
    }
}

async fn front_page(app: &App, number: u32) -> Result<Response, AppError> {
    let now = app.now();
    let size = app.config.articles_per_page;
    let listed = app
        .store
        .published_articles(now, Page { number, size })
        .await?;
    if listed.items.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    // Sticky articles head the first page, and are not repeated below them.
    let pinned = if number == 1 {
        app.store.sticky_articles(now).await?
    } else {
        Vec::new()
    };
    let item = |summary: &tidings_store::ArticleSummary| {
        ArticleListItem::new(
            &summary.article,
            summary.author_name.clone(),
            summary.approved_comments,
        )
    };
    let view = FrontPage {
        site: app.public_site_view().await?,
        noindex: false,
        pinned: pinned.iter().map(item).collect(),
        archive: None,
        articles: listed
            .items
            .iter()
            .filter(|summary| {
                !pinned
                    .iter()
                    .any(|sticky| sticky.article.id == summary.article.id)
            })
            .map(item)
            .collect(),
        page: number,
        newer_url: (number > 1).then(|| views::page_url(number - 1)),
        older_url: listed.more.then(|| views::page_url(number + 1)),
    };
    list_response(app, "index.html", &view, now).await
}

/// A public page that lists articles: the same for everyone, dropped by any write to a
/// list, and stale by itself when the next scheduled article goes out.
pub(super) async fn list_response(
    app: &App,
    template: &str,
    view: &impl serde::Serialize,
    now: time::OffsetDateTime,
) -> Result<Response, AppError> {
    let body = app.templates.render(template, view)?;
    let mut response = html(StatusCode::OK, body, PUBLIC);
    let next_scheduled = app.store.next_publication_after(now).await?;
    response
        .extensions_mut()
        .insert(CacheTags(vec![Tag::Lists], next_scheduled));
    Ok(response)
}

/// The article found at an address if this viewer may read it (readers: public ones;
/// staff: private ones too); or else a 301 to the article that used to live at
/// `old_address` (its slug or date changed since; `suffix` is kept); or a 404.
async fn public_or_moved(
    app: &App,
    found: Option<Article>,
    old_address: &str,
    suffix: &str,
    viewer: &Viewer,
) -> Result<Result<Article, Response>, AppError> {
    let now = app.now();
    let visible = |article: &Article| article.is_visible_to(viewer.staff, now);
    if let Some(article) = found
        && visible(&article)
    {
        return Ok(Ok(article));
    }
    let moved_to = match app.store.redirect_for(old_address).await? {
        Some(id) => app.store.article_by_id(id).await?,
        None => None,
    };
    match moved_to.filter(visible) {
        Some(article) => Ok(Err(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{}{suffix}", article.permalink()),
        ))),
        None => Err(AppError::NotFound),
    }
}

/// `/YYYY/MM/slug` without its slash: the article's address, as WordPress redirects it.
/// Only what can be an article's address is redirected (a four-digit year and a month);
/// anything else with three parts (`/api/v1/articles`) is not found here.
pub async fn add_trailing_slash(
    Path((year, month, slug)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    if !is_year_and_month(&year, &month) {
        return Err(AppError::NotFound);
    }
    let query = query.map(|query| format!("?{query}")).unwrap_or_default();
    Ok(redirect(
        StatusCode::MOVED_PERMANENTLY,
        &format!("/{year}/{month}/{slug}/{query}"),
    ))
}

pub async fn show_article(
    State(app): State<App>,
    Path((year, month, slug)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if !is_year_and_month(&year, &month) {
        // Not a date: a page three levels deep (`/about/team/alice/`).
        return pages::page_at(&app, &format!("{year}/{month}/{slug}"), query, &viewer).await;
    }
    // `/2026/11/30/` is a day's archive, unless an article called "30" lives there.
    if let Some((archive, 1)) = DateArchive::parse(&[&year, &month, &slug]) {
        let address = format!("/{year}/{month}/{slug}/");
        let article_here = app
            .store
            .article_by_slug(&slug)
            .await?
            .is_some_and(|article| article.permalink() == address);
        if !article_here {
            return archives::date_archive(&app, archive, 1).await;
        }
    }
    article_at(&app, &year, &month, &slug, None, query, &viewer).await
}

fn is_year_and_month(year: &str, month: &str) -> bool {
    let digits = |part: &str, length: usize| {
        part.len() == length && part.bytes().all(|byte| byte.is_ascii_digit())
    };
    digits(year, 4) && digits(month, 2) && (1..=12).contains(&month.parse::<u8>().unwrap_or(0))
}

/// `/YYYY/MM/slug/feed/atom/`: the article's comment feed in Atom (or a page that deep).
pub async fn show_article_atom_feed(
    State(app): State<App>,
    Path((year, month, slug)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if !is_year_and_month(&year, &month) {
        let path = format!("{year}/{month}/{slug}/feed/atom");
        return pages::page_at(&app, &path, query, &viewer).await;
    }
    article_comment_feed(&app, [&year, &month, &slug], true).await
}

/// The comment feed of the article at `/year/month/slug/`, or a 301 to its new address.
async fn article_comment_feed(
    app: &App,
    [year, month, slug]: [&str; 3],
    atom: bool,
) -> Result<Response, AppError> {
    let suffix = if atom { "feed/atom/" } else { "feed/" };
    let found = app.store.article_by_slug(slug).await?;
    let old_address = format!("/{year}/{month}/{slug}/");
    let article = match public_or_moved(app, found, &old_address, suffix, &Viewer::READER).await? {
        Ok(article) => article,
        Err(moved) => return Ok(moved),
    };
    let permalink = article.permalink();
    if old_address != permalink {
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{permalink}{suffix}"),
        ));
    }
    super::discussion::article_comment_feed(app, &article, atom).await
}

/// `/YYYY/MM/slug/comment-page-N/` (a page of comments) and `/YYYY/MM/slug/feed/` (the
/// article's comment feed).
pub async fn show_article_part(
    State(app): State<App>,
    Path((year, month, slug, part)): Path<(String, String, String, String)>,
    RawQuery(query): RawQuery,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if !is_year_and_month(&year, &month) {
        let path = format!("{year}/{month}/{slug}/{part}");
        return pages::page_at(&app, &path, query, &viewer).await;
    }
    // `/2026/11/page/2/`: a month's archive, further back.
    if let Some((archive, number)) = DateArchive::parse(&[&year, &month, &slug, &part]) {
        return archives::date_archive(&app, archive, number).await;
    }
    if part == "feed" {
        return article_comment_feed(&app, [&year, &month, &slug], false).await;
    }
    let page = part
        .strip_prefix("comment-page-")
        .and_then(|number| number.parse::<u32>().ok())
        .filter(|number| *number > 0)
        .ok_or(AppError::NotFound)?;
    article_at(&app, &year, &month, &slug, Some(page), query, &viewer).await
}

async fn article_at(
    app: &App,
    year: &str,
    month: &str,
    slug: &str,
    comment_page: Option<u32>,
    query: Option<String>,
    viewer: &Viewer,
) -> Result<Response, AppError> {
    let suffix = comment_page.map_or(String::new(), |page| format!("comment-page-{page}/"));
    let found = app.store.article_by_slug(slug).await?;
    let address = format!("/{year}/{month}/{slug}/");
    let article = match public_or_moved(app, found, &address, &suffix, viewer).await? {
        Ok(article) => article,
        Err(moved) => return Ok(moved),
    };
    if address != article.permalink() {
        // The right slug under the wrong date: the canonical address, as WordPress redirects.
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{}{suffix}", article.permalink()),
        ));
    }
    article_response(app, &article, comment_page, query).await
}

/// The page of an article (or a page) that this viewer may read, at its canonical
/// address: its comments (page `comment_page`), the reader's own pending comment through
/// its signed link, the reply form.
async fn article_response(
    app: &App,
    article: &Article,
    comment_page: Option<u32>,
    query: Option<String>,
) -> Result<Response, AppError> {
    let article = article.clone();
    let permalink = article.permalink();
    let settings = site::discussion_settings(app).await?;
    if let Some(page) = comment_page {
        let canonical = settings.comment_page_url(&permalink, page);
        if canonical == permalink {
            // Page 1 when it is the default page, or any page when comments are not paged.
            return Ok(redirect(StatusCode::MOVED_PERMANENTLY, &permalink));
        }
    }
    let query = QueryPairs::parse(query);
    let own = match (
        query.get("unapproved"),
        query.get("expires"),
        query.get("signature"),
    ) {
        (Some(id), Some(expires), Some(signature)) => {
            comments::pending_preview(app, &settings, &article, id, expires, signature).await?
        }
        _ => None,
    };
    let reply_to = reply_target(app, &article, query.get("replytocom").unwrap_or("")).await?;
    // Only an approved comment of this article may make another version of the page: any
    // other value gets the plain page, so random values cannot crowd the page cache.
    if query.get("replytocom").is_some() && reply_to.is_none() && own.is_none() {
        let plain = match comment_page {
            Some(page) => settings.comment_page_url(&permalink, page),
            None => permalink,
        };
        return Ok(redirect(StatusCode::FOUND, &format!("{plain}#respond")));
    }
    let body = article_page_html(
        app,
        &article,
        &settings,
        ArticleExtras {
            own: own.as_ref(),
            reply_to: reply_to.as_ref(),
            comment_page,
        },
        FormValues::default(),
        FormErrors::default(),
    )
    .await?;
    // A private article is shown to signed-in staff only: no one keeps a copy.
    let private = own.is_some() || !article.is_public(app.now());
    let cache_control = if private { PRIVATE } else { PUBLIC };
    let mut response = html(StatusCode::OK, body, cache_control);
    if own.is_some() {
        // The address carries the author's signed link: it goes to no other site.
        response.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    // An article whose comments close with age is stale from that moment, and its "next"
    // and "more in this section" when the next scheduled article goes out.
    let closes = article
        .comments_close_at(settings.close_after_days)
        .filter(|closes| *closes > app.now());
    let next_scheduled = app.store.next_publication_after(app.now()).await?;
    let stale_at = match (closes, next_scheduled) {
        (Some(first), Some(second)) => Some(first.min(second)),
        (first, second) => first.or(second),
    };
    // Its links to other articles change when any article is published, retitled or
    // withdrawn (not when another is commented on).
    response.extensions_mut().insert(CacheTags(
        vec![Tag::Article(article.id), Tag::Headlines],
        stale_at,
    ));
    Ok(response)
}

/// The approved comment of this article that `id` names, if any: the only thing a reply
/// may answer.
pub(super) async fn reply_target(
    app: &App,
    article: &Article,
    id: &str,
) -> Result<Option<Comment>, AppError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let comment = app.store.comment_by_id(CommentId(id)).await?;
    Ok(comment.filter(|comment| {
        comment.article_id == article.id && comment.status == CommentStatus::Approved
    }))
}

/// What makes one rendering of an article page differ from the plain one.
#[derive(Clone, Copy, Default)]
pub(super) struct ArticleExtras<'a> {
    pub own: Option<&'a PendingPreview>,
    pub reply_to: Option<&'a Comment>,
    pub comment_page: Option<u32>,
}

/// Headlines under an article from its section.
const MORE_IN_SECTION: u32 = 3;

pub(super) async fn article_page_html(
    app: &App,
    article: &Article,
    settings: &DiscussionSettings,
    extras: ArticleExtras<'_>,
    values: FormValues,
    errors: FormErrors,
) -> Result<String, AppError> {
    // Independent reads, run side by side: each waits on the database in its own turn.
    let author = async {
        match article.author_id {
            Some(id) => Ok(app
                .store
                .user_by_id(id)
                .await?
                .map(|user| user.display_name)),
            None => Ok(None),
        }
    };
    // What to read next, for a public article: its neighbours now, its section's others
    // once its terms are known.
    let leads_on =
        article.kind == tidings_domain::ArticleKind::Article && article.is_public(app.now());
    let neighbours = async {
        if leads_on {
            app.store.neighbours(article, app.now()).await
        } else {
            Ok((None, None))
        }
    };
    let image_size = async {
        match &article.featured_image {
            Some(address) => Ok(app
                .store
                .media_by_key(&address.key)
                .await?
                .map(|image| (image.width, image.height))),
            None => Ok(None),
        }
    };
    // The body's library images, so each is given its size and the text does not jump.
    let body_image_sizes = async {
        let mut sizes = std::collections::HashMap::new();
        for key in tidings_domain::text::media_keys_in(&article.body_markdown) {
            if let Some(image) = app.store.media_by_key(&key).await? {
                sizes.insert(key, (image.width, image.height));
            }
        }
        Ok(sizes)
    };
    let (approved, author, terms, corrections, authors, neighbours, image_size, body_image_sizes) =
        tokio::try_join!(
            app.store.approved_comments(article.id),
            author,
            app.store.article_terms(article.id),
            app.store.corrections_of(article.id),
            app.store.authors_of(article.id),
            neighbours,
            image_size,
            body_image_sizes
        )?;
    let primary = terms
        .iter()
        .find(|term| term.taxonomy == tidings_domain::Taxonomy::Section)
        .filter(|_| leads_on);
    let more_in_section = match primary {
        Some(section) => {
            let others = app
                .store
                .more_in_section(section.id, article.id, app.now(), MORE_IN_SECTION)
                .await?;
            Some((section.clone(), others))
        }
        None => None,
    };
    let page = views::article_page(ArticlePageInput {
        image_size,
        body_image_sizes,
        neighbours,
        more_in_section,
        site: app.public_site_view().await?,
        article,
        author,
        terms,
        authors,
        corrections,
        comments: &approved,
        own: extras.own,
        settings,
        reply_to: extras.reply_to,
        comment_page: extras.comment_page,
        values,
        errors,
        now: app.now(),
    })
    .map_err(|_| AppError::NotFound)?;
    Ok(app.templates.render("article.html", &page)?)
}

pub async fn static_file(
    State(app): State<App>,
    Path(file): Path<String>,
    request_headers: HeaderMap,
) -> Result<Response, AppError> {
    use crate::render::assets::Naming;
    use crate::web::page_cache::{Encoding, etag, matches_etag, negotiate};
    let (asset, naming) = app.templates.assets.find(&file).ok_or(AppError::NotFound)?;
    let encoding = negotiate(&request_headers);
    let tag = etag(&asset.digest, encoding);
    let cache_control = match naming {
        Naming::Fingerprinted => "public, max-age=31536000, immutable",
        Naming::Plain => "public, max-age=300",
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(value) = HeaderValue::from_str(&tag) {
        headers.insert(header::ETAG, value);
    }
    if matches_etag(&request_headers, &tag) == Some(true) {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    let body = match encoding {
        Encoding::Brotli => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            asset.brotli.clone()
        }
        Encoding::Gzip => {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            asset.gzip.clone()
        }
        Encoding::Identity => asset.identity.clone(),
    };
    Ok((headers, body).into_response())
}

/// `/favicon.ico`, which browsers and crawlers ask for whatever the page says: the theme's
/// icon (a temporary redirect, as the icon's address changes with its content).
pub async fn favicon(State(app): State<App>) -> Result<Response, AppError> {
    let icon = app
        .templates
        .assets
        .get("favicon.svg")
        .ok_or(AppError::NotFound)?;
    Ok(redirect(StatusCode::FOUND, &icon.address()))
}

/// A public document that lists articles (a feed, a sitemap): the same for everyone,
/// dropped with `tag`, and stale by itself when the next scheduled article goes out.
pub(super) async fn listing_response(
    app: &App,
    content_type: &'static str,
    body: String,
    tag: Tag,
    now: time::OffsetDateTime,
) -> Result<Response, AppError> {
    let mut response = (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC)),
        ],
        body,
    )
        .into_response();
    let next_scheduled = app.store.next_publication_after(now).await?;
    response
        .extensions_mut()
        .insert(CacheTags(vec![tag], next_scheduled));
    Ok(response)
}

pub async fn robots_txt(State(app): State<App>) -> Result<Response, AppError> {
    let body = app.templates.render(
        "robots.txt",
        minijinja::context! { base_url => app.config.base_url() },
    )?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
