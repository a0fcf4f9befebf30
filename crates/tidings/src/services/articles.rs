//! Articles: writing, editing and publishing them.

use crate::app::App;
use crate::cache::Tag;
use crate::services::access::{self as services_access, Forbidden};
use crate::services::{site, webhooks};
use tidings_domain::access;
use tidings_domain::article::ArticleState;
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::editorial;
use tidings_domain::webhook::Event;
use tidings_domain::{
    Article, ArticleId, ArticleKind, ArticleStatus, Capability, RevisionId, Taxonomy, User, UserId,
};
use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error(transparent)]
    Invalid(#[from] InvalidArticle),
    #[error("no such article")]
    NotFound,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Someone saved the article after this editor opened it: their save is refused, not
    /// written over it (two tabs, two editors).
    #[error("edited by {by} at {at} since you opened it")]
    EditedSince {
        by: String,
        at: time::OffsetDateTime,
    },
    #[error(transparent)]
    Store(StoreError),
}

impl ArticleError {
    /// A store error as the editor explains it: the clashes a save can meet are messages
    /// beside their fields.
    fn from_store(error: StoreError, kind: ArticleKind) -> Self {
        let field = |field, message: &str| {
            ArticleError::Invalid(InvalidArticle {
                fields: vec![(field, message.to_owned())],
            })
        };
        match (error, kind) {
            // Only a slug the editor typed can clash; title-made slugs get a free `-N`.
            (StoreError::Conflict { what: "slug" }, ArticleKind::Article) => {
                field("slug", "Another article already uses this slug.")
            }
            (StoreError::Conflict { what: "slug" }, ArticleKind::Page) => field(
                "slug",
                "Another page under the same parent already uses this slug.",
            ),
            (StoreError::Conflict { what: "parent" }, _) => field(
                "parent",
                "That parent page is missing, or lies under this page: a page cannot be its \
                 own ancestor.",
            ),
            (other, _) => ArticleError::Store(other),
        }
    }
}

impl From<StoreError> for ArticleError {
    fn from(error: StoreError) -> Self {
        ArticleError::Store(error)
    }
}

/// Creates an article or page for a signed-in person, within what their role allows: a
/// contributor's is a draft or a submission, pages are the desk's, and only the desk sets
/// someone else's byline or pins to the front page.
pub async fn create_article_as(
    app: &App,
    actor: &User,
    mut input: ArticleInput,
) -> Result<Article, ArticleError> {
    let kind = input.kind.unwrap_or(ArticleKind::Article);
    if !access::may_create(actor.role, kind) {
        return Err(access_refusal(actor, kind).into());
    }
    let status = input.status.unwrap_or(ArticleStatus::Draft);
    if !access::may_set_status(actor.role, kind, status) {
        return Err(services_access::refusal(actor, "publish").into());
    }
    if !actor.role.can(Capability::EditOthers) {
        input.authors = Vec::new();
        input.sticky = false;
    }
    create_article(app, input, Some(actor.id)).await
}

/// Saves a signed-in person's changes to an article or page, within what their role
/// allows (see `tidings_domain::access`).
pub async fn update_article_as(
    app: &App,
    actor: &User,
    id: ArticleId,
    mut input: ArticleInput,
    based_on: Option<RevisionId>,
) -> Result<Article, ArticleError> {
    let before = may_change(app, actor, id).await?;
    let status = input.status.unwrap_or(ArticleStatus::Draft);
    if !access::may_set_status(actor.role, before.kind, status) {
        return Err(services_access::refusal(actor, "publish").into());
    }
    if !actor.role.can(Capability::EditOthers) {
        // The byline and the front page are the desk's.
        input.authors = Vec::new();
        input.sticky = before.sticky;
    }
    let saving = Saving {
        by: Some(actor.id),
        based_on,
    };
    update_article(app, id, input, saving).await
}

/// The article, if `actor` may change it; a refusal otherwise.
pub async fn may_change(app: &App, actor: &User, id: ArticleId) -> Result<Article, ArticleError> {
    let article = app
        .store
        .article_by_id(id)
        .await?
        .ok_or(ArticleError::NotFound)?;
    let authors: Vec<UserId> = app
        .store
        .authors_of(id)
        .await?
        .into_iter()
        .map(|author| author.id)
        .collect();
    if access::may_edit(actor, &article, &authors) {
        Ok(article)
    } else {
        Err(services_access::refusal(actor, "change this article").into())
    }
}

