//! A section's or tag's archive: its published articles, newest first, at
//! `/category/slug/` and `/tag/slug/` (WordPress's addresses, so imported links keep
//! working), with `page/N/` after them.

use super::{PUBLIC, html, redirect};
use crate::app::App;
use crate::cache::Tag;
use crate::render::views::{ArchiveHeading, ArticleListItem, FrontPage};
use crate::web::error::AppError;
use crate::web::page_cache::CacheTags;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::Taxonomy;
use tidings_store::Page;

pub async fn show_section(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    archive(&app, Taxonomy::Section, &slug, 1).await
}

pub async fn show_section_page(
    State(app): State<App>,
    Path((slug, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    numbered(&app, Taxonomy::Section, &slug, &number).await
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
    let term = app
        .store
        .term_by_slug(taxonomy, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let size = app.config.articles_per_page;
    let listed = app
        .store
        .published_with_term(term.id, now, Page { number, size })
        .await?;
    if listed.items.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let base = term.permalink();
    let page_url = |page: u32| {
        if page <= 1 {
            base.clone()
        } else {
            format!("{base}page/{page}/")
        }
    };
    let view = FrontPage {
        site: app.site_view(),
        noindex: false,
        pinned: Vec::new(),
        archive: Some(ArchiveHeading {
            kind: match taxonomy {
                Taxonomy::Section => "Section",
                Taxonomy::Tag => "Tag",
            },
            name: term.name.clone(),
            description: term.description.clone(),
            feed_url: None,
        }),
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
    let body = app.templates.render("index.html", &view)?;
    let mut response = html(StatusCode::OK, body, PUBLIC);
    let next_scheduled = app.store.next_publication_after(now).await?;
    response
        .extensions_mut()
        .insert(CacheTags(vec![Tag::Lists], next_scheduled));
    Ok(response)
}
