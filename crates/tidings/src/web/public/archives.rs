//! A section's or tag's archive: its published articles, newest first, at
//! `/category/slug/` and `/tag/slug/` (WordPress's addresses, so imported links keep
//! working), with `page/N/` after them; an author's at `/author/slug/`; and the
//! corrections page, `/corrections/`.

use super::{list_response, redirect};
use crate::app::App;
use crate::render::views::{
    ArchiveHeading, ArticleListItem, CorrectedArticle, CorrectionView, CorrectionsPage, FrontPage,
};
use crate::web::error::AppError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::Taxonomy;
use tidings_store::Page;

/// What follows a section's path in an address.
enum SectionPart {
    /// Its archive, page N.
    Page(u32),
    Feed {
        atom: bool,
    },
}

impl SectionPart {
    fn suffix(&self) -> String {
        match self {
            SectionPart::Page(1) => String::new(),
            SectionPart::Page(number) => format!("page/{number}/"),
            SectionPart::Feed { atom: false } => "feed/".into(),
            SectionPart::Feed { atom: true } => "feed/atom/".into(),
        }
    }
}

/// `/category/world/asia/`, and what may follow a section's address: `page/N/`, `feed/`,
/// `feed/atom/`. A section is found by its own slug (unique among sections); asked under
/// another path than its own (its parent changed, or the flat address of before), it
/// answers a 301 to where it lives.
pub async fn show_section_path(
    State(app): State<App>,
    Path(rest): Path<String>,
) -> Result<Response, AppError> {
    let Some(trimmed) = rest.strip_suffix('/') else {
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("/category/{rest}/"),
        ));
    };
    let segments: Vec<&str> = trimmed.split('/').collect();
    if segments.iter().any(|segment| segment.is_empty()) {
        return Err(AppError::NotFound);
    }
    // `page/1/` is the archive's own address, reached by a redirect.
    let mut page_one_asked = false;
    let (path, part) = match segments.as_slice() {
        [path @ .., "feed", "atom"] if !path.is_empty() => (path, SectionPart::Feed { atom: true }),
        [path @ .., "feed"] if !path.is_empty() => (path, SectionPart::Feed { atom: false }),
        [path @ .., "page", number] if !path.is_empty() => match number.parse::<u32>() {
            Ok(0) | Err(_) => return Err(AppError::NotFound),
            Ok(number) => {
                page_one_asked = number == 1;
                (path, SectionPart::Page(number))
            }
        },
        path => (path, SectionPart::Page(1)),
    };
    let slug = path.last().copied().unwrap_or_default();
    let section = match app.store.term_by_slug(Taxonomy::Section, slug).await? {
        Some(section) => section,
        None => {
            // A section re-slugged or merged since: its address of the moment.
            let moved = app
                .store
                .term_redirect(Taxonomy::Section, slug)
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(redirect(
                StatusCode::MOVED_PERMANENTLY,
                &format!("{}{}", moved.permalink(), part.suffix()),
            ));
        }
    };
    if section.path != path.join("/") || page_one_asked {
        return Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{}{}", section.permalink(), part.suffix()),
        ));
    }
    match part {
        SectionPart::Page(number) => term_archive(&app, &section, number).await,
        SectionPart::Feed { atom } => super::feeds::term_feed_of(&app, &section, atom).await,
    }
}

pub async fn show_tag(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    archive(&app, Taxonomy::Tag, &slug, 1).await
}

pub async fn show_tag_page(
    State(app): State<App>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    numbered(&app, Taxonomy::Tag, &slug, &number).await
}

async fn numbered(
    app: &App,
    taxonomy: Taxonomy,
    slug: &str,
    number: &str,
) -> Result<Response, AppError> {
    match number.parse::<u32>() {
        Ok(0) | Err(_) => Err(AppError::NotFound),
        Ok(1) => Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("/{}/{slug}/", taxonomy.base()),
        )),
        Ok(number) => archive(app, taxonomy, slug, number).await,
    }
}