fn access_refusal(actor: &User, kind: ArticleKind) -> Forbidden {
    match kind {
        ArticleKind::Page => services_access::refusal(actor, "write pages"),
        ArticleKind::Article => services_access::refusal(actor, "write articles"),
    }
}

pub async fn create_article(
    app: &App,
    input: ArticleInput,
    author_id: Option<UserId>,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let mut article = input.validate(now)?;
    article.saved_by = author_id;
    let kind = article.kind;
    let article = app
        .store
        .insert_article(&article, author_id, now)
        .await
        .map_err(|error| ArticleError::from_store(error, kind))?;
    article_changed(app, &article).await?;
    if is_out(app, &article) {
        announce(app, Event::ArticlePublished, &article).await;
    }
    Ok(article)
}

/// Whether an article is, or is set to be, public: what webhooks announce.
fn is_out(app: &App, article: &Article) -> bool {
    matches!(
        article.state(app.now()),
        ArticleState::Published | ArticleState::Scheduled
    )
}

async fn announce(app: &App, event: Event, article: &Article) {
    webhooks::emit(
        app,
        event,
        &webhooks::article_subject(article),
        webhooks::article_data(app, article),
    )
    .await;
}

/// Drops the cached pages that showed `article`: its own and the lists; a top-level page
/// is also in every page's footer, so for a page every cached page goes.
async fn article_changed(app: &App, article: &Article) -> Result<(), StoreError> {
    if article.kind == tidings_domain::ArticleKind::Page {
        site::all_pages_changed(app).await
    } else {
        site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists, Tag::Headlines]).await
    }
}

/// Who saves an article, and from which revision they started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saving {
    pub by: Option<UserId>,
    /// The newest revision when the editor opened it; `None` overwrites whatever came
    /// between.
    pub based_on: Option<RevisionId>,
}

pub async fn update_article(
    app: &App,
    id: ArticleId,
    input: ArticleInput,
    saving: Saving,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let before = app
        .store
        .article_by_id(id)
        .await?
        .ok_or(ArticleError::NotFound)?;
    let mut article = ArticleInput {
        kind: Some(before.kind),
        ..input
    }
    .validate(now)?;
    if before.is_revised_by(&article, now) {
        article.revised_at = Some(now);
    }
    article.saved_by = saving.by;
    article.based_on = saving.based_on;
    let article = match app.store.update_article(id, &article, now).await {
        Err(StoreError::Conflict { what: "revision" }) => {
            let revisions = app.store.revisions(id).await?;
            let newest = revisions.iter().find(|revision| !revision.autosave);
            return Err(ArticleError::EditedSince {
                by: newest
                    .and_then(|revision| revision.author_name.clone())
                    .unwrap_or_else(|| "someone".into()),
                at: newest.map_or(now, |revision| revision.created_at),
            });
        }
        saved => saved
            .map_err(|error| ArticleError::from_store(error, before.kind))?
            .ok_or(ArticleError::NotFound)?,
    };
    // Its page under any old address, and every list that showed it.
    article_changed(app, &article).await?;
    match (is_out(app, &before), is_out(app, &article)) {
        (false, true) => announce(app, Event::ArticlePublished, &article).await,
        (true, _) => announce(app, Event::ArticleUpdated, &article).await,
        (false, false) => {}
    }
    Ok(article)
}

