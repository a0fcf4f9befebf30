//! Where an imported site's old addresses lead now: an article's or page's former
//! permalink (`/2013/01/11/slug/`, with its `feed/` or `comment-page-2/`), an attachment's
//! page, and WordPress's plain links (`/?p=ID`, `/?page_id=ID`, `/?cat=ID`,
//! `/?attachment_id=ID`). Asked only for addresses nothing else answers, so a site that
//! imported nothing pays one indexed lookup per not-found page.

use crate::app::App;
use tidings_domain::import::LegacyKind;
use tidings_domain::{Article, ArticleId, TermId};
use tidings_store::StoreError;

/// The new address of an old path (percent-decoded, with its slashes), if it had one.
pub async fn moved_path(app: &App, path: &str) -> Result<Option<String>, StoreError> {
    let path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    // The address itself, then without what WordPress adds after a permalink.
    let mut candidates = vec![(path.clone(), String::new())];
    for suffix in ["feed/atom/", "feed/rss2/", "feed/", "amp/"] {
        if let Some(base) = path.strip_suffix(suffix)
            && base.ends_with('/')
        {
            candidates.push((base.to_owned(), suffix.to_owned()));
        }
    }
    if let Some((base, last)) = path.trim_end_matches('/').rsplit_once('/')
        && last.starts_with("comment-page-")
    {
        candidates.push((format!("{base}/"), format!("{last}/")));
    }
    for (old, suffix) in candidates {
        if let Some(id) = app.store.redirect_for(&old).await?
            && let Some(article) = public(app, app.store.article_by_id(id).await?)
        {
            // Our article feeds are at `feed/` (RSS) and `feed/atom/`.
            let suffix = if suffix == "feed/rss2/" {
                "feed/".to_owned()
            } else if suffix == "amp/" {
                String::new()
            } else {
                suffix
            };
            return Ok(Some(format!("{}{suffix}", article.permalink())));
        }
    }
    if let Some(attachment) = app.store.attachment_at(&path).await? {
        return attachment_target(app, attachment).await;
    }
    // An old upload's address, or one of WordPress's resized copies of it
    // (`photo-300x200.jpg`): the image, when its file came with the import.
    if let Some((_, file)) = path
        .trim_end_matches('/')
        .split_once("/wp-content/uploads/")
    {
        return app.store.upload_image(file).await;
    }
    // An author's page by their login on the old site, when tidings writes it otherwise
    // (`/author/jo_smith/` is `/author/jo-smith/`), with what follows it.
    if let Some(rest) = path.strip_prefix("/author/")
        && let Some((login, after)) = rest.split_once('/')
        && let Some(id) = app.store.legacy_target(LegacyKind::User, login).await?
        && let Some(author) = app.store.author(tidings_domain::UserId(id)).await?
    {
        return Ok(Some(format!("{}{after}", author.permalink())));
    }
    // A dated address (`/2018/11/03/slug/`) whose date is off, as links written by hand
    // often are: the article of that slug, as WordPress guesses it.
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let dated = parts.len() >= 3
        && parts.len() <= 4
        && parts[..parts.len() - 1]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()));
    if dated
        && let Some(slug) = parts.last()
        && let Some(article) = public(app, app.store.article_by_slug(slug).await?)
    {
        return Ok(Some(article.permalink()));
    }
    Ok(None)
}

/// Where an attachment's page leads: its image when the file came, else the article it
/// was attached to, else its file where it was.
async fn attachment_target(
    app: &App,
    attachment: tidings_store::Attachment,
) -> Result<Option<String>, StoreError> {
    if let Some(path) = attachment.media_path {
        return Ok(Some(path));
    }
    if let Some(article) = attachment.article_id
        && let Some(article) = public(app, app.store.article_by_id(ArticleId(article)).await?)
    {
        return Ok(Some(article.permalink()));
    }
    Ok(
        (attachment.url.starts_with("http://") || attachment.url.starts_with("https://"))
            .then_some(attachment.url),
    )
}

