//! The lists of articles and of pages, filtered by state, author, section, tag and title.

use crate::app::App;
use crate::render::views::admin::{ArticleRow, ArticlesPage, Choice, StateLink};
use crate::render::views::human_date_time;
use crate::services::access;
use crate::web::error::AppError;
use crate::web::extract::Admin;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::article::ArticleState;
use tidings_domain::term::as_tree;
use tidings_domain::{ArticleKind, Capability, Taxonomy, TermId, UserId};
use tidings_store::{ArticleFilter, Page};

use super::{chrome, query_value, render};

const ARTICLES_PAGE_SIZE: u32 = 50;

pub async fn list_articles(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    list(&app, &admin, ArticleKind::Article, query).await
}

pub async fn list_pages(
    State(app): State<App>,
    admin: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    list(&app, &admin, ArticleKind::Page, query).await
}

pub(super) fn admin_list(kind: ArticleKind) -> &'static str {
    match kind {
        ArticleKind::Article => "/admin/articles",
        ArticleKind::Page => "/admin/pages",
    }
}

/// A list filtered by the query string: `state`, `author`, `section`, `tag` (ids), `q`
/// (words of the title) and `page`.
async fn list(
    app: &App,
    admin: &Admin,
    kind: ArticleKind,
    query: Option<String>,
) -> Result<Response, AppError> {
    access::require(
        &admin.user,
        match kind {
            ArticleKind::Article => Capability::Write,
            ArticleKind::Page => Capability::ManagePages,
        },
    )?;
    let now = app.now();
    let number = query_value(&query, "page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(1_u32)
        .max(1);
    let id_in = |name: &str| query_value(&query, name).and_then(|value| value.parse::<i64>().ok());
    let state = query_value(&query, "state").and_then(|state| ArticleState::parse(&state));
    let search = query_value(&query, "q")
        .map(|words| words.trim().to_owned())
        .unwrap_or_default();
    let (section, tag) = (id_in("section"), id_in("tag"));
    let filter = ArticleFilter {
        kind,
        state,
        author: id_in("author").map(UserId),
        term: section.or(tag).map(TermId),
        title_contains: (!search.is_empty()).then(|| search.clone()),
        now,
    };
    let (summaries, total) = app
        .store
        .list_articles(
            &filter,
            Page {
                number,
                size: ARTICLES_PAGE_SIZE,
            },
        )
        .await?;
    let counts = app.store.count_by_state(kind, now).await?;
    let all: u64 = counts
        .iter()
        .filter(|(state, _)| *state != ArticleState::Trash)
        .map(|(_, count)| count)
        .sum();
    let mut states = vec![StateLink {
        state: "",
        label: "All",
        count: all,
        current: state.is_none(),
    }];
    for listed in ArticleState::ALL {
        let count = counts
            .iter()
            .find(|(state, _)| *state == listed)
            .map_or(0, |(_, count)| *count);
        if count > 0 || state == Some(listed) {
            states.push(StateLink {
                state: listed.as_str(),
                label: listed.label(),
                count,
                current: state == Some(listed),
            });
        }
    }
    let choices = |terms: Vec<tidings_store::TermUse>, chosen: Option<i64>| {
        term_choices(terms, |term| chosen == Some(term.id.0))
    };
    let (sections, tags) = if kind == ArticleKind::Article {
        (
            choices(app.store.terms(Taxonomy::Section).await?, section),
            choices(app.store.terms(Taxonomy::Tag).await?, tag),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let author = id_in("author");
    let authors = app
        .store
        .all_users()
        .await?
        .into_iter()
        .map(|user| Choice {
            value: user.id.0.to_string(),
            label: user.display_name,
            depth: 0,
            selected: author == Some(user.id.0),
        })
        .collect();
    let filters: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [
                (
                    "state",
                    state.map(ArticleState::as_str).unwrap_or("").to_owned(),
                ),
                (
                    "author",
                    author.map(|id| id.to_string()).unwrap_or_default(),
                ),
                (
                    "section",
                    section.map(|id| id.to_string()).unwrap_or_default(),
                ),
                ("tag", tag.map(|id| id.to_string()).unwrap_or_default()),
                ("q", search.clone()),
            ]
            .into_iter()
            .filter(|(_, value)| !value.is_empty()),
        )
        .finish();
    let page = ArticlesPage {
        chrome: chrome(
            app,
            admin,
            kind_section(kind),
            query_value(&query, "notice"),
        )
        .await?,
        kind: kind.as_str(),
        rows: summaries
            .into_iter()
            .map(|summary| {
                let article = summary.article;
                let state = article.state(now);
                ArticleRow {
                    id: article.id.0,
                    title: article.title.clone(),
                    state: state.as_str(),
                    state_label: state.label(),
                    author: summary.author_name,
                    date: human_date_time(article.published_at),
                    purged_on: article.purged_at().map(human_date_time),
                    comments: summary.approved_comments,
                    permalink: article.permalink(),
                    sticky: article.sticky,
                }
            })
            .collect(),
        states,
        authors,
        sections,
        tags,
        search,
        filters,
        total,
        page: number,
        pages: Page::count(total, ARTICLES_PAGE_SIZE),
    };
    render(app, StatusCode::OK, "admin/articles.html", page)
}

pub(super) fn kind_section(kind: ArticleKind) -> &'static str {
    match kind {
        ArticleKind::Article => "articles",
        ArticleKind::Page => "pages",
    }
}

/// Sections or tags as a list's or the editor's choices: a tree, parents first, each
/// selected when `selected` says so.
pub(super) fn term_choices(
    terms: Vec<tidings_store::TermUse>,
    selected: impl Fn(&tidings_domain::Term) -> bool,
) -> Vec<Choice> {
    let terms: Vec<_> = terms.into_iter().map(|used| used.term).collect();
    as_tree(&terms)
        .into_iter()
        .map(|(term, depth)| Choice {
            value: term.id.0.to_string(),
            label: term.name.clone(),
            depth,
            selected: selected(term),
        })
        .collect()
}