async fn archive(
    app: &App,
    taxonomy: Taxonomy,
    slug: &str,
    number: u32,
) -> Result<Response, AppError> {
    let term = match app.store.term_by_slug(taxonomy, slug).await? {
        Some(term) => term,
        None => {
            // A section or tag re-slugged or merged since: its address of the moment.
            let moved = app
                .store
                .term_redirect(taxonomy, slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let suffix = if number > 1 {
                format!("page/{number}/")
            } else {
                String::new()
            };
            return Ok(redirect(
                StatusCode::MOVED_PERMANENTLY,
                &format!("{}{suffix}", moved.permalink()),
            ));
        }
    };
    term_archive(app, &term, number).await
}

/// A page of a section's or tag's archive.
async fn term_archive(
    app: &App,
    term: &tidings_domain::Term,
    number: u32,
) -> Result<Response, AppError> {
    let taxonomy = term.taxonomy;
    let now = app.now();
    let size = app.config.articles_per_page;
    let listed = app
        .store
        .published_with_term(term.id, now, Page { number, size })
        .await?;
    if listed.items.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let heading = ArchiveHeading {
        kind: match taxonomy {
            Taxonomy::Section => "Section",
            Taxonomy::Tag => "Tag",
        },
        name: term.name.clone(),
        description: term.description.clone(),
        feed_url: Some(format!("{}feed/", term.permalink())),
        picture: None,
    };
    list_page(app, heading, &term.permalink(), listed, number, now).await
}

/// A page of an archive's articles under its heading, cached as a list.
async fn list_page(
    app: &App,
    heading: ArchiveHeading,
    base: &str,
    listed: tidings_store::Listed<tidings_store::ArticleSummary>,
    number: u32,
    now: time::OffsetDateTime,
) -> Result<Response, AppError> {
    let page_url = |page: u32| {
        if page <= 1 {
            base.to_owned()
        } else {
            format!("{base}page/{page}/")
        }
    };
    let view = FrontPage {
        site: app.public_site_view().await?,
        noindex: false,
        pinned: Vec::new(),
        archive: Some(heading),
        articles: listed
            .items
            .iter()
            .map(|summary| {
                ArticleListItem::new(
                    &summary.article,
                    summary.author_name.clone(),
                    summary.approved_comments,
                )
            })
            .collect(),
        page: number,
        newer_url: (number > 1).then(|| page_url(number - 1)),
        older_url: listed.more.then(|| page_url(number + 1)),
    };
    list_response(app, "index.html", &view, now).await
}

/// `/author/slug/`: an author's published articles, with their bio.
pub async fn show_author(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    author_archive(&app, &slug, 1).await
}

pub async fn show_author_page(
    State(app): State<App>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    match number.parse::<u32>() {
        Ok(0) | Err(_) => Err(AppError::NotFound),
        Ok(1) => Ok(redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("/author/{slug}/"),
        )),
        Ok(number) => author_archive(&app, &slug, number).await,
    }
}

async fn author_archive(app: &App, slug: &str, number: u32) -> Result<Response, AppError> {
    let author = app
        .store
        .author_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let size = app.config.articles_per_page;
    let listed = app
        .store
        .published_by(author.id, now, Page { number, size })
        .await?;
    if listed.items.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let heading = ArchiveHeading {
        kind: "Author",
        name: author.display_name.clone(),
        description: author.bio.clone(),
        feed_url: Some(format!("{}feed/", author.permalink())),
        picture: Some(author_picture(app, &author).await?),
    };
    list_page(app, heading, &author.permalink(), listed, number, now).await
}

async fn author_picture(app: &App, author: &tidings_domain::Author) -> Result<String, AppError> {
    let email = match author.avatar {
        Some(_) => String::new(),
        None => app
            .store
            .user_by_id(author.id)
            .await?
            .map(|user| user.email)
            .unwrap_or_default(),
    };
    Ok(crate::services::media::picture_of(app, &email, author))
}

/// A year's, month's or day's archive. An archive with nothing in it answers 404, as in
/// WordPress: there is a date archive for every day of every year, and crawlers need not
/// walk the empty ones.
pub(super) async fn date_archive(
    app: &App,
    archive: tidings_domain::date_archive::DateArchive,
    number: u32,
) -> Result<Response, AppError> {
    let (from, until) = archive.range().ok_or(AppError::NotFound)?;
    let now = app.now();
    let size = app.config.articles_per_page;
    let listed = app
        .store
        .published_between(from, until, now, Page { number, size })
        .await?;
    if listed.items.is_empty() {
        return Err(AppError::NotFound);
    }
    let heading = ArchiveHeading {
        kind: archive.kind(),
        name: archive.title(),
        description: String::new(),
        feed_url: None,
        picture: None,
    };
    list_page(app, heading, &archive.path(), listed, number, now).await
}

/// `/corrections/`: every correction note on a public article, newest first.
pub async fn show_corrections(State(app): State<App>) -> Result<Response, AppError> {
    corrections(&app, 1).await
}

pub async fn show_corrections_page(
    State(app): State<App>,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    match number.parse::<u32>() {
        Ok(0) | Err(_) => Err(AppError::NotFound),
        Ok(1) => Ok(redirect(StatusCode::MOVED_PERMANENTLY, "/corrections/")),
        Ok(number) => corrections(&app, number).await,
    }
}

async fn corrections(app: &App, number: u32) -> Result<Response, AppError> {
    const PER_PAGE: u32 = 50;
    let now = app.now();
    let page = Page {
        number,
        size: PER_PAGE,
    };
    let mut listed = app
        .store
        .public_corrections(now, PER_PAGE + 1, page.offset())
        .await?;
    if listed.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let more = listed.len() > PER_PAGE as usize;
    listed.truncate(PER_PAGE as usize);
    let page_url = |page: u32| {
        if page <= 1 {
            "/corrections/".to_owned()
        } else {
            format!("/corrections/page/{page}/")
        }
    };
    let view = CorrectionsPage {
        site: app.public_site_view().await?,
        noindex: false,
        corrections: listed
            .iter()
            .map(|(note, article)| CorrectedArticle {
                title: article.title.clone(),
                permalink: article.permalink(),
                correction: CorrectionView::new(note),
            })
            .collect(),
        page: number,
        newer_url: (number > 1).then(|| page_url(number - 1)),
        older_url: more.then(|| page_url(number + 1)),
    };
    list_response(app, "corrections.html", &view, now).await
}
