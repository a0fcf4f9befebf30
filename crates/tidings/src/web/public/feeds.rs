//! The article feeds, in RSS 2.0 and Atom, at WordPress's addresses: the site's (`/feed/`,
//! `/feed/atom/`), each section's, tag's and author's (`/category/slug/feed/` and
//! `…/feed/atom/`). Whole articles or excerpts, as `feed_full_text` says. Cached and
//! dropped like the lists they follow.

use super::listing_response;
use crate::app::App;
use crate::cache::Tag;
use crate::render::views::{self, FeedCategory, FeedItem, FeedPage};
use crate::web::error::AppError;
use axum::extract::{Path, State};
use axum::response::Response;
use tidings_domain::Taxonomy;
use tidings_store::{ArticleSummary, Listed, Page};

/// Articles in a feed: WordPress's default.
const FEED_ITEMS: u32 = 10;

#[derive(Clone, Copy)]
enum Format {
    Rss,
    Atom,
}

impl Format {
    fn template(self) -> &'static str {
        match self {
            Format::Rss => "feed.xml",
            Format::Atom => "atom.xml",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Format::Rss => "feed/",
            Format::Atom => "feed/atom/",
        }
    }
}

pub async fn show_feed(State(app): State<App>) -> Result<Response, AppError> {
    site_feed(&app, Format::Rss).await
}

pub async fn show_atom_feed(State(app): State<App>) -> Result<Response, AppError> {
    site_feed(&app, Format::Atom).await
}

pub async fn show_tag_feed(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    term_feed(&app, Taxonomy::Tag, &slug, Format::Rss).await
}

pub async fn show_tag_atom_feed(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    term_feed(&app, Taxonomy::Tag, &slug, Format::Atom).await
}

pub async fn show_author_feed(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    author_feed(&app, &slug, Format::Rss).await
}

pub async fn show_author_atom_feed(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    author_feed(&app, &slug, Format::Atom).await
}

const FIRST_PAGE: Page = Page {
    number: 1,
    size: FEED_ITEMS,
};

async fn site_feed(app: &App, format: Format) -> Result<Response, AppError> {
    let listed = app.store.published_articles(app.now(), FIRST_PAGE).await?;
    let title = app.config.title.clone();
    feed(app, format, title, "/", listed).await
}

async fn term_feed(
    app: &App,
    taxonomy: Taxonomy,
    slug: &str,
    format: Format,
) -> Result<Response, AppError> {
    let term = app
        .store
        .term_by_slug(taxonomy, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    term_feed_of(app, &term, matches!(format, Format::Atom)).await
}

/// The feed of a section or tag already found.
pub(super) async fn term_feed_of(
    app: &App,
    term: &tidings_domain::Term,
    atom: bool,
) -> Result<Response, AppError> {
    let format = if atom { Format::Atom } else { Format::Rss };
    let listed = app
        .store
        .published_with_term(term.id, app.now(), FIRST_PAGE)
        .await?;
    let title = format!("{} – {}", app.config.title, term.name);
    feed(app, format, title, &term.permalink(), listed).await
}

async fn author_feed(app: &App, slug: &str, format: Format) -> Result<Response, AppError> {
    let author = app
        .store
        .author_by_slug(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let listed = app
        .store
        .published_by(author.id, app.now(), FIRST_PAGE)
        .await?;
    let title = format!("{} – {}", app.config.title, author.display_name);
    feed(app, format, title, &author.permalink(), listed).await
}

/// The feed of `listed`, whose page is at `path`.
async fn feed(
    app: &App,
    format: Format,
    title: String,
    path: &str,
    listed: Listed<ArticleSummary>,
) -> Result<Response, AppError> {
    let now = app.now();
    let base_url = app.config.base_url();
    let mut items = Vec::with_capacity(listed.items.len());
    for summary in &listed.items {
        let article = &summary.article;
        // A correction travels with the article to feed readers, after its text.
        let mut content_html = article.body_html().as_str().to_owned();
        for note in app.store.corrections_of(article.id).await? {
            content_html.push_str(&format!(
                "<p class=\"correction\"><em>Correction, {}:</em> {}</p>",
                views::human_date_time(note.created_at),
                minijinja::HtmlEscape(&note.body)
            ));
        }
        let categories = app
            .store
            .article_terms(article.id)
            .await?
            .into_iter()
            .map(|term| FeedCategory {
                scheme: format!("{base_url}/{}/", term.taxonomy.base()),
                slug: term.slug.to_string(),
                name: term.name,
            })
            .collect();
        items.push(FeedItem {
            title: article.title.clone(),
            link: format!("{base_url}{}", article.permalink()),
            pub_date: views::rss_date(article.published_at),
            published: views::atom_date(article.published_at),
            updated: views::atom_date(article.updated_at.max(article.published_at)),
            author: summary.author_name.clone(),
            categories,
            excerpt: article.excerpt(),
            content_html,
            comment_count: summary.approved_comments,
        });
    }
    let updated = listed
        .items
        .iter()
        .map(|summary| summary.article.updated_at.max(summary.article.published_at))
        .max()
        .unwrap_or(now);
    let view = FeedPage {
        site: app.site_view(),
        title,
        link: format!("{base_url}{path}"),
        self_url: format!("{base_url}{path}{}", format.suffix()),
        last_build_date: views::rss_date(updated),
        updated: views::atom_date(updated),
        full_text: app.config.feed_full_text,
        items,
    };
    let body = app.templates.render(format.template(), &view)?;
    listing_response(app, format.content_type(), body, Tag::Lists, now).await
}