/// The new address of WordPress's plain links, by the query's key and value.
pub async fn moved_query(app: &App, key: &str, value: &str) -> Result<Option<String>, StoreError> {
    let value = value.trim();
    if value.is_empty() || value.len() > 40 {
        return Ok(None);
    }
    match key {
        "p" | "page_id" => Ok(article_by_old_id(app, value)
            .await?
            .map(|article| article.permalink())),
        "cat" => {
            let id = match app.store.legacy_target(LegacyKind::Term, value).await? {
                Some(id) => Some(id),
                None => value.parse::<i64>().ok(),
            };
            Ok(match id {
                Some(id) => app
                    .store
                    .term_by_id(TermId(id))
                    .await?
                    .map(|term| term.permalink()),
                None => None,
            })
        }
        "author" => {
            let id = app
                .store
                .legacy_target(LegacyKind::User, &format!("id:{value}"))
                .await?;
            Ok(match id {
                Some(id) => app
                    .store
                    .author(tidings_domain::UserId(id))
                    .await?
                    .map(|author| author.permalink()),
                None => None,
            })
        }
        "tag" => {
            Ok(tidings_domain::Slug::parse(value).map(|slug| format!("/tag/{}/", slug.as_str())))
        }
        "attachment_id" => {
            match app
                .store
                .legacy_target(LegacyKind::Attachment, value)
                .await?
            {
                Some(id) => match app.store.attachment_by_id(id).await? {
                    Some(attachment) => attachment_target(app, attachment).await,
                    None => Ok(None),
                },
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// The public article or page `/?p=ID` names: by the old site's id first, then by ours,
/// then by an id only a GUID named (a post the old site re-numbered).
pub async fn article_by_old_id(app: &App, id: &str) -> Result<Option<Article>, StoreError> {
    if let Some(here) = app.store.legacy_target(LegacyKind::Post, id).await?
        && let Some(article) = public(app, app.store.article_by_id(ArticleId(here)).await?)
    {
        return Ok(Some(article));
    }
    if let Ok(here) = id.parse::<i64>()
        && let Some(article) = public(app, app.store.article_by_id(ArticleId(here)).await?)
    {
        return Ok(Some(article));
    }
    match app
        .store
        .legacy_target(LegacyKind::Post, &format!("guid:{id}"))
        .await?
    {
        Some(here) => Ok(public(app, app.store.article_by_id(ArticleId(here)).await?)),
        None => Ok(None),
    }
}

/// A comment's new id, when `/comments/ID/` names one by its old id.
pub async fn moved_comment(app: &App, old_id: &str) -> Result<Option<i64>, StoreError> {
    app.store.legacy_target(LegacyKind::Comment, old_id).await
}

fn public(app: &App, article: Option<Article>) -> Option<Article> {
    article.filter(|article| article.is_public(app.now()))
}

/// The article or page an address of this site or its old self names (a Disqus thread's
/// link: `https://old.example/2013/01/11/slug/`, `/?p=42`, a page's path), if any.
pub async fn article_at_address(app: &App, address: &str) -> Result<Option<Article>, StoreError> {
    let Ok(url) = url::Url::parse(address.trim()) else {
        return Ok(None);
    };
    for (key, value) in url.query_pairs() {
        if matches!(key.as_ref(), "p" | "page_id")
            && let Some(article) = article_by_old_id(app, &value).await?
        {
            return Ok(Some(article));
        }
    }
    let mut path = percent_encoding::percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    if let Some(moved) = moved_path(app, &path).await? {
        path = moved;
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let [year, month, slug] = parts[..]
        && year.len() == 4
        && month.len() == 2
        && let Some(article) = app.store.article_by_slug(slug).await?
        && article.permalink() == format!("/{year}/{month}/{slug}/")
    {
        return Ok(Some(article));
    }
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Ok(None);
    }
    app.store.page_by_path(trimmed).await
}
