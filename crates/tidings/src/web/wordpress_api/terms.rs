//! `/wp/v2/categories` (tidings' sections) and `/wp/v2/tags`.

use super::{Params, WpError, paged, rest_url};
use crate::app::App;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use tidings_domain::{ArticleId, Taxonomy, Term};
use tidings_store::TermUse;

fn wp_taxonomy(taxonomy: Taxonomy) -> &'static str {
    match taxonomy {
        Taxonomy::Section => "category",
        Taxonomy::Tag => "post_tag",
    }
}

fn route(taxonomy: Taxonomy) -> &'static str {
    match taxonomy {
        Taxonomy::Section => "/wp/v2/categories",
        Taxonomy::Tag => "/wp/v2/tags",
    }
}

pub async fn list_categories(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    list(&app, &Params::parse(query.as_deref()), Taxonomy::Section).await
}

pub async fn list_tags(
    State(app): State<App>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    list(&app, &Params::parse(query.as_deref()), Taxonomy::Tag).await
}

async fn list(app: &App, params: &Params, taxonomy: Taxonomy) -> Result<Response, WpError> {
    let page = params.number("page", 1, u32::MAX)?;
    let per_page = params.number("per_page", 10, 100)?;
    let mut terms = app.store.terms(taxonomy).await?;
    if let Some(post) = params.id("post")? {
        let filed: Vec<i64> = app
            .store
            .article_terms(ArticleId(post))
            .await?
            .iter()
            .map(|term| term.id.0)
            .collect();
        terms.retain(|used| filed.contains(&used.term.id.0));
    }
    let include = params.ids("include")?;
    if !include.is_empty() {
        terms.retain(|used| include.contains(&used.term.id.0));
    }
    let exclude = params.ids("exclude")?;
    terms.retain(|used| !exclude.contains(&used.term.id.0));
    let slugs = params.list("slug");
    if !slugs.is_empty() {
        terms.retain(|used| slugs.iter().any(|slug| slug == used.term.slug.as_str()));
    }
    if let Some(words) = params
        .get("search")
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let words = words.to_lowercase();
        terms.retain(|used| {
            used.term.name.to_lowercase().contains(&words)
                || used.term.slug.as_str().contains(&words)
        });
    }
    if params.flag("hide_empty") {
        terms.retain(|used| used.articles > 0);
    }
    if let Some(parent) = params.id("parent")? {
        terms.retain(|used| used.term.parent_id.map_or(0, |id| id.0) == parent);
    }
    let ascending = params.ascending(true)?;
    match params.get("orderby").unwrap_or("name") {
        "name" => terms.sort_by_key(|used| used.term.name.to_lowercase()),
        "id" | "include" | "term_group" => terms.sort_by_key(|used| used.term.id.0),
        "slug" => terms.sort_by(|a, b| a.term.slug.as_str().cmp(b.term.slug.as_str())),
        "count" => terms.sort_by_key(|used| used.articles),
        "description" => terms.sort_by(|a, b| a.term.description.cmp(&b.term.description)),
        _ => {
            return Err(WpError::invalid_param(
                "orderby",
                "orderby is not one of id, include, name, slug, include_slugs, term_group, description, count.",
            ));
        }
    }
    if !ascending {
        terms.reverse();
    }
    let total = terms.len() as u64;
    let items: Vec<Value> = terms
        .iter()
        .skip(((page - 1) as usize).saturating_mul(per_page as usize))
        .take(per_page as usize)
        .map(|used| term_json(app, used))
        .collect();
    paged(app, route(taxonomy), items, total, page, per_page, params)
}

pub async fn get_category(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    one(
        &app,
        &id,
        &Params::parse(query.as_deref()),
        Taxonomy::Section,
    )
    .await
}

pub async fn get_tag(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    one(&app, &id, &Params::parse(query.as_deref()), Taxonomy::Tag).await
}

async fn one(
    app: &App,
    id: &str,
    params: &Params,
    taxonomy: Taxonomy,
) -> Result<Response, WpError> {
    let not_found = || {
        WpError::new(
            StatusCode::NOT_FOUND,
            "rest_term_invalid",
            "Term does not exist.",
        )
    };
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let used = app
        .store
        .terms(taxonomy)
        .await?
        .into_iter()
        .find(|used| used.term.id.0 == id)
        .ok_or_else(not_found)?;
    Ok(super::answer(
        StatusCode::OK,
        &term_json(app, &used),
        params,
    ))
}

fn term_json(app: &App, used: &TermUse) -> Value {
    let term = &used.term;
    let mut value = embedded_term_json(app, term);
    value["count"] = json!(used.articles);
    value["description"] = json!(term.description);
    value["meta"] = json!([]);
    if term.taxonomy == Taxonomy::Section {
        value["parent"] = json!(term.parent_id.map_or(0, |id| id.0));
    }
    value["_links"] = json!({
        "self": [{"href": rest_url(app, &format!("{}/{}", route(term.taxonomy), term.id.0))}],
        "collection": [{"href": rest_url(app, route(term.taxonomy))}],
        "about": [{"href": rest_url(app, &format!("/wp/v2/taxonomies/{}", wp_taxonomy(term.taxonomy)))}],
        "wp:post_type": [{"href": rest_url(app, &format!("/wp/v2/posts?{}={}", if term.taxonomy == Taxonomy::Section { "categories" } else { "tags" }, term.id.0))}],
        "curies": [{"name": "wp", "href": "https://api.w.org/{rel}", "templated": true}],
    });
    value
}

/// A term as `_embed` shows it under a post.
pub fn embedded_term_json(app: &App, term: &Term) -> Value {
    json!({
        "id": term.id.0,
        "link": format!("{}{}", app.config.base_url(), term.permalink()),
        "name": term.name,
        "slug": term.slug.as_str(),
        "taxonomy": wp_taxonomy(term.taxonomy),
    })
}