/// Why an article could not go to the trash or come back from it.
#[derive(Debug, thiserror::Error)]
pub enum TrashError {
    #[error("no such article, or not where the action expects it")]
    NotFound,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Moves an article or page to the trash: off the site at once, restorable for 30 days.
pub async fn trash_article(app: &App, actor: &User, id: ArticleId) -> Result<Article, TrashError> {
    permitted(app, actor, id).await?;
    match app.store.trash_article(id, app.now()).await {
        Ok(Some(article)) => {
            article_changed(app, &article).await?;
            announce(app, Event::ArticleDeleted, &article).await;
            Ok(article)
        }
        Ok(None) => Err(TrashError::NotFound),
        Err(StoreError::Conflict { .. }) => Err(TrashError::Refused(
            "This page has subpages: move them or put them in the trash first.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Gives a trashed article back the state it had.
pub async fn restore_article(
    app: &App,
    actor: &User,
    id: ArticleId,
) -> Result<Article, TrashError> {
    permitted(app, actor, id).await?;
    match app.store.restore_article(id).await {
        Ok(Some(article)) => {
            article_changed(app, &article).await?;
            if is_out(app, &article) {
                announce(app, Event::ArticlePublished, &article).await;
            }
            Ok(article)
        }
        Ok(None) => Err(TrashError::NotFound),
        Err(StoreError::Conflict { .. }) => Err(TrashError::Refused(
            "Its parent page is in the trash: restore the parent first.",
        )),
        Err(other) => Err(other.into()),
    }
}

async fn permitted(app: &App, actor: &User, id: ArticleId) -> Result<(), TrashError> {
    match may_change(app, actor, id).await {
        Ok(_) => Ok(()),
        Err(ArticleError::Forbidden(refused)) => Err(TrashError::Forbidden(refused)),
        Err(ArticleError::NotFound) => Err(TrashError::NotFound),
        Err(ArticleError::Store(error)) => Err(TrashError::Store(error)),
        Err(other) => Err(TrashError::Store(StoreError::Other(other.to_string()))),
    }
}

/// The editorial checks of a body (see `tidings_domain::editorial`), with its internal links
/// resolved against the site: a link to an article that does not exist, or to an address
/// the site does not serve, is flagged.
pub async fn editorial_warnings(
    app: &App,
    body_markdown: &str,
    excerpt: Option<&str>,
) -> Result<Vec<editorial::Warning>, StoreError> {
    let mut warnings = editorial::check(body_markdown, excerpt);
    let base = app.config.base_url();
    let host = url::Url::parse(&base)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    for path in editorial::internal_links(body_markdown, &host) {
        if !leads_somewhere(app, &path).await? {
            warnings.push(editorial::broken_link(&path));
        }
    }
    Ok(warnings)
}

/// Whether `path` is an address the public site answers: a fixed one, a static file's
/// folder, or an article's permalink (and the pages under it).
async fn leads_somewhere(app: &App, path: &str) -> Result<bool, StoreError> {
    const FIXED: &[&str] = &["/", "/feed/", "/comments/feed/", "/robots.txt"];
    if FIXED.contains(&path) || path.starts_with("/static/") || path.starts_with("/page/") {
        return Ok(true);
    }
    if path.starts_with("/media/") {
        // An image of the library, at one of the widths it was made in.
        let Some(address) = tidings_domain::MediaAddress::parse_path(path) else {
            return Ok(false);
        };
        let Some(image) = app.store.media_by_key(&address.key).await? else {
            return Ok(false);
        };
        return Ok(image.format == address.format
            && tidings_domain::media::variant_widths(image.format, image.width)
                .contains(&address.width));
    }
    let now = app.now();
    let trimmed = path.trim_matches('/');
    if let Some(page) = app.store.page_by_path(trimmed).await?
        && page.is_public(now)
    {
        return Ok(true);
    }
    let parts: Vec<&str> = trimmed.split('/').collect();
    if let [base, slug] = parts.as_slice()
        && let Some(taxonomy) = [Taxonomy::Section, Taxonomy::Tag]
            .into_iter()
            .find(|taxonomy| taxonomy.base() == *base)
    {
        return Ok(app.store.term_by_slug(taxonomy, slug).await?.is_some());
    }
    if let ["author", slug] = parts.as_slice() {
        return Ok(app.store.author_by_slug(slug).await?.is_some());
    }
    let [year, month, slug, ..] = parts.as_slice() else {
        return Ok(false);
    };
    let Some(article) = app.store.article_by_slug(slug).await? else {
        return Ok(false);
    };
    let permalink = article.permalink();
    Ok(permalink == format!("/{year}/{month}/{slug}/") && article.is_public(now))
}
