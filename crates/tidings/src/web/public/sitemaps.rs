//! `/sitemap.xml`, a sitemap index, and its child sitemaps under `/sitemaps/`: every
//! public address with the time it last changed, for search engines. Cached and dropped
//! like the lists.

use crate::app::App;
use crate::cache::Tag;
use crate::render::views::iso_date;
use crate::web::error::AppError;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use tidings_domain::sitemap::{MAX_URLS, SitemapFile, SitemapKind};
use tidings_domain::{Taxonomy, article};
use tidings_store::SitemapEntry;
use time::OffsetDateTime;

use super::listing_response;

#[derive(Serialize)]
struct Located {
    loc: String,
    lastmod: String,
}

#[derive(Serialize)]
struct SitemapView {
    /// Each address of the file, or each child sitemap of the index.
    entries: Vec<Located>,
}

/// The index: one child sitemap per month of articles (split past 50,000), and one each for
/// pages, sections, tags and authors when they have any.
pub async fn sitemap_index(State(app): State<App>) -> Result<Response, AppError> {
    let now = app.now();
    let base = app.config.base_url();
    let mut entries = Vec::new();
    for month in app.store.sitemap_months(now).await? {
        let kind = SitemapKind::Articles {
            year: month.year,
            month: month.month,
        };
        for file in SitemapFile::parts(kind, month.articles) {
            entries.push(Located {
                loc: format!("{base}{}", file.path()),
                lastmod: iso_date(month.modified),
            });
        }
    }
    for kind in [
        SitemapKind::Pages,
        SitemapKind::Sections,
        SitemapKind::Tags,
        SitemapKind::Authors,
    ] {
        let listed = others(&app, kind, now).await?;
        let count = listed.len() as u64;
        for file in SitemapFile::parts(kind, count) {
            let part = part_of(&listed, file);
            if let Some(newest) = part.iter().map(|entry| entry.modified).max() {
                entries.push(Located {
                    loc: format!("{base}{}", file.path()),
                    lastmod: iso_date(newest),
                });
            }
        }
    }
    xml(&app, "sitemap_index.xml", &SitemapView { entries }, now).await
}

/// One child sitemap.
pub async fn sitemap(
    State(app): State<App>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let file = SitemapFile::parse(&file).ok_or(AppError::NotFound)?;
    let now = app.now();
    let base = app.config.base_url();
    let listed = match file.kind {
        SitemapKind::Articles { year, month } => {
            let from = month_start(year, month).ok_or(AppError::NotFound)?;
            let (next_year, next_month) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            let until = month_start(next_year, next_month).ok_or(AppError::NotFound)?;
            app.store
                .sitemap_articles(from, until, now, file.offset(), MAX_URLS as u32)
                .await?
        }
        kind => part_of(&others(&app, kind, now).await?, file).to_vec(),
    };
    if listed.is_empty() {
        return Err(AppError::NotFound);
    }
    let entries = listed
        .iter()
        .map(|entry| Located {
            loc: format!("{base}{}", address(file.kind, entry)),
            lastmod: iso_date(entry.modified),
        })
        .collect();
    xml(&app, "sitemap.xml", &SitemapView { entries }, now).await
}

fn month_start(year: i32, month: u8) -> Option<OffsetDateTime> {
    let month = time::Month::try_from(month).ok()?;
    Some(
        time::Date::from_calendar_date(year, month, 1)
            .ok()?
            .midnight()
            .assume_utc(),
    )
}

async fn others(
    app: &App,
    kind: SitemapKind,
    now: OffsetDateTime,
) -> Result<Vec<SitemapEntry>, AppError> {
    Ok(match kind {
        SitemapKind::Pages => app.store.sitemap_pages(now).await?,
        SitemapKind::Sections => app.store.sitemap_terms(Taxonomy::Section, now).await?,
        SitemapKind::Tags => app.store.sitemap_terms(Taxonomy::Tag, now).await?,
        SitemapKind::Authors => app.store.sitemap_authors(now).await?,
        SitemapKind::Articles { .. } => Vec::new(),
    })
}

fn part_of(listed: &[SitemapEntry], file: SitemapFile) -> &[SitemapEntry] {
    let start = usize::try_from(file.offset())
        .unwrap_or(usize::MAX)
        .min(listed.len());
    let end = start.saturating_add(MAX_URLS as usize).min(listed.len());
    &listed[start..end]
}

/// The public address an entry stands for.
fn address(kind: SitemapKind, entry: &SitemapEntry) -> String {
    match kind {
        SitemapKind::Articles { .. } => article::permalink(entry.published_at, &entry.slug),
        SitemapKind::Pages => format!("/{}/", entry.path.as_deref().unwrap_or("")),
        SitemapKind::Sections => format!(
            "/{}/{}/",
            Taxonomy::Section.base(),
            entry.path.as_deref().unwrap_or(entry.slug.as_str())
        ),
        SitemapKind::Tags => format!("/{}/{}/", Taxonomy::Tag.base(), entry.slug),
        SitemapKind::Authors => format!("/author/{}/", entry.slug),
    }
}

async fn xml(
    app: &App,
    template: &str,
    view: &SitemapView,
    now: OffsetDateTime,
) -> Result<Response, AppError> {
    let body = app.templates.render(template, view)?;
    // Any publication changes them (a comment does not); a scheduled article joins them at
    // its minute.
    listing_response(
        app,
        "application/xml; charset=utf-8",
        body,
        Tag::Headlines,
        now,
    )
    .await
}
